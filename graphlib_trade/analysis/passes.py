"""The rules as array passes: every product's and end user's status at once, without causes.

``impact`` reports each status with the causes behind it and works them out rule by rule
(:class:`~graphlib_trade.analysis.engine.Evaluation`).  A question about the statuses alone
(a what-if's before and after) needs only whether each supply is blocked and whether each
supplier can build, and those hold for every supply and every buyer at once:

- rules 2 and 3 for each *pair* (a builder asking for one supply of one option of one of its
  BOM entries) are one array expression per restriction in force (:func:`blocked_pairs`);
- rule 4 is one pass per generation of the bill of materials over every supply
  (:func:`supply_builds`), and the products' entries one pass after them
  (:func:`product_statuses`).

The answers are those of the rules one by one (``tests/analysis/test_passes.py`` compares
them on every fixture and on drawn graphs); only a chain with :class:`ChainArrays` has them.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from typing import NamedTuple

import numpy as np

from graphlib_trade.analysis.arrays import csr, ranges
from graphlib_trade.analysis.chain import ChainArrays, SupplyChain
from graphlib_trade.analysis.columns import COLUMNS, ItemColumns, Mask, Shared, columns_of
from graphlib_trade.analysis.engine import (
    DAYS_KEPT,
    Evaluation,
    at_risk,
    covers_kind,
    end_user_status,
    product_status,
    us_fractions_of,
)
from graphlib_trade.models import Status
from graphlib_trade.models.references import Ids, stable_order


class Asks(NamedTuple):
    """What builders ask for: each builder (a supply's supplier building its component, or an
    active product's maker building it) asks, for each BOM entry of what it builds, for each
    option of the entry, every supply of that option (a *pair*).  Row after row: builder ``b``'s
    entries are ``entry_ptr[b]:entry_ptr[b + 1]``, entry ``e``'s options ``option_ptr[e]:...``,
    option ``o``'s pairs ``pair_ptr[o]:...``."""

    #: Each builder: the buyer of its parts (a company's number) and what it builds.
    buyer: Ids
    item: Ids
    entry_ptr: Ids
    #: Each entry asked for: its number in :class:`ChainArrays`, and whether it is required.
    entry: Ids
    required: Mask
    option_ptr: Ids
    pair_ptr: Ids
    #: Each pair: the supply asked for.
    pair_supply: Ids

    def first_pairs(self) -> Ids:
        """Where each builder's pairs start, and last where they end: builder ``b``'s pairs are
        ``first[b]:first[b + 1]``."""
        first: Ids = self.pair_ptr[self.option_ptr[self.entry_ptr]]
        return first

    def builders(self, pairs: Ids) -> Ids:
        """The builder of each pair of ``pairs`` (positions): its place among the builders (its
        buyer is ``buyer`` there, and the item it goes into ``item``)."""
        # The last builder starting at or before the pair (one without pairs starts where the next does).
        found: Ids = np.searchsorted(self.first_pairs(), pairs, side="right") - 1
        return found


class Plan(NamedTuple):
    """The asks of a chain's supplies (builders in BOM generations: ``supplies[bounds[g]:
    bounds[g + 1]]`` build generation ``g``) and of its active products (kept with the chain)."""

    supplies: Ids
    bounds: Ids
    supply_asks: Asks
    products: list[str]
    product_asks: Asks
    #: The products each end user uses (numbers), end user after end user, as compressed rows.
    uses: tuple[Ids, Ids]


def _asks(
    buyers: Ids,
    items: Ids,
    entries: tuple[Ids, Ids, Mask],
    options: tuple[Ids, Ids],
    sources: tuple[Ids, Ids],
) -> Asks:
    """The asks of builders (``buyers[i]`` building ``items[i]``): ``entries`` is (row pointer by
    item, entry numbers, required by entry number), ``options`` and ``sources`` (the supplies
    of each item) rows by entry and by item."""
    entry_ptr, entry_idx, required = entries
    option_ptr, option_idx = options
    source_ptr, source_idx = sources
    n_entries = entry_ptr[items + 1] - entry_ptr[items]
    asked = entry_idx[ranges(entry_ptr[items], n_entries)]
    n_options = option_ptr[asked + 1] - option_ptr[asked]
    option = option_idx[ranges(option_ptr[asked], n_options)]
    n_pairs = source_ptr[option + 1] - source_ptr[option]
    return Asks(
        buyer=buyers,
        item=items,
        entry_ptr=_pointers(n_entries),
        entry=asked,
        required=required[asked],
        option_ptr=_pointers(n_options),
        pair_ptr=_pointers(n_pairs),
        pair_supply=source_idx[ranges(source_ptr[option], n_pairs)],
    )


def _pointers(sizes: Ids) -> Ids:
    pointers: Ids = np.r_[0, np.cumsum(sizes)].astype(np.int64)
    return pointers


def row_any(values: Mask, ptr: Ids) -> Mask:
    """Per row of ``ptr`` (over ``values``): whether any value is true (an empty row: false)."""
    counts = np.r_[0, np.cumsum(values)]
    return counts[ptr[1:]] > counts[ptr[:-1]]  # type: ignore[no-any-return]


def row_all(values: Mask, ptr: Ids) -> Mask:
    """Per row of ``ptr``: whether every value is true (an empty row: true)."""
    counts = np.r_[0, np.cumsum(values)]
    return counts[ptr[1:]] - counts[ptr[:-1]] == np.diff(ptr)  # type: ignore[no-any-return]


def plan_of(chain: SupplyChain) -> Plan | None:
    """The chain's :class:`Plan` (kept; None without :class:`ChainArrays`)."""
    arrays = chain.arrays
    if arrays is None:
        return None
    shared: Shared[Plan] = chain.kept(PLAN, _shared_plan)
    return shared.value


def _shared_plan(chain: SupplyChain) -> Shared[Plan]:
    arrays = chain.arrays
    assert arrays is not None
    return Shared(lambda: _plan(chain, arrays))


#: What a chain keeps its :class:`Plan` under (a what-if that keeps the arrays keeps it too).
PLAN = "pass plan"


def _plan(chain: SupplyChain, arrays: ChainArrays) -> Plan:
    size, n_supplies = arrays.size, len(arrays.supplier)
    sources = csr(size, arrays.supplied, np.arange(n_supplies))
    supplies, bounds = arrays.by_generation(arrays.supplied)  # by the generation of their component
    options = (arrays.option_ptr, arrays.option_idx)
    required = np.flatnonzero(arrays.entry_required)
    supply_asks = _asks(
        arrays.supplier[supplies],
        arrays.supplied[supplies],
        (*csr(size, arrays.entry_parent[required], required), arrays.entry_required),
        options,
        sources,
    )
    # The active products, each built by its maker: every entry counts (a lost optional one too).
    number = arrays.numbers
    products = [p for p, data in chain.products.items() if data.lifecycle == "active"]
    makers = np.array([number[chain.products[p].maker] for p in products], dtype=np.int64)
    entries = csr(size, arrays.entry_parent, np.arange(len(arrays.entry_parent)))
    product_asks = _asks(
        makers,
        np.array([number[p] for p in products], dtype=np.int64),
        (*entries, arrays.entry_required),
        options,
        sources,
    )
    rows = [[number[p] for p in chain.uses.get(u, ())] for u in chain.end_users]
    uses = (
        _pointers(np.array([len(r) for r in rows], dtype=np.int64)),
        np.array([n for r in rows for n in r], dtype=np.int64),
    )
    return Plan(supplies, bounds, supply_asks, products, product_asks, uses)


def item_columns(chain: SupplyChain, arrays: ChainArrays) -> ItemColumns:
    """The chain's :class:`ItemColumns` (kept)."""
    shared: Shared[ItemColumns] = chain.kept(COLUMNS, _shared_columns)
    return shared.value


def _shared_columns(chain: SupplyChain) -> Shared[ItemColumns]:
    return Shared(lambda: columns_of(chain, us_fractions_of(chain)))


def share_with_copies(chain: SupplyChain) -> tuple[str, ...]:
    """What a copy of ``chain`` that changes none of :attr:`ChainArrays.TABLES` keeps of the array
    passes (to be worked out once, by whichever asks first)."""
    arrays = chain.arrays
    if arrays is None:
        return ()
    chain.kept(PLAN, _shared_plan)
    chain.kept(COLUMNS, _shared_columns)
    return PLAN, COLUMNS


class RuleMasks(NamedTuple):
    """Rule 1 on one date and what it sets, as masks over the numbers of :class:`ChainArrays`
    (kept with the chain by date: the evaluations with and without licences share them)."""

    #: Restricted parties (companies) of any restriction, and of each.
    restricted: Mask
    parties: dict[str, Mask]
    #: restriction -> the supplies (by position) it catches whoever buys.
    seller: dict[str, Mask]
    #: restriction -> the items whose parts its FDPR catches (what goes into what a party buys).
    purpose: dict[str, Mask]
    #: The :func:`caught_pairs` of each plan's asks (by identity), when worked out.
    caught: dict[int, Caught]


def rule_masks(run: Evaluation, arrays: ChainArrays) -> RuleMasks:
    """``run``'s :class:`RuleMasks` (kept by date)."""
    return run.chain.kept_recent("rule masks", run.as_of, lambda: _rule_masks(run, arrays), DAYS_KEPT)


def _rule_masks(run: Evaluation, arrays: ChainArrays) -> RuleMasks:
    number = arrays.numbers
    return RuleMasks(
        restricted=arrays.mask(run.restricting),
        parties={r: arrays.mask(found) for r, found in run.parties.items()},
        seller=_by_restriction(_seller_side(run, arrays), len(arrays.supplier)),
        purpose=_by_restriction({number[item]: rs for item, rs in run.purposes.items()}, arrays.size),
        caught={},
    )


def blocked_pairs(run: Evaluation, asks: Asks, arrays: ChainArrays) -> Mask:
    """Rules 2 and 3 for every pair of ``asks`` under ``run`` (its date, parties and licences):
    whether the supply is blocked for that buyer, building it into that parent.

    A pair can be caught only when its buyer is a restricted party, its supply is caught whoever
    buys (a denied seller, a restricted intermediary) or an FDPR wants its parent; for those,
    each restriction in force is one array expression of :meth:`ItemColumns.subject`, its
    parties, seller-side supplies and purposes (:func:`caught_pairs`), less what its valid
    licences cover.
    """
    blocked = np.zeros(len(asks.pair_supply), dtype=bool)
    blocked[blocking(run, asks, arrays).pair] = True
    return blocked


class Blocking(NamedTuple):
    """Each (pair, restriction) where the restriction blocks the pair: the pair's position among
    the pairs, the restriction's among ``Evaluation.active``, and the pair's supply and buyer."""

    pair: Ids
    restriction: Ids
    supply: Ids
    buyer: Ids
    #: The pairs some restriction catches that a valid licence lifts (positions).
    lifted: Ids


def blocking(run: Evaluation, asks: Asks, arrays: ChainArrays) -> Blocking:
    """Rules 2 and 3 for every pair of ``asks``, restriction by restriction: what
    :func:`blocked_pairs` says, with the restrictions that block each pair (its causes)."""
    assert not run.lifted, "lifted causes are tried rule by rule (explain)"
    caught = caught_pairs(run, asks, arrays)
    found: list[Ids] = []
    place = {r: i for i, r in enumerate(run.active)}
    restriction: list[Ids] = []
    lifted = np.zeros(caught.at.size, dtype=bool)
    for r, caught_here in caught.by_restriction:
        licensed = _licensed(run, r, arrays, caught.buyer, caught.supply, caught.option)
        hit = np.flatnonzero(caught_here & ~licensed)
        lifted |= caught_here & licensed
        found.append(hit)
        restriction.append(np.full(hit.size, place[r], dtype=np.int64))
    hits = np.concatenate(found) if found else np.zeros(0, dtype=np.int64)
    return Blocking(
        caught.at[hits],
        np.concatenate(restriction) if restriction else hits,
        caught.supply[hits],
        caught.buyer[hits],
        caught.at[lifted],
    )


class Caught(NamedTuple):
    """The pairs some restriction in force can catch (by position among the pairs), each with its
    supply, buyer and option, and the restrictions that catch some, each with which of them."""

    at: Ids
    supply: Ids
    buyer: Ids
    option: Ids
    by_restriction: list[tuple[str, Mask]]


def caught_pairs(run: Evaluation, asks: Asks, arrays: ChainArrays) -> Caught:
    """The pairs of ``asks`` a restriction in force on ``run``'s date catches, whatever the
    licences say (kept by date, for the evaluations with and without licences)."""
    masks = rule_masks(run, arrays)
    key = id(asks)  # the plan's, kept with the chain as long as the masks
    if key not in masks.caught:
        masks.caught[key] = _caught(run, asks, arrays, masks)
    return masks.caught[key]


def _caught(run: Evaluation, asks: Asks, arrays: ChainArrays, masks: RuleMasks) -> Caught:
    # The pairs that can be caught: those of a builder buying for a restricted party or building
    # what an FDPR wants the parts of (found builder by builder: few are), and those whose
    # supply is caught whoever buys.
    special = masks.restricted[asks.buyer]
    if masks.purpose:
        special |= np.logical_or.reduce(list(masks.purpose.values()))[asks.item]
    first, chosen = asks.first_pairs(), np.flatnonzero(special)
    pairs = np.zeros(len(asks.pair_supply), dtype=bool)
    pairs[ranges(first[chosen], first[chosen + 1] - first[chosen])] = True
    if masks.seller:
        pairs |= np.logical_or.reduce(list(masks.seller.values()))[asks.pair_supply]
    at = np.flatnonzero(pairs)
    builder = asks.builders(at)
    supply, buyer, parent = asks.pair_supply[at], asks.buyer[builder], asks.item[builder]
    option = arrays.supplied[supply]
    found: list[tuple[str, Mask]] = []
    if not at.size:
        return Caught(at, supply, buyer, option, found)
    columns = item_columns(run.chain, arrays)
    for r in run.active:
        grounds = columns.subject(run.chain.restrictions[r])
        party = masks.parties[r][buyer]
        if r in masks.seller:
            party |= masks.seller[r][supply]
        caught_here = party & (grounds.by_origin[option] | grounds.by_fdpr[option])
        if r in masks.purpose:
            caught_here |= masks.purpose[r][parent] & grounds.by_fdpr[option]
        if caught_here.any():
            found.append((r, caught_here))
    return Caught(at, supply, buyer, option, found)


def _by_restriction(table: Mapping[int, Iterable[str]], size: int) -> dict[str, Mask]:
    """number -> restrictions, as restriction -> the mask of its numbers."""
    numbers: dict[str, list[int]] = defaultdict(list)
    for n, rs in table.items():
        for r in rs:
            numbers[r].append(n)
    masks: dict[str, Mask] = {}
    for r, ns in numbers.items():
        masks[r] = np.zeros(size, dtype=bool)
        masks[r][ns] = True
    return masks


def _seller_side(run: Evaluation, arrays: ChainArrays) -> dict[int, list[str]]:
    """Supply position -> the restrictions that catch it whoever buys."""
    if not any(run.seller_side.values()):
        return {}
    number, size = arrays.numbers, arrays.size
    wanted = {number[s] * size + number[c]: rs for (s, c), rs in run.seller_side.items() if rs}
    asked = np.sort(np.fromiter(wanted, dtype=np.int64))
    # Only the supplies of a supplier asked about can be one (np.isin over every supply sorts them all).
    of_asked = np.zeros(size, dtype=bool)
    of_asked[asked // size] = True
    at = np.flatnonzero(of_asked[arrays.supplier])
    keys = arrays.supplier[at] * size + arrays.supplied[at]
    hit = asked[np.minimum(np.searchsorted(asked, keys), asked.size - 1)] == keys
    return {k: wanted[key] for k, key in zip(at[hit].tolist(), keys[hit].tolist(), strict=True)}


def _licensed(run: Evaluation, r: str, arrays: ChainArrays, buyer: Ids, supply: Ids, option: Ids) -> Mask:
    """Which pairs a licence of ``r`` valid under ``run`` covers (rule 3, as
    :func:`~graphlib_trade.analysis.engine.licence_covers` says for each)."""
    covered = np.zeros(len(buyer), dtype=bool)
    table = run.chain.licences
    for lic in run.licences.get(r, ()):
        data = table[lic]
        if not covers_kind(data, "supply"):
            continue
        ok = np.ones(len(buyer), dtype=bool)
        for allowed, numbers in (
            (data.recipients, buyer),
            (data.suppliers, arrays.supplier[supply]),
            (data.components, option),
        ):
            if allowed:
                ok &= arrays.mask(allowed)[numbers]
        covered |= ok
    return covered


def supply_builds(plan: Plan, arrays: ChainArrays, blocked: Mask) -> Mask:
    """Rule 4 for every supply (by position in ``arrays``): whether its supplier can build its
    component, one pass per generation, parts first (``blocked``: :func:`blocked_pairs` of
    ``plan.supply_asks``)."""
    asks = plan.supply_asks
    builds = np.zeros(len(arrays.supplier), dtype=bool)
    flows = ~blocked
    for g in range(len(plan.bounds) - 1):
        b0, b1 = plan.bounds[g], plan.bounds[g + 1]
        filled = _filled(asks, builds, flows, b0, b1)  # the supplies ask for required entries only
        builds[plan.supplies[b0:b1]] = row_all(filled, asks.entry_ptr[b0 : b1 + 1] - asks.entry_ptr[b0])
    return builds


def _filled(asks: Asks, builds: Mask, flows: Mask, b0: int, b1: int) -> Mask:
    """Whether each entry the builders ``b0:b1`` ask for is filled: some option is available."""
    e0, e1 = asks.entry_ptr[b0], asks.entry_ptr[b1]
    o0 = asks.option_ptr[e0]
    return row_any(options_available(asks, builds, flows, b0, b1), asks.option_ptr[e0 : e1 + 1] - o0)


def options_available(asks: Asks, builds: Mask, flows: Mask, b0: int, b1: int) -> Mask:
    """Whether each option of the entries the builders ``b0:b1`` ask for is available: it has a
    supply that flows (``flows``, by pair) and whose supplier can build it (``builds``)."""
    e0, e1 = asks.entry_ptr[b0], asks.entry_ptr[b1]
    o0, o1 = asks.option_ptr[e0], asks.option_ptr[e1]
    p0, p1 = asks.pair_ptr[o0], asks.pair_ptr[o1]
    ok = builds[asks.pair_supply[p0:p1]] & flows[p0:p1]
    return row_any(ok, asks.pair_ptr[o0 : o1 + 1] - p0)


def builds_by_name(arrays: ChainArrays, builds: Mask) -> Callable[[str, str], bool]:
    """``builds`` (by supply, as :func:`supply_builds` gives it) asked by supplier and component.

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> arrays = listing_example().arrays
    >>> builds_by_name(arrays, np.array([False]))("us-co", "chip")
    False
    """
    keys = arrays.supplier * arrays.size + arrays.supplied
    order = stable_order(keys)
    ordered = keys[order]
    number, size = arrays.numbers, arrays.size

    def can_build(supplier: str, component: str) -> bool:
        return bool(builds[order[np.searchsorted(ordered, number[supplier] * size + number[component])]])

    return can_build


def run_builds(run: Evaluation) -> Mask | None:
    """:func:`supply_builds` under ``run``, kept with the chain by date, with or without licences
    (``rank`` asks for it twice: its statuses, and who can build); None when the chain has no
    :class:`ChainArrays`."""
    plan, arrays = plan_of(run.chain), run.chain.arrays
    if plan is None or arrays is None:
        return None
    return run.chain.kept_recent(
        "supply builds",
        (run.as_of, run.counts_licences),
        lambda: supply_builds(plan, arrays, blocked_pairs(run, plan.supply_asks, arrays)),
        DAYS_KEPT,
    )


def who_builds(run: Evaluation) -> Callable[[str, str], bool] | None:
    """Rule 4 under ``run`` by supplier and component: whether the supplier can build the
    component (None when the chain has no :class:`ChainArrays`)."""
    builds, arrays = run_builds(run), run.chain.arrays
    return None if builds is None or arrays is None else builds_by_name(arrays, builds)


def product_statuses(run: Evaluation) -> dict[str, Status] | None:
    """Rule 5 for every product under ``run``, as :meth:`Evaluation.product` gives each status
    (None when the chain has no :class:`ChainArrays`)."""
    ranks = status_ranks(run)
    return None if ranks is None else statuses_of(run.chain, ranks)


def status_ranks(run: Evaluation) -> Ids | None:
    """:func:`product_statuses` as each product's :attr:`Status.rank`, product after product (in
    the order of the chain's products, which :class:`ChainArrays` numbers in turn from
    ``products``); None when the chain has no :class:`ChainArrays`."""
    chain, plan, arrays, builds = run.chain, plan_of(run.chain), run.chain.arrays, run_builds(run)
    if plan is None or arrays is None or builds is None:
        return None
    asks = plan.product_asks
    lost = ~_filled(asks, builds, ~blocked_pairs(run, asks, arrays), 0, len(asks.item))
    n = arrays.size - arrays.products
    required, optional = np.zeros(n, dtype=bool), np.zeros(n, dtype=bool)
    place = asks.item - arrays.products  # the active products' (the others have no entries)
    required[place] = row_any(lost & asks.required, asks.entry_ptr)
    optional[place] = row_any(lost & ~asks.required, asks.entry_ptr)
    exposed = np.zeros(n, dtype=bool)
    number = arrays.numbers
    for p in chain.services:
        at = number[p] - arrays.products
        exposed[at] = not required[at] and bool(run.services(p)[0])
    ranks: Ids = _RULE_5[4 * required + 2 * exposed + optional]
    return ranks


#: Each status by its rank.
_BY_RANK = sorted(Status, key=lambda s: s.rank)
#: :func:`product_status` of (lost required, exposed, lost optional) as a rank, by 4a + 2b + c.
_RULE_5 = np.array([product_status(*map(bool, (c & 4, c & 2, c & 1))).rank for c in range(8)], dtype=np.int64)
#: :func:`at_risk` as a rank, by the ranks with licences and without.
_AT_RISK = np.array([[at_risk(s, w).rank for w in _BY_RANK] for s in _BY_RANK], dtype=np.int64)


def statuses_of(chain: SupplyChain, ranks: Ids) -> dict[str, Status]:
    """product -> its status, from :func:`status_ranks`."""
    return dict(zip(chain.products, map(_BY_RANK.__getitem__, ranks.tolist()), strict=True))


def array_statuses(
    chain: SupplyChain, as_of: dt.date, *, ignore_licences: bool = False
) -> tuple[dict[str, Status], dict[str, Status]] | None:
    """Every product's and end user's status on ``as_of``, as :func:`~graphlib_trade.analysis.impact.
    statuses` gives them, worked out by array passes (None when the chain has no
    :class:`ChainArrays`).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> products, users = array_statuses(listing_example(), dt.date(2019, 6, 1))
    >>> products["phone"].value
    'blocked'
    """
    arrays = chain.arrays
    if arrays is None:
        return None
    real = Evaluation(chain, as_of, licences=not ignore_licences, bottom_up=False)
    ranks = status_ranks(real)
    assert ranks is not None
    bare = real
    if any(real.licences.values()):
        bare = Evaluation(chain, as_of, licences=False, bottom_up=False)
        without = status_ranks(bare)
        assert without is not None
        ranks = _AT_RISK[ranks, without]
    found = statuses_of(chain, ranks)
    # An end user that loses nothing by itself has the worst status of the products it uses.
    users = dict(zip(chain.end_users, worst_used(chain, arrays, ranks), strict=True))
    for u in users:
        if real.may_lose(u):
            users[u] = end_user_status(chain, u, found, real, bare)[0]
    return found, users


def worst_used(chain: SupplyChain, arrays: ChainArrays, ranks: Ids) -> list[Status]:
    """The worst status of the products each end user uses, end user after end user (``ok`` for
    none), as one array pass over the uses; ``ranks``: each product's, as :func:`status_ranks`
    gives them.

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> worst_used(chain, chain.arrays, np.array([Status.EXPOSED.rank]))
    [<Status.EXPOSED: 'exposed'>]
    """
    plan = plan_of(chain)
    assert plan is not None
    ptr, used = plan.uses
    values = ranks[used - arrays.products]
    found = np.zeros(len(ptr) - 1, dtype=np.int64)
    rows = np.flatnonzero(np.diff(ptr))
    if rows.size:
        found[rows] = np.maximum.reduceat(values, ptr[rows])
    return list(map(_BY_RANK.__getitem__, found.tolist()))
