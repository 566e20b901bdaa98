"""Timeline: every date on which some status changes, and what changes then."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Hashable, Iterable
from typing import Any

from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import day_of
from graphlib_trade.analysis.impact import impact_report, statuses
from graphlib_trade.analysis.scenario import status_changes
from graphlib_trade.models import Event, Expiry, ImpactResult, Status, Timeline

_DAY = dt.timedelta(days=1)


def window_dates(chain: SupplyChain) -> dict[dt.date, list[str]]:
    """The dates on which a restriction, licence, dated holding or list's affiliates-rule window
    starts or has just ended.

    A window ending on D (inclusive) changes things on D + 1.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> from graphlib_trade.analysis.scenario import apply_scenario
    >>> from graphlib_trade.models import Scenario
    >>> tgl = {"id": "tgl", "restriction": "el", "valid_from": "2019-05-20", "valid_until": "2019-08-19"}
    >>> chain = apply_scenario(listing_example(), Scenario.model_validate({"add": {"licences": [tgl]}}),
    ...                        dt.date(2019, 5, 20))
    >>> sorted(window_dates(chain).items())  # doctest: +NORMALIZE_WHITESPACE
    [(datetime.date(2019, 5, 16), ['restriction el starts']),
     (datetime.date(2019, 5, 20), ['licence tgl starts']),
     (datetime.date(2019, 8, 20), ['licence tgl ended (last day 2019-08-19)'])]
    """
    windows: list[tuple[str, dt.date | None, dt.date | None, str]] = [
        (r.id, r.effective_from, r.effective_until, "restriction") for r in chain.restrictions.values()
    ]
    windows += [(lic.id, lic.valid_from, lic.valid_until, "licence") for lic in chain.licences.values()]
    windows += [
        (f"of {o.owned} by {o.owner}", o.valid_from, o.valid_until, "holding") for o in chain.dated_ownership
    ]
    windows += [
        (x.id, w.start, w.until, "affiliates rule of list")
        for x in chain.lists.values()
        for w in x.affiliates_windows
    ]
    dates: dict[dt.date, list[str]] = defaultdict(list)
    for node, start, end, label in sorted(
        windows, key=lambda w: (w[0], w[1] or dt.date.min, w[2] or dt.date.max, w[3])
    ):
        if start is not None:  # a holding may be open at its start
            dates[start].append(f"{label} {node} starts")
        if end is not None:
            dates[end + _DAY].append(f"{label} {node} ended (last day {end.isoformat()})")
    return dict(dates)


def expiries(result: ImpactResult, chain: SupplyChain) -> tuple[Expiry, ...]:
    """Licences that ``at_risk`` products rely on, with the days left, soonest first."""
    relied = ((p.id, p.relies_on) for p in result.products if p.status is Status.AT_RISK)
    return _expiries(relied, result.as_of, chain)


def _expiries(
    relied: Iterable[tuple[str, Iterable[str]]], as_of: dt.date, chain: SupplyChain
) -> tuple[Expiry, ...]:
    """:func:`expiries` of (at_risk product, the licences it relies on) pairs."""
    found = []
    for product, licences in relied:
        for lic in licences:
            until = chain.licences[lic].valid_until
            left = (until - as_of).days if until is not None else None
            found.append(Expiry(product=product, licence=lic, valid_until=until, days_left=left))
    return tuple(sorted(found, key=lambda e: (e.days_left is None, e.days_left or 0, e.product, e.licence)))


def _state(chain: SupplyChain, day: dt.date) -> Hashable:
    """What an evaluation on ``day`` depends on: the rules in force with their parties, and the
    valid licences (a holding or a list's window may change nothing)."""
    return day_of(chain, day).rules, tuple(lic for lic, data in chain.licences.items() if data.valid_on(day))


def timeline(chain: SupplyChain, start: dt.date | None = None, end: dt.date | None = None) -> Timeline:
    """Statuses on ``start``, then each window date up to ``end`` on which a status changes.

    Parameters
    ----------
    chain : SupplyChain
        A supply chain (see :meth:`~graphlib_trade.analysis.chain.SupplyChain.from_dataset`).
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
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> [(e.date.isoformat(), e.products[0].after.value) for e in timeline(listing_example()).events]
    [('2019-05-16', 'blocked')]
    """
    dates = window_dates(chain)
    if start is None:
        start = min(dates) - _DAY if dates else dt.date.today()
    if end is None:
        end = max(dates) if dates else start
    if end < start:
        raise ValueError(f"the period ends ({end.isoformat()}) before it starts ({start.isoformat()})")
    bare_runs: dict[Hashable, Any] = {}  # licence-free runs by the rules in force (Day.rules)
    previous = statuses(chain, start, bare_runs=bare_runs)
    initial = impact_report(chain, previous)
    # Later dates need the statuses only, each date's evaluation carried over from the one before.
    products = {p.id: p.status for p in initial.products}
    end_users = {u.id: u.status for u in initial.end_users}
    product_names = {pid: data.name for pid, data in chain.products.items()}
    user_names = {uid: data.name for uid, data in chain.end_users.items()}
    events = []
    state = _state(chain, start)
    for day in sorted(d for d in dates if start < d <= end):
        now = _state(chain, day)
        if now == state:
            continue  # the same rules, parties and licences: no status can change
        state = now
        after = previous = statuses(chain, day, bare_runs=bare_runs, since=previous)
        users_after = {uid: found[0] for uid, found in after.end_users.items()}
        changed_products = status_changes(products, after.products, product_names)
        changed_users = status_changes(end_users, users_after, user_names)
        if changed_products or changed_users:
            at_risk = sorted(pid for pid, status in after.products.items() if status is Status.AT_RISK)
            events.append(
                Event(
                    date=day,
                    what=tuple(dates[day]),
                    products=changed_products,
                    end_users=changed_users,
                    expiries=_expiries(((pid, after.relies_on(pid)) for pid in at_risk), day, chain),
                )
            )
        products, end_users = after.products, users_after
    return Timeline(
        start=start, end=end, initial=initial, events=tuple(events), expiries=expiries(initial, chain)
    )
