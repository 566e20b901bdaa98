from __future__ import annotations

import datetime as dt

import pytest

from graphlib_trade.analysis import apply_scenario, build_graph, diff_scenarios, whatif
from graphlib_trade.errors import ScenarioError
from graphlib_trade.io import load_dataset
from graphlib_trade.models import Grant, Scenario, Status, parse_scenario
from tests.helpers import LATER, basic, bom, company, graph, restriction, supply


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
        assert [(c.id, c.before.value, c.after.value) for c in changes.products] == [
            ("phone", "ok", "exposed")
        ]
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


def _scenario(**raw: object) -> Scenario:
    return parse_scenario(raw, "s.yaml")


class TestScenarioFile:
    def test_parse_names_file_entry_and_value(self) -> None:
        with pytest.raises(ScenarioError) as err:
            _scenario(grant=["*:chip"], add={"supplies": [{"supplier": "us"}]}, bogus=1)
        message = str(err.value)
        assert message.startswith("s.yaml: ")
        assert "grant: expected SUPPLIER:COMPONENT:RECIPIENT (use * for any), got '*:chip'" in message
        assert "add.supplies[0].component: Field required" in message
        assert "bogus: unknown field" in message

    def test_references_are_checked_against_the_data(self) -> None:
        s = _scenario(
            remove={"restrictions": ["nope"], "supplies": [{"supplier": "us", "component": "phone"}]},
            add={"alternatives": [{"parent": "phone", "component": "chip", "alternative": "ghost"}]},
        )
        with pytest.raises(ScenarioError) as err:
            apply_scenario(graph(**basic()), s, LATER)
        assert str(err.value) == (
            "remove.restrictions[0]: unknown restriction 'nope'; "
            "remove.supplies[0] (us -> phone): no such supply in the data; "
            "add.alternatives[0] (phone: chip or ghost): unknown component 'ghost'"
        )

    def test_remove_restriction(self) -> None:
        changes, _, _ = whatif(graph(**basic()), _scenario(remove={"restrictions": ["el"]}), LATER)
        assert [(c.id, c.after) for c in changes.products] == [("phone", Status.OK)]

    def test_revoke_licence(self) -> None:
        sections = basic(licences=[{"id": "l", "restriction": "el", "valid_from": "2019-05-16"}])
        changes, _, _ = whatif(graph(**sections), _scenario(remove={"licences": ["l"]}), LATER)
        assert [(c.id, c.before, c.after) for c in changes.products] == [
            ("phone", Status.AT_RISK, Status.BLOCKED)
        ]

    def test_new_supplier_and_alternative(self) -> None:
        # A Korean company starts making a Korean chip that can stand in for the US one.
        s = _scenario(
            add={
                "companies": [{"id": "kr", "name": "KR", "country": "KR"}],
                "supplies": [{"supplier": "kr", "component": "kchip"}],
                "alternatives": [{"parent": "phone", "component": "chip", "alternative": "kchip"}],
            }
        )
        sections = basic(
            components=[{"id": "kchip", "name": "k", "origin": "KR"}], supplies=[supply("us", "kchip")]
        )
        sections["supplies"] = [supply("us", "chip"), supply("us", "kchip")]
        G = graph(**sections)
        # Without the Korean maker, kchip comes only from 'us' and is Korean-origin: not subject.
        changes, _, after = whatif(G, s, LATER)
        assert [(c.id, c.after) for c in changes.products] == [("phone", Status.OK)]
        assert after.products[0].substituted == ("chip",)
        assert G.edges["chip", "phone", "PART_OF"]["alternatives"] == ()

    def test_remove_alternative(self) -> None:
        sections = basic(
            components=[{"id": "kchip", "name": "k", "origin": "KR"}], supplies=[supply("us", "kchip")]
        )
        sections["bom"] = [bom("phone", "chip", alternatives=["kchip"])]
        s = _scenario(
            remove={"alternatives": [{"parent": "phone", "component": "chip", "alternative": "kchip"}]}
        )
        changes, _, _ = whatif(graph(**sections), s, LATER)
        assert [(c.id, c.before, c.after) for c in changes.products] == [("phone", Status.OK, Status.BLOCKED)]

    def test_add_restriction_and_licence_default_to_the_date(self) -> None:
        sections = basic()
        sections["restrictions"] = []
        s = _scenario(
            add={
                "restrictions": [{"id": "new", "targets": ["cn"]}],
                "licences": [{"restriction": "new", "components": ["chip"], "valid_until": "2019-06-30"}],
            }
        )
        H = apply_scenario(graph(**sections), s, LATER)
        assert H.nodes["new"]["effective_from"] == LATER
        assert H.nodes["whatif:licence:1"]["valid_from"] == LATER
        changes, _, after = whatif(graph(**sections), s, LATER)
        assert [(c.id, c.after) for c in changes.products] == [("phone", Status.AT_RISK)]
        assert after.products[0].relies_on == ("whatif:licence:1",)

    def test_fixture_files_parse(self) -> None:
        from pathlib import Path

        from graphlib_trade.io import load_scenario

        names = [load_scenario(p).name for p in sorted(Path("fixtures/scenarios").glob("*.yaml"))]
        assert len(names) == 3 and all(names)


class TestDiff:
    def test_same_scenario_differs_nowhere(self) -> None:
        s = _scenario(name="A", restrict=["us"])
        assert diff_scenarios(graph(**basic()), s, s, LATER).products == ()

    def test_rows_carry_the_baseline(self) -> None:
        lift = _scenario(name="lift", remove={"restrictions": ["el"]})
        grant = _scenario(name="grant", grant=["us:chip:cn"])
        d = diff_scenarios(graph(**basic()), lift, grant, LATER)
        assert (d.a, d.b) == ("lift", "grant")
        assert [(r.id, r.baseline, r.a, r.b) for r in d.products] == [
            ("phone", Status.BLOCKED, Status.OK, Status.AT_RISK)
        ]

    def test_huawei_google_licence_against_tgl_extension(self) -> None:
        from graphlib_trade.io import load_scenario

        G = build_graph(load_dataset("fixtures/huawei_2019.yaml"))
        a = load_scenario("fixtures/scenarios/google_licence.yaml")
        b = load_scenario("fixtures/scenarios/tgl_extended.yaml")
        d = diff_scenarios(G, a, b, dt.date(2020, 9, 15))
        # Both keep the Mate 20's updates; only the TGL covers Intel and Xilinx support for the 4G RAN.
        assert [(r.id, r.baseline.value, r.a.value, r.b.value) for r in d.products] == [
            ("ran-4g-installed", "exposed", "exposed", "at_risk")
        ]
