"""Reach of the restrictions in force: every product and end user a restricted party can touch.

The screening question an analyst asks first, before any rule: which products are
made by a restricted party, or hold anywhere in their bill of materials a part that
a restricted party makes (it can no longer buy its own inputs)?  And who uses them?
It ignores subject-matter, alternatives and licences, so it is a superset of what
:func:`~graphlib_trade.analysis.impact.impact` finds not ``ok`` because of a
restriction.  It is also the question the pure-Cypher peer of the benchmark answers.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np

from graphlib_trade.analysis.arrays import csr, reach_up
from graphlib_trade.analysis.chain import SupplyChain
from graphlib_trade.analysis.engine import parties_on
from graphlib_trade.models.references import Ids

_Bools = np.ndarray[Any, np.dtype[np.bool_]]


def active_restrictions(chain: SupplyChain, as_of: dt.date) -> dict[str, tuple[str, ...]]:
    """Each restriction in force on ``as_of`` and its restricted parties (rule 1)."""
    active = [r for r, data in sorted(chain.restrictions.items()) if data.active_on(as_of)]
    return {r: tuple(parties) for r, parties in parties_on(chain, active, as_of).items()}


def reach(chain: SupplyChain, as_of: dt.date) -> tuple[tuple[str, ...], tuple[str, ...]]:
    """Products and end users reachable from the parties restricted on ``as_of``.

    Restricted parties are those of the restrictions active on ``as_of`` (rule 1: named
    targets, parties located in a restriction's destinations, affiliates); a restricted end
    user is reached itself (what is delivered to it is caught).  From
    them the search follows ``SUPPLIES``, ``PART_OF`` and ``MAKES`` edges forward and
    ``USES`` edges backward (from a product to its end users).

    Parameters
    ----------
    chain : SupplyChain
        A supply chain (see :meth:`~graphlib_trade.analysis.chain.SupplyChain.from_dataset`).
    as_of : datetime.date
        The day the restriction windows are read on (inclusive).

    Returns
    -------
    products, end_users : tuple of str
        Sorted ids.

    Examples
    --------
    >>> import datetime as dt
    >>> from graphlib_trade.analysis.chain import listing_example
    >>> chain = listing_example()
    >>> reach(chain, dt.date(2019, 5, 16))
    (('phone',), ('carrier',))
    >>> reach(chain, dt.date(2019, 5, 15))
    ((), ())
    """
    down: _Downstream = chain.kept("reach rows", _rows)
    parties = {p for found in active_restrictions(chain, as_of).values() for p in found}
    seeds = np.asarray([down.position[p] for p in parties if p in down.position], dtype=np.int64)
    seen = reach_up(down.indptr, down.indices, seeds)
    ids = down.ids
    products = sorted(ids[i] for i in np.flatnonzero(seen & down.is_product))
    users = sorted(ids[i] for i in np.flatnonzero(seen & down.is_user))
    return tuple(products), tuple(users)


@dataclass(frozen=True)
class _Downstream:
    """The edges :func:`reach` follows, as CSR rows over node positions (kept with the chain)."""

    ids: list[str]
    position: dict[str, int]
    indptr: Ids
    indices: Ids
    is_product: _Bools
    is_user: _Bools


def _rows(chain: SupplyChain) -> _Downstream:
    """The edges reach follows: supplier -> component -> parent, maker -> product -> end user."""
    ids = [*chain.companies, *chain.components, *chain.products, *chain.end_users]
    position = {n: i for i, n in enumerate(ids)}
    rows: list[int] = []
    cols: list[int] = []

    def edges(pairs: Any) -> None:
        for u, v in pairs:
            rows.append(position[u])
            cols.append(position[v])

    edges((s, c) for s, comps in chain.supplies_of.items() for c in comps)
    edges((line.component, parent) for parent, lines in chain.bom.items() for line in lines)
    edges((p.maker, p.id) for p in chain.products.values())
    edges((p, user) for user, used in chain.uses.items() for p in used)  # reached with the product
    indptr, indices = csr(len(ids), np.asarray(rows, dtype=np.int64), np.asarray(cols, dtype=np.int64))
    first_product = len(chain.companies) + len(chain.components)
    first_user = first_product + len(chain.products)
    is_product = np.zeros(len(ids), dtype=bool)
    is_product[first_product:first_user] = True
    is_user = np.zeros(len(ids), dtype=bool)
    is_user[first_user:] = True
    return _Downstream(
        ids=ids, position=position, indptr=indptr, indices=indices, is_product=is_product, is_user=is_user
    )
