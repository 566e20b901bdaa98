"""The ``json`` format: any result model as JSON, the shape declared by the model itself."""

from __future__ import annotations

from collections.abc import Iterator
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
    twice that at its peak, beside the model it came from.  An impact's causes are shared
    models (one per cause, however many entries it reaches): each is written once, and its
    bytes are set in every entry that lists it (1.9M causes listed by 50k products at 1M).
    """
    entries = _lists(result)
    if entries is None:
        handle.write(json_bytes(result))
        handle.write(b"\n")
        return
    shared: dict[int, bytes] = {}
    for piece, items in _spliced(json_bytes(result.model_copy(update=dict.fromkeys(entries, ()))), entries):
        handle.write(piece)
        for i, item in enumerate(items):
            if i:
                handle.write(b",\n    ")
            handle.write(_entry_bytes(item, shared).replace(b"\n", b"\n    "))
    handle.write(b"\n")


def _spliced(
    shell: bytes, lists: dict[str, tuple[BaseModel, ...]]
) -> Iterator[tuple[bytes, tuple[BaseModel, ...]]]:
    """``shell`` (an answer written with ``lists`` empty) in pieces, each followed by the entries
    of one list, written in where the empty list stands, indented two steps (``[]`` stays as
    it is for an empty list); the last piece is followed by no entries.

    A key line is found by its raw newline, which no JSON string holds (it is written as \\n
    there).
    """
    for name, items in lists.items():
        empty = f'\n  "{name}": []'.encode()
        before, _, shell = shell.partition(empty)
        if not items:
            yield before + empty, ()
            continue
        yield before + f'\n  "{name}": [\n    '.encode(), items
        shell = b"\n  ]" + shell
    yield shell, ()


def _entry_bytes(item: BaseModel, shared: dict[int, bytes]) -> bytes:
    """``item``'s JSON; its lists of models (an entry's causes) from the bytes of each model,
    written once into ``shared`` (by the model's identity: the answer keeps it alive)."""
    lists = {
        name: value
        for name, value in item.__dict__.items()
        if isinstance(value, tuple) and value and isinstance(value[0], BaseModel)
    }
    if not lists:
        return json_bytes(item)
    pieces: list[bytes] = []
    for before, models in _spliced(json_bytes(item.model_copy(update=dict.fromkeys(lists, ()))), lists):
        pieces.append(before)
        if models:
            keys = list(map(id, models))
            found = list(map(shared.get, keys))
            for i in (i for i, known in enumerate(found) if known is None) if None in found else ():
                found[i] = shared[keys[i]] = json_bytes(models[i]).replace(b"\n", b"\n    ")
            pieces.append(b",\n    ".join(found))  # type: ignore[arg-type]
    return b"".join(pieces)


def _lists(result: BaseModel) -> dict[str, tuple[BaseModel, ...]] | None:
    """The lists of an impact big enough to write one entry at a time (None: write it whole)."""
    if not isinstance(result, ImpactResult) or len(result.products) + len(result.end_users) <= PIECES_FROM:
        return None
    return {"products": result.products, "end_users": result.end_users}
