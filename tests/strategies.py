"""Hypothesis strategies: small random supply chains that are valid data files.

Every drawn graph passes validation: each component has a supplier, BOMs point only
to later components (so they are acyclic), ownership shares add up to at most 1.
Components are drawn across origins, US content and the foreign-direct-product flag,
restrictions across origins, windows and FDPR, licences across every scope.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from hypothesis import strategies as st

from graphlib_trade.models import Dataset, Grant, parse_dataset

DATES = (dt.date(2018, 12, 31), dt.date(2019, 3, 1), dt.date(2019, 7, 1), dt.date(2020, 1, 1))
_WINDOW_STARTS = ("2019-01-01", "2019-06-01")
_WINDOW_ENDS = (None, "2019-05-31", "2019-12-31")
#: Components with these are not subject to any drawn restriction: no US origin or content,
#: no foreign-direct-product flag (drawn restrictions cover origins US and CN only).
CLEAN_ORIGINS = ("JP", "DE")

days = st.sampled_from(DATES)


def _subset(draw: st.DrawFn, items: list[str], min_size: int = 0, max_size: int = 3) -> list[str]:
    return draw(st.lists(st.sampled_from(items), min_size=min_size, max_size=max_size, unique=True))


@st.composite
def raw_datasets(draw: st.DrawFn) -> dict[str, Any]:
    companies = [
        {"id": f"co{i}", "name": f"Company {i}", "country": draw(st.sampled_from(["US", "CN", "DE", "JP"]))}
        for i in range(draw(st.integers(2, 6)))
    ]
    co = [c["id"] for c in companies]
    components = [
        {
            "id": f"c{i}",
            "name": f"Part {i}",
            "origin": draw(st.sampled_from(["US", "CN", *CLEAN_ORIGINS, *CLEAN_ORIGINS])),
            "us_content": draw(st.sampled_from([None, None, None, 0.0, 0.1, 0.25, 0.3, 1.0])),
            "us_direct_product": draw(st.sampled_from([False, False, True])),
            "eccn": draw(st.sampled_from([None, None, "EAR99", "5A992", "3A090.a"])),
        }
        for i in range(draw(st.integers(1, 7)))
    ]
    parts = [c["id"] for c in components]
    supplies = [
        {"supplier": s, "component": c, "via": _subset(draw, co, max_size=1) if draw(st.booleans()) else []}
        for c in parts
        for s in _subset(draw, co, min_size=1, max_size=2)
    ]
    bom: list[dict[str, Any]] = []
    for i, parent in enumerate(parts):
        later = parts[i + 1 :]
        if later:
            for child in _subset(draw, later, max_size=2):
                others = [p for p in later if p != child]
                alts = _subset(draw, others, max_size=1) if others else []
                bom.append(
                    {
                        "parent": parent,
                        "component": child,
                        "required": draw(st.booleans()),
                        "alternatives": alts,
                    }
                )
    products = []
    for i in range(draw(st.integers(1, 3))):
        pid = f"p{i}"
        products.append({"id": pid, "name": f"Product {i}", "maker": draw(st.sampled_from(co))})
        for child in _subset(draw, parts, min_size=1, max_size=3):
            others = [p for p in parts if p != child]
            alts = _subset(draw, others, max_size=1) if others else []
            bom.append(
                {"parent": pid, "component": child, "required": draw(st.booleans()), "alternatives": alts}
            )
    services = [
        {"provider": draw(st.sampled_from(co)), "product": p["id"], "kind": "os"}
        for p in products
        if draw(st.booleans())
    ]
    ownership = []
    held: dict[str, float] = {}
    for owner, owned, share in draw(
        st.lists(
            st.tuples(st.sampled_from(co), st.sampled_from(co), st.sampled_from([0.25, 0.5, 0.6])), max_size=4
        )
    ):
        if (
            owner != owned
            and held.get(owned, 0.0) + share <= 1.0
            and (owner, owned) not in {(o["owner"], o["owned"]) for o in ownership}
        ):
            held[owned] = held.get(owned, 0.0) + share
            until = draw(st.sampled_from([None, None, "2019-06-30"]))
            ownership.append({"owner": owner, "owned": owned, "share": share, "valid_until": until})
    end_users = [
        {"id": f"u{i}", "name": f"User {i}", "country": draw(st.sampled_from([None, "CN", "DE"]))}
        for i in range(draw(st.integers(0, 2)))
    ]
    users = [u["id"] for u in end_users]
    lists = draw(
        st.sampled_from(
            [[], [{"id": "el", "affiliates_threshold": 0.5, "affiliates_windows": [{"from": "2019-06-01"}]}]]
        )
    )
    restrictions = []
    for i in range(draw(st.integers(0, 3))):
        r: dict[str, Any] = {
            "id": f"r{i}",
            # Makers are drawn three times as often: a listed maker is the common case.
            "targets": _subset(draw, co + [p["maker"] for p in products] * 3 + users, min_size=1, max_size=2),
            "destinations": draw(st.sampled_from([[], [], ["CN"]])),
            "origins": draw(st.sampled_from([["US"], ["US", "CN"], ["CN"]])),
            "items": draw(st.sampled_from(["all", "all", "ccl", ["3A090"]])),
            "denial": draw(st.sampled_from([False, False, True])),
            "effective_from": draw(st.sampled_from(_WINDOW_STARTS)),
            "effective_until": draw(st.sampled_from(_WINDOW_ENDS[:1] + _WINDOW_ENDS[2:])),
        }
        fdpr = draw(st.sampled_from([None, "shorthand", "buyer", "incorporated"]))
        if fdpr == "shorthand":
            r["foreign_direct_product"] = True
        elif fdpr is not None:
            r["fdpr"] = {"scope": fdpr}
        if lists and draw(st.booleans()):
            r["list"] = "el"
        restrictions.append(r)
    licences = [
        _licence(draw, f"l{i}", draw(st.sampled_from([r["id"] for r in restrictions])), co, parts)
        for i in range(draw(st.integers(0, 2)) if restrictions else 0)
    ]
    pids = [p["id"] for p in products]
    uses = [{"user": u["id"], "product": p} for u in end_users for p in _subset(draw, pids, min_size=1)]
    return {
        "lists": lists,
        "companies": companies,
        "ownership": ownership,
        "components": components,
        "products": products,
        "supplies": supplies,
        "bom": bom,
        "services": services,
        "end_users": end_users,
        "uses": uses,
        "restrictions": restrictions,
        "licences": licences,
    }


def _licence(draw: st.DrawFn, lid: str, restriction: str, co: list[str], parts: list[str]) -> dict[str, Any]:
    return {
        "id": lid,
        "restriction": restriction,
        "recipients": _subset(draw, co, max_size=2),
        "suppliers": _subset(draw, co, max_size=2),
        "components": _subset(draw, parts, max_size=2),
        "covers": draw(st.sampled_from(["supplies", "services", "both"])),
        "valid_from": draw(st.sampled_from(_WINDOW_STARTS)),
        "valid_until": draw(st.sampled_from(_WINDOW_ENDS[:1] + _WINDOW_ENDS[2:])),
    }


datasets = raw_datasets().map(lambda raw: parse_dataset(raw, "hypothesis"))


@st.composite
def grants(draw: st.DrawFn, ds: Dataset) -> Grant:
    # "*" (any) half the time, so that a good share of grants lift a block.
    co = [c.id for c in ds.companies]
    co = ["*"] * len(co) + co
    parts = [c.id for c in ds.components]
    parts = ["*"] * len(parts) + parts
    return Grant(
        supplier=draw(st.sampled_from(co)),
        component=draw(st.sampled_from(parts)),
        recipient=draw(st.sampled_from(co)),
    )
