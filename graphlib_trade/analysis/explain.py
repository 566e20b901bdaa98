"""Explain: the chains from each cause to a product or end user, and what would lift them."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict, deque
from collections.abc import Iterable
from typing import Literal

from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import (
    UNTOUCHED,
    CauseKey,
    Causes,
    Evaluation,
    ProductEvaluation,
    SomeCauses,
    at_risk,
    end_user_status,
    evaluate_without_licences,
    licence_covers,
    subject_reason,
    us_content_of,
)
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import (
    Cause,
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

Role = Literal["buyer", "seller", "intermediary", "incorporated"]

#: Above this many causes, the minimal set of licences is not searched (one evaluation per cause).
MAX_LIFT_CAUSES = 200

_KIND_ORDER = {"required": 0, "delivery": 0, "service": 1, "optional": 2}


def explain(chain: SupplyChain, item: str, as_of: dt.date) -> Explanation:
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
    chain : SupplyChain
        A supply chain (see :meth:`~graphlib_trade.analysis.chain.SupplyChain.from_dataset`).
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
        If ``item`` is not a product or end user of ``chain``.

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> first = explain(chain, "phone", dt.date(2019, 6, 1)).products[0].reasons[0].chains[0]
    >>> first.cause.restriction, first.cause.supplier, first.path, first.subject
    ('el', 'us-co', ('chip', 'phone'), 'US origin')
    """
    if item in chain.products:
        kind, name, products = "product", chain.products[item].name, [item]
    elif item in chain.end_users:
        kind, name, products = "end_user", chain.end_users[item].name, sorted(set(chain.uses.get(item, ())))
    else:
        raise AnalysisError(f"unknown product or end user {item!r}")
    ctx = _Context(chain, as_of, products)
    explained = [ctx.product(p) for p in products]
    product_status = {p.id: p.status for p in explained}
    status = worst(product_status.values())
    own: tuple[Reason, ...] = ()
    if kind == "end_user":
        explained = sorted(
            (p for p in explained if p.status is not Status.OK), key=lambda p: (-p.status.rank, p.id)
        )
        own = ctx.own(item)
        # The end user's status as impact reports it (its own losses and licences included).
        status = end_user_status(chain, item, product_status, ctx.real, ctx.bare)[0]
    return Explanation(
        as_of=as_of, id=item, kind=kind, name=name, status=status, products=tuple(explained), own=own
    )


class _Context:
    def __init__(self, chain: SupplyChain, as_of: dt.date, products: Iterable[str]) -> None:
        self.chain, self.as_of = chain, as_of
        self.us_content = us_content_of(chain)
        # Only the products' own sub-BOMs are evaluated: a product's answers depend on nothing
        # else (what evaluate() would give for the whole chain, at a fraction of the work).
        self._below = {p: self._sub_bom(p) for p in products}
        inside: set[str] = set().union(*self._below.values())
        self.real = Evaluation(chain, as_of, within=inside)
        self.real_products = {
            p: self.real.product(p) if p in self.real.touched else UNTOUCHED for p in self._below
        }
        self.bare, self.bare_products = evaluate_without_licences(self.real, self.real_products)
        self._owns = chain.owns_on(as_of)
        # part -> parents (required entries) in those sub-BOMs, in the chain's order
        self.used_in: dict[str, list[str]] = defaultdict(list)
        bom = chain.bom  # its keys, each entry read only inside (a snapshot's reads value by value)
        for parent in bom:
            if parent not in inside:
                continue
            for entry in bom[parent]:
                if entry.required:
                    for option in entry.options:
                        self.used_in[option].append(parent)

    def product(self, pid: str) -> ProductExplanation:
        detail, bare_detail = self.real_products[pid], self.bare_products[pid]
        status = at_risk(detail.status, bare_detail.status)
        below = self._below[pid]
        reasons = self._reasons(pid, detail, below)
        lost_now = {(r.kind, r.what) for r in reasons}
        licensed = tuple(
            r for r in self._reasons(pid, bare_detail, below) if (r.kind, r.what) not in lost_now
        )
        lift = self._lift(pid, detail.causes, below) if detail.causes else None
        items = {c.cause.item for r in (*reasons, *licensed) for c in r.chains}
        return ProductExplanation(
            id=pid,
            name=self.chain.products[pid].name,
            maker=self.chain.products[pid].maker,
            status=status,
            without_licences=max(status, bare_detail.status, key=lambda s: s.rank),
            reasons=reasons,
            licensed=licensed,
            lift=lift,
            end_users=tuple(sorted(u for u, used in self.chain.uses.items() if pid in used)),
            us_content=self._roll_ups(items, below),
        )

    def own(self, user: str) -> tuple[Reason, ...]:
        """An end user's own losses: each product whose delivery or service to it is blocked."""
        found = []
        for product, causes in self.real.end_user(user).per_product.items():
            kind: Literal["delivery", "service"] = (
                "delivery" if any(c.kind == "delivery" for c in causes) else "service"
            )
            chains = [self._chain(c, product, (), set()) for c in causes]
            found.append(Reason(kind=kind, what=product, chains=_sorted_chains(chains)))
        return tuple(found)

    # -- reasons and chains
    def _reasons(self, pid: str, detail: ProductEvaluation, below: set[str]) -> tuple[Reason, ...]:
        required = set(detail.lost_required)
        found = []
        for component, causes in detail.per_entry.items():
            kind = "required" if component in required else "optional"
            options = next(e.options for e in self.chain.bom[pid] if e.component == component)
            chains = [self._chain(c, pid, options, below) for c in causes]
            found.append(Reason(kind=kind, what=component, chains=_sorted_chains(chains)))
        for label, causes in detail.per_service.items():
            chains = [self._chain(c, pid, (), below) for c in causes]
            found.append(Reason(kind="service", what=label, chains=_sorted_chains(chains)))
        found.sort(key=lambda r: (_KIND_ORDER[r.kind], len(r.chains), r.what))
        return tuple(found)

    def _chain(self, cause: CauseKey, pid: str, options: tuple[str, ...], below: set[str]) -> Chain:
        r, supplier, item, _, kind = cause
        restriction = self.chain.restrictions[r]
        if kind == "service":
            subject = f"service from a {self.chain.companies[supplier].country} provider"
            path: tuple[str, ...] = (pid,)
        elif kind == "delivery":
            subject = subject_reason(self.chain.items[item], restriction, self.us_content[item]) or "subject"
            path = (pid,)
        else:
            component = self.chain.components[item]
            subject = subject_reason(component, restriction, self.us_content[item]) or "subject"
            path = (*self._bom_path(item, set(options), below), pid)
        party, role = self._party(cause)
        return Chain(
            cause=cause.model(self.chain),
            restriction_name=restriction.name,
            party=party,
            role=role,
            ownership=self._ownership(r, party),
            subject=subject,
            path=path,
            licences=self._licences(cause),
        )

    def _party(self, cause: CauseKey) -> tuple[str, Role]:
        """The restricted party of a blocked transaction, and its role in it."""
        r, supplier, item, buyer, kind = cause
        parties = self.real.parties.get(r) or self.bare.parties.get(r, {})
        if buyer in parties:
            return buyer, "buyer"
        if supplier in parties and self.chain.restrictions[r].denial:
            return supplier, "seller"
        via = self.chain.via.get((supplier, item), ()) if kind == "supply" else ()
        return next(((v, "intermediary") for v in via if v in parties), (buyer, "incorporated"))

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
        parties = self.real.parties.get(restriction) or self.bare.parties.get(restriction, {})
        owns = self._owns  # the holdings valid on the day, dated ones included
        links: list[OwnershipLink] = []
        seen = {buyer}
        queue = deque([buyer])
        while queue:
            owned = queue.popleft()
            for owner in parties.get(owned, ()):
                share = owns[owner][owned]
                links.append(OwnershipLink(owner=owner, owned=owned, share=share))
                if owner not in seen:
                    seen.add(owner)
                    queue.append(owner)
        return tuple(reversed(links))

    def _licences(self, cause: CauseKey) -> tuple[LicenceRef, ...]:
        r, supplier, item, buyer, kind = cause
        refs = []
        for lic, data in sorted(self.chain.licences.items()):
            if data.restriction != r or not licence_covers(data, supplier, item, buyer, kind):
                continue
            start, end = data.valid_from, data.valid_until
            if data.valid_on(self.as_of):
                state, left = "valid", (end - self.as_of).days if end else None
            else:
                state, left = ("not_yet_valid" if self.as_of < start else "expired"), None
            refs.append(
                LicenceRef(
                    id=lic,
                    name=data.name,
                    valid_from=start,
                    valid_until=end,
                    state=state,
                    days_left=left,
                )
            )
        return tuple(refs)

    def _roll_ups(self, items: set[str], below: set[str]) -> tuple[UsContent, ...]:
        return tuple(
            self.us_content[c]
            for c in sorted(items | (below & self.chain.components.keys()))
            if c in self.us_content and self.us_content[c].basis == "rolled_up"
        )

    # -- the minimal set of licences
    def _sub_bom(self, pid: str) -> set[str]:
        """The product and every component under it (alternatives included)."""
        seen = {pid}
        stack = [pid]
        while stack:
            for entry in self.chain.bom.get(stack.pop(), ()):
                for option in entry.options:
                    if option not in seen:
                        seen.add(option)
                        stack.append(option)
        return seen

    def _lift(self, pid: str, causes: SomeCauses, below: set[str]) -> tuple[Cause, ...] | None:
        if len(causes) > MAX_LIFT_CAUSES:
            return None

        def ok_with(lifted: Causes) -> bool:
            changed = {cause.item for cause in lifted}
            run = Evaluation(self.chain, self.as_of, lifted=lifted, within=below, reuse=(self.real, changed))
            return run.product(pid).status is Status.OK

        keep = set(causes)
        if not ok_with(frozenset(keep)):
            return None
        goals = {o for e in self.chain.bom.get(pid, ()) for o in e.options}

        def depth(cause: CauseKey) -> int:
            return 0 if cause[4] == "service" else len(self._bom_path(cause[2], goals, below))

        # Drop the deepest causes first, so that direct supplies to the maker are kept.
        for cause in sorted(causes, key=lambda c: (-depth(c), c)):
            trial = frozenset(keep - {cause})
            if ok_with(trial):
                keep.discard(cause)
        return tuple(c.model(self.chain) for c in sorted(keep))


def _sorted_chains(chains: list[Chain]) -> tuple[Chain, ...]:
    """Shortest first, then by cause (the whole cause: two may differ by buyer alone)."""

    def key(c: Chain) -> tuple[int, str, str, str, str, str]:
        cause = c.cause
        return len(c.path), cause.restriction, cause.supplier, cause.item, cause.buyer, cause.kind

    return tuple(sorted(chains, key=key))
