"""What a data update changes: restrictions and restricted parties added or removed, and every
product and end user whose status moves, with the causes that are new."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Sequence

from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import day_of
from graphlib_trade.analysis.impact import impact
from graphlib_trade.models import Cause, DataChanges, PartyChange, Status, StatusChange


def data_changes(before: SupplyChain, after: SupplyChain, as_of: dt.date) -> DataChanges:
    """The changes from ``before`` to ``after`` on ``as_of``.

    Parameters
    ----------
    before, after : SupplyChain
        The data before and after the update (a new screening-list import, a new BOM).
    as_of : datetime.date
        The day both are evaluated on.

    Returns
    -------
    DataChanges
        Restrictions added and removed (by id), restricted parties added and removed on
        ``as_of`` (per restriction), and the products and end users whose status differs,
        with the causes that are new; ``worse`` when a status got worse or a company or end
        user became a restricted party.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> unlisted = chain.changed(restrictions={})
    >>> found = data_changes(unlisted, chain, dt.date(2019, 6, 1))
    >>> found.restrictions_added, [(p.id, p.before.value, p.after.value) for p in found.products], found.worse
    (('el',), [('phone', 'ok', 'blocked')], True)
    """
    old, new = impact(before, as_of), impact(after, as_of)
    parties_old, parties_new = _parties(before, as_of), _parties(after, as_of)
    products = _statuses(
        [(p.id, p.name, p.status, p.causes) for p in old.products],
        [(p.id, p.name, p.status, p.causes) for p in new.products],
    )
    end_users = _statuses(
        [(u.id, u.name, u.status, u.causes) for u in old.end_users],
        [(u.id, u.name, u.status, u.causes) for u in new.end_users],
    )
    added = tuple(PartyChange(restriction=r, party=p) for r, p in sorted(parties_new - parties_old))
    return DataChanges(
        as_of=as_of,
        restrictions_added=tuple(sorted(after.restrictions.keys() - before.restrictions.keys())),
        restrictions_removed=tuple(sorted(before.restrictions.keys() - after.restrictions.keys())),
        parties_added=added,
        parties_removed=tuple(
            PartyChange(restriction=r, party=p) for r, p in sorted(parties_old - parties_new)
        ),
        products=products,
        end_users=end_users,
        worse=bool(added) or any(c.worse for c in (*products, *end_users)),
    )


def _parties(chain: SupplyChain, as_of: dt.date) -> set[tuple[str, str]]:
    return {(r, party) for r, found in day_of(chain, as_of).parties.items() for party in found}


_Row = tuple[str, str, Status, Sequence[Cause]]


def _statuses(old: Iterable[_Row], new: Iterable[_Row]) -> tuple[StatusChange, ...]:
    """Entries whose status differs (or that only one side has, unless ok there)."""
    before = {row[0]: row for row in old}
    after = {row[0]: row for row in new}
    found = []
    for key in sorted(before.keys() | after.keys()):
        was, now = before.get(key), after.get(key)
        status_was = was[2] if was else None
        status_now = now[2] if now else None
        if (status_was or Status.OK) == (status_now or Status.OK):
            continue
        known = set(was[3]) if was else set()
        fresh = tuple(c for c in (now[3] if now else ()) if c not in known)
        name = (now or was)[1]  # type: ignore[index]
        found.append(StatusChange(id=key, name=name, before=status_was, after=status_now, new_causes=fresh))
    return tuple(found)
