"""Restricted parties under the 50% rule: aggregate, indirect ownership by restricted parties."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable

import networkx as nx

from graphlib_trade.analysis.graph import OWNS
from graphlib_trade.models import SHARE_EPSILON


def restricted_parties(
    G: nx.MultiDiGraph, targets: Iterable[str], threshold: float = 0.5
) -> dict[str, tuple[str, ...]]:
    """Companies restricted by ``targets`` and by ownership, with the owners that made them so.

    A company is restricted when it is a target, or when the shares held in it by
    restricted companies add up to at least ``threshold`` -- repeated until nothing
    changes (the OFAC / BIS "affiliates" idea: aggregate and indirect).  Each company
    is added at most once, so cross-holdings terminate.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A graph whose ``OWNS`` edges carry ``share`` in [0, 1].
    targets : iterable of node ids
        The listed parties.
    threshold : float, optional
        Aggregate share that makes a company restricted (default 0.5).

    Returns
    -------
    parties : dict
        Each restricted company mapped to the restricted direct owners whose
        shares counted (sorted); targets map to an empty tuple.

    Raises
    ------
    ValueError
        If ``threshold`` is not in (0, 1].

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_edge("parent", "sub", key="OWNS", share=0.6)
    'OWNS'
    >>> G.add_edge("sub", "jv", key="OWNS", share=0.3)
    'OWNS'
    >>> G.add_edge("parent", "jv", key="OWNS", share=0.2)
    'OWNS'
    >>> restricted_parties(G, ["parent"])
    {'parent': (), 'sub': ('parent',), 'jv': ('parent', 'sub')}
    """
    if not 0.0 < threshold <= 1.0:
        raise ValueError(f"threshold must be in (0, 1], got {threshold!r}")
    parties: dict[str, tuple[str, ...]] = {}
    queue: deque[str] = deque()
    for t in targets:
        if t not in parties:
            parties[t] = ()
            queue.append(t)
    held: defaultdict[str, float] = defaultdict(float)
    owners: defaultdict[str, list[str]] = defaultdict(list)
    while queue:
        owner = queue.popleft()
        if owner not in G:
            continue
        for _, owned, key, share in G.out_edges(owner, keys=True, data="share"):
            if key != OWNS or owned in parties:
                continue
            held[owned] += share
            owners[owned].append(owner)
            if held[owned] >= threshold - SHARE_EPSILON:
                parties[owned] = tuple(sorted(owners[owned]))
                queue.append(owned)
    return parties
