"""De minimis roll-up: controlled US content by value, computed up the bill of materials."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

import networkx as nx

from graphlib_trade.analysis.graph import COMPONENT, PART_OF
from graphlib_trade.models import UsContent, UsContentTerm


def _counted_fraction(data: Mapping[str, Any], own: UsContent) -> tuple[float, str]:
    """How much of a part's value counts as controlled US content in whatever it goes into."""
    if data.get("publicly_available"):
        return 0.0, "publicly available: not counted"
    if data.get("origin") == "US":
        if data.get("eccn") == "EAR99":
            return 0.0, "US origin, EAR99: not counted"
        return 1.0, "US origin, controlled"
    if own.fraction == 0.0:
        return 0.0, f"{data.get('origin')} origin, no US content"
    source = "rolled up" if own.basis == "rolled_up" else "as given"
    return own.fraction, f"{data.get('origin')} origin, {own.fraction:.1%} controlled US content ({source})"


def us_content(G: nx.MultiDiGraph, order: list[str]) -> dict[str, UsContent]:
    """Controlled US content by value of every component of ``G``.

    A figure given on the component (``us_content``) is used as it is.  Otherwise a
    US-origin component counts as 100% US, and a foreign one whose BOM entries all
    carry ``value`` is rolled up: the sum over its entries of value x the counted
    fraction of the entry's component (US origin: 1, unless EAR99 or publicly
    available: 0; foreign: its own controlled US content), divided by the
    component's ``value`` (else by the sum of the entries' values).  A foreign
    component with neither has none.

    Parameters
    ----------
    G : networkx.MultiDiGraph
        A supply-chain graph (see :func:`~graphlib_trade.analysis.graph.build_graph`).
    order : list
        Components and products, parts first (see :func:`~graphlib_trade.analysis.impact.bom_order`).

    Returns
    -------
    dict
        Component id -> :class:`~graphlib_trade.models.UsContent`.

    Examples
    --------
    >>> G = nx.MultiDiGraph()
    >>> G.add_node("modem", kind="component", origin="US")
    >>> G.add_node("case", kind="component", origin="US", eccn="EAR99")
    >>> G.add_node("board", kind="component", origin="TW", value=100.0)
    >>> _ = G.add_edge("modem", "board", key="PART_OF", value=20.0)
    >>> _ = G.add_edge("case", "board", key="PART_OF", value=30.0)
    >>> round(us_content(G, ["modem", "case", "board"])["board"].fraction, 3)
    0.2
    """
    entries: dict[str, list[tuple[str, float | None]]] = defaultdict(list)
    for u, v, key, value in G.edges(keys=True, data="value"):
        if key == PART_OF:
            entries[v].append((u, value))
    components = {n: d for n, d in G.nodes(data=True) if d.get("kind") == COMPONENT}
    return roll_up(components, entries, order)


def roll_up(
    components: Mapping[str, Mapping[str, Any]],
    entries: Mapping[str, Iterable[tuple[str, float | None]]],
    order: Iterable[str],
    result: dict[str, UsContent] | None = None,
) -> dict[str, UsContent]:
    """:func:`us_content` on plain data: component fields, (part, value) entries by parent, parts first.

    ``result``, when given, holds figures already rolled up (the parts of ``order``
    may be among them) and receives the new ones.
    """
    result = {} if result is None else result
    for node in order:
        data = components.get(node)
        if data is None:
            continue
        given = data.get("us_content")
        if given is not None:
            result[node] = UsContent.model_construct(component=node, fraction=given, basis="given")
            continue
        if data.get("origin") == "US":
            result[node] = UsContent.model_construct(component=node, fraction=1.0, basis="us_origin")
            continue
        parts = sorted(entries.get(node, ()))
        if not parts or any(value is None for _, value in parts):
            result[node] = UsContent.model_construct(component=node, fraction=0.0, basis="none")
            continue
        terms = []
        for child, value in parts:
            fraction, why = _counted_fraction(components[child], result[child])
            terms.append(
                UsContentTerm(component=child, value=float(value or 0.0), fraction=fraction, why=why)
            )
        denominator = data.get("value") or sum(t.value for t in terms)
        counted = sum(t.value * t.fraction for t in terms)
        result[node] = UsContent.model_construct(
            component=node,
            fraction=counted / denominator if denominator else 0.0,
            basis="rolled_up",
            denominator=denominator,
            terms=tuple(terms),
        )
    return result


class LazyRollUp(Mapping[str, UsContent]):
    """:func:`roll_up` of each component when first asked for, and of the parts below it.

    The engine needs the US content of a component only when a restricted party
    buys it, a few percent of the components of a large graph; rolling up all of
    them was a fifth of ``impact`` at 100k nodes (2.1 s of 10.1 s under the profiler).

    Parameters
    ----------
    components : mapping
        Component id -> its fields (``origin``, ``us_content``, ``value``, ...).
    parts : callable
        ``parts(parent)`` -> the (part, value) entries of ``parent``'s bill of materials.
        The bill of materials must have no cycle.

    Examples
    --------
    >>> lazy = LazyRollUp(
    ...     {"modem": {"origin": "US"}, "board": {"origin": "TW", "value": 100.0}},
    ...     lambda parent: [("modem", 20.0)] if parent == "board" else [],
    ... )
    >>> lazy["board"].fraction, len(lazy)
    (0.2, 2)
    """

    def __init__(
        self,
        components: Mapping[str, Mapping[str, Any]],
        parts: Callable[[str], list[tuple[str, float | None]]],
    ) -> None:
        self._components = components
        self._parts = parts
        self._done: dict[str, UsContent] = {}

    def __getitem__(self, component: str) -> UsContent:
        done = self._done.get(component)
        if done is not None:
            return done
        if component not in self._components:
            raise KeyError(component)
        # Depth-first, parts before parents (post-order), skipping what is rolled up already.
        entries: dict[str, list[tuple[str, float | None]]] = {}
        pending: list[str] = []
        stack: list[tuple[str, bool]] = [(component, False)]
        while stack:
            node, expanded = stack.pop()
            if expanded:
                pending.append(node)
                continue
            if node in entries or node in self._done:
                continue
            entries[node] = self._parts(node)
            stack.append((node, True))
            stack.extend((child, False) for child, _ in entries[node] if child not in self._done)
        roll_up(self._components, entries, pending, self._done)
        return self._done[component]

    def __iter__(self) -> Iterator[str]:
        return iter(self._components)

    def __len__(self) -> int:
        return len(self._components)
