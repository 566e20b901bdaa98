"""The typed supply chain: its tables, its BOM order, and the networkx graph it hands out."""

from __future__ import annotations

import json
from collections import defaultdict
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from hypothesis import given, settings

from graphlib_trade import snapshot
from graphlib_trade.analysis import SupplyChain, apply_scenario, bom_order, impact, whatif_changes
from graphlib_trade.analysis.chain import _FIELDS, DEFERRED, BomLine, bom_layers
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import Dataset, Scenario
from graphlib_trade.sources import load_dataset
from tests.helpers import LATER, basic, bom, company, component, graph, supply
from tests.strategies import datasets

ROOT = Path(__file__).resolve().parents[2]

FIXTURES = sorted(
    p
    for p in (Path(__file__).resolve().parents[2] / "fixtures").rglob("*.yaml")
    if p.parent.name != "scenarios" and "imports" not in p.parts  # import samples: tests/imports
)


def by_methods(ds: Dataset) -> nx.MultiDiGraph:
    """The graph as add_node/add_edge build it, entry by entry (the reference)."""

    def fields(entry: Any, *drop: str) -> dict[str, Any]:
        return {k: getattr(entry, k) for k in type(entry).model_fields if k not in (*drop, "id")}

    G = nx.MultiDiGraph()
    for x in ds.lists:
        G.add_node(x.id, kind="list", **fields(x))
    for c in ds.companies:
        G.add_node(c.id, kind="company", **fields(c))
    for c in ds.components:
        G.add_node(c.id, kind="component", **fields(c))
    for p in ds.products:
        G.add_node(p.id, kind="product", **fields(p, "maker"))
        G.add_edge(p.maker, p.id, key="MAKES")
    for u in ds.end_users:
        G.add_node(u.id, kind="end_user", **fields(u))
    for r in ds.restrictions:
        G.add_node(r.id, kind="restriction", **fields(r, "targets", "list"))
        for t in r.targets:
            G.add_edge(r.id, t, key="TARGETS")
        if r.list:
            G.add_edge(r.id, r.list, key="ON_LIST")
    for lic in ds.licences:
        G.add_node(lic.id, kind="licence", **fields(lic, "restriction"))
        G.add_edge(lic.id, lic.restriction, key="LICENSES")
    for o in ds.ownership:
        if o.valid_from is None and o.valid_until is None:
            G.add_edge(o.owner, o.owned, key="OWNS", share=o.share)
        else:
            window = f"{o.valid_from or ''}..{o.valid_until or ''}"
            G.add_edge(o.owner, o.owned, key=f"OWNS {window}", share=o.share, valid_from=o.valid_from,
                       valid_until=o.valid_until)  # fmt: skip
    for s in ds.supplies:
        if s.via:
            G.add_edge(s.supplier, s.component, key="SUPPLIES", via=s.via)
        else:
            G.add_edge(s.supplier, s.component, key="SUPPLIES")
    for b in ds.bom:
        G.add_edge(
            b.component,
            b.parent,
            key="PART_OF",
            required=b.required,
            alternatives=b.alternatives,
            value=b.value,
        )
    for sv in ds.services:
        G.add_edge(sv.provider, sv.product, key="SERVES:" + sv.kind, kind=sv.kind, eccn=sv.eccn)
    for use in ds.uses:
        G.add_edge(use.user, use.product, key="USES")
    return G


def tables_by_dicts(ds: Dataset) -> dict[str, Any]:
    """The adjacency as appending to dicts of lists builds it, entry by entry (the reference):
    by the position of the supplier (or part) in its section, then by the entry's order."""
    supplied: dict[str, list[str]] = defaultdict(list)
    for s in ds.supplies:
        supplied[s.supplier].append(s.component)
    suppliers: dict[str, list[str]] = defaultdict(list)
    supplies_of: dict[str, tuple[str, ...]] = {}
    for c in ds.companies:
        if c.id in supplied:
            supplies_of[c.id] = tuple(supplied[c.id])
            for comp in supplied[c.id]:
                suppliers[comp].append(c.id)
    entries_of: dict[str, list[Any]] = defaultdict(list)
    for b in ds.bom:
        entries_of[b.component].append(b)
    lines: dict[str, list[BomLine]] = defaultdict(list)
    used_in: dict[str, list[str]] = defaultdict(list)
    for item in ds.components:
        for b in entries_of.get(item.id, ()):
            lines[b.parent].append(BomLine(b.component, b.required, tuple(b.alternatives), b.value))
            used_in[item.id].append(b.parent)
            for a in b.alternatives:
                used_in[a].append(b.parent)
    waiting = {n: 0 for n in [*(c.id for c in ds.components), *(p.id for p in ds.products)]}
    for part, parents in used_in.items():
        waiting.setdefault(part, 0)
        for parent in parents:
            waiting[parent] = waiting.get(parent, 0) + 1
    order = [n for n, count in waiting.items() if count == 0]
    for node in order:  # the list grows as nodes are freed: a first-in first-out queue
        for parent in used_in.get(node, ()):
            waiting[parent] -= 1
            if waiting[parent] == 0:
                order.append(parent)

    def tuples(table: dict[str, list[Any]]) -> list[tuple[str, tuple[Any, ...]]]:
        return [(key, tuple(values)) for key, values in table.items()]

    return {
        "suppliers": tuples(suppliers),
        "supplies_of": list(supplies_of.items()),
        "bom": tuples(lines),
        "used_in": tuples(used_in),
        "order": tuple(order),
    }


def tables_of(chain: SupplyChain) -> dict[str, Any]:
    return {
        "suppliers": list(chain.suppliers.items()),
        "supplies_of": list(chain.supplies_of.items()),
        "bom": list(chain.bom.items()),
        "used_in": list(chain.used_in.items()),
        "order": chain.order,
    }


def assert_same_graph(G: nx.MultiDiGraph, H: nx.MultiDiGraph) -> None:
    assert dict(G.nodes(data=True)) == dict(H.nodes(data=True))

    def edges(g: nx.MultiDiGraph) -> list[tuple[Any, ...]]:
        return sorted((u, v, k, sorted(d.items())) for u, v, k, d in g.edges(keys=True, data=True))

    assert edges(G) == edges(H)


class TestFromDataset:
    def test_tables_of_a_small_chain(self) -> None:
        # us supplies chip and die (die goes into chip, chip into phone, with kchip as an alternative);
        # kr supplies kchip; cn makes the phone; el lists cn.
        chain = graph(
            **basic(
                companies=[company("kr", "KR")],
                components=[component("die"), component("kchip", "KR")],
                supplies=[supply("us", "die"), supply("kr", "kchip")],
                bom=[bom("chip", "die", value=2.0)],
                ownership=[{"owner": "cn", "owned": "kr", "share": 0.6}],
            )
        )
        assert chain.suppliers == {"chip": ("us",), "die": ("us",), "kchip": ("kr",)}
        assert chain.supplies_of == {"us": ("chip", "die"), "kr": ("kchip",)}
        assert chain.bom == {
            "phone": (BomLine("chip", True, (), None),),
            "chip": (BomLine("die", True, (), 2.0),),
        }
        assert chain.used_in == {"chip": ("phone",), "die": ("chip",)}
        assert chain.makes == {"cn": ("phone",)} and chain.owns == {"cn": {"kr": 0.6}}
        # Kahn over [chip, die, kchip, phone]: die and kchip wait for nothing (in that order), die
        # frees chip, chip frees phone.
        assert chain.order == ("die", "kchip", "chip", "phone")
        assert chain.restrictions["el"].origins == ("US",)  # the model's default, not restated

    def test_references_are_the_entries_own_ids(self) -> None:
        # Parsed from JSON text, every reference is a string object of its own; the chain
        # replaces each by the id object of the entry it names (one object per id).
        text = (
            '{"companies": [{"id": "us", "name": "US", "country": "US"},'
            ' {"id": "cn", "name": "CN", "country": "CN"}],'
            ' "components": [{"id": "chip", "name": "Chip", "origin": "US"},'
            ' {"id": "alt", "name": "Alt", "origin": "US"}],'
            ' "products": [{"id": "phone", "name": "Phone", "maker": "cn"}],'
            ' "supplies": [{"supplier": "us", "component": "chip"}, {"supplier": "us", "component": "alt"}],'
            ' "bom": [{"parent": "phone", "component": "chip", "alternatives": ["alt"]}]}'
        )
        chain = SupplyChain.from_dataset(Dataset.model_validate(json.loads(text)))
        own = {key: key for table in (chain.companies, chain.components, chain.products) for key in table}
        line = chain.bom["phone"][0]
        refs = [
            line.component,
            *line.alternatives,
            *chain.supplies_of["us"],
            *chain.used_in["chip"],
            *chain.used_in["alt"],
            *chain.makes,
            *chain.bom,
        ]
        assert refs == ["chip", "alt", "chip", "alt", "phone", "phone", "cn", "phone"]
        assert all(ref is own[ref] for ref in refs)

    @settings(max_examples=200, deadline=None)
    @given(datasets)
    def test_tables_as_dicts_of_lists_build_them(self, ds: Dataset) -> None:
        # The array build (ids, numpy grouping, Kahn by layers) against appending entry by entry:
        # equal tables, keys and values in the same order.
        assert tables_of(SupplyChain.from_dataset(ds)) == tables_by_dicts(ds)

    @settings(max_examples=100, deadline=None)
    @given(datasets)
    def test_arrays_hold_the_tables(self, ds: Dataset) -> None:
        # The arrays say what the dict tables say: used_in, the supplies, the BOM entries (whether
        # required, and their options, component first), and the BOM order with its depth.
        chain = SupplyChain.from_dataset(ds)
        arrays = chain.arrays
        assert arrays is not None
        ids = arrays.ids

        def row(ptr: Any, idx: Any, i: int) -> tuple[str, ...]:
            return tuple(ids[j] for j in idx[ptr[i] : ptr[i + 1]])

        used = {ids[u]: row(arrays.used_ptr, arrays.used_idx, u) for u in range(arrays.size)}
        assert {k: v for k, v in used.items() if v} == dict(chain.used_in)
        supplies = [(ids[s], ids[c]) for s, c in zip(arrays.supplier, arrays.supplied, strict=True)]
        assert supplies == [(s, c) for s, comps in chain.supplies_of.items() for c in comps]
        entries = [
            (ids[p], bool(arrays.entry_required[e]), row(arrays.option_ptr, arrays.option_idx, e))
            for e, p in enumerate(arrays.entry_parent)
        ]
        expected = [
            (p, line.required, line.options)
            for c in chain.components
            for p in chain.used_in.get(c, ())
            for line in chain.bom[p]
            if line.component == c
        ]
        assert sorted(entries) == sorted(dict.fromkeys(expected))
        order, bounds = arrays.generations
        assert tuple(ids[i] for i in order) == chain.order and len(bounds) - 1 == chain.depth

    def test_references_to_no_entry(self) -> None:
        # Data pulled with --allow-partial can name entries it lacks: ghost supplies chip and is
        # no company (left out, as the reference leaves it); "gone" is an alternative and
        # "shell" a parent that are no item. Kahn's queue starts with die and gone (nothing
        # goes into them; the waiting counts meet die with the items, gone after them); gone
        # and die free chip, chip frees phone, then shell.
        ds = Dataset(
            **basic(
                components=[component("die")],
                supplies=[supply("us", "die"), supply("ghost", "chip")],
                bom=[bom("chip", "die", alternatives=["gone"]), bom("shell", "chip")],
            )
        )
        chain = SupplyChain.from_dataset(ds)
        assert tables_of(chain) == tables_by_dicts(ds)
        assert chain.used_in == {"chip": ("phone", "shell"), "die": ("chip",), "gone": ("chip",)}
        assert chain.order == ("die", "gone", "chip", "phone", "shell")
        assert chain.arrays is None  # the rules then go one by one

    def test_a_supply_of_no_entry_leaves_the_chain_without_arrays(self) -> None:
        # us supplies "ghost", which is no entry (unchecked data): the rules' masks cover the items
        # alone, so the chain gets no arrays, and the impact is worked out rule by rule (the
        # phone, whose chip cn cannot get from us, blocked as without the ghost).
        ds = Dataset(**basic(supplies=[supply("us", "ghost")]))
        chain = SupplyChain.from_dataset(ds)
        assert chain.arrays is None and chain.supplies_of["us"] == ("chip", "ghost")
        (phone,) = impact(chain, LATER).products
        assert phone.status.value == "blocked"

    def test_two_entries_with_one_id(self) -> None:
        ds = Dataset(**basic(components=[component("us")]))  # "us" is a company too
        with pytest.raises(AnalysisError, match="two entries have the id 'us'"):
            SupplyChain.from_dataset(ds)

    def test_a_cycle_is_named(self) -> None:
        sections = basic(components=[component("die")], supplies=[supply("us", "die")])
        sections["bom"] = [bom("phone", "chip"), bom("chip", "die"), bom("die", "chip")]
        with pytest.raises(AnalysisError, match=r"cycle: (chip -> die -> chip|die -> chip -> die)"):
            graph(**sections)

    def test_bom_order_puts_alternatives_first_too(self) -> None:
        # kchip stands in for chip in phone: it must come before phone as chip does.
        assert bom_order(["phone", "chip", "kchip"], {"chip": ["phone"], "kchip": ["phone"]}) == (
            "chip",
            "kchip",
            "phone",
        )

    def test_kept_results_are_per_chain(self) -> None:
        chain = graph(**basic())
        first = chain.kept("x", lambda c: object())
        assert chain.kept("x", lambda c: object()) is first
        changed = apply_scenario(chain, Scenario(), LATER)
        assert changed is not chain and changed.kept("x", lambda c: object()) is not first


class TestToNetworkx:
    def test_empty(self) -> None:
        G = SupplyChain.from_dataset(Dataset()).to_networkx()
        assert G.number_of_nodes() == 0 and not nx.is_frozen(G)

    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.stem)
    def test_fixtures(self, path: Path) -> None:
        ds = load_dataset(path)
        assert_same_graph(SupplyChain.from_dataset(ds).to_networkx(), by_methods(ds))

    @settings(max_examples=150, deadline=None)
    @given(datasets)
    def test_generated(self, ds: Dataset) -> None:
        assert_same_graph(SupplyChain.from_dataset(ds).to_networkx(), by_methods(ds))

    def test_a_what_if_shows_lost_services(self) -> None:
        chain = graph(**basic(services=[{"provider": "us", "product": "phone", "kind": "updates"}]))
        G = apply_scenario(chain, Scenario(drop_suppliers=("us",)), LATER).to_networkx()
        # us no longer supplies chip, and its updates to the phone are lost.
        assert not G.has_edge("us", "chip") and G.edges["us", "phone", "SERVES:updates"]["lost"] is True

    def test_networkx_algorithms_run_on_it(self) -> None:
        # What the restricted maker cn's phone depends on, upstream: chip, and us that supplies it.
        G = graph(**basic()).to_networkx()
        assert nx.ancestors(G, "phone") >= {"chip", "us", "cn"}


class TestBomLayers:
    def test_the_longest_path_not_the_shortest(self) -> None:
        # phone <- soc <- wafer, and phone <- case: the longest path is phone, soc, wafer (3).
        order, depth = bom_layers(
            ["phone", "soc", "wafer", "case"], {"soc": ["phone"], "wafer": ["soc"], "case": ["phone"]}
        )
        assert depth == 3 and order.index("wafer") < order.index("soc") < order.index("phone")

    def test_a_late_long_branch(self) -> None:
        # top <- a (a leaf), and top <- b <- c <- d: depth 4 (top, b, c, d), although top's
        # first part is a leaf.
        assert (
            bom_layers(["top", "a", "b", "c", "d"], {"a": ["top"], "b": ["top"], "c": ["b"], "d": ["c"]})[1]
            == 4
        )

    def test_no_items(self) -> None:
        assert bom_layers([], {}) == ((), 0)

    @settings(max_examples=100, deadline=None)
    @given(datasets)
    def test_depth_is_networkx_longest_path(self, ds: Dataset) -> None:
        chain = SupplyChain.from_dataset(ds)
        B = nx.DiGraph()
        B.add_nodes_from(chain.order)
        B.add_edges_from((part, parent) for part, parents in chain.used_in.items() for parent in parents)
        expected = nx.dag_longest_path_length(B) + 1 if len(B) else 0
        assert chain.depth == expected


def every_table(chain: SupplyChain) -> dict[str, Any]:
    return {name: getattr(chain, name) for name in _FIELDS if name != "_kept"}


class TestParts:
    """A snapshot keeps a chain as its parts (SupplyChain.parts): the big tables in groups of
    their own, read when first asked for."""

    def huawei(self) -> SupplyChain:
        return SupplyChain.from_dataset(load_dataset(ROOT / "fixtures" / "huawei_2019.yaml"))

    def again(self, chain: SupplyChain) -> tuple[SupplyChain, list[str]]:
        """``chain`` from its parts, and the groups read, in the order they were read."""
        core, groups = chain.parts()
        read: list[str] = []

        def group(name: str) -> dict[str, Any]:
            read.append(name)
            return groups[name]()

        return SupplyChain.from_parts(core, group), read

    def test_the_chain_of_its_parts_has_every_table(self) -> None:
        chain = self.huawei()
        again, read = self.again(chain)
        assert again.unread() == list(DEFERRED) and not read
        assert every_table(again) == every_table(chain)
        assert sorted(read) == sorted(DEFERRED) and again.unread() == []
        assert impact(again, LATER) == impact(chain, LATER)

    def test_a_what_if_by_array_passes_reads_no_deferred_group(self, tmp_path: Path) -> None:
        # The snapshot an impact leaves (with the de minimis fractions, the array passes' plan
        # and item columns): restricting a company and comparing statuses reads only the tables
        # every command reads, so the three groups stay unread, in the chain and in the copy.
        chain = self.huawei()
        impact(chain, LATER)
        assert snapshot._write(tmp_path / "s.pickle", chain)
        read = snapshot._read(tmp_path / "s.pickle")
        assert read is not None and read.unread() == list(DEFERRED)
        scenario = Scenario(restrict=("tsmc",))
        assert whatif_changes(read, scenario, LATER) == whatif_changes(chain, scenario, LATER)
        assert read.unread() == list(DEFERRED)
        assert every_table(read) == every_table(chain)  # and they are there when asked for

    def test_a_copy_changing_one_table_of_a_group_reads_that_group_alone(self) -> None:
        # changed(suppliers=...) needs the rest of the "graph" group (used_in) as it is; the
        # other groups (the BOM's order among them) stay unread in the copy, and are the
        # chain's when read.
        chain = self.huawei()
        again, read = self.again(chain)
        copy = again.changed(suppliers={})
        assert read == ["graph"] and copy.unread() == ["components", "bom", "order"]
        assert copy.suppliers == {} and copy.used_in == chain.used_in and copy.order == chain.order
        assert copy.bom == chain.bom and copy.components == chain.components

    def test_a_copy_of_no_such_table_is_refused(self) -> None:
        with pytest.raises(TypeError, match="no table 'supplier'"):
            self.huawei().changed(supplier={})

    def test_parts_of_something_else_are_refused(self) -> None:
        core, groups = self.huawei().parts()
        with pytest.raises(ValueError, match="not the parts of a supply chain"):
            SupplyChain.from_parts({**core, "extra": 1}, lambda g: groups[g]())
        wrong = SupplyChain.from_parts(core, lambda g: {"bom": {}})
        with pytest.raises(ValueError, match="not the tables of 'components'"):
            wrong.components  # noqa: B018 - reading it is the test
