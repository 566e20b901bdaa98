"""The data model: the supply-chain data file, its validation, and the analysis results.

Every model is frozen.  :func:`parse_dataset` turns raw mappings (from YAML, JSON
or Neo4j) into a :class:`Dataset` and reports every problem as one line that names
the entry and the offending value, raised as a single :class:`DataError`.
"""

from __future__ import annotations

import datetime as dt
import re
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from enum import StrEnum
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from graphlib_trade.errors import DataError

#: Tolerance for sums of ownership shares (0.1 + 0.2 + 0.2 must count as 0.5).
SHARE_EPSILON = 1e-9

#: Longest id, in characters: ids are indexed by Neo4j, whose index keys hold at most 8,167
#: bytes (1,000 characters of UTF-8 take at most 4,000).  Names and notes have no limit.
ID_MAX = 1000

_COUNTRY = re.compile(r"^[A-Z]{2}$")
_ECCN = re.compile(r"^(EAR99|[0-9][A-E][0-9]{3}(\.[A-Za-z0-9.]+)?)$")


class _Frozen(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=False, allow_inf_nan=False)


def _country(value: str) -> str:
    if not _COUNTRY.match(value):
        raise ValueError(f"must be an ISO 3166 alpha-2 country code such as 'US', got {value!r}")
    return value


def _check_window(start: dt.date, end: dt.date | None, start_name: str, end_name: str) -> None:
    if end is not None and end < start:
        raise ValueError(f"{end_name} {end.isoformat()} is before {start_name} {start.isoformat()}")


# --------------------------------------------------------------------------- the data file


class Company(_Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    country: str
    note: str | None = None

    _country_ok = field_validator("country")(_country)


class Ownership(_Frozen):
    owner: str = Field(min_length=1)
    owned: str = Field(min_length=1)
    share: float = Field(ge=0.0, le=1.0)
    note: str | None = None


class Component(_Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    origin: str
    us_content: float | None = Field(default=None, ge=0.0, le=1.0)
    eccn: str | None = None
    publicly_available: bool = False
    #: Foreign-made but a direct product of US technology or US-origin equipment
    #: (caught by a restriction that applies the Foreign Direct Product Rule).
    us_direct_product: bool = False
    #: Price of one unit; the denominator of the de minimis roll-up (else the sum of its BOM values).
    value: float | None = Field(default=None, gt=0.0)
    note: str | None = None

    _origin_ok = field_validator("origin")(_country)

    @field_validator("eccn")
    @classmethod
    def _eccn_ok(cls, value: str | None) -> str | None:
        if value is not None and not _ECCN.match(value):
            raise ValueError(f"must be an ECCN such as '5A992' or 'EAR99', got {value!r}")
        return value

    @property
    def effective_us_content(self) -> float:
        """Controlled US content by value: as given, else 1.0 for US origin and 0.0 otherwise."""
        if self.us_content is not None:
            return self.us_content
        return 1.0 if self.origin == "US" else 0.0


class Product(_Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    maker: str = Field(min_length=1)
    lifecycle: Literal["active", "legacy"] = "active"
    #: Weights for ``rank``: units shipped and revenue per year (any unit, the same for all products).
    units: float | None = Field(default=None, ge=0.0)
    value: float | None = Field(default=None, ge=0.0)
    note: str | None = None


class Supply(_Frozen):
    supplier: str = Field(min_length=1)
    component: str = Field(min_length=1)


class BomEntry(_Frozen):
    parent: str = Field(min_length=1)
    component: str = Field(min_length=1)
    required: bool = True
    alternatives: tuple[str, ...] = ()
    #: Value of this part in one unit of the parent (for the de minimis roll-up).
    value: float | None = Field(default=None, ge=0.0)
    note: str | None = None


class Service(_Frozen):
    provider: str = Field(min_length=1)
    product: str = Field(min_length=1)
    kind: str = Field(min_length=1)


class EndUser(_Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    region: str | None = None
    note: str | None = None


class Use(_Frozen):
    user: str = Field(min_length=1)
    product: str = Field(min_length=1)


class Restriction(_Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str | None = None
    authority: str | None = None
    targets: tuple[str, ...] = Field(min_length=1)
    origins: tuple[str, ...] = ("US",)
    de_minimis: float = Field(default=0.25, ge=0.0, le=1.0)
    affiliates_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    #: Apply the Foreign Direct Product Rule: items flagged ``us_direct_product`` are subject.
    foreign_direct_product: bool = False
    effective_from: dt.date
    effective_until: dt.date | None = None
    note: str | None = None

    @field_validator("origins")
    @classmethod
    def _origins_ok(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            _country(code)
        return value

    @model_validator(mode="after")
    def _window_ok(self) -> Restriction:
        _check_window(self.effective_from, self.effective_until, "effective_from", "effective_until")
        return self

    def active_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the (inclusive) window."""
        return self.effective_from <= day and (self.effective_until is None or day <= self.effective_until)


class Licence(_Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    restriction: str = Field(min_length=1)
    name: str | None = None
    recipients: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    #: Components (for supplies) or products (for services); empty means any.
    components: tuple[str, ...] = ()
    covers: Literal["supplies", "services", "both"] = "both"
    valid_from: dt.date
    valid_until: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _window_ok(self) -> Licence:
        _check_window(self.valid_from, self.valid_until, "valid_from", "valid_until")
        return self

    def valid_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the (inclusive) window."""
        return self.valid_from <= day and (self.valid_until is None or day <= self.valid_until)


SECTIONS: tuple[str, ...] = (
    "companies",
    "ownership",
    "components",
    "products",
    "supplies",
    "bom",
    "services",
    "end_users",
    "uses",
    "restrictions",
    "licences",
)

#: Sections whose entries carry an ``id``, in the order they are checked for duplicates.
ID_SECTIONS: tuple[str, ...] = (
    "companies",
    "components",
    "products",
    "end_users",
    "restrictions",
    "licences",
)


class Dataset(_Frozen):
    """One supply-chain data file.  Construct it through :func:`parse_dataset`."""

    companies: tuple[Company, ...] = ()
    ownership: tuple[Ownership, ...] = ()
    components: tuple[Component, ...] = ()
    products: tuple[Product, ...] = ()
    supplies: tuple[Supply, ...] = ()
    bom: tuple[BomEntry, ...] = ()
    services: tuple[Service, ...] = ()
    end_users: tuple[EndUser, ...] = ()
    uses: tuple[Use, ...] = ()
    restrictions: tuple[Restriction, ...] = ()
    licences: tuple[Licence, ...] = ()

    def canonical(self) -> Dataset:
        """The same data in a fixed order (entries sorted by key, restriction targets sorted).

        Two sources hold the same graph exactly when their canonical forms are equal.
        """
        keys: dict[str, Callable[[Any], tuple[str, ...]]] = {
            "ownership": lambda e: (e.owner, e.owned),
            "supplies": lambda e: (e.supplier, e.component),
            "bom": lambda e: (e.parent, e.component),
            "services": lambda e: (e.provider, e.product, e.kind),
            "uses": lambda e: (e.user, e.product),
        }
        update: dict[str, Any] = {}
        for name in SECTIONS:
            key = keys.get(name, lambda e: (e.id,))
            update[name] = tuple(sorted(getattr(self, name), key=key))
        update["restrictions"] = tuple(
            r.model_copy(update={"targets": tuple(sorted(r.targets))}) for r in update["restrictions"]
        )
        return self.model_copy(update=update)

    def to_raw(self) -> dict[str, list[dict[str, Any]]]:
        """Plain JSON-ready mappings, defaults left out, in file order."""
        return {
            name: [entry.model_dump(mode="json", exclude_defaults=True) for entry in getattr(self, name)]
            for name in SECTIONS
        }


# --------------------------------------------------------------------------- validation


def describe_entry(section: str, index: int, raw: Any) -> str:
    """Name an entry the way an analyst finds it in the file: ``bom[3] (parent 'p', component 'c')``."""
    label = f"{section}[{index}]"
    if not isinstance(raw, Mapping):
        return label
    if "id" in raw:
        return f"{label} {_short(raw['id'])}"
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
    return label + " (" + ", ".join(f"{k} {_short(raw[k])}" for k in keys[:2]) + ")"


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
            problems.append(f"{section}: {msg}, got {_short(item.get('input'))}")
            continue
        index = loc[1]
        entries = raw.get(section)
        entry_raw = entries[index] if isinstance(entries, list) and isinstance(index, int) else None
        where = describe_entry(section, index if isinstance(index, int) else 0, entry_raw)
        field = ".".join(str(p) for p in loc[2:])
        if item["type"] == "extra_forbidden":
            problems.append(f"{where}: unknown field {field!r}")
        elif field:
            problems.append(f"{where}: {field}: {msg}, got {_short(item.get('input'))}")
        else:
            problems.append(f"{where}: {msg}")
    return problems


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."


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


def _alternatives_ok(
    parent: str, component: str, alternatives: tuple[str, ...], components: set[str]
) -> bool:
    return all(a in components and a != component and a != parent for a in alternatives)


def reference_problems(ds: Dataset) -> list[str]:
    """Every cross-entry inconsistency of ``ds``: unknown ids, duplicates, impossible shares."""
    problems: list[str] = []
    seen: dict[str, str] = {}
    for section in ID_SECTIONS:
        for i, entry in enumerate(getattr(ds, section)):
            where = f"{section}[{i}] {entry.id!r}"
            if entry.id in seen:
                problems.append(f"{where}: duplicate id {entry.id!r} (already used by {seen[entry.id]})")
            else:
                seen[entry.id] = where

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

    held: dict[str, float] = defaultdict(float)
    pairs: Counter[tuple[str, str]] = Counter()
    for i, o in enumerate(ds.ownership):
        w = where_of("ownership", i, o)
        need(w, "owner", o.owner, companies, "company")
        need(w, "owned", o.owned, companies, "company")
        if o.owner == o.owned:
            problems.append(f"{w}: a company cannot own itself ({o.owner!r})")
        pairs[(o.owner, o.owned)] += 1
        if pairs[(o.owner, o.owned)] == 2:
            problems.append(f"{w}: duplicate ownership of {o.owned!r} by {o.owner!r}")
        held[o.owned] += o.share
    for owned, total in held.items():
        if total > 1.0 + SHARE_EPSILON:
            problems.append(f"ownership: shares held in {owned!r} add up to {total:g}, more than 1")

    for i, p in enumerate(ds.products):
        need(where_of("products", i, p), "maker", p.maker, companies, "company")

    supplied: set[str] = set()
    supply_pairs: set[tuple[str, str]] = set()
    # The long sections name an entry (where_of) only once a check fails.
    for i, s in enumerate(ds.supplies):
        pair = (s.supplier, s.component)
        if s.supplier not in companies or s.component not in components or pair in supply_pairs:
            w = where_of("supplies", i, s)
            need(w, "supplier", s.supplier, companies, "company")
            need(w, "component", s.component, components, "component")
            if pair in supply_pairs:
                problems.append(f"{w}: duplicate supply of {s.component!r} by {s.supplier!r}")
        supply_pairs.add(pair)
        supplied.add(s.component)
    for i, c in enumerate(ds.components):
        if c.id not in supplied:
            problems.append(f"components[{i}] {c.id!r}: has no supplier (add a 'supplies' entry)")

    bom_pairs: set[tuple[str, str]] = set()
    valued: dict[str, list[int]] = defaultdict(list)
    unvalued: dict[str, list[int]] = defaultdict(list)
    value_sum: dict[str, float] = defaultdict(float)
    for i, b in enumerate(ds.bom):
        (valued if b.value is not None else unvalued)[b.parent].append(i)
        value_sum[b.parent] += b.value or 0.0
        pair = (b.parent, b.component)
        if (
            b.parent not in parts_and_products
            or b.component not in components
            or pair in bom_pairs
            or b.parent == b.component
            or (b.alternatives and not _alternatives_ok(b.parent, b.component, b.alternatives, components))
        ):
            w = where_of("bom", i, b)
            need(w, "parent", b.parent, parts_and_products, "product or component")
            need(w, "component", b.component, components, "component")
            for alt in b.alternatives:
                need(w, "alternatives", alt, components, "component")
                if alt == b.component:
                    problems.append(f"{w}: alternatives: {alt!r} is the entry's own component")
            if b.parent == b.component or b.parent in b.alternatives:
                problems.append(f"{w}: {b.parent!r} cannot be part of itself")
            if pair in bom_pairs:
                problems.append(f"{w}: duplicate entry for {b.component!r} in {b.parent!r}")
        bom_pairs.add(pair)
    for parent in sorted(valued.keys() & unvalued.keys()):
        n, total = len(valued[parent]), len(valued[parent]) + len(unvalued[parent])
        missing = ", ".join(f"bom[{i}]" for i in unvalued[parent])
        problems.append(
            f"bom: entries of {parent!r} carry value on {n} of {total} entries "
            f"(none on {missing}): give a value on all of them or on none"
        )
    for i, c in enumerate(ds.components):
        if c.value is not None and value_sum.get(c.id, 0.0) > c.value * (1 + SHARE_EPSILON):
            problems.append(
                f"components[{i}] {c.id!r}: value: its BOM entries' values add up to "
                f"{value_sum[c.id]:g}, more than its value {c.value:g}"
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

    for i, r in enumerate(ds.restrictions):
        w = where_of("restrictions", i, r)
        for t in r.targets:
            need(w, "targets", t, companies, "company")

    for i, lic in enumerate(ds.licences):
        w = where_of("licences", i, lic)
        need(w, "restriction", lic.restriction, restrictions, "restriction")
        for name in lic.recipients:
            need(w, "recipients", name, companies, "company")
        for name in lic.suppliers:
            need(w, "suppliers", name, companies, "company")
        for name in lic.components:
            need(w, "components", name, parts_and_products, "component or product")
    return problems


# --------------------------------------------------------------------------- what-if scenarios

ANY = "*"


class Grant(_Frozen):
    """A licence for ``supplier`` to supply ``component`` (or serve a product) to ``recipient``.

    ``*`` stands for any.
    """

    supplier: str = Field(min_length=1)
    component: str = Field(min_length=1)
    recipient: str = Field(min_length=1)

    @classmethod
    def parse(cls, text: str) -> Grant:
        """Parse ``SUPPLIER:COMPONENT:RECIPIENT``; raise ``ValueError`` naming the text otherwise."""
        parts = text.split(":")
        if len(parts) != 3 or not all(parts):
            raise ValueError(f"expected SUPPLIER:COMPONENT:RECIPIENT (use * for any), got {text!r}")
        return cls(supplier=parts[0], component=parts[1], recipient=parts[2])

    def __str__(self) -> str:
        return f"{self.supplier}:{self.component}:{self.recipient}"


class ScenarioRestriction(_Frozen):
    """A restriction added by a scenario: like :class:`Restriction`, ``id`` and dates optional."""

    id: str | None = Field(default=None, min_length=1)
    name: str | None = None
    authority: str | None = None
    targets: tuple[str, ...] = Field(min_length=1)
    origins: tuple[str, ...] = ("US",)
    de_minimis: float = Field(default=0.25, ge=0.0, le=1.0)
    affiliates_threshold: float = Field(default=0.5, gt=0.0, le=1.0)
    foreign_direct_product: bool = False
    #: Default: the as-of date of the comparison.
    effective_from: dt.date | None = None
    effective_until: dt.date | None = None
    note: str | None = None

    _origins_ok = field_validator("origins")(Restriction._origins_ok.__func__)  # type: ignore[attr-defined]

    @model_validator(mode="after")
    def _window_ok(self) -> ScenarioRestriction:
        if self.effective_from is not None:
            _check_window(self.effective_from, self.effective_until, "effective_from", "effective_until")
        return self


class ScenarioLicence(_Frozen):
    """A licence added by a scenario: like :class:`Licence`, ``id`` and dates optional."""

    id: str | None = Field(default=None, min_length=1)
    restriction: str = Field(min_length=1)
    name: str | None = None
    recipients: tuple[str, ...] = ()
    suppliers: tuple[str, ...] = ()
    components: tuple[str, ...] = ()
    covers: Literal["supplies", "services", "both"] = "both"
    #: Default: the as-of date of the comparison.
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = None

    @model_validator(mode="after")
    def _window_ok(self) -> ScenarioLicence:
        if self.valid_from is not None:
            _check_window(self.valid_from, self.valid_until, "valid_from", "valid_until")
        return self


class Alternative(_Frozen):
    """``alternative`` can stand in for ``component`` in ``parent``'s BOM entry."""

    parent: str = Field(min_length=1)
    component: str = Field(min_length=1)
    alternative: str = Field(min_length=1)


class Additions(_Frozen):
    restrictions: tuple[ScenarioRestriction, ...] = ()
    licences: tuple[ScenarioLicence, ...] = ()
    companies: tuple[Company, ...] = ()
    supplies: tuple[Supply, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


class Removals(_Frozen):
    restrictions: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()
    supplies: tuple[Supply, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


class Scenario(_Frozen):
    """A named set of changes applied on top of the data for a what-if comparison.

    ``restrict``, ``grant`` and ``drop_suppliers`` are the command line's shorthands
    (``--restrict``, ``--grant``, ``--drop-supplier``); ``add`` and ``remove`` hold
    full entries.  Removals are applied before additions.
    """

    name: str | None = None
    description: str | None = None
    as_of: dt.date | None = None
    restrict: tuple[str, ...] = ()
    grant: tuple[Grant, ...] = ()
    drop_suppliers: tuple[str, ...] = ()
    add: Additions = Additions()
    remove: Removals = Removals()

    @field_validator("grant", mode="before")
    @classmethod
    def _grants_from_text(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(Grant.parse(v) if isinstance(v, str) else v for v in value)
        return value

    @property
    def label(self) -> str:
        return self.name or "; ".join(self.describe()) or "no change"

    def describe(self) -> tuple[str, ...]:
        a, r = self.add, self.remove
        return (
            *(f"remove restriction {x}" for x in r.restrictions),
            *(f"revoke licence {x}" for x in r.licences),
            *(f"remove supply {x.component} by {x.supplier}" for x in r.supplies),
            *(f"remove alternative {x.alternative} for {x.component} in {x.parent}" for x in r.alternatives),
            *(f"restrict {c}" for c in self.restrict),
            *(f"add restriction {x.id or 'on ' + ', '.join(x.targets)}" for x in a.restrictions),
            *(f"grant {g}" for g in self.grant),
            *(f"add licence {x.id or 'under ' + x.restriction}" for x in a.licences),
            *(f"drop supplier {c}" for c in self.drop_suppliers),
            *(f"add company {x.id}" for x in a.companies),
            *(f"add supply {x.component} by {x.supplier}" for x in a.supplies),
            *(f"add alternative {x.alternative} for {x.component} in {x.parent}" for x in a.alternatives),
        )


def parse_scenario(raw: Any, source: str) -> Scenario:
    """Validate a scenario file; raise :class:`ScenarioError` naming the file, the entry and the value."""
    from graphlib_trade.errors import ScenarioError

    if raw is None:
        raw = {}
    if not isinstance(raw, Mapping):
        raise ScenarioError(f"{source}: the top level must be a mapping, got {type(raw).__name__}")
    try:
        return Scenario.model_validate(dict(raw))
    except ValidationError as exc:
        problems = []
        for item in exc.errors():
            where = "".join(f"[{p}]" if isinstance(p, int) else f".{p}" for p in item["loc"]).lstrip(".")
            msg = item["msg"].removeprefix("Value error, ")
            if item["type"] == "extra_forbidden":
                problems.append(f"{where}: unknown field")
            elif ", got " in msg:
                problems.append(f"{where}: {msg}")
            else:
                problems.append(f"{where}: {msg}, got {_short(item.get('input'))}")
        raise ScenarioError(f"{source}: " + "; ".join(problems)) from None


# --------------------------------------------------------------------------- results


class Status(StrEnum):
    """Impact status of a product or end user, ordered from best to worst."""

    OK = "ok"
    AT_RISK = "at_risk"
    DEGRADED = "degraded"
    EXPOSED = "exposed"
    BLOCKED = "blocked"

    @property
    def rank(self) -> int:
        return _STATUS_RANK[self]

    def worse_than(self, other: Status) -> bool:
        return self.rank > other.rank


_STATUS_ORDER: tuple[Status, ...] = (
    Status.OK,
    Status.AT_RISK,
    Status.DEGRADED,
    Status.EXPOSED,
    Status.BLOCKED,
)
_STATUS_RANK: dict[Status, int] = {s: i for i, s in enumerate(_STATUS_ORDER)}


def worst(statuses: Iterable[Status]) -> Status:
    """The worst of ``statuses`` (``ok`` for none)."""
    return max(statuses, key=lambda s: s.rank, default=Status.OK)


class UsContentTerm(_Frozen):
    """One BOM entry's share in a de minimis roll-up: ``value`` x ``fraction`` counts."""

    component: str
    value: float
    fraction: float
    why: str


class UsContent(_Frozen):
    """Controlled US content of a component by value, and where the figure comes from."""

    component: str
    fraction: float
    basis: Literal["given", "rolled_up", "us_origin", "none"]
    #: For a roll-up: the component's value (or the sum of its entries' values) and the terms.
    denominator: float | None = None
    terms: tuple[UsContentTerm, ...] = ()

    @property
    def counted(self) -> float:
        return sum(t.value * t.fraction for t in self.terms)


class Cause(_Frozen):
    """One blocked supply or service: the root of an impact."""

    restriction: str
    supplier: str
    item: str
    buyer: str
    kind: Literal["supply", "service"] = "supply"


class ProductImpact(_Frozen):
    id: str
    name: str
    maker: str
    lifecycle: Literal["active", "legacy"]
    status: Status
    #: Status if no licence existed (equals ``status`` unless licences help).
    without_licences: Status
    #: BOM entries (their primary component) with nothing available, required ones first.
    lost_required: tuple[str, ...] = ()
    lost_optional: tuple[str, ...] = ()
    #: Required entries that only an alternative still fills.
    substituted: tuple[str, ...] = ()
    blocked_services: tuple[str, ...] = ()
    causes: tuple[Cause, ...] = ()
    #: Licences without which the status would be worse.
    relies_on: tuple[str, ...] = ()


class EndUserImpact(_Frozen):
    id: str
    name: str
    status: Status
    #: The used products that have the end user's (worst) status; empty when ok.
    via: tuple[str, ...] = ()


class ImpactResult(_Frozen):
    as_of: dt.date
    ignore_licences: bool = False
    active_restrictions: tuple[str, ...] = ()
    valid_licences: tuple[str, ...] = ()
    products: tuple[ProductImpact, ...] = ()
    end_users: tuple[EndUserImpact, ...] = ()


class LicenceRef(_Frozen):
    """A licence on file and where the date falls in its window."""

    id: str
    name: str | None = None
    valid_from: dt.date
    valid_until: dt.date | None = None
    state: Literal["valid", "expired", "not_yet_valid"]
    #: For a valid licence with an end: days from the as-of date to its last day.
    days_left: int | None = None


class OwnershipLink(_Frozen):
    owner: str
    owned: str
    share: float


class Chain(_Frozen):
    """Why one blocked supply or service reaches an item: cause -> ... -> product."""

    cause: Cause
    restriction_name: str | None = None
    #: Ownership from a listed target down to the buyer; empty when the buyer is itself a target.
    ownership: tuple[OwnershipLink, ...] = ()
    #: Why the item is subject to the restriction (origin, de minimis, FDPR, service provider).
    subject: str
    #: The blocked item, the parts it goes into, and the product (one shortest path).
    path: tuple[str, ...]
    #: Licences on file whose scope covers this supply or service, whatever their window.
    licences: tuple[LicenceRef, ...] = ()


class Reason(_Frozen):
    """One lost BOM entry or blocked service of a product, with the chains that explain it."""

    kind: Literal["required", "service", "optional"]
    what: str
    chains: tuple[Chain, ...]


class ProductExplanation(_Frozen):
    id: str
    name: str
    maker: str
    status: Status
    without_licences: Status
    #: What is lost on the date, fewest causes first.
    reasons: tuple[Reason, ...] = ()
    #: What only a valid licence keeps (would be lost without licences).
    licensed: tuple[Reason, ...] = ()
    #: A minimal set of supplies and services whose licensing would make the product ok;
    #: None when it is ok, or when there were too many causes to test.
    lift: tuple[Cause, ...] | None = None
    end_users: tuple[str, ...] = ()
    #: De minimis arithmetic for rolled-up components met in the chains.
    us_content: tuple[UsContent, ...] = ()


class Explanation(_Frozen):
    as_of: dt.date
    id: str
    kind: Literal["product", "end_user"]
    name: str
    status: Status
    products: tuple[ProductExplanation, ...] = ()


class Change(_Frozen):
    id: str
    name: str
    before: Status
    after: Status


class Loss(_Frozen):
    """What would get worse if one supplier, component or country were lost (or restricted)."""

    #: Products that would become blocked (a required part with no other source).
    products_blocked: tuple[str, ...] = ()
    #: Products whose status would get worse, blocked ones included.
    products_worse: tuple[str, ...] = ()
    end_users_worse: tuple[str, ...] = ()
    #: Weights (``units`` and ``value`` per year) of the products that would become blocked.
    units: float = 0.0
    value: float = 0.0


class RankRow(_Frozen):
    id: str
    name: str
    country: str | None = None
    #: Components: suppliers that can deliver it now (1 = single point of failure).
    sources: int | None = None
    lost: Loss
    #: Suppliers only: if it were put on a new restriction (origins US) from the date.
    restricted: Loss | None = None


class Ranking(_Frozen):
    as_of: dt.date
    kind: Literal["suppliers", "components", "countries"]
    #: What the rows are sorted by: "value", "units" or "products".
    weight: Literal["value", "units", "products"]
    rows: tuple[RankRow, ...] = ()
    #: Rows before ``--top`` was applied.
    total: int = 0


class Expiry(_Frozen):
    """An ``at_risk`` product and a licence it relies on, with the days left on the date."""

    product: str
    licence: str
    valid_until: dt.date | None
    days_left: int | None


class Event(_Frozen):
    """A date on which some restriction or licence window starts or ends."""

    date: dt.date
    what: tuple[str, ...]
    products: tuple[Change, ...] = ()
    end_users: tuple[Change, ...] = ()
    #: On that date: licences that ``at_risk`` products rely on, soonest expiry first.
    expiries: tuple[Expiry, ...] = ()


class Timeline(_Frozen):
    start: dt.date
    end: dt.date
    #: Status of every product and end user on ``start``.
    initial: ImpactResult
    events: tuple[Event, ...] = ()
    #: As of ``start``: licences that ``at_risk`` products rely on, soonest expiry first.
    expiries: tuple[Expiry, ...] = ()


class WhatIfResult(_Frozen):
    as_of: dt.date
    name: str | None = None
    description: str | None = None
    scenario: tuple[str, ...] = ()
    products: tuple[Change, ...] = ()
    end_users: tuple[Change, ...] = ()


class DiffRow(_Frozen):
    id: str
    name: str
    baseline: Status
    a: Status
    b: Status


class ScenarioDiff(_Frozen):
    """Products and end users whose status differs between two scenarios."""

    as_of: dt.date
    a: str
    b: str
    products: tuple[DiffRow, ...] = ()
    end_users: tuple[DiffRow, ...] = ()


def sorted_unique(values: Iterable[str]) -> tuple[str, ...]:
    return tuple(sorted(set(values)))


__all__: Sequence[str] = (
    "Additions",
    "Alternative",
    "BomEntry",
    "Cause",
    "Chain",
    "Change",
    "Company",
    "Component",
    "Dataset",
    "DiffRow",
    "EndUser",
    "EndUserImpact",
    "Event",
    "Expiry",
    "Explanation",
    "Grant",
    "ImpactResult",
    "Licence",
    "LicenceRef",
    "Loss",
    "Ownership",
    "OwnershipLink",
    "Product",
    "ProductExplanation",
    "ProductImpact",
    "RankRow",
    "Ranking",
    "Reason",
    "Removals",
    "Restriction",
    "Scenario",
    "ScenarioDiff",
    "ScenarioLicence",
    "ScenarioRestriction",
    "Service",
    "Status",
    "Supply",
    "Timeline",
    "UsContent",
    "UsContentTerm",
    "Use",
    "WhatIfResult",
    "parse_dataset",
    "parse_scenario",
    "worst",
)
