"""The real controls of 2018-2026, one fixture each in ``fixtures/cases/``.

Each fixture's header cites the Federal Register and works the expected answers out by hand;
the tests below hold the engine to them (the same reasoning is repeated in comments).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graphlib_trade.analysis import SupplyChain, explain, impact, timeline
from graphlib_trade.analysis.timeline import window_dates
from graphlib_trade.models import ImpactResult
from graphlib_trade.sources import load_dataset

CASES = Path(__file__).resolve().parent.parent / "fixtures" / "cases"


def chain_of(name: str) -> SupplyChain:
    return SupplyChain.from_dataset(load_dataset(CASES / f"{name}.yaml"))


def statuses(result: ImpactResult) -> dict[str, str]:
    out = {p.id: p.status.value for p in result.products}
    out.update({u.id: u.status.value for u in result.end_users})
    return out


class TestZte2018:
    chain = chain_of("zte_2018")

    def on(self, day: str) -> dict[str, str]:
        return statuses(impact(self.chain, dt.date.fromisoformat(day)))

    def test_before_the_order(self) -> None:
        assert set(self.on("2018-04-14").values()) == {"ok"}

    def test_during_the_order(self) -> None:
        # Kangxun (named) cannot buy Qualcomm's chip; Google's updates to Kangxun's installed base
        # stop; ZTE (named) as the seller of a board at 30% US content (> 25%) blocks the German
        # small cell, but not the meter (10% US content); Sanechips (ZTE-owned, not named) is fine.
        assert self.on("2018-05-01") == {
            "blade-v9": "blocked",
            "blade-v8": "exposed",
            "blade-v8-owners": "exposed",
            "small-cell": "blocked",
            "meter": "ok",
            "sanechips-stb": "ok",
        }

    def test_the_seller_is_the_denied_party(self) -> None:
        result = impact(self.chain, dt.date(2018, 5, 1))
        (small_cell,) = [p for p in result.products if p.id == "small-cell"]
        assert [(c.supplier, c.buyer, c.review_policy) for c in small_cell.causes] == [
            ("zte", "de-oem", "denial")
        ]

    def test_explain_names_the_denied_seller(self) -> None:
        expl = explain(self.chain, "small-cell", dt.date(2018, 5, 1))
        (chain,) = expl.products[0].reasons[0].chains
        assert (chain.party, chain.role, chain.ownership) == ("zte", "seller", ())

    def test_the_temporary_authorisation_covers_support(self) -> None:
        got = self.on("2018-07-05")
        assert (got["blade-v8"], got["blade-v8-owners"], got["blade-v9"]) == ("at_risk", "at_risk", "blocked")

    def test_after_termination(self) -> None:
        assert set(self.on("2018-07-14").values()) == {"ok"}

    def test_timeline_has_the_three_dates(self) -> None:
        assert [e.date.isoformat() for e in timeline(self.chain).events] == [
            "2018-04-15",
            "2018-07-02",
            "2018-07-14",
        ]


class TestRussia2022:
    chain = chain_of("russia_2022")

    def on(self, day: str) -> dict[str, str]:
        return statuses(impact(self.chain, dt.date.fromisoformat(day)))

    def test_before(self) -> None:
        assert set(self.on("2022-02-23").values()) == {"ok"}

    def test_russia_from_24_february(self) -> None:
        # CCL items to anyone in Russia (not EAR99); the Russia FDPR (CCL direct products); the
        # military end-user FDPR reaches an EAR99 direct product; Belarus not yet.
        assert self.on("2022-02-25") == {
            "ru-server": "blocked",
            "ru-cable-kit": "ok",
            "ru-controller": "blocked",
            "meu-drone": "blocked",
            "by-tractor-x": "ok",
            "de-harvester": "ok",
        }

    def test_which_rule_catches_what(self) -> None:
        result = impact(self.chain, dt.date(2022, 2, 25))
        found = {p.id: sorted((c.restriction, c.item) for c in p.causes) for p in result.products}
        assert found["ru-controller"] == [("ru-2022", "tw-mcu")]
        assert found["meu-drone"] == [("ru-meu-fdpr-2022", "tw-connector")]

    def test_belarus_from_2_march_but_not_its_german_subsidiary(self) -> None:
        got = self.on("2022-03-02")
        assert (got["by-tractor-x"], got["de-harvester"]) == ("blocked", "ok")


class TestAdvancedComputing2022:
    chain = chain_of("advanced_computing_2022")

    def test_before(self) -> None:
        assert set(statuses(impact(self.chain, dt.date(2022, 10, 6))).values()) == {"ok"}

    def test_2022_rule(self) -> None:
        result = impact(self.chain, dt.date(2022, 10, 7))
        assert statuses(result) == {
            "training-rig": "ok",
            "inference-box": "blocked",
            "cloud-cluster": "blocked",
            "de-rig": "ok",
        }
        products = {p.id: p for p in result.products}
        # The A800 (3A991) stands in for the caught A100 (3A090.a).
        assert products["training-rig"].substituted == ("a100",)
        # The NPU has no ECCN: in every scope, and the cause says so.
        assert [(c.item, c.unclassified) for c in products["inference-box"].causes] == [("npu", True)]
        assert result.unclassified_causes == 1
        # The Taiwanese HGX board is caught by the FDPR (4A090.a, a direct product of US technology).
        assert [(c.supplier, c.item) for c in products["cloud-cluster"].causes] == [("tw-odm", "hgx-server")]

    def test_2023_update_catches_the_a800(self) -> None:
        result = impact(self.chain, dt.date(2023, 11, 17))
        (rig,) = [p for p in result.products if p.id == "training-rig"]
        assert rig.status.value == "blocked"
        assert sorted((c.restriction, c.item) for c in rig.causes) == [
            ("ac-2022", "a100"),
            ("ac-2023", "a800"),
        ]

    def test_explain_names_the_unclassified_item(self) -> None:
        expl = explain(self.chain, "inference-box", dt.date(2022, 10, 7))
        (chain,) = expl.products[0].reasons[0].chains
        assert chain.cause.unclassified and chain.cause.review_policy == "denial"


class TestHuaweiFdpr2020:
    chain = chain_of("huawei_fdpr_2020")

    def on(self, day: str) -> dict[str, str]:
        return statuses(impact(self.chain, dt.date.fromisoformat(day)))

    def test_before_the_fdpr(self) -> None:
        # No US-origin part, and the Taiwanese wafer has no US content: the listing alone spares it.
        assert self.on("2020-05-14") == {"p40": "ok", "dashcam": "ok"}

    def test_the_savings_window_keeps_the_wafer_under_the_may_rule(self) -> None:
        result = impact(self.chain, dt.date(2020, 5, 15))
        (p40,) = [p for p in result.products if p.id == "p40"]
        assert (p40.status.value, p40.relies_on) == ("at_risk", ("savings-2020-05",))

    def test_the_august_rule_catches_what_goes_into_what_huawei_buys(self) -> None:
        result = impact(self.chain, dt.date(2020, 8, 17))
        products = {p.id: p for p in result.products}
        assert (products["p40"].status.value, products["dashcam"].status.value) == ("blocked", "ok")
        # The sensor goes to the ODM, not to Huawei: caught only because the module goes to Huawei.
        assert sorted((c.restriction, c.supplier, c.buyer) for c in products["p40"].causes) == [
            ("fdpr-huawei-2020-08", "sony", "tw-odm"),
            ("fdpr-huawei-2020-08", "tsmc", "hisilicon"),
        ]

    def test_after_the_savings_window(self) -> None:
        assert self.on("2020-09-15")["p40"] == "blocked"


class TestAffiliatesRule2025:
    chain = chain_of("affiliates_rule_2025")

    @pytest.mark.parametrize(
        ("day", "jv"),
        [
            ("2025-09-28", "ok"),  # no automatic affiliates before the rule
            ("2025-09-29", "blocked"),  # 30% + 25% across the list's entries
            ("2025-11-09", "blocked"),  # the window's last day
            ("2025-11-10", "ok"),  # suspended
            ("2026-11-09", "ok"),
            ("2026-11-10", "blocked"),  # in force again
        ],
    )
    def test_the_rule_follows_its_windows(self, day: str, jv: str) -> None:
        got = statuses(impact(self.chain, dt.date.fromisoformat(day)))
        assert (got["jv-router"], got["huawei-phone"], got["honor-phone"]) == (jv, "blocked", "ok")

    def test_an_affiliate_through_both_entries_carries_both_policies(self) -> None:
        result = impact(self.chain, dt.date(2025, 9, 29))
        (jv,) = [p for p in result.products if p.id == "jv-router"]
        assert sorted((c.restriction, c.review_policy) for c in jv.causes) == [
            ("el-huawei", "denial"),
            ("el-smic", "case_by_case"),
        ]

    def test_the_timeline_stops_on_the_rule_windows(self) -> None:
        # The restrictions in force stay el-huawei and el-smic from 2020-12-18 on; only the list's
        # rule window changes jv-router: blocked 2025-09-29, ok 2025-11-10 (suspended), blocked
        # 2026-11-10. Honor's sale (holding's last day 2020-11-16) is a window date too, but no
        # status changes on it (no affiliates rule in 2020), so it is no event.
        tl = timeline(self.chain, dt.date(2025, 1, 1), dt.date(2027, 1, 1))
        got = [
            (e.date.isoformat(), [(c.id, c.before.value, c.after.value) for c in e.products])
            for e in tl.events
        ]
        assert got == [
            ("2025-09-29", [("jv-router", "ok", "blocked")]),
            ("2025-11-10", [("jv-router", "blocked", "ok")]),
            ("2026-11-10", [("jv-router", "ok", "blocked")]),
        ]

    def test_the_sale_of_honor_is_a_window_date(self) -> None:
        assert window_dates(self.chain)[dt.date(2020, 11, 17)] == [
            "holding of honor by huawei ended (last day 2020-11-16)"
        ]

    def test_explain_shows_the_aggregated_holdings(self) -> None:
        expl = explain(self.chain, "jv-router", dt.date(2025, 9, 29))
        chains = expl.products[0].reasons[0].chains
        links = {(o.owner, o.owned, o.share) for c in chains for o in c.ownership}
        assert links == {("huawei", "jv", 0.3), ("smic", "jv", 0.25)}


class TestSmic2020:
    chain = chain_of("smic_2020")

    def test_before(self) -> None:
        assert set(statuses(impact(self.chain, dt.date(2020, 12, 17))).values()) == {"ok"}

    def test_the_review_policy_is_what_differs(self) -> None:
        result = impact(self.chain, dt.date(2020, 12, 18))
        found = {
            p.id: sorted((c.restriction, c.item, c.review_policy) for c in p.causes) for p in result.products
        }
        assert statuses(result) == {
            "smic-7nm-line": "blocked",
            "smic-28nm-line": "blocked",
            "hua-hong-line": "ok",
        }
        # The 10 nm etch tool: both entries (two licences needed, one facing a presumption of denial).
        assert found["smic-7nm-line"] == [
            ("el-smic-2020", "etch-10nm", "case_by_case"),
            ("el-smic-2020-advanced", "etch-10nm", "denial"),
        ]
        # Mature tools and EAR99 chemicals: the case-by-case entry only.
        assert found["smic-28nm-line"] == [
            ("el-smic-2020", "chemicals", "case_by_case"),
            ("el-smic-2020", "deposition-mature", "case_by_case"),
        ]

    def test_the_minimal_licences_say_which_faces_a_presumption_of_denial(self) -> None:
        expl = explain(self.chain, "smic-7nm-line", dt.date(2020, 12, 18))
        lift = expl.products[0].lift
        assert lift is not None
        assert sorted((c.restriction, c.review_policy) for c in lift) == [
            ("el-smic-2020", "case_by_case"),
            ("el-smic-2020-advanced", "denial"),
        ]


@pytest.mark.parametrize("path", sorted(CASES.glob("*.yaml")), ids=lambda p: p.stem)
def test_every_case_cites_the_federal_register(path: Path) -> None:
    ds = load_dataset(path)
    assert all(" FR " in (r.authority or "") for r in ds.restrictions), path.name
