"""The data file: companies, parts, products, end users, restrictions and licences, and how they relate.

Each entry is a frozen model; its defaults are stated here once and every analysis
reads them from here.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, Literal, Self

from pydantic import Field, field_validator, model_validator

from graphlib_trade.models.base import ECCN, ID_MAX, Frozen, check_window, in_window
from graphlib_trade.models.base import country as _country


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
    note: str | None = None


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

    @field_validator("eccn")
    @classmethod
    def _eccn_ok(cls, value: str | None) -> str | None:
        if value is not None and not ECCN.match(value):
            raise ValueError(f"must be an ECCN such as '5A992' or 'EAR99', got {value!r}")
        return value

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
    #: Weights for ``rank``: units shipped and revenue per year (any unit, the same for all products).
    units: float | None = Field(default=None, ge=0.0)
    value: float | None = Field(default=None, ge=0.0)
    note: str | None = None


class Supply(Frozen):
    supplier: str = Field(min_length=1)
    component: str = Field(min_length=1)


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


class EndUser(Frozen):
    id: str = Field(min_length=1, max_length=ID_MAX)
    name: str
    region: str | None = None
    note: str | None = None


class Use(Frozen):
    user: str = Field(min_length=1)
    product: str = Field(min_length=1)


class RestrictionFields(Frozen):
    """A restriction's fields, in file order, with their defaults: :class:`Restriction` in a
    data file, :class:`~graphlib_trade.models.scenario.ScenarioRestriction` in a scenario."""

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
    def _window_ok(self) -> Self:
        check_window(self.effective_from, self.effective_until, "effective_from", "effective_until")
        return self


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

    @model_validator(mode="after")
    def _window_ok(self) -> Self:
        check_window(self.valid_from, self.valid_until, "valid_from", "valid_until")
        return self


class Licence(LicenceFields):
    """A licence granted under one restriction: which supplies or services it lets through, and when."""

    def valid_on(self, day: dt.date) -> bool:
        """True when ``day`` is inside the (inclusive) window."""
        return in_window(self.valid_from, self.valid_until, day)


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

#: How the sections without ids live in the graph: relationship type, start field, end field.
RELATIONSHIPS: dict[str, tuple[str, str, str]] = {
    "ownership": ("OWNS", "owner", "owned"),
    "supplies": ("SUPPLIES", "supplier", "component"),
    "bom": ("PART_OF", "component", "parent"),
    "services": ("SERVES", "provider", "product"),
    "uses": ("USES", "user", "product"),
}

#: Fields of node entries that name another node, as relationships: section -> (type, field).
#: ``MAKES`` runs from the maker to the product; the others from the entry to what it names.
LINKS: dict[str, tuple[str, str]] = {
    "products": ("MAKES", "maker"),
    "restrictions": ("TARGETS", "targets"),
    "licences": ("LICENSES", "restriction"),
}

#: Sections whose entries carry an ``id``, in the order they are checked for duplicates.
ID_SECTIONS: tuple[str, ...] = (
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
