"""The rules, evaluated on one date: the engine every analysis uses.

The rules (see README, "The rules"):

1. A restriction is active on D when D is inside its window; its restricted parties
   are its targets plus companies owned (aggregate, indirect) at or above its
   affiliates threshold by restricted parties.
2. An item is subject to a restriction when it is not publicly available and its
   origin is one of the restriction's origins, or (US among the origins) its US
   content is strictly above the de minimis level, or (the restriction applies the
   Foreign Direct Product Rule) it is a direct product of US technology.  A service
   is subject when its provider's country is one of the origins.
3. A supply is blocked when an active restriction makes the buyer a restricted
   party, the item is subject to it, and no licence of that restriction valid on D
   covers it.  A service is blocked likewise, its recipient being the product's maker.
4. A component is available to a buyer when some supplier's supply is not blocked
   and that supplier can build it (every required BOM entry has its component or an
   alternative available to that supplier).
5. Product status, worst first: blocked > exposed > degraded > at_risk > ok.
6. An end user has the worst status of the products it uses.

:func:`evaluate` applies rules 1-5 to every product of a
:class:`~graphlib_trade.analysis.chain.SupplyChain`; :class:`Evaluation` answers the
finer questions (is this supply blocked, can this supplier build that) that
``explain`` and ``rank`` ask.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Literal, NamedTuple

from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.deminimis import LazyRollUp
from graphlib_trade.analysis.ownership import restricted_parties
from graphlib_trade.models import Cause, Component, Licence, Restriction, Status, UsContent


class CauseKey(NamedTuple):
    """One blocked supply or service while computing (a :class:`~graphlib_trade.models.Cause` later)."""

    restriction: str
    supplier: str
    item: str
    buyer: str
    kind: Literal["supply", "service"]

    def model(self) -> Cause:
        return Cause(
            restriction=self.restriction,
            supplier=self.supplier,
            item=self.item,
            buyer=self.buyer,
            kind=self.kind,
        )


Causes = frozenset[CauseKey]
NO_CAUSES: Causes = frozenset()


@dataclass(frozen=True, slots=True)
class ProductEvaluation:
    """A product's status on one date under one evaluation, and what made it so."""

    status: Status
    #: BOM entries (their primary component) with nothing available, sorted.
    lost_required: tuple[str, ...] = ()
    lost_optional: tuple[str, ...] = ()
    #: Required entries that only an alternative still fills.
    substituted: tuple[str, ...] = ()
    blocked_services: tuple[str, ...] = ()
    causes: Causes = NO_CAUSES
    #: The causes of each lost BOM entry (by its primary component).
    per_entry: Mapping[str, Causes] = field(default_factory=dict)
    #: The causes of each blocked service (by its label, ``kind from provider``).
    per_service: Mapping[str, Causes] = field(default_factory=dict)


#: The evaluation of a product nothing restricted can touch.
UNTOUCHED = ProductEvaluation(Status.OK)


#: The name the de minimis roll-up is kept under with its chain (see :meth:`SupplyChain.kept`).
US_CONTENT = "us content"


def us_content_of(chain: SupplyChain) -> Mapping[str, UsContent]:
    """The chain's de minimis roll-up, each component rolled up when first asked for (kept)."""

    def build(c: SupplyChain) -> LazyRollUp:
        bom = c.bom
        return LazyRollUp(c.components, lambda node: [(e.component, e.value) for e in bom.get(node, ())])

    return chain.kept(US_CONTENT, build)


def subject_reason(component: Component, restriction: Restriction, us: UsContent) -> str | None:
    """Why a component is subject to a restriction (rule 2), or None when it is not."""
    if component.publicly_available:
        return None
    origins = restriction.origins
    if component.origin in origins:
        return f"{component.origin} origin"
    level = restriction.de_minimis
    if "US" in origins and us.fraction > level:
        how = "rolled up" if us.basis == "rolled_up" else "given"
        return f"US content {us.fraction:.1%} ({how}) above the de minimis level {level:.0%}"
    if restriction.foreign_direct_product and component.us_direct_product:
        return "direct product of US technology (Foreign Direct Product Rule)"
    return None


def _any_or(allowed: tuple[str, ...], value: str) -> bool:
    return not allowed or value in allowed


def licence_covers(licence: Licence, supplier: str, item: str, buyer: str, kind: str) -> bool:
    """Whether a licence's scope (whatever its window) covers one supply or service."""
    covers = licence.covers
    if covers != "both" and covers != ("supplies" if kind == "supply" else "services"):
        return False
    return (
        _any_or(licence.recipients, buyer)
        and _any_or(licence.suppliers, supplier)
        and _any_or(licence.components, item)
    )


def touched(chain: SupplyChain, parties: Iterable[str]) -> set[str]:
    """Components and products that the restricted ``parties`` or a lost supply can touch.

    The seeds are what the parties supply or make, components left with no supplier
    and products that lost a service; the closure follows each part (primary or
    alternative) up into what it goes into.  Outside it every supply is unblocked and
    buildable, so every component is available to buyers that are not restricted
    parties (restricted buyers only buy what they make or supply, which is inside),
    and every product is ok.
    """
    seeds: list[str] = []
    for company in parties:
        seeds += chain.supplies_of.get(company, ())
        seeds += chain.makes.get(company, ())
    seeds += [c for c in chain.components if not chain.suppliers.get(c)]
    seeds += [product for _, product in chain.lost_services]
    seen = set(seeds)
    used_in = chain.used_in
    while seeds:
        for parent in used_in.get(seeds.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                seeds.append(parent)
    return seen


class Evaluation:
    """The rules on one date, with or without licences.

    Parameters
    ----------
    chain : SupplyChain
    as_of : datetime.date
    licences : bool, optional
        Count the licences valid on ``as_of`` (default); false evaluates as if none existed.
    lifted : frozenset of CauseKey, optional
        Causes treated as licensed (to test which licences would be enough).
    within : collection of str, optional
        Evaluate only these components and products (a product's own sub-BOM);
        default: everything the restricted parties can touch.
    """

    def __init__(
        self,
        chain: SupplyChain,
        as_of: dt.date,
        *,
        licences: bool = True,
        lifted: Causes = NO_CAUSES,
        within: Collection[str] | None = None,
    ) -> None:
        self.chain = chain
        self.as_of = as_of
        self.lifted = lifted
        self.us_content = us_content_of(chain)
        #: The restrictions in force, sorted by id.
        self.active: tuple[str, ...] = tuple(
            r for r, data in sorted(chain.restrictions.items()) if data.active_on(as_of)
        )
        #: restriction -> restricted party -> the restricted owners that made it one.
        self.parties: dict[str, dict[str, tuple[str, ...]]] = {
            r: restricted_parties(
                chain.owns, chain.restrictions[r].targets, chain.restrictions[r].affiliates_threshold
            )
            for r in self.active
        }
        #: company -> the restrictions that make it a restricted party.
        self.restricting: dict[str, list[str]] = defaultdict(list)
        for r in self.active:
            for company in self.parties[r]:
                self.restricting[company].append(r)
        #: restriction -> its licences valid on ``as_of``.
        self.licences: dict[str, list[str]] = defaultdict(list)
        if licences:
            for lic, data in sorted(chain.licences.items()):
                if data.restriction in self.parties and data.valid_on(as_of):
                    self.licences[data.restriction].append(lic)
        #: cause -> the valid licences that lifted it.
        self.used_licences: dict[CauseKey, set[str]] = defaultdict(set)
        self._subject: dict[tuple[str, str], bool] = {}
        self._can_build: dict[tuple[str, str], Causes | None] = {}
        self._avail: dict[tuple[str, str | None], Causes | None] = {}
        #: What the restrictions and lost services can touch; everything else is
        #: available to every buyer that is not a restricted party, and ok.
        self.touched = touched(chain, self.restricting)
        inside = self.touched if within is None else self.touched.intersection(within)
        components = chain.components
        for node in chain.order:
            if node in inside and node in components:
                for s in chain.suppliers.get(node, ()):
                    causes, lost_required, _, _ = self._missing(node, s)
                    self._can_build[(s, node)] = frozenset(causes) if lost_required else None

    # -- rule 2
    def subject(self, restriction: str, component: str) -> bool:
        """Whether ``component`` is subject to ``restriction``."""
        key = (restriction, component)
        found = self._subject.get(key)
        if found is None:
            found = self._subject[key] = (
                subject_reason(
                    self.chain.components[component],
                    self.chain.restrictions[restriction],
                    self.us_content[component],
                )
                is not None
            )
        return found

    # -- rule 3
    def _licensed(self, restriction: str, supplier: str, item: str, buyer: str, kind: str) -> list[str]:
        table = self.chain.licences
        return [
            lic
            for lic in self.licences.get(restriction, ())
            if licence_covers(table[lic], supplier, item, buyer, kind)
        ]

    def supply_blocks(self, supplier: str, component: str, buyer: str) -> Causes:
        """The causes that block ``supplier``'s supply of ``component`` to ``buyer`` (none: it flows)."""
        causes = []
        for r in self.restricting.get(buyer, ()):
            if not self.subject(r, component):
                continue
            cause = CauseKey(r, supplier, component, buyer, "supply")
            if cause in self.lifted:
                continue
            lics = self._licensed(r, supplier, component, buyer, "supply")
            if lics:
                self.used_licences[cause].update(lics)
            else:
                causes.append(cause)
        return frozenset(causes)

    def service_blocks(self, provider: str, product: str) -> Causes:
        """The causes that block ``provider``'s service to ``product``'s maker."""
        maker = self.chain.products[product].maker
        country = self.chain.companies[provider].country
        causes = []
        for r in self.restricting.get(maker, ()):
            if country not in self.chain.restrictions[r].origins:
                continue
            cause = CauseKey(r, provider, product, maker, "service")
            if cause in self.lifted:
                continue
            lics = self._licensed(r, provider, product, maker, "service")
            if lics:
                self.used_licences[cause].update(lics)
            else:
                causes.append(cause)
        return frozenset(causes)

    # -- rule 4
    def can_build(self, supplier: str, component: str) -> Causes | None:
        """None when ``supplier`` can build ``component``, else the causes that stop it."""
        return self._can_build.get((supplier, component))

    def available(self, component: str, buyer: str) -> Causes | None:
        """None when ``component`` is available to ``buyer``, else the causes."""
        key = (component, buyer if buyer in self.restricting else None)
        if key in self._avail:
            return self._avail[key]
        causes: set[CauseKey] = set()
        result: Causes | None = None
        for s in self.chain.suppliers.get(component, ()):
            blocked = self.supply_blocks(s, component, buyer) if key[1] is not None else NO_CAUSES
            cannot = self._can_build.get((s, component))
            if not blocked and cannot is None:
                break
            causes |= blocked
            causes |= cannot or NO_CAUSES
        else:
            result = frozenset(causes)
        self._avail[key] = result
        return result

    def _missing(
        self, parent: str, buyer: str, per_entry: dict[str, Causes] | None = None
    ) -> tuple[set[CauseKey], list[str], list[str], list[str]]:
        """Causes, lost required, lost optional and substituted entries of ``parent`` for ``buyer``.

        With ``per_entry`` (a product), every entry counts and the causes of each lost
        one go there; without it (can a supplier build this?) only required entries count.
        """
        causes: set[CauseKey] = set()
        lost_req: list[str] = []
        lost_opt: list[str] = []
        substituted: list[str] = []
        for entry in self.chain.bom.get(parent, ()):
            if per_entry is None and not entry.required:
                continue
            entry_causes: set[CauseKey] = set()
            filled = False
            for i, option in enumerate(entry.options):
                missing = self.available(option, buyer)
                if missing is None:
                    filled = True
                    if i > 0:
                        substituted.append(entry.component)
                    break
                entry_causes |= missing
            if not filled:
                causes |= entry_causes
                if per_entry is not None:
                    per_entry[entry.component] = frozenset(entry_causes)
                (lost_req if entry.required else lost_opt).append(entry.component)
        return causes, lost_req, lost_opt, substituted

    # -- rule 5
    def product(self, product: str) -> ProductEvaluation:
        """The product's status and causes under this evaluation."""
        chain = self.chain
        data = chain.products[product]
        per_entry: dict[str, Causes] = {}
        causes: set[CauseKey] = set()
        lost_req: list[str] = []
        lost_opt: list[str] = []
        substituted: list[str] = []
        if data.lifecycle == "active":
            causes, lost_req, lost_opt, substituted = self._missing(product, data.maker, per_entry)
        blocked_services = []
        per_service: dict[str, Causes] = {}
        for provider, kind in chain.services.get(product, ()):
            if (provider, product) in chain.lost_services:
                blocked_services.append(f"{kind} from {provider} (provider gone)")
                continue
            svc = self.service_blocks(provider, product)
            if svc:
                label = f"{kind} from {provider}"
                blocked_services.append(label)
                per_service[label] = svc
                causes |= svc
        if lost_req:
            status = Status.BLOCKED
        elif blocked_services:
            status = Status.EXPOSED
        elif lost_opt:
            status = Status.DEGRADED
        else:
            status = Status.OK
        return ProductEvaluation(
            status,
            lost_required=tuple(sorted(lost_req)),
            lost_optional=tuple(sorted(lost_opt)),
            substituted=tuple(sorted(substituted)),
            blocked_services=tuple(sorted(blocked_services)),
            causes=frozenset(causes),
            per_entry=per_entry,
            per_service=per_service,
        )


def evaluate(
    chain: SupplyChain, as_of: dt.date, *, licences: bool = True
) -> tuple[Evaluation, dict[str, ProductEvaluation]]:
    """Every product's evaluation on ``as_of``: only what a restriction can touch is evaluated.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> run, products = evaluate(chain, dt.date(2019, 6, 1))
    >>> products["phone"].status.value, sorted(products["phone"].causes)[0].supplier, run.active
    ('blocked', 'us-co', ('el',))
    """
    run = Evaluation(chain, as_of, licences=licences)
    inside = run.touched
    return run, {pid: run.product(pid) if pid in inside else UNTOUCHED for pid in chain.products}
