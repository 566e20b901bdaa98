"""reach(): products and end users a restricted party can touch, ignoring the rules."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from graphlib_trade.analysis import build_graph, impact, reach
from graphlib_trade.io import load_dataset
from tests.helpers import BEFORE, LATER, bom, company, component, graph, product, restriction, supply

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
        G = build_graph(load_dataset(HUAWEI))
        products, users = reach(G, dt.date.fromisoformat(day))
        result = impact(G, dt.date.fromisoformat(day))
        not_ok = {p.id for p in result.products if p.status.value != "ok"}
        assert not_ok and not_ok <= set(products)
        assert {u.id for u in result.end_users if u.status.value != "ok"} <= set(users)
