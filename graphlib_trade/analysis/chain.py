"""The supply chain as the analysis reads it: one typed, frozen model built from a :class:`Dataset`.

Every analysis (impact, whatif, explain, rank, timeline, reach) takes a
:class:`SupplyChain`.  Its entries are the data file's own frozen models
(:class:`~graphlib_trade.models.Company`, :class:`~graphlib_trade.models.Restriction`,
...), so each field and default is stated once, in the models; the chain adds the
adjacency the rules walk (who supplies what, what goes into what, who owns whom)
and the bill of materials in an order where parts come before what they go into.

:meth:`SupplyChain.to_networkx` gives the same supply chain as a
:class:`networkx.MultiDiGraph` for an analyst's own algorithms.
"""

from __future__ import annotations

import datetime as dt
from bisect import bisect_right
from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Iterator, Mapping, Sequence
from collections.abc import Set as AbstractSet
from dataclasses import dataclass, field, fields
from functools import cached_property, partial
from itertools import repeat
from typing import TYPE_CHECKING, Any, ClassVar, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from graphlib_trade.analysis.arrays import (
    Cycle,
    csr,
    grouped,
    kahn_generations,
    kahn_layers,
    names_of,
)
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import (
    Company,
    Component,
    Dataset,
    EndUser,
    Licence,
    Ownership,
    Product,
    Restriction,
    RestrictionList,
    parse_dataset,
)
from graphlib_trade.models.references import Ids, References, stable_order

#: Node kinds of :meth:`SupplyChain.to_networkx` (and of :meth:`SupplyChain.kind_of`).
COMPANY, COMPONENT, PRODUCT, END_USER, RESTRICTION, LICENCE, LIST = (
    "company",
    "component",
    "product",
    "end_user",
    "restriction",
    "licence",
    "list",
)
#: Edge keys of :meth:`SupplyChain.to_networkx`: the relationship types of the Neo4j graph.
OWNS, SUPPLIES, PART_OF, MAKES, USES, TARGETS, LICENSES, ON_LIST = (
    "OWNS",
    "SUPPLIES",
    "PART_OF",
    "MAKES",
    "USES",
    "TARGETS",
    "LICENSES",
    "ON_LIST",
)
SERVES_PREFIX = "SERVES:"
_KINDS = (COMPANY, COMPONENT, PRODUCT, END_USER, RESTRICTION, LICENCE, LIST)
_TABLES = ("companies", "components", "products", "end_users", "restrictions", "licences", "lists")
#: The big tables a snapshot keeps apart, by group, each read when first asked for: a command
#: that needs none of a group (a what-if by array passes) never reads it.
DEFERRED: Mapping[str, tuple[str, ...]] = {
    "components": ("components", "items"),
    "bom": ("bom",),
    "graph": ("suppliers", "used_in"),
    "order": ("order",),
}

if TYPE_CHECKING:
    import networkx as nx

T = TypeVar("T")


class BomLine(NamedTuple):
    """One entry of a parent's bill of materials (a named tuple: 250k of them at 100k nodes)."""

    component: str
    required: bool
    alternatives: tuple[str, ...]
    #: Value of this part in one unit of the parent (de minimis roll-up).
    value: float | None = None

    @property
    def options(self) -> tuple[str, ...]:
        """The component, then its alternatives: any one fills the entry."""
        return (self.component, *self.alternatives)


class ServiceLine(NamedTuple):
    provider: str
    kind: str
    #: The classification of what the service delivers (None: unclassified).
    eccn: str | None = None


@dataclass(frozen=True, eq=False)
class SupplyChain:
    """A supply chain, typed and frozen: the input of every analysis.

    Build it with :meth:`from_dataset`; a what-if gives a changed copy
    (:func:`~graphlib_trade.analysis.scenario.apply_scenario`).  The mappings are
    read-only by contract: nothing in this package changes them after the build.

    Examples
    --------
    >>> from graphlib_trade.models import parse_dataset
    >>> chain = SupplyChain.from_dataset(parse_dataset({
    ...     "companies": [{"id": "acme", "name": "Acme", "country": "US"},
    ...                   {"id": "oem", "name": "OEM", "country": "DE"}],
    ...     "components": [{"id": "chip", "name": "Chip", "origin": "US"}],
    ...     "supplies": [{"supplier": "acme", "component": "chip"}],
    ...     "products": [{"id": "pc", "name": "PC", "maker": "oem"}],
    ...     "bom": [{"parent": "pc", "component": "chip"}],
    ... }, "example"))
    >>> chain.suppliers["chip"], chain.order, chain.components["chip"].origin
    (('acme',), ('chip', 'pc'), 'US')
    """

    companies: Mapping[str, Company]
    components: Mapping[str, Component]
    products: Mapping[str, Product]
    end_users: Mapping[str, EndUser]
    restrictions: Mapping[str, Restriction]
    licences: Mapping[str, Licence]
    lists: Mapping[str, RestrictionList]
    #: owner -> owned -> share, for holdings without dates (see :meth:`owns_on`).
    owns: Mapping[str, Mapping[str, float]]
    #: Holdings with a window: they count only on the days inside it.
    dated_ownership: tuple[Ownership, ...]
    #: (supplier, component) -> the intermediaries of that supply, where it has any.
    via: Mapping[tuple[str, str], tuple[str, ...]]
    #: Every item as the rules read it: the components, and each product as the item its maker
    #: delivers (its origin defaulting to the maker's country).
    items: Mapping[str, Component]
    #: component -> the companies that supply it.
    suppliers: Mapping[str, tuple[str, ...]]
    #: company -> the components it supplies.
    supplies_of: Mapping[str, tuple[str, ...]]
    #: parent (component or product) -> its BOM entries.
    bom: Mapping[str, tuple[BomLine, ...]]
    #: part (primary or alternative) -> the parents it goes into.
    used_in: Mapping[str, tuple[str, ...]]
    #: company -> the products it makes.
    makes: Mapping[str, tuple[str, ...]]
    #: product -> the services it needs.
    services: Mapping[str, tuple[ServiceLine, ...]]
    #: (provider, product) of services whose provider is gone (a what-if's ``drop_suppliers``).
    lost_services: frozenset[tuple[str, str]]
    #: end user -> the products it uses.
    uses: Mapping[str, tuple[str, ...]]
    #: Components and products, every part before what it goes into.
    order: tuple[str, ...]
    #: The number of items on the longest path down the bill of materials.
    depth: int
    _kept: dict[str, Any] = field(default_factory=dict, repr=False)

    # ------------------------------------------------------------------ building

    @classmethod
    def from_dataset(cls, dataset: Dataset) -> SupplyChain:
        """The supply chain of a validated data file.

        Raises
        ------
        AnalysisError
            If two entries share an id, or the bill of materials has a cycle (alternatives
            count); the message names it.
        """
        # Each reference is resolved once to a number (models.references), the tables are
        # grouped and ordered by those numbers with numpy (analysis.arrays), and
        # each reference is handed out as the id object of the entry it names: dictionary
        # lookups then find their key by identity, and a snapshot pickles each id once.
        refs = References(dataset)
        if refs.repeated_id is not None:
            twice = refs.repeated_id
            raise AnalysisError(f"two entries have the id {twice!r}: a supply chain needs one entry per id")
        one = refs.one
        first_component, first_product = refs.start("components"), refs.start("products")
        owns: dict[str, dict[str, float]] = defaultdict(dict)
        for o in dataset.ownership:
            if o.valid_from is None and o.valid_until is None:
                owns[one(o.owner)][one(o.owned)] = o.share
        # Adjacency in a fixed order: by the position of the supplier (or part) in its section,
        # then by the order of the entries (the order every earlier version walked).
        supplier, supplied = refs.columns(dataset.supplies, "supplier", "component")
        by_company = np.flatnonzero(supplier < first_component)
        by_company = by_company[stable_order(supplier[by_company])]
        supplies_of = _table(refs, supplier[by_company], supplied[by_company])
        suppliers = _table(refs, supplied[by_company], supplier[by_company])
        parent, part, required, alternatives, value = refs.columns(
            dataset.bom,
            "parent",
            "component",
            required="required",
            alternatives="alternatives",
            value="value",
        )
        lines = np.flatnonzero((part >= first_component) & (part < first_product))
        lines = lines[stable_order(part[lines])]
        # The alternatives, each with its entry (a position in ``lines``) and its place in it.
        alt_line: list[int] = []
        alt_place: list[int] = []
        alt_names: list[str] = []
        chosen = alternatives[lines]
        for at in np.flatnonzero(chosen.astype(bool)).tolist():
            options = chosen[at] = tuple(map(one, chosen[at]))
            alt_line += [at] * len(options)
            alt_place += range(1, len(options) + 1)
            alt_names += options
        # BomLine(...) runs Python code (1.9M entries at 1M nodes): tuple.__new__ does not.
        fields = zip(
            names_of(refs.names, part[lines]),
            required[lines].tolist(),
            chosen.tolist(),
            value[lines].tolist(),
            strict=True,
        )
        made = list(map(tuple.__new__, repeat(BomLine), fields))
        bom = _table(refs, parent[lines], made)
        # used_in: each entry's part, then its alternatives, entry after entry.
        taken = np.lexsort(
            (np.r_[np.zeros(lines.size, np.int64), alt_place], np.r_[np.arange(lines.size), alt_line])
        )
        fill = np.r_[part[lines], refs.of(alt_names)][taken]
        into = np.r_[parent[lines], parent[lines][np.asarray(alt_line, np.int64)]][taken]
        entry_of = np.r_[np.arange(lines.size), alt_line][taken].astype(np.int64)
        used_in = _table(refs, fill, into)
        makes: dict[str, list[str]] = defaultdict(list)
        for p in dataset.products:
            makes[one(p.maker)].append(p.id)
        services: dict[str, list[ServiceLine]] = defaultdict(list)
        for sv in dataset.services:
            services[one(sv.product)].append(ServiceLine(one(sv.provider), sv.kind, sv.eccn))
        uses: dict[str, list[str]] = defaultdict(list)
        for u in dataset.uses:
            uses[one(u.user)].append(one(u.product))
        components = {c.id: c for c in dataset.components}
        products = {p.id: p for p in dataset.products}
        companies = {c.id: c for c in dataset.companies}
        items = range(first_component, first_product + len(dataset.products))
        layered = _layers(refs, items, fill, into, used_in)
        via = {(one(s.supplier), one(s.component)): s.via for s in dataset.supplies if s.via}
        kept: dict[str, Any] = {}
        if isinstance(layered, ChainArrays.Generations):
            order, depth = tuple(names_of(refs.names, layered.order)), len(layered.bounds) - 1
            # The arrays only for a chain whose every reference names an entry of the right kind
            # (data pulled with --allow-partial may not): the rules' masks cover the items alone.
            offered = supplied[by_company]
            named = [sv.product for sv in dataset.services] + [u.product for u in dataset.uses]
            named += [p.maker for p in dataset.products] + [v for through in via.values() for v in through]
            if (
                len(refs.names) == refs.entries
                and bool(np.all((offered >= first_component) & (offered < first_product)))
                and all(map(refs.__contains__, named))
            ):
                entries = (parent[lines], required[lines].astype(bool), fill, into, entry_of)
                kept[ARRAYS] = ChainArrays.of(refs, items, (supplier[by_company], offered), entries, layered)
        else:
            order, depth = layered
        return cls(
            companies=companies,
            components=components,
            products=products,
            end_users={u.id: u for u in dataset.end_users},
            restrictions={r.id: r for r in dataset.restrictions},
            licences={lic.id: lic for lic in dataset.licences},
            lists={x.id: x for x in dataset.lists},
            owns=dict(owns),
            dated_ownership=tuple(o for o in dataset.ownership if o.valid_from or o.valid_until),
            via=via,
            items={**components, **{p.id: product_item(p, companies) for p in dataset.products}},
            suppliers=suppliers,
            supplies_of=supplies_of,
            bom=bom,
            used_in=used_in,
            makes=_tuples(makes),
            services=_tuples(services),
            lost_services=frozenset(),
            uses=_tuples(uses),
            order=order,
            depth=depth,
            _kept=kept,
        )

    def changed(self, keep: Iterable[str] = (), **tables: Any) -> SupplyChain:
        """A copy with some tables replaced (and a fresh BOM order if ``used_in`` changed).

        ``keep`` names results kept with this chain (see :meth:`kept`) that the
        change leaves true, to carry over to the copy.  Tables not read yet from a snapshot
        (see :meth:`from_parts`) stay unread in the copy unless one of their group changes.
        """
        unknown = tables.keys() - set(_FIELDS)
        if unknown:
            raise TypeError(f"a supply chain has no table {sorted(unknown)[0]!r}")
        for group in self.unread():
            if not tables.keys().isdisjoint(DEFERRED[group]):
                getattr(self, DEFERRED[group][0])  # read it now: the copy takes the rest as it is
        new = object.__new__(SupplyChain)
        state = {k: v for k, v in self.__dict__.items() if k in _FIELDS or k == _READ_LATER}
        state.update(tables, _kept={k: self._kept[k] for k in keep if k in self._kept})
        new.__dict__.update(state)
        if "used_in" in tables:
            order, depth = bom_layers([*new.components, *new.products], new.used_in)
            object.__setattr__(new, "order", order)
            object.__setattr__(new, "depth", depth)
        return new

    # ------------------------------------------------------------------ snapshots

    def parts(self) -> tuple[dict[str, Any], dict[str, Callable[[], dict[str, Any]]]]:
        """The chain as a snapshot keeps it: the tables every command reads, and for each group
        of :data:`DEFERRED` what gives its tables (read only by a command that needs them)."""
        grouped = {name for names in DEFERRED.values() for name in names}
        core = {name: getattr(self, name) for name in _FIELDS if name not in grouped}
        return core, {group: partial(self._group, group) for group in DEFERRED}

    def _group(self, group: str) -> dict[str, Any]:
        return {name: getattr(self, name) for name in DEFERRED[group]}

    @classmethod
    def from_parts(cls, core: Mapping[str, Any], read: Callable[[str], Mapping[str, Any]]) -> SupplyChain:
        """The chain of :meth:`parts`: ``read(group)`` gives a deferred group's tables, called
        when one of them is first asked for."""
        if set(core) | {n for names in DEFERRED.values() for n in names} != set(_FIELDS):
            raise ValueError("not the parts of a supply chain")
        chain = object.__new__(cls)
        chain.__dict__.update(core, **{_READ_LATER: read})
        return chain

    def __getstate__(self) -> dict[str, Any]:
        """Pickled whole (every deferred group read first), without what reads them."""
        for group in self.unread():
            getattr(self, DEFERRED[group][0])
        return {k: v for k, v in self.__dict__.items() if k != _READ_LATER}

    def unread(self) -> list[str]:
        """The groups of :data:`DEFERRED` not read yet (a chain from :meth:`from_parts`)."""
        return [g for g, names in DEFERRED.items() if names[0] not in self.__dict__]

    if not TYPE_CHECKING:  # (for the type checker, every table is an attribute as declared)

        def __getattr__(self, name: str) -> Any:
            """A table of a deferred group, read when first asked for."""
            group = _GROUP_OF.get(name)
            read = self.__dict__.get(_READ_LATER)
            if group is None or read is None:
                raise AttributeError(f"{type(self).__name__!r} object has no attribute {name!r}")
            tables = read(group)
            if set(tables) != set(DEFERRED[group]):
                raise ValueError(f"not the tables of {group!r}")
            for table, value in tables.items():
                object.__setattr__(self, table, value)
            return tables[name]

    # ------------------------------------------------------------------ reading

    def owns_on(self, day: dt.date) -> Mapping[str, Mapping[str, float]]:
        """owner -> owned -> share on ``day``: the undated holdings and the dated ones valid then."""
        if not self.dated_ownership:
            return self.owns
        valid = [o for o in self.dated_ownership if o.valid_on(day)]
        merged: dict[str, dict[str, float]] = {owner: dict(held) for owner, held in self.owns.items()}
        for o in valid:
            merged.setdefault(o.owner, {})[o.owned] = o.share
        return merged

    def located(self, country: str) -> tuple[str, ...]:
        """The companies and end users located in ``country`` (end users by their ``country``)."""
        where: dict[str, tuple[str, ...]] = self.kept(LOCATED, _located)
        return where.get(country, ())

    def kind_of(self, node: str) -> str | None:
        """``company``, ``component``, ``product``, ``end_user``, ``restriction``, ``licence`` or None."""
        first, arrays = 0, self.arrays
        if arrays is not None:  # entries are numbered kind after kind: the tables need not be read
            n = arrays.numbers.get(node)
            if n is not None:
                return _KINDS[bisect_right((arrays.components, arrays.products, arrays.size), n)]
            first = _KINDS.index(RESTRICTION)
        tables = zip(_KINDS[first:], _TABLES[first:], strict=True)
        for kind, table in tables:
            if node in getattr(self, table):
                return kind
        return None

    def __contains__(self, node: object) -> bool:
        return isinstance(node, str) and self.kind_of(node) is not None

    def name(self, node: str) -> str:
        """The node's name (its id when it has none)."""
        entry = (
            self.companies.get(node)
            or self.components.get(node)
            or self.products.get(node)
            or self.end_users.get(node)
            or self.restrictions.get(node)
            or self.licences.get(node)
        )
        name = getattr(entry, "name", None)
        return name if name is not None else node

    def kept(self, name: str, build: Callable[[SupplyChain], T]) -> T:
        """``build(self)``, kept under ``name`` for the life of this chain.

        The chain cannot change, so what an analysis derives from it (recent
        ``impact`` results, the CSR rows of ``reach``) stays true: later calls skip
        the work.

        Examples
        --------
        >>> chain = SupplyChain.from_dataset(Dataset())
        >>> chain.kept("example", lambda c: []) is chain.kept("example", lambda c: [])
        True
        """
        if name not in self._kept:
            self._kept[name] = build(self)
        return self._kept[name]  # type: ignore[no-any-return]

    @property
    def arrays(self) -> ChainArrays | None:
        """The chain's :class:`ChainArrays`, when it has them (built from a data file; kept by a
        what-if that changes no supply and no BOM entry)."""
        found: ChainArrays | None = self._kept.get(ARRAYS)
        return found

    def held(self, name: str) -> Any:
        """What is kept under ``name`` (see :meth:`kept`), or None (nothing is built)."""
        return self._kept.get(name)

    def holds(self, name: str) -> bool:
        """Whether a result is kept under ``name`` (see :meth:`kept`)."""
        return name in self._kept

    def recent(self, name: str, key: Hashable) -> Any:
        """What :meth:`kept_recent` keeps under ``name`` by ``key``, or None (nothing is built)."""
        table = self._kept.get(name)
        return None if table is None else table.get(key)

    def kept_recent(self, name: str, key: Hashable, build: Callable[[], T], keep: int) -> T:
        """``build()``, kept under ``name`` by ``key`` beside at most ``keep - 1`` others (the
        first kept go first): what an analysis derives per date or per question.

        Examples
        --------
        >>> chain = SupplyChain.from_dataset(Dataset())
        >>> [chain.kept_recent("example", n, lambda: [], keep=2) is not None for n in range(3)]
        [True, True, True]
        >>> sorted(chain.kept("example", dict))
        [1, 2]
        """
        table: dict[Hashable, T] = self.kept(name, lambda _: {})
        if key not in table:
            if len(table) >= keep:
                del table[next(iter(table))]
            table[key] = build()
        return table[key]

    # ------------------------------------------------------------------ networkx

    def to_networkx(self) -> nx.MultiDiGraph:
        """The supply chain as a :class:`networkx.MultiDiGraph`, for an analyst's own algorithms.

        Nodes are keyed by id and carry ``kind`` plus the entry's fields.  Edges are
        keyed by relationship type, with the names an analyst reads in Neo4j Browser:

        =============  ===========================  ======================================
        key            edge                         attributes
        =============  ===========================  ======================================
        ``OWNS``       company -> company           ``share`` (a dated holding: key
                                                    ``OWNS FROM..UNTIL``, ``valid_from``,
                                                    ``valid_until``)
        ``SUPPLIES``   company -> component         ``via`` (intermediaries), if any
        ``PART_OF``    component -> parent          ``required``, ``alternatives``, ``value``
        ``MAKES``      company -> product
        ``SERVES:k``   company -> product           ``kind`` (= k), ``eccn``, ``lost`` in a what-if
        ``USES``       end user -> product
        ``TARGETS``    restriction -> company or end user
        ``ON_LIST``    restriction -> list
        ``LICENSES``   licence -> restriction
        =============  ===========================  ======================================

        The graph is a new one each call: change it freely.

        Examples
        --------
        >>> from graphlib_trade.models import parse_dataset
        >>> chain = SupplyChain.from_dataset(parse_dataset({
        ...     "companies": [{"id": "acme", "name": "Acme", "country": "US"}],
        ...     "components": [{"id": "chip", "name": "Chip", "origin": "US"}],
        ...     "supplies": [{"supplier": "acme", "component": "chip"}],
        ... }, "example"))
        >>> G = chain.to_networkx()
        >>> G.nodes["chip"]["kind"], list(G.edges("acme", keys=True))
        ('component', [('acme', 'chip', 'SUPPLIES')])
        """
        import networkx as nx  # imported when asked: a command needs it only for a cycle's message

        G = nx.MultiDiGraph()
        for kind, table, drop in (
            (COMPANY, self.companies, ()),
            (COMPONENT, self.components, ()),
            (PRODUCT, self.products, ("maker",)),
            (END_USER, self.end_users, ()),
            (RESTRICTION, self.restrictions, ("targets", "list")),
            (LICENCE, self.licences, ("restriction",)),
            (LIST, self.lists, ()),
        ):
            G.add_nodes_from((node, {"kind": kind, **_fields(entry, drop)}) for node, entry in table.items())
        G.add_edges_from((p.maker, p.id, MAKES) for p in self.products.values())
        G.add_edges_from((r.id, t, TARGETS) for r in self.restrictions.values() for t in r.targets)
        G.add_edges_from((r.id, r.list, ON_LIST) for r in self.restrictions.values() if r.list)
        G.add_edges_from(
            (lic.id, lic.restriction, LICENSES)
            for lic in self.licences.values()
            if lic.restriction in self.restrictions
        )
        G.add_edges_from(
            (owner, owned, OWNS, {"share": share})
            for owner, held in self.owns.items()
            for owned, share in held.items()
        )
        G.add_edges_from(
            (
                o.owner,
                o.owned,
                f"{OWNS} {o.valid_from or ''}..{o.valid_until or ''}",
                {"share": o.share, "valid_from": o.valid_from, "valid_until": o.valid_until},
            )
            for o in self.dated_ownership
        )
        G.add_edges_from(
            (s, c, SUPPLIES, {"via": self.via[(s, c)]} if (s, c) in self.via else {})
            for s, comps in self.supplies_of.items()
            for c in comps
        )
        G.add_edges_from(
            (
                line.component,
                parent,
                PART_OF,
                {"required": line.required, "alternatives": line.alternatives, "value": line.value},
            )
            for parent, lines in self.bom.items()
            for line in lines
        )
        for product, lines in self.services.items():
            for sv in lines:
                attrs: dict[str, Any] = {"kind": sv.kind, "eccn": sv.eccn}
                if (sv.provider, product) in self.lost_services:
                    attrs["lost"] = True
                G.add_edge(sv.provider, product, key=SERVES_PREFIX + sv.kind, **attrs)
        G.add_edges_from((user, p, USES) for user, used in self.uses.items() for p in used)
        return G


#: The fields of a supply chain, in order.
_FIELDS = tuple(f.name for f in fields(SupplyChain))
#: Where a chain from a snapshot keeps what reads its deferred groups.
_READ_LATER = "_read_later"
_GROUP_OF = {name: group for group, names in DEFERRED.items() for name in names}


def listing_example() -> SupplyChain:
    """The smallest listing case, for examples (as ``networkx.path_graph`` is for networkx's).

    ``us-co`` (US) supplies a US-origin ``chip`` to ``maker`` (CN), whose ``phone`` needs
    it and which ``carrier`` uses; restriction ``el`` lists ``maker`` from 2019-05-16.

    >>> chain = listing_example()
    >>> chain.suppliers["chip"], chain.restrictions["el"].targets, chain.uses["carrier"]
    (('us-co',), ('maker',), ('phone',))
    """
    return SupplyChain.from_dataset(
        parse_dataset(
            {
                "companies": [
                    {"id": "us-co", "name": "US Co", "country": "US"},
                    {"id": "maker", "name": "Maker", "country": "CN"},
                ],
                "components": [{"id": "chip", "name": "Chip", "origin": "US"}],
                "supplies": [{"supplier": "us-co", "component": "chip"}],
                "products": [{"id": "phone", "name": "Phone", "maker": "maker"}],
                "bom": [{"parent": "phone", "component": "chip"}],
                "end_users": [{"id": "carrier", "name": "Carrier"}],
                "uses": [{"user": "carrier", "product": "phone"}],
                "restrictions": [{"id": "el", "targets": ["maker"], "effective_from": "2019-05-16"}],
            },
            "listing example",
        )
    )


def product_item(product: Product, companies: Mapping[str, Company]) -> Component:
    """The product as the item its maker delivers: a component's fields, origin the maker's
    country unless given (the value is left out: a product's ``value`` is a yearly revenue)."""
    maker = companies.get(product.maker)
    return Component.model_construct(
        id=product.id,
        name=product.name,
        origin=product.origin or (maker.country if maker is not None else "??"),
        us_content=product.us_content,
        eccn=product.eccn,
        publicly_available=product.publicly_available,
        us_direct_product=product.us_direct_product,
        value=None,
        note=None,
    )


def _table(refs: References, keys: Ids, values: Ids | Sequence[T]) -> dict[str, tuple[Any, ...]]:
    """``values[i]`` appended under ``keys[i]`` for every ``i`` in turn (a dict of tuples keyed
    by id); ``values`` as an array holds numbers, handed out as ids."""
    rows, groups, bounds = grouped(keys)
    ordered: list[Any] = (
        names_of(refs.names, values[rows])
        if isinstance(values, np.ndarray)
        else list(map(values.__getitem__, rows.tolist()))
    )
    slices = map(slice, bounds[:-1].tolist(), bounds[1:].tolist())
    parts: Iterable[list[Any]] = map(ordered.__getitem__, slices)
    return dict(zip(names_of(refs.names, groups), map(tuple, parts), strict=True))


def _layers(
    refs: References, items: range, fill: Ids, into: Ids, used_in: Mapping[str, Iterable[str]]
) -> ChainArrays.Generations | tuple[tuple[str, ...], int]:
    """The generations of the components and products (numbered ``items``), from the part ->
    parent edges in ``used_in``'s order (``fill[i]`` goes into ``into[i]``); :func:`bom_layers`
    when an edge comes from or goes to no item (references to no entry)."""
    if fill.size and (min(fill.min(), into.min()) < items.start or max(fill.max(), into.max()) >= items.stop):
        return bom_layers(refs.names[items.start : items.stop], used_in)
    n = len(items)
    try:
        order, bounds = kahn_generations(n, *csr(n, fill - items.start, into - items.start))
    except Cycle:
        raise AnalysisError(_cycle_message(used_in)) from None
    return ChainArrays.Generations(order + items.start, bounds)


@dataclass(frozen=True, eq=False)
class ChainArrays:
    """The bill of materials and the supplies of a chain over numbered ids (companies, then
    components, then products; :attr:`numbers` gives an id's): what the array passes of the rules
    read.  Built with the chain from a data file (kept under :data:`ARRAYS`); a what-if that
    changes neither keeps them, and a chain without them is evaluated without those passes.
    """

    class Generations(NamedTuple):
        #: Items, every part before what it goes into; generation ``g`` is ``order[bounds[g]:bounds[g + 1]]``.
        order: Ids
        bounds: Ids

    #: The chain's tables they come from: a copy that changes none of them keeps them.
    TABLES: ClassVar[frozenset[str]] = frozenset(
        (
            "companies",
            "components",
            "products",
            "end_users",
            "uses",
            "items",
            "suppliers",
            "supplies_of",
            "bom",
            "used_in",
            "order",
        )
    )

    #: number -> id (end users too: the numbers of References).
    ids: Sequence[str]
    #: Numbered below this: companies; from it, items (components, then products from ``products``).
    components: int
    products: int
    size: int
    #: part -> the parents it goes into (as a part or an alternative), as compressed rows.
    used_ptr: Ids
    used_idx: Ids
    generations: ChainArrays.Generations
    #: Each supply by a company: its supplier and its component.
    supplier: Ids
    supplied: Ids
    #: Each BOM entry: its parent, whether it is required, and its options (component first) as
    #: compressed rows.
    entry_parent: Ids
    entry_required: npt.NDArray[np.bool_]
    option_ptr: Ids
    option_idx: Ids

    @classmethod
    def of(
        cls,
        refs: References,
        items: range,
        supplies: tuple[Ids, Ids],
        entries: tuple[Ids, npt.NDArray[np.bool_], Ids, Ids, Ids],
        generations: ChainArrays.Generations,
    ) -> ChainArrays:
        """From the build's arrays: the supplies (supplier, component); the BOM entries (parent,
        required) and the part -> parent edges in order (part, parent, the entry of each)."""
        parents, required, fill, into, entry_of = entries
        used_ptr, used_idx = csr(items.stop, fill, into)
        option_ptr = np.r_[0, np.cumsum(np.bincount(entry_of, minlength=len(parents)))]
        return cls(
            ids=refs.names,
            components=items.start,
            products=refs.start("products"),
            size=items.stop,
            used_ptr=used_ptr,
            used_idx=used_idx,
            generations=generations,
            supplier=supplies[0],
            supplied=supplies[1],
            entry_parent=parents,
            entry_required=required,
            option_ptr=option_ptr.astype(np.int64),
            option_idx=fill,
        )

    @cached_property
    def numbers(self) -> Mapping[str, int]:
        """id -> its number (worked out when first asked: a snapshot does not keep it)."""
        return dict(zip(self.ids, range(len(self.ids)), strict=True))

    def by_generation(self, items: Ids) -> tuple[Ids, Ids]:
        """The places in ``items`` (item numbers), generation after generation of the bill of
        materials (in their order within one), and where each generation starts: generation
        ``g``'s are ``places[bounds[g]:bounds[g + 1]]``."""
        order, bounds = self.generations
        generation = np.empty(self.size, dtype=np.int64)
        generation[order] = np.repeat(np.arange(len(bounds) - 1), np.diff(bounds))
        of = generation[items]
        places = stable_order(of)
        ends = np.searchsorted(of[places], np.arange(len(bounds) - 1), side="right")
        found: tuple[Ids, Ids] = places, np.r_[0, ends].astype(np.int64)
        return found

    @cached_property
    def part_rows(self) -> tuple[Ids, Ids]:
        """item -> the options of its BOM entries, as compressed rows (worked out when first asked,
        kept in a snapshot)."""
        sizes = np.diff(self.option_ptr)
        return csr(self.size, np.repeat(self.entry_parent, sizes), self.option_idx)

    def __getstate__(self) -> dict[str, Any]:
        state = {k: v for k, v in self.__dict__.items() if k != "numbers"}
        state["part_rows"] = self.part_rows
        return state

    def mask(self, ids: Iterable[str]) -> npt.NDArray[np.bool_]:
        """Which numbers ``ids`` (of companies, components or products) hold."""
        found = np.zeros(self.size, dtype=bool)
        get, size = self.numbers.get, self.size
        found[[n for n in (get(i, size) for i in ids) if n < size]] = True
        return found

    def names(self, mask: npt.NDArray[np.bool_]) -> list[str]:
        """The ids of the numbers ``mask`` holds."""
        return names_of(self.ids, np.flatnonzero(mask))


class MaskedNames(AbstractSet[str]):
    """The ids of the numbers ``mask`` holds, as a set: an id looked up by its number (the
    mask's flags as a list, made when first asked), listed in the numbers' order.  What the
    array passes reach (570k ids at 1M nodes) without a set of strings made for a few lookups.

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> arrays = listing_example().arrays
    >>> found = MaskedNames(arrays, arrays.mask(["chip"]))
    >>> "chip" in found, "phone" in found, list(found), found == {"chip"}
    (True, False, ['chip'], True)
    >>> "nobody" in found, arrays.ids[-1] in found  # no id; an id past the items
    (False, False)
    """

    __slots__ = ("_arrays", "_flags", "_mask")

    def __init__(self, arrays: ChainArrays, mask: npt.NDArray[np.bool_]) -> None:
        self._arrays, self._mask = arrays, mask
        self._flags: list[bool] | None = None

    def __contains__(self, name: object) -> bool:
        n = self._arrays.numbers.get(name) if isinstance(name, str) else None
        if n is None:
            return False
        if self._flags is None:
            self._flags = self._mask.tolist()
        return n < len(self._flags) and self._flags[n]  # (ids past the items: end users, ...)

    def __iter__(self) -> Iterator[str]:
        return iter(self._arrays.names(self._mask))

    def __len__(self) -> int:
        return int(np.count_nonzero(self._mask))

    def __reduce__(self) -> tuple[Any, ...]:
        return frozenset, (list(self),)


#: What a chain keeps its :class:`ChainArrays` under.
ARRAYS = "arrays"
#: What a chain keeps its parties by country under (:meth:`SupplyChain.located`), and the tables
#: it comes from: a snapshot keeps it, so a command need not read every company to find them.
LOCATED, LOCATED_FROM = "located", ("companies", "end_users")


def _located(chain: SupplyChain) -> dict[str, tuple[str, ...]]:
    where: dict[str, list[str]] = defaultdict(list)
    for c in chain.companies.values():
        where[c.country].append(c.id)
    for u in chain.end_users.values():
        if u.country is not None:
            where[u.country].append(u.id)
    return _tuples(where)


def _fields(entry: Any, drop: Iterable[str]) -> dict[str, Any]:
    fields = dict(entry.__dict__)
    del fields["id"]
    for name in drop:
        del fields[name]
    return fields


def _tuples(table: Mapping[str, list[T]]) -> dict[str, tuple[T, ...]]:
    return {key: tuple(values) for key, values in table.items()}


def bom_order(nodes: Iterable[str], used_in: Mapping[str, Iterable[str]]) -> tuple[str, ...]:
    """``nodes`` with every part before the parents it goes into (Kahn's algorithm).

    Ties keep the order of ``nodes``, so the order is deterministic.

    Parameters
    ----------
    nodes : iterable of str
        Components and products.
    used_in : mapping
        Part -> the parents it goes into (primary or alternative).

    Raises
    ------
    AnalysisError
        If the bill of materials has a cycle; the message names it.

    Examples
    --------
    >>> bom_order(["phone", "soc", "wafer"], {"soc": ["phone"], "wafer": ["soc"]})
    ('wafer', 'soc', 'phone')
    >>> bom_order(["a", "b"], {"a": ["b"], "b": ["a"]})  # doctest: +ELLIPSIS
    Traceback (most recent call last):
    ...
    graphlib_trade.errors.AnalysisError: the bill of materials has a cycle: a -> b -> a ...
    """
    return bom_layers(nodes, used_in)[0]


def bom_layers(nodes: Iterable[str], used_in: Mapping[str, Iterable[str]]) -> tuple[tuple[str, ...], int]:
    """:func:`bom_order`, and the number of items on the longest path down the bill of materials.

    Kahn's algorithm visits the parts in layers: an item becomes ready while the layer of
    its last part is visited, so it lies in the next one, and the number of layers is the
    depth.

    Examples
    --------
    >>> bom_layers(["phone", "soc", "wafer", "case"], {"soc": ["phone"], "wafer": ["soc"], "case": ["phone"]})
    (('wafer', 'case', 'soc', 'phone'), 3)
    """
    # Numbered as Kahn's waiting counts meet them: the nodes, then each part and its parents.
    index: dict[str, int] = {}
    for node in nodes:
        index.setdefault(node, len(index))
    tails: list[int] = []
    heads: list[int] = []
    for part, parents in used_in.items():
        tail = index.setdefault(part, len(index))
        for parent in parents:
            heads.append(index.setdefault(parent, len(index)))
            tails.append(tail)
    n = len(index)
    try:
        order, depth = kahn_layers(n, *csr(n, np.array(tails, np.int64), np.array(heads, np.int64)))
    except Cycle:
        raise AnalysisError(_cycle_message(used_in)) from None
    return tuple(names_of(list(index), order)), depth


def _cycle_message(used_in: Mapping[str, Iterable[str]]) -> str:
    import networkx as nx

    B = nx.DiGraph()
    B.add_edges_from((part, parent) for part, parents in used_in.items() for parent in parents)
    cycle = nx.find_cycle(B)
    path = " -> ".join([str(u) for u, _ in cycle] + [str(cycle[0][0])])
    return f"the bill of materials has a cycle: {path} (each is part of the next)"
