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
from dataclasses import dataclass
from typing import Any

import networkx as nx
import numpy as np

from graphlib_trade.analysis.graph import (
    END_USER,
    MAKES,
    PART_OF,
    PRODUCT,
    RESTRICTION,
    SUPPLIES,
    TARGETS,
    USES,
    kept,
)
from graphlib_trade.analysis.impact import _in_window
from graphlib_trade.analysis.ownership import restricted_parties

_DOWNSTREAM = frozenset({SUPPLIES, PART_OF, MAKES})
_Ints = np.ndarray[Any, np.dtype[np.int64]]
_Bools = np.ndarray[Any, np.dtype[np.bool_]]


def active_restrictions(G: nx.MultiDiGraph, as_of: dt.date) -> dict[str, tuple[list[str], float]]:
    """Each restriction in force on ``as_of``: its targets and its affiliates threshold."""
    return _active(G, _downstream(G).restrictions, as_of)


_Active = dict[str, tuple[list[str], float]]


def _active(G: nx.MultiDiGraph, restrictions: list[str], as_of: dt.date) -> _Active:
    nodes = G._node
    return {
        node: (
            [t for _, t, key in G.out_edges(node, keys=True) if key == TARGETS],
            nodes[node]["affiliates_threshold"],
        )
        for node in restrictions
        if _in_window(nodes[node]["effective_from"], nodes[node].get("effective_until"), as_of)
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
    down = _downstream(G)
    parties: set[str] = set()
    for targets, threshold in _active(G, down.restrictions, as_of).values():
        parties.update(restricted_parties(G, targets, threshold))
    seen = _search(down.indptr, down.indices, [down.position[p] for p in parties if p in down.position])
    ids = down.ids
    products = sorted(ids[i] for i in np.flatnonzero(seen & down.is_product))
    users = sorted(ids[i] for i in np.flatnonzero(seen & down.is_user))
    return tuple(products), tuple(users)


@dataclass(frozen=True)
class _Downstream:
    """The edges :func:`reach` follows, as compressed sparse rows over node positions."""

    ids: list[str]
    position: dict[str, int]
    indptr: _Ints
    indices: _Ints
    is_product: _Bools
    is_user: _Bools
    #: The restriction nodes (a few among millions: found once, not on every call).
    restrictions: list[str]


def _downstream(G: nx.MultiDiGraph) -> _Downstream:
    """The rows of ``G``, kept while a frozen ``G`` lives (like the engine's index)."""
    return kept(G, "reach rows", _rows)


def _rows(G: nx.MultiDiGraph) -> _Downstream:
    ids = list(G._node)
    position = {n: i for i, n in enumerate(ids)}
    rows: list[int] = []
    cols: list[int] = []
    for u, nbrs in G._succ.items():
        for v, keys in nbrs.items():
            if not _DOWNSTREAM.isdisjoint(keys):
                rows.append(position[u])
                cols.append(position[v])
            elif USES in keys:  # product -> its end users: reached with the product
                rows.append(position[v])
                cols.append(position[u])
    order = np.argsort(np.asarray(rows, dtype=np.int64), kind="stable")
    indices = np.asarray(cols, dtype=np.int64)[order]
    indptr = np.zeros(len(ids) + 1, dtype=np.int64)
    np.cumsum(np.bincount(np.asarray(rows, dtype=np.int64), minlength=len(ids)), out=indptr[1:])
    kinds = [d.get("kind") for d in G._node.values()]
    return _Downstream(
        ids=ids,
        position=position,
        indptr=indptr,
        indices=indices,
        is_product=np.fromiter((k == PRODUCT for k in kinds), dtype=bool, count=len(ids)),
        is_user=np.fromiter((k == END_USER for k in kinds), dtype=bool, count=len(ids)),
        restrictions=[n for n, k in zip(ids, kinds, strict=True) if k == RESTRICTION],
    )


def _search(
    indptr: _Ints,
    indices: _Ints,
    seeds: list[int],
) -> _Bools:
    """Breadth-first search from ``seeds``, one array operation per level: the nodes reached."""
    seen = np.zeros(len(indptr) - 1, dtype=bool)
    frontier = np.unique(np.asarray(seeds, dtype=np.int64))
    seen[frontier] = True
    while frontier.size:
        starts = indptr[frontier]
        counts = indptr[frontier + 1] - starts
        total = int(counts.sum())
        if not total:
            break
        # Positions of every out-edge of the frontier in `indices`, without a Python loop.
        offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
        nbrs = indices[offsets + np.arange(total)]
        frontier = np.unique(nbrs[~seen[nbrs]])
        seen[frontier] = True
    return seen
