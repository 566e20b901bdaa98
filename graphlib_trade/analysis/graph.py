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

from typing import Any

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
    return {k: v for k, v in entry.__dict__.items() if k not in drop and k != "id"}


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
    for c in dataset.companies:
        G.add_node(c.id, kind=COMPANY, **_fields(c))
    for comp in dataset.components:
        G.add_node(comp.id, kind=COMPONENT, **_fields(comp))
    for p in dataset.products:
        G.add_node(p.id, kind=PRODUCT, **_fields(p, "maker"))
        G.add_edge(p.maker, p.id, key=MAKES)
    for u in dataset.end_users:
        G.add_node(u.id, kind=END_USER, **_fields(u))
    for r in dataset.restrictions:
        G.add_node(r.id, kind=RESTRICTION, **_fields(r, "targets"))
        for t in r.targets:
            G.add_edge(r.id, t, key=TARGETS)
    for lic in dataset.licences:
        G.add_node(lic.id, kind=LICENCE, **_fields(lic, "restriction"))
        G.add_edge(lic.id, lic.restriction, key=LICENSES)
    for o in dataset.ownership:
        G.add_edge(o.owner, o.owned, key=OWNS, share=o.share)
    for s in dataset.supplies:
        G.add_edge(s.supplier, s.component, key=SUPPLIES)
    for b in dataset.bom:
        G.add_edge(
            b.component,
            b.parent,
            key=PART_OF,
            required=b.required,
            alternatives=b.alternatives,
            value=b.value,
        )
    for sv in dataset.services:
        G.add_edge(sv.provider, sv.product, key=SERVES_PREFIX + sv.kind, kind=sv.kind)
    for use in dataset.uses:
        G.add_edge(use.user, use.product, key=USES)
    return nx.freeze(G)


def nodes_of_kind(G: nx.MultiDiGraph, kind: str) -> list[str]:
    """Ids of the nodes of one kind, in insertion order."""
    return [n for n, k in G.nodes(data="kind") if k == kind]
