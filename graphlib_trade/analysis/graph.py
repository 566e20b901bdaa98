"""The supply-chain graph: a :class:`networkx.MultiDiGraph` built from a :class:`Dataset`.

Nodes are keyed by id and carry ``kind`` plus the entry's fields.  Edges are keyed
by relationship type, with the names an analyst reads in Neo4j Browser:

=============  ===========================  ======================================
key            edge                         attributes
=============  ===========================  ======================================
``OWNS``       company -> company           ``share``
``SUPPLIES``   company -> component
``PART_OF``    component -> parent          ``required``, ``alternatives``, ``value``
``MAKES``      company -> product
``SERVES:k``   company -> product           ``kind`` (= k)
``USES``       end user -> product
``TARGETS``    restriction -> company
``LICENSES``   licence -> restriction
=============  ===========================  ======================================
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import Any, TypeVar

import networkx as nx

from graphlib_trade.models import Dataset

COMPANY, COMPONENT, PRODUCT, END_USER, RESTRICTION, LICENCE = (
    "company",
    "component",
    "product",
    "end_user",
    "restriction",
    "licence",
)

OWNS, SUPPLIES, PART_OF, MAKES, USES, TARGETS, LICENSES = (
    "OWNS",
    "SUPPLIES",
    "PART_OF",
    "MAKES",
    "USES",
    "TARGETS",
    "LICENSES",
)
SERVES_PREFIX = "SERVES:"


def _fields(entry: Any, *drop: str) -> dict[str, Any]:
    fields = dict(entry.__dict__)
    del fields["id"]
    for name in drop:
        del fields[name]
    return fields


def build_graph(dataset: Dataset) -> nx.MultiDiGraph:
    """Build the supply-chain graph of ``dataset``.

    Parameters
    ----------
    dataset : Dataset
        A validated data file.

    Returns
    -------
    G : networkx.MultiDiGraph
        One node per company, component, product, end user, restriction and
        licence; one edge per relationship, keyed by its type.  Frozen
        (:func:`networkx.freeze`): the analysis keeps its index of a frozen graph
        between calls; ``G.copy()`` gives a graph to edit.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> ds = parse_dataset({
    ...     "companies": [{"id": "acme", "name": "Acme", "country": "US"}],
    ...     "components": [{"id": "chip", "name": "Chip", "origin": "US"}],
    ...     "supplies": [{"supplier": "acme", "component": "chip"}],
    ... }, "example")
    >>> G = build_graph(ds)
    >>> G.nodes["chip"]["kind"], list(G.edges("acme", keys=True)), nx.is_frozen(G)
    ('component', [('acme', 'chip', 'SUPPLIES')], True)
    """
    G = nx.MultiDiGraph()
    # Straight into the graph's own dicts, laid out as MultiDiGraph.add_node/add_edge
    # lay them out (succ[u][v] and pred[v][u] are one key dict): the methods' checks
    # and attribute merging were 1.0 s of 1.6 s at 100k nodes.  The tests check the
    # result equal to the one the methods build (tests/analysis/test_graph.py).
    nodes, succ, pred = G._node, G._succ, G._pred

    def node(n: str, attrs: dict[str, Any]) -> None:
        nodes[n] = attrs
        succ[n] = {}
        pred[n] = {}

    def edge(u: str, v: str, key: str, attrs: dict[str, Any]) -> None:
        for end in (u, v):
            if end not in nodes:
                node(end, {})
        keyed = succ[u].get(v)
        if keyed is None:
            keyed = succ[u][v] = pred[v][u] = {}
        if key in keyed:
            keyed[key].update(attrs)
        else:
            keyed[key] = attrs

    for c in dataset.companies:
        node(c.id, {"kind": COMPANY, **_fields(c)})
    for comp in dataset.components:
        node(comp.id, {"kind": COMPONENT, **_fields(comp)})
    for p in dataset.products:
        node(p.id, {"kind": PRODUCT, **_fields(p, "maker")})
        edge(p.maker, p.id, MAKES, {})
    for u in dataset.end_users:
        node(u.id, {"kind": END_USER, **_fields(u)})
    for r in dataset.restrictions:
        node(r.id, {"kind": RESTRICTION, **_fields(r, "targets")})
        for t in r.targets:
            edge(r.id, t, TARGETS, {})
    for lic in dataset.licences:
        node(lic.id, {"kind": LICENCE, **_fields(lic, "restriction")})
        edge(lic.id, lic.restriction, LICENSES, {})
    for o in dataset.ownership:
        edge(o.owner, o.owned, OWNS, {"share": o.share})
    for s in dataset.supplies:
        edge(s.supplier, s.component, SUPPLIES, {})
    for b in dataset.bom:
        edge(
            b.component,
            b.parent,
            PART_OF,
            {"required": b.required, "alternatives": b.alternatives, "value": b.value},
        )
    for sv in dataset.services:
        edge(sv.provider, sv.product, SERVES_PREFIX + sv.kind, {"kind": sv.kind})
    for use in dataset.uses:
        edge(use.user, use.product, USES, {})
    return nx.freeze(G)


T = TypeVar("T")
_KEPT: weakref.WeakKeyDictionary[nx.MultiDiGraph, dict[str, Any]] = weakref.WeakKeyDictionary()


def kept(G: nx.MultiDiGraph, name: str, build: Callable[[nx.MultiDiGraph], T]) -> T:
    """``build(G)``, kept under ``name`` for as long as ``G`` lives if ``G`` is frozen.

    A graph frozen with :func:`networkx.freeze` (as :func:`build_graph` returns it)
    cannot gain or lose nodes or edges, so what the analysis derives from it (the
    engine's index, the CSR rows of ``reach``, recent ``impact`` results) stays true:
    later calls on it skip the work.  A graph that can change gets ``build(G)`` on
    every call.  Edit a copy (``G.copy()``), not the attributes of a frozen graph.

    Examples
    --------
    >>> G = nx.freeze(nx.MultiDiGraph())
    >>> kept(G, "example", lambda g: []) is kept(G, "example", lambda g: [])
    True
    >>> H = nx.MultiDiGraph()
    >>> kept(H, "example", lambda g: []) is kept(H, "example", lambda g: [])
    False
    """
    if not nx.is_frozen(G):
        return build(G)
    store = _KEPT.setdefault(G, {})
    if name not in store:
        store[name] = build(G)
    return store[name]  # type: ignore[no-any-return]


def nodes_of_kind(G: nx.MultiDiGraph, kind: str) -> list[str]:
    """Ids of the nodes of one kind, in insertion order."""
    return [n for n, k in G.nodes(data="kind") if k == kind]
