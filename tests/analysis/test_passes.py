"""The rules as array passes (analysis/passes.py) against the rules one by one.

The statuses the passes give must be those of ``impact.statuses`` on every chain: the drawn
graphs of tests/strategies.py (every concept: lists with affiliates windows, denial orders,
intermediaries, FDPR scopes, licences of every scope, services, end users), the fixtures, and
what-ifs of them.  Small hand-worked graphs check each rule's array form on its own.
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import SupplyChain
from graphlib_trade.analysis.impact import statuses
from graphlib_trade.analysis.passes import array_statuses
from graphlib_trade.analysis.scenario import apply_scenario
from graphlib_trade.models import Dataset, Scenario, Status
from graphlib_trade.sources import load_dataset
from tests.strategies import datasets, days, grants

ROOT = Path(__file__).resolve().parents[2]


def one_by_one(chain: SupplyChain, day: dt.date) -> tuple[dict[str, Status], dict[str, Status]]:
    found = statuses(chain, day)
    return dict(found.products), {u: status for u, (status, _, _) in found.end_users.items()}


class TestArrayStatuses:
    @settings(max_examples=600, deadline=None)
    @given(datasets, days)
    def test_the_statuses_of_the_rules_one_by_one(self, ds: Dataset, day: dt.date) -> None:
        chain = SupplyChain.from_dataset(ds)
        assert chain.arrays is not None
        assert array_statuses(chain, day) == one_by_one(chain, day)

    @settings(max_examples=300, deadline=None)
    @given(st.data(), datasets, days)
    def test_after_a_what_if(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        # A restricted company and a grant: the chain the what-if compares keeps the arrays.
        chain = SupplyChain.from_dataset(ds)
        company = data.draw(st.sampled_from([c.id for c in ds.companies]))
        scenario = Scenario(restrict=(company,), grant=(data.draw(grants(ds)),))
        applied = apply_scenario(chain, scenario, day)
        assert applied.arrays is not None
        assert array_statuses(applied, day) == one_by_one(applied, day)

    @pytest.mark.parametrize(
        "path",
        ["fixtures/huawei_2019.yaml", *(f"fixtures/{kind}/{p.name}" for kind in ("cases", "small")
                                       for p in sorted((ROOT / "fixtures" / kind).glob("*.yaml")))],
    )  # fmt: skip
    def test_the_fixtures(self, path: str) -> None:
        chain = SupplyChain.from_dataset(load_dataset(ROOT / path))
        assert chain.arrays is not None
        for day in (dt.date(2018, 6, 1), dt.date(2019, 5, 16), dt.date(2020, 9, 15), dt.date(2022, 10, 8),
                    dt.date(2025, 10, 1)):  # fmt: skip
            assert array_statuses(chain, day) == one_by_one(chain, day), day
