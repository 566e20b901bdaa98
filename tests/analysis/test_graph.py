"""build_graph() writes the graph's dicts directly: it must equal the graph networkx's methods build."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings

from graphlib_trade.analysis import build_graph
from graphlib_trade.io import load_dataset
from graphlib_trade.models import Dataset
from tests.strategies import datasets

FIXTURES = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "fixtures").rglob("*.yaml")
    if p.parent.name != "scenarios"
)


def by_methods(ds: Dataset) -> nx.MultiDiGraph:
    """The graph as add_node/add_edge build it, entry by entry (the reference)."""

    def fields(entry: Any, *drop: str) -> dict[str, Any]:
        return {k: v for k, v in entry.model_dump().items() if k not in (*drop, "id")}

    G = nx.MultiDiGraph()
    for c in ds.companies:
        G.add_node(c.id, kind="company", **fields(c))
    for c in ds.components:
        G.add_node(c.id, kind="component", **fields(c))
    for p in ds.products:
        G.add_node(p.id, kind="product", **fields(p, "maker"))
        G.add_edge(p.maker, p.id, key="MAKES")
    for u in ds.end_users:
        G.add_node(u.id, kind="end_user", **fields(u))
    for r in ds.restrictions:
        G.add_node(r.id, kind="restriction", **fields(r, "targets"))
        for t in r.targets:
            G.add_edge(r.id, t, key="TARGETS")
    for lic in ds.licences:
        G.add_node(lic.id, kind="licence", **fields(lic, "restriction"))
        G.add_edge(lic.id, lic.restriction, key="LICENSES")
    for o in ds.ownership:
        G.add_edge(o.owner, o.owned, key="OWNS", share=o.share)
    for s in ds.supplies:
        G.add_edge(s.supplier, s.component, key="SUPPLIES")
    for b in ds.bom:
        G.add_edge(
            b.component,
            b.parent,
            key="PART_OF",
            required=b.required,
            alternatives=b.alternatives,
            value=b.value,
        )
    for sv in ds.services:
        G.add_edge(sv.provider, sv.product, key="SERVES:" + sv.kind, kind=sv.kind)
    for use in ds.uses:
        G.add_edge(use.user, use.product, key="USES")
    return G


def assert_same_graph(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert list(G.nodes(data=True)) == list(H.nodes(data=True))  # order too: it breaks ties
    assert list(G.edges(keys=True, data=True)) == list(H.edges(keys=True, data=True))
    assert list(G.in_edges(keys=True, data=True)) == list(H.in_edges(keys=True, data=True))
    # succ[u][v] and pred[v][u] are one dict, as networkx keeps them.
    assert all(G._succ[u][v] is G._pred[v][u] for u, v in G.edges())


class TestBuildGraph:
    def test_empty(self) -> None:
        G = build_graph(Dataset())
        assert G.number_of_nodes() == 0 and nx.is_frozen(G)

    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
    def test_fixtures(self, path: Path) -> None:
        ds = load_dataset(path)
        assert_same_graph(build_graph(ds), by_methods(ds))

    @settings(max_examples=150, deadline=None)
    @given(datasets)
    def test_generated(self, ds: Dataset) -> None:
        assert_same_graph(build_graph(ds), by_methods(ds))

    def test_frozen_but_its_copy_can_change(self) -> None:
        G = build_graph(load_dataset(FIXTURES[0]))
        with pytest.raises(nx.NetworkXError, match="Frozen"):
            G.add_node("x")
        H = G.copy()
        H.add_node("x")
        assert "x" in H and "x" not in G
