"""The one interface every output format implements."""

from __future__ import annotations

from collections.abc import Callable, Collection, Mapping
from typing import Any, BinaryIO

from graphlib_trade.errors import RenderError

Renderer = Callable[..., str]


class Format:
    """One output format: a renderer for each kind of result it can show.

    Parameters
    ----------
    renderers : mapping
        Result type (``ImpactResult``, ``WhatIfReport``, ...) -> a function of the result
        returning the text.
    takes_layout : bool, optional
        Whether the renderers take the terminal's ``width`` and ``color`` (the table
        format); the others are the same on any terminal.
    shows : collection of str, optional
        The optional fields of a report this format shows (``after``, ``timeline`` of a
        ``WhatIfReport``): the command works them out only for a format that shows them.
    """

    def __init__(
        self, renderers: Mapping[type, Renderer], *, takes_layout: bool = False, shows: Collection[str] = ()
    ) -> None:
        self._renderers = dict(renderers)
        self._takes_layout = takes_layout
        self._shows = frozenset(shows)

    def shows(self, part: str) -> bool:
        """Whether this format shows the optional field ``part`` of a report."""
        return part in self._shows

    def supports(self, kind: type) -> bool:
        """Whether this format can show results of type ``kind``."""
        return kind in self._renderers

    def render(self, result: Any, *, width: int = 140, color: bool = False) -> str:
        """``result`` as text (never printed here)."""
        renderer = self._renderers.get(type(result))
        if renderer is None:
            raise RenderError(f"this format cannot show a {type(result).__name__}")
        return renderer(result, width=width, color=color) if self._takes_layout else renderer(result)

    def write(self, result: Any, handle: BinaryIO, *, width: int = 140, color: bool = False) -> None:
        """``result`` as UTF-8 text into a binary file (a format may write it in pieces)."""
        handle.write(self.render(result, width=width, color=color).encode("utf-8"))
