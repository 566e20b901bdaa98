"""The rules as array passes (analysis/passes.py) against the rules one by one.

The statuses the passes give must be those of ``impact.statuses`` on every chain: the drawn
graphs of tests/strategies.py (every concept: lists with affiliates windows, denial orders,
intermediaries, FDPR scopes, licences of every scope, services, end users), the fixtures, and
what-ifs of them.  Small hand-worked graphs check each rule's array form on its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import SupplyChain
from graphlib_trade.analysis.engine import Evaluation
from graphlib_trade.analysis.impact import statuses
from graphlib_trade.analysis.passes import (
    Asks,
    array_statuses,
    blocked_pairs,
    plan_of,
    supply_builds,
    worst_used,
)
from graphlib_trade.analysis.scenario import apply_scenario
from graphlib_trade.models import Dataset, Scenario, Status
from graphlib_trade.sources import load_dataset
from tests.helpers import LATER, basic, bom, company, component, graph, licence, product, restriction, supply
from tests.strategies import datasets, days, grants

ROOT = Path(__file__).resolve().parents[2]


def one_by_one(chain: SupplyChain, day: dt.date) -> tuple[dict[str, Status], dict[str, Status]]:
    """The statuses of the rules one by one (on a chain of its own: no column or table the
    array passes worked out is shared)."""
    found = statuses(chain, day)
    return dict(found.products), {u: status for u, (status, _, _) in found.end_users.items()}


class TestArrayStatuses:
    @settings(max_examples=600, deadline=None)
    @given(datasets, days)
    def test_the_statuses_of_the_rules_one_by_one(self, ds: Dataset, day: dt.date) -> None:
        chain = SupplyChain.from_dataset(ds)
        assert chain.arrays is not None
        assert array_statuses(chain, day) == one_by_one(SupplyChain.from_dataset(ds), day)

    @settings(max_examples=300, deadline=None)
    @given(st.data(), datasets, days)
    def test_after_a_what_if(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        # A restricted company and a grant: the chain the what-if compares keeps the arrays.
        company = data.draw(st.sampled_from([c.id for c in ds.companies]))
        scenario = Scenario(restrict=(company,), grant=(data.draw(grants(ds)),))
        applied = apply_scenario(SupplyChain.from_dataset(ds), scenario, day)
        assert applied.arrays is not None
        reference = apply_scenario(SupplyChain.from_dataset(ds), scenario, day)
        assert array_statuses(applied, day) == one_by_one(reference, day)

    @pytest.mark.parametrize(
        "path",
        ["fixtures/huawei_2019.yaml", *(f"fixtures/{kind}/{p.name}" for kind in ("cases", "small")
                                       for p in sorted((ROOT / "fixtures" / kind).glob("*.yaml")))],
    )  # fmt: skip
    def test_the_fixtures(self, path: str) -> None:
        ds = load_dataset(ROOT / path)
        chain = SupplyChain.from_dataset(ds)
        assert chain.arrays is not None
        for day in (dt.date(2018, 6, 1), dt.date(2019, 5, 16), dt.date(2020, 9, 15), dt.date(2022, 10, 8),
                    dt.date(2025, 10, 1)):  # fmt: skip
            assert array_statuses(chain, day) == one_by_one(SupplyChain.from_dataset(ds), day), day


class TestWorstUsed:
    def test_each_end_user_in_turn_none_used_is_ok(self) -> None:
        # a uses phone (blocked) and tab (degraded): blocked; b uses tab alone: degraded; c uses
        # nothing: ok.
        chain = graph(
            companies=[company("m")],
            products=[product("phone", "m"), product("tab", "m")],
            end_users=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}, {"id": "c", "name": "C"}],
            uses=[{"user": "a", "product": "phone"}, {"user": "a", "product": "tab"},
                  {"user": "b", "product": "tab"}],
        )  # fmt: skip
        assert chain.arrays is not None
        # The products' ranks in the chain's order: phone, tab.
        found = worst_used(chain, chain.arrays, np.array([Status.BLOCKED.rank, Status.DEGRADED.rank]))
        assert found == [Status.BLOCKED, Status.DEGRADED, Status.OK]


class TestAsks:
    def test_builders_skip_a_builder_without_pairs(self) -> None:
        # Three builders with one entry and one option each; the options have 2, 0 and 1 pairs:
        # pairs 0 and 1 are builder 0's, pair 2 is builder 2's (builder 1 starts where 2 does).
        ptr = np.array([0, 1, 2, 3])
        asks = Asks(
            buyer=np.array([7, 8, 9]),
            item=np.array([1, 2, 3]),
            entry_ptr=ptr,
            entry=np.array([0, 1, 2]),
            required=np.ones(3, dtype=bool),
            option_ptr=ptr,
            pair_ptr=np.array([0, 2, 2, 3]),
            pair_supply=np.array([5, 6, 5]),
        )
        assert asks.first_pairs().tolist() == [0, 2, 2, 3]
        assert asks.builders(np.arange(3)).tolist() == [0, 0, 2]
        assert asks.builders(np.array([2, 1])).tolist() == [2, 0]


class TestBlockedPairs:
    def test_a_listed_buyer_a_licence_and_an_unlisted_buyer(self) -> None:
        # us supplies chip (US origin) to both cn (listed by el) and de; cn's phone and de's tab
        # each need chip.  Pairs: (cn asks us's chip) caught by el, (de asks it) not.  A licence
        # of el for cn lifts cn's pair.
        sections = basic(companies=[company("de", "DE")], products=[product("tab", "de")],
                         bom=[bom("tab", "chip")])  # fmt: skip
        chain = graph(**sections)
        run = Evaluation(chain, LATER, bottom_up=False)
        plan = plan_of(chain)
        assert plan is not None and chain.arrays is not None
        asks = plan.product_asks
        buyers = [chain.arrays.ids[asks.buyer[b]] for b in asks.builders(np.arange(len(asks.pair_supply)))]
        blocked = blocked_pairs(run, asks, chain.arrays)
        assert dict(zip(buyers, blocked.tolist(), strict=True)) == {"cn": True, "de": False}
        licensed = graph(**sections, licences=[licence("l1", "el", recipients=["cn"])])
        run = Evaluation(licensed, LATER, bottom_up=False)
        plan = plan_of(licensed)
        assert plan is not None and licensed.arrays is not None
        assert not blocked_pairs(run, plan.product_asks, licensed.arrays).any()


class TestSupplyBuilds:
    def test_a_supplier_that_cannot_get_a_part(self) -> None:
        # cn (listed by el) supplies board, which needs chip; us and jp supply chip, of US origin
        # whoever sells it: both supplies to cn are caught, so cn cannot build board, and de's
        # phone, which needs board, is blocked.  chip has no parts: us and jp can build it.
        chain = graph(
            companies=[company("us"), company("cn", "CN"), company("de", "DE"), company("jp", "JP")],
            components=[component("chip"), component("board", "CN")],
            supplies=[supply("us", "chip"), supply("jp", "chip"), supply("cn", "board")],
            products=[product("phone", "de")],
            bom=[bom("board", "chip"), bom("phone", "board")],
            restrictions=[restriction("el", ["cn"])],
        )
        run = Evaluation(chain, LATER, bottom_up=False)
        plan, arrays = plan_of(chain), chain.arrays
        assert plan is not None and arrays is not None
        builds = supply_builds(plan, arrays, blocked_pairs(run, plan.supply_asks, arrays))
        pairs = zip(arrays.supplier.tolist(), arrays.supplied.tolist(), builds.tolist(), strict=True)
        assert {(arrays.ids[s], arrays.ids[c]): ok for s, c, ok in pairs} == {
            ("us", "chip"): True, ("jp", "chip"): True, ("cn", "board"): False}  # fmt: skip
        assert array_statuses(chain, LATER) == ({"phone": Status.BLOCKED}, {})
