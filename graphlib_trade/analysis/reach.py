"""Reach of the restrictions in force: every product and end user a restricted party can touch.

The screening question an analyst asks first, before any rule: which products are
made by a restricted party, or hold anywhere in their bill of materials a part that
a restricted party makes (it can no longer buy its own inputs)?  And who uses them?
It ignores subject-matter, alternatives and licences, so it is a superset of what
:func:`~graphlib_trade.analysis.impact.impact` finds not ``ok`` because of a
restriction.  It is also the question the pure-Cypher peer of the benchmark answers.
"""

from __future__ import annotations

import datetime as dt
from collections import deque

import networkx as nx

from graphlib_trade.analysis.graph import (
    END_USER,
    MAKES,
    PART_OF,
    PRODUCT,
    RESTRICTION,
    SUPPLIES,
    TARGETS,
    USES,
)
from graphlib_trade.analysis.impact import _in_window
from graphlib_trade.analysis.ownership import restricted_parties

_DOWNSTREAM = frozenset({SUPPLIES, PART_OF, MAKES})


def active_restrictions(G: nx.MultiDiGraph, as_of: dt.date) -> dict[str, tuple[list[str], float]]:
    """Each restriction in force on ``as_of``: its targets and its affiliates threshold."""
    return {
        node: (
            [t for _, t, key in G.out_edges(node, keys=True) if key == TARGETS],
            data["affiliates_threshold"],
        )
        for node, data in G.nodes(data=True)
        if data.get("kind") == RESTRICTION
        and _in_window(data["effective_from"], data.get("effective_until"), as_of)
    }


def reach(G: nx.MultiDiGraph, as_of: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Products and end users reachable from the parties restricted on ``as_of``.

    Restricted parties are the targets of the restrictions active on ``as_of`` and
    the companies they own at or above each restriction's affiliates threshold.  From
    them the search follows ``SUPPLIES``, ``PART_OF`` and ``MAKES`` edges forward and
    ``USES`` edges backward (from a product to its end users).

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A supply-chain graph (see :func:`~graphlib_trade.analysis.graph.build_graph`).
    as_of : datetime.date
        The day the restriction windows are read on (inclusive).

    Returns
    -------
    products, end_users : tuple of str
        Sorted ids.

    Examples
    --------
    >>> import datetime as dt
    >>> from graphlib_trade.models import parse_dataset
    >>> from graphlib_trade.analysis.graph import build_graph
    >>> G = build_graph(parse_dataset({
    ...     "companies": [{"id": "fab", "name": "Fab", "country": "CN"},
    ...                   {"id": "oem", "name": "OEM", "country": "TW"}],
    ...     "components": [{"id": "soc", "name": "SoC", "origin": "CN"}],
    ...     "supplies": [{"supplier": "fab", "component": "soc"}],
    ...     "products": [{"id": "phone", "name": "Phone", "maker": "oem"},
    ...                  {"id": "tv", "name": "TV", "maker": "oem"}],
    ...     "bom": [{"parent": "phone", "component": "soc"}],
    ...     "end_users": [{"id": "carrier", "name": "Carrier"}],
    ...     "uses": [{"user": "carrier", "product": "phone"}],
    ...     "restrictions": [{"id": "el", "targets": ["fab"], "effective_from": "2019-05-16"}],
    ... }, "example"))
    >>> reach(G, dt.date(2019, 5, 16))
    (('phone',), ('carrier',))
    >>> reach(G, dt.date(2019, 5, 15))
    ((), ())
    """
    parties: set[str] = set()
    for targets, threshold in active_restrictions(G, as_of).values():
        parties.update(restricted_parties(G, targets, threshold))
    seen = set(parties)
    queue = deque(parties)
    succ = G.succ
    while queue:
        node = queue.popleft()
        for nbr, keys in succ[node].items():
            if nbr not in seen and not _DOWNSTREAM.isdisjoint(keys):
                seen.add(nbr)
                queue.append(nbr)
    kinds = G.nodes
    products = sorted(n for n in seen if kinds[n]["kind"] == PRODUCT)
    pred = G.pred
    users = {
        u for p in products for u, keys in pred[p].items() if USES in keys and kinds[u]["kind"] == END_USER
    }
    return tuple(products), tuple(sorted(users))
