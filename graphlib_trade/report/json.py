"""The ``json`` format: any result model as JSON, the shape declared by the model itself."""

from __future__ import annotations

from typing import Any, BinaryIO

from pydantic import BaseModel

from graphlib_trade.models import ImpactResult
from graphlib_trade.report.base import Format


def as_json(result: BaseModel) -> str:
    """``result.model_dump(mode="json")``, indented, UTF-8 kept as it is (pydantic writes it in
    Rust: the same text as ``json.dumps(..., indent=2, ensure_ascii=False)``, five times faster on
    a 25 MB impact).

    >>> import json
    >>> from graphlib_trade.models import Cause
    >>> cause = Cause(restriction="el", supplier="s", item="é", buyer="b")
    >>> as_json(cause) == json.dumps(cause.model_dump(mode="json"), indent=2, ensure_ascii=False) + chr(10)
    True
    """
    return json_bytes(result).decode("utf-8") + "\n"


def json_bytes(result: BaseModel) -> bytes:
    """``result``'s JSON, indented, as the UTF-8 bytes pydantic writes (without the last newline)."""
    return result.__pydantic_serializer__.to_json(result, indent=2)


class JsonFormat(Format):
    """Every result model, generically."""

    def __init__(self) -> None:
        super().__init__({})

    def supports(self, kind: type) -> bool:
        return isinstance(kind, type) and issubclass(kind, BaseModel)

    def render(self, result: Any, *, width: int = 140, color: bool = False) -> str:
        return as_json(result)

    def write(self, result: Any, handle: BinaryIO, *, width: int = 140, color: bool = False) -> None:
        write_json(result, handle)


#: An impact with more products and end users than this is written one entry at a time.
PIECES_FROM = 1000


def write_json(result: BaseModel, handle: BinaryIO) -> None:
    """The bytes of :func:`as_json` into ``handle``; a big impact's products and end users one at a
    time, each as pydantic writes it, indented where it stands.

    pydantic grows one buffer for a whole answer, by doubling: a 487 MB impact at 1M nodes took
    twice that at its peak, beside the model it came from.
    """
    entries = _lists(result)
    if entries is None:
        handle.write(json_bytes(result))
        handle.write(b"\n")
        return
    # The answer with those lists empty, then each list written in where it stands; a key line
    # is found by its raw newline, which no JSON string holds (it is written as \n there).
    shell = json_bytes(result.model_copy(update=dict.fromkeys(entries, ())))
    for name, items in entries.items():
        empty = f'\n  "{name}": []'.encode()
        before, _, shell = shell.partition(empty)
        handle.write(before)
        if not items:
            handle.write(empty)
            continue
        handle.write(f'\n  "{name}": [\n    '.encode())
        for i, item in enumerate(items):
            if i:
                handle.write(b",\n    ")
            handle.write(json_bytes(item).replace(b"\n", b"\n    "))
        handle.write(b"\n  ]")
    handle.write(shell)
    handle.write(b"\n")


def _lists(result: BaseModel) -> dict[str, tuple[BaseModel, ...]] | None:
    """The lists of an impact big enough to write one entry at a time (None: write it whole)."""
    if not isinstance(result, ImpactResult) or len(result.products) + len(result.end_users) <= PIECES_FROM:
        return None
    return {"products": result.products, "end_users": result.end_users}
