"""The causes as array passes (analysis/causes.py) against the rules one by one.

Every product's evaluation (status, lost entries, substitutes, services, and the causes of
each) must be what ``Evaluation.product`` gives on every chain: the drawn graphs of
tests/strategies.py (every concept), the fixtures, and what-ifs of them; and the impact report
made from them must be the one the rules one by one give.  Small hand-worked graphs check the
row operations on their own.
"""

from __future__ import annotations

import datetime as dt
import pickle
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import SupplyChain
from graphlib_trade.analysis.causes import (
    CauseRow,
    CauseRows,
    CauseTable,
    KnownKeys,
    array_evaluations,
    distinct_causes,
    distinct_rows,
    product_evaluations,
    renumbered,
)
from graphlib_trade.analysis.engine import CauseKey, Evaluation, evaluate
from graphlib_trade.analysis.impact import impact_report, statuses
from graphlib_trade.analysis.scenario import apply_scenario
from graphlib_trade.models import Dataset, Scenario, Status
from graphlib_trade.sources import load_dataset
from tests.helpers import LATER, bom, company, component, graph, product, restriction, supply
from tests.strategies import datasets, days, grants

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = [
    "fixtures/huawei_2019.yaml",
    *(
        f"fixtures/{kind}/{p.name}"
        for kind in ("cases", "small")
        for p in sorted((ROOT / "fixtures" / kind).glob("*.yaml"))
    ),
]
DAYS = (
    dt.date(2018, 6, 1),
    dt.date(2019, 5, 16),
    dt.date(2020, 9, 15),
    dt.date(2022, 10, 8),
    dt.date(2025, 10, 1),
)


def same_as_one_by_one(ds: Dataset, day: dt.date, scenario: Scenario | None = None) -> None:
    """The array passes' evaluations and report on a chain of ``ds`` equal the rules' one by one
    on a chain of its own (no table either worked out is shared)."""
    chain, reference = SupplyChain.from_dataset(ds), SupplyChain.from_dataset(ds)
    if scenario is not None:
        chain, reference = apply_scenario(chain, scenario, day), apply_scenario(reference, scenario, day)
    assert chain.arrays is not None
    for licences in (True, False):
        found = product_evaluations(Evaluation(chain, day, licences=licences, bottom_up=False))
        assert found == evaluate(reference, day, licences=licences)[1]
    # bare_runs={} takes the rules one by one (timeline's way)
    assert impact_report(chain, statuses(chain, day)) == impact_report(
        reference, statuses(reference, day, bare_runs={})
    )


def two_levels() -> SupplyChain:
    """el lists cn; us supplies chip (US origin) to cn, which builds board (CN origin, no US
    content) from it; de builds phone from board."""
    return graph(
        companies=[company("us"), company("cn", "CN"), company("de", "DE")],
        components=[component("chip"), component("board", "CN")],
        supplies=[supply("us", "chip"), supply("cn", "board")],
        products=[product("phone", "de")],
        bom=[bom("board", "chip"), bom("phone", "board")],
        restrictions=[restriction("el", ["cn"])],
    )


class TestProductEvaluations:
    @settings(max_examples=500, deadline=None)
    @given(datasets, days)
    def test_the_evaluations_of_the_rules_one_by_one(self, ds: Dataset, day: dt.date) -> None:
        same_as_one_by_one(ds, day)

    @settings(max_examples=200, deadline=None)
    @given(st.data(), datasets, days)
    def test_after_a_what_if(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        company = data.draw(st.sampled_from([c.id for c in ds.companies]))
        same_as_one_by_one(ds, day, Scenario(restrict=(company,), grant=(data.draw(grants(ds)),)))

    @pytest.mark.parametrize("path", FIXTURES)
    def test_the_fixtures(self, path: str) -> None:
        ds = load_dataset(ROOT / path)
        for day in DAYS:
            same_as_one_by_one(ds, day)

    def test_causes_carried_up_two_levels(self) -> None:
        # el lists cn.  us supplies chip (US origin) to cn, which builds board from it; de builds
        # phone from board.  The pair (cn asks us for chip) is blocked: cause (el, us, chip, cn).
        # cn cannot build board, so board is unavailable to de: phone loses board, and its cause
        # is the one two levels down.  No supply of board is itself caught (de is not listed,
        # board is of CN origin with no US content).
        chain = two_levels()
        found = product_evaluations(Evaluation(chain, LATER, bottom_up=False))
        assert found is not None
        phone = found["phone"]
        cause = CauseKey("el", "us", "chip", "cn", "supply")
        assert (phone.status, phone.lost_required, phone.causes) == (Status.BLOCKED, ("board",), {cause})
        assert phone.per_entry == {"board": {cause}}


class TestArrayEvaluations:
    def test_one_run_without_licences_and_who_can_build(self) -> None:
        # el lists cn; cn builds board from the US chip us supplies: the pair is caught, so cn
        # cannot build board; us can build chip (no parts).  No licence is valid: the run
        # without licences is the run itself.
        chain = two_levels()
        found = array_evaluations(chain, LATER)
        assert found is not None
        real, products, bare, bare_products, builds = found
        assert bare is real and bare_products == products
        assert (builds("us", "chip"), builds("cn", "board")) == (True, False)


class TestCauseTable:
    def test_keys_made_or_taken_from_another_evaluations(self) -> None:
        # two_levels: el (the one restriction in force) caught us -> chip for cn; a made-up
        # second cause cn -> board for de.  Made afresh, the two keys name them; with the keys
        # of a table of the first alone, the first is that table's own object and the second is
        # made; keys of another day's restrictions are not taken.
        chain = two_levels()
        arrays, run = chain.arrays, Evaluation(chain, LATER, bottom_up=False)
        assert arrays is not None and run.active == ("el",)
        n = arrays.numbers
        chip, board = (
            int(np.flatnonzero((arrays.supplier == n[s]) & (arrays.supplied == n[c]))[0])
            for s, c in (("us", "chip"), ("cn", "board"))
        )
        table = CauseTable(np.array([0, 0]), np.array([chip, board]), np.array([n["cn"], n["de"]]))
        expected = [
            CauseKey("el", "us", "chip", "cn", "supply"),
            CauseKey("el", "cn", "board", "de", "supply"),
        ]
        assert table.keys(run, arrays) == expected
        first = CauseTable(table.restriction[:1], table.supply[:1], table.buyer[:1])
        mine = first.keys(run, arrays)
        taken = table.keys(run, arrays, KnownKeys(run.active, first, mine))
        assert taken == expected and taken[0] is mine[0]
        other = table.keys(run, arrays, KnownKeys(("other",), first, mine))
        assert other == expected and other[0] is not mine[0]


class TestDistinctRows:
    def test_sorted_without_repeats_and_empty_rows(self) -> None:
        # owner 0: 4, 1, 4 -> [1, 4]; owner 1: none; owner 2: 0 -> [0].
        ptr, values = distinct_rows(np.array([0, 2, 0, 0]), np.array([4, 0, 1, 4]), 3)
        assert (ptr.tolist(), values.tolist()) == ([0, 2, 2, 3], [1, 4, 0])

    def test_nothing(self) -> None:
        ptr, values = distinct_rows(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 2)
        assert (ptr.tolist(), values.tolist()) == ([0, 0, 0], [])


def keys_of(*items: str) -> list[CauseKey]:
    return [CauseKey("el", "s", item, "b", "supply") for item in items]


class TestCauseRow:
    # Causes numbered 0..2 (items z, x, y); product 0 has rows [0, 2] (z, y), product 1 none,
    # product 2 [1] (x).
    ROWS = CauseRows(keys_of("z", "x", "y"), np.array([0, 2, 1]), np.array([0, 2, 2, 3]))

    def test_its_causes_in_its_row_order(self) -> None:
        z, x, y = keys_of("z", "x", "y")
        assert list(CauseRow(self.ROWS, 0)) == [z, y] and len(CauseRow(self.ROWS, 0)) == 2
        assert list(CauseRow(self.ROWS, 1)) == [] and not CauseRow(self.ROWS, 1)
        assert list(CauseRow(self.ROWS, 2)) == [x]

    def test_a_set_of_its_causes(self) -> None:
        z, x, y = keys_of("z", "x", "y")
        row = CauseRow(self.ROWS, 0)
        assert row == frozenset({z, y}) and frozenset({y, z}) == row and row != {z}
        assert z in row and x not in row and "z" not in row
        both = row & {y, x}
        assert both == {y} and type(both) is frozenset
        assert hash(row) == hash(frozenset({z, y}))

    def test_pickled_as_a_frozenset(self) -> None:
        back = pickle.loads(pickle.dumps(CauseRow(self.ROWS, 0)))
        assert type(back) is frozenset and back == set(keys_of("z", "y"))


class TestDistinctCauses:
    def test_the_rows_given_and_the_other_sets(self) -> None:
        # Product 1's row (x) is not given: x is not among them; w comes from a plain set.
        rows = TestCauseRow.ROWS
        other = CauseRows(keys_of("z"), np.array([0]), np.array([0, 1]))  # another z, equal
        found = distinct_causes([CauseRow(rows, 0), CauseRow(other, 0), frozenset(keys_of("w"))])
        assert found == set(keys_of("z", "y", "w"))

    def test_nothing(self) -> None:
        assert distinct_causes([]) == set()


class TestRenumbered:
    def test_each_row_by_its_causes_places(self) -> None:
        # Places: x 0, y 1, z 2.  Product 0's row (z, y) becomes [2, 1], sorted [1, 2]; product
        # 2's (x) [0].
        z, x, y = keys_of("z", "x", "y")
        assert renumbered(TestCauseRow.ROWS, {x: 0, y: 1, z: 2}) == [1, 2, 0]

    def test_a_cause_without_a_place_stays_in_its_row(self) -> None:
        # y has no place (-1): it sorts first in product 0's row, product 2's row is untouched.
        z, x, _ = keys_of("z", "x", "y")
        assert renumbered(TestCauseRow.ROWS, {x: 0, z: 1}) == [-1, 1, 0]
