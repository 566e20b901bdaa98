"""The causes as array passes: every product's evaluation, with its causes, at once.

:mod:`~graphlib_trade.analysis.passes` works out the statuses alone.  The causes follow the
same passes: a lost BOM entry's causes are those of every pair under it (a builder asking for
one supply of one of the entry's options), and a pair's causes are the restrictions that
block it (:func:`~graphlib_trade.analysis.passes.blocking`) and, when its supplier cannot
build, the causes that stop the supplier, down the bill of materials.  Each of those sets is
a row of cause numbers; the rows of one BOM generation are worked out at once from the rows
below it (gathered, sorted and made unique by numpy), so only what is lost is carried.

The evaluations are those :meth:`~graphlib_trade.analysis.engine.Evaluation.product` gives
one by one (``tests/analysis/test_causes.py`` compares them on every fixture and on drawn
graphs); only a chain with :class:`~graphlib_trade.analysis.chain.ChainArrays` has them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Container, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from itertools import repeat
from typing import Any, NamedTuple

import numpy as np

from graphlib_trade.analysis.arrays import names_of, ranges, reach_up
from graphlib_trade.analysis.chain import ChainArrays, SupplyChain
from graphlib_trade.analysis.columns import Mask
from graphlib_trade.analysis.engine import (
    NO_CAUSES,
    UNTOUCHED,
    CauseKey,
    Causes,
    Evaluation,
    ProductEvaluation,
    SomeCauses,
    product_status,
)
from graphlib_trade.analysis.passes import (
    Asks,
    Blocking,
    blocking,
    builds_by_name,
    options_available,
    plan_of,
    row_any,
    supply_builds,
)
from graphlib_trade.models.references import Ids

#: Rows of numbers: row ``i`` is ``values[start[i]:start[i] + size[i]]`` (start, size, values).
Rows = tuple[Ids, Ids, Ids]


def distinct_rows(owner: Ids, values: Ids, n: int) -> tuple[Ids, Ids]:
    """The distinct ``values`` of each owner ``0..n-1``, sorted, as compressed rows (row ``i``
    is ``found[ptr[i]:ptr[i + 1]]``).

    >>> ptr, found = distinct_rows(np.array([1, 0, 1, 1]), np.array([5, 2, 3, 5]), 3)
    >>> ptr.tolist(), found.tolist()
    ([0, 1, 3, 3], [2, 3, 5])
    """
    width = int(values.max()) + 1 if values.size else 1
    keys = np.sort(owner * width + values)  # sorted and made unique (np.unique hashes, ~50x slower)
    owners, found = np.divmod(keys[np.r_[True, keys[1:] != keys[:-1]]] if keys.size else keys, width)
    ptr = np.r_[0, np.cumsum(np.bincount(owners, minlength=n))].astype(np.int64)
    return ptr, found.astype(np.int64)


def _rows(ptr: Ids, values: Ids) -> Rows:
    return ptr[:-1], np.diff(ptr), values


class CauseTable(NamedTuple):
    """The supply causes found, by number: each one's restriction (its place among
    ``Evaluation.active``), supply (its position in :class:`ChainArrays`) and buyer (a number),
    sorted by the three in that order."""

    restriction: Ids
    supply: Ids
    buyer: Ids

    def codes(self, run: Evaluation, arrays: ChainArrays) -> Ids | None:
        """Each cause as one number (sorted, as the causes are); None when the numbers would not
        fit in 63 bits."""
        if len(run.active) * len(arrays.supplier) * len(arrays.ids) >= 2**63:
            return None
        return (self.restriction * len(arrays.supplier) + self.supply) * len(arrays.ids) + self.buyer

    def keys(self, run: Evaluation, arrays: ChainArrays, known: KnownKeys | None = None) -> list[CauseKey]:
        """Each cause as a :class:`~graphlib_trade.analysis.engine.CauseKey`, by number; the keys
        of ``known`` (another evaluation's on the same day: the one without licences finds most
        of its causes there) for the causes it has, the same objects."""
        theirs = known.table.codes(run, arrays) if known is not None and known.active == run.active else None
        mine = self.codes(run, arrays) if theirs is not None and theirs.size else None
        if known is not None and theirs is not None and mine is not None:
            at = np.minimum(np.searchsorted(theirs, mine), theirs.size - 1)
            hit = theirs[at] == mine
            found: list[CauseKey] = list(map(known.keys.__getitem__, at.tolist()))
            fresh = np.flatnonzero(~hit)
            picked = CauseTable(self.restriction[fresh], self.supply[fresh], self.buyer[fresh])
            for i, key in zip(fresh.tolist(), picked.keys(run, arrays), strict=True):
                found[i] = key
            return found
        ids, active = arrays.ids, run.active
        fields = zip(
            map(active.__getitem__, self.restriction.tolist()),
            names_of(ids, arrays.supplier[self.supply]),
            names_of(ids, arrays.supplied[self.supply]),
            names_of(ids, self.buyer),
            repeat("supply"),
        )
        made: list[CauseKey] = list(map(tuple.__new__, repeat(CauseKey), fields))  # (no Python per key)
        return made


class KnownKeys(NamedTuple):
    """The causes of one evaluation as :meth:`CauseTable.keys` can take them for another's."""

    active: tuple[str, ...]
    table: CauseTable
    keys: list[CauseKey]


def numbered(found: Sequence[Blocking]) -> tuple[CauseTable, list[Ids]]:
    """The distinct causes of ``found`` (:func:`blocking` answers) numbered, and the number of
    each (pair, restriction) of each answer."""
    restriction, supply, buyer = (np.concatenate([b[i] for b in found]) for i in (1, 2, 3))
    order = np.lexsort((buyer, supply, restriction))
    r, s, u = restriction[order], supply[order], buyer[order]
    new = np.ones(r.size, dtype=bool)
    new[1:] = (r[1:] != r[:-1]) | (s[1:] != s[:-1]) | (u[1:] != u[:-1])
    number = np.empty(r.size, dtype=np.int64)
    number[order] = np.cumsum(new) - 1
    cut = np.cumsum([len(b.pair) for b in found])[:-1]
    return CauseTable(r[new], s[new], u[new]), np.split(number, cut)


def lost_entry_causes(asks: Asks, entries: Ids, pair_causes: Rows, supply_causes: Rows) -> tuple[Ids, Ids]:
    """The causes of each of ``entries`` (positions among ``asks``' entries, each lost): for every
    pair under it, the pair's own causes (``pair_causes``, rows by pair) and those of its supply
    (``supply_causes``, rows by supply: empty when its supplier can build).  Returns (the place
    of the entry in ``entries``, a cause number), with repeats."""
    n_options = asks.option_ptr[entries + 1] - asks.option_ptr[entries]
    options = ranges(asks.option_ptr[entries], n_options)
    n_pairs = asks.pair_ptr[options + 1] - asks.pair_ptr[options]
    pairs = ranges(asks.pair_ptr[options], n_pairs)
    owner = np.repeat(np.repeat(np.arange(entries.size), n_options), n_pairs)
    owners, found = [], []
    for (start, size, values), at in ((pair_causes, pairs), (supply_causes, asks.pair_supply[pairs])):
        sizes = size[at]
        owners.append(np.repeat(owner, sizes))
        found.append(values[ranges(start[at], sizes)])
    return np.concatenate(owners), np.concatenate(found)


def product_evaluations(run: Evaluation) -> dict[str, ProductEvaluation] | None:
    """Every product's evaluation under ``run``, with its causes, as
    :meth:`~graphlib_trade.analysis.engine.Evaluation.product` gives each (None when the
    chain has no :class:`ChainArrays`).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> run = Evaluation(listing_example(), dt.date(2019, 6, 1), bottom_up=False)
    >>> found = product_evaluations(run)["phone"]
    >>> found.status.value, found.lost_required, sorted(found.causes)[0].supplier
    ('blocked', ('chip',), 'us-co')
    """
    if run.chain.arrays is None:
        return None
    return _product_evaluations(run)[0]


def _product_evaluations(
    run: Evaluation, only: Mask | None = None, known: KnownKeys | None = None
) -> tuple[dict[str, ProductEvaluation], Mask, Ids, KnownKeys]:
    """:func:`product_evaluations` (``only``: of these products), whether each supply's supplier
    can build its component, the items of the supplies a valid licence lifts somewhere, and the
    causes' keys (``known``: see :meth:`CauseTable.keys`)."""
    plan, arrays = plan_of(run.chain), run.chain.arrays
    assert plan is not None and arrays is not None
    supply_asks, asks = plan.supply_asks, plan.product_asks
    blocks = [blocking(run, supply_asks, arrays), blocking(run, asks, arrays)]
    table, numbers = numbered(blocks)

    # Rule 4 with causes: the supplies' rows, generation after generation (parts first).
    flows = np.ones(len(supply_asks.pair_supply), dtype=bool)
    flows[blocks[0].pair] = False
    builds = supply_builds(plan, arrays, ~flows)
    pair_causes = _rows(*distinct_rows(blocks[0].pair, numbers[0], len(flows)))
    n_supplies = len(arrays.supplier)
    start, size = np.zeros(n_supplies, dtype=np.int64), np.zeros(n_supplies, dtype=np.int64)
    values = np.zeros(0, dtype=np.int64)
    for g in range(len(plan.bounds) - 1):
        b0, b1 = int(plan.bounds[g]), int(plan.bounds[g + 1])
        e0, e1 = supply_asks.entry_ptr[b0], supply_asks.entry_ptr[b1]
        option_ptr = supply_asks.option_ptr[e0 : e1 + 1] - supply_asks.option_ptr[e0]
        lost = e0 + np.flatnonzero(
            ~row_any(options_available(supply_asks, builds, flows, b0, b1), option_ptr)
        )
        if not lost.size:
            continue
        place, causes = lost_entry_causes(supply_asks, lost, pair_causes, (start, size, values))
        builder = np.searchsorted(supply_asks.entry_ptr, lost, side="right") - 1 - b0
        ptr, found = distinct_rows(builder[place], causes, b1 - b0)
        supplies = plan.supplies[b0:b1]
        start[supplies] = values.size + ptr[:-1]
        size[supplies] = np.diff(ptr)
        values = np.concatenate([values, found])

    # The products' entries, each with its causes.
    product_flows = np.ones(len(asks.pair_supply), dtype=bool)
    product_flows[blocks[1].pair] = False
    options = options_available(asks, builds, product_flows, 0, len(asks.item))
    filled = row_any(options, asks.option_ptr)
    lost = np.flatnonzero(~filled)
    place, causes = lost_entry_causes(
        asks,
        lost,
        _rows(*distinct_rows(blocks[1].pair, numbers[1], len(product_flows))),
        (start, size, values),
    )
    lost_rows = distinct_rows(place, causes, lost.size)
    substituted = np.flatnonzero(filled & ~options[asks.option_ptr[:-1]])
    keys = table.keys(run, arrays, known)
    lifted = np.concatenate(
        [
            arrays.supplied[supply_asks.pair_supply[blocks[0].lifted]],
            arrays.supplied[asks.pair_supply[blocks[1].lifted]],
        ]
    )
    evaluations = _evaluations(run, arrays, keys, asks, lost, lost_rows, substituted, only)
    return evaluations, builds, lifted, KnownKeys(run.active, table, keys)


class CauseRows:
    """The causes of the products of one evaluation by array passes: product ``b``'s (its place
    among the plan's products) are ``keys[n]`` for ``n`` in ``values[bounds[b]:bounds[b + 1]]``,
    cause numbers sorted and unique."""

    __slots__ = ("_listed", "bounds", "keys", "values")

    def __init__(self, keys: list[CauseKey], values: Ids, bounds: Ids) -> None:
        self.keys, self.values, self.bounds = keys, values, bounds
        self._listed: list[int] | None = None

    @property
    def listed(self) -> list[int]:
        """``values`` as a list (made when first asked)."""
        if self._listed is None:
            self._listed = self.values.tolist()
        return self._listed


class CauseRow(AbstractSet[CauseKey]):
    """A product's causes (:attr:`~graphlib_trade.analysis.engine.ProductEvaluation.causes`) as
    its row of :class:`CauseRows`: 1.85M references at 1M nodes, where a frozenset per product
    cost 0.8 s to make and the report sorted each again.  A set of the causes is made only when
    one is looked up; the report reads the rows as numbers (:func:`distinct_causes`).

    >>> key = CauseKey("r", "s", "c", "b", "supply")
    >>> row = CauseRow(CauseRows([key], np.array([0]), np.array([0, 1])), 0)
    >>> len(row), row == {key}, key in row, frozenset({key}) == row
    (1, True, True, True)
    """

    __slots__ = ("_set", "rows", "start", "stop")

    def __init__(self, rows: CauseRows, product: int) -> None:
        """Product ``product``'s row (its place among the plan's products)."""
        self.rows = rows
        self.start, self.stop = int(rows.bounds[product]), int(rows.bounds[product + 1])
        self._set: frozenset[CauseKey] | None = None

    def __iter__(self) -> Iterator[CauseKey]:
        return map(self.rows.keys.__getitem__, self.rows.listed[self.start : self.stop])

    def __len__(self) -> int:
        return self.stop - self.start

    def __contains__(self, key: object) -> bool:
        return key in self.frozen()

    def frozen(self) -> frozenset[CauseKey]:
        """The causes as a frozenset (made once)."""
        if self._set is None:
            self._set = frozenset(self)
        return self._set

    def __hash__(self) -> int:
        return hash(self.frozen())

    @classmethod
    def _from_iterable(cls, it: Iterable[Any]) -> AbstractSet[Any]:
        """What ``&``, ``|`` and ``-`` give: a frozenset."""
        return frozenset(it)

    def __reduce__(self) -> tuple[Any, ...]:
        return frozenset, (list(self),)


def distinct_causes(sets: Iterable[AbstractSet[CauseKey]]) -> set[CauseKey]:
    """Every cause of ``sets`` once: the :class:`CauseRow` of one evaluation gathered as numbers
    (each cause hashed once, not once per product that has it), any other set as it is.

    >>> keys = [CauseKey("r", "s", c, "b", "supply") for c in "xy"]
    >>> rows = CauseRows(keys, np.array([0, 1, 1]), np.array([0, 2, 3]))
    >>> sorted(c.item for c in distinct_causes([CauseRow(rows, 0), CauseRow(rows, 1), frozenset()]))
    ['x', 'y']
    """
    found: set[CauseKey] = set()
    tables: dict[int, tuple[CauseRows, list[int], list[int]]] = {}
    for causes in sets:
        if type(causes) is CauseRow:
            mine = tables.get(id(causes.rows))
            if mine is None:
                mine = tables[id(causes.rows)] = (causes.rows, [], [])
            mine[1].append(causes.start)
            mine[2].append(causes.stop - causes.start)
        elif causes:
            found.update(causes)
    for rows, starts, sizes in tables.values():
        used = np.zeros(len(rows.keys), dtype=bool)
        used[rows.values[ranges(np.array(starts, dtype=np.int64), np.array(sizes, dtype=np.int64))]] = True
        found.update(map(rows.keys.__getitem__, np.flatnonzero(used).tolist()))
    return found


def renumbered(rows: CauseRows, place: Mapping[CauseKey, int]) -> list[int]:
    """``rows``' values as the places of their causes in ``place`` (each cause's place in a sorted
    list of them), each row in that order again (-1 for a cause ``place`` lacks).

    >>> keys = [CauseKey("r", "s", c, "b", "supply") for c in "yx"]
    >>> renumbered(CauseRows(keys, np.array([0, 1]), np.array([0, 2])), {keys[1]: 0, keys[0]: 1})
    [0, 1]
    """
    index = np.array([place.get(key, -1) for key in rows.keys], dtype=np.int64) + 1
    width = len(place) + 1
    owner = np.repeat(np.arange(len(rows.bounds) - 1, dtype=np.int64), np.diff(rows.bounds))
    composite = owner * width + index[rows.values]
    composite.sort()  # each row's places in order, rows where they were
    found: list[int] = (composite % width - 1).tolist()
    return found


class EntryCauses(Mapping[str, Causes]):
    """A product's lost entries (by their own component) and the causes of each
    (``ProductEvaluation.per_entry``), each set made when first asked for."""

    __slots__ = ("_bounds", "_first", "_keys", "_names", "_values")

    def __init__(
        self, names: list[str], first: int, rows: tuple[list[int], list[int]], keys: list[CauseKey]
    ) -> None:
        """Entry ``names[i]``'s causes are ``keys[c]`` for ``c`` in row ``first + i`` of ``rows``
        (cause numbers, row bounds)."""
        self._names, self._first, self._keys = names, first, keys
        self._values, self._bounds = rows

    def __getitem__(self, name: str) -> Causes:
        j = self._first + self._names.index(name)
        return frozenset(map(self._keys.__getitem__, self._values[self._bounds[j] : self._bounds[j + 1]]))

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def _evaluations(
    run: Evaluation,
    arrays: ChainArrays,
    keys: list[CauseKey],
    asks: Asks,
    lost: Ids,
    lost_rows: tuple[Ids, Ids],
    substituted: Ids,
    only: Mask | None = None,
) -> dict[str, ProductEvaluation]:
    """The products' evaluations from their lost entries (``lost``, positions among ``asks``'
    entries, with their causes as rows), the entries an alternative fills, and the services
    (``only``: of the products this mask of numbers holds, the others left out)."""
    chain, ids = run.chain, arrays.ids
    builder = np.repeat(np.arange(len(asks.item)), np.diff(asks.entry_ptr))
    primary = arrays.option_idx[arrays.option_ptr[asks.entry]]  # each entry's own component
    ptr, values = lost_rows
    # Each product's causes: the rows of its lost entries, made unique.
    owner = builder[lost]
    product_ptr, product_values = distinct_rows(np.repeat(owner, np.diff(ptr)), values, len(asks.item))
    rows = values.tolist(), ptr.tolist()
    product_rows = CauseRows(keys, product_values, product_ptr)
    at = np.arange(lost.size)  # the lost entries looked at (their rows)
    wanted: Container[str] | None = None
    if only is not None:
        at = at[only[asks.item[owner]]]
        substituted = substituted[only[asks.item[builder[substituted]]]]
        wanted = set(names_of(ids, np.flatnonzero(only)))
    # product (its place among plan.products) -> (lost required, lost optional, first lost, substituted)
    parts: dict[int, tuple[list[str], list[str], list[str], int, list[str]]] = {}
    for j, b, e, required in zip(
        at.tolist(),
        owner[at].tolist(),
        primary[lost[at]].tolist(),
        asks.required[lost[at]].tolist(),
        strict=True,
    ):
        mine = parts.get(b)
        if mine is None:
            mine = parts[b] = ([], [], [], j, [])
        name = ids[e]
        (mine[0] if required else mine[1]).append(name)
        mine[2].append(name)
    for b, e in zip(builder[substituted].tolist(), primary[substituted].tolist(), strict=True):
        parts.setdefault(b, ([], [], [], 0, []))[4].append(ids[e])

    plan = plan_of(chain)
    assert plan is not None
    place = {p: i for i, p in enumerate(plan.products)}
    evaluations: dict[str, ProductEvaluation] = {}
    none: tuple[list[str], list[str], list[str], int, list[str]] = ([], [], [], 0, [])
    for p in chain.products:
        if wanted is not None and p not in wanted:
            continue
        b = place.get(p, -1)
        lost_req, lost_opt, names, first, subs = parts.get(b, none)
        causes: SomeCauses = CauseRow(product_rows, b) if names else NO_CAUSES
        blocked_services, per_service = run.services(p) if p in chain.services else ([], {})
        if per_service:
            causes = frozenset(causes).union(*per_service.values())
        if not (names or subs or blocked_services):
            evaluations[p] = UNTOUCHED
            continue
        evaluations[p] = ProductEvaluation(
            product_status(bool(lost_req), bool(blocked_services), bool(lost_opt)),
            lost_required=tuple(sorted(lost_req)),
            lost_optional=tuple(sorted(lost_opt)),
            substituted=tuple(sorted(subs)),
            blocked_services=tuple(sorted(blocked_services)),
            causes=causes,
            per_entry=EntryCauses(names, first, rows, keys) if names else {},
            per_service=per_service,
        )
    return evaluations


#: The evaluations with and without licences, each with every product's, and whether a
#: supplier can build a component under the first.
Runs = tuple[
    Evaluation,
    dict[str, ProductEvaluation],
    Evaluation,
    dict[str, ProductEvaluation],
    Callable[[str, str], bool],
]


def array_evaluations(chain: SupplyChain, as_of: dt.date, *, licences: bool = True) -> Runs | None:
    """The evaluation on ``as_of`` (with the valid licences, unless ``licences`` is false) and the
    one without licences, each with every product's evaluation by :func:`product_evaluations`,
    and whether a supplier can build a component under the first (None when the chain has no
    :class:`ChainArrays`)."""
    arrays = chain.arrays
    if arrays is None:
        return None
    real = Evaluation(chain, as_of, licences=licences, bottom_up=False)
    products, builds, lifted, known = _product_evaluations(real)
    can_build = builds_by_name(arrays, builds)
    if not any(real.licences.values()):
        return real, products, real, dict(products), can_build
    # Without licences, only what holds a supply, service or delivery a licence lifts changes.
    items = [arrays.numbers[cause.item] for cause in real.used_licences]  # services and deliveries
    region = reach_up(arrays.used_ptr, arrays.used_idx, np.r_[lifted, items].astype(np.int64))
    bare = Evaluation(chain, as_of, licences=False, bottom_up=False)
    bare_products = dict(products)
    bare_products.update(_product_evaluations(bare, only=region, known=known)[0])
    return real, products, bare, bare_products, can_build
