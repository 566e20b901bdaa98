"""The data file: companies, parts, products, end users, restrictions and licences, and how they relate.

Each entry is a frozen model; its defaults are stated here once and every analysis
reads them from here.
"""

from __future__ import annotations

import datetime as dt
import itertools
import re
from collections.abc import Callable
from typing import Any, Literal, Self

from pydantic import ConfigDict, Field, field_validator, model_validator

from graphlib_trade.models.base import ECCN, ID_MAX, Frozen, check_window, in_window
from graphlib_trade.models.base import country as _country

#: A restriction's item scope: every item subject to the EAR (``all``), items on the Commerce
#: Control List (``ccl``: an ECCN other than EAR99), or ECCN patterns (``3A090``, ``3A*``).
Items = Literal["all", "ccl"] | tuple[str, ...]

_PATTERN = re.compile(r"^(?:[0-9][A-E][0-9]{3}(?:\.[A-Za-z0-9.]+)?|[0-9](?:[A-E](?:[0-9]{1,3})?)?\*)$")


def _items(value: Any) -> Any:
    """``all``, ``ccl`` or a list of ECCN patterns (a one-word list such as ``["all"]`` is the word)."""
    if isinstance(value, list | tuple) and len(value) == 1 and value[0] in ("all", "ccl"):
        return value[0]
    if isinstance(value, str) and value not in ("all", "ccl"):
        raise ValueError(
            f"must be 'all', 'ccl' or a list of ECCN patterns such as ['3A090', '4A*'], got {value!r}"
        )
    if isinstance(value, list | tuple):
        for pattern in value:
            if not isinstance(pattern, str) or not _PATTERN.match(pattern):
                raise ValueError(
                    f"{pattern!r} is not an ECCN pattern (an ECCN such as '3A090', or a prefix and '*' "
                    "such as '3A*'; EAR99 is no pattern)"
                )
    return value


def eccn_in_scope(eccn: str | None, items: Items) -> bool:
    """Whether an item classified ``eccn`` is in the scope ``items`` (an unclassified item is in all).

    >>> eccn_in_scope("3A090.a", ("3A090",)), eccn_in_scope("3A0901", ("3A090",))
    (True, False)
    >>> eccn_in_scope("3A991", ("3A*",)), eccn_in_scope("4A090", ("3A*",))
    (True, False)
    >>> eccn_in_scope("EAR99", "ccl"), eccn_in_scope("EAR99", "all"), eccn_in_scope(None, ("3A090",))
    (False, True, True)
    """
    if eccn is None or items == "all":
        return True
    if items == "ccl":
        return eccn != "EAR99"
    return any(
        eccn.startswith(p[:-1]) if p.endswith("*") else eccn == p or eccn.startswith(p + ".") for p in items
    )


class Company(Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    country: str
    note: str | None = None

    _country_ok = field_validator("country")(_country)


class Ownership(Frozen):
    owner: str = Field(min_length=1)
    owned: str = Field(min_length=1)
    share: float = Field(ge=0.0, le=1.0)
    #: When the holding began and ended (inclusive); open when absent.
    valid_from: dt.date | None = None
    valid_until: dt.date | None = None
    note: str | None = None

    _window_ok = model_validator(mode="after")(lambda self: _validity(self))

    def valid_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the (inclusive, open-ended) window."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )


class Component(Frozen):
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
    _eccn_ok = field_validator("eccn")(lambda v: _eccn(v))

    @property
    def effective_us_content(self) -> float:
        """Controlled US content by value: as given, else 1.0 for US origin and 0.0 otherwise."""
        if self.us_content is not None:
            return self.us_content
        return 1.0 if self.origin == "US" else 0.0


class Product(Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    maker: str = Field(min_length=1)
    lifecycle: Literal["active", "legacy"] = "active"
    #: The product as an item delivered to end users (the fields of a component).  Origin:
    #: default the maker's country.  US content: as given, else rolled up from the BOM values
    #: (over their sum: ``value`` below is a yearly revenue, not a unit price).
    origin: str | None = None
    us_content: float | None = Field(default=None, ge=0.0, le=1.0)
    eccn: str | None = None
    publicly_available: bool = False
    us_direct_product: bool = False
    #: Weights for ``rank``: units shipped and revenue per year (any unit, the same for all products).
    units: float | None = Field(default=None, ge=0.0)
    value: float | None = Field(default=None, ge=0.0)
    note: str | None = None

    _origin_ok = field_validator("origin")(lambda v: v if v is None else _country(v))
    _eccn_ok = field_validator("eccn")(lambda v: _eccn(v))


class Supply(Frozen):
    supplier: str = Field(min_length=1)
    component: str = Field(min_length=1)
    #: Intermediaries (distributors, intermediate consignees): parties to the transaction too.
    via: tuple[str, ...] = ()


class BomEntry(Frozen):
    parent: str = Field(min_length=1)
    component: str = Field(min_length=1)
    required: bool = True
    alternatives: tuple[str, ...] = ()
    #: Value of this part in one unit of the parent (for the de minimis roll-up).
    value: float | None = Field(default=None, ge=0.0)
    note: str | None = None


class Service(Frozen):
    provider: str = Field(min_length=1)
    product: str = Field(min_length=1)
    kind: str = Field(min_length=1)
    #: The classification of what the service delivers (software updates: 5D992, ...).
    eccn: str | None = None

    _eccn_ok = field_validator("eccn")(lambda v: _eccn(v))


class EndUser(Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    region: str | None = None
    #: Where the end user is located (ISO alpha-2): a country-wide control reaches it.
    country: str | None = None
    note: str | None = None

    _country_ok = field_validator("country")(lambda v: v if v is None else _country(v))


class Use(Frozen):
    user: str = Field(min_length=1)
    product: str = Field(min_length=1)


def _validity(entry: Any) -> Any:
    """A ``valid_from`` .. ``valid_until`` window the right way round (a holding's or a licence's)."""
    check_window(entry.valid_from, entry.valid_until, "valid_from", "valid_until")
    return entry


def _eccn(value: str | None) -> str | None:
    if value is not None and not ECCN.match(value):
        raise ValueError(f"must be an ECCN such as '5A992' or 'EAR99', got {value!r}")
    return value


class Window(Frozen):
    """A window of dates, inclusive; open-ended without ``until``.  Also written ``FROM..UNTIL``."""

    model_config = ConfigDict(serialize_by_alias=True, validate_by_name=True, validate_by_alias=True)

    start: dt.date = Field(alias="from")
    until: dt.date | None = None

    @model_validator(mode="before")
    @classmethod
    def _from_text(cls, value: Any) -> Any:
        if isinstance(value, str):
            start, sep, until = value.partition("..")
            if not sep:
                raise ValueError(f"expected FROM..UNTIL or FROM.. (ISO dates), got {value!r}")
            return {"from": start, "until": until or None}
        return value

    @model_validator(mode="after")
    def _window_ok(self) -> Self:
        check_window(self.start, self.until, "from", "until")
        return self

    def holds(self, day: dt.date) -> bool:
        return in_window(self.start, self.until, day)

    def text(self) -> str:
        """``FROM..UNTIL``: the form of a window in Neo4j and CSV folders."""
        return f"{self.start.isoformat()}..{self.until.isoformat() if self.until else ''}"


class RestrictionList(Frozen):
    """A list restrictions belong to (the Entity List, the MEU list, ...) and its affiliates rule.

    The rule (restricted parties' affiliates owned at or above ``affiliates_threshold``,
    aggregated across every entry of the list) is in force on a day when the threshold is
    set and the day falls in one of ``affiliates_windows`` (no windows: always).
    """

    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str | None = None
    affiliates_threshold: float | None = Field(default=None, gt=0.0, le=1.0)
    affiliates_windows: tuple[Window, ...] = ()
    note: str | None = None

    @model_validator(mode="after")
    def _windows_ok(self) -> Self:
        ordered = sorted(self.affiliates_windows, key=lambda w: w.start)
        for earlier, later in itertools.pairwise(ordered):
            if earlier.until is None or earlier.until >= later.start:
                raise ValueError(
                    f"affiliates_windows overlap: {earlier.text()} and {later.text()} "
                    "(a day may fall in one window at most)"
                )
        return self

    def affiliates_on(self, day: dt.date) -> float | None:
        """The affiliates threshold in force on ``day``, or None when the rule is not."""
        if self.affiliates_threshold is None:
            return None
        if self.affiliates_windows and not any(w.holds(day) for w in self.affiliates_windows):
            return None
        return self.affiliates_threshold


class Fdpr(Frozen):
    """The Foreign Direct Product Rule of a restriction: which direct products it catches, and when."""

    #: Default: the restriction's own item scope.
    items: Items | None = None
    #: ``buyer``: a restricted party is the buyer, an intermediary or the end user;
    #: ``incorporated``: also when the buyer builds the item into something a restricted party buys.
    scope: Literal["buyer", "incorporated"] = "buyer"

    _items_ok = field_validator("items", mode="before")(lambda v: v if v is None else _items(v))


class RestrictionFields(Frozen):
    """A restriction's fields, in file order, with their defaults: :class:`Restriction` in a
    data file, :class:`~graphlib_trade.models.scenario.ScenarioRestriction` in a scenario."""

    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str | None = None
    authority: str | None = None
    #: The list the entry belongs to: its affiliates rule replaces the entry's own.
    list: str | None = None
    #: Named parties: companies or end users.
    targets: tuple[str, ...] = ()
    #: Everyone located in these countries (companies by ``country``, end users by ``country``).
    destinations: tuple[str, ...] = ()
    origins: tuple[str, ...] = ("US",)
    items: Items = "all"
    de_minimis: float = Field(default=0.25, ge=0.0, le=1.0)
    #: Affiliates owned at or above this by restricted parties are restricted; null: none.
    #: Default 0.5, but none for a denial order or an entry of a list (the list's rule counts).
    affiliates_threshold: float | None = Field(default=0.5, gt=0.0, le=1.0)
    #: Shorthand for ``fdpr: {scope: buyer}``.
    foreign_direct_product: bool = False
    fdpr: Fdpr | None = None
    #: A denial order: the restricted parties may neither receive nor supply subject items.
    denial: bool = False
    review_policy: Literal["denial", "case_by_case", "approval"] | None = None
    effective_from: dt.date
    effective_until: dt.date | None = None
    note: str | None = None

    @model_validator(mode="before")
    @classmethod
    def _affiliates_default(cls, raw: Any) -> Any:
        if not isinstance(raw, dict):
            return raw
        if raw.get("list") is not None and raw.get("affiliates_threshold") is not None:
            raise ValueError(
                f"list {raw['list']!r} and affiliates_threshold {raw['affiliates_threshold']!r} are both "
                "set: an entry of a list takes the list's affiliates rule (drop one of them)"
            )
        if (raw.get("list") is not None or raw.get("denial")) and "affiliates_threshold" not in raw:
            return {**raw, "affiliates_threshold": None}
        return raw

    @field_validator("origins", "destinations")
    @classmethod
    def _countries_ok(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for code in value:
            _country(code)
        return value

    _items_ok = field_validator("items", mode="before")(_items)

    @model_validator(mode="after")
    def _consistent(self) -> Self:
        check_window(self.effective_from, self.effective_until, "effective_from", "effective_until")
        if not self.targets and not self.destinations:
            raise ValueError("needs targets or destinations (at least one of the two)")
        if self.fdpr is not None and self.foreign_direct_product:
            raise ValueError(
                "fdpr and foreign_direct_product are both set: foreign_direct_product: true is the "
                "shorthand for fdpr: {scope: buyer}; keep one"
            )
        return self

    @property
    def fdpr_rule(self) -> Fdpr | None:
        """The FDPR this restriction applies (``foreign_direct_product: true`` as ``fdpr: {}``)."""
        return self.fdpr if self.fdpr is not None else Fdpr() if self.foreign_direct_product else None

    @property
    def fdpr_items(self) -> Items:
        """The item scope of the FDPR: its own, else the restriction's."""
        rule = self.fdpr_rule
        return rule.items if rule is not None and rule.items is not None else self.items


class Restriction(RestrictionFields):
    """A listing, denial or control: who is restricted, which items, from when."""

    def active_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the (inclusive) window."""
        return in_window(self.effective_from, self.effective_until, day)


class LicenceFields(Frozen):
    """A licence's fields, in file order, with their defaults: :class:`Licence` in a data file,
    :class:`~graphlib_trade.models.scenario.ScenarioLicence` in a scenario."""

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

    _window_ok = model_validator(mode="after")(lambda self: _validity(self))


class Licence(LicenceFields):
    """A licence granted under one restriction: which supplies or services it lets through, and when."""

    def valid_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the (inclusive) window."""
        return in_window(self.valid_from, self.valid_until, day)


SECTIONS: tuple[str, ...] = (
    "lists",
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

#: How the sections without ids live in the graph: relationship type, start field, end field.
RELATIONSHIPS: dict[str, tuple[str, str, str]] = {
    "ownership": ("OWNS", "owner", "owned"),
    "supplies": ("SUPPLIES", "supplier", "component"),
    "bom": ("PART_OF", "component", "parent"),
    "services": ("SERVES", "provider", "product"),
    "uses": ("USES", "user", "product"),
}

#: Fields of node entries that name another node, as relationships: (section, type, field).
#: ``MAKES`` runs from the maker to the product; the others from the entry to what it names.
LINKS: tuple[tuple[str, str, str], ...] = (
    ("products", "MAKES", "maker"),
    ("restrictions", "TARGETS", "targets"),
    ("restrictions", "ON_LIST", "list"),
    ("licences", "LICENSES", "restriction"),
)

#: Sections whose entries carry an ``id``, in the order they are checked for duplicates.
ID_SECTIONS: tuple[str, ...] = (
    "lists",
    "companies",
    "components",
    "products",
    "end_users",
    "restrictions",
    "licences",
)


class Dataset(Frozen):
    """One supply-chain data file.  Construct it through
    :func:`~graphlib_trade.models.validation.parse_dataset`."""

    lists: tuple[RestrictionList, ...] = ()
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


def entry_model(section: str) -> type[Frozen]:
    """The model of one entry of ``section`` (``Company`` for ``companies``, ...).

    >>> entry_model("bom").__name__
    'BomEntry'
    """
    annotation = Dataset.model_fields[section].annotation
    return annotation.__args__[0]  # type: ignore[union-attr, no-any-return]
