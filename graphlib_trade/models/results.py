"""The answers of the analysis: statuses, impacts, explanations, rankings, timelines, what-ifs.

Every result is a frozen model; its JSON is its ``model_dump(mode="json")``, shaped
here where the JSON differs from the fields (see ``WhatIfResult`` and ``Timeline``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from enum import StrEnum
from typing import Any, Literal

from pydantic import SerializationInfo, SerializerFunctionWrapHandler, field_serializer, model_serializer

from graphlib_trade.models.base import Frozen


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


class UsContentTerm(Frozen):
    """One BOM entry's share in a de minimis roll-up: ``value`` x ``fraction`` counts."""

    component: str
    value: float
    fraction: float
    why: str


class UsContent(Frozen):
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


class Cause(Frozen):
    """One blocked supply, service or delivery: the root of an impact."""

    restriction: str
    supplier: str
    item: str
    buyer: str
    kind: Literal["supply", "service", "delivery"] = "supply"
    #: The restriction's licence review policy (None when the data does not say).
    review_policy: Literal["denial", "case_by_case", "approval"] | None = None
    #: The item has no ECCN under a restriction scoped by classification: a classification
    #: could change the answer.
    unclassified: bool = False


class ProductImpact(Frozen):
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


class EndUserImpact(Frozen):
    id: str
    name: str
    status: Status
    #: The used products that give the end user its (worst) status; empty when ok.
    via: tuple[str, ...] = ()
    #: Its own blocked deliveries and services (it is a restricted party, or a seller is denied).
    causes: tuple[Cause, ...] = ()


class ImpactResult(Frozen):
    as_of: dt.date
    ignore_licences: bool = False
    active_restrictions: tuple[str, ...] = ()
    valid_licences: tuple[str, ...] = ()
    products: tuple[ProductImpact, ...] = ()
    end_users: tuple[EndUserImpact, ...] = ()
    #: Distinct causes that rest on an item without an ECCN under a scoped restriction.
    unclassified_causes: int = 0


class LicenceRef(Frozen):
    """A licence on file and where the date falls in its window."""

    id: str
    name: str | None = None
    valid_from: dt.date
    valid_until: dt.date | None = None
    state: Literal["valid", "expired", "not_yet_valid"]
    #: For a valid licence with an end: days from the as-of date to its last day.
    days_left: int | None = None


class OwnershipLink(Frozen):
    owner: str
    owned: str
    share: float


class Chain(Frozen):
    """Why one blocked supply, service or delivery reaches an item: cause -> ... -> product."""

    cause: Cause
    restriction_name: str | None = None
    #: The restricted party of the transaction, and its role: ``buyer``, ``seller`` (a denied
    #: party selling), ``intermediary``, or ``incorporated`` (the buyer builds the item into
    #: something a restricted party buys: the party is then the buyer).
    party: str = ""
    role: Literal["buyer", "seller", "intermediary", "incorporated"] = "buyer"
    #: Ownership from a listed target down to the party; empty when the party is itself named.
    ownership: tuple[OwnershipLink, ...] = ()
    #: Why the item is subject to the restriction (origin, de minimis, FDPR, service provider).
    subject: str
    #: The blocked item, the parts it goes into, and the product (one shortest path).
    path: tuple[str, ...]
    #: Licences on file whose scope covers this supply or service, whatever their window.
    licences: tuple[LicenceRef, ...] = ()


class Reason(Frozen):
    """One lost BOM entry or blocked service of a product (or, for an end user, a blocked
    delivery or service to it), with the chains that explain it."""

    kind: Literal["required", "service", "optional", "delivery"]
    what: str
    chains: tuple[Chain, ...]


class ProductExplanation(Frozen):
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


class Explanation(Frozen):
    as_of: dt.date
    id: str
    kind: Literal["product", "end_user"]
    name: str
    status: Status
    products: tuple[ProductExplanation, ...] = ()
    #: An end user's own losses: deliveries and services to it that are blocked.
    own: tuple[Reason, ...] = ()


class Change(Frozen):
    id: str
    name: str
    before: Status
    after: Status


class Loss(Frozen):
    """What would get worse if one supplier, component or country were lost (or restricted)."""

    #: Products that would become blocked (a required part with no other source).
    products_blocked: tuple[str, ...] = ()
    #: Products whose status would get worse, blocked ones included.
    products_worse: tuple[str, ...] = ()
    end_users_worse: tuple[str, ...] = ()
    #: Weights (``units`` and ``value`` per year) of the products that would become blocked.
    units: float = 0.0
    value: float = 0.0


class RankRow(Frozen):
    id: str
    name: str
    country: str | None = None
    #: Components: suppliers that can deliver it now (1 = single point of failure).
    sources: int | None = None
    lost: Loss
    #: Suppliers only: if it were put on a new restriction (origins US) from the date.
    restricted: Loss | None = None


class Ranking(Frozen):
    as_of: dt.date
    kind: Literal["suppliers", "components", "countries"]
    #: What the rows are sorted by: "value", "units" or "products".
    weight: Literal["value", "units", "products"]
    rows: tuple[RankRow, ...] = ()
    #: Rows before ``--top`` was applied.
    total: int = 0


class Expiry(Frozen):
    """An ``at_risk`` product and a licence it relies on, with the days left on the date."""

    product: str
    licence: str
    valid_until: dt.date | None
    days_left: int | None


class Event(Frozen):
    """A date on which some restriction or licence window starts or ends."""

    date: dt.date
    what: tuple[str, ...]
    products: tuple[Change, ...] = ()
    end_users: tuple[Change, ...] = ()
    #: On that date: licences that ``at_risk`` products rely on, soonest expiry first.
    expiries: tuple[Expiry, ...] = ()


class Timeline(Frozen):
    start: dt.date
    end: dt.date
    #: Status of every product and end user on ``start`` (in JSON: id -> status).
    initial: ImpactResult
    events: tuple[Event, ...] = ()
    #: As of ``start``: licences that ``at_risk`` products rely on, soonest expiry first.
    expiries: tuple[Expiry, ...] = ()

    @field_serializer("initial", when_used="json")
    def _statuses(self, initial: ImpactResult) -> dict[str, dict[str, str]]:
        return {
            "products": {p.id: p.status.value for p in initial.products},
            "end_users": {u.id: u.status.value for u in initial.end_users},
        }


class WhatIfResult(Frozen):
    """The products and end users whose status a scenario changes (in JSON: under ``changes``)."""

    as_of: dt.date
    name: str | None = None
    description: str | None = None
    scenario: tuple[str, ...] = ()
    products: tuple[Change, ...] = ()
    end_users: tuple[Change, ...] = ()

    @model_serializer(mode="wrap")
    def _json(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        data = handler(self)
        if not info.mode_is_json():
            return data
        return {
            "as_of": data["as_of"],
            "scenario": data["scenario"],
            "changes": {"products": data["products"], "end_users": data["end_users"]},
        }


class WhatIfReport(Frozen):
    """What ``whatif`` shows: the changes and, for the formats that show them (see
    :meth:`~graphlib_trade.report.base.Format.shows`), the impact after them and the timeline
    after them (in JSON: the changes alone)."""

    changes: WhatIfResult
    after: ImpactResult | None = None
    timeline: Timeline | None = None

    @model_serializer(mode="wrap")
    def _json(self, handler: SerializerFunctionWrapHandler, info: SerializationInfo) -> Any:
        return self.changes.model_dump(mode="json") if info.mode_is_json() else handler(self)


class DiffRow(Frozen):
    id: str
    name: str
    baseline: Status
    a: Status
    b: Status


class ScenarioDiff(Frozen):
    """Products and end users whose status differs between two scenarios."""

    as_of: dt.date
    a: str
    b: str
    products: tuple[DiffRow, ...] = ()
    end_users: tuple[DiffRow, ...] = ()


class PartyChange(Frozen):
    """A company or end user that became (or stopped being) a restricted party of a restriction."""

    restriction: str
    party: str


class StatusChange(Frozen):
    """A product or end user whose status differs after a data update (None: not in that data)."""

    id: str
    name: str
    before: Status | None
    after: Status | None
    #: Causes after the update that were not there before.
    new_causes: tuple[Cause, ...] = ()

    @property
    def worse(self) -> bool:
        """Worse after than before (a new entry counts from ``ok``)."""
        return (self.after or Status.OK).worse_than(self.before or Status.OK)


class DataChanges(Frozen):
    """What a data update (a new list version, a new BOM) changes on one date."""

    as_of: dt.date
    restrictions_added: tuple[str, ...] = ()
    restrictions_removed: tuple[str, ...] = ()
    #: Restricted parties on ``as_of`` (named, located or affiliates) added or removed.
    parties_added: tuple[PartyChange, ...] = ()
    parties_removed: tuple[PartyChange, ...] = ()
    products: tuple[StatusChange, ...] = ()
    end_users: tuple[StatusChange, ...] = ()
    #: A status got worse, or a company or end user became a restricted party.
    worse: bool = False
