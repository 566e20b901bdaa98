"""Criticality: what each supplier, component or country of origin holds up.

The supply chain is an AND/OR graph: a product needs *all* its required entries,
an entry needs *one* of its options, a component needs *one* working supplier, and
a supplier needs all the required entries of what it builds.  For one failure at a
time, the set of failures that stop a node (its *critical set*) follows the same
shape, like dominators in a flow graph::

    crit(component, buyer) = {component, its origin} | (the new-restriction tokens
                             of the buyer when the component is subject)
                             | intersection over working suppliers s of
                               ({s lost} | crit of every required entry of s's build)
    crit(entry, buyer)     = intersection over available options of crit(option, buyer)
    product blocked by     = union over its required entries of crit(entry, maker)

A failure stops a node exactly when it is in the node's critical set, because
removing one thing can only remove ways of making it.  One pass over the bill of
materials, memoised per (component, buyer class) like the impact engine, answers
the question for every supplier, component and country at once, instead of one
full re-run of the rules per candidate.
"""

from __future__ import annotations

import datetime as dt
import sys
from collections import defaultdict
from collections.abc import Iterable
from typing import Literal

from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import Evaluation, subject_grounds, us_fractions_of
from graphlib_trade.analysis.ownership import restricted_parties
from graphlib_trade.analysis.passes import product_statuses, who_builds
from graphlib_trade.analysis.scenario import new_restriction
from graphlib_trade.models import Loss, Ranking, RankRow, Status

Kind = Literal["suppliers", "components", "countries"]
_Tokens = frozenset[int]


class _Critical:
    """Critical sets over one evaluation of the rules (licences included)."""

    def __init__(self, chain: SupplyChain, as_of: dt.date) -> None:
        self.chain = chain
        # With arrays, rule 4 comes from the array passes: nothing to work out bottom up here.
        self.engine = Evaluation(chain, as_of, bottom_up=chain.arrays is None)
        #: Whether a supplier can build a component (rule 4): by array passes when the chain has them.
        self.builds = who_builds(self.engine) or (lambda s, c: self.engine.can_build(s, c) is None)
        self.us_fractions = us_fractions_of(chain)
        #: What "a new restriction on the supplier" means: the model's defaults.
        self.new = new_restriction("rank:new-restriction", "*", as_of)
        self.tokens: list[tuple[str, str]] = []
        self._token_id: dict[tuple[str, str], int] = {}
        # Restricting x makes x and what it owns (affiliates rule) restricted parties.
        owns, threshold = chain.owns_on(as_of), self.new.affiliates_threshold or 0.0
        self.restricted_by: dict[str, set[int]] = defaultdict(set)
        for company in chain.companies:
            closure = (
                restricted_parties(owns, [company], threshold)
                if threshold and company in owns
                else {company: ()}
            )
            token = self.token("restricted", company)
            for party in closure:
                self.restricted_by[party].add(token)
        self._restricted_by_frozen = {b: frozenset(t) for b, t in self.restricted_by.items()}
        self._subject_default: dict[str, bool] = {}
        self._base: dict[tuple[str, str | None], _Tokens | None] = {}
        self._build: dict[tuple[str, str], _Tokens] = {}

    def known(self, mode: str, name: str) -> int | None:
        """The token of (``mode``, ``name``) if some critical set holds it."""
        return self._token_id.get((mode, name))

    def token(self, mode: str, name: str) -> int:
        key = (mode, name)
        if key not in self._token_id:
            self._token_id[key] = len(self.tokens)
            self.tokens.append(key)
        return self._token_id[key]

    def subject_default(self, component: str) -> bool:
        if component not in self._subject_default:
            data = self.chain.components[component]
            self._subject_default[component] = any(
                subject_grounds(data, self.new, self.us_fractions[component])
            )
        return self._subject_default[component]

    def crit(self, component: str, buyer: str) -> _Tokens | None:
        """Tokens whose failure makes ``component`` unavailable to ``buyer``; None if it already is."""
        base = self._crit_base(component, buyer)
        if base is None:
            return None
        if self.subject_default(component):
            extra = self._restricted_by_frozen.get(buyer)
            if extra:
                return base | extra
        return base

    def _crit_base(self, component: str, buyer: str) -> _Tokens | None:
        key = (component, buyer if buyer in self.engine.restricting else None)
        if key in self._base:
            return self._base[key]
        result: _Tokens | None = None
        common: _Tokens | None = None
        for s in self.working_suppliers(component, buyer):
            mine = self.build(s, component) | {self.token("lost", s)}
            common = mine if common is None else common & mine
        if common is not None:
            origin = self.chain.components[component].origin
            result = common | {self.token("component", component), self.token("country", origin)}
        self._base[key] = result
        return result

    def working_suppliers(self, component: str, buyer: str) -> list[str]:
        restricted = buyer in self.engine.restricting
        return [
            s
            for s in self.chain.suppliers.get(component, ())
            if self.builds(s, component)
            and not (restricted and self.engine.supply_blocks(s, component, buyer))
        ]

    def build(self, supplier: str, component: str) -> _Tokens:
        key = (supplier, component)
        if key not in self._build:
            tokens: set[int] = set()
            for entry in self.chain.bom.get(component, ()):
                if entry.required:
                    tokens |= self.entry(entry.options, supplier) or frozenset()
            self._build[key] = frozenset(tokens)
        return self._build[key]

    def entry(self, options: Iterable[str], buyer: str) -> _Tokens | None:
        common: _Tokens | None = None
        for option in options:
            c = self.crit(option, buyer)
            if c is not None:
                common = c if common is None else common & c
        return common

    def product_levels(self, pid: str) -> dict[int, Status]:
        """Each token that would make the product worse, with the status it would cause."""
        chain = self.chain
        maker = chain.products[pid].maker
        levels: dict[int, Status] = {}

        def mark(tokens: Iterable[int], status: Status) -> None:
            for t in tokens:
                if t not in levels or status.worse_than(levels[t]):
                    levels[t] = status

        if chain.products[pid].lifecycle == "active":
            for entry in chain.bom.get(pid, ()):
                tokens = self.entry(entry.options, maker)
                if tokens is not None:
                    mark(tokens, Status.BLOCKED if entry.required else Status.DEGRADED)
        for line in chain.services.get(pid, ()):
            provider = line.provider
            if (provider, pid) in chain.lost_services or self.engine.service_blocks(line, pid, maker):
                continue
            service = {self.token("lost", provider)}
            if chain.companies[provider].country in self.new.origins:
                service |= self._restricted_by_frozen.get(maker, frozenset())
            mark(service, Status.EXPOSED)
        return levels


def rank(chain: SupplyChain, kind: Kind, as_of: dt.date, *, top: int | None = None) -> Ranking:
    """Suppliers, components or countries of origin, by what would be lost without them.

    For each candidate: the products that would become blocked (and any whose
    status would get worse: exposed for a lost service, degraded for a lost
    optional part) and the end users who would be worse off, if it disappeared.
    Suppliers are also ranked as if a new restriction (the model's defaults:
    origins US, de minimis 25%, affiliates at 50%) listed them: their own purchases of subject items stop.
    Products carrying ``value`` or ``units`` weight the ranking.  Licence
    dependence (``at_risk``) is not a supply loss and is left to ``timeline`` and
    ``explain``.

    Parameters
    ----------
    chain : SupplyChain
        A supply chain (see :meth:`~graphlib_trade.analysis.chain.SupplyChain.from_dataset`).
    kind : {"suppliers", "components", "countries"}
    as_of : datetime.date
    top : int, optional
        Keep the first ``top`` rows.

    Returns
    -------
    Ranking
        Rows sorted by the weight lost (value, else units, else products
        blocked), then products worse, end users worse and id.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> chain = SupplyChain.from_dataset(parse_dataset({
    ...     "companies": [{"id": "a", "name": "A", "country": "JP"},
    ...                   {"id": "b", "name": "B", "country": "KR"},
    ...                   {"id": "m", "name": "M", "country": "DE"}],
    ...     "components": [{"id": "cpu", "name": "CPU", "origin": "JP"},
    ...                    {"id": "ram", "name": "RAM", "origin": "KR"}],
    ...     "supplies": [{"supplier": "a", "component": "cpu"},
    ...                  {"supplier": "a", "component": "ram"},
    ...                  {"supplier": "b", "component": "ram"}],
    ...     "products": [{"id": "pc", "name": "PC", "maker": "m"}],
    ...     "bom": [{"parent": "pc", "component": "cpu"}, {"parent": "pc", "component": "ram"}],
    ... }, "example"))
    >>> [(r.id, r.lost.products_blocked) for r in rank(chain, "suppliers", dt.date(2020, 1, 1)).rows]
    [('a', ('pc',)), ('b', ())]
    """
    if kind not in ("suppliers", "components", "countries"):
        raise ValueError(f"kind must be suppliers, components or countries, got {kind!r}")
    if top is not None and top < 1:
        raise ValueError(f"top must be at least 1, got {top!r}")
    sys.setrecursionlimit(max(sys.getrecursionlimit(), 10_000))
    crit = _Critical(chain, as_of)
    # The licensed evaluation's statuses: at_risk (licence dependence) is ok here.
    status_now = product_statuses(crit.engine) or {
        pid: crit.engine.product(pid).status for pid in chain.products
    }
    users_of: dict[str, list[str]] = defaultdict(list)
    for user, used in chain.uses.items():
        for p in set(used):
            users_of[p].append(user)

    # Statuses as ranks (ints) in the inner loops.
    now = {pid: s.rank for pid, s in status_now.items()}
    user_now = {u: max((now[p] for p in used), default=0) for u, used in chain.uses.items()}
    hits: dict[int, dict[str, int]] = defaultdict(dict)  # token -> product -> new status rank
    blocked_rank = Status.BLOCKED.rank
    for pid in sorted(chain.products):
        if now[pid] == blocked_rank:
            continue  # nothing can make a blocked product worse: its sub-BOM need not be walked
        for token, status in crit.product_levels(pid).items():
            if status.rank > now[pid]:
                hits[token][pid] = status.rank
    nothing = Loss()

    def loss(token: int | None) -> Loss:
        hit = hits.get(token) if token is not None else None
        if not hit:
            return nothing
        blocked = sorted(p for p, r in hit.items() if r == blocked_rank)
        # An end user gets worse when a product it uses gets worse than the user's worst now.
        worse = sorted({u for p, r in hit.items() for u in users_of.get(p, ()) if r > user_now[u]})
        return Loss.model_construct(
            products_blocked=tuple(blocked),
            products_worse=tuple(sorted(hit)),
            end_users_worse=tuple(worse),
            units=float(sum(chain.products[p].units or 0.0 for p in blocked)),
            value=float(sum(chain.products[p].value or 0.0 for p in blocked)),
        )

    rows: list[RankRow] = []
    if kind == "suppliers":
        suppliers = sorted(
            {s for ss in chain.suppliers.values() for s in ss}
            | {line.provider for lines in chain.services.values() for line in lines}
        )
        for s in suppliers:
            rows.append(
                RankRow.model_construct(
                    id=s,
                    name=chain.name(s),
                    country=chain.companies[s].country,
                    lost=loss(crit.known("lost", s)),
                    restricted=loss(crit.known("restricted", s)),
                )
            )
    elif kind == "components":
        for c in sorted(chain.components):
            sources = len(crit.working_suppliers(c, "")) if c in chain.suppliers else 0
            rows.append(
                RankRow.model_construct(
                    id=c,
                    name=chain.name(c),
                    country=chain.components[c].origin,
                    sources=sources,
                    lost=loss(crit.known("component", c)),
                )
            )
    else:
        for country in sorted({d.origin for d in chain.components.values()}):
            rows.append(
                RankRow(id=country, name=country, country=country, lost=loss(crit.known("country", country)))
            )

    products = chain.products.values()
    weight: Literal["value", "units", "products"] = (
        "value"
        if any(p.value for p in products)
        else "units"
        if any(p.units for p in products)
        else "products"
    )
    rows.sort(key=lambda r: (*(-x for x in _score(r, weight)), r.id))
    return Ranking(
        as_of=as_of, kind=kind, weight=weight, rows=tuple(rows[:top] if top else rows), total=len(rows)
    )


def _score(row: RankRow, weight: str) -> tuple[float, ...]:
    def one(loss: Loss) -> tuple[float, ...]:
        first = {"value": loss.value, "units": loss.units}.get(weight, float(len(loss.products_blocked)))
        return (first, len(loss.products_blocked), len(loss.products_worse), len(loss.end_users_worse))

    scores = [one(row.lost)] + ([one(row.restricted)] if row.restricted is not None else [])
    return max(scores)
