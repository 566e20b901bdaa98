"""Criticality: critical sets checked by hand and against brute-force what-ifs."""

from __future__ import annotations

import datetime as dt

import pytest

from graphlib_trade.analysis import SupplyChain, apply_scenario, impact, rank, whatif
from graphlib_trade.models import Scenario, Status
from graphlib_trade.sources import load_dataset
from tests.helpers import LATER, bom, company, component, graph, product, restriction, supply

HUAWEI = SupplyChain.from_dataset(load_dataset("fixtures/huawei_2019.yaml"))
HUAWEI_DATES = [dt.date(2019, 5, 15), dt.date(2019, 6, 1), dt.date(2019, 11, 20), dt.date(2020, 9, 15)]


def rows(G: SupplyChain, kind: str, day: dt.date = LATER) -> dict[str, tuple[tuple[str, ...], ...]]:
    return {
        r.id: (r.lost.products_blocked, r.lost.products_worse, r.lost.end_users_worse)
        for r in rank(G, kind, day).rows  # type: ignore[arg-type]
    }


def without_supplies(chain: SupplyChain, components: list[str], day: dt.date) -> SupplyChain:
    """``chain`` with every supply of ``components`` removed (a brute-force loss)."""
    gone = [{"supplier": s, "component": c} for c in components for s in chain.suppliers.get(c, ())]
    return apply_scenario(chain, Scenario.model_validate({"remove": {"supplies": gone}}), day)


def supply_status(s: Status) -> Status:
    return Status.OK if s is Status.AT_RISK else s


def worse_after(G: SupplyChain, H: SupplyChain, day: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """(products blocked, products worse) by comparing two full impact runs."""
    before = {p.id: supply_status(p.status) for p in impact(G, day).products}
    after = {p.id: supply_status(p.status) for p in impact(H, day).products}
    worse = tuple(sorted(p for p in before if after[p].worse_than(before[p])))
    return tuple(p for p in worse if after[p] is Status.BLOCKED), worse


class TestRank:
    def test_empty_graph(self) -> None:
        assert rank(graph(), "suppliers", LATER).rows == ()

    def test_bad_arguments(self) -> None:
        with pytest.raises(ValueError, match="kind"):
            rank(graph(), "parts", LATER)  # type: ignore[arg-type]
        with pytest.raises(ValueError, match="top"):
            rank(graph(), "suppliers", LATER, top=0)

    def test_second_source_is_not_critical(self) -> None:
        # pc needs cpu (a only) and ram (a or b).
        G = graph(
            companies=[company("a", "JP"), company("b", "KR"), company("m", "DE")],
            components=[component("cpu", "JP"), component("ram", "KR")],
            supplies=[supply("a", "cpu"), supply("a", "ram"), supply("b", "ram")],
            products=[product("pc", "m")],
            bom=[bom("pc", "cpu"), bom("pc", "ram")],
        )
        assert rows(G, "suppliers") == {"a": (("pc",), ("pc",), ()), "b": ((), (), ())}
        comps = {r.id: (r.sources, r.lost.products_blocked) for r in rank(G, "components", LATER).rows}
        # Losing a component altogether blocks the pc either way; ram has two sources.
        assert comps == {"cpu": (1, ("pc",)), "ram": (2, ("pc",))}

    def test_deep_single_source_cuts_off_through_the_build(self) -> None:
        # tv <- board (de) <- soc (tw) <- ip (us, single source): losing 'us' blocks the tv.
        G = graph(
            companies=[company("us"), company("tw", "TW"), company("de", "DE")],
            components=[component("ip"), component("soc", "TW"), component("board", "DE")],
            supplies=[supply("us", "ip"), supply("tw", "soc"), supply("de", "board")],
            products=[product("tv", "de")],
            bom=[bom("soc", "ip"), bom("board", "soc"), bom("tv", "board")],
        )
        assert {k: v[0] for k, v in rows(G, "suppliers").items()} == {
            "de": ("tv",),
            "tw": ("tv",),
            "us": ("tv",),
        }
        assert {k: v[0] for k, v in rows(G, "countries").items()} == {
            "DE": ("tv",),
            "TW": ("tv",),
            "US": ("tv",),
        }

    def test_restricted_supplier_loses_subject_inputs_only(self) -> None:
        # 'tw' builds soc from US ip and Japanese film; restricting tw stops the ip, not the film.
        G = graph(
            companies=[company("us"), company("jp", "JP"), company("tw", "TW"), company("de", "DE")],
            components=[
                component("ip"),
                component("film", "JP"),
                component("soc", "TW"),
                component("lens", "TW"),
            ],
            supplies=[supply("us", "ip"), supply("jp", "film"), supply("tw", "soc"), supply("tw", "lens")],
            products=[product("tv", "de"), product("cam", "de")],
            bom=[bom("soc", "ip"), bom("lens", "film"), bom("tv", "soc"), bom("cam", "lens")],
        )
        by_id = {r.id: r for r in rank(G, "suppliers", LATER).rows}
        assert by_id["tw"].lost.products_blocked == ("cam", "tv")
        assert by_id["tw"].restricted is not None and by_id["tw"].restricted.products_blocked == ("tv",)
        assert by_id["us"].restricted is not None and by_id["us"].restricted.products_blocked == ()

    def test_weights_order_the_ranking(self) -> None:
        # See the header of fixtures/small/rank_weights.yaml.
        r = rank(
            SupplyChain.from_dataset(load_dataset("fixtures/small/rank_weights.yaml")), "suppliers", LATER
        )
        assert r.weight == "value"
        assert [(x.id, x.lost.value, x.lost.units) for x in r.rows] == [
            ("c", 1_020_000.0, 5010.0),
            ("a", 520_000.0, 1010.0),
            ("d", 0.0, 0.0),
            ("b", 0.0, 0.0),
        ]
        d = r.rows[2].lost
        assert (d.products_worse, d.end_users_worse) == (("kiosk",), ("museum",))
        assert [
            x.id
            for x in rank(
                SupplyChain.from_dataset(load_dataset("fixtures/small/rank_weights.yaml")),
                "suppliers",
                LATER,
                top=2,
            ).rows
        ] == ["c", "a"]

    def test_already_restricted_buyer_uses_its_own_working_suppliers(self) -> None:
        # cn is listed: of chip's two suppliers only the Korean one can sell to it.
        G = graph(
            companies=[company("us"), company("kr", "KR"), company("cn", "CN")],
            components=[component("chip", "KR")],
            supplies=[supply("us", "chip"), supply("kr", "chip")],
            products=[product("phone", "cn")],
            bom=[bom("phone", "chip")],
            restrictions=[restriction("el", ["cn"])],
        )
        # chip is Korean with no US content: subject to nothing, so both suppliers work.
        assert {k: v[0] for k, v in rows(G, "suppliers").items()} == {"kr": (), "us": ()}


class TestAgainstBruteForce:
    """The one-pass critical sets equal one full what-if per candidate, on the Huawei case."""

    @pytest.mark.parametrize("day", HUAWEI_DATES, ids=str)
    def test_suppliers_lost_and_restricted(self, day: dt.date) -> None:
        for row in rank(HUAWEI, "suppliers", day).rows:
            for scenario, loss in (
                (Scenario(drop_suppliers=(row.id,)), row.lost),
                (Scenario(restrict=(row.id,)), row.restricted),
            ):
                _, before, after = whatif(HUAWEI, scenario, day)
                b = {p.id: supply_status(p.status) for p in before.products}
                a = {p.id: supply_status(p.status) for p in after.products}
                worse = tuple(sorted(p for p in b if a[p].worse_than(b[p])))
                assert loss is not None
                assert (loss.products_blocked, loss.products_worse) == (
                    tuple(p for p in worse if a[p] is Status.BLOCKED),
                    worse,
                ), (row.id, scenario)

    @pytest.mark.parametrize("day", HUAWEI_DATES, ids=str)
    def test_components_lost(self, day: dt.date) -> None:
        for row in rank(HUAWEI, "components", day).rows:
            H = without_supplies(HUAWEI, [row.id], day)
            assert (row.lost.products_blocked, row.lost.products_worse) == worse_after(HUAWEI, H, day), row.id

    def test_countries_lost(self) -> None:
        day = dt.date(2019, 6, 1)
        for row in rank(HUAWEI, "countries", day).rows:
            gone = [c.id for c in HUAWEI.components.values() if c.origin == row.id]
            H = without_supplies(HUAWEI, gone, day)
            assert (row.lost.products_blocked, row.lost.products_worse) == worse_after(HUAWEI, H, day), row.id
