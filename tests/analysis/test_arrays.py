"""The array passes over integer ids (grouping, compressed rows, Kahn's layers): each against
a hand-worked case and against the dictionary form it replaces."""

from __future__ import annotations

from collections import defaultdict

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis.arrays import (
    Cycle,
    csr,
    grouped,
    kahn_generations,
    kahn_layers,
    names_of,
    reach_up,
)


def ids(*values: int) -> np.ndarray:
    return np.array(values, dtype=np.int64)


def kahn_by_queue(n: int, edges: list[tuple[int, int]]) -> tuple[list[int], int] | None:
    """Kahn's algorithm with a queue, edge by edge (the reference); None on a cycle."""
    out: dict[int, list[int]] = defaultdict(list)
    waiting = [0] * n
    for tail, head in edges:
        out[tail].append(head)
        waiting[head] += 1
    order = [u for u in range(n) if waiting[u] == 0]
    depth, layer_end, i = 0, 0, 0
    while i < len(order):
        if i == layer_end:
            depth, layer_end = depth + 1, len(order)
        for head in out[order[i]]:
            waiting[head] -= 1
            if waiting[head] == 0:
                order.append(head)
        i += 1
    return (order, depth) if len(order) == n else None


class TestGrouped:
    def test_keys_in_the_order_first_seen(self) -> None:
        # keys 7 3 7 5 3 at rows 0..4: 7 first (rows 0, 2), then 3 (1, 4), then 5 (3).
        rows, groups, bounds = grouped(ids(7, 3, 7, 5, 3))
        assert groups.tolist() == [7, 3, 5]
        assert [rows[bounds[g] : bounds[g + 1]].tolist() for g in range(3)] == [[0, 2], [1, 4], [3]]

    def test_empty(self) -> None:
        rows, groups, bounds = grouped(ids())
        assert rows.size == 0 and groups.size == 0 and bounds.tolist() == [0]

    @given(st.lists(st.integers(0, 6), max_size=40))
    def test_as_a_dict_of_lists(self, keys: list[int]) -> None:
        expected: dict[int, list[int]] = defaultdict(list)
        for row, key in enumerate(keys):
            expected[key].append(row)
        rows, groups, bounds = grouped(np.array(keys, dtype=np.int64))
        found = {int(g): rows[bounds[i] : bounds[i + 1]].tolist() for i, g in enumerate(groups)}
        assert list(found.items()) == list(expected.items())


class TestCsr:
    def test_rows_keep_the_edge_order(self) -> None:
        # Edges 2->0, 0->1, 2->1 over 3 nodes: row 0 holds [1], row 1 nothing, row 2 [0, 1].
        indptr, indices = csr(3, ids(2, 0, 2), ids(0, 1, 1))
        assert indptr.tolist() == [0, 1, 1, 3] and indices.tolist() == [1, 0, 1]

    def test_nodes_without_edges(self) -> None:
        indptr, indices = csr(2, ids(), ids())
        assert indptr.tolist() == [0, 0, 0] and indices.size == 0


class TestKahnLayers:
    def test_a_node_is_freed_by_its_last_edge(self) -> None:
        # Edges 0 -> 3, 1 -> 3, 1 -> 2.  The queue starts 0 1 (nothing enters them); 0's edge
        # leaves 3 waiting for 1; 1's edges free 3, then 2 (row order), so 3 comes before 2
        # although its number is higher; two layers.
        indptr, indices = csr(4, ids(0, 1, 1), ids(3, 3, 2))
        order, depth = kahn_layers(4, indptr, indices)
        assert order.tolist() == [0, 1, 3, 2] and depth == 2

    def test_depth_is_the_longest_path(self) -> None:
        # 0 -> 1 -> 2 -> 3 and 0 -> 3: the long way sets the layers (4), not the edge 0 -> 3.
        indptr, indices = csr(4, ids(0, 1, 2, 0), ids(1, 2, 3, 3))
        assert kahn_layers(4, indptr, indices)[1] == 4

    def test_an_edge_twice_counts_twice(self) -> None:
        # 0 -> 1 twice: 1 waits for both, then is freed.
        indptr, indices = csr(2, ids(0, 0), ids(1, 1))
        assert kahn_layers(2, indptr, indices)[0].tolist() == [0, 1]

    def test_a_cycle(self) -> None:
        indptr, indices = csr(3, ids(0, 1, 2), ids(1, 2, 1))
        with pytest.raises(Cycle):
            kahn_layers(3, indptr, indices)

    def test_no_nodes(self) -> None:
        order, depth = kahn_layers(0, *csr(0, ids(), ids()))
        assert order.size == 0 and depth == 0

    @settings(max_examples=300, deadline=None)
    @given(st.integers(0, 9).flatmap(lambda n: st.tuples(st.just(n), st.lists(
        st.tuples(st.integers(0, max(n - 1, 0)), st.integers(0, max(n - 1, 0))), max_size=3 * n if n else 0
    ))))  # fmt: skip
    def test_as_a_queue_finds_it(self, drawn: tuple[int, list[tuple[int, int]]]) -> None:
        n, edges = drawn
        # Half the draws keep the edges that go up the numbering only (no cycle).
        if n % 2:
            edges = [(t, h) for t, h in edges if t < h]
        expected = kahn_by_queue(n, edges)
        indptr, indices = csr(n, ids(*(t for t, _ in edges)), ids(*(h for _, h in edges)))
        if expected is None:
            with pytest.raises(Cycle):
                kahn_layers(n, indptr, indices)
        else:
            order, depth = kahn_layers(n, indptr, indices)
            assert (order.tolist(), depth) == expected


class TestKahnGenerations:
    def test_generation_by_longest_path(self) -> None:
        # 0 -> 1 -> 3 and 2 -> 3, 0 -> 3: 0 and 2 wait for nothing, 1 waits for 0, 3 for 1 last.
        order, bounds = kahn_generations(4, *csr(4, ids(0, 1, 2, 0), ids(1, 3, 3, 3)))
        assert [order[bounds[g] : bounds[g + 1]].tolist() for g in range(len(bounds) - 1)] == [
            [0, 2],
            [1],
            [3],
        ]


class TestReachUp:
    def test_along_the_rows_only(self) -> None:
        # 0 -> 1 -> 2, 3 -> 2: from 1, reach 1 and 2, not 0 or 3.
        assert reach_up(*csr(4, ids(0, 1, 3), ids(1, 2, 2)), ids(1)).tolist() == [False, True, True, False]

    @given(
        st.integers(1, 8).flatmap(
            lambda n: st.tuples(
                st.just(n),
                st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n),
                st.lists(st.integers(0, n - 1)),
            )
        )
    )
    def test_as_a_walk_finds_it(self, drawn: tuple[int, list[tuple[int, int]], list[int]]) -> None:
        n, edges, seeds = drawn  # fmt: skip
        seen, stack = set(seeds), list(seeds)
        while stack:
            u = stack.pop()
            for t, h in edges:
                if t == u and h not in seen:
                    seen.add(h)
                    stack.append(h)
        found = reach_up(*csr(n, ids(*(t for t, _ in edges)), ids(*(h for _, h in edges))), ids(*seeds))
        assert set(np.flatnonzero(found).tolist()) == seen


class TestNamesOf:
    def test_by_position(self) -> None:
        assert names_of(["a", "b", "c"], ids(2, 0, 2)) == ["c", "a", "c"]
