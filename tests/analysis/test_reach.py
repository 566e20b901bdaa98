"""reach(): products and end users a restricted party can touch, ignoring the rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import networkx as nx
import pytest
from hypothesis import given, settings

from graphlib_trade.analysis import SupplyChain, apply_scenario, impact, reach
from graphlib_trade.analysis.reach import active_restrictions
from graphlib_trade.models import Dataset, Scenario
from graphlib_trade.sources import load_dataset
from tests.helpers import BEFORE, LATER, bom, company, component, dataset, graph, product, restriction, supply
from tests.strategies import datasets, days

HUAWEI = Path(__file__).parent.parent.parent / "fixtures" / "huawei_2019.yaml"


def chain(**extra: list[dict[str, object]]) -> dict[str, list[dict[str, object]]]:
    """fab makes 'die'; pkg builds 'soc' from it; oem's 'phone' holds 'soc', its 'tv' holds 'panel'."""
    sections: dict[str, list[dict[str, object]]] = {
        "companies": [company("fab", "CN"), company("pkg", "TW"), company("oem", "TW"), company("lcd", "KR")],
        "components": [component("die", "CN"), component("soc", "TW"), component("panel", "KR")],
        "supplies": [supply("fab", "die"), supply("pkg", "soc"), supply("lcd", "panel")],
        "products": [product("phone", "oem"), product("tv", "oem")],
        "bom": [bom("soc", "die"), bom("phone", "soc"), bom("tv", "panel")],
        "end_users": [{"id": "carrier", "name": "Carrier"}, {"id": "hotel", "name": "Hotel"}],
        "uses": [{"user": "carrier", "product": "phone"}, {"user": "hotel", "product": "tv"}],
    }
    for key, rows in extra.items():
        sections[key] = sections.get(key, []) + rows
    return sections


class TestReach:
    def test_empty_graph(self) -> None:
        assert reach(graph(), LATER) == ((), ())

    def test_no_restriction_in_force(self) -> None:
        G = graph(**chain(restrictions=[restriction("el", ["fab"])]))
        assert reach(G, BEFORE) == ((), ())

    def test_up_the_bom_through_every_tier(self) -> None:
        # fab -> die -> soc -> phone -> carrier; tv is untouched.
        G = graph(**chain(restrictions=[restriction("el", ["fab"])]))
        assert reach(G, LATER) == (("phone",), ("carrier",))

    def test_a_listed_maker_reaches_its_own_products(self) -> None:
        G = graph(**chain(restrictions=[restriction("el", ["oem"])]))
        assert reach(G, LATER) == (("phone", "tv"), ("carrier", "hotel"))

    def test_affiliates_at_the_threshold_count_below_do_not(self) -> None:
        owned = [{"owner": "fab", "owned": "lcd", "share": 0.5}]
        G = graph(**chain(ownership=owned, restrictions=[restriction("el", ["fab"])]))
        assert reach(G, LATER) == (("phone", "tv"), ("carrier", "hotel"))
        higher = restriction("el", ["fab"], affiliates_threshold=0.6)
        G = graph(**chain(ownership=owned, restrictions=[higher]))
        assert reach(G, LATER) == (("phone",), ("carrier",))

    def test_ended_restriction(self) -> None:
        G = graph(**chain(restrictions=[restriction("el", ["fab"], effective_until="2019-05-20")]))
        assert reach(G, dt.date(2019, 5, 20)) == (("phone",), ("carrier",))
        assert reach(G, dt.date(2019, 5, 21)) == ((), ())

    @pytest.mark.parametrize("day", ["2019-05-16", "2019-08-20", "2020-06-01", "2020-09-15"])
    def test_holds_every_product_a_restriction_makes_worse_on_huawei(self, day: str) -> None:
        G = SupplyChain.from_dataset(load_dataset(HUAWEI))
        products, users = reach(G, dt.date.fromisoformat(day))
        result = impact(G, dt.date.fromisoformat(day))
        not_ok = {p.id for p in result.products if p.status.value != "ok"}
        assert not_ok and not_ok <= set(products)
        assert {u.id for u in result.end_users if u.status.value != "ok"} <= set(users)


def reach_by_networkx(chain: SupplyChain, day: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """The same question with networkx's own traversal of ``to_networkx()``: the reference the array
    search must match."""
    G = chain.to_networkx()
    down = nx.DiGraph((u, v) for u, v, k in G.edges(keys=True) if k in ("SUPPLIES", "PART_OF", "MAKES"))
    parties = {p for found in active_restrictions(chain, day).values() for p in found}
    seen = set(parties)
    for p in parties & set(down):
        seen |= nx.descendants(down, p)
    products = sorted(n for n in seen if G.nodes[n].get("kind") == "product")
    # The users of what is reached, and restricted end users themselves (their deliveries are).
    users = sorted(
        {u for u, p, k in G.edges(keys=True) if k == "USES" and p in seen} | (parties & set(chain.end_users))
    )
    return tuple(products), tuple(users)


class TestReachAgainstNetworkx:
    @pytest.mark.parametrize("day", ["2019-05-15", "2019-05-16", "2019-08-20", "2020-09-15"])
    def test_huawei(self, day: str) -> None:
        G = SupplyChain.from_dataset(load_dataset(HUAWEI))
        assert reach(G, dt.date.fromisoformat(day)) == reach_by_networkx(G, dt.date.fromisoformat(day))

    @settings(max_examples=150, deadline=None)
    @given(datasets, days)
    def test_generated(self, ds: Dataset, day: dt.date) -> None:
        G = SupplyChain.from_dataset(ds)
        assert reach(G, day) == reach_by_networkx(G, day)
        assert reach(G, day) == reach(G, day)  # the second call reads the kept arrays

    def test_a_what_if_chain_is_read_afresh(self) -> None:
        G = SupplyChain.from_dataset(dataset(**chain(restrictions=[restriction("el", ["fab"])])))
        assert reach(G, LATER) == (("phone",), ("carrier",))
        # Without fab's supply of the die, nothing a restricted party makes reaches the phone.
        cut = Scenario.model_validate({"remove": {"supplies": [{"supplier": "fab", "component": "die"}]}})
        assert reach(apply_scenario(G, cut, LATER), LATER) == ((), ())
        assert reach(G, LATER) == (("phone",), ("carrier",))
