"""What-if scenarios: a named set of changes applied on top of the data."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

from pydantic import Field, ValidationError, field_validator

from graphlib_trade.errors import ScenarioError
from graphlib_trade.models.base import Frozen, short
from graphlib_trade.models.base import country as _country
from graphlib_trade.models.data import Company, LicenceFields, RestrictionFields, Supply

ANY = "*"


class Grant(Frozen):
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


class ScenarioRestriction(RestrictionFields):
    """A restriction a scenario adds: a :class:`~graphlib_trade.models.data.Restriction` whose
    ``id`` (default: generated) and ``effective_from`` (default: the as-of date) may be left out."""

    id: str | None = Field(default=None, min_length=1)  # type: ignore[assignment]
    effective_from: dt.date | None = None  # type: ignore[assignment]


class ScenarioLicence(LicenceFields):
    """A licence a scenario adds: a :class:`~graphlib_trade.models.data.Licence` whose ``id``
    (default: generated) and ``valid_from`` (default: the as-of date) may be left out."""

    id: str | None = Field(default=None, min_length=1)  # type: ignore[assignment]
    valid_from: dt.date | None = None  # type: ignore[assignment]


class Alternative(Frozen):
    """``alternative`` can stand in for ``component`` in ``parent``'s BOM entry."""

    parent: str = Field(min_length=1)
    component: str = Field(min_length=1)
    alternative: str = Field(min_length=1)


class Additions(Frozen):
    restrictions: tuple[ScenarioRestriction, ...] = ()
    licences: tuple[ScenarioLicence, ...] = ()
    companies: tuple[Company, ...] = ()
    supplies: tuple[Supply, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


class Removals(Frozen):
    restrictions: tuple[str, ...] = ()
    licences: tuple[str, ...] = ()
    supplies: tuple[Supply, ...] = ()
    alternatives: tuple[Alternative, ...] = ()


class Scenario(Frozen):
    """A named set of changes applied on top of the data for a what-if comparison.

    ``restrict``, ``restrict_destinations``, ``grant`` and ``drop_suppliers`` are the command
    line's shorthands (``--restrict``, ``--restrict-destination``, ``--grant``,
    ``--drop-supplier``); ``add`` and ``remove`` hold
    full entries.  Removals are applied before additions.
    """

    name: str | None = None
    description: str | None = None
    as_of: dt.date | None = None
    restrict: tuple[str, ...] = ()
    #: Countries: a country-wide control (every item, everyone located there) from the as-of date.
    restrict_destinations: tuple[str, ...] = ()
    grant: tuple[Grant, ...] = ()
    drop_suppliers: tuple[str, ...] = ()
    add: Additions = Additions()
    remove: Removals = Removals()

    _countries_ok = field_validator("restrict_destinations")(
        lambda value: tuple(_country(code) for code in value)
    )

    @field_validator("grant", mode="before")
    @classmethod
    def _grants_from_text(cls, value: Any) -> Any:
        if isinstance(value, list | tuple):
            return tuple(Grant.parse(v) if isinstance(v, str) else v for v in value)
        return value

    def with_flags(
        self,
        restrict: tuple[str, ...] = (),
        grant: tuple[Grant, ...] = (),
        drop_suppliers: tuple[str, ...] = (),
        restrict_destinations: tuple[str, ...] = (),
    ) -> Scenario:
        """This scenario with the command line's shorthands added after its own.

        Raises ``ValueError`` naming a country that is not an ISO alpha-2 code.
        """
        restrict_destinations = tuple(_country(code) for code in restrict_destinations)
        return self.model_copy(
            update={
                "restrict": self.restrict + restrict,
                "restrict_destinations": self.restrict_destinations + restrict_destinations,
                "grant": self.grant + grant,
                "drop_suppliers": self.drop_suppliers + drop_suppliers,
            }
        )

    def day(self, as_of: dt.date | None) -> dt.date:
        """The date to compare on: ``as_of`` if given, else the scenario's own, else today."""
        return as_of or self.as_of or dt.date.today()

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
            *(f"restrict destination {c}" for c in self.restrict_destinations),
            *(f"add restriction {x.id or 'on ' + ', '.join(x.targets)}" for x in a.restrictions),
            *(f"grant {g}" for g in self.grant),
            *(f"add licence {x.id or 'under ' + x.restriction}" for x in a.licences),
            *(f"drop supplier {c}" for c in self.drop_suppliers),
            *(f"add company {x.id}" for x in a.companies),
            *(f"add supply {x.component} by {x.supplier}" for x in a.supplies),
            *(f"add alternative {x.alternative} for {x.component} in {x.parent}" for x in a.alternatives),
        )


def common_day(a: tuple[str, Scenario], b: tuple[str, Scenario], as_of: dt.date | None) -> dt.date:
    """The date two scenario files are compared on: ``as_of``, else theirs (which must agree), else today."""
    (name_a, first), (name_b, second) = a, b
    if as_of is None and first.as_of and second.as_of and first.as_of != second.as_of:
        raise ScenarioError(
            f"{name_a} is as of {first.as_of} but {name_b} is as of {second.as_of}: choose one with --as-of"
        )
    return as_of or first.as_of or second.as_of or dt.date.today()


def parse_scenario(raw: Any, source: str) -> Scenario:
    """Validate a scenario file; raise :class:`ScenarioError` naming the file, the entry and the value."""
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
                problems.append(f"{where}: {msg}, got {short(item.get('input'))}")
        raise ScenarioError(f"{source}: " + "; ".join(problems)) from None
