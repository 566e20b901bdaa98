"""Restricted parties under the 50% rule: aggregate, indirect ownership by restricted parties."""

from __future__ import annotations

from collections import defaultdict, deque
from collections.abc import Iterable, Mapping

from graphlib_trade.models import SHARE_EPSILON


def restricted_parties(
    owns: Mapping[str, Mapping[str, float]], targets: Iterable[str], threshold: float
) -> dict[str, tuple[str, ...]]:
    """Companies restricted by ``targets`` and by ownership, with the owners that made them so.

    A company is restricted when it is a target, or when the shares held in it by
    restricted companies add up to at least ``threshold`` -- repeated until nothing
    changes (the OFAC / BIS "affiliates" idea: aggregate and indirect).  Each company
    is added at most once, so cross-holdings terminate.

    Parameters
    ----------
    owns : mapping
        Owner -> owned -> share in [0, 1] (:attr:`SupplyChain.owns
        <graphlib_trade.analysis.chain.SupplyChain.owns>`).
    targets : iterable of company ids
        The listed parties.
    threshold : float
        Aggregate share that makes a company restricted (a restriction's
        ``affiliates_threshold``).

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
    >>> owns = {"parent": {"sub": 0.6, "jv": 0.2}, "sub": {"jv": 0.3}}
    >>> restricted_parties(owns, ["parent"], 0.5)
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
        for owned, share in owns.get(owner, {}).items():
            if owned in parties:
                continue
            held[owned] += share
            owners[owned].append(owner)
            if held[owned] >= threshold - SHARE_EPSILON:
                parties[owned] = tuple(sorted(owners[owned]))
                queue.append(owned)
    return parties
