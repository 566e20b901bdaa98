from __future__ import annotations

import datetime as dt
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import (
    SupplyChain,
    apply_scenario,
    diff_scenarios,
    impact,
    whatif,
    whatif_changes,
)
from graphlib_trade.errors import AnalysisError, ScenarioError
from graphlib_trade.models import (
    Additions,
    Alternative,
    Dataset,
    Grant,
    Removals,
    Scenario,
    ScenarioLicence,
    ScenarioRestriction,
    Status,
    Supply,
    parse_dataset,
    parse_scenario,
)
from graphlib_trade.sources import load_dataset, load_scenario
from tests.helpers import LATER, basic, bom, company, component, graph, restriction, supply
from tests.strategies import datasets, days, grants

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HUAWEI = FIXTURES / "huawei_2019.yaml"


class TestApplyScenario:
    def test_empty_scenario_is_an_equal_copy(self) -> None:
        chain = graph(**basic())
        changed = apply_scenario(chain, Scenario(), LATER)
        assert changed is not chain and changed.suppliers == chain.suppliers and changed.bom == chain.bom

    def test_original_is_untouched(self) -> None:
        chain = graph(**basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}]))
        apply_scenario(chain, Scenario(restrict=("us",), drop_suppliers=("us",)), LATER)
        assert chain.suppliers == {"chip": ("us",)} and list(chain.restrictions) == ["el"]
        assert chain.lost_services == frozenset()

    def test_restriction_starts_on_the_as_of_date(self) -> None:
        changed = apply_scenario(graph(**basic()), Scenario(restrict=("us",)), LATER)
        assert changed.restrictions["whatif:restrict:us"].effective_from == LATER

    def test_grant_goes_to_every_restriction(self) -> None:
        chain = graph(**basic(restrictions=[restriction("el2", ["cn"])]))
        changed = apply_scenario(chain, Scenario(grant=(Grant.parse("*:chip:cn"),)), LATER)
        assert sorted(lic.restriction for lic in changed.licences.values()) == ["el", "el2"]

    def test_drop_supplier_removes_supplies_and_loses_services(self) -> None:
        chain = graph(**basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}]))
        changed = apply_scenario(chain, Scenario(drop_suppliers=("us",)), LATER)
        assert changed.suppliers == {"chip": ()} and "us" not in changed.supplies_of
        assert changed.lost_services == {("us", "phone")}

    def test_generated_ids_avoid_each_other_and_the_data(self) -> None:
        # Two restrict shorthands on one company, and an explicit id equal to the one the first would take.
        scenario = Scenario(
            restrict=("huawei", "huawei"),
            add=Additions(restrictions=(ScenarioRestriction(id="whatif:restriction:2", targets=("tsmc",)),)),
        )
        changed = apply_scenario(SupplyChain.from_dataset(load_dataset(HUAWEI)), scenario, LATER)
        new = [r for r in changed.restrictions if r.startswith("whatif:")]
        assert new == ["whatif:restrict:huawei", "whatif:restrict:huawei#2", "whatif:restriction:2"]

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

    def test_unknown_company(self) -> None:
        with pytest.raises(ScenarioError, match="--restrict: unknown company 'chip'"):
            apply_scenario(graph(**basic()), Scenario(restrict=("chip",)), LATER, flags=True)

    def test_unknown_company_named_by_its_place_in_the_file(self) -> None:
        with pytest.raises(ScenarioError, match=r"restrict\[1\]: unknown company 'chip'"):
            apply_scenario(graph(**basic()), Scenario(restrict=("us", "chip")), LATER)


def edited(ds: Dataset, scenario: Scenario, day: dt.date) -> Dataset:
    """``ds`` with ``scenario`` written into the data file by hand: the oracle for apply_scenario.

    Ids follow the documented rule (``whatif:restrict:C``, ``whatif:grant:I:R``, ...); the
    scenario must not drop a supplier that provides services (a data file cannot say "lost").
    """
    raw: dict[str, list[dict[str, Any]]] = ds.to_raw()
    add, remove = scenario.add, scenario.remove
    gone = set(remove.restrictions)
    raw["restrictions"] = [r for r in raw["restrictions"] if r["id"] not in gone]
    raw["licences"] = [
        x for x in raw["licences"] if x["id"] not in remove.licences and x["restriction"] not in gone
    ]
    cut = {(x.supplier, x.component) for x in remove.supplies}
    cut |= {(s.supplier, s.component) for s in ds.supplies if s.supplier in scenario.drop_suppliers}
    raw["supplies"] = [x for x in raw["supplies"] if (x["supplier"], x["component"]) not in cut]

    def alternatives(alt: Alternative, change: Any) -> None:
        for entry in raw["bom"]:
            if (entry["parent"], entry["component"]) == (alt.parent, alt.component):
                entry["alternatives"] = change(list(entry.get("alternatives", [])))

    for alt in remove.alternatives:
        alternatives(alt, lambda alts, a=alt.alternative: [x for x in alts if x != a])
    for c in scenario.restrict:
        raw["restrictions"].append(
            {
                "id": f"whatif:restrict:{c}",
                "name": f"what-if restriction on {c}",
                "authority": "what-if",
                "targets": [c],
                "effective_from": day.isoformat(),
            }
        )
    for i, r in enumerate(add.restrictions, start=1):
        new = r.model_dump(mode="json", exclude_none=True)
        new["id"] = r.id or f"whatif:restriction:{i}"
        new.setdefault("effective_from", day.isoformat())
        raw["restrictions"].append(new)
    for i, g in enumerate(scenario.grant, start=1):
        for r in list(raw["restrictions"]):
            raw["licences"].append(
                {
                    "id": f"whatif:grant:{i}:{r['id']}",
                    "restriction": r["id"],
                    "name": f"what-if licence {g}",
                    "valid_from": day.isoformat(),
                    **{
                        k: [v]
                        for k, v in (
                            ("suppliers", g.supplier),
                            ("components", g.component),
                            ("recipients", g.recipient),
                        )
                        if v != "*"
                    },
                }
            )
    for i, lic in enumerate(add.licences, start=1):
        new = lic.model_dump(mode="json", exclude_none=True)
        new["id"] = lic.id or f"whatif:licence:{i}"
        new.setdefault("valid_from", day.isoformat())
        raw["licences"].append(new)
    raw["companies"] += [c.model_dump(mode="json", exclude_none=True) for c in add.companies]
    have = {(x["supplier"], x["component"]) for x in raw["supplies"]}
    raw["supplies"] += [
        {"supplier": x.supplier, "component": x.component}
        for x in add.supplies
        if (x.supplier, x.component) not in have
    ]
    for alt in add.alternatives:
        alternatives(alt, lambda alts, a=alt.alternative: [*alts, a])
    # Not parse_dataset: a component left without a supplier is what a what-if may ask about.
    return Dataset.model_validate(raw)


def assert_same_as_edited_data(ds: Dataset, scenario: Scenario, day: dt.date) -> None:
    chain = SupplyChain.from_dataset(ds)
    expected = impact(SupplyChain.from_dataset(edited(ds, scenario, day)), day)
    assert impact(apply_scenario(chain, scenario, day), day) == expected
    assert impact(apply_scenario(chain, scenario, day), day, ignore_licences=True) == impact(
        SupplyChain.from_dataset(edited(ds, scenario, day)), day, ignore_licences=True
    )


def every_kind_of_change() -> Scenario:
    """One of each change a scenario can make, on the Huawei fixture (drop a supplier without services)."""
    return Scenario(
        restrict=("hisilicon",),
        grant=(Grant.parse("*:*:huawei"),),
        drop_suppliers=("tsmc",),
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


class TestApplyScenarioAgainstEditedData:
    """A what-if gives the impact of the data file with the same changes written into it."""

    @pytest.mark.parametrize("day", [dt.date(2019, 5, 16), dt.date(2019, 9, 1), dt.date(2020, 9, 15)])
    def test_every_kind_of_change(self, day: dt.date) -> None:
        assert_same_as_edited_data(load_dataset(HUAWEI), every_kind_of_change(), day)

    def test_an_added_supply_is_tried_in_company_order(self) -> None:
        # Found by hypothesis. p0 (by co0) has an optional US part c0 from co1 via co3; the
        # what-if restricts co0 and co3, grants everything and adds co0 as c0's supplier.
        # Without licences c0 is lost (co0 -> co0 is caught by co0's listing, co1 via co3 by both):
        # degraded. With the grants the engine takes the first supplier that flows, in company
        # order, co0 (under co0's grant): at risk, relying on co0's grant only, as it does when
        # the supply is written into the data file.
        ds = parse_dataset(
            {
                "companies": [{"id": f"co{i}", "name": f"Company {i}", "country": "US"} for i in range(4)],
                "components": [{"id": "c0", "name": "Part 0", "origin": "US"}],
                "products": [{"id": "p0", "name": "Product 0", "maker": "co0"}],
                "supplies": [{"supplier": "co1", "component": "c0", "via": ["co3"]}],
                "bom": [{"parent": "p0", "component": "c0", "required": False}],
            },
            "by hand",
        )
        scenario = Scenario(
            restrict=("co0", "co3"),
            grant=(Grant(supplier="*", component="*", recipient="*"),),
            add=Additions(supplies=(Supply(supplier="co0", component="c0"),)),
        )
        day = dt.date(2019, 1, 1)
        assert_same_as_edited_data(ds, scenario, day)
        (p0,) = impact(apply_scenario(SupplyChain.from_dataset(ds), scenario, day), day).products
        assert (p0.status, p0.without_licences) == (Status.AT_RISK, Status.DEGRADED)
        assert p0.relies_on == ("whatif:grant:1:whatif:restrict:co0",)

    def test_a_supply_added_back_has_its_own_intermediaries(self) -> None:
        # Found by hypothesis. s sells the US part c to the maker m through i, which is listed:
        # p is blocked (c's only supply passes a restricted intermediary). The what-if drops s
        # as a supplier and adds s -> c back without intermediaries: nothing restricted is on
        # the way, so p is ok, as it is when the data file says so.
        ds = parse_dataset(
            {
                "companies": [{"id": x, "name": x, "country": "US"} for x in ("m", "s", "i")],
                "components": [{"id": "c", "name": "Part", "origin": "US"}],
                "products": [{"id": "p", "name": "Product", "maker": "m"}],
                "supplies": [{"supplier": "s", "component": "c", "via": ["i"]}],
                "bom": [{"parent": "p", "component": "c"}],
                "restrictions": [{"id": "r", "targets": ["i"], "effective_from": "2019-01-01"}],
            },
            "by hand",
        )
        day = dt.date(2019, 3, 1)
        (before,) = impact(SupplyChain.from_dataset(ds), day).products
        assert before.status is Status.BLOCKED
        scenario = Scenario(
            drop_suppliers=("s",), add=Additions(supplies=(Supply(supplier="s", component="c"),))
        )
        assert_same_as_edited_data(ds, scenario, day)
        (after,) = impact(apply_scenario(SupplyChain.from_dataset(ds), scenario, day), day).products
        assert after.status is Status.OK

    @settings(max_examples=150, deadline=None)
    @given(st.data(), datasets, days)
    def test_generated_scenarios(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        assert_same_as_edited_data(ds, generated_scenario(data, ds), day)


def generated_scenario(data: st.DataObject, ds: Dataset) -> Scenario:
    """A scenario of every kind of change on ``ds``'s own companies, supplies and restrictions."""
    companies = [c.id for c in ds.companies]
    providers = {sv.provider for sv in ds.services}
    pick = st.lists(st.sampled_from(companies), max_size=2, unique=True)
    return Scenario(
        restrict=tuple(data.draw(pick)),
        grant=tuple(data.draw(st.lists(grants(ds), max_size=2))),
        drop_suppliers=tuple(c for c in data.draw(pick) if c not in providers),
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


class TestWhatIfChanges:
    """The changes from the statuses alone are whatif's, with and without an impact kept."""

    @settings(max_examples=150, deadline=None)
    @given(st.data(), datasets, days)
    def test_equal_to_whatif(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        scenario = generated_scenario(data, ds)
        expected, _, _ = whatif(SupplyChain.from_dataset(ds), scenario, day)
        assert whatif_changes(SupplyChain.from_dataset(ds), scenario, day) == expected
        seen = SupplyChain.from_dataset(ds)
        impact(seen, day)  # kept: the changes compare against it
        assert whatif_changes(seen, scenario, day) == expected
        applied = apply_scenario(SupplyChain.from_dataset(ds), scenario, day)
        impact(applied, day)  # the impact after, kept (as the command works it out for a picture)
        assert whatif_changes(SupplyChain.from_dataset(ds), scenario, day, applied=applied) == expected


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
        chain = graph(**sections)
        # Without the Korean maker, kchip comes only from 'us' and is Korean-origin: not subject.
        changes, _, after = whatif(chain, s, LATER)
        assert [(c.id, c.after) for c in changes.products] == [("phone", Status.OK)]
        assert after.products[0].substituted == ("chip",)
        assert chain.bom["phone"][0].alternatives == ()

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
        changed = apply_scenario(graph(**sections), s, LATER)
        assert changed.restrictions["new"].effective_from == LATER
        assert changed.licences["whatif:licence:1"].valid_from == LATER
        changes, _, after = whatif(graph(**sections), s, LATER)
        assert [(c.id, c.after) for c in changes.products] == [("phone", Status.AT_RISK)]
        assert after.products[0].relies_on == ("whatif:licence:1",)

    def test_fixture_files_parse(self) -> None:
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
        G = SupplyChain.from_dataset(load_dataset("fixtures/huawei_2019.yaml"))
        a = load_scenario("fixtures/scenarios/google_licence.yaml")
        b = load_scenario("fixtures/scenarios/tgl_extended.yaml")
        d = diff_scenarios(G, a, b, dt.date(2020, 9, 15))
        # Both keep the Mate 20's updates; only the TGL covers Intel and Xilinx support for the 4G RAN.
        assert [(r.id, r.baseline.value, r.a.value, r.b.value) for r in d.products] == [
            ("ran-4g-installed", "exposed", "exposed", "at_risk")
        ]
