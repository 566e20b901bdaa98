"""The causes as array passes (analysis/causes.py) against the rules one by one.

Every product's evaluation (status, lost entries, substitutes, services, and the causes of
each) must be what ``Evaluation.product`` gives on every chain: the drawn graphs of
tests/strategies.py (every concept), the fixtures, and what-ifs of them; and the impact report
made from them must be the one the rules one by one give.  Small hand-worked graphs check the
row operations on their own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import SupplyChain
from graphlib_trade.analysis.causes import array_evaluations, distinct_rows, product_evaluations
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


class TestDistinctRows:
    def test_sorted_without_repeats_and_empty_rows(self) -> None:
        # owner 0: 4, 1, 4 -> [1, 4]; owner 1: none; owner 2: 0 -> [0].
        ptr, values = distinct_rows(np.array([0, 2, 0, 0]), np.array([4, 0, 1, 4]), 3)
        assert (ptr.tolist(), values.tolist()) == ([0, 2, 2, 3], [1, 4, 0])

    def test_nothing(self) -> None:
        ptr, values = distinct_rows(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.int64), 2)
        assert (ptr.tolist(), values.tolist()) == ([0, 0, 0], [])
