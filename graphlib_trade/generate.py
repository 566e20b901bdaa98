"""Synthetic supply chains: deterministic for a seed, shaped like real multi-tier maps.

Components sit on tiers (raw parts at 0, modules above), each built from parts one
or two tiers down, so the bill of materials is acyclic and 4 to 8 levels deep
under a product.  Supplier degrees follow a power law (a few suppliers make many
parts), some entries have an alternative or are optional, companies sit in
ownership trees with affiliates, and restrictions and licences have windows.

Every concept of the rules is present, so the benchmarks exercise them: ECCNs on parts and
products, end users with a country, intermediaries on some supplies, dated holdings, a list
with a dated affiliates rule, entries scoped by ECCN, a country-wide control, a denial order,
an FDPR of scope ``incorporated``, review policies.  They are drawn from a second random
stream, so the supply chain itself is the same for a seed as before they were added.
"""

from __future__ import annotations

import datetime as dt
import itertools
import random
from typing import Any

_COUNTRIES = ("US", "US", "US", "CN", "CN", "TW", "KR", "JP", "DE", "NL", "GB", "FR", "IN", "VN", "MX")
_TIERS = 7  # component tiers 0..6; products sit above, so BOMs are up to 8 levels deep


def generate(nodes: int, seed: int = 0) -> dict[str, list[dict[str, Any]]]:
    """A raw data file of about ``nodes`` nodes, as :func:`~graphlib_trade.models.parse_dataset` takes.

    Parameters
    ----------
    nodes : int
        Target node count (companies, components, products, end users,
        restrictions and licences); at least 50.
    seed : int, optional
        The same seed gives the same data.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> raw = generate(200, seed=1)
    >>> ds = parse_dataset(raw, "generated")
    >>> 180 <= sum(len(raw[s]) for s in ("companies", "components", "products", "end_users",
    ...                                  "restrictions", "licences")) <= 220
    True
    >>> generate(200, seed=1) == raw
    True
    """
    if nodes < 50:
        raise ValueError(f"nodes must be at least 50, got {nodes}")
    rng = random.Random(seed)
    n_companies = max(10, nodes // 10)
    n_products = max(5, nodes // 20)
    n_users = max(5, nodes // 20)
    n_restrictions = max(2, min(20, nodes // 5000 + 3))
    n_licences = max(2, min(40, nodes // 2500 + 4))
    n_components = nodes - n_companies - n_products - n_users - n_restrictions - n_licences

    companies = [
        {"id": f"co{i}", "name": f"Company {i}", "country": rng.choice(_COUNTRIES)}
        for i in range(n_companies)
    ]
    # Power-law supplier weights: a few suppliers make many parts.
    cumulative = list(itertools.accumulate(rng.paretovariate(1.2) for _ in companies))

    def pick_supplier() -> dict[str, Any]:
        return rng.choices(companies, cum_weights=cumulative)[0]

    tiers: list[list[str]] = [[] for _ in range(_TIERS)]
    components: list[dict[str, Any]] = []
    supplies: list[dict[str, str]] = []
    for i in range(n_components):
        # More parts at the bottom than at the top.
        tier = min(_TIERS - 1, int(rng.expovariate(0.45)))
        cid = f"c{i}"
        makers = [pick_supplier()]
        while rng.random() < 0.3 and len(makers) < 4:
            makers.append(pick_supplier())
        origin = makers[0]["country"]
        entry: dict[str, Any] = {"id": cid, "name": f"Part {i}", "origin": origin}
        if origin != "US" and rng.random() < 0.3:
            entry["us_content"] = round(rng.uniform(0.0, 0.45), 3)
        if origin != "US" and rng.random() < 0.1:
            entry["us_direct_product"] = True
        if origin == "US" and rng.random() < 0.05:
            entry["publicly_available"] = True
        components.append(entry)
        tiers[tier].append(cid)
        for m in {m["id"] for m in makers}:
            supplies.append({"supplier": m, "component": cid})
    tiers = [t for t in tiers if t] or [[]]

    bom: list[dict[str, Any]] = []

    def entries_for(parent: str, below: list[list[str]], count: int) -> None:
        chosen: set[str] = set()
        for _ in range(count):
            pool = below[-1] if len(below) == 1 or rng.random() < 0.7 else below[-2]
            part = rng.choice(pool)
            if part in chosen:
                continue
            chosen.add(part)
            entry: dict[str, Any] = {"parent": parent, "component": part}
            if rng.random() < 0.1:
                entry["required"] = False
            if rng.random() < 0.15:
                alt = rng.choice(pool)
                if alt != part and alt not in chosen:
                    entry["alternatives"] = [alt]
                    chosen.add(alt)
            bom.append(entry)

    for level in range(1, len(tiers)):
        for cid in tiers[level]:
            entries_for(cid, tiers[:level], rng.randint(2, 4))

    products, uses, services, end_users = [], [], [], []
    top = [t for t in tiers if t]
    for i in range(n_products):
        pid = f"p{i}"
        products.append({"id": pid, "name": f"Product {i}", "maker": rng.choice(companies)["id"],
                         "units": rng.randint(100, 100_000)})  # fmt: skip
        depth = rng.randint(max(1, len(top) - 3), len(top))
        entries_for(pid, top[:depth], rng.randint(4, 10))
        if rng.random() < 0.1:
            us = [c for c in rng.sample(companies, min(20, len(companies))) if c["country"] == "US"]
            if us:
                services.append({"provider": us[0]["id"], "product": pid, "kind": "updates"})
    for i in range(n_users):
        uid = f"u{i}"
        end_users.append({"id": uid, "name": f"End user {i}"})
        for p in {rng.randrange(n_products) for _ in range(rng.randint(1, 3))}:
            uses.append({"user": uid, "product": f"p{p}"})

    ownership = []
    owned: set[str] = set()
    for parent in rng.sample(companies, max(1, n_companies // 20)):
        for child in rng.sample(companies, rng.randint(1, 4)):
            if child["id"] == parent["id"] or child["id"] in owned:
                continue
            owned.add(child["id"])
            ownership.append(
                {"owner": parent["id"], "owned": child["id"], "share": rng.choice((1.0, 0.6, 0.51, 0.4))}
            )

    start = dt.date(2019, 1, 1)
    restrictions = []
    candidates = [c["id"] for c in companies if c["country"] == "CN"] or [c["id"] for c in companies]
    for i in range(n_restrictions):
        begin = start + dt.timedelta(days=rng.randrange(0, 600))
        r: dict[str, Any] = {
            "id": f"r{i}",
            "name": f"Restriction {i}",
            "targets": sorted(set(rng.sample(candidates, min(len(candidates), rng.randint(2, 8))))),
            "effective_from": begin.isoformat(),
        }
        if rng.random() < 0.3:
            r["effective_until"] = (begin + dt.timedelta(days=rng.randrange(200, 700))).isoformat()
        if rng.random() < 0.3:
            r["foreign_direct_product"] = True
        restrictions.append(r)
    licences = []
    for i in range(n_licences):
        r = rng.choice(restrictions)
        begin = dt.date.fromisoformat(r["effective_from"]) + dt.timedelta(days=rng.randrange(0, 200))
        lic: dict[str, Any] = {
            "id": f"l{i}",
            "restriction": r["id"],
            "recipients": [rng.choice(r["targets"])],
            "valid_from": begin.isoformat(),
            "valid_until": (begin + dt.timedelta(days=rng.choice((90, 180, 365)))).isoformat(),
        }
        if rng.random() < 0.5:
            lic["suppliers"] = [rng.choice(companies)["id"]]
        licences.append(lic)

    _real_controls(random.Random(f"controls-{seed}"), companies, components, products, end_users,
                   supplies, ownership, restrictions)  # fmt: skip
    return {
        "lists": [
            {
                "id": "el",
                "name": "Entity List",
                "affiliates_threshold": 0.5,
                "affiliates_windows": [{"from": "2019-09-29", "until": "2019-11-09"}, {"from": "2020-05-10"}],
            }
        ],
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


_ECCNS = ("EAR99", "EAR99", "5A992.c", "5A991", "3A991.a", "3A090.a", "4A994.b", "5D992.c")


def _real_controls(
    rng: random.Random,
    companies: list[dict[str, Any]],
    components: list[dict[str, Any]],
    products: list[dict[str, Any]],
    end_users: list[dict[str, Any]],
    supplies: list[dict[str, Any]],
    ownership: list[dict[str, Any]],
    restrictions: list[dict[str, Any]],
) -> None:
    """Add the concepts of the generalised rules to a generated supply chain, in place."""
    for c in components:
        if rng.random() < 0.6:
            c["eccn"] = rng.choice(_ECCNS)
    for p in products:
        if rng.random() < 0.3:
            p["eccn"] = rng.choice(_ECCNS)
    for u in end_users:
        if rng.random() < 0.6:
            u["country"] = rng.choice(_COUNTRIES)
    ids = [c["id"] for c in companies]
    for s in supplies:
        if rng.random() < 0.02:
            via = rng.choice(ids)
            if via != s["supplier"]:
                s["via"] = [via]
    for o in ownership:
        if rng.random() < 0.1:
            o["valid_until"] = (dt.date(2019, 6, 1) + dt.timedelta(days=rng.randrange(0, 500))).isoformat()
    policies = ("denial", "case_by_case", "approval")
    for r in restrictions:
        r["review_policy"] = rng.choice(policies)
        if rng.random() < 0.5:  # an entry of the list: the list's dated affiliates rule
            r["list"] = "el"
        elif rng.random() < 0.3:
            r["items"] = ["3A090", "4A*", "5A992"]
    if restrictions:
        first = restrictions[0]
        first.pop("foreign_direct_product", None)
        first["fdpr"] = {"scope": "incorporated"}
        denied = restrictions[-1]
        denied.pop("list", None)
        denied["denial"] = True
    restrictions.append(
        {
            "id": "r-country",
            "name": "Country-wide control: CCL items to CN",
            "destinations": ["CN"],
            "items": "ccl",
            "fdpr": {"items": "ccl"},
            "review_policy": "denial",
            "effective_from": "2020-03-01",
        }
    )
