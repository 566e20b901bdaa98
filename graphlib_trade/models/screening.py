"""Screening lists and what screening finds: entries of a list such as the US Consolidated
Screening List, and the matches of a data file's companies and end users against them."""

from __future__ import annotations

import datetime as dt
import re

from pydantic import Field

from graphlib_trade.models.base import Frozen

_CODE = re.compile(r"\(([A-Z]{2,5})\)")


def source_code(source: str) -> str | None:
    """The list's code in a screening list's ``source``: ``EL`` for "Entity List (EL) - Bureau of ...".

    >>> source_code("Entity List (EL) - Bureau of Industry and Security"), source_code("Other")
    ('EL', None)
    """
    found = _CODE.search(source)
    return found.group(1) if found else None


class ListedParty(Frozen):
    """One entry of a screening list (the fields of the Consolidated Screening List that
    screening and ``import csl`` read; the others are kept by the file, not here)."""

    id: str = Field(min_length=1)
    #: The list it is on, as the file names it ("Entity List (EL) - Bureau of Industry and Security").
    source: str
    name: str
    alt_names: tuple[str, ...] = ()
    #: The countries of its addresses (ISO alpha-2), in file order.
    countries: tuple[str, ...] = ()
    entity_number: str | None = None
    type: str | None = None
    programs: tuple[str, ...] = ()
    federal_register_notice: str | None = None
    start_date: dt.date | None = None
    end_date: dt.date | None = None
    license_requirement: str | None = None
    license_policy: str | None = None
    remarks: str | None = None


class ScreeningMatch(Frozen):
    """A company or end user whose name matches a listed party's name or alternative name."""

    #: The company or end user (its id and name in the data).
    id: str
    name: str
    kind: str
    #: The list entry (its id), its primary name and its list.
    entry: str
    listed_name: str
    source: str
    #: Name similarity after normalisation, 0..1 (1: the normalised names are equal).
    score: float
    #: The normalised names are equal and the countries agree.
    exact: bool
    #: Whether the party's country is among the entry's address countries (None: one side has none).
    country_match: bool | None
    #: The listed name (primary or alternative) that matched, and both names normalised.
    matched_on: str
    normalised: str
    listed_normalised: str


class ScreeningResult(Frozen):
    """Every match at or above the threshold, best first, and how many entries matched nothing."""

    threshold: float
    matches: tuple[ScreeningMatch, ...] = ()
    unmatched_entries: int = 0
    parties: int = 0
    entries: int = 0
