"""Importers: real formats an analyst already holds, read into data-file sections.

Each importer reads one format (the US Consolidated Screening List, FollowTheMoney
entities, CycloneDX bills of materials) and returns an :class:`Imported`: plain sections of
a data file, named exactly as the data contract names them (``companies``, ``components``,
``restrictions``, ...), and warnings, one line each naming the entry.  The sections are
validated with :func:`~graphlib_trade.models.parse_dataset` like any data file, alone or
merged with the analyst's own (``--data``).  Bad input raises one
:class:`~graphlib_trade.errors.DataError` naming the file, the entry and the value.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Imported:
    """Data-file sections read from a foreign format, and what the reader warns about."""

    sections: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    #: One line each, naming the entry (and the value) the warning is about.
    warnings: tuple[str, ...] = ()
