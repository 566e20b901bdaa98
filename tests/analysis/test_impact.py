"""The impact rules, one class per rule, each case a graph small enough to check by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import Cause, Status
from tests.helpers import (
    BEFORE,
    LATER,
    ON,
    basic,
    bom,
    company,
    component,
    dataset,
    graph,
    licence,
    product,
    restriction,
    status_of,
    statuses,
    supply,
)


class TestTrivial:
    def test_empty_graph(self) -> None:
        result = impact(graph(), LATER)
        assert result.products == () and result.end_users == ()

    def test_no_restriction_is_ok(self) -> None:
        sections = basic()
        sections["restrictions"] = []
        assert status_of(sections, "phone") == "ok"

    def test_product_with_no_bom(self) -> None:
        sections = {
            "companies": [company("cn", "CN")],
            "products": [product("p", "cn")],
            "restrictions": [restriction("el", ["cn"])],
        }
        assert status_of(sections, "p") == "ok"


class TestRule1Window:
    """A restriction is active when the date is inside its inclusive window."""

    def test_day_before_is_inactive(self) -> None:
        assert status_of(basic(), "phone", BEFORE) == "ok"

    def test_first_day_is_active(self) -> None:
        assert status_of(basic(), "phone", ON) == "blocked"

    def test_last_day_is_active_and_next_is_not(self) -> None:
        sections = basic()
        sections["restrictions"] = [restriction("el", ["cn"], effective_until="2019-06-30")]
        assert status_of(sections, "phone", dt.date(2019, 6, 30)) == "blocked"
        assert status_of(sections, "phone", dt.date(2019, 7, 1)) == "ok"

    def test_active_restrictions_are_reported(self) -> None:
        sections = basic(restrictions=[restriction("later", ["cn"], effective_from="2020-01-01")])
        assert impact(graph(**sections), LATER).active_restrictions == ("el",)


class TestRule1Ownership:
    """Affiliates owned at or above the threshold by restricted parties are restricted too."""

    def sections(self, share: float, threshold: float | None = None) -> dict[str, list[dict[str, object]]]:
        r = restriction("el", ["parent"]) | ({"affiliates_threshold": threshold} if threshold else {})
        return basic(
            companies=[company("parent", "CN")],
            ownership=[{"owner": "parent", "owned": "cn", "share": share}],
        ) | {"restrictions": [r]}

    def test_half_owned_maker_is_restricted(self) -> None:
        assert status_of(self.sections(0.5), "phone") == "blocked"

    def test_minority_owned_maker_is_not(self) -> None:
        assert status_of(self.sections(0.49), "phone") == "ok"

    def test_threshold_from_the_restriction(self) -> None:
        assert status_of(self.sections(0.3, threshold=0.25), "phone") == "blocked"

    def test_indirect_two_levels(self) -> None:
        sections = basic(
            companies=[company("top", "CN"), company("mid", "CN")],
            ownership=[
                {"owner": "top", "owned": "mid", "share": 0.8},
                {"owner": "mid", "owned": "cn", "share": 0.6},
            ],
        ) | {"restrictions": [restriction("el", ["top"])]}
        assert status_of(sections, "phone") == "blocked"


class TestRule2Subject:
    """Only items subject to the restriction need a licence."""

    def with_chip(self, **chip: object) -> dict[str, list[dict[str, object]]]:
        sections = basic()
        sections["components"] = [component("chip", **chip)]
        return sections

    def test_us_origin_is_subject(self) -> None:
        assert status_of(self.with_chip(origin="US"), "phone") == "blocked"

    def test_publicly_available_is_not_subject(self) -> None:
        assert status_of(self.with_chip(origin="US", publicly_available=True), "phone") == "ok"

    def test_foreign_item_defaults_to_no_us_content(self) -> None:
        assert status_of(self.with_chip(origin="TW"), "phone") == "ok"

    def test_us_content_at_de_minimis_is_not_subject(self) -> None:
        assert status_of(self.with_chip(origin="TW", us_content=0.25), "phone") == "ok"

    def test_us_content_above_de_minimis_is_subject(self) -> None:
        assert status_of(self.with_chip(origin="TW", us_content=0.2501), "phone") == "blocked"

    def test_us_item_with_low_declared_content_is_still_subject(self) -> None:
        assert status_of(self.with_chip(origin="US", us_content=0.0), "phone") == "blocked"

    def test_de_minimis_from_the_restriction(self) -> None:
        sections = self.with_chip(origin="TW", us_content=0.15)
        sections["restrictions"] = [restriction("el", ["cn"], de_minimis=0.1)]
        assert status_of(sections, "phone") == "blocked"

    def test_origins_from_the_restriction(self) -> None:
        sections = self.with_chip(origin="GB")
        sections["restrictions"] = [restriction("el", ["cn"], origins=["US", "GB"])]
        assert status_of(sections, "phone") == "blocked"

    def test_de_minimis_only_applies_to_us_controls(self) -> None:
        sections = self.with_chip(origin="TW", us_content=0.9)
        sections["restrictions"] = [restriction("el", ["cn"], origins=["GB"])]
        assert status_of(sections, "phone") == "ok"

    def test_foreign_direct_product_rule(self) -> None:
        sections = self.with_chip(origin="TW", us_direct_product=True)
        assert status_of(sections, "phone") == "ok"
        sections["restrictions"] = [restriction("el", ["cn"], foreign_direct_product=True)]
        assert status_of(sections, "phone") == "blocked"

    def test_service_subject_by_provider_country(self) -> None:
        for country, expected in (("US", "exposed"), ("DE", "ok")):
            sections = basic(
                companies=[company("vendor", country)],
                services=[{"provider": "vendor", "product": "phone", "kind": "updates"}],
            )
            sections["products"] = [product("phone", "cn", lifecycle="legacy")]
            assert status_of(sections, "phone") == expected, country


class TestRule3Licences:
    """A valid licence of the same restriction that matches recipient, supplier and item lifts a block."""

    def status(self, day: dt.date = LATER, **lic: object) -> str:
        sections = basic(licences=[licence("L", "el", **lic)])
        return status_of(sections, "phone", day)

    def test_general_licence_covers_everything(self) -> None:
        assert self.status() == "at_risk"

    def test_window_edges_are_inclusive(self) -> None:
        kw = {"valid_from": "2019-06-01", "valid_until": "2019-06-30"}
        assert self.status(dt.date(2019, 5, 31), **kw) == "blocked"
        assert self.status(dt.date(2019, 6, 1), **kw) == "at_risk"
        assert self.status(dt.date(2019, 6, 30), **kw) == "at_risk"
        assert self.status(dt.date(2019, 7, 1), **kw) == "blocked"

    @pytest.mark.parametrize(
        ("field", "matching", "other"),
        [("recipients", "cn", "us"), ("suppliers", "us", "cn"), ("components", "chip", "phone")],
    )
    def test_each_list_must_match(self, field: str, matching: str, other: str) -> None:
        assert self.status(**{field: [matching]}) == "at_risk"
        assert self.status(**{field: [other]}) == "blocked"

    def test_services_only_licence_does_not_cover_supplies(self) -> None:
        assert self.status(covers="services") == "blocked"
        assert self.status(covers="supplies") == "at_risk"

    def test_licence_of_another_restriction_does_not_help(self) -> None:
        sections = basic(restrictions=[restriction("other", ["us"])], licences=[licence("L", "other")])
        assert status_of(sections, "phone") == "blocked"

    def test_two_restrictions_need_two_licences(self) -> None:
        sections = basic(restrictions=[restriction("el2", ["cn"])], licences=[licence("L", "el")])
        result = impact(graph(**sections), LATER)
        assert result.products[0].status is Status.BLOCKED
        assert {c.restriction for c in result.products[0].causes} == {"el2"}
        sections["licences"].append(licence("L2", "el2"))
        assert status_of(sections, "phone") == "at_risk"

    def test_relies_on_names_the_licence(self) -> None:
        sections = basic(licences=[licence("L", "el")])
        (phone,) = impact(graph(**sections), LATER).products
        assert phone.relies_on == ("L",)
        assert phone.without_licences is Status.BLOCKED

    def test_ignore_licences(self) -> None:
        sections = basic(licences=[licence("L", "el")])
        assert status_of(sections, "phone", ignore_licences=True) == "blocked"

    def test_service_licence_names_the_product(self) -> None:
        sections = basic(
            companies=[company("vendor")],
            services=[{"provider": "vendor", "product": "phone", "kind": "updates"}],
            licences=[licence("L", "el", covers="services", components=["phone"])],
        )
        sections["products"] = [product("phone", "cn", lifecycle="legacy")]
        assert status_of(sections, "phone") == "at_risk"
        sections["licences"] = [licence("L", "el", covers="services", components=["other-phone"])]
        sections["products"].append(product("other-phone", "cn", lifecycle="legacy"))
        assert status_of(sections, "phone") == "exposed"


class TestRule4Availability:
    """A component is available when some supplier can sell it unblocked and can build it."""

    def test_second_supplier_not_subject(self) -> None:
        sections = basic(companies=[company("tw", "TW")], supplies=[supply("tw", "chip")])
        sections["components"] = [component("chip", origin="US")]
        # The chip's origin makes every supply subject, whoever sells it.
        assert status_of(sections, "phone") == "blocked"

    def test_alternative_fills_the_entry(self) -> None:
        sections = basic(
            companies=[company("kr", "KR")],
            components=[component("chip-kr", origin="KR")],
            supplies=[supply("kr", "chip-kr")],
        )
        sections["bom"] = [bom("phone", "chip", alternatives=["chip-kr"])]
        (phone,) = impact(graph(**sections), LATER).products
        assert phone.status is Status.OK
        assert phone.substituted == ("chip",)

    def test_all_alternatives_lost(self) -> None:
        sections = basic(components=[component("chip2")], supplies=[supply("us", "chip2")])
        sections["bom"] = [bom("phone", "chip", alternatives=["chip2"])]
        assert status_of(sections, "phone") == "blocked"

    def multi_tier(self) -> dict[str, list[dict[str, object]]]:
        """'free' (not restricted) makes 'tv' from 'soc' sold by 'hisi' (restricted), built from a US 'ip'."""
        return {
            "companies": [company("us"), company("hisi", "CN"), company("free", "DE")],
            "components": [component("ip", origin="US"), component("soc", origin="TW")],
            "supplies": [supply("us", "ip"), supply("hisi", "soc")],
            "products": [product("tv", "free")],
            "bom": [bom("soc", "ip"), bom("tv", "soc")],
            "restrictions": [restriction("el", ["hisi"])],
            "end_users": [{"id": "viewer", "name": "Viewer"}],
            "uses": [{"user": "viewer", "product": "tv"}],
        }

    def test_multi_tier_reaches_unrestricted_maker(self) -> None:
        result = impact(graph(**self.multi_tier()), LATER)
        (tv,) = result.products
        assert tv.status is Status.BLOCKED
        assert tv.lost_required == ("soc",)
        assert tv.causes == (Cause(restriction="el", supplier="us", item="ip", buyer="hisi"),)
        assert statuses(result)["viewer"] == "blocked"

    def test_multi_tier_second_source_saves_it(self) -> None:
        sections = self.multi_tier()
        sections["companies"].append(company("other", "KR"))
        sections["supplies"].append(supply("other", "soc"))
        # 'other' is not restricted, so it buys the US IP and builds the SoC.
        assert status_of(sections, "tv") == "ok"

    def test_multi_tier_optional_subpart_does_not_stop_the_supplier(self) -> None:
        sections = self.multi_tier()
        sections["bom"] = [bom("soc", "ip", required=False), bom("tv", "soc")]
        assert status_of(sections, "tv") == "ok"

    def test_three_tiers(self) -> None:
        sections = self.multi_tier()
        sections["companies"].append(company("odm", "VN"))
        sections["components"].append(component("board", origin="VN"))
        sections["supplies"].append(supply("odm", "board"))
        sections["bom"] = [bom("soc", "ip"), bom("board", "soc"), bom("tv", "board")]
        (tv,) = impact(graph(**sections), LATER).products
        assert tv.status is Status.BLOCKED and tv.lost_required == ("board",)

    def test_restricted_supplier_selling_non_subject_part_is_fine(self) -> None:
        sections = self.multi_tier()
        sections["components"][0] = component("ip", origin="GB")
        sections["companies"].append(company("gb", "GB"))
        assert status_of(sections, "tv") == "ok"


class TestRule5ProductStatus:
    def test_degraded_when_only_optional_lost(self) -> None:
        sections = basic()
        sections["bom"] = [bom("phone", "chip", required=False)]
        (phone,) = impact(graph(**sections), LATER).products
        assert phone.status is Status.DEGRADED and phone.lost_optional == ("chip",)

    def test_exposed_beats_degraded(self) -> None:
        sections = basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}])
        sections["bom"] = [bom("phone", "chip", required=False)]
        assert status_of(sections, "phone") == "exposed"

    def test_blocked_beats_exposed(self) -> None:
        sections = basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}])
        (phone,) = impact(graph(**sections), LATER).products
        assert phone.status is Status.BLOCKED
        assert phone.blocked_services == ("updates from us",)

    def test_legacy_ignores_bom(self) -> None:
        sections = basic()
        sections["products"] = [product("phone", "cn", lifecycle="legacy")]
        assert status_of(sections, "phone") == "ok"

    def test_legacy_keeps_services(self) -> None:
        sections = basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}])
        sections["products"] = [product("phone", "cn", lifecycle="legacy")]
        assert status_of(sections, "phone") == "exposed"

    def test_at_risk_only_when_ok_thanks_to_licences(self) -> None:
        sections = basic(
            components=[component("gps")],
            supplies=[supply("us", "gps")],
            bom=[bom("phone", "gps", required=False)],
            licences=[licence("L", "el", components=["chip"])],
        )
        (phone,) = impact(graph(**sections), LATER).products
        # Licensed chip, unlicensed optional gps: degraded (not at_risk), but relies on L.
        assert phone.status is Status.DEGRADED
        assert phone.without_licences is Status.BLOCKED
        assert phone.relies_on == ("L",)


class TestRule6EndUsers:
    def test_worst_status_with_the_products_causing_it(self) -> None:
        sections = basic(
            companies=[company("de", "DE")],
            products=[product("tablet", "cn"), product("radio", "de")],
            bom=[bom("tablet", "chip"), bom("radio", "chip")],
            end_users=[{"id": "u", "name": "U"}, {"id": "idle", "name": "Idle"}],
            uses=[{"user": "u", "product": p} for p in ("phone", "tablet", "radio")],
        )
        result = impact(graph(**sections), LATER)
        (idle, u) = result.end_users
        assert (u.status, u.via) == (Status.BLOCKED, ("phone", "tablet"))
        assert (idle.status, idle.via) == (Status.OK, ())


class TestBomOrder:
    def test_parts_before_parents(self) -> None:
        ds = dataset(**TestRule4Availability().multi_tier())
        order = SupplyChain.from_dataset(ds).order
        assert order.index("ip") < order.index("soc") < order.index("tv")

    def test_cycle_is_reported_with_its_components(self) -> None:
        sections = {
            "companies": [company("us")],
            "components": [component("a"), component("b")],
            "supplies": [supply("us", "a"), supply("us", "b")],
            "bom": [bom("a", "b"), bom("b", "a")],
        }
        with pytest.raises(AnalysisError, match=r"cycle: (a -> b -> a|b -> a -> b)"):
            impact(graph(**sections), LATER)

    def test_cycle_through_an_alternative(self) -> None:
        sections = {
            "companies": [company("us")],
            "components": [component("a"), component("b"), component("c")],
            "supplies": [supply("us", "a"), supply("us", "b"), supply("us", "c")],
            "bom": [bom("a", "b", alternatives=["c"]), bom("c", "a")],
        }
        with pytest.raises(AnalysisError, match="cycle"):
            impact(graph(**sections), LATER)


class TestReliesOn:
    def test_the_licences_of_the_path_taken(self) -> None:
        # s1 and s2 (both listed by el) build the CN board from the US chip; m's phone needs the
        # board.  L1 covers the chip to s1, L2 (ending 2019-09-30) the chip to s2.  With the
        # licences the phone is ok, without them blocked: at_risk.  It relies on the licences of
        # the path the rules take: the board's suppliers are tried in company order and s1 can
        # build it with L1, so s2 (and L2) is a second source the phone does not need today:
        # relies_on is (L1,), and L2's end changes nothing for it.
        from tests.helpers import company, component, graph, licence, product, restriction, supply

        chain = graph(
            companies=[company("us"), company("s1", "CN"), company("s2", "CN"), company("m", "CN")],
            components=[component("chip"), component("board", "CN")],
            supplies=[supply("us", "chip"), supply("s1", "board"), supply("s2", "board")],
            products=[product("phone", "m")],
            bom=[{"parent": "board", "component": "chip"}, {"parent": "phone", "component": "board"}],
            restrictions=[restriction("el", ["s1", "s2"])],
            licences=[
                licence("L1", "el", recipients=["s1"], components=["chip"]),
                licence("L2", "el", recipients=["s2"], components=["chip"], valid_until="2019-09-30"),
            ],
        )
        (phone,) = impact(chain, LATER).products
        assert (phone.status, phone.without_licences, phone.relies_on) == (
            Status.AT_RISK,
            Status.BLOCKED,
            ("L1",),
        )
        # After L2 ends the phone is still at_risk on L1 alone: nothing moves.
        (later,) = impact(chain, dt.date(2019, 10, 1)).products
        assert (later.status, later.relies_on) == (Status.AT_RISK, ("L1",))
