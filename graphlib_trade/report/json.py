"""The ``json`` format: any result model as JSON, the shape declared by the model itself."""

from __future__ import annotations

from typing import Any, BinaryIO

from pydantic import BaseModel

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
        # The bytes as pydantic writes them: a big answer is never held as text and again as bytes.
        handle.write(json_bytes(result))
        handle.write(b"\n")
