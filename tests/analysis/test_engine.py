"""The engine: one evaluation of the rules on a date, and its fast path.

``touched``: the engine evaluates only what a restricted party or a lost supply can
touch; evaluating every product and supply must give the same impact.
"""

from __future__ import annotations

import datetime as dt
import importlib
from pathlib import Path
from typing import Any
from unittest import mock

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import Evaluation, SupplyChain, evaluate, explain, impact, timeline, whatif
from graphlib_trade.analysis.engine import (
    CauseKey,
    above,
    bom_view,
    evaluate_later,
    evaluate_without_licences,
    parties_on,
    passed_on,
    rule_seeds,
)
from graphlib_trade.analysis.scenario import apply_scenario
from graphlib_trade.models import Dataset, Scenario, Status
from graphlib_trade.sources import load_dataset
from tests.helpers import (
    BEFORE,
    LATER,
    basic,
    bom,
    company,
    component,
    graph,
    licence,
    product,
    restriction,
    supply,
)
from tests.strategies import DATES, datasets, days

HUAWEI = Path(__file__).resolve().parents[2] / "fixtures" / "huawei_2019.yaml"
# The module, not a function of the same name.
engine_module = importlib.import_module("graphlib_trade.analysis.engine")


class TestEvaluation:
    def test_a_blocked_supply_and_its_cause(self) -> None:
        # basic(): us (US) sells US-origin chip to cn, listed by el from 2019-05-16; the phone needs it.
        run = Evaluation(graph(**basic()), LATER)
        cause = CauseKey("el", "us", "chip", "cn", "supply")
        assert run.active == ("el",) and run.parties == {"el": {"cn": ()}}
        assert run.supply_blocks("us", "chip", "cn") == {cause}
        assert run.available("chip", "cn") == {cause}
        assert run.available("chip", "us") is None  # us is no restricted party
        product = run.product("phone")
        assert (product.status, product.lost_required, product.per_entry) == (
            Status.BLOCKED,
            ("chip",),
            {"chip": frozenset({cause})},
        )

    def test_a_licence_lifts_the_cause_and_is_recorded(self) -> None:
        chain = graph(**basic(licences=[licence("l", "el", components=["chip"])]))
        run = Evaluation(chain, LATER)
        cause = CauseKey("el", "us", "chip", "cn", "supply")
        assert run.supply_blocks("us", "chip", "cn") == frozenset()
        assert run.used_licences == {cause: {"l"}}
        assert Evaluation(chain, LATER, licences=False).supply_blocks("us", "chip", "cn") == {cause}

    def test_a_lifted_cause_counts_as_licensed(self) -> None:
        cause = CauseKey("el", "us", "chip", "cn", "supply")
        run = Evaluation(graph(**basic()), LATER, lifted=frozenset({cause}))
        assert run.product("phone").status is Status.OK

    def test_can_build_needs_every_required_part(self) -> None:
        # cn also makes a board from chip; as a restricted party it cannot build it.
        sections = basic(
            components=[{"id": "board", "name": "board", "origin": "CN"}],
            supplies=[supply("cn", "board")],
            bom=[{"parent": "board", "component": "chip"}],
        )
        run = Evaluation(graph(**sections), LATER)
        assert run.can_build("cn", "board") == {CauseKey("el", "us", "chip", "cn", "supply")}

    def test_evaluate_leaves_what_nothing_touches_ok(self) -> None:
        # A German maker's tablet needs a Japanese part from a Japanese supplier: no listing reaches it.
        sections = basic(
            companies=[company("de", "DE"), company("jp", "JP")],
            components=[{"id": "panel", "name": "panel", "origin": "JP"}],
            supplies=[supply("jp", "panel")],
            products=[{"id": "tablet", "name": "tablet", "maker": "de"}],
            bom=[{"parent": "tablet", "component": "panel"}],
        )
        run, products = evaluate(graph(**sections), LATER)
        assert "tablet" not in run.touched and products["tablet"].status is Status.OK
        assert products["phone"].status is Status.BLOCKED


_evaluation_init = Evaluation.__init__


def no_reuse(
    self: Evaluation, chain: SupplyChain, as_of: dt.date, *, reuse: object = None, **kw: Any
) -> None:
    """An Evaluation that takes nothing from another: everything is evaluated again."""
    _evaluation_init(self, chain, as_of, **kw)
    if reuse is not None:
        self.redo = set(chain.items)


class TestEvaluateWithoutLicences:
    def test_only_what_a_licence_lifted_is_evaluated_again(self) -> None:
        # basic() plus a US case bought by cn for its tablet; licence l covers the chip only.
        # With licences: phone ok (l lifts us->chip->cn), tablet blocked (case).  Without: both
        # blocked.  Only chip and what it goes into (phone) need evaluating again.
        sections = basic(
            components=[component("case")],
            supplies=[supply("us", "case")],
            products=[product("tablet", "cn")],
            bom=[bom("tablet", "case")],
            licences=[licence("l", "el", components=["chip"])],
        )
        chain = graph(**sections)
        run, products = evaluate(chain, LATER)
        assert (products["phone"].status, products["tablet"].status) == (Status.OK, Status.BLOCKED)
        bare, bare_products = evaluate_without_licences(run, products)
        assert bare.redo == {"chip", "phone"}
        assert bare_products["phone"].causes == {CauseKey("el", "us", "chip", "cn", "supply")}
        assert bare_products["tablet"] is products["tablet"]  # taken as it was

    def test_no_valid_licence_is_the_same_evaluation(self) -> None:
        # The licence starts after LATER: nothing to take away.
        sections = basic(licences=[licence("l", "el", valid_from="2099-01-01", components=["chip"])])
        run, products = evaluate(graph(**sections), LATER)
        assert evaluate_without_licences(run, products)[0] is run

    @settings(max_examples=150, deadline=None)
    @given(datasets, days)
    def test_equals_a_fresh_licence_free_evaluation(self, ds: Dataset, day: dt.date) -> None:
        chain = SupplyChain.from_dataset(ds)
        bare, products = evaluate_without_licences(*evaluate(chain, day))
        fresh, fresh_products = evaluate(chain.changed(), day, licences=False)
        assert products == fresh_products
        assert {u: bare.end_user(u) for u in chain.end_users} == {
            u: fresh.end_user(u) for u in chain.end_users
        }

    @settings(max_examples=100, deadline=None)
    @given(datasets, days)
    def test_impact_and_explain_equal_without_reuse(self, ds: Dataset, day: dt.date) -> None:
        chain = SupplyChain.from_dataset(ds)
        fast = impact(chain, day)
        fast_explained = [explain(chain, p, day) for p in sorted(chain.products)]
        slow_chain = chain.changed()
        with mock.patch.object(Evaluation, "__init__", no_reuse):
            assert impact(slow_chain, day) == fast
            assert [explain(slow_chain, p, day) for p in sorted(chain.products)] == fast_explained


class TestEvaluateLater:
    """An evaluation carried over from another date equals one made afresh on the new date."""

    def test_a_buyer_restricted_by_one_more_restriction(self) -> None:
        # fab (CN) builds a module from a US chip for oem's phone.  r1 (CN origins only) lists fab
        # from 2019-05-16: nothing fab buys is CN, so on 2019-06-01 the chip reaches fab and
        # the phone is ok.  r2 (US origin, the default) lists fab too from 2019-07-01: the chip
        # is caught, fab cannot build the module, and the phone is blocked.  fab was already a
        # restricted party (of r1), so what it may buy must be asked again, not carried over.
        chain = graph(
            companies=[company("us"), company("fab", "CN"), company("oem", "DE")],
            components=[component("chip"), component("module", "CN")],
            supplies=[supply("us", "chip"), supply("fab", "module")],
            products=[product("phone", "oem")],
            bom=[bom("phone", "module"), bom("module", "chip")],
            restrictions=[
                restriction("r1", ["fab"], origins=["CN"]),
                restriction("r2", ["fab"], effective_from="2019-07-01"),
            ],
        )
        run, products = evaluate(chain, LATER)
        assert products["phone"].status is Status.OK and run.available("chip", "fab") is None
        _, later = evaluate_later(run, products, dt.date(2019, 7, 1))
        assert later["phone"].status is Status.BLOCKED
        assert later["phone"].causes == {CauseKey("r2", "us", "chip", "fab", "supply")}

    def test_a_licence_that_starts_and_one_that_ends(self) -> None:
        # basic(): el blocks us -> chip -> cn from 2019-05-16.  Licence l covers the chip from
        # 2019-07-01 to 2019-07-31: blocked on 2019-06-01, ok (licensed) in July, blocked again
        # on 2019-08-01.
        chain = graph(**basic(licences=[licence("l", "el", "2019-07-01", valid_until="2019-07-31")]))
        cause = CauseKey("el", "us", "chip", "cn", "supply")
        run, products = evaluate(chain, LATER)
        assert products["phone"].causes == {cause}
        july, july_products = evaluate_later(run, products, dt.date(2019, 7, 1))
        assert july_products["phone"].status is Status.OK and july.used_licences == {cause: {"l"}}
        _, august = evaluate_later(july, july_products, dt.date(2019, 8, 1))
        assert august["phone"].causes == {cause}

    def test_a_maker_listed(self) -> None:
        # basic(): el lists cn, the phone's maker, from 2019-05-16: ok the day before (nothing
        # restricted), blocked after (the US chip no longer reaches cn).
        run, products = evaluate(graph(**basic()), BEFORE)
        assert products["phone"].status is Status.OK
        _, later = evaluate_later(run, products, LATER)
        assert later["phone"].causes == {CauseKey("el", "us", "chip", "cn", "supply")}

    def test_an_intermediary_listed(self) -> None:
        # us sells the US chip to oem (DE) through dist (HK), listed by r from 2019-06-01: the
        # supply to oem is caught once dist is a restricted party (a party to the transaction).
        chain = graph(
            companies=[company("us"), company("dist", "HK"), company("oem", "DE")],
            components=[component("chip")],
            supplies=[{"supplier": "us", "component": "chip", "via": ["dist"]}],
            products=[product("phone", "oem")],
            bom=[bom("phone", "chip")],
            restrictions=[restriction("r", ["dist"], effective_from="2019-06-01")],
        )
        run, products = evaluate(chain, BEFORE)
        assert products["phone"].status is Status.OK
        _, later = evaluate_later(run, products, LATER)
        assert later["phone"].causes == {CauseKey("r", "us", "chip", "oem", "supply")}

    def test_a_service_provider_denied(self) -> None:
        # oem's phone needs updates from svc (US), denied by order d from 2019-06-01: a denied
        # party may not supply, so the service is caught and the phone exposed.
        chain = graph(
            companies=[company("svc"), company("oem", "DE")],
            products=[product("phone", "oem")],
            services=[{"provider": "svc", "product": "phone", "kind": "updates"}],
            restrictions=[restriction("d", ["svc"], effective_from="2019-06-01", denial=True)],
        )
        run, products = evaluate(chain, BEFORE)
        assert products["phone"].status is Status.OK
        _, later = evaluate_later(run, products, LATER)
        assert later["phone"].status is Status.EXPOSED
        assert later["phone"].causes == {CauseKey("d", "svc", "phone", "oem", "service")}

    @settings(max_examples=400, deadline=None)
    @given(datasets, st.permutations(DATES))
    def test_equals_a_fresh_evaluation_on_every_date(self, ds: Dataset, dates: list[dt.date]) -> None:
        chain = SupplyChain.from_dataset(ds)
        run, products = evaluate(chain, dates[0])
        for day in dates[1:]:
            run, products = evaluate_later(run, products, day)
            fresh, fresh_products = evaluate(chain.changed(), day)
            assert products == fresh_products, day
            assert {u: run.end_user(u) for u in chain.end_users} == {
                u: fresh.end_user(u) for u in chain.end_users
            }
            # What it gives the licence-free run is enough for that run to be right too.
            assert (
                evaluate_without_licences(run, products)[1]
                == evaluate(chain.changed(), day, licences=False)[1]
            )


class TestBottomUp:
    """Whether a supplier can build a part is worked out when first needed, or bottom up for a
    deep bill of materials: the same answers either way."""

    @settings(max_examples=100, deadline=None)
    @given(datasets, days)
    def test_same_impact_either_way(self, ds: Dataset, day: dt.date) -> None:
        chain = SupplyChain.from_dataset(ds)
        when_needed = impact(chain, day)
        with mock.patch.object(engine_module, "EAGER_DEPTH", 0):
            assert impact(chain.changed(), day) == when_needed

    def test_a_bom_deeper_than_the_recursion_limit(self) -> None:
        # cn builds p1 from p0, p2 from p1, ... p1500 from p1499, and the phone from p1500; p0
        # is the US chip it cannot get: the phone is blocked through all 1,501 levels.
        depth = 1500
        parts = [component(f"p{i}", "CN") for i in range(1, depth + 1)]
        sections = basic(
            components=parts,
            supplies=[supply("cn", p["id"]) for p in parts],
            bom=[bom(f"p{i}", "chip" if i == 1 else f"p{i - 1}") for i in range(1, depth + 1)],
        )
        sections["bom"] = [bom("phone", f"p{depth}"), *sections["bom"][1:]]
        chain = graph(**sections)
        assert chain.depth == depth + 2  # phone, p1500 ... p1, chip
        phone = next(p for p in impact(chain, LATER).products if p.id == "phone")
        assert phone.status is Status.BLOCKED
        assert [c.item for c in phone.causes] == ["chip"]
        # The timeline carries the day before the listing (ok) to the listing day: everything
        # the listing reaches is worked out again, bottom up too.
        (event,) = timeline(graph(**sections)).events
        assert [(c.id, c.before.value, c.after.value) for c in event.products] == [("phone", "ok", "blocked")]


class TestTouched:
    """Evaluating only what the restrictions can touch gives the impact of evaluating everything."""

    @staticmethod
    def everything(chain: SupplyChain, reaches: object) -> set[str]:
        return set(chain.components) | set(chain.products)

    def assert_same(self, chain: SupplyChain, day: dt.date) -> None:
        fast = impact(chain, day)
        slow_chain = chain.changed()  # the same chain, nothing kept
        with mock.patch.object(engine_module, "touched", self.everything):
            slow = impact(slow_chain, day)
        assert fast == slow

    @pytest.mark.parametrize(
        "day", [dt.date(2019, 5, 15), dt.date(2019, 5, 16), dt.date(2019, 9, 1), dt.date(2020, 9, 15)]
    )
    def test_huawei(self, day: dt.date) -> None:
        self.assert_same(SupplyChain.from_dataset(load_dataset(HUAWEI)), day)

    def test_a_component_left_without_a_supplier_blocks_what_needs_it(self) -> None:
        # No restriction in force at all: only the lost supply can touch anything.
        sections = basic()
        sections["restrictions"] = []
        changes, _, after = whatif(graph(**sections), Scenario(drop_suppliers=("us",)), LATER)
        assert [(c.id, c.after.value) for c in changes.products] == [("phone", "blocked")]
        assert after.products[0].lost_required == ("chip",)

    @settings(max_examples=150, deadline=None)
    @given(datasets, days)
    def test_generated(self, ds: Dataset, day: dt.date) -> None:
        self.assert_same(SupplyChain.from_dataset(ds), day)


class TestOrdinaryBuilds:
    """Rule 4 found at once as array passes, where no restriction needs looking at."""

    @staticmethod
    def chain() -> SupplyChain:
        # us (US) supplies die and chip; cn (CN, listed by el) supplies chip too; de (DE) supplies
        # board (chip required, cap optional) and cap (JP). chip is built from die.
        return graph(
            companies=[company("us"), company("cn", "CN"), company("de", "DE")],
            components=[
                component("die"),
                component("chip"),
                component("board", "DE"),
                component("cap", "JP"),
            ],
            supplies=[
                supply("us", "die"),
                supply("us", "chip"),
                supply("cn", "chip"),
                supply("de", "board"),
                supply("de", "cap"),
            ],
            bom=[bom("chip", "die"), bom("board", "chip"), bom("board", "cap", required=False)],
            restrictions=[restriction("el", ["cn"])],
        )

    def found(self, **masks: list[str]) -> tuple[list[tuple[str, str]], list[str]]:
        chain = self.chain()
        arrays = chain.arrays
        assert arrays is not None
        given = {
            name: arrays.mask(masks.get(name, [])) for name in ("touched", "restricted", "caught", "purposed")
        }
        supplies, available = engine_module.ordinary_builds(arrays, **given)
        pairs = [
            (arrays.ids[s], arrays.ids[c])
            for s, c in zip(arrays.supplier[supplies], arrays.supplied[supplies], strict=True)
        ]
        return sorted(pairs), sorted(arrays.names(available))

    def test_what_needs_no_restriction(self) -> None:
        # cn supplies chip, so chip and board are touched. us can build chip (die is untouched),
        # so chip is available to ordinary buyers; then de can build board (chip, its one
        # required entry, is). cn's supply is left to the rules (cn is restricted); die and
        # cap are untouched, nothing to find.
        assert self.found(touched=["chip", "board"], restricted=["cn"]) == (
            [("de", "board"), ("us", "chip")],
            ["board", "chip"],
        )

    def test_a_part_caught_whoever_buys_is_left_to_the_rules(self) -> None:
        # A supply of die is caught whoever buys (a denial order, say): us can still build die (it
        # needs nothing), but whether a buyer gets die rests on the rules, so us's chip and de's
        # board above it are left to them.
        assert self.found(touched=["die", "chip", "board"], restricted=["cn"], caught=["die"]) == (
            [("us", "die")],
            [],
        )

    def test_what_an_fdpr_wants_is_left_to_the_rules(self) -> None:
        # An FDPR wants what goes into board: de's supply of it is left to the rules; chip is found.
        assert self.found(touched=["chip", "board"], restricted=["cn"], purposed=["board"]) == (
            [("us", "chip")],
            ["chip"],
        )

    @settings(max_examples=150, deadline=None)
    @given(datasets, days)
    def test_same_impact_as_without_the_arrays(self, ds: Dataset, day: dt.date) -> None:
        # A chain without its arrays (a copy that keeps nothing) is evaluated rule by rule alone.
        chain = SupplyChain.from_dataset(ds)
        assert chain.arrays is not None
        assert impact(chain, day) == impact(chain.changed(), day)

    @settings(max_examples=60, deadline=None)
    @given(datasets)
    def test_same_timeline_as_without_the_arrays(self, ds: Dataset) -> None:
        chain = SupplyChain.from_dataset(ds)
        assert timeline(chain) == timeline(chain.changed())

    def test_a_what_if_keeps_the_arrays_while_no_supply_changes(self) -> None:
        chain = self.chain()
        assert apply_scenario(chain, Scenario(restrict=("de",)), LATER).arrays is chain.arrays
        assert apply_scenario(chain, Scenario(drop_suppliers=("us",)), LATER).arrays is None


class TestRuleSeeds:
    @settings(max_examples=200, deadline=None)
    @given(datasets, days)
    def test_with_and_without_the_arrays(self, ds: Dataset, day: dt.date) -> None:
        # The FDPR's wanted items (an array search down the parts with the arrays, the BOM walked
        # entry by entry without) and the seeds are the same either way, for every restriction
        # in force with its parties on the day.
        chain = SupplyChain.from_dataset(ds)
        bare = SupplyChain.from_dataset(ds).changed()  # nothing kept: no arrays
        assert chain.arrays is not None and bare.arrays is None
        active = [r for r, data in chain.restrictions.items() if data.active_on(day)]
        for r, found in parties_on(chain, active, day).items():
            wanted, seeds = rule_seeds(chain, r, found)
            bare_wanted, bare_seeds = rule_seeds(bare, r, found)
            assert wanted == bare_wanted and sorted(seeds) == sorted(bare_seeds), r


class TestPassedOn:
    @settings(max_examples=200, deadline=None)
    @given(st.data(), datasets)
    def test_the_supplies_with_a_party_among_their_intermediaries_in_order(
        self, data: st.DataObject, ds: Dataset
    ) -> None:
        chain = SupplyChain.from_dataset(ds)
        parties = data.draw(st.sets(st.sampled_from([c.id for c in ds.companies])))
        expected = [pair for pair, via in chain.via.items() if not parties.isdisjoint(via)]
        assert passed_on(chain, parties) == expected
        assert passed_on(chain, dict.fromkeys(parties)) == expected  # parties as a day's dict

    def test_by_hand(self) -> None:
        # us sells chip to cn through hk, and board through hk and sg: hk passes both on, sg one.
        chain = graph(
            companies=[company("us"), company("cn", "CN"), company("hk", "HK"), company("sg", "SG")],
            components=[component("chip"), component("board")],
            supplies=[{"supplier": "us", "component": "chip", "via": ["hk"]},
                      {"supplier": "us", "component": "board", "via": ["hk", "sg"]}],
        )  # fmt: skip
        assert passed_on(chain, {"hk"}) == [("us", "chip"), ("us", "board")]
        assert passed_on(chain, {"sg"}) == [("us", "board")]
        assert passed_on(chain, {"cn"}) == []


class TestBomView:
    @settings(max_examples=200, deadline=None)
    @given(datasets)
    def test_the_arrays_say_what_the_tables_say(self, ds: Dataset) -> None:
        # The view from the arrays against the chain's own tables: entries in BOM order with
        # their options (component first), suppliers in company order, and above().
        chain = SupplyChain.from_dataset(ds)
        assert chain.arrays is not None
        view = bom_view(chain)
        for item in chain.items:
            expected = [(e.required, [e.component, *e.alternatives]) for e in chain.bom.get(item, ())]
            assert list(view.entries(item)) == expected
            assert list(view.suppliers(item)) == list(chain.suppliers.get(item, ()))
            assert set(view.above([item])) == above(chain, [item])


class TestCauseModels:
    """``cause_models``: the causes as reported, the items' classifications looked up at once."""

    def chain(self) -> SupplyChain:
        # us sells "bare" (no ECCN) and "ok" (3A090) to m (CN); google serves m's phone with
        # updates (no ECCN) and a store (5D992).  "scoped" reaches 3A090 items; "plain" all.
        return graph(
            companies=[company("us"), company("m", "CN"), company("google")],
            components=[component("bare"), component("ok", eccn="3A090")],
            supplies=[supply("us", "bare"), supply("us", "ok")],
            products=[product("phone", "m")],
            bom=[bom("phone", "bare"), bom("phone", "ok")],
            services=[
                {"provider": "google", "product": "phone", "kind": "updates"},
                {"provider": "google", "product": "phone", "kind": "store", "eccn": "5D992"},
            ],
            restrictions=[
                restriction("scoped", ["m"], items=["3A090"], review_policy="denial"),
                restriction("plain", ["m"]),
            ],
        )

    KEYS = (
        CauseKey("scoped", "us", "bare", "m", "supply"),  # no ECCN under a scope: unclassified
        CauseKey("scoped", "us", "ok", "m", "supply"),  # classified
        CauseKey("plain", "us", "bare", "m", "supply"),  # no scope: never unclassified
        CauseKey("scoped", "google", "phone", "m", "service"),  # one of google's lines has none
    )

    def test_by_hand(self) -> None:
        chain = self.chain()
        impact(chain, LATER)  # the item columns are worked out: looked up there
        assert engine_module.kept_columns(chain) is not None
        found = engine_module.cause_models(chain, self.KEYS)
        assert [c.unclassified for c in found] == [True, False, False, True]
        assert [c.review_policy for c in found] == ["denial", "denial", None, "denial"]
        assert [(c.restriction, c.supplier, c.item, c.buyer, c.kind) for c in found] == list(self.KEYS)

    def test_without_the_item_columns_the_same(self) -> None:
        # A fresh chain has not worked out its item columns: each item is read.
        chain = self.chain()
        assert engine_module.kept_columns(chain) is None
        found = engine_module.cause_models(chain, self.KEYS)
        assert [c.unclassified for c in found] == [True, False, False, True]
        assert [c.review_policy for c in found] == ["denial", "denial", None, "denial"]
        assert [key.model(chain) for key in self.KEYS] == found  # one by one, the same
