from __future__ import annotations

import pytest

from graphlib_trade.analysis import apply_scenario, whatif
from graphlib_trade.errors import ScenarioError
from graphlib_trade.models import Grant, Scenario, Status
from tests.helpers import LATER, basic, company, graph, restriction


class TestApplyScenario:
    def test_empty_scenario_is_an_equal_copy(self) -> None:
        G = graph(**basic())
        H = apply_scenario(G, Scenario(), LATER)
        assert H is not G and sorted(H.edges(keys=True)) == sorted(G.edges(keys=True))

    def test_original_is_untouched(self) -> None:
        G = graph(**basic())
        before = sorted(G.edges(keys=True))
        apply_scenario(G, Scenario(restrict=("us",), drop_suppliers=("us",)), LATER)
        assert sorted(G.edges(keys=True)) == before

    def test_restriction_starts_on_the_as_of_date(self) -> None:
        H = apply_scenario(graph(**basic()), Scenario(restrict=("us",)), LATER)
        assert H.nodes["whatif:restrict:us"]["effective_from"] == LATER

    def test_grant_goes_to_every_restriction(self) -> None:
        G = graph(**basic(restrictions=[restriction("el2", ["cn"])]))
        H = apply_scenario(G, Scenario(grant=(Grant.parse("*:chip:cn"),)), LATER)
        licensed = sorted(v for _, v, k in H.edges(keys=True) if k == "LICENSES")
        assert licensed == ["el", "el2"]

    def test_drop_supplier_removes_supplies_and_loses_services(self) -> None:
        sections = basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}])
        G = graph(**sections)
        H = apply_scenario(G, Scenario(drop_suppliers=("us",)), LATER)
        assert list(H.out_edges("us", keys=True, data="lost")) == [("us", "phone", "SERVES:updates", True)]
        assert G.edges["us", "phone", "SERVES:updates"].get("lost") is None

    def test_a_lost_service_exposes_the_product(self) -> None:
        # No restriction at all: the phone is ok until its only updates provider goes.
        sections = basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}])
        sections["restrictions"] = []
        sections["supplies"].append({"supplier": "cn", "component": "chip"})
        changes, _, after = whatif(graph(**sections), Scenario(drop_suppliers=("us",)), LATER)
        assert [(c.id, c.before.value, c.after.value) for c in changes.products] == [("phone", "ok", "exposed")]
        assert after.products[0].blocked_services == ("updates from us (provider gone)",)

    def test_unknown_company(self) -> None:
        with pytest.raises(ScenarioError, match="--restrict: unknown company 'chip'"):
            apply_scenario(graph(**basic()), Scenario(restrict=("chip",)), LATER, flags=True)

    def test_unknown_company_named_by_its_place_in_the_file(self) -> None:
        with pytest.raises(ScenarioError, match=r"restrict\[1\]: unknown company 'chip'"):
            apply_scenario(graph(**basic()), Scenario(restrict=("us", "chip")), LATER)


class TestWhatIf:
    def test_no_change_reports_nothing(self) -> None:
        changes, before, after = whatif(graph(**basic()), Scenario(), LATER)
        assert changes.products == () and changes.end_users == ()
        assert before == after

    def test_restricting_the_only_supplier_of_a_free_maker(self) -> None:
        sections = basic(companies=[company("de", "DE")])
        sections["restrictions"] = []
        sections["products"] = [{"id": "phone", "name": "phone", "maker": "de"}]
        changes, _, _ = whatif(graph(**sections), Scenario(restrict=("de",)), LATER)
        assert [(c.id, c.before, c.after) for c in changes.products] == [("phone", Status.OK, Status.BLOCKED)]
