"""Timeline: every date on which some status changes, and what changes then."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import networkx as nx

from graphlib_trade.analysis.graph import LICENCE, RESTRICTION
from graphlib_trade.analysis.impact import impact_on, index_of
from graphlib_trade.analysis.scenario import compare
from graphlib_trade.models import Event, Expiry, ImpactResult, Scenario, Status, Timeline

_DAY = dt.timedelta(days=1)


def window_dates(G: nx.MultiDiGraph) -> dict[dt.date, list[str]]:
    """The dates on which a restriction or licence window starts or has just ended.

    A window ending on D (inclusive) changes things on D + 1.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("tgl", kind="licence", valid_from=dt.date(2019, 5, 20), valid_until=dt.date(2019, 8, 19))
    >>> sorted(window_dates(G).items())  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2019, 5, 20), ['licence tgl starts']),
     (datetime.date(2019, 8, 20), ['licence tgl ended (last day 2019-08-19)'])]
    """
    dates: dict[dt.date, list[str]] = defaultdict(list)
    for node, data in sorted(G.nodes(data=True)):
        kind = data.get("kind")
        if kind == RESTRICTION:
            start, end, label = data["effective_from"], data.get("effective_until"), "restriction"
        elif kind == LICENCE:
            start, end, label = data["valid_from"], data.get("valid_until"), "licence"
        else:
            continue
        dates[start].append(f"{label} {node} starts")
        if end is not None:
            dates[end + _DAY].append(f"{label} {node} ended (last day {end.isoformat()})")
    return dict(dates)


def expiries(result: ImpactResult, G: nx.MultiDiGraph) -> tuple[Expiry, ...]:
    """Licences that ``at_risk`` products rely on, with the days left, soonest first."""
    found = []
    for p in result.products:
        if p.status is not Status.AT_RISK:
            continue
        for lic in p.relies_on:
            until = G.nodes[lic].get("valid_until")
            left = (until - result.as_of).days if until is not None else None
            found.append(Expiry(product=p.id, licence=lic, valid_until=until, days_left=left))
    return tuple(sorted(found, key=lambda e: (e.days_left is None, e.days_left or 0, e.product, e.licence)))


def timeline(G: nx.MultiDiGraph, start: dt.date | None = None, end: dt.date | None = None) -> Timeline:
    """Statuses on ``start``, then each window date up to ``end`` on which a status changes.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A supply-chain graph (see :func:`~graphlib_trade.analysis.graph.build_graph`).
    start, end : datetime.date, optional
        The period (inclusive).  By default, from the day before the first window
        date to the last one.

    Returns
    -------
    Timeline
        The impact on ``start``, and one event per window date in (start, end]
        on which some product or end user changes status, with what started or
        ended then.  ``expiries`` warn of the licences ``at_risk`` products rely on.

    Raises
    ------
    ValueError
        If ``end`` is before ``start``.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> from graphlib_trade.analysis.graph import build_graph
    >>> G = build_graph(parse_dataset({
    ...     "companies": [{"id": "us-co", "name": "US Co", "country": "US"},
    ...                   {"id": "maker", "name": "Maker", "country": "CN"}],
    ...     "components": [{"id": "chip", "name": "Chip", "origin": "US"}],
    ...     "supplies": [{"supplier": "us-co", "component": "chip"}],
    ...     "products": [{"id": "phone", "name": "Phone", "maker": "maker"}],
    ...     "bom": [{"parent": "phone", "component": "chip"}],
    ...     "restrictions": [{"id": "el", "targets": ["maker"], "effective_from": "2019-05-16"}],
    ... }, "example"))
    >>> [(e.date.isoformat(), e.products[0].after.value) for e in timeline(G).events]
    [('2019-05-16', 'blocked')]
    """
    dates = window_dates(G)
    if start is None:
        start = min(dates) - _DAY if dates else dt.date.today()
    if end is None:
        end = max(dates) if dates else start
    if end < start:
        raise ValueError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    ix = index_of(G)  # built once for every date (and kept while a frozen G lives)
    order = ix.order
    bare_runs: dict[tuple[str, ...], Any] = {}  # licence-free runs by the restrictions in force
    before = impact_on(G, ix, order, start, bare_runs=bare_runs)
    initial = before
    events = []
    nothing = Scenario()
    for day in sorted(d for d in dates if start < d <= end):
        after = impact_on(G, ix, order, day, bare_runs=bare_runs)
        changes = compare(before, after, nothing)
        if changes.products or changes.end_users:
            events.append(
                Event(
                    date=day,
                    what=tuple(dates[day]),
                    products=changes.products,
                    end_users=changes.end_users,
                    expiries=expiries(after, G),
                )
            )
        before = after
    return Timeline(
        start=start, end=end, initial=initial, events=tuple(events), expiries=expiries(initial, G)
    )
