"""What-if: apply a :class:`Scenario` to a graph and compare impacts."""

from __future__ import annotations

import datetime as dt

import networkx as nx

from graphlib_trade.analysis.graph import (
    COMPANY,
    COMPONENT,
    LICENCE,
    LICENSES,
    PRODUCT,
    RESTRICTION,
    SERVES_PREFIX,
    SUPPLIES,
    TARGETS,
)
from graphlib_trade.analysis.impact import impact
from graphlib_trade.errors import ScenarioError
from graphlib_trade.models import ANY, Change, ImpactResult, Scenario, WhatIfResult


def check_scenario(G: nx.MultiDiGraph, scenario: Scenario) -> None:
    """Raise :class:`ScenarioError` naming the first change that refers to nothing in ``G``."""

    def need(what: str, value: str, kinds: tuple[str, ...], label: str, allow_any: bool = False) -> None:
        if allow_any and value == ANY:
            return
        if value not in G or G.nodes[value].get("kind") not in kinds:
            raise ScenarioError(f"{what}: unknown {label} {value!r}")

    for company in scenario.restrict:
        need("--restrict", company, (COMPANY,), "company")
    for grant in scenario.grant:
        need(f"--grant {grant}", grant.supplier, (COMPANY,), "supplier company", allow_any=True)
        need(f"--grant {grant}", grant.component, (COMPONENT, PRODUCT), "component or product", True)
        need(f"--grant {grant}", grant.recipient, (COMPANY,), "recipient company", allow_any=True)
    for company in scenario.drop_suppliers:
        need("--drop-supplier", company, (COMPANY,), "company")


def _fresh_id(G: nx.MultiDiGraph, base: str) -> str:
    candidate, n = base, 1
    while candidate in G:
        n += 1
        candidate = f"{base}#{n}"
    return candidate


def apply_scenario(G: nx.MultiDiGraph, scenario: Scenario, as_of: dt.date) -> nx.MultiDiGraph:
    """A copy of ``G`` with ``scenario`` applied as of ``as_of``; ``G`` is left untouched.

    ``restrict`` adds a restriction (default origins, de minimis and affiliates
    threshold) effective from ``as_of``; each ``grant`` adds a licence, valid from
    ``as_of``, to every restriction (covering supplies and services); each
    ``drop_suppliers`` company loses its supplies and services.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("acme", kind="company", name="Acme", country="US")
    >>> H = apply_scenario(G, Scenario(restrict=("acme",)), dt.date(2020, 1, 1))
    >>> sorted(H.edges(keys=True)), len(G.edges)
    ([('whatif:restrict:acme', 'acme', 'TARGETS')], 0)
    """
    check_scenario(G, scenario)
    H = G.copy()
    for company in scenario.restrict:
        rid = _fresh_id(H, f"whatif:restrict:{company}")
        H.add_node(
            rid,
            kind=RESTRICTION,
            name=f"what-if restriction on {company}",
            authority="what-if",
            origins=("US",),
            de_minimis=0.25,
            affiliates_threshold=0.5,
            foreign_direct_product=False,
            effective_from=as_of,
            effective_until=None,
        )
        H.add_edge(rid, company, key=TARGETS)
    restrictions = [n for n, k in H.nodes(data="kind") if k == RESTRICTION]
    for i, grant in enumerate(scenario.grant, start=1):
        for rid in restrictions:
            lid = _fresh_id(H, f"whatif:grant:{i}:{rid}")
            H.add_node(
                lid,
                kind=LICENCE,
                name=f"what-if licence {grant}",
                recipients=() if grant.recipient == ANY else (grant.recipient,),
                suppliers=() if grant.supplier == ANY else (grant.supplier,),
                components=() if grant.component == ANY else (grant.component,),
                covers="both",
                valid_from=as_of,
                valid_until=None,
            )
            H.add_edge(lid, rid, key=LICENSES)
    for company in scenario.drop_suppliers:
        drop = [
            (u, v, k)
            for u, v, k in H.out_edges(company, keys=True)
            if k == SUPPLIES or (isinstance(k, str) and k.startswith(SERVES_PREFIX))
        ]
        H.remove_edges_from(drop)
    return H


def compare(before: ImpactResult, after: ImpactResult, scenario: Scenario) -> WhatIfResult:
    """The products and end users whose status differs between two impacts."""

    def changes(old: dict[str, tuple[str, object]], new: dict[str, tuple[str, object]]) -> tuple[Change, ...]:
        return tuple(
            Change(id=i, name=old[i][0], before=old[i][1], after=new[i][1])
            for i in sorted(old)
            if i in new and old[i][1] != new[i][1]
        )

    return WhatIfResult(
        as_of=after.as_of,
        scenario=scenario.describe(),
        products=changes(
            {p.id: (p.name, p.status) for p in before.products},
            {p.id: (p.name, p.status) for p in after.products},
        ),
        end_users=changes(
            {u.id: (u.name, u.status) for u in before.end_users},
            {u.id: (u.name, u.status) for u in after.end_users},
        ),
    )


def whatif(
    G: nx.MultiDiGraph, scenario: Scenario, as_of: dt.date, *, ignore_licences: bool = False
) -> tuple[WhatIfResult, ImpactResult, ImpactResult]:
    """Compare the impact on ``as_of`` before and after ``scenario``.

    Returns the changes, and the full impacts before and after.
    """
    H = apply_scenario(G, scenario, as_of)
    before = impact(G, as_of, ignore_licences=ignore_licences)
    after = impact(H, as_of, ignore_licences=ignore_licences)
    return compare(before, after, scenario), before, after
