"""The ``json`` format: any result model as JSON, the shape declared by the model itself."""

from __future__ import annotations

import json
from typing import Any

from pydantic import BaseModel

from graphlib_trade.report.base import Format


def as_json(result: BaseModel) -> str:
    """``result.model_dump(mode="json")``, indented, UTF-8 kept as it is."""
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


class JsonFormat(Format):
    """Every result model, generically."""

    def __init__(self) -> None:
        super().__init__({})

    def supports(self, kind: type) -> bool:
        return isinstance(kind, type) and issubclass(kind, BaseModel)

    def render(self, result: Any, *, width: int = 140, color: bool = False) -> str:
        return as_json(result)
