"""Impact of restrictions and licences on every product and end user, as of a date.

The rules themselves are in :mod:`graphlib_trade.analysis.engine`; this module turns
two evaluations (with licences, and without them, for ``at_risk`` and ``relies_on``)
into an :class:`~graphlib_trade.models.ImpactResult`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable, Iterable, Mapping
from typing import NamedTuple

from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import (
    CauseKey,
    EndUserEvaluation,
    Evaluation,
    ProductEvaluation,
    at_risk,
    day_of,
    evaluate,
    evaluate_later,
    evaluate_without_licences,
)
from graphlib_trade.models import Cause, EndUserImpact, ImpactResult, ProductImpact, Status, worst

#: Impact results a chain keeps (a what-if's "before" is the impact the analyst has just seen).
RESULTS_KEPT = 8
_RESULTS = "impact results"

_Run = tuple[Evaluation, dict[str, ProductEvaluation]]


def impact(chain: SupplyChain, as_of: dt.date, *, ignore_licences: bool = False) -> ImpactResult:
    """Status of every product and end user in ``G`` on ``as_of``, with the causes.

    Parameters
    ----------
    chain : SupplyChain
        A supply chain (see :meth:`~graphlib_trade.analysis.chain.SupplyChain.from_dataset`).
    as_of : datetime.date
        The day the rules are applied on (windows are inclusive).
    ignore_licences : bool, optional
        Evaluate as if no licence existed.

    Returns
    -------
    ImpactResult
        Products and end users sorted by id, each with its status and causes.

    Examples
    --------
    >>> import datetime as dt
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> impact(chain, dt.date(2019, 5, 15)).products[0].status.value
    'ok'
    >>> impact(chain, dt.date(2019, 5, 16)).products[0].status.value
    'blocked'
    """
    return chain.kept_recent(
        _RESULTS,
        (as_of, ignore_licences),
        lambda: impact_result(chain, as_of, ignore_licences=ignore_licences),
        RESULTS_KEPT,
    )


def kept_impact(chain: SupplyChain, as_of: dt.date, *, ignore_licences: bool = False) -> ImpactResult | None:
    """The :func:`impact` ``chain`` keeps for ``as_of``, or None (nothing is computed)."""
    found: ImpactResult | None = chain.recent(_RESULTS, (as_of, ignore_licences))
    return found


class Statuses(NamedTuple):
    """Every product's and end user's status on one date, with the two evaluations they come
    from (with licences, and without them for ``at_risk`` and ``relies_on``)."""

    real: Evaluation
    real_products: dict[str, ProductEvaluation]
    bare_run: Evaluation
    bare_products: dict[str, ProductEvaluation]
    #: product -> its status.
    products: dict[str, Status]
    #: end user -> its status, the products that give it that status, and what it loses by itself.
    end_users: dict[str, tuple[Status, tuple[str, ...], EndUserEvaluation]]

    def relies_on(self, product: str) -> set[str]:
        """The valid licences that lifted a cause ``product`` would have without licences."""
        found: set[str] = set()
        used = self.real.used_licences
        for cause in self.bare_products[product].causes:
            found |= used.get(cause, set())
        return found


def statuses(
    chain: SupplyChain,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    bare_runs: dict[Hashable, _Run] | None = None,
    since: Statuses | None = None,
) -> Statuses:
    """The statuses :func:`impact` reports, without the report (what ``timeline`` compares).

    ``bare_runs`` caches the licence-free evaluations by the restrictions in force and their
    parties (:attr:`~graphlib_trade.analysis.engine.Day.rules`): they do not change on the
    dates where only licences start or end.  ``since``: the statuses on another date, whose
    evaluation is carried over (:func:`~graphlib_trade.analysis.engine.evaluate_later`);
    the statuses are the same, but :meth:`Statuses.relies_on` may then name more licences.
    """
    if since is None:
        real, real_products = evaluate(chain, as_of, licences=not ignore_licences)
    else:
        real, real_products = evaluate_later(since.real, since.real_products, as_of)
    if bare_runs is None:
        bare_run, bare_products = evaluate_without_licences(real, real_products)
    else:
        rules = day_of(chain, as_of).rules
        if rules not in bare_runs:
            bare_runs[rules] = evaluate_without_licences(real, real_products)
        bare_run, bare_products = bare_runs[rules]

    status_of = {pid: at_risk(now.status, bare_products[pid].status) for pid, now in real_products.items()}

    end_users = {uid: end_user_status(chain, uid, status_of, real, bare_run) for uid in chain.end_users}
    return Statuses(real, real_products, bare_run, bare_products, status_of, end_users)


def end_user_status(
    chain: SupplyChain, user: str, status_of: Mapping[str, Status], real: Evaluation, bare: Evaluation
) -> tuple[Status, tuple[str, ...], EndUserEvaluation]:
    """An end user's status, the products that give it that status, and what it loses by itself.

    ``status_of``: the status of each product ``user`` uses; ``real`` and ``bare``: the
    evaluations with licences and without them.
    """
    own, own_bare = real.end_user(user), bare.end_user(user)
    # Each product gives the user its own status, or what the user loses by itself through
    # it (a blocked delivery or service), or at_risk if only a licence keeps that.
    via_status = {p: status_of[p] for p in set(chain.uses.get(user, ()))}
    for p, lost in own.via.items():
        via_status[p] = max(via_status[p], lost, key=lambda s: s.rank)
    for p in own_bare.via.keys() - own.via.keys():
        via_status[p] = max(via_status[p], Status.AT_RISK, key=lambda s: s.rank)
    status = worst(via_status.values())
    via = tuple(sorted(p for p, s in via_status.items() if s is status)) if status is not Status.OK else ()
    return status, via, own


def impact_result(
    chain: SupplyChain,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    bare_runs: dict[Hashable, _Run] | None = None,
) -> ImpactResult:
    """:func:`impact` computed afresh (not kept), for many dates in a row (``bare_runs``: see
    :func:`statuses`)."""
    return impact_report(chain, statuses(chain, as_of, ignore_licences=ignore_licences, bare_runs=bare_runs))


def impact_report(chain: SupplyChain, found: Statuses) -> ImpactResult:
    """The :class:`~graphlib_trade.models.ImpactResult` of the statuses on one date."""
    real = found.real
    # One model per cause, however many products and end users it reaches.
    every: set[CauseKey] = set().union(
        *(p.causes for p in found.real_products.values()),
        *(own.causes for _, _, own in found.end_users.values()),
    )
    # Each answer's causes in order: by their place among all of them, sorted once.
    ordered = sorted(every)
    place = {key: i for i, key in enumerate(ordered)}.__getitem__
    made = [key.model(chain) for key in ordered]
    models = made.__getitem__

    def causes_of(keys: Iterable[CauseKey]) -> tuple[Cause, ...]:
        return tuple(map(models, sorted(map(place, keys))))

    products: list[ProductImpact] = []
    for pid in sorted(chain.products):
        now, bare = found.real_products[pid], found.bare_products[pid]
        status = found.products[pid]
        data = chain.products[pid]
        products.append(
            ProductImpact(
                id=pid,
                name=data.name,
                maker=data.maker,
                lifecycle=data.lifecycle,
                status=status,
                without_licences=max(status, bare.status, key=lambda s: s.rank),
                lost_required=now.lost_required,
                lost_optional=now.lost_optional,
                substituted=now.substituted,
                blocked_services=now.blocked_services,
                causes=causes_of(now.causes),
                relies_on=tuple(sorted(found.relies_on(pid))),
            )
        )

    end_users: list[EndUserImpact] = []
    for uid in sorted(chain.end_users):
        status, via, own = found.end_users[uid]
        causes = causes_of(own.causes)
        end_users.append(
            EndUserImpact(id=uid, name=chain.end_users[uid].name, status=status, via=via, causes=causes)
        )

    return ImpactResult(
        as_of=real.as_of,
        ignore_licences=not real.counts_licences,
        active_restrictions=real.active,
        valid_licences=tuple(sorted(lic for lics in real.licences.values() for lic in lics)),
        products=tuple(products),
        end_users=tuple(end_users),
        unclassified_causes=sum(1 for c in made if c.unclassified),
    )
