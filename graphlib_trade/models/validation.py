"""Validation of a data file: every problem on one line that names the entry and the value.

:func:`parse_dataset` turns raw mappings (from YAML, JSON, a CSV folder or Neo4j)
into a :class:`~graphlib_trade.models.data.Dataset` and raises one
:class:`~graphlib_trade.errors.DataError` listing every problem.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Mapping
from typing import Any

import numpy as np
from pydantic import BaseModel, ValidationError

from graphlib_trade.errors import DataError
from graphlib_trade.models.base import SHARE_EPSILON, short
from graphlib_trade.models.data import ID_SECTIONS, SECTIONS, Dataset, Ownership
from graphlib_trade.models.references import NAMED, References, objects, repeated


def describe_entry(section: str, index: int, raw: Any) -> str:
    """Name an entry the way an analyst finds it in the file: ``bom[3] (parent 'p', component 'c')``."""
    label = f"{section}[{index}]"
    if not isinstance(raw, Mapping):
        return label
    if "id" in raw:
        return f"{label} {short(raw['id'])}"
    keys = [
        k
        for k in (
            "owner",
            "owned",
            "supplier",
            "provider",
            "user",
            "parent",
            "component",
            "product",
        )
        if k in raw
    ]
    if not keys:
        return label
    return label + " (" + ", ".join(f"{k} {short(raw[k])}" for k in keys[:2]) + ")"


def _pydantic_problems(error: ValidationError, raw: Mapping[str, Any]) -> list[str]:
    problems = []
    for item in error.errors():
        loc = item["loc"]
        msg = item["msg"].removeprefix("Value error, ").replace("a valid tuple", "a list")
        if not loc:
            problems.append(msg)
            continue
        section = str(loc[0])
        if item["type"] == "extra_forbidden" and len(loc) == 1:
            problems.append(f"unknown section {section!r} (expected one of: {', '.join(SECTIONS)})")
            continue
        if len(loc) == 1:
            problems.append(f"{section}: {msg}, got {short(item.get('input'))}")
            continue
        index = loc[1]
        entries = raw.get(section)
        entry_raw = entries[index] if isinstance(entries, list) and isinstance(index, int) else None
        where = describe_entry(section, index if isinstance(index, int) else 0, entry_raw)
        field = ".".join(str(p) for p in loc[2:])
        if item["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown field {field!r}")
        elif field:
            got = "" if ", got " in msg else f", got {short(item.get('input'))}"
            problems.append(f"{where}: {field}: {msg}{got}")
        else:
            problems.append(f"{where}: {msg}")
    return problems


def parse_dataset(raw: Any, source: str) -> Dataset:
    """Validate raw mappings into a :class:`Dataset`; raise :class:`DataError` naming every problem."""
    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise DataError(source, [f"the top level must be a mapping of sections, got {type(raw).__name__}"])
    try:
        dataset = Dataset.model_validate(dict(raw))
    except ValidationError as exc:
        raise DataError(source, _pydantic_problems(exc, raw)) from None
    return checked_dataset(dataset, source)


def checked_dataset(dataset: Dataset, source: str) -> Dataset:
    """``dataset``, whose entries are each valid, once its references hold too (see
    :func:`reference_problems`); raise :class:`DataError` naming every problem."""
    problems = reference_problems(dataset)
    if problems:
        raise DataError(source, problems)
    return dataset


class _Where:
    """An entry's name for a message, worked out only when a message needs it."""

    __slots__ = ("entry", "index", "section")

    def __init__(self, section: str, index: int, entry: BaseModel) -> None:
        self.section, self.index, self.entry = section, index, entry

    def __str__(self) -> str:
        return describe_entry(self.section, self.index, self.entry.model_dump())


def _overlap(a: Ownership, b: Ownership) -> bool:
    """Whether two holdings' windows share a day (open ends reach forever)."""
    return (a.valid_until is None or b.valid_from is None or b.valid_from <= a.valid_until) and (
        b.valid_until is None or a.valid_from is None or a.valid_from <= b.valid_until
    )


def _most_held(held: list[Ownership]) -> tuple[dt.date | None, float]:
    """The day on which the shares held in one company add up most, and that sum (no day: undated).

    The sum is largest on the first day of some holding, so only those days are tried.
    """
    if all(o.valid_from is None and o.valid_until is None for o in held):
        return None, sum(o.share for o in held)
    days = sorted({o.valid_from or dt.date.min for o in held})
    totals = [(day, sum(o.share for o in held if o.valid_on(day))) for day in days]
    day, total = max(totals, key=lambda t: t[1])
    return (None if day == dt.date.min else day), total


def _alternatives_ok(
    parent: str, component: str, alternatives: tuple[str, ...], components: set[str]
) -> bool:
    return all(a in components and a != component and a != parent for a in alternatives)


def reference_problems(ds: Dataset) -> list[str]:
    """Every cross-entry inconsistency of ``ds``: unknown ids, duplicates, impossible shares."""
    problems: list[str] = []
    seen: dict[str, tuple[str, int]] = {}  # id -> where it is first (named only for a message)
    refs = References(ds)  # the long sections' references, numbered (see below)
    others = [entry.id for section in ID_SECTIONS if section not in NAMED for entry in getattr(ds, section)]
    unique = refs.unique and len(set(others)) == len(others) and not any(map(refs.__contains__, others))
    for section in () if unique else ID_SECTIONS:  # named only when some id is used twice
        for i, entry in enumerate(getattr(ds, section)):
            first = seen.setdefault(entry.id, (section, i))
            if first != (section, i):
                problems.append(
                    f"{section}[{i}] {entry.id!r}: duplicate id {entry.id!r} "
                    f"(already used by {first[0]}[{first[1]}] {entry.id!r})"
                )

    companies = {c.id for c in ds.companies}
    components = {c.id for c in ds.components}
    products = {p.id for p in ds.products}
    end_users = {u.id for u in ds.end_users}
    restrictions = {r.id for r in ds.restrictions}
    parts_and_products = components | products

    def need(where: _Where, field: str, value: str, known: set[str], kind: str) -> None:
        if value not in known:
            problems.append(f"{where}: {field}: unknown {kind} {value!r}")

    def where_of(section: str, i: int, entry: BaseModel) -> _Where:
        return _Where(section, i, entry)

    holdings: dict[str, list[Ownership]] = defaultdict(list)
    pairs: dict[tuple[str, str], list[Ownership]] = defaultdict(list)
    for i, o in enumerate(ds.ownership):
        w = where_of("ownership", i, o)
        need(w, "owner", o.owner, companies, "company")
        need(w, "owned", o.owned, companies, "company")
        if o.owner == o.owned:
            problems.append(f"{w}: a company cannot own itself ({o.owner!r})")
        same = pairs[(o.owner, o.owned)]
        if any(_overlap(o, other) for other in same):
            problems.append(f"{w}: duplicate ownership of {o.owned!r} by {o.owner!r}")
        same.append(o)
        holdings[o.owned].append(o)
    for owned, held in holdings.items():
        day, total = _most_held(held)
        if total > 1.0 + SHARE_EPSILON:
            on = f" on {day.isoformat()}" if day is not None else ""
            problems.append(f"ownership: shares held in {owned!r} add up to {total:g}{on}, more than 1")

    for i, p in enumerate(ds.products):
        need(where_of("products", i, p), "maker", p.maker, companies, "company")

    # The long sections are checked as arrays of numbered ids (models.references); only the
    # entries found wrong are then looked at one by one, to name their problems in order.
    supplier, supplied = refs.columns(ds.supplies, "supplier", "component")
    known_supplier, known_component = refs.is_in(supplier, "companies"), refs.is_in(supplied, "components")
    twice = repeated(supplier * len(refs.names) + supplied)
    for i in np.flatnonzero(~known_supplier | ~known_component | twice).tolist():
        s = ds.supplies[i]
        w = where_of("supplies", i, s)
        need(w, "supplier", s.supplier, companies, "company")
        need(w, "component", s.component, components, "component")
        if twice[i]:
            problems.append(f"{w}: duplicate supply of {s.component!r} by {s.supplier!r}")
    has_supplier = np.zeros(len(refs.names), dtype=bool)
    has_supplier[supplied] = True
    numbered = refs.numbers("components")
    for i in np.flatnonzero(~has_supplier[numbered]).tolist():
        c = ds.components[i]
        problems.append(f"components[{i}] {c.id!r}: has no supplier (add a 'supplies' entry)")

    parent, part, value, alternatives = refs.columns(
        ds.bom, "parent", "component", value="value", alternatives="alternatives"
    )
    n = len(refs.names)
    wrong = ~refs.is_in(parent, "components", "products") | ~refs.is_in(part, "components") | (parent == part)
    twice = repeated(parent * n + part)
    wrong |= twice
    for i in np.flatnonzero(alternatives.astype(bool)).tolist():
        b = ds.bom[i]
        wrong[i] |= not _alternatives_ok(b.parent, b.component, b.alternatives, components)
    for i in np.flatnonzero(wrong).tolist():
        b = ds.bom[i]
        w = where_of("bom", i, b)
        need(w, "parent", b.parent, parts_and_products, "product or component")
        need(w, "component", b.component, components, "component")
        for alt in b.alternatives:
            need(w, "alternatives", alt, components, "component")
            if alt == b.component:
                problems.append(f"{w}: alternatives: {alt!r} is the entry's own component")
        if b.parent == b.component or b.parent in b.alternatives:
            problems.append(f"{w}: {b.parent!r} cannot be part of itself")
        if twice[i]:
            problems.append(f"{w}: duplicate entry for {b.component!r} in {b.parent!r}")
    valued = value != None  # noqa: E711 (an object array: compared entry by entry)
    with_value = np.bincount(parent[valued], minlength=n)
    without = np.bincount(parent[~valued], minlength=n)
    mixed = np.flatnonzero((with_value > 0) & (without > 0))
    unvalued_rows: dict[int, list[int]] = defaultdict(list)
    for i in np.flatnonzero(~valued & np.isin(parent, mixed)).tolist():
        unvalued_rows[int(parent[i])].append(i)
    for number in sorted(mixed.tolist(), key=refs.names.__getitem__):
        count, total = int(with_value[number]), int(with_value[number] + without[number])
        missing = ", ".join(f"bom[{i}]" for i in unvalued_rows[number])
        problems.append(
            f"bom: entries of {refs.names[number]!r} carry value on {count} of {total} entries "
            f"(none on {missing}): give a value on all of them or on none"
        )
    # Summed entry by entry in file order, as a running total per parent would be.
    value_sum = np.bincount(parent, weights=np.where(valued, value, 0.0).astype(float), minlength=n)
    limit = objects([c.value for c in ds.components])
    limited = limit != None  # noqa: E711
    over = np.zeros(len(limit), dtype=bool)
    over[limited] = value_sum[numbered[limited]] > limit[limited].astype(float) * (1 + SHARE_EPSILON)
    for i in np.flatnonzero(over).tolist():
        c = ds.components[i]
        problems.append(
            f"components[{i}] {c.id!r}: value: its BOM entries' values add up to "
            f"{float(value_sum[numbered[i]]):g}, more than its value {c.value:g}"
        )

    for i, sv in enumerate(ds.services):
        w = where_of("services", i, sv)
        need(w, "provider", sv.provider, companies, "company")
        need(w, "product", sv.product, products, "product")

    for i, u in enumerate(ds.uses):
        if u.user not in end_users or u.product not in products:
            w = where_of("uses", i, u)
            need(w, "user", u.user, end_users, "end user")
            need(w, "product", u.product, products, "product")

    for i, s in enumerate(ds.supplies):
        for v in s.via:
            if v not in companies:
                need(where_of("supplies", i, s), "via", v, companies, "company")

    lists = {x.id for x in ds.lists}
    parties = companies | end_users
    for i, r in enumerate(ds.restrictions):
        w = where_of("restrictions", i, r)
        if r.list is not None:
            need(w, "list", r.list, lists, "list")
        for t in r.targets:
            need(w, "targets", t, parties, "company or end user")

    for i, lic in enumerate(ds.licences):
        w = where_of("licences", i, lic)
        need(w, "restriction", lic.restriction, restrictions, "restriction")
        for name in lic.recipients:
            need(w, "recipients", name, parties, "company or end user")
        for name in lic.suppliers:
            need(w, "suppliers", name, companies, "company")
        for name in lic.components:
            need(w, "components", name, parts_and_products, "component or product")
    return problems
