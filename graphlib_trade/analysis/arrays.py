"""Array passes over integer ids: the pieces of the columnar form the chain's build uses.

A supply chain's references are strings, and at a million nodes every lookup of one in a
dictionary misses the processor's caches (0.4 µs or more).  The build resolves each
reference to an integer once, then groups, orders and layers with numpy, and turns the
ids back into the entries' own id strings only for the tables it hands out.

Each function takes and returns plain arrays, as networkx's algorithms take a graph and
return plain data: :func:`grouped` is a stable group-by that keeps the order in which keys
were first seen (what appending to a dict of lists gives), :func:`csr` is adjacency in
compressed rows, :func:`kahn_layers` is Kahn's algorithm by layers over those rows.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

from graphlib_trade.models.references import Ids, stable_order


def grouped(keys: Ids) -> tuple[Ids, Ids, Ids]:
    """The rows of ``keys`` grouped by key: what appending row ``i`` to a list under
    ``keys[i]`` in a dict gives, for every ``i`` in turn.

    Returns
    -------
    rows : array
        Row numbers, group after group; in a group in their own order.
    groups : array
        The key of each group, in the order the keys were first seen.
    bounds : array
        Group ``g`` is ``rows[bounds[g]:bounds[g + 1]]``.

    Examples
    --------
    >>> rows, groups, bounds = grouped(np.array([7, 3, 7, 5, 3]))
    >>> rows.tolist(), groups.tolist(), bounds.tolist()
    ([0, 2, 1, 4, 3], [7, 3, 5], [0, 2, 4, 5])
    """
    keys = np.asarray(keys, dtype=np.int64)
    if not keys.size:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, np.zeros(1, dtype=np.int64)
    by_key = stable_order(keys)
    ordered = keys[by_key]
    starts = np.flatnonzero(np.r_[True, ordered[1:] != ordered[:-1]])
    sizes = np.diff(np.r_[starts, keys.size])
    first_seen = np.argsort(by_key[starts])  # a stable sort puts a key's first row first
    sizes = sizes[first_seen]
    bounds = np.r_[0, np.cumsum(sizes)]
    rows = by_key[ranges(starts[first_seen], sizes)]
    return rows, ordered[starts[first_seen]], bounds


def ranges(starts: Ids, sizes: Ids) -> Ids:
    """``starts[g], starts[g] + 1, ..., starts[g] + sizes[g] - 1`` for every ``g``, concatenated."""
    total = int(sizes.sum())
    ends = np.cumsum(sizes)
    return np.arange(total, dtype=np.int64) + np.repeat(starts - ends + sizes, sizes)


def csr(n: int, tails: Ids, heads: Ids) -> tuple[Ids, Ids]:
    """Edges ``tails[i] -> heads[i]`` over nodes ``0..n-1`` as compressed rows: node ``u``'s
    heads are ``indices[indptr[u]:indptr[u + 1]]``, in the order of the edges.

    >>> indptr, indices = csr(3, np.array([2, 0, 2]), np.array([0, 1, 1]))
    >>> indptr.tolist(), indices.tolist()
    ([0, 1, 1, 3], [1, 0, 1])
    """
    tails = np.asarray(tails, dtype=np.int64)
    order = stable_order(tails)
    indptr = np.r_[0, np.cumsum(np.bincount(tails, minlength=n))].astype(np.int64)
    return indptr, np.asarray(heads, dtype=np.int64)[order]


class Cycle(ValueError):
    """The edges have a cycle: no order puts every tail before its heads."""


def kahn_layers(n: int, indptr: Ids, indices: Ids) -> tuple[Ids, int]:
    """Nodes ``0..n-1`` with every tail before its heads, and the number of layers
    (:func:`kahn_generations`' order, and how many generations it has).

    Examples
    --------
    >>> # 0 -> 2, 1 -> 2, 2 -> 3: 0 and 1 first, 2 freed by 1's edge, then 3.
    >>> indptr, indices = csr(4, np.array([0, 1, 2]), np.array([2, 2, 3]))
    >>> order, depth = kahn_layers(4, indptr, indices)
    >>> order.tolist(), depth
    ([0, 1, 2, 3], 3)
    """
    order, bounds = kahn_generations(n, indptr, indices)
    return order, len(bounds) - 1


def kahn_generations(n: int, indptr: Ids, indices: Ids) -> tuple[Ids, Ids]:
    """Nodes ``0..n-1`` with every tail before its heads, in generations: generation ``g`` is
    ``order[bounds[g]:bounds[g + 1]]``, the nodes whose longest path of tails has ``g`` edges.

    The order is exactly that of Kahn's algorithm with a first-in first-out queue: the
    nodes no edge enters, by number; then each node as the edge that frees it is taken,
    the edges of each node in turn in their row order.  The queue is visited in
    generations (a node is freed while the generation of its last tail is visited, so it
    lies in the next one), so a generation is one array pass: a freed node's place is that
    of its last edge.

    Raises
    ------
    Cycle
        If the edges have a cycle.

    Examples
    --------
    >>> # 0 -> 2, 1 -> 2, 2 -> 3, 1 -> 3.
    >>> order, bounds = kahn_generations(4, *csr(4, np.array([0, 1, 2, 1]), np.array([2, 2, 3, 3])))
    >>> order.tolist(), bounds.tolist()
    ([0, 1, 2, 3], [0, 2, 3, 4])
    """
    waiting = np.bincount(indices, minlength=n).astype(np.int64)
    layer = np.flatnonzero(waiting == 0)
    place = np.empty(n, dtype=np.int64)
    place[layer] = np.arange(layer.size)
    found: list[Ids] = [layer]
    placed = int(layer.size)
    stride = int(np.diff(indptr).max(initial=0)) + 1
    while layer.size:
        starts = indptr[layer]
        sizes = indptr[layer + 1] - starts
        edges = ranges(starts, sizes)
        if not edges.size:
            break
        heads = indices[edges]
        # When each edge is taken: its tail's place in the queue, then its place in the row.
        taken = np.repeat(place[layer] * stride - starts, sizes) + edges
        by_head = np.lexsort((taken, heads))
        heads, taken = heads[by_head], taken[by_head]
        last = np.flatnonzero(np.r_[heads[1:] != heads[:-1], True])
        counts = np.diff(np.r_[-1, last])
        touched = heads[last]
        waiting[touched] -= counts
        freed = waiting[touched] == 0
        layer = touched[freed][np.argsort(taken[last][freed])]
        place[layer] = placed + np.arange(layer.size)
        placed += int(layer.size)
        if layer.size:
            found.append(layer)
    if placed != n:
        raise Cycle(f"{n - placed} of {n} nodes are on or above a cycle")
    counts = [part.size for part in found if part.size]
    return np.concatenate(found), np.r_[0, np.cumsum(counts, dtype=np.int64)].astype(np.int64)


def reach_up(indptr: Ids, indices: Ids, seeds: Ids) -> npt.NDArray[np.bool_]:
    """Which nodes ``seeds`` reach, themselves included, along the rows (a breadth-first search,
    one array pass per step).

    >>> reach_up(*csr(4, np.array([0, 1, 2]), np.array([1, 2, 3])), np.array([1])).tolist()
    [False, True, True, True]
    """
    seen = np.zeros(len(indptr) - 1, dtype=bool)
    seen[np.asarray(seeds, dtype=np.int64)] = True
    frontier = np.flatnonzero(seen)
    while frontier.size:
        starts = indptr[frontier]
        edges = ranges(starts, indptr[frontier + 1] - starts)
        if not edges.size:
            break
        # A step's new nodes are those whose flag it sets (a comparison of the flags before and
        # after: linear, where sorting the heads to drop repeats was 4x slower at 100k).
        before = seen.copy()
        seen[indices[edges]] = True
        frontier = np.flatnonzero(seen != before)
    return seen


def names_of(names: Sequence[str], ids: Ids) -> list[str]:
    """``[names[i] for i in ids]``, as one C-level pass."""
    return list(map(names.__getitem__, ids.tolist()))
