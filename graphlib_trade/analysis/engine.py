"""The rules, evaluated on one date: the engine every analysis uses.

The rules (README, "The rules"):

1. **Restricted parties of R on D** (R active on D): its named targets (companies or end
   users), everyone located in its destinations, and affiliates: companies owned at or above
   a threshold, aggregate and indirect, by named targets and other affiliates (never by
   parties restricted only for their location), using the ownership valid on D.  The
   threshold is R's own, or, for an entry of a list, the list's when its rule is in force
   on D; a list aggregates the holdings of the named targets and affiliates of all its
   entries active on D, and an affiliate is a restricted party of each entry it is caught
   through (a company one entry names included).
2. **Caught transactions.**  A supply of item C (supplier S, buyer B, intermediaries V) is
   caught by R when C is in R's item scope and not publicly available, and either (a) its
   origin is one of R's origins, or US is among them and its US content is above R's de
   minimis level, and a restricted party of R is B, one of V, or (a denial order) S; or
   (b) R's FDPR covers C (a direct product of US technology in the FDPR's item scope) and a
   party as in (a) is restricted, or, with scope ``incorporated``, B builds C into
   something a restricted party of R buys (at any depth up the bill of materials).  An
   item with no ECCN is in every scope, and its causes say ``unclassified``.
3. **Blocked links.**  A caught supply is blocked unless a licence of R valid on D covers
   it.  Services are caught like supplies (the provider's country as the origin, the
   service's ECCN as the classification); their recipients are the maker and each end
   user that is itself a restricted party.  A delivery of an active product by its maker
   to an end user is checked like a supply, the end user being the buyer.
4. A component is available to a buyer when some supplier's supply is not blocked and
   that supplier can build it (every required BOM entry has its component or an
   alternative available to that supplier).
5. Product status, worst first: blocked > exposed > degraded > at_risk > ok.  An end user
   has the worst status of the products it uses, and its own: blocked when a delivery to
   it is blocked, exposed when a service to it is.

:func:`evaluate` applies the rules to every product of a
:class:`~graphlib_trade.analysis.chain.SupplyChain`; :class:`Evaluation` answers the
finer questions (is this supply blocked, can this supplier build that, what does this end
user lose) that ``impact``, ``explain`` and ``rank`` ask.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Collection, Container, Hashable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import Literal, NamedTuple

import numpy as np
import numpy.typing as npt

from graphlib_trade.analysis.arrays import csr, names_of, reach_up
from graphlib_trade.analysis.arrays import ranges as _ranges
from graphlib_trade.analysis.chain import ChainArrays, MaskedNames, ServiceLine, SupplyChain
from graphlib_trade.analysis.columns import kept_columns
from graphlib_trade.analysis.deminimis import LazyRollUp, us_fractions
from graphlib_trade.analysis.ownership import restricted_parties
from graphlib_trade.models import (
    SHARE_EPSILON,
    Cause,
    Component,
    Licence,
    Restriction,
    Status,
    UsContent,
    constructed,
    eccn_in_scope,
    worst,
)

Kind = Literal["supply", "service", "delivery"]


class CauseKey(NamedTuple):
    """One blocked supply, service or delivery while computing (a :class:`Cause` later)."""

    restriction: str
    supplier: str
    item: str
    buyer: str
    kind: Kind

    def model(self, chain: SupplyChain) -> Cause:
        """The cause as reported: with the restriction's review policy, and whether it rests on
        an item without an ECCN under a restriction scoped by classification (see
        :func:`cause_models`)."""
        return cause_models(chain, [self])[0]

    def _eccns(self, chain: SupplyChain) -> tuple[str | None, ...]:
        if self.kind == "service":
            lines = chain.services.get(self.item, ())
            return tuple(line.eccn for line in lines if line.provider == self.supplier) or (None,)
        columns = kept_columns(chain)
        if columns is not None and chain.arrays is not None:  # the items need not be read
            return (columns.eccns[columns.eccn[chain.arrays.numbers[self.item]]],)
        return (chain.items[self.item].eccn,)


def cause_models(chain: SupplyChain, keys: Sequence[CauseKey]) -> list[Cause]:
    """Each of ``keys`` as reported (:meth:`CauseKey.model`): with its restriction's review policy,
    and whether it rests on an item without an ECCN under a restriction scoped by classification,
    the items' classifications looked up at once (100k causes at 1M nodes).

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> (cause,) = cause_models(listing_example(), [CauseKey("el", "us-co", "chip", "huawei", "supply")])
    >>> cause.item, cause.unclassified
    ('chip', False)
    """
    restrictions = {r: chain.restrictions[r] for r in {key.restriction for key in keys}}
    scoped = {r: scoped_by_classification(data) for r, data in restrictions.items()}
    lacking = [False] * len(keys)
    if any(scoped.values()):
        columns, arrays = kept_columns(chain), chain.arrays
        at = [i for i, key in enumerate(keys) if scoped[key.restriction]]
        looked_up = [] if columns is None or arrays is None else [i for i in at if keys[i].kind != "service"]
        if looked_up:
            assert columns is not None and arrays is not None
            number, none = arrays.numbers, [e for e, name in enumerate(columns.eccns) if name is None]
            rows = columns.eccn[[number[keys[i].item] for i in looked_up]]
            for i, flag in zip(looked_up, np.isin(rows, none).tolist(), strict=True):
                lacking[i] = flag
        for i in sorted(set(at) - set(looked_up)):
            lacking[i] = any(e is None for e in keys[i]._eccns(chain))
    policy = {r: data.review_policy for r, data in restrictions.items()}
    fields = (*CauseKey._fields, "review_policy", "unclassified")  # (a key's fields are a Cause's)
    values = [(*key, policy[key.restriction], flag) for key, flag in zip(keys, lacking, strict=True)]
    return constructed(Cause, fields, values)


def scoped_by_classification(restriction: Restriction) -> bool:
    """Whether ``restriction`` reaches items by their classification (its own items, or its
    FDPR's)."""
    fdpr_scoped = restriction.fdpr_rule is not None and restriction.fdpr_items != "all"
    return restriction.items != "all" or fdpr_scoped


Causes = frozenset[CauseKey]
NO_CAUSES: Causes = frozenset()
#: A product's causes: a frozenset, or the row the array passes give (``causes.CauseRow``).
SomeCauses = AbstractSet[CauseKey]
#: Not worked out yet (None is an answer: available, or can build).
_UNKNOWN = object()


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
    causes: SomeCauses = NO_CAUSES
    #: The causes of each lost BOM entry (by its primary component).
    per_entry: Mapping[str, Causes] = field(default_factory=dict)
    #: The causes of each blocked service (by its label, ``kind from provider``).
    per_service: Mapping[str, Causes] = field(default_factory=dict)


#: The evaluation of a product nothing restricted can touch.
UNTOUCHED = ProductEvaluation(Status.OK)


def product_status(lost_required: bool, exposed: bool, lost_optional: bool) -> Status:
    """Rule 5 for one evaluation: a required entry lost, a service blocked (or its provider
    gone), an optional entry lost, worst first.

    >>> product_status(False, True, True).value
    'exposed'
    """
    if lost_required:
        return Status.BLOCKED
    if exposed:
        return Status.EXPOSED
    return Status.DEGRADED if lost_optional else Status.OK


def at_risk(status: Status, without_licences: Status) -> Status:
    """A product's status with ``at_risk``: ok only because a licence lifts what would block it.

    >>> at_risk(Status.OK, Status.BLOCKED).value, at_risk(Status.DEGRADED, Status.BLOCKED).value
    ('at_risk', 'degraded')
    """
    return Status.AT_RISK if status is Status.OK and without_licences.worse_than(Status.OK) else status


@dataclass(frozen=True, slots=True)
class EndUserEvaluation:
    """What an end user loses by itself: deliveries to it blocked (``blocked``) and services
    to it blocked (``exposed``), by product."""

    status: Status = Status.OK
    #: The products whose delivery or service to it is blocked, with the causes.
    per_product: Mapping[str, Causes] = field(default_factory=dict)
    #: The status each of those products gives it.
    via: Mapping[str, Status] = field(default_factory=dict)
    #: Every cause of ``per_product``.
    causes: Causes = NO_CAUSES


#: The names the de minimis roll-up (with its terms, and the numbers alone) is kept under with
#: its chain (see :meth:`SupplyChain.kept`).
US_CONTENT, US_FRACTIONS = "us content", "us fractions"
LOST_REACH = "lost reach"
#: What a chain keeps that holds for its data on any date, whatever the question: a snapshot
#: keeps these too, so the next command on the same data skips them.
DATE_FREE = (US_FRACTIONS, LOST_REACH)


def _parts(chain: SupplyChain) -> Callable[[str], list[tuple[str, float | None]]]:
    """``parts(parent)``: the (part, value) entries of ``parent``'s BOM, as the roll-ups read them."""
    bom = chain.bom
    return lambda node: [(e.component, e.value) for e in bom.get(node, ())]


def us_content_of(chain: SupplyChain) -> Mapping[str, UsContent]:
    """The chain's de minimis roll-up of every item, with its terms, each rolled up when first
    asked for (kept; what ``explain`` shows)."""
    return chain.kept(US_CONTENT, lambda c: LazyRollUp(c.items, _parts(c)))


def us_fractions_of(chain: SupplyChain) -> Mapping[str, float]:
    """The controlled US content of every item, the number only (kept; what the rules need)."""
    return chain.kept(US_FRACTIONS, lambda c: us_fractions(c.items, c.bom, c.order))


class Fractions(Mapping[str, float]):
    """The ``fraction`` of each figure of a roll-up (:func:`us_content_of`): the numbers of
    :func:`us_fractions_of`, rolled up only when asked for (a product's own sub-BOM).

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> Fractions(us_content_of(chain))["chip"] == us_fractions_of(chain)["chip"]
    True
    """

    def __init__(self, content: Mapping[str, UsContent]) -> None:
        self._content = content

    def __getitem__(self, item: str) -> float:
        return self._content[item].fraction

    def __iter__(self) -> Iterator[str]:
        return iter(self._content)

    def __len__(self) -> int:
        return len(self._content)


def subject_grounds(item: Component, restriction: Restriction, us_fraction: float) -> tuple[bool, bool]:
    """Whether an item is subject to a restriction: (by origin or de minimis, by the FDPR)
    (rule 2, the item's side; ``us_fraction``: its controlled US content)."""
    if item.publicly_available or not eccn_in_scope(item.eccn, restriction.items):
        return False, False
    origins = restriction.origins
    by_origin = item.origin in origins or ("US" in origins and us_fraction > restriction.de_minimis)
    by_fdpr = (
        restriction.fdpr_rule is not None
        and item.us_direct_product
        and eccn_in_scope(item.eccn, restriction.fdpr_items)
    )
    return by_origin, by_fdpr


def subject_reason(item: Component, restriction: Restriction, us: UsContent) -> str | None:
    """Why an item is subject to a restriction (rule 2), or None when it is not."""
    by_origin, by_fdpr = subject_grounds(item, restriction, us.fraction)
    if by_origin:
        if item.origin in restriction.origins:
            return f"{item.origin} origin"
        how = "rolled up" if us.basis == "rolled_up" else "given"
        return f"US content {us.fraction:.1%} ({how}) above the de minimis level {restriction.de_minimis:.0%}"
    if by_fdpr:
        return "direct product of US technology (Foreign Direct Product Rule)"
    return None


def service_subject(line: ServiceLine, country: str, restriction: Restriction) -> bool:
    """Whether a service is subject: its provider's country is an origin, its ECCN in scope."""
    return country in restriction.origins and eccn_in_scope(line.eccn, restriction.items)


def _any_or(allowed: tuple[str, ...], value: str) -> bool:
    return not allowed or value in allowed


def covers_kind(licence: Licence, kind: str) -> bool:
    """Whether a licence covers supplies (and deliveries), or services, as ``kind`` is."""
    return licence.covers == "both" or licence.covers == ("services" if kind == "service" else "supplies")


def licence_covers(licence: Licence, supplier: str, item: str, buyer: str, kind: str) -> bool:
    """Whether a licence's scope (whatever its window) covers one supply, delivery or service."""
    if not covers_kind(licence, kind):
        return False
    return (
        _any_or(licence.recipients, buyer)
        and _any_or(licence.suppliers, supplier)
        and _any_or(licence.components, item)
    )


def touched(chain: SupplyChain, reaches: Iterable[AbstractSet[str]]) -> AbstractSet[str]:
    """Components and products that the restrictions in force (``reaches``: what their parties
    can touch, see :func:`rule_reach`) or a lost supply can touch.

    A lost supply reaches components left with no supplier and products that lost a
    service, and what they go into.  Outside all of it every supply is unblocked and
    buildable, so every component is available to buyers that are not restricted parties
    (restricted buyers only buy what they make or supply, which is inside), and every
    product is ok.
    """
    lost = chain.kept(LOST_REACH, _lost_reach)
    return lost.union(*reaches)


def _lost_reach(chain: SupplyChain) -> frozenset[str]:
    seeds = [
        *(chain.components.keys() - chain.suppliers.keys()),
        *(c for c, s in chain.suppliers.items() if not s),
    ]
    seeds += [product for _, product in chain.lost_services]
    return frozenset(above(chain, seeds))


def rule_reach(chain: SupplyChain, restriction: str, parties: Collection[str]) -> frozenset[str]:
    """What ``restriction`` with these restricted ``parties`` can touch: its
    :func:`rule_seeds` and everything they go into, as a part or an alternative (kept with
    the chain by restriction and parties: most dates of a timeline have the same).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> sorted(rule_reach(listing_example(), "el", ["maker"]))
    ['phone']
    """
    return chain.kept_recent(
        "rule reach",
        (restriction, frozenset(parties)),
        lambda: frozenset(above(chain, rule_seeds(chain, restriction, parties)[1])),
        RULE_REACHES_KEPT,
    )


def rule_seeds(
    chain: SupplyChain, restriction: str, parties: Collection[str]
) -> tuple[set[str] | None, tuple[str, ...]]:
    """Where ``restriction`` with these restricted ``parties`` reaches into the chain: the items
    its FDPR of scope ``incorporated`` wants (what goes into what a party buys; None without
    such an FDPR), and the seeds of what it can touch: what the parties supply or make, the
    supplies they pass on as intermediaries, the products a denied party serves, and the
    wanted items (kept as :func:`rule_reach` is).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> rule_seeds(listing_example(), "el", ["maker"])
    (None, ('phone',))
    """
    key = frozenset(parties)
    return chain.kept_recent(
        "rule seeds", (restriction, key), lambda: _rule_seeds(chain, restriction, key), RULE_REACHES_KEPT
    )


def _rule_seeds(
    chain: SupplyChain, restriction: str, parties: frozenset[str]
) -> tuple[set[str] | None, tuple[str, ...]]:
    data = chain.restrictions[restriction]
    rule = data.fdpr_rule
    wanted = _wanted(chain, parties) if rule is not None and rule.scope == "incorporated" else None
    seeds: list[str] = list(wanted or ())
    for party in parties:
        seeds += chain.supplies_of.get(party, ())
        seeds += chain.makes.get(party, ())
    seeds += (c for _, c in passed_on(chain, parties))
    if data.denial:
        seeds += (p for p, lines in chain.services.items() if any(sv.provider in parties for sv in lines))
    return wanted, tuple(seeds)


def passed_on(chain: SupplyChain, parties: Collection[str]) -> list[tuple[str, str]]:
    """The supplies (supplier, component) that one of ``parties`` passes on as an intermediary,
    in the chain's order of ``via``.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> passed_on(listing_example(), ["maker"])
    []
    """
    pairs, through = chain.kept("intermediaries", _intermediaries)
    if len(parties) < len(through):
        found = [i for party in parties for i in through.get(party, ())]
    else:
        found = [i for party, rows in through.items() if party in parties for i in rows]
    return [pairs[i] for i in sorted(set(found))]


def _intermediaries(chain: SupplyChain) -> tuple[list[tuple[str, str]], dict[str, list[int]]]:
    """The supplies with intermediaries, and each intermediary's places among them."""
    through: dict[str, list[int]] = defaultdict(list)
    for i, via in enumerate(chain.via.values()):
        for party in dict.fromkeys(via):
            through[party].append(i)
    return list(chain.via), dict(through)


#: The (restriction, parties) whose :func:`rule_seeds` and :func:`rule_reach` a chain keeps.
RULE_REACHES_KEPT = 64


def above(chain: SupplyChain, items: Iterable[str], within: Container[str] | None = None) -> set[str]:
    """``items`` and everything they go into, at any depth, as a part or an alternative
    (only inside ``within`` when given).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> sorted(above(listing_example(), ["chip"]))
    ['chip', 'phone']
    """
    seeds = list(items)
    seen = set(seeds)
    used_in = chain.used_in
    while seeds:
        for parent in used_in.get(seeds.pop(), ()):
            if parent not in seen and (within is None or parent in within):
                seen.add(parent)
                seeds.append(parent)
    return seen


def parties_on(
    chain: SupplyChain, active: Iterable[str], day: dt.date
) -> dict[str, dict[str, tuple[str, ...]]]:
    """Rule 1: each active restriction's restricted parties on ``day``, each with the restricted
    owners whose holdings made it one (empty for named and located parties).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> parties_on(listing_example(), ["el"], dt.date(2019, 6, 1))
    {'el': {'maker': ()}}
    """
    owns = chain.owns_on(day)
    active = list(active)
    by_list: dict[str, list[str]] = defaultdict(list)
    for r in active:
        listed = chain.restrictions[r].list
        if listed is not None:
            by_list[listed].append(r)
    caught: dict[str, dict[str, tuple[str, ...]]] = {r: {} for r in active}
    for list_id, entries in by_list.items():
        threshold = chain.lists[list_id].affiliates_on(day)
        if threshold is not None:
            for r, affiliates in _list_affiliates(chain, entries, owns, threshold).items():
                caught[r] = affiliates
    out: dict[str, dict[str, tuple[str, ...]]] = {}
    for r in active:
        restriction = chain.restrictions[r]
        found: dict[str, tuple[str, ...]] = {
            x: () for country in restriction.destinations for x in chain.located(country)
        }
        own = restriction.affiliates_threshold
        if restriction.list is None and own is not None:
            found.update(restricted_parties(owns, restriction.targets, own))
        else:
            found.update(caught[r])
        found.update(dict.fromkeys(restriction.targets, ()))
        out[r] = found
    return out


def _list_affiliates(
    chain: SupplyChain, entries: list[str], owns: Mapping[str, Mapping[str, float]], threshold: float
) -> dict[str, dict[str, tuple[str, ...]]]:
    """The affiliates of a list's entries: holdings aggregated across all of them, each affiliate
    attributed to every entry whose parties' holdings made it one.  A named target of one entry
    is an affiliate of the others too when the list's parties hold the threshold in it (its
    owner's listing reaches it whether or not it is listed itself)."""
    through: dict[str, set[str]] = defaultdict(set)
    for r in sorted(entries):
        for t in chain.restrictions[r].targets:
            through[t].add(r)
    closure = restricted_parties(owns, list(through), threshold)
    # A named target's holdings, counted as restricted_parties counts an affiliate's: owners in
    # the order they became parties, until the threshold is reached.
    held: dict[str, float] = defaultdict(float)
    holders: dict[str, list[str]] = defaultdict(list)
    owners_of = dict(closure)
    for owner in closure:
        for owned, share in owns.get(owner, {}).items():
            if owned in through and not owners_of.get(owned, ()):  # a named target, not yet caught
                held[owned] += share
                holders[owned].append(owner)
                if held[owned] >= threshold - SHARE_EPSILON:
                    owners_of[owned] = tuple(sorted(holders[owned]))
    # Each party is caught through the entries of the owners that made it one; owners usually
    # come first, but a listed target's owners may come after it (and holdings may go round).
    changed = True
    while changed:
        changed = False
        for party, owners in owners_of.items():
            for owner in owners:
                if not through[owner] <= through[party]:
                    through[party] |= through[owner]
                    changed = True
    per_entry: dict[str, dict[str, tuple[str, ...]]] = {r: {} for r in entries}
    for party, owners in owners_of.items():
        for r in through[party]:
            per_entry[r][party] = owners
    return per_entry


@dataclass(frozen=True, slots=True)
class Day:
    """What the rules derive from a chain on one date, whatever the licences: rule 1 and what
    it reaches (kept with the chain: ``explain``'s trials and ``timeline``'s licence-free runs
    evaluate the same date many times)."""

    active: tuple[str, ...]
    parties: dict[str, dict[str, tuple[str, ...]]]
    restricting: dict[str, list[str]]
    denying: dict[str, list[str]]
    seller_side: dict[tuple[str, str], list[str]]
    seller_caught: set[str]
    wanted: dict[str, set[str]]
    #: item -> the restrictions whose FDPR catches what goes into it (built for a restricted party).
    purposes: dict[str, tuple[str, ...]]
    touched: AbstractSet[str]
    #: ``touched`` over the numbers of the chain's :class:`ChainArrays`, when worked out on them.
    touched_mask: npt.NDArray[np.bool_] | None = None

    @property
    def rules(self) -> tuple[tuple[str, tuple[tuple[str, tuple[str, ...]], ...]], ...]:
        """The restrictions in force with their parties: two dates with equal ``rules`` have
        the same licence-free evaluation (a holding or a list window can change the parties
        while the restrictions in force stay the same)."""
        return tuple((r, tuple(sorted(self.parties[r].items()))) for r in self.active)


#: Dates whose :class:`Day` a chain keeps.
DAYS_KEPT = 8


def day_of(chain: SupplyChain, as_of: dt.date, within: Collection[str] | None = None) -> Day:
    """The :class:`Day` of ``chain`` on ``as_of`` (the last few kept with the chain).

    ``within``: only what is inside is asked about, and it holds every part (and alternative)
    of what it holds (a product's own sub-BOM): unless the whole day is kept, ``touched`` is
    worked out inside it alone, kept by that very collection.
    """
    whole: Day | None = chain.recent("days", as_of)
    if whole is not None:
        return whole
    if within is not None:
        # Keyed by the collection's identity; the entry keeps the collection alive, so the key
        # cannot be taken by another one while it is kept.
        kept: tuple[Collection[str], Day] = chain.kept_recent(
            "days within", (as_of, id(within)), lambda: (within, _day_within(chain, as_of, within)), DAYS_KEPT
        )
        return kept[1]
    # Another date worked out before for this chain: take each restriction's reach as kept.
    each = bool(chain.kept("days", lambda _: {}))
    return chain.kept_recent("days", as_of, lambda: _day(chain, as_of, each=each), DAYS_KEPT)


def _day(chain: SupplyChain, as_of: dt.date, *, each: bool) -> Day:
    """The :class:`Day` on ``as_of``; ``each``: work out (or take) the reach of each restriction
    by itself, kept for the other dates (a chain's first date is worked out in one pass)."""
    rules = _rules_of(chain, as_of)
    arrays = chain.arrays
    if each:
        reaches: list[AbstractSet[str]] = [rule_reach(chain, r, rules.parties[r]) for r in rules.active]
    elif arrays is not None:  # one array pass over the seeds and what lost supplies reach
        reached = reach_up(
            arrays.used_ptr, arrays.used_idx, np.flatnonzero(arrays.mask(_seeds(chain, rules)))
        )
        reached |= arrays.mask(chain.kept(LOST_REACH, _lost_reach))
        return replace(rules, touched=MaskedNames(arrays, reached), touched_mask=reached)
    else:  # one pass over all the seeds: the restrictions' reaches overlap
        reaches = [above(chain, _seeds(chain, rules))]
    return replace(rules, touched=touched(chain, reaches))


def _day_within(chain: SupplyChain, as_of: dt.date, within: Collection[str]) -> Day:
    """The :class:`Day` on ``as_of`` with ``touched`` inside ``within`` only: what goes into
    nothing inside stays outside, so the seeds inside, walked inside, reach all of it."""
    rules = _rules_of(chain, as_of)
    inside = (seed for seed in _seeds(chain, rules) if seed in within)
    return replace(rules, touched=touched(chain, [above(chain, inside, within)]))


def _seeds(chain: SupplyChain, rules: Day) -> Iterator[str]:
    for r in rules.active:
        yield from rule_seeds(chain, r, rules.parties[r])[1]


def _rules_of(chain: SupplyChain, as_of: dt.date) -> Day:
    """Rule 1 on ``as_of`` and what it sets (a :class:`Day` with nothing touched yet), kept."""
    return chain.kept_recent("day rules", as_of, lambda: _rules(chain, as_of), DAYS_KEPT)


def _rules(chain: SupplyChain, as_of: dt.date) -> Day:
    active = tuple(r for r, data in sorted(chain.restrictions.items()) if data.active_on(as_of))
    parties = parties_on(chain, active, as_of)
    restricting: dict[str, list[str]] = defaultdict(list)
    for r in active:
        for party in parties[r]:
            restricting[party].append(r)
    denying: dict[str, list[str]] = defaultdict(list)
    seller_side: dict[tuple[str, str], list[str]] = defaultdict(list)
    for r in active:
        found = parties[r]
        if chain.restrictions[r].denial:
            for party in found:
                denying[party].append(r)
                for component in chain.supplies_of.get(party, ()):
                    seller_side[(party, component)].append(r)
        for pair in passed_on(chain, found):
            if r not in seller_side[pair]:
                seller_side[pair].append(r)
    seller_caught = {component for _, component in seller_side}
    wanted = {r: items for r in active if (items := rule_seeds(chain, r, parties[r])[0]) is not None}
    purposes: dict[str, tuple[str, ...]] = {}
    for r, items in wanted.items():
        for item in items:
            purposes[item] = (*purposes.get(item, ()), r)
    return Day(
        active, parties, restricting, denying, seller_side, seller_caught, wanted, purposes, frozenset()
    )  # fmt: skip


def _wanted(chain: SupplyChain, parties: Iterable[str]) -> set[str]:
    """The items that go, at any depth, into something one of ``parties`` buys."""
    arrays = chain.arrays
    if arrays is not None:  # one array search down the parts (the BOM itself need not be read)
        number = arrays.numbers
        building = np.array(
            [
                number[b]
                for party in parties
                for b in (*chain.supplies_of.get(party, ()), *chain.makes.get(party, ()))
            ],
            dtype=np.int64,
        )
        ptr, idx = arrays.part_rows
        seeds = np.r_[
            idx[_ranges(ptr[building], ptr[building + 1] - ptr[building])],
            [number[p] for party in parties for p in chain.uses.get(party, ())],
        ].astype(np.int64)
        return set(arrays.names(reach_up(ptr, idx, seeds)))
    bought: list[str] = []
    for party in parties:
        for built in (*chain.supplies_of.get(party, ()), *chain.makes.get(party, ())):
            bought += (o for line in chain.bom.get(built, ()) for o in line.options)
        bought += chain.uses.get(party, ())  # an end user buys the products delivered to it
    wanted = set(bought)
    while bought:
        for line in chain.bom.get(bought.pop(), ()):
            for option in line.options:
                if option not in wanted:
                    wanted.add(option)
                    bought.append(option)
    return wanted


def ordinary_builds(
    arrays: ChainArrays,
    *,
    touched: npt.NDArray[np.bool_],
    restricted: npt.NDArray[np.bool_],
    caught: npt.NDArray[np.bool_],
    purposed: npt.NDArray[np.bool_],
) -> tuple[npt.NDArray[np.bool_], npt.NDArray[np.bool_]]:
    """Rule 4 where no restriction needs looking at, as one array pass per generation of the
    bill of materials: (the supplies, by position in ``arrays``, whose supplier can build
    their component; the components available to any buyer that is no restricted party and
    builds them into nothing an FDPR wants).

    Only what holds whatever the restrictions and licences say is found.  A supply counts
    when its supplier is no restricted party, its component is ``touched`` and no FDPR
    wants what goes into it (``purposed``), and each required entry of the component has an
    option that is known to be available: not ``touched`` and no supply of it caught
    whoever buys (``caught``), or such a component with such a supply.  Everything else is
    left to :class:`Evaluation`, rule by rule (the masks are over ``arrays``' numbers).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> arrays = listing_example().arrays
    >>> chip = arrays.mask(["chip"])
    >>> none = arrays.mask([])
    >>> supplies, available = ordinary_builds(
    ...     arrays, touched=chip, restricted=none, caught=none, purposed=none)
    >>> supplies.tolist(), arrays.names(available)
    ([True], ['chip'])
    """
    supplier, supplied = arrays.supplier, arrays.supplied
    supplies = ~restricted[supplier] & ~purposed[supplied] & touched[supplied]
    by_supply = np.zeros(arrays.size, dtype=bool)
    by_supply[supplied[supplies]] = True
    known = ~caught & ~touched  # available to an ordinary buyer; the found components join
    builds = np.zeros(arrays.size, dtype=bool)
    order, bounds = arrays.generations
    required = np.flatnonzero(arrays.entry_required)
    by_parent, parent_bounds = arrays.by_generation(arrays.entry_parent[required])
    entries = required[by_parent]
    component = np.zeros(arrays.size, dtype=bool)
    component[arrays.components : arrays.products] = True
    for g in range(len(bounds) - 1):
        nodes = order[bounds[g] : bounds[g + 1]]
        builds[nodes] = True
        mine = entries[parent_bounds[g] : parent_bounds[g + 1]]
        if mine.size:
            first = arrays.option_ptr[mine]
            sizes = arrays.option_ptr[mine + 1] - first
            ok = known[arrays.option_idx[_ranges(first, sizes)]]
            filled = np.logical_or.reduceat(ok, np.r_[0, np.cumsum(sizes)[:-1]])
            builds[arrays.entry_parent[mine[~filled]]] = False
        known[nodes] |= builds[nodes] & by_supply[nodes] & touched[nodes] & ~caught[nodes] & component[nodes]
    available = known & touched & component
    return supplies & builds[supplied], available


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
        Evaluate only these components and products; it must hold every part and alternative
        of what it holds (a product's own sub-BOM, as ``explain`` passes): the answers inside
        are then the whole chain's.  Default: everything the restricted parties can touch.
    reuse : tuple of (Evaluation, collection of str), optional
        An evaluation of the same chain and date, and the items whose supplies may be
        caught or licensed differently here: what they go into is evaluated again, the
        rest is taken from it.
    bottom_up : bool, optional
        Work out a deep bill of materials bottom up at once (default); false leaves it to
        the caller (:func:`evaluate_later` does it for what it evaluates again).
    """

    def __init__(
        self,
        chain: SupplyChain,
        as_of: dt.date,
        *,
        licences: bool = True,
        lifted: Causes = NO_CAUSES,
        within: Collection[str] | None = None,
        reuse: tuple[Evaluation, Collection[str]] | None = None,
        bottom_up: bool = True,
    ) -> None:
        self.chain = chain
        self.as_of = as_of
        #: Whether the licences valid on ``as_of`` count.
        self.counts_licences = licences
        self.lifted = lifted
        # Rule 1 and what it sets (what it touches is worked out when first asked: see touched).
        day = _rules_of(chain, as_of)
        #: The restrictions in force, sorted by id.
        self.active = day.active
        #: restriction -> restricted party -> the restricted owners that made it one (rule 1).
        self.parties = day.parties
        #: party (company or end user) -> the restrictions that make it a restricted party.
        self.restricting = day.restricting
        #: party -> the denial orders it is denied by (its supplies, deliveries and services are caught).
        self.denying = day.denying
        #: (supplier, component) -> restrictions that catch the supply whoever buys.
        self.seller_side = day.seller_side
        self._seller_caught = day.seller_caught
        #: restriction with an FDPR of scope ``incorporated`` -> what goes into what its parties buy.
        self.wanted = day.wanted
        #: restriction -> its licences valid on ``as_of``.
        self.licences: dict[str, list[str]] = defaultdict(list)
        if licences:
            for lic, data in sorted(chain.licences.items()):
                if data.restriction in self.parties and data.valid_on(as_of):
                    self.licences[data.restriction].append(lic)
        #: cause -> the valid licences that lifted it.  Like ``blocked``, what the evaluation met
        #: on its way: not every cause the chain holds (what is settled at once, by ordinary_builds
        #: or as untouched, holds whatever the licences say and is not looked into).
        self.used_licences: dict[CauseKey, set[str]] = defaultdict(set)
        #: The causes found blocked (not lifted, no valid licence), as met on the way.
        self.blocked: set[CauseKey] = set()
        # Whether an item is subject to a restriction does not depend on the date: kept per chain.
        self._grounds: dict[tuple[str, str], tuple[bool, bool]] = chain.kept("grounds", lambda _: {})
        self._can_build: dict[tuple[str, str], Causes | None] = {}
        #: (component, buyer, purpose), or the component alone for an ordinary buyer -> available?
        self._avail: dict[str | tuple[str, str, tuple[str, ...]], Causes | None] = {}
        #: item -> the restrictions whose FDPR catches what goes into it (its parts' purpose).
        self.purposes = day.purposes
        #: A product's own sub-BOM (explain's trials): nothing outside is evaluated.
        self._within = within
        #: With ``reuse``: the other evaluation, and the items evaluated again here (what the
        #: changed items go into); the rest is taken from the other evaluation when it has it.
        self._base: Evaluation | None = None
        self.redo: set[str] | None = None
        if reuse is not None:
            base, changed = reuse
            assert base.chain is chain and base.as_of == as_of and base._base is None
            self._base, self.redo = base, above(chain, changed, within)
        arrays = chain.arrays
        if arrays is not None and bottom_up and within is None and reuse is None:
            self._seed(arrays)
        if chain.depth > EAGER_DEPTH and bottom_up:
            self._bottom_up(chain.components)

    @cached_property
    def us_fractions(self) -> Mapping[str, float]:
        """Each item's controlled US content (rule 2): a product's own sub-BOM (``within``) rolls
        up only the items under it, when first asked."""
        chain = self.chain
        return us_fractions_of(chain) if self._within is None else Fractions(us_content_of(chain))

    @cached_property
    def touched(self) -> AbstractSet[str]:
        """What the restrictions and lost services can touch; everything else is available to every
        buyer that is not a restricted party, and ok (worked out when first asked)."""
        return self._day.touched

    @cached_property
    def _day(self) -> Day:
        return day_of(self.chain, self.as_of, self._within)

    def _seed(self, arrays: ChainArrays) -> None:
        """Take what :func:`ordinary_builds` finds at once: the supplies whose supplier can build
        its component, and the components available to ordinary buyers."""
        supplies, available = ordinary_builds(
            arrays,
            touched=arrays.mask(self.touched) if self._day.touched_mask is None else self._day.touched_mask,
            restricted=arrays.mask(self.restricting),
            caught=arrays.mask(self._seller_caught),
            purposed=arrays.mask(self.purposes),
        )
        ids = arrays.ids
        pairs = zip(
            names_of(ids, arrays.supplier[supplies]), names_of(ids, arrays.supplied[supplies]), strict=True
        )
        self._can_build.update(dict.fromkeys(pairs))
        self._avail.update(dict.fromkeys(names_of(ids, np.flatnonzero(available))))

    def _bottom_up(self, nodes: Container[str]) -> None:
        """Whether each supplier can build each of ``nodes``, parts first.

        Worked out when first needed, it recurses down the bill of materials; a deep one
        (more than :data:`EAGER_DEPTH` items on a path) is worked out bottom up instead.
        """
        for node in self.chain.order:
            if node in nodes and node in self.chain.components:
                for s in self.chain.suppliers.get(node, ()):
                    self.can_build(s, node)

    def _reused(self, table: str, component: str, key: Hashable) -> object:
        """The other evaluation's answer to ``key`` in ``table`` when it holds here too, else _UNKNOWN."""
        if self._base is None or self.redo is None or component in self.redo:
            return _UNKNOWN
        return getattr(self._base, table).get(key, _UNKNOWN)

    # -- rule 2
    def grounds(self, restriction: str, item: str) -> tuple[bool, bool]:
        """Whether ``item`` (a component or product) is subject to ``restriction``: (by origin or
        de minimis, by the FDPR)."""
        key = (restriction, item)
        found = self._grounds.get(key)
        if found is None:
            chain = self.chain
            data = chain.restrictions[restriction]
            columns = kept_columns(chain)
            if columns is not None and chain.arrays is not None:  # the items need not be read
                found = columns.grounds(data, chain.arrays.numbers[item])
            else:
                found = subject_grounds(chain.items[item], data, self.us_fractions[item])
            self._grounds[key] = found
        return found

    def subject(self, restriction: str, item: str) -> bool:
        """Whether ``item`` is subject to ``restriction`` on either ground."""
        by_origin, by_fdpr = self.grounds(restriction, item)
        return by_origin or by_fdpr

    # -- rule 3
    def _licensed(self, restriction: str, supplier: str, item: str, buyer: str, kind: str) -> list[str]:
        table = self.chain.licences
        return [
            lic
            for lic in self.licences.get(restriction, ())
            if licence_covers(table[lic], supplier, item, buyer, kind)
        ]

    def licences_for(self, cause: CauseKey) -> list[str]:
        """The valid licences that cover ``cause`` (rule 3), whether or not it was met."""
        return self._licensed(cause.restriction, cause.supplier, cause.item, cause.buyer, cause.kind)

    def _blocked(self, cause: CauseKey, causes: list[CauseKey]) -> None:
        """Add ``cause`` to ``causes`` unless it is lifted or a valid licence covers it."""
        if cause in self.lifted:
            return
        lics = self._licensed(cause.restriction, cause.supplier, cause.item, cause.buyer, cause.kind)
        if lics:
            self.used_licences[cause].update(lics)
        else:
            self.blocked.add(cause)
            causes.append(cause)

    def supply_blocks(
        self, supplier: str, component: str, buyer: str, purpose: tuple[str, ...] = ()
    ) -> Causes:
        """The causes that block ``supplier``'s supply of ``component`` to ``buyer`` (none: it flows).

        ``purpose``: the restrictions whose FDPR catches the supply because ``buyer`` builds
        it into something one of their restricted parties buys.
        """
        seller = self.seller_side.get((supplier, component), ())
        restricting = self.restricting.get(buyer, ())
        causes: list[CauseKey] = []
        for r in dict.fromkeys((*restricting, *seller, *purpose)) if seller or purpose else restricting:
            by_origin, by_fdpr = self.grounds(r, component)
            party = r in seller or buyer in self.parties[r]
            if (party and (by_origin or by_fdpr)) or (r in purpose and by_fdpr):
                self._blocked(CauseKey(r, supplier, component, buyer, "supply"), causes)
        return frozenset(causes) if causes else NO_CAUSES

    def delivery_blocks(self, product: str, user: str) -> Causes:
        """The causes that block the maker's delivery of ``product`` to the end user ``user``."""
        maker = self.chain.products[product].maker
        causes: list[CauseKey] = []
        for r in dict.fromkeys((*self.restricting.get(user, ()), *self.denying.get(maker, ()))):
            if self.subject(r, product):
                self._blocked(CauseKey(r, maker, product, user, "delivery"), causes)
        return frozenset(causes)

    def service_blocks(self, line: ServiceLine, product: str, recipient: str) -> Causes:
        """The causes that block a service to ``product`` for ``recipient`` (its maker or an end user)."""
        chain = self.chain
        country = chain.companies[line.provider].country
        causes: list[CauseKey] = []
        for r in dict.fromkeys((*self.restricting.get(recipient, ()), *self.denying.get(line.provider, ()))):
            if service_subject(line, country, chain.restrictions[r]):
                self._blocked(CauseKey(r, line.provider, product, recipient, "service"), causes)
        return frozenset(causes)

    # -- rule 4
    def can_build(self, supplier: str, component: str) -> Causes | None:
        """None when ``supplier`` can build ``component``, else the causes that stop it."""
        key = (supplier, component)
        if key in self._can_build:
            return self._can_build[key]
        reused = _UNKNOWN if self._base is None else self._reused("_can_build", component, key)
        if reused is not _UNKNOWN:
            found: Causes | None = reused  # type: ignore[assignment]
        elif component in self.touched and (self._within is None or component in self._within):
            causes, lost_required, _, _ = self._missing(component, supplier)
            found = frozenset(causes) if lost_required else None
        else:  # nothing restricted reaches it: every supplier can build it
            found = None
        self._can_build[key] = found
        return found

    def available(self, component: str, buyer: str, purpose: tuple[str, ...] = ()) -> Causes | None:
        """None when ``component`` is available to ``buyer`` (building it into something caught
        for ``purpose``), else the causes."""
        special = buyer in self.restricting or component in self._seller_caught or purpose
        if not special and component not in self.touched:
            return None  # nothing restricted reaches it (see touched)
        # Most questions are about a buyer that is no restricted party, for no FDPR purpose:
        # the same answer whoever asks, kept by the component alone.
        key: str | tuple[str, str, tuple[str, ...]] = (component, buyer, purpose) if special else component
        found = self._avail.get(key, _UNKNOWN)
        if found is _UNKNOWN and self._base is not None:
            found = self._reused("_avail", component, key)
            if found is not _UNKNOWN:
                self._avail[key] = found  # type: ignore[assignment]
        if found is not _UNKNOWN:
            return found  # type: ignore[return-value]
        causes: set[CauseKey] = set()
        result: Causes | None = None
        builds = self._can_build
        for s in self.chain.suppliers.get(component, ()):
            blocked = self.supply_blocks(s, component, buyer, purpose) if special else NO_CAUSES
            cannot = builds.get((s, component), _UNKNOWN)
            if cannot is _UNKNOWN:
                cannot = self.can_build(s, component)
            if not blocked and cannot is None:
                break
            causes |= blocked
            causes |= cannot or NO_CAUSES  # type: ignore[arg-type]
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
        purpose = self.purposes.get(parent, ())
        available = self.available
        # An ordinary buyer (no restricted party, no FDPR purpose) of a part no seller-side rule
        # catches: available's own first steps, inline (most parts of most parents are so).
        ordinary = not purpose and buyer not in self.restricting
        touched, caught, kept = self.touched, self._seller_caught, self._avail
        for entry in self.chain.bom.get(parent, ()):
            if per_entry is None and not entry.required:
                continue
            part = entry.component
            missing: Causes | None
            if ordinary and part not in caught:
                if part not in touched:
                    continue  # nothing restricted reaches it: available
                found = kept.get(part, _UNKNOWN)
                missing = available(part, buyer, purpose) if found is _UNKNOWN else found  # type: ignore[assignment]
            else:
                missing = available(part, buyer, purpose)
            if missing is None:  # the part itself (no alternative needed)
                continue
            entry_causes = set(missing)
            filled = False
            for option in entry.alternatives:
                missing = available(option, buyer, purpose)
                if missing is None:
                    filled = True
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
        blocked_services, per_service = self.services(product)
        causes.update(*per_service.values())
        return ProductEvaluation(
            product_status(bool(lost_req), bool(blocked_services), bool(lost_opt)),
            lost_required=tuple(sorted(lost_req)),
            lost_optional=tuple(sorted(lost_opt)),
            substituted=tuple(sorted(substituted)),
            blocked_services=tuple(sorted(blocked_services)),
            causes=frozenset(causes),
            per_entry=per_entry,
            per_service=per_service,
        )

    def services(self, product: str) -> tuple[list[str], dict[str, Causes]]:
        """Rule 5's services of ``product`` (to its maker): the label of each one lost (``kind
        from provider``, and ``(provider gone)`` when its provider is), and the causes of each
        blocked one, by its label."""
        chain = self.chain
        maker = chain.products[product].maker
        lost: list[str] = []
        per_service: dict[str, Causes] = {}
        for line in chain.services.get(product, ()):
            if (line.provider, product) in chain.lost_services:
                lost.append(f"{line.kind} from {line.provider} (provider gone)")
                continue
            found = self.service_blocks(line, product, maker)
            if found:
                label = f"{line.kind} from {line.provider}"
                lost.append(label)
                per_service[label] = found
        return lost, per_service

    def may_lose(self, user: str) -> bool:
        """Whether ``user`` can lose something by itself: it is a restricted party, or a maker or
        service provider of a product it uses is denied (else :meth:`end_user` finds nothing)."""
        if user in self.restricting:
            return True
        denied = self._denied_products
        return bool(denied) and not denied.isdisjoint(self.chain.uses.get(user, ()))

    @cached_property
    def _denied_products(self) -> frozenset[str]:
        """The products whose maker or a service provider is denied."""
        denying, chain = self.denying, self.chain
        if not denying:
            return frozenset()
        made = (p for p, data in chain.products.items() if data.maker in denying)
        served = (p for p, lines in chain.services.items() if any(sv.provider in denying for sv in lines))
        return frozenset((*made, *served))

    def end_user(self, user: str) -> EndUserEvaluation:
        """What ``user`` loses by itself: blocked deliveries (``blocked``) and services (``exposed``)."""
        if not self.may_lose(user):
            return NOTHING_LOST
        chain = self.chain
        per_product: dict[str, Causes] = {}
        via: dict[str, Status] = {}
        for product in sorted(set(chain.uses.get(user, ()))):
            causes: set[CauseKey] = set()
            status = Status.OK
            if chain.products[product].lifecycle == "active":
                delivered = self.delivery_blocks(product, user)
                if delivered:
                    causes |= delivered
                    status = Status.BLOCKED
            for line in chain.services.get(product, ()):
                if (line.provider, product) in chain.lost_services:
                    continue
                served = self.service_blocks(line, product, user)
                if served:
                    causes |= served
                    status = status if status is Status.BLOCKED else Status.EXPOSED
            if causes:
                per_product[product] = frozenset(causes)
                via[product] = status
        if not via:
            return NOTHING_LOST
        every: Causes = frozenset().union(*per_product.values())
        return EndUserEvaluation(max(via.values(), key=lambda s: s.rank), per_product, via, every)


def end_user_status(
    chain: SupplyChain, user: str, status_of: Mapping[str, Status], real: Evaluation, bare: Evaluation
) -> tuple[Status, tuple[str, ...], EndUserEvaluation]:
    """An end user's status, the products that give it that status, and what it loses by itself.

    ``status_of``: the status of each product ``user`` uses; ``real`` and ``bare``: the
    evaluations with licences and without them.
    """
    own, own_bare = real.end_user(user), bare.end_user(user)
    # Each product gives the user its own status, or what the user loses by itself through
    # it (a blocked delivery or service), or at_risk if only a licence keeps that.
    via_status = {p: status_of[p] for p in set(chain.uses.get(user, ()))}
    for p, lost in own.via.items():
        via_status[p] = max(via_status[p], lost, key=lambda s: s.rank)
    for p in own_bare.via.keys() - own.via.keys():
        via_status[p] = max(via_status[p], Status.AT_RISK, key=lambda s: s.rank)
    status = worst(via_status.values())
    via = tuple(sorted(p for p, s in via_status.items() if s is status)) if status is not Status.OK else ()
    return status, via, own


class BomView(NamedTuple):
    """What a walk down the bill of materials reads (see :func:`bom_view`)."""

    #: item -> its BOM entries in order, each (required, its options: component first).
    entries: Callable[[str], Iterable[tuple[bool, Sequence[str]]]]
    #: component -> its suppliers in company order.
    suppliers: Callable[[str], Sequence[str]]
    #: items -> those items and everything they go into.
    above: Callable[[Iterable[str]], Container[str]]


def bom_view(chain: SupplyChain) -> BomView:
    """The chain's :class:`BomView`: from its arrays when it has them (its tables of entries and
    suppliers need not be read), else from those tables.

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> view = bom_view(listing_example())
    >>> list(view.entries("phone")), view.suppliers("chip"), sorted(view.above(["chip"]))
    ([(True, ['chip'])], ['us-co'], ['chip', 'phone'])
    """
    arrays = chain.arrays
    if arrays is None:
        return BomView(
            lambda item: [(e.required, [e.component, *e.alternatives]) for e in chain.bom.get(item, ())],
            lambda component: chain.suppliers.get(component, ()),
            lambda items: above(chain, items),
        )
    ids, number = arrays.ids, arrays.numbers
    entry_ptr, entry_idx = csr(arrays.size, arrays.entry_parent, np.arange(len(arrays.entry_parent)))
    supply_ptr, supply_idx = csr(arrays.size, arrays.supplied, arrays.supplier)
    required, option_ptr, option_idx = arrays.entry_required, arrays.option_ptr, arrays.option_idx

    def entries(item: str) -> list[tuple[bool, list[str]]]:
        n = number[item]
        return [
            (bool(required[e]), names_of(ids, option_idx[option_ptr[e] : option_ptr[e + 1]]))
            for e in entry_idx[entry_ptr[n] : entry_ptr[n + 1]].tolist()
        ]

    def suppliers(component: str) -> list[str]:
        n = number[component]
        return names_of(ids, supply_idx[supply_ptr[n] : supply_ptr[n + 1]])

    def holding(items: Iterable[str]) -> set[str]:
        seeds = np.array([number[i] for i in items], dtype=np.int64)
        return set(names_of(ids, np.flatnonzero(reach_up(arrays.used_ptr, arrays.used_idx, seeds))))

    return BomView(entries, suppliers, holding)


class LicencePaths:
    """The licences a product relies on (``relies_on``): those that cover a cause the product
    would have without licences, met on the path the rules take to keep it as it is.

    The path: for each BOM entry, its options in order until one is available; for each option,
    its suppliers in company order until one can supply and build it; below each supplier
    tried, the same for the required entries of what it builds.  A second licensed source the
    product does not need today is not on it.  ``builds`` says whether a supplier can build a
    component under ``real`` (the evaluation with licences).
    """

    def __init__(
        self, real: Evaluation, builds: Callable[[str, str], bool], causes: Callable[[], Iterable[CauseKey]]
    ) -> None:
        """``causes``: every cause some product has without licences (asked once, if a licence is valid)."""
        self.real = real
        self._builds = builds
        self._causes: Callable[[], Iterable[CauseKey]] | None = causes
        #: cause -> the valid licences that cover it, for the causes some licence covers.
        self._licensed: dict[CauseKey, list[str]] = {}
        #: What holds a licensed cause (the items the walks go into).
        self._region: Container[str] = frozenset()
        #: The licensed supplies, each (supplier, component, buyer).
        self._supplies: set[tuple[str, str, str]] = set()
        self._view: BomView | None = None
        #: (supplier, component) -> the licensed supplies met below it (a walk's answer, kept).
        self._below: dict[tuple[str, str], frozenset[tuple[str, str, str]]] = {}

    def relies_on(self, product: str, causes: SomeCauses) -> set[str]:
        """The licences ``product`` relies on; ``causes``: its causes without licences."""
        real = self.real
        if self._causes is not None:
            granted = {restriction for restriction, found in real.licences.items() if found}
            if granted:  # (190 of 100k causes at 1M nodes are of a restriction with a valid licence)
                candidates = (cause for cause in self._causes() if cause.restriction in granted)
                covering = ((cause, real.licences_for(cause)) for cause in candidates)
                self._licensed = {cause: found for cause, found in covering if found}
                if self._licensed:
                    self._view = bom_view(real.chain)
                    self._region = self._view.above({cause.item for cause in self._licensed})
                    self._supplies = {
                        (c.supplier, c.item, c.buyer) for c in self._licensed if c.kind == "supply"
                    }
            self._causes = None
        if product not in self._region:
            return set()
        found: set[str] = set()
        supplies = []
        for cause in causes & self._licensed.keys():
            if cause.kind == "supply":
                supplies.append(cause)
            else:  # a product's own services are each met
                found.update(self._licensed[cause])
        data = real.chain.products[product]
        if supplies and data.lifecycle == "active":
            met = self._walk(data.maker, product, True)
            for cause in supplies:
                if (cause.supplier, cause.item, cause.buyer) in met:
                    found.update(self._licensed[cause])
        return found

    def _walk(self, buyer: str, item: str, every: bool) -> frozenset[tuple[str, str, str]]:
        """The licensed supplies met walking ``buyer`` building ``item`` (``every`` entry, or the
        required ones: a supplier's, kept); only what holds a licensed cause is walked into."""
        key = (buyer, item)
        if not every and key in self._below:
            return self._below[key]
        assert self._view is not None
        met: set[tuple[str, str, str]] = set()
        purpose = self.real.purposes.get(item, ())
        for required, options in self._view.entries(item):
            if every or required:
                for option in options:
                    if self._tried(option, buyer, purpose, met):
                        break
        found = frozenset(met)
        if not every:
            self._below[key] = found
        return found

    def _tried(
        self, option: str, buyer: str, purpose: tuple[str, ...], met: set[tuple[str, str, str]]
    ) -> bool:
        """Whether ``option`` is available to ``buyer``, its suppliers tried in order (adding the
        licensed supplies met to ``met``)."""
        real = self.real
        if not (
            purpose or buyer in real.restricting or option in real._seller_caught or option in real.touched
        ):
            return True  # nothing restricted reaches it (as Evaluation.available)
        inside = option in self._region
        assert self._view is not None
        for s in self._view.suppliers(option):
            if inside:
                if (s, option, buyer) in self._supplies:
                    met.add((s, option, buyer))
                if option in real.touched:
                    met |= self._walk(s, option, False)
            if not real.supply_blocks(s, option, buyer, purpose) and self._builds(s, option):
                return True
        return False


#: Bills of materials deeper than this are evaluated bottom up (see :class:`Evaluation`).
EAGER_DEPTH = 100


#: The evaluation of an end user that loses nothing by itself.
NOTHING_LOST = EndUserEvaluation()


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


def evaluate_without_licences(
    run: Evaluation, products: Mapping[str, ProductEvaluation]
) -> tuple[Evaluation, dict[str, ProductEvaluation]]:
    """``evaluate(chain, as_of, licences=False)`` from ``evaluate(chain, as_of)``'s answer: only
    what goes into an item a licence lifted a cause of is evaluated again.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> run, products = evaluate(chain, dt.date(2019, 6, 1))
    >>> bare, bare_products = evaluate_without_licences(run, products)
    >>> bare is run, bare_products["phone"].status.value  # no licence: the same evaluation
    (True, 'blocked')
    """
    if not any(run.licences.values()):  # no licence valid: the same evaluation
        return run, dict(products)
    changed = {cause.item for cause in run.used_licences}
    bare = Evaluation(run.chain, run.as_of, licences=False, within=run._within, reuse=(run, changed))
    redo = bare.redo or set()
    return bare, {
        pid: bare.product(pid) if pid in redo and pid in bare.touched else found
        for pid, found in products.items()
    }


def evaluate_later(
    run: Evaluation, products: Mapping[str, ProductEvaluation], as_of: dt.date
) -> tuple[Evaluation, dict[str, ProductEvaluation]]:
    """``evaluate(run.chain, as_of)`` from ``evaluate`` on another date (``run``, ``products``):
    only what the differences between the two dates reach is evaluated again (``timeline``
    walks its dates so).

    The differences: the parties restricted on one date only (what they supply, make, pass
    on as intermediaries or, denied, serve), what an FDPR of scope ``incorporated`` wants
    on one date only, and the supplies, deliveries and services ``run`` met whose licences
    differ.  The products' evaluations are ``evaluate``'s; ``used_licences`` may hold more
    causes (met on the other date under parts no longer asked about), so ``relies_on`` is
    worked out from ``evaluate`` itself.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> run, products = evaluate(chain, dt.date(2019, 5, 1))
    >>> _, later = evaluate_later(run, products, dt.date(2019, 6, 1))
    >>> products["phone"].status.value, later["phone"].status.value
    ('ok', 'blocked')
    """
    assert run._base is None and not run.lifted and run._within is None
    chain = run.chain
    later = Evaluation(chain, as_of, licences=run.counts_licences, bottom_up=False)
    changed, moved = _differences(run, later)
    redo = above(chain, changed)
    later._can_build = {k: v for k, v in run._can_build.items() if k[1] not in redo and k[0] not in moved}
    later._avail = {
        k: v
        for k, v in run._avail.items()
        if (k not in redo if isinstance(k, str) else k[0] not in redo and k[1] not in moved)
    }
    later.used_licences.update((k, set(v)) for k, v in run.used_licences.items() if k.item not in redo)
    later.blocked = {k for k in run.blocked if k.item not in redo}
    if chain.depth > EAGER_DEPTH:
        later._bottom_up(redo)
    inside = later.touched
    return later, {
        pid: (later.product(pid) if pid in inside else UNTOUCHED) if pid in redo else found
        for pid, found in products.items()
    }


def _differences(earlier: Evaluation, later: Evaluation) -> tuple[set[str], set[str]]:
    """The items whose supplies, deliveries or services may be caught or licensed differently
    under the two evaluations (of one chain, on two dates), and the parties restricted by some
    restriction under one of them only."""
    chain = earlier.chain
    changed: set[str] = set()
    moved: set[str] = set()
    denied: set[str] = set()
    for r in {*earlier.active, *later.active}:
        parties = earlier.parties.get(r, {}).keys() ^ later.parties.get(r, {}).keys()
        moved |= parties
        if chain.restrictions[r].denial:
            denied |= parties
        changed |= earlier.wanted.get(r, set()) ^ later.wanted.get(r, set())
    for party in moved:
        changed.update(chain.supplies_of.get(party, ()))
        changed.update(chain.makes.get(party, ()))
    changed.update(c for _, c in passed_on(chain, moved))
    if denied:
        changed.update(p for p, lines in chain.services.items() if any(sv.provider in denied for sv in lines))
    flipped = {lic for lics in earlier.licences.values() for lic in lics} ^ {
        lic for lics in later.licences.values() for lic in lics
    }
    if flipped:
        by_restriction: dict[str, list[Licence]] = defaultdict(list)
        for lic in flipped:
            by_restriction[chain.licences[lic].restriction].append(chain.licences[lic])
        for cause in (*earlier.blocked, *earlier.used_licences):
            if any(
                licence_covers(data, cause.supplier, cause.item, cause.buyer, cause.kind)
                for data in by_restriction.get(cause.restriction, ())
            ):
                changed.add(cause.item)
    return changed, moved
