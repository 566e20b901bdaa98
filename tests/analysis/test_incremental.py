"""The fast paths of the engine against the slow ones they replace.

- ``touched``: the engine evaluates only what a restricted party or a lost supply can
  touch; evaluating every product and supply must give the same impact.
- ``scenario_index``: a what-if patches the index of the graph instead of copying the
  graph; the patch must equal the index of the copied graph that ``apply_scenario``
  makes, and the impacts must be equal.
- ``index_of``: the index is kept for a frozen graph, never for one that can change.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any
from unittest import mock

import networkx as nx
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import apply_scenario, build_graph, impact, whatif
from graphlib_trade.analysis.impact import _index, index_of
from graphlib_trade.analysis.scenario import scenario_index
from graphlib_trade.errors import AnalysisError
from graphlib_trade.io import load_dataset, load_scenario
from graphlib_trade.models import (
    Additions,
    Alternative,
    Dataset,
    Grant,
    Removals,
    Scenario,
    ScenarioLicence,
    ScenarioRestriction,
    Supply,
)
from tests.helpers import LATER, basic, bom, component, graph, supply
from tests.strategies import datasets, days, grants

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HUAWEI = FIXTURES / "huawei_2019.yaml"
EXAMPLES = settings(max_examples=150, deadline=None)
# The module, not the function that graphlib_trade.analysis exports under the same name.
impact_module = importlib.import_module("graphlib_trade.analysis.impact")


def comparable(ix: Any) -> dict[str, Any]:
    """The index's tables with list order and empty lists left out (neither changes an answer)."""
    out: dict[str, Any] = {}
    for name in (
        "country",
        "component",
        "product",
        "maker",
        "end_user",
        "restriction",
        "licence",
        "licence_of",
    ):
        out[name] = dict(getattr(ix, name))
    for name in ("targets", "suppliers", "services", "uses", "supplies_of", "makes", "used_in"):
        out[name] = {k: sorted(v) for k, v in getattr(ix, name).items() if v}
    out["bom"] = {
        parent: sorted((e.component, e.required, e.alternatives, e.value) for e in entries)
        for parent, entries in ix.bom.items()
        if entries
    }
    out["lost_services"] = set(ix.lost_services)
    return out


def assert_parts_first(ix: Any) -> None:
    position = {n: i for i, n in enumerate(ix.order)}
    assert position.keys() == ix.component.keys() | ix.product.keys()
    for parent, entries in ix.bom.items():
        for entry in entries:
            for option in entry.options:
                assert position[option] < position[parent], (option, parent)


def assert_patch_equals_copy(G: nx.MultiDiGraph, scenario: Scenario, day: dt.date) -> None:
    before = comparable(index_of(G))
    patched = scenario_index(G, scenario, day)
    assert comparable(patched) == comparable(_index(apply_scenario(G, scenario, day)))
    assert_parts_first(patched)
    assert comparable(index_of(G)) == before, "the patch changed the graph's own index"
    assert impact_module.impact_on(G, patched, patched.order, day) == impact(
        apply_scenario(G, scenario, day), day
    )


def every_kind_of_change() -> Scenario:
    """One of each change a scenario can make, on the Huawei fixture."""
    return Scenario(
        restrict=("hisilicon",),
        grant=(Grant.parse("*:*:huawei"),),
        drop_suppliers=("google",),
        remove=Removals(
            restrictions=("fdpr-huawei-2020",),
            licences=("tgl-2019-05",),
            supplies=(Supply(supplier="lumentum", component="lumentum-optics"),),
            alternatives=(
                Alternative(
                    parent="ran-5g-aau-usfree", component="huawei-optics", alternative="lumentum-optics"
                ),
            ),
        ),
        add=Additions(
            restrictions=(ScenarioRestriction(targets=("tsmc",)),),
            licences=(ScenarioLicence(restriction="el-huawei-2019-05", recipients=("huawei",)),),
            supplies=(Supply(supplier="qualcomm", component="huawei-optics"),),
            alternatives=(
                Alternative(parent="taishan-200", component="huawei-optics", alternative="lumentum-optics"),
            ),
        ),
    )


class TestScenarioIndex:
    def test_an_empty_scenario_is_the_index_itself(self) -> None:
        G = build_graph(load_dataset(HUAWEI))
        assert comparable(scenario_index(G, Scenario(), LATER)) == comparable(index_of(G))

    @pytest.mark.parametrize("path", sorted((FIXTURES / "scenarios").glob("*.yaml")), ids=lambda p: p.stem)
    def test_each_fixture_scenario(self, path: Path) -> None:
        scenario = load_scenario(path)
        assert_patch_equals_copy(build_graph(load_dataset(HUAWEI)), scenario, scenario.as_of or LATER)

    @pytest.mark.parametrize("day", [dt.date(2019, 5, 16), dt.date(2019, 9, 1), dt.date(2020, 9, 15)])
    def test_every_kind_of_change(self, day: dt.date) -> None:
        assert_patch_equals_copy(build_graph(load_dataset(HUAWEI)), every_kind_of_change(), day)

    def test_generated_ids_avoid_each_other_and_the_data(self) -> None:
        # Two restrict shorthands on one company, and an explicit id equal to the one the first would take.
        scenario = Scenario(
            restrict=("huawei", "huawei"),
            add=Additions(restrictions=(ScenarioRestriction(id="whatif:restriction:2", targets=("tsmc",)),)),
        )
        ix = scenario_index(build_graph(load_dataset(HUAWEI)), scenario, LATER)
        new = [r for r in ix.restriction if r.startswith("whatif:")]
        assert new == ["whatif:restrict:huawei", "whatif:restrict:huawei#2", "whatif:restriction:2"]
        assert_patch_equals_copy(build_graph(load_dataset(HUAWEI)), scenario, LATER)

    def test_an_added_alternative_that_closes_a_cycle(self) -> None:
        # chip goes into board, die into chip; board as an alternative to die closes board -> chip -> board.
        sections = basic(
            components=[component("board"), component("die")],
            supplies=[supply("us", "board"), supply("us", "die")],
            bom=[bom("board", "chip"), bom("chip", "die")],
        )
        scenario = Scenario(
            add=Additions(alternatives=(Alternative(parent="chip", component="die", alternative="board"),))
        )
        with pytest.raises(AnalysisError, match=r"cycle: .*board.*chip"):
            whatif(graph(**sections), scenario, LATER)

    @EXAMPLES
    @given(st.data(), datasets, days)
    def test_generated_scenarios(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        companies = [c.id for c in ds.companies]
        pick = st.lists(st.sampled_from(companies), max_size=2)
        scenario = Scenario(
            restrict=tuple(data.draw(pick)),
            grant=tuple(data.draw(st.lists(grants(ds), max_size=2))),
            drop_suppliers=tuple(data.draw(pick)),
            remove=Removals(
                restrictions=tuple(
                    data.draw(st.lists(st.sampled_from([r.id for r in ds.restrictions]), max_size=1))
                )
                if ds.restrictions
                else (),
                supplies=tuple(
                    Supply(supplier=s.supplier, component=s.component)
                    for s in data.draw(st.lists(st.sampled_from(list(ds.supplies)), max_size=2, unique=True))
                ),
            ),
            add=Additions(
                supplies=tuple(
                    Supply(supplier=data.draw(st.sampled_from(companies)), component=c.id)
                    for c in data.draw(st.lists(st.sampled_from(list(ds.components)), max_size=1))
                )
            ),
        )
        assert_patch_equals_copy(build_graph(ds), scenario, day)


class TestTouched:
    """Evaluating only what the restrictions can touch gives the impact of evaluating everything."""

    @staticmethod
    def everything(ix: Any, parties: Any) -> set[str]:
        return set(ix.component) | set(ix.product)

    def assert_same(self, G: nx.MultiDiGraph, day: dt.date) -> None:
        fast = impact(G, day)
        with mock.patch.object(impact_module, "touched", self.everything):
            slow = impact(G, day)
        assert fast == slow

    @pytest.mark.parametrize(
        "day", [dt.date(2019, 5, 15), dt.date(2019, 5, 16), dt.date(2019, 9, 1), dt.date(2020, 9, 15)]
    )
    def test_huawei(self, day: dt.date) -> None:
        self.assert_same(build_graph(load_dataset(HUAWEI)), day)

    def test_a_component_left_without_a_supplier_blocks_what_needs_it(self) -> None:
        # No restriction in force at all: only the lost supply can touch anything.
        sections = basic()
        sections["restrictions"] = []
        changes, _, after = whatif(graph(**sections), Scenario(drop_suppliers=("us",)), LATER)
        assert [(c.id, c.after.value) for c in changes.products] == [("phone", "blocked")]
        assert after.products[0].lost_required == ("chip",)

    @EXAMPLES
    @given(datasets, days)
    def test_generated(self, ds: Dataset, day: dt.date) -> None:
        self.assert_same(build_graph(ds), day)


class TestIndexOf:
    def test_kept_for_a_frozen_graph(self) -> None:
        G = build_graph(load_dataset(HUAWEI))
        assert nx.is_frozen(G) and index_of(G) is index_of(G)

    def test_built_again_for_a_graph_that_can_change(self) -> None:
        H = build_graph(load_dataset(HUAWEI)).copy()
        first = index_of(H)
        H.remove_node("huawei-optics")
        assert "huawei-optics" in first.component and "huawei-optics" not in index_of(H).component
