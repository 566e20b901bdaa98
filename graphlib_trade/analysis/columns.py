"""The items' fields the rules read, as columns over the numbers of a chain's arrays.

Rule 2's item side (is an item subject to a restriction, by origin or de minimis, or by the
FDPR) depends on five fields of each item and on the restriction alone: as columns, one
restriction's answer for every item is a few array expressions (:meth:`ItemColumns.subject`),
what the array passes read, and what the rules one by one read too once the columns are
worked out (a snapshot keeps them), so that the items themselves need not be read.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any, Generic, NamedTuple, TypeVar

import numpy as np
import numpy.typing as npt

from graphlib_trade.analysis.chain import ChainArrays, SupplyChain
from graphlib_trade.models import Restriction, eccn_in_scope
from graphlib_trade.models.references import Ids

Mask = npt.NDArray[np.bool_]
T = TypeVar("T")

#: What a chain keeps its :class:`ItemColumns` under (a :class:`Shared` of them).
COLUMNS = "item columns"
#: The restrictions whose :meth:`ItemColumns.subject` the columns keep (two masks of the items each).
SUBJECTS_KEPT = 64


class Shared(Generic[T]):
    """A value worked out when first asked, and shared by a chain and the what-if copies that
    keep it (the copies change none of what it is built from)."""

    def __init__(self, build: Callable[[], T]) -> None:
        self._build: Callable[[], T] | None = build
        self._value: T | None = None

    @property
    def value(self) -> T:
        if self._build is not None:
            self._value, self._build = self._build(), None
        return self._value  # type: ignore[return-value]

    @property
    def known(self) -> T | None:
        """The value when worked out already, else None."""
        return self._value if self._build is None else None

    def __getstate__(self) -> dict[str, Any]:
        """Pickled worked out (a snapshot keeps the value)."""
        return {"_build": None, "_value": self.value}


class Subject(NamedTuple):
    """Rule 2's item side for one restriction, by item number: subject by origin or de minimis,
    and by the FDPR."""

    by_origin: Mask
    by_fdpr: Mask


@dataclass(frozen=True)
class ItemColumns:
    """The items' fields rule 2 reads, as columns over the numbers of :class:`ChainArrays`
    (kept with the chain: they hold on any date)."""

    public: Mask
    direct_product: Mask
    fraction: npt.NDArray[np.float64]
    eccn: Ids
    eccns: list[str | None]
    origin: Ids
    origins: list[str | None]
    #: The last :data:`SUBJECTS_KEPT` restrictions' :meth:`subject`, by the restriction object
    #: (kept alive here, so its identity is not reused); not kept in a snapshot.
    subjects: dict[int, tuple[Restriction, Subject]] = field(default_factory=dict, compare=False)

    def grounds(self, restriction: Restriction, number: int) -> tuple[bool, bool]:
        """:func:`~graphlib_trade.analysis.engine.subject_grounds` of the item numbered ``number``."""
        found = self.subject(restriction)
        return bool(found.by_origin[number]), bool(found.by_fdpr[number])

    def subject(self, restriction: Restriction) -> Subject:
        """:func:`~graphlib_trade.analysis.engine.subject_grounds` of every item at once (kept)."""
        kept = self.subjects.get(id(restriction))
        if kept is not None:
            return kept[1]
        if len(self.subjects) >= SUBJECTS_KEPT:  # a long session's what-ifs: the oldest go
            del self.subjects[next(iter(self.subjects))]
        found = self._subject(restriction)
        self.subjects[id(restriction)] = (restriction, found)
        return found

    def __getstate__(self) -> dict[str, Any]:
        return {**self.__dict__, "subjects": {}}

    def _subject(self, restriction: Restriction) -> Subject:
        items, origins = restriction.items, restriction.origins
        scoped = ~self.public & np.array([eccn_in_scope(e, items) for e in self.eccns], dtype=bool)[self.eccn]
        by_origin = np.array([o in origins for o in self.origins], dtype=bool)[self.origin]
        if "US" in origins:
            by_origin |= self.fraction > restriction.de_minimis
        if restriction.fdpr_rule is None:
            by_fdpr = np.zeros_like(scoped)
        else:
            fdpr_items = restriction.fdpr_items
            in_scope = np.array([eccn_in_scope(e, fdpr_items) for e in self.eccns], dtype=bool)
            by_fdpr = self.direct_product & in_scope[self.eccn]
        return Subject(scoped & by_origin, scoped & by_fdpr)


def columns_of(chain: SupplyChain, fractions: Mapping[str, float]) -> ItemColumns:
    """The :class:`ItemColumns` of a chain with :class:`ChainArrays`, with each item's controlled
    US content (``fractions``)."""
    arrays = chain.arrays
    assert arrays is not None
    size, first = arrays.size, arrays.components
    items = [chain.items[i] for i in arrays.ids[first:size]]
    public = np.zeros(size, dtype=bool)
    public[:first] = True  # companies: never subject
    public[first:] = [x.publicly_available for x in items]
    direct = np.zeros(size, dtype=bool)
    direct[first:] = [x.us_direct_product for x in items]
    fraction = np.zeros(size, dtype=np.float64)
    fraction[first:] = [fractions[x.id] for x in items]
    eccns: dict[str | None, int] = {None: 0}
    eccn = np.zeros(size, dtype=np.int64)
    eccn[first:] = [eccns.setdefault(x.eccn, len(eccns)) for x in items]
    origins: dict[str | None, int] = {"": 0}
    origin = np.zeros(size, dtype=np.int64)
    origin[first:] = [origins.setdefault(x.origin, len(origins)) for x in items]
    return ItemColumns(public, direct, fraction, eccn, list(eccns), origin, list(origins))


def kept_columns(chain: SupplyChain) -> ItemColumns | None:
    """The chain's :class:`ItemColumns` when worked out already, else None (nothing is worked
    out here)."""
    shared: Shared[ItemColumns] | None = chain.held(COLUMNS)
    return None if shared is None else shared.known


class ColumnFractions(Mapping[str, float]):
    """Each item's controlled US content (what :func:`~graphlib_trade.analysis.engine.
    us_fractions_of` keeps), read from the :class:`ItemColumns`' ``fraction`` column: what a
    snapshot keeps in place of a dict of every item (one float each, 0.4 s to read at 1M).

    >>> from graphlib_trade.analysis.chain import listing_example
    >>> from graphlib_trade.analysis.engine import us_fractions_of
    >>> chain = listing_example()
    >>> fractions = us_fractions_of(chain)
    >>> view = ColumnFractions(chain.arrays, columns_of(chain, fractions).fraction)
    >>> dict(view) == dict(fractions)
    True
    """

    def __init__(self, arrays: ChainArrays, fraction: npt.NDArray[np.float64]) -> None:
        self._arrays, self._fraction = arrays, fraction

    def __getitem__(self, item: str) -> float:
        arrays = self._arrays
        n = arrays.numbers.get(item, -1)
        if not arrays.components <= n < arrays.size:
            raise KeyError(item)
        return float(self._fraction[n])

    def __iter__(self) -> Iterator[str]:
        arrays = self._arrays
        return iter(arrays.ids[arrays.components : arrays.size])

    def __len__(self) -> int:
        return self._arrays.size - self._arrays.components
