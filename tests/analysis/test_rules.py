"""The generalised rules (issue "Real export controls"), each on a small graph worked out by hand.

A class per rule: item scopes and ECCN patterns, destinations, denial orders, lists with dated
affiliates rules, dated ownership, the FDPR's scopes, intermediaries, deliveries and services
to end users, review policy.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.analysis.engine import parties_on
from graphlib_trade.errors import DataError
from graphlib_trade.models import ImpactResult, parse_dataset
from tests.helpers import LATER, bom, company, component, licence, product, restriction, supply

Sections = dict[str, list[dict[str, Any]]]


def run(day: dt.date = LATER, **sections: list[dict[str, Any]]) -> ImpactResult:
    return impact(SupplyChain.from_dataset(parse_dataset(sections, "test")), day)


def status(result: ImpactResult, item: str) -> str:
    found = {p.id: p.status.value for p in result.products} | {u.id: u.status.value for u in result.end_users}
    return found[item]


def causes(result: ImpactResult, item: str) -> list[tuple[str, str, str, str, str]]:
    found = {p.id: p.causes for p in result.products} | {u.id: u.causes for u in result.end_users}
    return [(c.restriction, c.supplier, c.item, c.buyer, c.kind) for c in found[item]]


def chip_to(buyer_country: str, **part: Any) -> Sections:
    """us (US) sells ``part`` (US origin unless given) to maker m (``buyer_country``) for its phone."""
    return {
        "companies": [company("us"), company("m", buyer_country)],
        "components": [component("part", **({"origin": "US"} | part))],
        "supplies": [supply("us", "part")],
        "products": [product("phone", "m")],
        "bom": [bom("phone", "part")],
    }


class TestItemScope:
    @pytest.mark.parametrize(
        ("eccn", "items", "expected"),
        [
            # ccl leaves EAR99 out, keeps anything on the CCL.
            ("EAR99", "ccl", "ok"),
            ("5A992", "ccl", "blocked"),
            ("EAR99", "all", "blocked"),
            # A pattern matches the ECCN or its sub-paragraphs; a prefix with * matches a family.
            ("3A090.a", ["3A090"], "blocked"),
            ("3A991", ["3A090"], "ok"),
            ("3A991", ["3A*"], "blocked"),
            ("4A090", ["3A*"], "ok"),
            ("EAR99", ["3A*"], "ok"),
        ],
    )
    def test_scope(self, eccn: str, items: Any, expected: str) -> None:
        sections = chip_to("CN", eccn=eccn) | {"restrictions": [restriction("r", ["m"], items=items)]}
        assert status(run(**sections), "phone") == expected

    def test_an_unclassified_item_is_in_every_scope_and_says_so(self) -> None:
        # No ECCN on the part: caught under a 3A090 scope, and the cause is marked unclassified.
        sections = chip_to("CN") | {"restrictions": [restriction("r", ["m"], items=["3A090"])]}
        result = run(**sections)
        assert status(result, "phone") == "blocked"
        (cause,) = result.products[0].causes
        assert cause.unclassified and result.unclassified_causes == 1

    def test_under_the_default_scope_nothing_is_unclassified(self) -> None:
        result = run(**chip_to("CN") | {"restrictions": [restriction("r", ["m"])]})
        assert not result.products[0].causes[0].unclassified and result.unclassified_causes == 0


class TestDestinations:
    def russia(self, **extra: list[dict[str, Any]]) -> Sections:
        # ru-maker (RU) builds a radio from a US CCL part and a US EAR99 part; de-sub (DE) is
        # 100% owned by ru-maker and builds a meter from the CCL part.  The control: every
        # CCL item to anyone located in RU.
        sections: Sections = {
            "companies": [company("us"), company("ru-maker", "RU"), company("de-sub", "DE")],
            "ownership": [{"owner": "ru-maker", "owned": "de-sub", "share": 1.0}],
            "components": [component("ccl-part", eccn="5A991"), component("ear99-part", eccn="EAR99")],
            "supplies": [supply("us", "ccl-part"), supply("us", "ear99-part")],
            "products": [
                product("radio", "ru-maker"),
                product("meter", "de-sub"),
                product("box", "ru-maker"),
            ],
            "bom": [bom("radio", "ccl-part"), bom("meter", "ccl-part"), bom("box", "ear99-part")],
            "restrictions": [
                {"id": "ru", "destinations": ["RU"], "items": "ccl", "effective_from": "2022-02-24"}
            ],
        }
        for key, rows in extra.items():
            sections[key] = sections.get(key, []) + rows
        return sections

    def test_located_parties_need_a_licence_for_ccl_items_only(self) -> None:
        result = run(dt.date(2022, 3, 1), **self.russia())
        # The radio needs the CCL part (caught); the box only an EAR99 part (out of scope).
        assert (status(result, "radio"), status(result, "box")) == ("blocked", "ok")
        assert causes(result, "radio") == [("ru", "us", "ccl-part", "ru-maker", "supply")]

    def test_location_does_not_spread_through_ownership(self) -> None:
        # de-sub is wholly Russian-owned but located in Germany: not a party of a Russia control.
        assert status(run(dt.date(2022, 3, 1), **self.russia()), "meter") == "ok"

    def test_before_the_control(self) -> None:
        assert status(run(dt.date(2022, 2, 23), **self.russia()), "radio") == "ok"

    def test_an_end_user_located_there_is_blocked_by_its_delivery(self) -> None:
        # de-sub's meter (German origin by its maker, but ECCN 5A991 and 100% US content given)
        # delivered to a Russian end user: caught (de minimis), the user is blocked via it.
        sections = self.russia(
            end_users=[{"id": "ru-grid", "name": "Grid", "country": "RU"}, {"id": "de-grid", "name": "Grid"}],
            uses=[{"user": "ru-grid", "product": "meter"}, {"user": "de-grid", "product": "meter"}],
        )
        sections["products"][1] |= {"eccn": "5A991", "us_content": 1.0}
        result = run(dt.date(2022, 3, 1), **sections)
        assert (status(result, "ru-grid"), status(result, "de-grid")) == ("blocked", "ok")
        assert causes(result, "ru-grid") == [("ru", "de-sub", "meter", "ru-grid", "delivery")]
        assert [u.via for u in result.end_users if u.id == "ru-grid"] == [("meter",)]


class TestDenial:
    def zte(self) -> Sections:
        # zte (CN) is denied; it sells a CN-made board with 60% US content to oem (TW), and owns
        # zte-sub 100%, which buys a US chip.
        return {
            "companies": [
                company("us"),
                company("zte", "CN"),
                company("zte-sub", "CN"),
                company("oem", "TW"),
            ],
            "ownership": [{"owner": "zte", "owned": "zte-sub", "share": 1.0}],
            "components": [component("board", "CN", us_content=0.6), component("chip")],
            "supplies": [supply("zte", "board"), supply("us", "chip")],
            "products": [product("router", "oem"), product("handset", "zte-sub")],
            "bom": [bom("router", "board"), bom("handset", "chip")],
            "restrictions": [
                restriction("zte-denial", ["zte"], effective_from="2018-04-15", denial=True,
                            effective_until="2018-07-13")
            ],
        }  # fmt: skip

    def test_what_a_denied_party_sells_is_blocked_whoever_buys(self) -> None:
        result = run(dt.date(2018, 5, 1), **self.zte())
        assert status(result, "router") == "blocked"
        assert causes(result, "router") == [("zte-denial", "zte", "board", "oem", "supply")]

    def test_a_denial_order_names_persons_only(self) -> None:
        # No automatic affiliates: zte-sub still buys its chip.
        assert status(run(dt.date(2018, 5, 1), **self.zte()), "handset") == "ok"

    def test_after_the_order_ends(self) -> None:
        assert status(run(dt.date(2018, 7, 14), **self.zte()), "router") == "ok"


class TestLists:
    def listed(self, **list_fields: Any) -> Sections:
        # a and b are listed by two entries of one list; each holds 30% of jv, which buys a US chip.
        return {
            "lists": [{"id": "el", "name": "Entity List", **list_fields}],
            "companies": [company("us"), company("a", "CN"), company("b", "CN"), company("jv", "CN")],
            "ownership": [
                {"owner": "a", "owned": "jv", "share": 0.3},
                {"owner": "b", "owned": "jv", "share": 0.3},
            ],
            "components": [component("chip")],
            "supplies": [supply("us", "chip")],
            "products": [product("phone", "jv")],
            "bom": [bom("phone", "chip")],
            "restrictions": [
                {"id": "el-a", "list": "el", "targets": ["a"], "effective_from": "2019-05-16"},
                {"id": "el-b", "list": "el", "targets": ["b"], "effective_from": "2019-05-16"},
            ],
        }

    def test_the_list_aggregates_holdings_across_its_entries(self) -> None:
        # 30% + 30% = 60% >= 50%: jv is an affiliate through both entries, a party of each.
        result = run(**self.listed(affiliates_threshold=0.5))
        assert status(result, "phone") == "blocked"
        assert sorted(c[0] for c in causes(result, "phone")) == ["el-a", "el-b"]

    def test_without_a_rule_on_the_list_there_are_no_affiliates(self) -> None:
        # The entries' own default (50%) does not apply to entries of a list.
        assert status(run(**self.listed()), "phone") == "ok"

    def test_the_rule_holds_only_inside_its_windows(self) -> None:
        # In force 2025-09-29..2025-11-09, suspended, in force again from 2026-11-10.
        sections = self.listed(
            affiliates_threshold=0.5,
            affiliates_windows=[{"from": "2025-09-29", "until": "2025-11-09"}, {"from": "2026-11-10"}],
        )
        days = ["2025-09-28", "2025-09-29", "2025-11-09", "2025-11-10", "2026-11-09", "2026-11-10"]
        got = [status(run(dt.date.fromisoformat(d), **sections), "phone") for d in days]
        assert got == ["ok", "blocked", "blocked", "ok", "ok", "blocked"]

    def test_a_listed_company_is_an_affiliate_of_its_owners_entry_too(self) -> None:
        # a (el-a, every origin's default: US) holds 60% of b; b is listed itself by el-b, for CN
        # items only, and makes the phone from a US chip. el-b does not catch the chip, but a's
        # listing reaches b through the holding: the phone is blocked by el-a, and stays so
        # without el-b (lifting a listing never makes anything worse).
        sections = {
            "lists": [{"id": "el", "name": "Entity List", "affiliates_threshold": 0.5}],
            "companies": [company("us"), company("a", "CN"), company("b", "CN")],
            "ownership": [{"owner": "a", "owned": "b", "share": 0.6}],
            "components": [component("chip")],
            "supplies": [supply("us", "chip")],
            "products": [product("phone", "b")],
            "bom": [bom("phone", "chip")],
            "restrictions": [
                {"id": "el-a", "list": "el", "targets": ["a"], "effective_from": "2019-05-16"},
                {
                    "id": "el-b",
                    "list": "el",
                    "targets": ["b"],
                    "origins": ["CN"],
                    "effective_from": "2019-05-16",
                },
            ],
        }
        result = run(**sections)
        assert status(result, "phone") == "blocked"
        assert {c[0] for c in causes(result, "phone")} == {"el-a"}
        sections["restrictions"] = sections["restrictions"][:1]
        assert status(run(**sections), "phone") == "blocked"

    def test_a_listed_company_is_caught_through_the_holdings_that_reach_the_threshold(self) -> None:
        # a (el-a) holds 60% of b, c (el-c) 10%: the 60% alone reaches 50%, so b is caught through
        # el-a only, with a as its owner (as an unlisted company would be); c's 10% adds nothing.
        sections = {
            "lists": [{"id": "el", "name": "Entity List", "affiliates_threshold": 0.5}],
            "companies": [company("a", "CN"), company("b", "CN"), company("c", "CN")],
            "ownership": [
                {"owner": "a", "owned": "b", "share": 0.6},
                {"owner": "c", "owned": "b", "share": 0.1},
            ],
            "restrictions": [
                {"id": f"el-{x}", "list": "el", "targets": [x], "effective_from": "2019-05-16"} for x in "abc"
            ],
        }
        chain = SupplyChain.from_dataset(parse_dataset(sections, "test"))
        parties = parties_on(chain, ["el-a", "el-b", "el-c"], LATER)
        assert parties["el-a"] == {"a": (), "b": ("a",)}
        assert parties["el-b"] == {"b": ()} and parties["el-c"] == {"c": ()}

    def test_an_entry_aggregates_only_its_own_parties_without_a_list(self) -> None:
        # The same two listings as separate restrictions: 30% each, never 50% within one.
        sections = self.listed()
        for r in sections["restrictions"]:
            del r["list"]
        assert status(run(**sections), "phone") == "ok"


class TestDatedOwnership:
    def honor(self) -> Sections:
        # huawei owns honor 100% until it sells it on 2020-11-17 (last day of the holding: 11-16).
        return {
            "companies": [company("us"), company("huawei", "CN"), company("honor", "CN")],
            "ownership": [{"owner": "huawei", "owned": "honor", "share": 1.0, "valid_until": "2020-11-16"}],
            "components": [component("chip")],
            "supplies": [supply("us", "chip")],
            "products": [product("honor-phone", "honor")],
            "bom": [bom("honor-phone", "chip")],
            "restrictions": [restriction("el", ["huawei"], affiliates_threshold=0.5)],
        }

    def test_an_affiliate_while_owned_not_after_the_sale(self) -> None:
        assert status(run(dt.date(2020, 11, 16), **self.honor()), "honor-phone") == "blocked"
        assert status(run(dt.date(2020, 11, 17), **self.honor()), "honor-phone") == "ok"

    def test_explain_shows_the_holding_valid_on_the_day(self) -> None:
        from graphlib_trade.analysis import explain

        chain = SupplyChain.from_dataset(parse_dataset(self.honor(), "test"))
        (link,) = explain(chain, "honor-phone", dt.date(2020, 11, 16)).products[0].reasons[0].chains
        assert [(o.owner, o.owned, o.share) for o in link.ownership] == [("huawei", "honor", 1.0)]

    def test_shares_add_up_per_day(self) -> None:
        # 60% to one owner until 2020-06-30, then 60% to another: never more than 100% on a day.
        sections = self.honor()
        sections["companies"].append(company("buyer", "CN"))
        sections["ownership"] = [
            {"owner": "huawei", "owned": "honor", "share": 0.6, "valid_until": "2020-06-30"},
            {"owner": "buyer", "owned": "honor", "share": 0.6, "valid_from": "2020-07-01"},
        ]
        run(**sections)  # valid
        sections["ownership"][1]["valid_from"] = "2020-06-30"  # one day of 120%
        with pytest.raises(
            DataError, match=r"shares held in 'honor' add up to 1\.2 on 2020-06-30, more than 1"
        ):
            run(**sections)


class TestFdpr:
    def camera(self, scope: str) -> Sections:
        # sony (JP) makes a sensor with US technology; odm (TW) builds a camera module from it;
        # huawei (listed) buys the module for its phone.
        return {
            "companies": [company("sony", "JP"), company("odm", "TW"), company("huawei", "CN")],
            "components": [
                component("sensor", "JP", us_direct_product=True),
                component("module", "TW"),
            ],
            "supplies": [supply("sony", "sensor"), supply("odm", "module")],
            "products": [product("phone", "huawei"), product("odm-cam", "odm")],
            "bom": [bom("module", "sensor"), bom("phone", "module"), bom("odm-cam", "sensor")],
            "restrictions": [restriction("fdpr", ["huawei"], origins=[], fdpr={"scope": scope})],
        }

    def test_buyer_scope_misses_a_part_incorporated_for_a_listed_buyer(self) -> None:
        # The sensor goes to odm, not to huawei; the module is Taiwanese and no direct product.
        assert status(run(**self.camera("buyer")), "phone") == "ok"

    def test_incorporated_scope_catches_it(self) -> None:
        result = run(**self.camera("incorporated"))
        assert status(result, "phone") == "blocked"
        assert causes(result, "phone") == [("fdpr", "sony", "sensor", "odm", "supply")]

    def test_only_what_goes_to_the_listed_party(self) -> None:
        # odm's own camera, sold to nobody listed, still gets the sensor.
        assert status(run(**self.camera("incorporated")), "odm-cam") == "ok"

    def test_shorthand_and_rule_together_are_refused(self) -> None:
        sections = self.camera("buyer")
        sections["restrictions"][0]["foreign_direct_product"] = True
        with pytest.raises(DataError, match="fdpr and foreign_direct_product are both set"):
            run(**sections)


class TestIntermediaries:
    def test_a_restricted_intermediary_makes_the_supply_caught(self) -> None:
        # us sells its chip to oem (TW) through dist (CN, listed): oem's phone loses it.
        sections: Sections = {
            "companies": [company("us"), company("dist", "CN"), company("oem", "TW")],
            "components": [component("chip")],
            "supplies": [{"supplier": "us", "component": "chip", "via": ["dist"]}],
            "products": [product("phone", "oem")],
            "bom": [bom("phone", "chip")],
            "restrictions": [restriction("el", ["dist"])],
        }
        result = run(**sections)
        assert status(result, "phone") == "blocked"
        assert causes(result, "phone") == [("el", "us", "chip", "oem", "supply")]


class TestEndUsers:
    def carrier(self) -> Sections:
        # de-oem (DE) makes a router (German origin, no US content) that google (US) keeps
        # updated; mil (a listed end user) and shop (not listed) use it.
        return {
            "companies": [company("google"), company("de-oem", "DE"), company("de-parts", "DE")],
            "components": [component("board", "DE")],
            "supplies": [supply("de-parts", "board")],
            "products": [product("router", "de-oem")],
            "bom": [bom("router", "board")],
            "services": [{"provider": "google", "product": "router", "kind": "updates"}],
            "end_users": [{"id": "mil", "name": "Military unit"}, {"id": "shop", "name": "Shop"}],
            "uses": [{"user": "mil", "product": "router"}, {"user": "shop", "product": "router"}],
            "restrictions": [restriction("meu", ["mil"], review_policy="denial")],
        }

    def test_a_listed_end_user_loses_the_service_others_keep_it(self) -> None:
        result = run(**self.carrier())
        # The router itself is fine; its German origin keeps the delivery out of scope.
        assert status(result, "router") == "ok"
        assert (status(result, "mil"), status(result, "shop")) == ("exposed", "ok")
        assert causes(result, "mil") == [("meu", "google", "router", "mil", "service")]

    def test_the_cause_carries_the_review_policy(self) -> None:
        (mil,) = [u for u in run(**self.carrier()).end_users if u.id == "mil"]
        assert mil.causes[0].review_policy == "denial"

    def test_a_licence_for_the_end_user_makes_it_at_risk(self) -> None:
        sections = self.carrier()
        sections["licences"] = [licence("l", "meu", recipients=["mil"], covers="services")]
        assert status(run(**sections), "mil") == "at_risk"


class TestBadInput:
    @pytest.mark.parametrize(
        ("change", "message"),
        [
            ({"list": "nope"}, "restrictions[0] 'r': list: unknown list 'nope'"),
            ({"items": "everything"}, "must be 'all', 'ccl' or a list of ECCN patterns"),
            ({"items": ["3A0"]}, "'3A0' is not an ECCN pattern"),
            ({"items": ["EAR99"]}, "'EAR99' is not an ECCN pattern"),
            ({"targets": [], "destinations": ["RUS"]}, "must be an ISO 3166 alpha-2 country code"),
            ({"targets": ["mars"]}, "targets: unknown company or end user 'mars'"),
        ],
    )
    def test_each_names_the_entry_and_the_value(self, change: dict[str, Any], message: str) -> None:
        sections = chip_to("CN") | {"restrictions": [restriction("r", ["m"]) | change]}
        with pytest.raises(DataError) as err:
            run(**sections)
        assert message in str(err.value) and "restrictions[0] 'r'" in str(err.value)

    def test_list_and_own_threshold_together(self) -> None:
        sections = chip_to("CN") | {
            "lists": [{"id": "el"}],
            "restrictions": [restriction("r", ["m"], list="el", affiliates_threshold=0.5)],
        }
        with pytest.raises(DataError, match=r"list 'el' and affiliates_threshold 0\.5 are both set"):
            run(**sections)

    @pytest.mark.parametrize(
        ("windows", "message"),
        [
            ([{"from": "2025-09-29", "until": "2025-09-01"}], "until 2025-09-01 is before from 2025-09-29"),
            (
                [{"from": "2025-09-29", "until": "2025-11-09"}, {"from": "2025-11-01"}],
                "affiliates_windows overlap: 2025-09-29..2025-11-09 and 2025-11-01..",
            ),
        ],
    )
    def test_windows(self, windows: list[dict[str, str]], message: str) -> None:
        sections = chip_to("CN") | {
            "lists": [{"id": "el", "affiliates_threshold": 0.5, "affiliates_windows": windows}]
        }
        with pytest.raises(DataError) as err:
            run(**sections)
        assert message in str(err.value) and "lists[0] 'el'" in str(err.value)


class TestExplainEndUsers:
    def test_an_end_users_own_loss_is_explained(self) -> None:
        # From TestEndUsers: mil (listed) loses google's updates to the router; the router is ok.
        from graphlib_trade.analysis import explain

        chain = SupplyChain.from_dataset(parse_dataset(TestEndUsers().carrier(), "test"))
        expl = explain(chain, "mil", LATER)
        assert expl.status.value == "exposed" and expl.products == ()
        (reason,) = expl.own
        (link,) = reason.chains
        assert (reason.kind, reason.what, link.party, link.role) == ("service", "router", "mil", "buyer")
