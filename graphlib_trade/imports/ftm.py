"""FollowTheMoney entities (the format of OpenSanctions' exports) read into companies and ownership.

The input is the flat FtM export: one JSON object a line, ``{"id", "schema", "properties":
{name: [text, ...]}}`` (other top-level keys such as ``caption``, ``datasets``, ``first_seen``
are allowed; every property value is a list of strings).  :func:`read_ftm` keeps what the
data file can hold:

- ``Company``, ``Organization`` and ``LegalEntity`` entities become ``companies`` entries;
- ``Ownership`` entities become ``ownership`` entries;
- every other schema (``Person``, ``Address``, ``Sanction``, ``PublicBody``, ...) is counted
  and skipped, with one warning line for all of them.

How each value is read (the choices, once):

- **Country**: the first ``country`` that is an ISO alpha-2 code, else the first such
  ``jurisdiction``, upper-cased (FtM writes ``"cn"``); FtM's ``"eu"`` and ``"zz"`` (no
  country) and longer codes (``"suhh"``) are no country.  A company with none is left out
  with a warning (the data model requires a country), and so is every ownership row that
  names it.
- **Name**: the first ``name``, else the entity's ``caption``, else its id (with a warning).
- **match**: ``match(name, country)`` (country None when the entity has none) may return the
  id of a company the analyst already has: that id replaces the entity's id everywhere
  (ownership rows included), no company entry is written for the entity (the analyst's entry
  stands, name and country included), and a matched company needs no country here.
- **Percentage** (``share``): ``"51%"`` and ``"51"`` are percent; a number at most 1 written
  with a decimal point (``"0.51"``, ``"1.0"``, ``".5"``) is a fraction, so ``"1.0"`` is
  100% and ``"1"`` is 1%; a ``%`` always means percent (``"0.5%"`` is 0.005).  A range
  (``"50-75%"``, ``"0.25-0.5"``) keeps its lower bound, with a warning.  A missing
  percentage leaves the row out, with a warning; one that is not a share (``"51,5%"``,
  ``"150%"``, ``"majority"``) is bad input: a :class:`DataError` naming the line, and nothing
  is imported.
- **Dates**: ``startDate`` is the first day the holding counts (``valid_from``);
  ``endDate`` is the day it ended, so ``valid_until`` (the last day held, inclusive) is the
  day before: Huawei sold Honor on 2020-11-17, its holding's last day is 2020-11-16 and the
  buyer's holding from 2020-11-17 does not overlap it.  A partial date takes the first day
  of its period for a start (``"2020"`` is 2020-01-01) and the last for an end (``"2020-11"``
  ends on 2020-11-30, so valid until 2020-11-29), with a warning; a time of day is dropped.
  An unreadable date, or a window that ends before it starts, leaves the row out.
- **Several values** of ``percentage``, ``startDate`` or ``endDate``: the first is read,
  with a warning.
- **Owner and asset**: mapped through the same ids as the companies.  An id that is not in
  the file is kept as it is (it may name a company of the analyst's file it is merged with);
  one that is an entity of another schema in this file (a ``Person``) leaves the row out,
  with a warning: the data model's owners are companies.  So does a row whose owner and
  asset end up the same company.
- **note**: ``"ftm ID (DATASET, ...)"``: the FtM entity's id and its ``datasets`` (when the
  export lists them), on every entry written.

Bad input (a line that is not JSON or not an object, no ``id`` or ``schema``, a property
that is not a list of strings, an id on two lines) raises one
:class:`~graphlib_trade.errors.DataError` naming every such line and its value; nothing
partial is returned.  Shares that add up to more than 1 are left for
:func:`~graphlib_trade.models.parse_dataset` to name.
"""

from __future__ import annotations

import calendar
import datetime as dt
import json
import os
import re
from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from graphlib_trade.errors import DataError
from graphlib_trade.files import read_text
from graphlib_trade.imports import Imported
from graphlib_trade.models.base import COUNTRY, short

#: The schemas read as companies (FtM's ``Organization`` and its kin; ``PublicBody`` is not).
COMPANY_SCHEMAS = frozenset({"Company", "Organization", "LegalEntity"})
#: FtM's two-letter codes that name no country: the European Union and "no country".
NOT_COUNTRIES = frozenset({"EU", "ZZ"})

#: ``match(name, country)``: the id of the analyst's company of that name, or None.
Match = Callable[[str, str | None], str | None]

_NUMBER = r"(\d+(?:\.\d*)?|\.\d+)"
_SHARE = re.compile(rf"^{_NUMBER}(?:[-\u2013]{_NUMBER})?$")
_DATE = re.compile(r"^(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?$")


@dataclass(frozen=True)
class _Entity:
    line: int
    id: str
    schema: str
    properties: dict[str, list[str]]
    caption: str | None
    datasets: tuple[str, ...]

    def first(self, prop: str) -> str | None:
        values = self.properties.get(prop) or []
        return values[0] if values else None

    @property
    def label(self) -> str:
        return f"line {self.line}: {self.schema} {self.id!r}"

    @property
    def note(self) -> str:
        return f"ftm {self.id}" + (f" ({', '.join(self.datasets)})" if self.datasets else "")


def read_share(value: str) -> tuple[float, bool] | None:
    """A percentage as a share 0..1 and whether it was a range (its lower bound); None: unreadable.

    >>> [read_share(v) for v in ("51%", "51", "0.51", "1.0", "1", "0.5%")]
    [(0.51, False), (0.51, False), (0.51, False), (1.0, False), (0.01, False), (0.005, False)]
    >>> read_share("50-75%"), read_share("0.25-0.5"), read_share("150%"), read_share("51,5%")
    ((0.5, True), (0.25, True), None, None)
    """
    text = value.replace(" ", "")
    percent = "%" in text
    found = _SHARE.match(text.replace("%", ""))
    if not found:
        return None
    bounds = [b for b in found.groups() if b is not None]
    numbers = [Decimal(b) for b in bounds]
    fraction = not percent and all(n <= 1 for n in numbers) and any("." in b for b in bounds)
    shares = numbers if fraction else [n / 100 for n in numbers]
    if any(s > 1 for s in shares) or (len(shares) == 2 and shares[1] < shares[0]):
        return None
    return float(shares[0]), len(shares) == 2


def read_date(value: str, end: bool) -> tuple[dt.date, bool] | None:
    """An FtM date (``"2020"``, ``"2020-11"``, ``"2020-11-17"``, a time dropped) and whether it was
    partial: the first day of its period, or the last when ``end``; None: unreadable.

    >>> read_date("2020", end=False), read_date("2020-02", end=True)
    ((datetime.date(2020, 1, 1), True), (datetime.date(2020, 2, 29), True))
    >>> read_date("2020-11-17T09:30:00", end=True), read_date("2020-13", end=False)
    ((datetime.date(2020, 11, 17), False), None)
    """
    found = _DATE.match(value.strip().split("T")[0])
    if not found:
        return None
    year, month, day = (int(g) if g else None for g in found.groups())
    assert year is not None
    try:
        if month is None:
            return (dt.date(year, 12, 31) if end else dt.date(year, 1, 1)), True
        if day is None:
            last = calendar.monthrange(year, month)[1] if 1 <= month <= 12 else 0
            return dt.date(year, month, last if end else 1), True
        return dt.date(year, month, day), False
    except ValueError:
        return None


def _country(entity: _Entity) -> str | None:
    for prop in ("country", "jurisdiction"):
        for code in entity.properties.get(prop, []):
            upper = code.strip().upper()
            if COUNTRY.match(upper) and upper not in NOT_COUNTRIES:
                return upper
    return None


def _parse(text: str, source: str) -> list[_Entity]:
    """Every entity of the file, or one :class:`DataError` naming every bad line."""
    problems: list[str] = []
    entities: list[_Entity] = []
    seen: dict[str, int] = {}
    for n, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            raw = json.loads(line)
        except json.JSONDecodeError as exc:
            problems.append(f"line {n}: not JSON ({exc.msg}, column {exc.colno}): {short(line)}")
            continue
        if not isinstance(raw, Mapping):
            problems.append(f"line {n}: expected a JSON object (an FtM entity), got {short(raw)}")
            continue
        missing = [k for k in ("id", "schema") if not isinstance(raw.get(k), str) or not raw[k].strip()]
        if missing:
            got = ", ".join(f"{k} {short(raw.get(k))}" for k in missing)
            problems.append(f"line {n}: an entity needs a non-empty id and schema, got {got}")
            continue
        id_, schema = raw["id"], raw["schema"]
        props = raw.get("properties", {})
        if not isinstance(props, Mapping):
            problems.append(f"line {n}: {schema} {id_!r}: properties must be an object, got {short(props)}")
            continue
        bad = [
            k for k, v in props.items() if not isinstance(v, list) or not all(isinstance(s, str) for s in v)
        ]
        for k in bad:
            problems.append(
                f"line {n}: {schema} {id_!r}: property {k!r} must be a list of strings "
                f"(the flat FtM export), got {short(props[k])}"
            )
        if id_ in seen:
            problems.append(
                f"line {n}: {schema} {id_!r}: id already used on line {seen[id_]} "
                "(entity fragments: merge them first, e.g. with `ftm aggregate`)"
            )
            continue
        seen[id_] = n
        if bad:
            continue
        caption = raw.get("caption")
        datasets = raw.get("datasets")
        entities.append(
            _Entity(
                line=n,
                id=id_,
                schema=schema,
                properties={k: list(v) for k, v in props.items()},
                caption=caption if isinstance(caption, str) and caption.strip() else None,
                datasets=tuple(d for d in datasets if isinstance(d, str))
                if isinstance(datasets, list)
                else (),
            )
        )
    if problems:
        raise DataError(source, problems)
    return entities


def read_ftm(path: str | os.PathLike[str], match: Match | None = None) -> Imported:
    """Companies and ownership from a FollowTheMoney JSON-lines file (one entity a line).

    ``match(name, country)`` may return the id of a company the analyst already has; then
    that id is used for the entity (in ownership rows too) and no company entry is written
    for it: the analyst's entry stands.  The reading rules are in this module's docstring.

    Raises
    ------
    DataError
        Naming every line that is not an FtM entity (not JSON, no id or schema, ...).
    """
    source = str(path)
    entities = _parse(read_text(path), source)
    warnings: list[str] = []
    companies: list[dict[str, Any]] = []
    ownership: list[dict[str, Any]] = []
    ids: dict[str, str] = {}  # FtM id -> the id the company goes by
    left_out: set[str] = set()  # companies left out for lack of a country
    others: dict[str, str] = {}  # FtM id -> schema, of entities skipped
    skipped: Counter[str] = Counter()

    for e in entities:
        if e.schema in COMPANY_SCHEMAS:
            _company(e, match, ids, left_out, companies, warnings)
        elif e.schema != "Ownership":
            others[e.id] = e.schema
            skipped[e.schema] += 1

    problems: list[str] = []
    for e in entities:
        if e.schema == "Ownership":
            row = _ownership(e, ids, left_out, others, warnings, problems)
            if row is not None:
                ownership.append(row)
    if problems:  # a share that is not a number is bad input: nothing is imported
        raise DataError(source, problems)

    if skipped:
        counts = ", ".join(f"{schema} {count}" for schema, count in sorted(skipped.items()))
        total = sum(skipped.values())
        warnings.append(
            f"skipped {total} {'entity' if total == 1 else 'entities'} of other schemas: {counts}"
        )
    return Imported(sections={"companies": companies, "ownership": ownership}, warnings=tuple(warnings))


def _company(
    e: _Entity,
    match: Match | None,
    ids: dict[str, str],
    left_out: set[str],
    companies: list[dict[str, Any]],
    warnings: list[str],
) -> None:
    name = e.first("name") or e.caption
    if not name:
        name = e.id
        warnings.append(f"{e.label}: no name; named by its id")
    country = _country(e)
    matched = match(name, country) if match is not None else None
    if matched:
        ids[e.id] = matched
        return
    if country is None:
        left_out.add(e.id)
        got = {p: e.properties[p] for p in ("country", "jurisdiction") if e.properties.get(p)}
        warnings.append(
            f"{e.label} ({name!r}): no country or jurisdiction that is an ISO alpha-2 code "
            f"(got {short(got) if got else 'none'}); left out (a company needs a country)"
        )
        return
    ids[e.id] = e.id
    companies.append({"id": e.id, "name": name, "country": country, "note": e.note})


def _one(e: _Entity, prop: str, warnings: list[str]) -> str | None:
    """The first value of ``prop``, with a warning when there are several."""
    values = e.properties.get(prop) or []
    if len(values) > 1:
        warnings.append(f"{e.label}: {len(values)} {prop} values {short(values)}; the first is read")
    return values[0] if values else None


def _ownership(
    e: _Entity,
    ids: dict[str, str],
    left_out: set[str],
    others: dict[str, str],
    warnings: list[str],
    problems: list[str],
) -> dict[str, Any] | None:
    ends: dict[str, str] = {}
    for field, prop in (("owner", "owner"), ("owned", "asset")):
        ref = e.first(prop)
        if ref is None:
            warnings.append(f"{e.label}: no {prop}; left out")
            return None
        if ref in left_out:
            warnings.append(f"{e.label}: {prop} {ref!r} was left out (no country); left out")
            return None
        if ref in others:
            warnings.append(f"{e.label}: {prop} {ref!r} is a {others[ref]}, not a company; left out")
            return None
        ends[field] = ids.get(ref, ref)
    if ends["owner"] == ends["owned"]:
        warnings.append(f"{e.label}: owner and asset are the same company {ends['owner']!r}; left out")
        return None

    raw_share = _one(e, "percentage", warnings)
    if raw_share is None:
        warnings.append(f"{e.label}: no percentage; left out")
        return None
    share = read_share(raw_share)
    if share is None:
        problems.append(f"{e.label}: percentage {raw_share!r} is not a share (such as '51%', '51' or '0.51')")
        return None
    value, ranged = share
    if ranged:
        warnings.append(f"{e.label}: percentage {raw_share!r} is a range; its lower bound {value:g} is kept")
    row: dict[str, Any] = {**ends, "share": value}

    window: dict[str, dt.date] = {}
    for prop, field, end in (("startDate", "valid_from", False), ("endDate", "valid_until", True)):
        text = _one(e, prop, warnings)
        if text is None:
            continue
        day = read_date(text, end)
        if day is None:
            warnings.append(f"{e.label}: {prop} {text!r} is not a date; left out")
            return None
        date, partial = day
        window[field] = date - dt.timedelta(days=1) if end else date
        if partial:
            held = f" (so valid until {window[field].isoformat()})" if end else ""
            warnings.append(f"{e.label}: {prop} {text!r} is a partial date; read as {date.isoformat()}{held}")
    start, until = window.get("valid_from"), window.get("valid_until")
    if start is not None and until is not None and until < start:
        warnings.append(
            f"{e.label}: endDate {e.first('endDate')!r} is not after startDate {e.first('startDate')!r} "
            "(the holding ends the day before endDate); left out"
        )
        return None
    row.update({k: v.isoformat() for k, v in window.items()})
    row["note"] = e.note
    return row
