"""What-if: apply a :class:`Scenario` to a supply chain and compare impacts.

One implementation: :func:`apply_scenario` gives a changed copy of the typed
:class:`~graphlib_trade.analysis.chain.SupplyChain` (the tables a scenario touches
are copied, the rest shared), and every what-if (``whatif``, ``diff``, the HTML
briefing's timeline) runs the ordinary analysis on it.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping

from graphlib_trade.analysis.chain import (
    ARRAYS,
    COMPANY,
    COMPONENT,
    LICENCE,
    LOCATED,
    LOCATED_FROM,
    PRODUCT,
    RESTRICTION,
    ChainArrays,
    SupplyChain,
)
from graphlib_trade.analysis.engine import US_CONTENT, US_FRACTIONS
from graphlib_trade.analysis.impact import impact, kept_impact, statuses
from graphlib_trade.analysis.passes import array_statuses, share_with_copies
from graphlib_trade.errors import ScenarioError
from graphlib_trade.models import (
    ANY,
    Change,
    DiffRow,
    Grant,
    ImpactResult,
    Licence,
    Restriction,
    Scenario,
    ScenarioDiff,
    Status,
    WhatIfResult,
)


def check_scenario(chain: SupplyChain, scenario: Scenario, *, flags: bool = False) -> None:
    """Raise :class:`ScenarioError` naming every change that refers to nothing in ``chain``.

    Changes are named by their place in the scenario file (``add.supplies[0]``), or
    by the command-line flag when ``flags`` is true.
    """
    problems: list[str] = []
    add, remove = scenario.add, scenario.remove
    companies = {c.id for c in add.companies}
    restrictions = {r.id for r in add.restrictions if r.id}

    def kind_of(value: str) -> str | None:
        if value in companies:
            return COMPANY
        if value in restrictions:
            return RESTRICTION
        return chain.kind_of(value)

    def need(where: str, value: str, kinds: tuple[str, ...], label: str) -> None:
        if value == ANY and label.endswith("(or *)"):
            return
        if kind_of(value) not in kinds:
            problems.append(f"{where}: unknown {label.removesuffix(' (or *)')} {value!r}")

    def name(field: str, flag: str, i: int) -> str:
        return flag if flags else f"{field}[{i}]"

    def alternatives_of(parent: str, component: str) -> tuple[str, ...] | None:
        return next((e.alternatives for e in chain.bom.get(parent, ()) if e.component == component), None)

    for i, company in enumerate(scenario.restrict):
        need(name("restrict", "--restrict", i), company, (COMPANY,), "company")
    for i, g in enumerate(scenario.grant):
        where = f"--grant {g}" if flags else f"grant[{i}] {str(g)!r}"
        need(where, g.supplier, (COMPANY,), "supplier company (or *)")
        need(where, g.component, (COMPONENT, PRODUCT), "component or product (or *)")
        need(where, g.recipient, (COMPANY,), "recipient company (or *)")
    for i, company in enumerate(scenario.drop_suppliers):
        need(name("drop_suppliers", "--drop-supplier", i), company, (COMPANY,), "company")
    for i, rid in enumerate(remove.restrictions):
        need(f"remove.restrictions[{i}]", rid, (RESTRICTION,), "restriction")
    for i, lid in enumerate(remove.licences):
        need(f"remove.licences[{i}]", lid, (LICENCE,), "licence")
    for i, sup in enumerate(remove.supplies):
        where = f"remove.supplies[{i}] ({sup.supplier} -> {sup.component})"
        if sup.supplier not in chain.suppliers.get(sup.component, ()):
            problems.append(f"{where}: no such supply in the data")
    for section, alts in (("remove", remove.alternatives), ("add", add.alternatives)):
        for i, alt in enumerate(alts):
            where = f"{section}.alternatives[{i}] ({alt.parent}: {alt.component} or {alt.alternative})"
            current = alternatives_of(alt.parent, alt.component)
            if current is None:
                problems.append(f"{where}: {alt.parent!r} has no BOM entry for {alt.component!r}")
                continue
            if section == "remove" and alt.alternative not in current:
                problems.append(f"{where}: {alt.alternative!r} is not an alternative there")
            if section == "add":
                need(where, alt.alternative, (COMPONENT,), "component")
                if alt.alternative in current or alt.alternative == alt.component:
                    problems.append(f"{where}: {alt.alternative!r} already fills that entry")
    for i, new in enumerate(add.companies):
        if new.id in chain:
            problems.append(f"add.companies[{i}] {new.id!r}: the id is already used in the data")
    for i, sup in enumerate(add.supplies):
        where = f"add.supplies[{i}] ({sup.supplier} -> {sup.component})"
        need(where, sup.supplier, (COMPANY,), "company")
        need(where, sup.component, (COMPONENT,), "component")
    for i, r in enumerate(add.restrictions):
        where = f"add.restrictions[{i}]" + (f" {r.id!r}" if r.id else "")
        if r.id and r.id in chain:
            problems.append(f"{where}: the id is already used in the data")
        for t in r.targets:
            need(where + ": targets", t, (COMPANY,), "company")
    for i, lic in enumerate(add.licences):
        where = f"add.licences[{i}]" + (f" {lic.id!r}" if lic.id else "")
        if lic.id and lic.id in chain:
            problems.append(f"{where}: the id is already used in the data")
        need(where + ": restriction", lic.restriction, (RESTRICTION,), "restriction")
        for field, values, kinds, label in (
            ("recipients", lic.recipients, (COMPANY,), "company"),
            ("suppliers", lic.suppliers, (COMPANY,), "company"),
            ("components", lic.components, (COMPONENT, PRODUCT), "component or product"),
        ):
            for v in values:
                need(f"{where}: {field}", v, kinds, label)
    if problems:
        raise ScenarioError("; ".join(problems))


def new_restriction(rid: str, company: str, as_of: dt.date) -> Restriction:
    """The restriction of a ``restrict`` shorthand: the model's defaults, effective from ``as_of``."""
    return Restriction(
        id=rid,
        name=f"what-if restriction on {company}",
        authority="what-if",
        targets=(company,),
        effective_from=as_of,
    )


def grant_licence(lid: str, grant: Grant, restriction: str, as_of: dt.date) -> Licence:
    """The licence a ``grant`` shorthand adds to ``restriction``, valid from ``as_of``."""
    return Licence(
        id=lid,
        restriction=restriction,
        name=f"what-if licence {grant}",
        recipients=() if grant.recipient == ANY else (grant.recipient,),
        suppliers=() if grant.supplier == ANY else (grant.supplier,),
        components=() if grant.component == ANY else (grant.component,),
        valid_from=as_of,
    )


class _Edit:
    """The tables of a chain that a scenario changes, copied on first write."""

    def __init__(self, chain: SupplyChain, removed: Iterable[str]) -> None:
        self.chain = chain
        self.tables: dict[str, dict[str, object]] = {}
        self.lost_services: set[tuple[str, str]] | None = None
        self._removed = set(removed)
        self._new_ids: set[str] = set()

    def table(self, name: str) -> dict[str, object]:
        if name not in self.tables:
            self.tables[name] = dict(getattr(self.chain, name))
        return self.tables[name]

    def fresh_id(self, base: str) -> str:
        """``base``, else ``base#2``, ``base#3``, ...: the first id the chain does not use yet."""
        candidate, n = base, 1
        while self.taken(candidate):
            n += 1
            candidate = f"{base}#{n}"
        return self.claim(candidate)

    def taken(self, node: str) -> bool:
        return node in self._new_ids or (node in self.chain and node not in self._removed)

    def claim(self, new_id: str) -> str:
        self._new_ids.add(new_id)
        return new_id

    def add_to(self, name: str, key: str, value: str) -> None:
        table = self.table(name)
        table[key] = (*table.get(key, ()), value)  # type: ignore[misc]

    def drop_from(self, name: str, key: str, value: str) -> None:
        """Remove one ``value`` from the tuple ``<name>[key]``, if it is there."""
        values: tuple[str, ...] = getattr(self.chain, name).get(key, ())
        values = self.table(name).get(key, values)  # type: ignore[assignment]
        if value in values:
            i = values.index(value)
            self.table(name)[key] = values[:i] + values[i + 1 :]

    def set_alternatives(self, parent: str, component: str, alternatives: tuple[str, ...]) -> None:
        lines = list(self.table("bom")[parent])  # type: ignore[call-overload]
        for i, line in enumerate(lines):
            if line.component == component:
                for a in line.alternatives:
                    if a not in alternatives:
                        self.drop_from("used_in", a, parent)
                for a in alternatives:
                    if a not in line.alternatives:
                        self.add_to("used_in", a, parent)
                lines[i] = line._replace(alternatives=alternatives)
                self.table("bom")[parent] = tuple(lines)
                return

    def lose_services_of(self, company: str) -> None:
        lost = self.lost_services = (
            set(self.chain.lost_services) if self.lost_services is None else self.lost_services
        )
        for product, lines in self.chain.services.items():
            if any(line.provider == company for line in lines):
                lost.add((company, product))

    def result(self) -> SupplyChain:
        tables: dict[str, object] = dict(self.tables)
        if self.lost_services is not None:
            tables["lost_services"] = frozenset(self.lost_services)
        # A scenario changes no component and no part's value: the de minimis roll-up holds; the
        # arrays hold while no supply and no BOM entry changes.
        same = tables.keys().isdisjoint(ChainArrays.TABLES)
        kept = (ARRAYS, *share_with_copies(self.chain)) if same else ()
        if tables.keys().isdisjoint(LOCATED_FROM):
            kept += (LOCATED,)
        return self.chain.changed(keep=(US_CONTENT, US_FRACTIONS, *kept), **tables)


def apply_scenario(
    chain: SupplyChain, scenario: Scenario, as_of: dt.date, *, flags: bool = False
) -> SupplyChain:
    """``chain`` with ``scenario`` applied as of ``as_of`` (checked first); ``chain`` is left as it is.

    Removals come first: restrictions, licences, supplies and alternatives named in
    ``remove`` go.  Then ``restrict`` adds a restriction (the model's default
    origins, de minimis and affiliates threshold) effective from ``as_of``, and
    ``restrict_destinations`` a country-wide control (everyone located there, every
    item subject to the EAR) from ``as_of``; each
    ``grant`` adds a licence, valid from ``as_of``, to every restriction (covering
    supplies and services); each ``drop_suppliers`` company loses its supplies, and
    the services it provides are marked lost (the products that had them become
    exposed); ``add`` entries are added, their dates defaulting to ``as_of``.

    Raises
    ------
    ScenarioError
        If a change refers to nothing in ``chain`` (see :func:`check_scenario`).
    AnalysisError
        If an added alternative closes a cycle in the bill of materials.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> chain = SupplyChain.from_dataset(parse_dataset(
    ...     {"companies": [{"id": "acme", "name": "Acme", "country": "US"}]}, "example"))
    >>> changed = apply_scenario(chain, Scenario(restrict=("acme",)), dt.date(2020, 1, 1))
    >>> new = changed.restrictions["whatif:restrict:acme"]
    >>> list(changed.restrictions), new.origins, new.effective_from, len(chain.restrictions)
    (['whatif:restrict:acme'], ('US',), datetime.date(2020, 1, 1), 0)
    """
    check_scenario(chain, scenario, flags=flags)
    add, remove = scenario.add, scenario.remove
    edit = _Edit(chain, (*remove.restrictions, *remove.licences))
    for rid in remove.restrictions:
        edit.table("restrictions").pop(rid, None)
    for lid in remove.licences:
        edit.table("licences").pop(lid, None)
    for sup in remove.supplies:
        edit.drop_from("suppliers", sup.component, sup.supplier)
        edit.drop_from("supplies_of", sup.supplier, sup.component)
    for alt in remove.alternatives:
        line = next(e for e in edit.table("bom")[alt.parent] if e.component == alt.component)  # type: ignore[attr-defined]
        edit.set_alternatives(
            alt.parent, alt.component, tuple(a for a in line.alternatives if a != alt.alternative)
        )

    for company in scenario.restrict:
        rid = edit.fresh_id(f"whatif:restrict:{company}")
        edit.table("restrictions")[rid] = new_restriction(rid, company, as_of)
    for country in scenario.restrict_destinations:
        rid = edit.fresh_id(f"whatif:restrict-destination:{country}")
        edit.table("restrictions")[rid] = Restriction(
            id=rid,
            name=f"what-if control on {country}",
            authority="what-if",
            destinations=(country,),
            effective_from=as_of,
        )
    for i, r in enumerate(add.restrictions, start=1):
        rid = edit.claim(r.id) if r.id else edit.fresh_id(f"whatif:restriction:{i}")
        fields = r.model_dump(exclude={"id", "effective_from"})
        edit.table("restrictions")[rid] = Restriction(
            id=rid, effective_from=r.effective_from or as_of, **fields
        )
    for i, grant in enumerate(scenario.grant, start=1):
        for rid in list(edit.table("restrictions")):
            lid = edit.fresh_id(f"whatif:grant:{i}:{rid}")
            edit.table("licences")[lid] = grant_licence(lid, grant, rid, as_of)
    for i, lic in enumerate(add.licences, start=1):
        lid = edit.claim(lic.id) if lic.id else edit.fresh_id(f"whatif:licence:{i}")
        fields = lic.model_dump(exclude={"id", "valid_from"})
        edit.table("licences")[lid] = Licence(id=lid, valid_from=lic.valid_from or as_of, **fields)
    for company in scenario.drop_suppliers:
        if company not in chain.companies:  # a company the scenario itself adds (below) has nothing to drop
            continue
        for component in chain.supplies_of.get(company, ()):
            edit.drop_from("suppliers", component, company)
        edit.table("supplies_of").pop(company, None)
        edit.lose_services_of(company)
    for c in add.companies:
        edit.table("companies")[c.id] = c
    # A component's suppliers in company order, as SupplyChain.from_dataset lists them: the
    # engine tries them in that order, so an added supply must not change the answer by where
    # it was put.
    position = (
        {c: i for i, c in enumerate([*chain.companies, *(c.id for c in add.companies)])}
        if add.supplies
        else {}
    )
    for sup in add.supplies:
        current: tuple[str, ...] = edit.table("suppliers").get(sup.component, ())  # type: ignore[assignment]
        if sup.supplier not in current:
            edit.table("suppliers")[sup.component] = tuple(
                sorted((*current, sup.supplier), key=position.__getitem__)
            )
            edit.add_to("supplies_of", sup.supplier, sup.component)
            # Its own intermediaries, not those of a supply of the same pair removed above.
            vias: dict[tuple[str, str], tuple[str, ...]] = edit.table("via")  # type: ignore[assignment]
            if sup.via:
                vias[(sup.supplier, sup.component)] = tuple(sup.via)
            else:
                vias.pop((sup.supplier, sup.component), None)
    for alt in add.alternatives:
        line = next(e for e in edit.table("bom")[alt.parent] if e.component == alt.component)  # type: ignore[attr-defined]
        edit.set_alternatives(alt.parent, alt.component, (*line.alternatives, alt.alternative))
    return edit.result()


def compare(before: ImpactResult, after: ImpactResult, scenario: Scenario) -> WhatIfResult:
    """The products and end users whose status differs between two impacts."""
    (products_before, users_before), (products_after, users_after) = _statuses_of(before), _statuses_of(after)
    return _changes(
        scenario,
        after.as_of,
        (products_before, products_after),
        (users_before, users_after),
        {**{p.id: p.name for p in before.products}, **{u.id: u.name for u in before.end_users}},
    )


_Pair = tuple[Mapping[str, Status], Mapping[str, Status]]


def _statuses_of(result: ImpactResult) -> _Pair:
    """The status of each product and of each end user of an impact."""
    return {p.id: p.status for p in result.products}, {u.id: u.status for u in result.end_users}


def _changes(
    scenario: Scenario, as_of: dt.date, products: _Pair, end_users: _Pair, names: Mapping[str, str]
) -> WhatIfResult:
    return WhatIfResult(
        as_of=as_of,
        name=scenario.name,
        description=scenario.description,
        scenario=scenario.describe(),
        products=status_changes(*products, names),
        end_users=status_changes(*end_users, names),
    )


def status_changes(
    before: Mapping[str, Status], after: Mapping[str, Status], names: Mapping[str, str]
) -> tuple[Change, ...]:
    """The entries of both ``before`` and ``after`` whose status differs, sorted by id.

    Examples
    --------
    >>> [c.id for c in status_changes({"a": Status.OK, "b": Status.OK}, {"a": Status.BLOCKED, "b": Status.OK},
    ...                               {"a": "A", "b": "B"})]
    ['a']
    """
    return tuple(
        Change(id=i, name=names[i], before=before[i], after=after[i])
        for i in sorted(before)
        if i in after and before[i] != after[i]
    )


def whatif(
    chain: SupplyChain,
    scenario: Scenario,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    flags: bool = False,
    applied: SupplyChain | None = None,
) -> tuple[WhatIfResult, ImpactResult, ImpactResult]:
    """Compare the impact on ``as_of`` before and after ``scenario``.

    Returns the changes, and the full impacts before and after.  ``applied``, when
    given, is ``apply_scenario(chain, scenario, as_of)`` already made (and checked).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> changes, _, _ = whatif(chain, Scenario(grant=(Grant.parse("us-co:chip:maker"),)), dt.date(2020, 1, 1))
    >>> [(c.id, c.before.value, c.after.value) for c in changes.products]
    [('phone', 'blocked', 'at_risk')]
    """
    if applied is None:
        applied = apply_scenario(chain, scenario, as_of, flags=flags)
    after = impact(applied, as_of, ignore_licences=ignore_licences)
    before = impact(chain, as_of, ignore_licences=ignore_licences)
    return compare(before, after, scenario), before, after


def whatif_changes(
    chain: SupplyChain,
    scenario: Scenario,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    flags: bool = False,
    applied: SupplyChain | None = None,
) -> WhatIfResult:
    """:func:`whatif`'s changes alone, from the statuses before and after ``scenario`` (neither
    full impact is reported; an impact on ``as_of`` that ``chain``, or ``applied``, keeps is
    taken as it is).

    Examples
    --------
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> grant = Scenario(grant=(Grant.parse("us-co:chip:maker"),))
    >>> changes = whatif_changes(chain, grant, dt.date(2020, 1, 1))
    >>> [(c.id, c.before.value, c.after.value) for c in changes.products]
    [('phone', 'blocked', 'at_risk')]
    """
    if applied is None:
        applied = apply_scenario(chain, scenario, as_of, flags=flags)
    after_products, after_users = _statuses(applied, as_of, ignore_licences)
    before_products, before_users = _statuses(chain, as_of, ignore_licences)
    return _changes(
        scenario, as_of, (before_products, after_products), (before_users, after_users), _names(chain)
    )


def _statuses(chain: SupplyChain, as_of: dt.date, ignore_licences: bool) -> _Pair:
    """Each product's and end user's status: from the impact ``chain`` keeps, else worked out (by
    array passes when the chain has its arrays)."""
    seen = kept_impact(chain, as_of, ignore_licences=ignore_licences)
    if seen is not None:
        return _statuses_of(seen)
    at_once = array_statuses(chain, as_of, ignore_licences=ignore_licences)
    if at_once is not None:
        return at_once
    found = statuses(chain, as_of, ignore_licences=ignore_licences)
    return found.products, {u: status for u, (status, _, _) in found.end_users.items()}


def diff_scenarios(
    chain: SupplyChain,
    a: Scenario,
    b: Scenario,
    as_of: dt.date,
    *,
    applied: tuple[SupplyChain, SupplyChain] | None = None,
) -> ScenarioDiff:
    """The products and end users whose status on ``as_of`` differs between scenarios ``a`` and ``b``.

    Each row also gives the status with neither scenario applied (``baseline``).
    ``applied``, when given, is the two scenarios already applied (and checked).

    Examples
    --------
    >>> from graphlib_trade.models import Dataset
    >>> chain = SupplyChain.from_dataset(Dataset())
    >>> diff_scenarios(chain, Scenario(name="A"), Scenario(name="B"), dt.date(2020, 1, 1)).products
    ()
    """
    if applied is None:
        applied = (apply_scenario(chain, a, as_of), apply_scenario(chain, b, as_of))
    base = _statuses(chain, as_of, False)
    under_a, under_b = (_statuses(c, as_of, False) for c in applied)
    names = _names(chain)

    def rows(kind: int) -> tuple[DiffRow, ...]:
        first, second, baseline = under_a[kind], under_b[kind], base[kind]
        return tuple(
            DiffRow(id=i, name=names[i], baseline=baseline[i], a=first[i], b=second[i])
            for i in sorted(first)
            if i in second and first[i] != second[i]
        )

    return ScenarioDiff(as_of=as_of, a=a.label, b=b.label, products=rows(0), end_users=rows(1))


def _names(chain: SupplyChain) -> dict[str, str]:
    """The name of each product and end user."""
    return {i: x.name for table in (chain.products, chain.end_users) for i, x in table.items()}
