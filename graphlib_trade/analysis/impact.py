"""Impact of restrictions and licences on every product and end user, as of a date.

The rules themselves are in :mod:`graphlib_trade.analysis.engine`; this module turns
two evaluations (with licences, and without them, for ``at_risk`` and ``relies_on``)
into an :class:`~graphlib_trade.models.ImpactResult`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Hashable
from collections.abc import Set as AbstractSet
from typing import NamedTuple

from graphlib_trade.analysis.causes import CauseRow, Runs, array_evaluations, distinct_causes, renumbered
from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import (
    CauseKey,
    EndUserEvaluation,
    Evaluation,
    LicencePaths,
    ProductEvaluation,
    at_risk,
    cause_models,
    day_of,
    end_user_status,
    evaluate,
    evaluate_later,
    evaluate_without_licences,
)
from graphlib_trade.models import Cause, EndUserImpact, ImpactResult, ProductImpact, Status, constructed

#: Impact results a chain keeps (a what-if's "before" is the impact the analyst has just seen).
RESULTS_KEPT = 8
_RESULTS = "impact results"

_Run = tuple[Evaluation, dict[str, ProductEvaluation]]
#: The fields of the report's rows, in the order :func:`impact_report` gives their values.
_PRODUCT_FIELDS = (
    "id",
    "name",
    "maker",
    "lifecycle",
    "status",
    "without_licences",
    "lost_required",
    "lost_optional",
    "substituted",
    "blocked_services",
    "causes",
    "relies_on",
)
_END_USER_FIELDS = ("id", "name", "status", "via", "causes")


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
    #: The paths the rules take (see :class:`~graphlib_trade.analysis.engine.LicencePaths`).
    paths: LicencePaths

    def relies_on(self, product: str) -> set[str]:
        """The valid licences that lift a cause ``product`` would have without licences, on the
        path the rules take to keep it as it is."""
        return self.paths.relies_on(product, self.bare_products[product].causes)


def statuses(
    chain: SupplyChain,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    bare_runs: dict[Hashable, _Run] | None = None,
    since: Statuses | None = None,
) -> Statuses:
    """The statuses :func:`impact` reports, without the report (what ``timeline`` compares).

    A chain with :class:`~graphlib_trade.analysis.chain.ChainArrays` is evaluated by array
    passes (:func:`~graphlib_trade.analysis.causes.array_evaluations`), unless ``timeline``
    carries evaluations from date to date: ``bare_runs`` caches the licence-free evaluations
    by the restrictions in force and their parties
    (:attr:`~graphlib_trade.analysis.engine.Day.rules`), which do not change on the dates where
    only licences start or end; ``since``: the statuses on another date, whose evaluation is
    carried over (:func:`~graphlib_trade.analysis.engine.evaluate_later`).
    """
    licences = not ignore_licences
    runs = array_evaluations(chain, as_of, licences=licences) if since is None and bare_runs is None else None
    if runs is None:
        runs = _runs_one_by_one(chain, as_of, licences, bare_runs, since)
    real, real_products, bare_run, bare_products, builds = runs
    status_of = {pid: at_risk(now.status, bare_products[pid].status) for pid, now in real_products.items()}
    end_users = {uid: end_user_status(chain, uid, status_of, real, bare_run) for uid in chain.end_users}
    paths = LicencePaths(real, builds, lambda: distinct_causes(p.causes for p in bare_products.values()))
    return Statuses(real, real_products, bare_run, bare_products, status_of, end_users, paths)


def _runs_one_by_one(
    chain: SupplyChain,
    as_of: dt.date,
    licences: bool,
    bare_runs: dict[Hashable, _Run] | None,
    since: Statuses | None,
) -> Runs:
    """The evaluations with and without licences, by the rules one by one (see :func:`statuses`),
    and whether a supplier can build a component under the first."""
    if since is None:
        real, real_products = evaluate(chain, as_of, licences=licences)
    else:
        real, real_products = evaluate_later(since.real, since.real_products, as_of)
    if bare_runs is None:
        bare = evaluate_without_licences(real, real_products)
    else:
        rules = day_of(chain, as_of).rules
        if rules not in bare_runs:
            bare_runs[rules] = evaluate_without_licences(real, real_products)
        bare = bare_runs[rules]
    return real, real_products, *bare, lambda s, c: real.can_build(s, c) is None


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
    every = distinct_causes(
        [
            *(p.causes for p in found.real_products.values()),
            *(own.causes for _, _, own in found.end_users.values()),
        ]
    )
    # Each answer's causes in order: by their place among all of them, sorted once.
    ordered = sorted(every)
    place = {key: i for i, key in enumerate(ordered)}
    made = cause_models(chain, ordered)
    models = made.__getitem__
    # The array passes' rows, as places among them (each row in order).
    places: dict[int, list[int]] = {}

    def causes_of(keys: AbstractSet[CauseKey]) -> tuple[Cause, ...]:
        if type(keys) is CauseRow:
            rows = places.get(id(keys.rows))
            if rows is None:
                rows = places[id(keys.rows)] = renumbered(keys.rows, place)
            return tuple(map(models, rows[keys.start : keys.stop]))
        return tuple(map(models, sorted(map(place.__getitem__, keys))))

    products: list[tuple[object, ...]] = []  # each the values of _PRODUCT_FIELDS
    for pid, data in sorted(chain.products.items()):
        now, bare = found.real_products[pid], found.bare_products[pid]
        status = found.products[pid]
        products.append(
            (
                pid,
                data.name,
                data.maker,
                data.lifecycle,
                status,
                max(status, bare.status, key=lambda s: s.rank),
                now.lost_required,
                now.lost_optional,
                now.substituted,
                now.blocked_services,
                causes_of(now.causes),
                tuple(sorted(found.relies_on(pid))),
            )
        )
    end_users: list[tuple[object, ...]] = []  # each the values of _END_USER_FIELDS
    for uid, user in sorted(chain.end_users.items()):  # (read at once: a snapshot's, value by value)
        status, via, own = found.end_users[uid]
        end_users.append((uid, user.name, status, via, causes_of(own.causes)))

    return ImpactResult(
        as_of=real.as_of,
        ignore_licences=not real.counts_licences,
        active_restrictions=real.active,
        valid_licences=tuple(sorted(lic for lics in real.licences.values() for lic in lics)),
        products=tuple(constructed(ProductImpact, _PRODUCT_FIELDS, products)),
        end_users=tuple(constructed(EndUserImpact, _END_USER_FIELDS, end_users)),
        unclassified_causes=sum(1 for c in made if c.unclassified),
    )
