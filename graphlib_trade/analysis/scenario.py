"""What-if: apply a :class:`Scenario` to a graph and compare impacts."""

from __future__ import annotations

import copy
import datetime as dt
from collections.abc import Callable
from typing import Any

import networkx as nx

from graphlib_trade.analysis.graph import (
    COMPANY,
    COMPONENT,
    LICENCE,
    LICENSES,
    PART_OF,
    PRODUCT,
    RESTRICTION,
    SERVES_PREFIX,
    SUPPLIES,
    TARGETS,
)
from graphlib_trade.analysis.impact import _Index, _parts_first, impact, impact_on, index_of
from graphlib_trade.errors import ScenarioError
from graphlib_trade.models import (
    ANY,
    Change,
    DiffRow,
    Grant,
    ImpactResult,
    Scenario,
    ScenarioDiff,
    WhatIfResult,
)


def check_scenario(G: nx.MultiDiGraph, scenario: Scenario, *, flags: bool = False) -> None:
    """Raise :class:`ScenarioError` naming every change that refers to nothing in ``G``.

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
        return G.nodes[value].get("kind") if value in G else None

    def need(where: str, value: str, kinds: tuple[str, ...], label: str) -> None:
        if value == ANY and label.endswith("(or *)"):
            return
        if kind_of(value) not in kinds:
            problems.append(f"{where}: unknown {label.removesuffix(' (or *)')} {value!r}")

    def name(field: str, flag: str, i: int) -> str:
        return flag if flags else f"{field}[{i}]"

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
        if not G.has_edge(sup.supplier, sup.component, key=SUPPLIES):
            problems.append(f"{where}: no such supply in the data")
    for section, alts in (("remove", remove.alternatives), ("add", add.alternatives)):
        for i, alt in enumerate(alts):
            where = f"{section}.alternatives[{i}] ({alt.parent}: {alt.component} or {alt.alternative})"
            if not G.has_edge(alt.component, alt.parent, key=PART_OF):
                problems.append(f"{where}: {alt.parent!r} has no BOM entry for {alt.component!r}")
                continue
            current = G.edges[alt.component, alt.parent, PART_OF].get("alternatives") or ()
            if section == "remove" and alt.alternative not in current:
                problems.append(f"{where}: {alt.alternative!r} is not an alternative there")
            if section == "add":
                need(where, alt.alternative, (COMPONENT,), "component")
                if alt.alternative in current or alt.alternative == alt.component:
                    problems.append(f"{where}: {alt.alternative!r} already fills that entry")
    for i, new in enumerate(add.companies):
        if new.id in G:
            problems.append(f"add.companies[{i}] {new.id!r}: the id is already used in the data")
    for i, sup in enumerate(add.supplies):
        where = f"add.supplies[{i}] ({sup.supplier} -> {sup.component})"
        need(where, sup.supplier, (COMPANY,), "company")
        need(where, sup.component, (COMPONENT,), "component")
    for i, r in enumerate(add.restrictions):
        where = f"add.restrictions[{i}]" + (f" {r.id!r}" if r.id else "")
        if r.id and r.id in G:
            problems.append(f"{where}: the id is already used in the data")
        for t in r.targets:
            need(where + ": targets", t, (COMPANY,), "company")
    for i, lic in enumerate(add.licences):
        where = f"add.licences[{i}]" + (f" {lic.id!r}" if lic.id else "")
        if lic.id and lic.id in G:
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


def _fresh_id(G: nx.MultiDiGraph, base: str) -> str:
    candidate, n = base, 1
    while candidate in G:
        n += 1
        candidate = f"{base}#{n}"
    return candidate


def _restrict_fields(company: str, as_of: dt.date) -> dict[str, object]:
    """A ``restrict`` shorthand's restriction: the defaults, effective from ``as_of``."""
    return {
        "name": f"what-if restriction on {company}",
        "authority": "what-if",
        "origins": ("US",),
        "de_minimis": 0.25,
        "affiliates_threshold": 0.5,
        "foreign_direct_product": False,
        "effective_from": as_of,
        "effective_until": None,
    }


def _grant_fields(grant: Grant, as_of: dt.date) -> dict[str, object]:
    """A ``grant`` shorthand's licence (one per restriction), valid from ``as_of``."""
    return {
        "name": f"what-if licence {grant}",
        "recipients": () if grant.recipient == ANY else (grant.recipient,),
        "suppliers": () if grant.supplier == ANY else (grant.supplier,),
        "components": () if grant.component == ANY else (grant.component,),
        "covers": "both",
        "valid_from": as_of,
        "valid_until": None,
    }


def apply_scenario(
    G: nx.MultiDiGraph, scenario: Scenario, as_of: dt.date, *, flags: bool = False
) -> nx.MultiDiGraph:
    """A copy of ``G`` with ``scenario`` applied as of ``as_of``; ``G`` is left untouched.

    Removals come first: restrictions, licences, supplies and alternatives named in
    ``remove`` go.  Then ``restrict`` adds a restriction (default origins, de
    minimis and affiliates threshold) effective from ``as_of``; each ``grant`` adds
    a licence, valid from ``as_of``, to every restriction (covering supplies and
    services); each ``drop_suppliers`` company loses its supplies, and the
    services it provides are marked ``lost`` (the products that had them become
    exposed); ``add`` entries are added, their dates defaulting to ``as_of``.

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("acme", kind="company", name="Acme", country="US")
    >>> H = apply_scenario(G, Scenario(restrict=("acme",)), dt.date(2020, 1, 1))
    >>> sorted(H.edges(keys=True)), len(G.edges)
    ([('whatif:restrict:acme', 'acme', 'TARGETS')], 0)
    """
    check_scenario(G, scenario, flags=flags)
    H = G.copy()
    add, remove = scenario.add, scenario.remove
    H.remove_nodes_from(remove.restrictions)
    H.remove_nodes_from(remove.licences)
    H.remove_edges_from((s.supplier, s.component, SUPPLIES) for s in remove.supplies)
    for alt in remove.alternatives:
        data = H.edges[alt.component, alt.parent, PART_OF]
        data["alternatives"] = tuple(a for a in data["alternatives"] if a != alt.alternative)

    def add_restriction(rid: str, targets: tuple[str, ...], **fields: object) -> None:
        H.add_node(rid, kind=RESTRICTION, **fields)
        for t in targets:
            H.add_edge(rid, t, key=TARGETS)

    for company in scenario.restrict:
        add_restriction(
            _fresh_id(H, f"whatif:restrict:{company}"), (company,), **_restrict_fields(company, as_of)
        )
    for i, r in enumerate(add.restrictions, start=1):
        fields = r.model_dump(exclude={"id", "targets"})
        fields["effective_from"] = r.effective_from or as_of
        add_restriction(r.id or _fresh_id(H, f"whatif:restriction:{i}"), r.targets, **fields)
    restrictions = [n for n, k in H.nodes(data="kind") if k == RESTRICTION]
    for i, grant in enumerate(scenario.grant, start=1):
        for rid in restrictions:
            lid = _fresh_id(H, f"whatif:grant:{i}:{rid}")
            H.add_node(lid, kind=LICENCE, **_grant_fields(grant, as_of))
            H.add_edge(lid, rid, key=LICENSES)
    for i, lic in enumerate(add.licences, start=1):
        lid = lic.id or _fresh_id(H, f"whatif:licence:{i}")
        fields = lic.model_dump(exclude={"id", "restriction"})
        fields["valid_from"] = lic.valid_from or as_of
        H.add_node(lid, kind=LICENCE, **fields)
        H.add_edge(lid, lic.restriction, key=LICENSES)
    for company in scenario.drop_suppliers:
        if company not in H:  # a company the scenario itself adds (below) has nothing to drop
            continue
        H.remove_edges_from([(u, v, k) for u, v, k in H.out_edges(company, keys=True) if k == SUPPLIES])
        for _, _, k, data in H.out_edges(company, keys=True, data=True):
            if isinstance(k, str) and k.startswith(SERVES_PREFIX):
                data["lost"] = True
    for c in add.companies:
        H.add_node(c.id, kind=COMPANY, **c.model_dump(exclude={"id"}))
    for s in add.supplies:
        H.add_edge(s.supplier, s.component, key=SUPPLIES)
    for alt in add.alternatives:
        data = H.edges[alt.component, alt.parent, PART_OF]
        data["alternatives"] = (*(data.get("alternatives") or ()), alt.alternative)
    return H


class _IndexPatch:
    """A shallow copy of an index whose tables are copied on first write (the original stays as it is)."""

    def __init__(self, ix: _Index, taken: Callable[[str], bool]) -> None:
        self.ix = copy.copy(ix)
        self._copied: set[str] = set()
        self._copied_lists: set[tuple[str, str]] = set()
        self._taken = taken
        self._new_ids: set[str] = set()

    def table(self, name: str) -> Any:
        if name not in self._copied:
            setattr(self.ix, name, copy.copy(getattr(self.ix, name)))
            self._copied.add(name)
        return getattr(self.ix, name)

    def listed(self, name: str, key: str) -> list[Any]:
        """The list ``ix.<name>[key]``, copied (once) so that it can be changed."""
        table = self.table(name)
        if (name, key) not in self._copied_lists:
            table[key] = list(table.get(key, ()))
            self._copied_lists.add((name, key))
        return table[key]  # type: ignore[no-any-return]

    def fresh_id(self, base: str) -> str:
        """As :func:`_fresh_id` on the graph the scenario would give."""
        candidate, n = base, 1
        while self._taken(candidate) or candidate in self._new_ids:
            n += 1
            candidate = f"{base}#{n}"
        return self.claim(candidate)

    def claim(self, new_id: str) -> str:
        self._new_ids.add(new_id)
        return new_id

    def discard(self, name: str, key: str, value: Any) -> None:
        """Remove ``value`` from the list ``ix.<name>[key]`` if it is there."""
        if value in getattr(self.ix, name).get(key, ()):
            self.listed(name, key).remove(value)

    def set_alternatives(self, parent: str, component: str, alternatives: tuple[str, ...]) -> None:
        entries = self.listed("bom", parent)
        for i, entry in enumerate(entries):
            if entry.component == component:
                for a in set(entry.alternatives) - set(alternatives):
                    self.listed("used_in", a).remove(parent)
                for a in alternatives:
                    if a not in entry.alternatives:
                        self.listed("used_in", a).append(parent)
                entries[i] = entry._replace(alternatives=alternatives)
                return


def scenario_index(G: nx.MultiDiGraph, scenario: Scenario, as_of: dt.date) -> _Index:
    """The engine's index of ``apply_scenario(G, scenario, as_of)``, made without copying ``G``.

    It patches the index of ``G`` (kept with a frozen ``G``, see
    :func:`~graphlib_trade.analysis.impact.index_of`) with the same changes, in the
    same order, as :func:`apply_scenario` makes to its copy: a copy of a million-node
    graph takes seconds, a patch as long as the scenario.  The tests check the two
    equal on every fixture scenario and on generated ones.  ``scenario`` must have
    passed :func:`check_scenario`.
    """
    add, remove = scenario.add, scenario.remove
    removed = set(remove.restrictions) | set(remove.licences)
    patch = _IndexPatch(index_of(G), lambda node: node in G and node not in removed)
    ix = patch.ix
    for rid in remove.restrictions:
        patch.table("restriction").pop(rid, None)
        patch.table("targets").pop(rid, None)
        for orphan in [lid for lid, r in ix.licence_of.items() if r == rid]:
            patch.table("licence_of").pop(orphan)
    for lid in remove.licences:
        patch.table("licence").pop(lid, None)
        patch.table("licence_of").pop(lid, None)
    for sup in remove.supplies:
        patch.discard("suppliers", sup.component, sup.supplier)
        patch.discard("supplies_of", sup.supplier, sup.component)
    for alt in remove.alternatives:
        entry = next(e for e in ix.bom[alt.parent] if e.component == alt.component)
        kept = tuple(a for a in entry.alternatives if a != alt.alternative)
        patch.set_alternatives(alt.parent, alt.component, kept)

    def add_restriction(rid: str, targets: tuple[str, ...], **fields: object) -> None:
        patch.table("restriction")[patch.claim(rid)] = {"kind": RESTRICTION, **fields}
        patch.listed("targets", rid).extend(targets)

    for company in scenario.restrict:
        add_restriction(
            patch.fresh_id(f"whatif:restrict:{company}"),
            (company,),
            **_restrict_fields(company, as_of),
        )
    for i, r in enumerate(add.restrictions, start=1):
        fields = r.model_dump(exclude={"id", "targets"})
        fields["effective_from"] = r.effective_from or as_of
        add_restriction(r.id or patch.fresh_id(f"whatif:restriction:{i}"), r.targets, **fields)
    for i, grant in enumerate(scenario.grant, start=1):
        for rid in list(ix.restriction):
            lid = patch.fresh_id(f"whatif:grant:{i}:{rid}")
            patch.table("licence")[lid] = {"kind": LICENCE, **_grant_fields(grant, as_of)}
            patch.table("licence_of")[lid] = rid
    for i, lic in enumerate(add.licences, start=1):
        lid = lic.id or patch.fresh_id(f"whatif:licence:{i}")
        fields = lic.model_dump(exclude={"id", "restriction"})
        fields["valid_from"] = lic.valid_from or as_of
        patch.table("licence")[patch.claim(lid)] = {"kind": LICENCE, **fields}
        patch.table("licence_of")[lid] = lic.restriction
    for company in scenario.drop_suppliers:
        for component in ix.supplies_of.get(company, ()):
            patch.listed("suppliers", component).remove(company)
        patch.table("supplies_of").pop(company, None)
        for product, keys in (G.succ[company] if company in G else {}).items():
            if any(isinstance(k, str) and k.startswith(SERVES_PREFIX) for k in keys):
                patch.table("lost_services").add((company, product))
    for c in add.companies:
        patch.table("country")[c.id] = c.country
    for sup in add.supplies:
        if sup.supplier not in ix.suppliers.get(sup.component, ()):  # the graph keeps one edge per pair
            patch.listed("suppliers", sup.component).append(sup.supplier)
            patch.listed("supplies_of", sup.supplier).append(sup.component)
    for alt in add.alternatives:
        entry = next(e for e in ix.bom[alt.parent] if e.component == alt.component)
        patch.set_alternatives(alt.parent, alt.component, (*entry.alternatives, alt.alternative))
    if add.alternatives:
        order = _parts_first(ix.order, ix.used_in)
        if order is None:  # the message names the cycle: find it on the graph the scenario gives
            index_of(apply_scenario(G, scenario, as_of))
            raise AssertionError("unreachable: the scenario's graph has no cycle")  # pragma: no cover
        ix.order = order
    return ix


def compare(before: ImpactResult, after: ImpactResult, scenario: Scenario) -> WhatIfResult:
    """The products and end users whose status differs between two impacts."""

    def changes(old: dict[str, tuple[str, object]], new: dict[str, tuple[str, object]]) -> tuple[Change, ...]:
        return tuple(
            Change(id=i, name=old[i][0], before=old[i][1], after=new[i][1])
            for i in sorted(old)
            if i in new and old[i][1] != new[i][1]
        )

    return WhatIfResult(
        as_of=after.as_of,
        name=scenario.name,
        description=scenario.description,
        scenario=scenario.describe(),
        products=changes(
            {p.id: (p.name, p.status) for p in before.products},
            {p.id: (p.name, p.status) for p in after.products},
        ),
        end_users=changes(
            {u.id: (u.name, u.status) for u in before.end_users},
            {u.id: (u.name, u.status) for u in after.end_users},
        ),
    )


def whatif(
    G: nx.MultiDiGraph,
    scenario: Scenario,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    flags: bool = False,
) -> tuple[WhatIfResult, ImpactResult, ImpactResult]:
    """Compare the impact on ``as_of`` before and after ``scenario``.

    Returns the changes, and the full impacts before and after.
    """
    after = _impact_under(G, scenario, as_of, ignore_licences=ignore_licences, flags=flags)
    before = impact(G, as_of, ignore_licences=ignore_licences)
    return compare(before, after, scenario), before, after


def _impact_under(
    G: nx.MultiDiGraph,
    scenario: Scenario,
    as_of: dt.date,
    *,
    ignore_licences: bool = False,
    flags: bool = False,
) -> ImpactResult:
    """``impact(apply_scenario(G, scenario, as_of), as_of)``, on a patched index instead of a copy."""
    check_scenario(G, scenario, flags=flags)
    ix = scenario_index(G, scenario, as_of)
    return impact_on(G, ix, ix.order, as_of, ignore_licences=ignore_licences)


def diff_scenarios(G: nx.MultiDiGraph, a: Scenario, b: Scenario, as_of: dt.date) -> ScenarioDiff:
    """The products and end users whose status on ``as_of`` differs between scenarios ``a`` and ``b``.

    Each row also gives the status with neither scenario applied (``baseline``).

    Examples
    --------
    >>> import networkx as nx
    >>> G = nx.MultiDiGraph()
    >>> diff_scenarios(G, Scenario(name="A"), Scenario(name="B"), dt.date(2020, 1, 1)).products
    ()
    """
    base = impact(G, as_of)
    under_a, under_b = (_impact_under(G, s, as_of) for s in (a, b))

    def rows(kind: str) -> tuple[DiffRow, ...]:
        first = {x.id: x for x in getattr(under_a, kind)}
        second = {x.id: x.status for x in getattr(under_b, kind)}
        baseline = {x.id: x.status for x in getattr(base, kind)}
        return tuple(
            DiffRow(id=i, name=x.name, baseline=baseline[i], a=x.status, b=second[i])
            for i, x in sorted(first.items())
            if i in second and x.status != second[i]
        )

    return ScenarioDiff(
        as_of=as_of, a=a.label, b=b.label, products=rows("products"), end_users=rows("end_users")
    )
