"""Output formats: one module per format, each a :class:`~graphlib_trade.report.base.Format`.

:data:`FORMATS` maps a ``--format`` name to its format; the command line only looks
a name up here (:func:`formats_for`, :func:`render`) and never branches on it.
Renderers return text and never print.
"""

from __future__ import annotations

from typing import Any, BinaryIO

from graphlib_trade.report.base import Format
from graphlib_trade.report.csv import CsvFormat
from graphlib_trade.report.html import HtmlFormat
from graphlib_trade.report.json import JsonFormat
from graphlib_trade.report.pictures import PictureFormat, to_dot, to_mermaid, to_svg
from graphlib_trade.report.table import TableFormat

FORMATS: dict[str, Format] = {
    "table": TableFormat(),
    "json": JsonFormat(),
    "csv": CsvFormat(),
    "dot": PictureFormat(to_dot),
    "mermaid": PictureFormat(to_mermaid),
    "svg": PictureFormat(to_svg),
    "html": HtmlFormat(),
}


def formats_for(kind: type) -> list[str]:
    """The names of the formats that can show results of type ``kind``, in :data:`FORMATS` order."""
    return [name for name, fmt in FORMATS.items() if fmt.supports(kind)]


def render(fmt: str, result: Any, *, width: int = 140, color: bool = False) -> str:
    """``result`` in the format named ``fmt``."""
    return FORMATS[fmt].render(result, width=width, color=color)


def shows(fmt: str, part: str) -> bool:
    """Whether the format named ``fmt`` shows the optional field ``part`` of a report."""
    return FORMATS[fmt].shows(part)


def write(fmt: str, result: Any, handle: BinaryIO, *, width: int = 140, color: bool = False) -> None:
    """``result`` in the format named ``fmt``, written to a binary file."""
    FORMATS[fmt].write(result, handle, width=width, color=color)


__all__ = ["FORMATS", "Format", "formats_for", "render", "shows", "write"]
