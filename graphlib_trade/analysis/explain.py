"""Explain: the chains from each cause to a product or end user, and what would lift them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from typing import Any

import networkx as nx

from graphlib_trade.analysis.graph import OWNS
from graphlib_trade.analysis.impact import (
    _cause,
    _CauseT,
    _Engine,
    _evaluate,
    _in_window,
    _Index,
    index_of,
    licence_covers,
    subject_reason,
)
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import (
    Chain,
    Explanation,
    LicenceRef,
    OwnershipLink,
    ProductExplanation,
    Reason,
    Status,
    UsContent,
    worst,
)

#: Above this many causes, the minimal set of licences is not searched (one evaluation per cause).
MAX_LIFT_CAUSES = 200

_KIND_ORDER = {"required": 0, "service": 1, "optional": 2}


def explain(G: nx.MultiDiGraph, item: str, as_of: dt.date) -> Explanation:
    """Why a product or end user has its status on ``as_of``.

    For a product, each lost BOM entry and blocked service becomes a
    :class:`~graphlib_trade.models.Reason` holding one chain per cause:
    restriction -> restricted buyer (with the ownership links that made it one)
    -> blocked supply or service -> one shortest path up the bill of materials ->
    the product.  Reasons with the fewest causes come first.  Each chain lists
    the licences on file that cover it, valid or not on ``as_of``.  What only a
    valid licence keeps is listed apart (``licensed``), and a minimal set of
    supplies and services whose licensing would make the product ``ok`` is
    searched by removing causes one at a time from the full set (one evaluation
    of the product's own sub-BOM per cause).  For an end user, every product it
    uses that is not ``ok`` is explained, worst first.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A supply-chain graph (see :func:`~graphlib_trade.analysis.graph.build_graph`).
    item : str
        A product or end-user id.
    as_of : datetime.date
        The day the rules are applied on.

    Returns
    -------
    Explanation

    Raises
    ------
    AnalysisError
        If ``item`` is not a product or end user of ``G``, or the BOM has a cycle.

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
    >>> chain = explain(G, "phone", dt.date(2019, 6, 1)).products[0].reasons[0].chains[0]
    >>> chain.cause.restriction, chain.cause.supplier, chain.path, chain.subject
    ('el', 'us-co', ('chip', 'phone'), 'US origin')
    """
    ix = index_of(G)
    order = ix.order
    if item in ix.product:
        kind, name, products = "product", ix.product[item].get("name", item), [item]
    elif item in ix.end_user:
        kind, name, products = "end_user", ix.end_user[item].get("name", item), sorted(set(ix.uses[item]))
    else:
        raise AnalysisError(f"unknown product or end user {item!r}")
    ctx = _Context(G, ix, order, as_of)
    explained = [ctx.product(p) for p in products]
    status = worst(p.status for p in explained)
    if kind == "end_user":
        explained = sorted(
            (p for p in explained if p.status is not Status.OK), key=lambda p: (-p.status.rank, p.id)
        )
    return Explanation(as_of=as_of, id=item, kind=kind, name=name, status=status, products=tuple(explained))


class _Context:
    def __init__(self, G: nx.MultiDiGraph, ix: _Index, order: list[str], as_of: dt.date) -> None:
        self.G, self.ix, self.order, self.as_of = G, ix, order, as_of
        self.real = _evaluate(G, ix, order, as_of, use_licences=True)
        self.bare = _evaluate(G, ix, order, as_of, use_licences=False)
        self.used_in: dict[str, list[str]] = defaultdict(list)  # part -> parents (required entries)
        for parent, entries in ix.bom.items():
            for entry in entries:
                if entry.required:
                    for option in entry.options:
                        self.used_in[option].append(parent)

    def product(self, pid: str) -> ProductExplanation:
        status, detail = self.real.results[pid]
        bare_status, bare_detail = self.bare.results[pid]
        if status is Status.OK and bare_status.worse_than(Status.OK):
            status = Status.AT_RISK
        below = self._sub_bom(pid)
        reasons = self._reasons(pid, detail, below)
        lost_now = {(r.kind, r.what) for r in reasons}
        licensed = tuple(
            r for r in self._reasons(pid, bare_detail, below) if (r.kind, r.what) not in lost_now
        )
        lift = self._lift(pid, detail["causes"], below) if detail["causes"] else None
        items = {c.cause.item for r in (*reasons, *licensed) for c in r.chains}
        return ProductExplanation(
            id=pid,
            name=self.ix.product[pid].get("name", pid),
            maker=self.ix.maker[pid],
            status=status,
            without_licences=max(status, bare_status, key=lambda s: s.rank),
            reasons=reasons,
            licensed=licensed,
            lift=lift,
            end_users=tuple(sorted(u for u, used in self.ix.uses.items() if pid in used)),
            us_content=self._roll_ups(items, below),
        )

    # -- reasons and chains
    def _reasons(self, pid: str, detail: dict[str, Any], below: set[str]) -> tuple[Reason, ...]:
        required = set(detail["lost_required"])
        found = []
        for component, causes in detail["per_entry"].items():
            kind = "required" if component in required else "optional"
            options = next(e.options for e in self.ix.bom[pid] if e.component == component)
            chains = [self._chain(c, pid, options, below) for c in causes]
            found.append(Reason(kind=kind, what=component, chains=_sorted_chains(chains)))
        for label, causes in detail["per_service"].items():
            chains = [self._chain(c, pid, (), below) for c in causes]
            found.append(Reason(kind="service", what=label, chains=_sorted_chains(chains)))
        found.sort(key=lambda r: (_KIND_ORDER[r.kind], len(r.chains), r.what))
        return tuple(found)

    def _chain(self, cause: _CauseT, pid: str, options: tuple[str, ...], below: set[str]) -> Chain:
        r, supplier, item, buyer, kind = cause
        restriction = self.ix.restriction[r]
        if kind == "service":
            country = self.ix.country.get(supplier, "?")
            subject = f"service from a {country} provider"
            path: tuple[str, ...] = (pid,)
        else:
            subject = (
                subject_reason(self.ix.component[item], restriction, self.ix.us_content[item]) or "subject"
            )
            path = (*self._bom_path(item, set(options), below), pid)
        return Chain(
            cause=_cause(cause),
            restriction_name=restriction.get("name"),
            ownership=self._ownership(r, buyer),
            subject=subject,
            path=path,
            licences=self._licences(cause),
        )

    def _bom_path(self, item: str, goals: set[str], below: set[str]) -> tuple[str, ...]:
        """One shortest path from ``item`` up required BOM entries to one of ``goals``."""
        previous: dict[str, str | None] = {item: None}
        queue = deque([item])
        while queue:
            node = queue.popleft()
            if node in goals:
                path = [node]
                while (step := previous[path[-1]]) is not None:
                    path.append(step)
                return tuple(reversed(path))
            for parent in self.used_in.get(node, ()):
                if parent in below and parent not in previous:
                    previous[parent] = node
                    queue.append(parent)
        return (item,)

    def _ownership(self, restriction: str, buyer: str) -> tuple[OwnershipLink, ...]:
        parties = self.real.engine.parties.get(restriction) or self.bare.engine.parties.get(restriction, {})
        links: list[OwnershipLink] = []
        seen = {buyer}
        queue = deque([buyer])
        while queue:
            owned = queue.popleft()
            for owner in parties.get(owned, ()):
                share = self.G.get_edge_data(owner, owned, key=OWNS)["share"]
                links.append(OwnershipLink(owner=owner, owned=owned, share=share))
                if owner not in seen:
                    seen.add(owner)
                    queue.append(owner)
        return tuple(reversed(links))

    def _licences(self, cause: _CauseT) -> tuple[LicenceRef, ...]:
        r, supplier, item, buyer, kind = cause
        refs = []
        for lic, data in sorted(self.ix.licence.items()):
            if self.ix.licence_of.get(lic) != r or not licence_covers(data, supplier, item, buyer, kind):
                continue
            start, end = data["valid_from"], data.get("valid_until")
            if _in_window(start, end, self.as_of):
                state, left = "valid", (end - self.as_of).days if end else None
            else:
                state, left = ("not_yet_valid" if self.as_of < start else "expired"), None
            refs.append(
                LicenceRef(
                    id=lic,
                    name=data.get("name"),
                    valid_from=start,
                    valid_until=end,
                    state=state,
                    days_left=left,
                )
            )
        return tuple(refs)

    def _roll_ups(self, items: set[str], below: set[str]) -> tuple[UsContent, ...]:
        return tuple(
            self.ix.us_content[c]
            for c in sorted(items | (below & set(self.ix.component)))
            if c in self.ix.us_content and self.ix.us_content[c].basis == "rolled_up"
        )

    # -- the minimal set of licences
    def _sub_bom(self, pid: str) -> set[str]:
        """The product and every component under it (alternatives included)."""
        seen = {pid}
        stack = [pid]
        while stack:
            for entry in self.ix.bom.get(stack.pop(), ()):
                for option in entry.options:
                    if option not in seen:
                        seen.add(option)
                        stack.append(option)
        return seen

    def _lift(self, pid: str, causes: frozenset[_CauseT], below: set[str]) -> tuple[Any, ...] | None:
        if len(causes) > MAX_LIFT_CAUSES:
            return None
        order = [n for n in self.order if n in below]

        def ok_with(lifted: frozenset[_CauseT]) -> bool:
            engine = _Engine(self.G, self.ix, order, self.as_of, True, lifted)
            return engine.product(pid)[0] is Status.OK

        keep = set(causes)
        if not ok_with(frozenset(keep)):
            return None
        goals = {o for e in self.ix.bom.get(pid, ()) for o in e.options}

        def depth(cause: _CauseT) -> int:
            return 0 if cause[4] == "service" else len(self._bom_path(cause[2], goals, below))

        # Drop the deepest causes first, so that direct supplies to the maker are kept.
        for cause in sorted(causes, key=lambda c: (-depth(c), c)):
            trial = frozenset(keep - {cause})
            if ok_with(trial):
                keep.discard(cause)
        return tuple(_cause(c) for c in sorted(keep))


def _sorted_chains(chains: list[Chain]) -> tuple[Chain, ...]:
    return tuple(
        sorted(chains, key=lambda c: (len(c.path), c.cause.restriction, c.cause.supplier, c.cause.item))
    )
