"""Small builders for hand-checked test graphs."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.models import Dataset, ImpactResult, parse_dataset

LISTED = "2019-05-16"
BEFORE = dt.date(2019, 5, 15)
ON = dt.date(2019, 5, 16)
LATER = dt.date(2019, 6, 1)


def company(id: str, country: str = "US") -> dict[str, Any]:
    return {"id": id, "name": id.upper(), "country": country}


def component(id: str, origin: str = "US", **kw: Any) -> dict[str, Any]:
    return {"id": id, "name": id, "origin": origin, **kw}


def product(id: str, maker: str, **kw: Any) -> dict[str, Any]:
    return {"id": id, "name": id, "maker": maker, **kw}


def supply(supplier: str, comp: str) -> dict[str, Any]:
    return {"supplier": supplier, "component": comp}


def bom(parent: str, comp: str, **kw: Any) -> dict[str, Any]:
    return {"parent": parent, "component": comp, **kw}


def restriction(id: str, targets: list[str], effective_from: str = LISTED, **kw: Any) -> dict[str, Any]:
    return {"id": id, "targets": targets, "effective_from": effective_from, **kw}


def licence(id: str, restr: str, valid_from: str = LISTED, **kw: Any) -> dict[str, Any]:
    return {"id": id, "restriction": restr, "valid_from": valid_from, **kw}


def dataset(**sections: list[dict[str, Any]]) -> Dataset:
    return parse_dataset(sections, "test")


def graph(**sections: list[dict[str, Any]]) -> SupplyChain:
    """The supply chain of a small hand-written data file."""
    return SupplyChain.from_dataset(dataset(**sections))


def basic(**extra: list[dict[str, Any]]) -> dict[str, list[dict[str, Any]]]:
    """A US supplier 'us' sells 'chip' to maker 'cn', whose 'phone' needs it; 'el' lists 'cn'."""
    sections: dict[str, list[dict[str, Any]]] = {
        "companies": [company("us"), company("cn", "CN")],
        "components": [component("chip")],
        "supplies": [supply("us", "chip")],
        "products": [product("phone", "cn")],
        "bom": [bom("phone", "chip")],
        "restrictions": [restriction("el", ["cn"])],
    }
    for key, rows in extra.items():
        sections[key] = sections.get(key, []) + rows
    return sections


def statuses(result: ImpactResult) -> dict[str, str]:
    out = {p.id: p.status.value for p in result.products}
    out.update({u.id: u.status.value for u in result.end_users})
    return out


def status_of(sections: dict[str, list[dict[str, Any]]], item: str, day: dt.date = LATER, **kw: Any) -> str:
    return statuses(impact(graph(**sections), day, **kw))[item]
