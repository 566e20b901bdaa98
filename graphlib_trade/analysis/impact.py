"""Impact of restrictions and licences on products and end users, as of a date.

The rules (see README, "The rules"):

1. A restriction is active on D when D is inside its window; its restricted parties
   are its targets plus companies owned (aggregate, indirect) at or above its
   affiliates threshold by restricted parties.
2. An item is subject to a restriction when it is not publicly available and its
   origin is one of the restriction's origins, or (US among the origins) its US
   content is strictly above the de minimis level, or (the restriction applies the
   Foreign Direct Product Rule) it is a direct product of US technology.  A service
   is subject when its provider's country is one of the origins.
3. A supply is blocked when an active restriction makes the buyer a restricted
   party, the item is subject to it, and no licence of that restriction valid on D
   covers it.  A service is blocked likewise, its recipient being the product's maker.
4. A component is available to a buyer when some supplier's supply is not blocked
   and that supplier can build it (every required BOM entry has its component or an
   alternative available to that supplier).
5. Product status, worst first: blocked > exposed > degraded > at_risk > ok.
6. An end user has the worst status of the products it uses.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

import networkx as nx

from graphlib_trade.analysis.deminimis import LazyRollUp
from graphlib_trade.analysis.graph import (
    COMPANY,
    COMPONENT,
    END_USER,
    LICENCE,
    LICENSES,
    MAKES,
    PART_OF,
    PRODUCT,
    RESTRICTION,
    SERVES_PREFIX,
    SUPPLIES,
    TARGETS,
    USES,
    kept,
)
from graphlib_trade.analysis.ownership import restricted_parties
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import (
    Cause,
    EndUserImpact,
    ImpactResult,
    ProductImpact,
    Status,
    UsContent,
    worst,
)

# A cause as a plain tuple while computing: (restriction, supplier, item, buyer, kind).
_CauseT = tuple[str, str, str, str, str]
_NO_CAUSES: frozenset[_CauseT] = frozenset()


class _Entry(NamedTuple):
    """One BOM entry of a parent (a named tuple: a quarter of a million of them at 100k nodes)."""

    component: str
    required: bool
    alternatives: tuple[str, ...]
    value: float | None = None

    @property
    def options(self) -> tuple[str, ...]:
        return (self.component, *self.alternatives)


@dataclass
class _Index:
    """The parts of the graph the engine reads, gathered in one pass over the edges."""

    country: dict[str, str] = field(default_factory=dict)
    component: dict[str, dict[str, Any]] = field(default_factory=dict)
    product: dict[str, dict[str, Any]] = field(default_factory=dict)
    maker: dict[str, str] = field(default_factory=dict)
    end_user: dict[str, dict[str, Any]] = field(default_factory=dict)
    restriction: dict[str, dict[str, Any]] = field(default_factory=dict)
    targets: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    licence: dict[str, dict[str, Any]] = field(default_factory=dict)
    licence_of: dict[str, str] = field(default_factory=dict)
    suppliers: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    bom: dict[str, list[_Entry]] = field(default_factory=lambda: defaultdict(list))
    services: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    #: (provider, product) of services whose provider is gone (a what-if ``drop_suppliers``).
    lost_services: set[tuple[str, str]] = field(default_factory=set)
    uses: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Reverse adjacency, to find what a restriction can touch: supplier -> components,
    #: maker -> products, part (primary or alternative) -> the parents it goes into.
    supplies_of: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    makes: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    used_in: dict[str, list[str]] = field(default_factory=lambda: defaultdict(list))
    #: Components and products, parts first.
    order: list[str] = field(default_factory=list)
    us_content: Mapping[str, UsContent] = field(default_factory=dict)


def _index(G: nx.MultiDiGraph) -> _Index:
    """The engine's index of ``G``, with its BOM order; raise :class:`AnalysisError` on a BOM cycle."""
    ix = _Index()
    # The graph's own dicts, as networkx's shortest-path code reads them: its read-only
    # views cost a Python-level call per item, 60% of this pass.
    for n, data in G._node.items():
        kind = data.get("kind")
        if kind == COMPANY:
            ix.country[n] = data["country"]
        elif kind == COMPONENT:
            ix.component[n] = data
        elif kind == PRODUCT:
            ix.product[n] = data
        elif kind == END_USER:
            ix.end_user[n] = data
        elif kind == RESTRICTION:
            ix.restriction[n] = data
        elif kind == LICENCE:
            ix.licence[n] = data
    for u, nbrs in G._succ.items():
        for v, keyed in nbrs.items():
            for key, data in keyed.items():
                if key == SUPPLIES:
                    ix.suppliers[v].append(u)
                    ix.supplies_of[u].append(v)
                elif key == PART_OF:
                    alternatives = tuple(data.get("alternatives") or ())
                    ix.bom[v].append(_Entry(u, data.get("required", True), alternatives, data.get("value")))
                    ix.used_in[u].append(v)
                    for a in alternatives:
                        ix.used_in[a].append(v)
                elif key == MAKES:
                    ix.maker[v] = u
                    ix.makes[u].append(v)
                elif key == USES:
                    ix.uses[u].append(v)
                elif key == TARGETS:
                    ix.targets[u].append(v)
                elif key == LICENSES:
                    ix.licence_of[u] = v
                elif isinstance(key, str) and key.startswith(SERVES_PREFIX):
                    ix.services[v].append((u, data.get("kind", key[len(SERVES_PREFIX) :])))
                    if data.get("lost"):
                        ix.lost_services.add((u, v))
    order = _parts_first([*ix.component, *ix.product], ix.used_in)
    if order is None:
        raise AnalysisError(_cycle_message(G))
    ix.order = order
    ix.us_content = _roll_up_of(ix)
    return ix


def _roll_up_of(ix: _Index) -> LazyRollUp:
    bom = ix.bom
    return LazyRollUp(ix.component, lambda node: [(e.component, e.value) for e in bom.get(node, ())])


def _parts_first(nodes: list[str], used_in: Mapping[str, list[str]]) -> list[str] | None:
    """Kahn's algorithm over part -> parent links: ``nodes`` parts first, or None on a cycle.

    Ties keep the order of ``nodes`` (the graph's insertion order), so the order is
    deterministic.
    """
    waiting = dict.fromkeys(nodes, 0)
    for part, parents in used_in.items():
        waiting.setdefault(part, 0)  # a part missing from ``nodes`` (a graph built by hand)
        for parent in parents:
            waiting[parent] = waiting.get(parent, 0) + 1
    order = [n for n, count in waiting.items() if count == 0]
    i = 0
    while i < len(order):
        for parent in used_in.get(order[i], ()):
            waiting[parent] -= 1
            if waiting[parent] == 0:
                order.append(parent)
        i += 1
    return order if len(order) == len(waiting) else None


def _cycle_message(G: nx.MultiDiGraph) -> str:
    B = nx.DiGraph()
    for u, v, key, data in G.edges(keys=True, data=True):
        if key == PART_OF:
            B.add_edge(u, v)
            B.add_edges_from((a, v) for a in data.get("alternatives") or ())
    cycle = nx.find_cycle(B)
    path = " -> ".join([str(u) for u, _ in cycle] + [str(cycle[0][0])])
    return f"the bill of materials has a cycle: {path} (each is part of the next)"


def bom_order(G: nx.MultiDiGraph) -> list[str]:
    """Components and products in an order where every part comes before what it goes into.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A supply-chain graph (see :func:`~graphlib_trade.analysis.graph.build_graph`).

    Returns
    -------
    order : list
        Component and product ids, parts first.

    Raises
    ------
    AnalysisError
        If the bill of materials has a cycle (alternatives count); the message
        names the components in it.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_nodes_from(["phone", "soc", "wafer"], kind="component")
    >>> _ = G.add_edge("soc", "phone", key="PART_OF", required=True, alternatives=())
    >>> _ = G.add_edge("wafer", "soc", key="PART_OF", required=True, alternatives=())
    >>> bom_order(G)
    ['wafer', 'soc', 'phone']
    """
    return list(index_of(G).order)


def index_of(G: nx.MultiDiGraph) -> _Index:
    """The engine's index of ``G``: built once per frozen graph, every time otherwise.

    Every later ``impact``, ``whatif``, ``rank``, ``explain`` or ``timeline`` on a
    frozen graph skips the pass over it (see :func:`~graphlib_trade.analysis.graph.kept`).
    """
    return kept(G, "engine index", _index)


class _Engine:
    """One evaluation of the rules on one date, with or without licences."""

    def __init__(
        self,
        G: nx.MultiDiGraph,
        ix: _Index,
        order: list[str],
        as_of: dt.date,
        use_licences: bool,
        lifted: frozenset[_CauseT] = _NO_CAUSES,
    ) -> None:
        self.ix = ix
        #: Causes treated as licensed (to test which licences would be enough).
        self.lifted = lifted
        self.active = [
            r
            for r, d in sorted(ix.restriction.items())
            if _in_window(d["effective_from"], d.get("effective_until"), as_of)
        ]
        self.parties: dict[str, dict[str, tuple[str, ...]]] = {
            r: restricted_parties(
                G, ix.targets.get(r, ()), ix.restriction[r].get("affiliates_threshold", 0.5)
            )
            for r in self.active
        }
        self.restricting: dict[str, list[str]] = defaultdict(list)  # company -> restrictions
        for r in self.active:
            for company in self.parties[r]:
                self.restricting[company].append(r)
        self.licences: dict[str, list[str]] = defaultdict(list)  # restriction -> valid licences
        if use_licences:
            for lic, d in sorted(ix.licence.items()):
                restricted_by = ix.licence_of.get(lic)
                if restricted_by in self.parties and _in_window(d["valid_from"], d.get("valid_until"), as_of):
                    self.licences[restricted_by].append(lic)
        self.used_licences: dict[_CauseT, set[str]] = defaultdict(set)
        self._subject: dict[tuple[str, str], bool] = {}
        # can_build[(supplier, component)]: None if it can build, else the causes that stop it
        self.can_build: dict[tuple[str, str], frozenset[_CauseT] | None] = {}
        self._avail: dict[tuple[str, str | None], frozenset[_CauseT] | None] = {}
        #: What the restrictions and lost services can touch; everything else is
        #: available to every buyer that is not a restricted party, and ok.
        self.touched = touched(ix, self.restricting)
        for node in order:
            if node in self.touched and node in ix.component:
                for s in ix.suppliers.get(node, ()):
                    causes, lost_required, _, _ = self._missing_entries(node, s, required_only=True)
                    self.can_build[(s, node)] = causes if lost_required else None

    # -- rule 2
    def subject(self, restriction: str, component: str) -> bool:
        key = (restriction, component)
        if key not in self._subject:
            r = self.ix.restriction[restriction]
            c = self.ix.component[component]
            self._subject[key] = subject_reason(c, r, self.ix.us_content[component]) is not None
        return self._subject[key]

    # -- rule 3
    def _licensed(self, restriction: str, supplier: str, item: str, buyer: str, kind: str) -> list[str]:
        return [
            lic
            for lic in self.licences.get(restriction, ())
            if licence_covers(self.ix.licence[lic], supplier, item, buyer, kind)
        ]

    def supply_blocks(self, supplier: str, component: str, buyer: str) -> frozenset[_CauseT]:
        causes = []
        for r in self.restricting.get(buyer, ()):
            if not self.subject(r, component):
                continue
            cause = (r, supplier, component, buyer, "supply")
            if cause in self.lifted:
                continue
            lics = self._licensed(r, supplier, component, buyer, "supply")
            if lics:
                self.used_licences[cause].update(lics)
            else:
                causes.append(cause)
        return frozenset(causes)

    def service_blocks(self, provider: str, product: str) -> frozenset[_CauseT]:
        maker = self.ix.maker[product]
        causes = []
        for r in self.restricting.get(maker, ()):
            if self.ix.country.get(provider) not in self.ix.restriction[r].get("origins", ("US",)):
                continue
            cause = (r, provider, product, maker, "service")
            if cause in self.lifted:
                continue
            lics = self._licensed(r, provider, product, maker, "service")
            if lics:
                self.used_licences[cause].update(lics)
            else:
                causes.append(cause)
        return frozenset(causes)

    # -- rule 4
    def available(self, component: str, buyer: str) -> frozenset[_CauseT] | None:
        """None when ``component`` is available to ``buyer``, else the causes."""
        key = (component, buyer if buyer in self.restricting else None)
        if key in self._avail:
            return self._avail[key]
        causes: set[_CauseT] = set()
        result: frozenset[_CauseT] | None = None
        for s in self.ix.suppliers.get(component, ()):
            blocked = self.supply_blocks(s, component, buyer) if key[1] is not None else _NO_CAUSES
            cannot = self.can_build.get((s, component))
            if not blocked and cannot is None:
                break
            causes |= blocked
            causes |= cannot or _NO_CAUSES
        else:
            result = frozenset(causes)
        self._avail[key] = result
        return result

    def _missing_entries(
        self,
        parent: str,
        buyer: str,
        required_only: bool,
        per_entry: dict[str, frozenset[_CauseT]] | None = None,
    ) -> tuple[frozenset[_CauseT], list[str], list[str], list[str]]:
        """Causes, lost required entries, lost optional entries and substituted entries.

        ``per_entry``, when given, receives the causes of each lost entry.
        """
        causes: set[_CauseT] = set()
        lost_req: list[str] = []
        lost_opt: list[str] = []
        substituted: list[str] = []
        for entry in self.ix.bom.get(parent, ()):
            if required_only and not entry.required:
                continue
            entry_causes: set[_CauseT] = set()
            filled = False
            for i, option in enumerate(entry.options):
                missing = self.available(option, buyer)
                if missing is None:
                    filled = True
                    if i > 0:
                        substituted.append(entry.component)
                    break
                entry_causes |= missing
            if not filled:
                causes |= entry_causes
                if per_entry is not None:
                    per_entry[entry.component] = frozenset(entry_causes)
                (lost_req if entry.required else lost_opt).append(entry.component)
        return frozenset(causes), lost_req, lost_opt, substituted

    # -- rule 5
    def product(self, product: str) -> tuple[Status, dict[str, Any]]:
        data = self.ix.product[product]
        maker = self.ix.maker[product]
        causes: set[_CauseT] = set()
        lost_req: list[str] = []
        lost_opt: list[str] = []
        substituted: list[str] = []
        per_entry: dict[str, frozenset[_CauseT]] = {}
        if data.get("lifecycle", "active") == "active":
            entry_causes, lost_req, lost_opt, substituted = self._missing_entries(
                product, maker, False, per_entry
            )
            causes |= entry_causes
        blocked_services = []
        per_service: dict[str, frozenset[_CauseT]] = {}
        for provider, kind in self.ix.services.get(product, ()):
            if (provider, product) in self.ix.lost_services:
                blocked_services.append(f"{kind} from {provider} (provider gone)")
                continue
            svc = self.service_blocks(provider, product)
            if svc:
                label = f"{kind} from {provider}"
                blocked_services.append(label)
                per_service[label] = svc
                causes |= svc
        if lost_req:
            status = Status.BLOCKED
        elif blocked_services:
            status = Status.EXPOSED
        elif lost_opt:
            status = Status.DEGRADED
        else:
            status = Status.OK
        return status, {
            "lost_required": tuple(sorted(lost_req)),
            "lost_optional": tuple(sorted(lost_opt)),
            "substituted": tuple(sorted(substituted)),
            "blocked_services": tuple(sorted(blocked_services)),
            "causes": causes,
            "per_entry": per_entry,
            "per_service": per_service,
        }


def _in_window(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    return start <= day and (end is None or day <= end)


def _any_or(allowed: Iterable[str] | None, value: str) -> bool:
    return not allowed or value in allowed


def licence_covers(licence: dict[str, Any], supplier: str, item: str, buyer: str, kind: str) -> bool:
    """Whether a licence's scope (whatever its window) covers one supply or service."""
    covers = licence.get("covers", "both")
    if covers != "both" and covers != ("supplies" if kind == "supply" else "services"):
        return False
    return (
        _any_or(licence.get("recipients"), buyer)
        and _any_or(licence.get("suppliers"), supplier)
        and _any_or(licence.get("components"), item)
    )


def subject_reason(component: dict[str, Any], restriction: dict[str, Any], us: UsContent) -> str | None:
    """Why a component is subject to a restriction (rule 2), or None when it is not."""
    if component.get("publicly_available"):
        return None
    origins = restriction.get("origins", ("US",))
    if component["origin"] in origins:
        return f"{component['origin']} origin"
    level = restriction.get("de_minimis", 0.25)
    if "US" in origins and us.fraction > level:
        how = "rolled up" if us.basis == "rolled_up" else "given"
        return f"US content {us.fraction:.1%} ({how}) above the de minimis level {level:.0%}"
    if restriction.get("foreign_direct_product") and component.get("us_direct_product"):
        return "direct product of US technology (Foreign Direct Product Rule)"
    return None


def _cause(t: _CauseT) -> Cause:
    return Cause(restriction=t[0], supplier=t[1], item=t[2], buyer=t[3], kind=t[4])


def impact(G: nx.MultiDiGraph, as_of: dt.date, *, ignore_licences: bool = False) -> ImpactResult:
    """Status of every product and end user in ``G`` on ``as_of``, with the causes.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A supply-chain graph (see :func:`~graphlib_trade.analysis.graph.build_graph`).
    as_of : datetime.date
        The day the rules are applied on (windows are inclusive).
    ignore_licences : bool, optional
        Evaluate as if no licence existed.

    Returns
    -------
    ImpactResult
        Products and end users sorted by id, each with its status and causes.

    Raises
    ------
    AnalysisError
        If the bill of materials has a cycle.

    Examples
    --------
    >>> import datetime as dt
    >>> from graphlib_trade.models import parse_dataset
    >>> from graphlib_trade.analysis.graph import build_graph
    >>> ds = parse_dataset({
    ...     "companies": [{"id": "us-co", "name": "US Co", "country": "US"},
    ...                   {"id": "maker", "name": "Maker", "country": "CN"}],
    ...     "components": [{"id": "chip", "name": "Chip", "origin": "US"}],
    ...     "supplies": [{"supplier": "us-co", "component": "chip"}],
    ...     "products": [{"id": "phone", "name": "Phone", "maker": "maker"}],
    ...     "bom": [{"parent": "phone", "component": "chip"}],
    ...     "restrictions": [{"id": "el", "targets": ["maker"], "effective_from": "2019-05-16"}],
    ... }, "example")
    >>> G = build_graph(ds)
    >>> impact(G, dt.date(2019, 5, 15)).products[0].status.value
    'ok'
    >>> impact(G, dt.date(2019, 5, 16)).products[0].status.value
    'blocked'
    """
    ix = index_of(G)
    # A frozen graph keeps its last few results (they are frozen models): a what-if's
    # "before" is then the impact the analyst has already seen.
    results: dict[tuple[dt.date, bool], ImpactResult] = kept(G, "impact results", lambda _: {})
    key = (as_of, ignore_licences)
    if key not in results:
        if len(results) >= _RESULTS_KEPT:
            del results[next(iter(results))]
        results[key] = impact_on(G, ix, ix.order, as_of, ignore_licences=ignore_licences)
    return results[key]


_RESULTS_KEPT = 8


def impact_on(
    G: nx.MultiDiGraph,
    ix: _Index,
    order: list[str],
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    bare_runs: dict[tuple[str, ...], _Run] | None = None,
) -> ImpactResult:
    """:func:`impact` on an index and BOM order already built (to evaluate many dates).

    ``bare_runs`` caches the licence-free evaluations by the restrictions in force:
    they do not change on the dates where only licences start or end.
    """
    real = _evaluate(G, ix, order, as_of, use_licences=not ignore_licences)
    # Without a valid licence the licence-free evaluation is the same one: skip it.
    if not any(real.engine.licences.values()):
        bare = real
    elif bare_runs is None:
        bare = _evaluate(G, ix, order, as_of, use_licences=False)
    else:
        key = tuple(real.engine.active)
        if key not in bare_runs:
            bare_runs[key] = _evaluate(G, ix, order, as_of, use_licences=False)
        bare = bare_runs[key]

    made: dict[_CauseT, Cause] = {}  # one model per cause, however many products it reaches

    def cause_of(t: _CauseT) -> Cause:
        cause = made.get(t)
        if cause is None:
            cause = made[t] = _cause(t)
        return cause

    products: list[ProductImpact] = []
    status_of: dict[str, Status] = {}
    for pid in sorted(ix.product):
        status, detail = real.results[pid]
        bare_status, bare_detail = bare.results[pid]
        relies_on: set[str] = set()
        for cause in bare_detail["causes"]:
            relies_on |= real.engine.used_licences.get(cause, set())
        if status is Status.OK and bare_status.worse_than(Status.OK):
            status = Status.AT_RISK
        status_of[pid] = status
        data = ix.product[pid]
        products.append(
            ProductImpact(
                id=pid,
                name=data.get("name", pid),
                maker=ix.maker[pid],
                lifecycle=data.get("lifecycle", "active"),
                status=status,
                without_licences=max(status, bare_status, key=lambda s: s.rank),
                lost_required=detail["lost_required"],
                lost_optional=detail["lost_optional"],
                substituted=detail["substituted"],
                blocked_services=detail["blocked_services"],
                causes=tuple(cause_of(c) for c in sorted(detail["causes"])),
                relies_on=tuple(sorted(relies_on)),
            )
        )

    end_users: list[EndUserImpact] = []
    for uid in sorted(ix.end_user):
        used = sorted(set(ix.uses.get(uid, ())))
        status = worst(status_of[p] for p in used)
        via = tuple(p for p in used if status_of[p] is status) if status is not Status.OK else ()
        end_users.append(
            EndUserImpact(id=uid, name=ix.end_user[uid].get("name", uid), status=status, via=via)
        )

    return ImpactResult(
        as_of=as_of,
        ignore_licences=ignore_licences,
        active_restrictions=tuple(real.engine.active),
        valid_licences=tuple(sorted(lic for lics in real.engine.licences.values() for lic in lics)),
        products=tuple(products),
        end_users=tuple(end_users),
    )


@dataclass
class _Run:
    engine: _Engine
    results: dict[str, tuple[Status, dict[str, Any]]]


#: The evaluation of a product nothing restricted can touch.
_UNTOUCHED: tuple[Status, dict[str, Any]] = (
    Status.OK,
    {
        "lost_required": (),
        "lost_optional": (),
        "substituted": (),
        "blocked_services": (),
        "causes": _NO_CAUSES,
        "per_entry": {},
        "per_service": {},
    },
)


def touched(ix: _Index, parties: Iterable[str]) -> set[str]:
    """Components and products that the restricted ``parties`` or a lost supply can touch.

    The seeds are what the parties supply or make, components left with no supplier
    and products that lost a service; the closure follows each part (primary or
    alternative) up into what it goes into.  Outside it every supply is unblocked and
    buildable, so every component is available to buyers that are not restricted
    parties (restricted buyers only buy what they make or supply, which is inside),
    and every product is ok.
    """
    seeds: list[str] = []
    for company in parties:
        seeds += ix.supplies_of.get(company, ())
        seeds += ix.makes.get(company, ())
    seeds += [c for c in ix.component if not ix.suppliers.get(c)]
    seeds += [product for _, product in ix.lost_services]
    seen = set(seeds)
    used_in = ix.used_in
    while seeds:
        for parent in used_in.get(seeds.pop(), ()):
            if parent not in seen:
                seen.add(parent)
                seeds.append(parent)
    return seen


def _evaluate(G: nx.MultiDiGraph, ix: _Index, order: list[str], as_of: dt.date, use_licences: bool) -> _Run:
    engine = _Engine(G, ix, order, as_of, use_licences)
    inside = engine.touched
    results = {pid: engine.product(pid) if pid in inside else _UNTOUCHED for pid in ix.product}
    return _Run(engine, results)
