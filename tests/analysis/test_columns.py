"""The items' fields as columns (analysis/columns.py) against the rules read item by item."""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings

from graphlib_trade.analysis import SupplyChain
from graphlib_trade.analysis.columns import columns_of, kept_columns
from graphlib_trade.analysis.engine import subject_grounds, us_fractions_of
from graphlib_trade.analysis.passes import item_columns
from graphlib_trade.models import Dataset, Restriction
from tests.helpers import company, component, graph, supply
from tests.strategies import datasets


def rule(rid: str, **fields: object) -> Restriction:
    """A restriction with the model's defaults (origins US, 25% de minimis, every item)."""
    return Restriction.model_validate(
        {"id": rid, "targets": ["x"], "effective_from": dt.date(2019, 1, 1), **fields}
    )


class TestItemColumns:
    @settings(max_examples=300, deadline=None)
    @given(datasets)
    def test_subject_is_subject_grounds_of_every_item(self, ds: Dataset) -> None:
        # Every drawn restriction (origins, ECCN scopes, FDPR of every scope), and each again as
        # a what-if restriction with the model's defaults, against every item read one by one.
        chain = SupplyChain.from_dataset(ds)
        arrays = chain.arrays
        assert arrays is not None
        columns = columns_of(chain, us_fractions_of(chain))
        fractions = us_fractions_of(chain)
        tried = [*chain.restrictions.values(), rule("w")]
        for r in tried:
            for item, data in chain.items.items():
                expected = subject_grounds(data, r, fractions[item])
                assert columns.grounds(r, arrays.numbers[item]) == expected, (r.id, item)

    def test_by_hand(self) -> None:
        # chip: US origin, 3A090 -> subject by origin to a US-origin rule on every item; board: CN
        # origin, 20% US content, EAR99 -> subject only when the de minimis level is below 20%
        # and EAR99 is in scope; manual: public -> never.
        chain = graph(
            companies=[company("us")],
            components=[component("chip", eccn="3A090"),
                        component("board", "CN", us_content=0.2, eccn="EAR99"),
                        component("manual", publicly_available=True)],
            supplies=[supply("us", "chip"), supply("us", "board"), supply("us", "manual")],
        )  # fmt: skip
        assert chain.arrays is not None
        columns = columns_of(chain, us_fractions_of(chain))
        n = chain.arrays.numbers
        low = rule("low", de_minimis=0.1)
        ccl = rule("ccl", de_minimis=0.1, items="ccl")
        assert columns.grounds(low, n["chip"]) == (True, False)
        assert columns.grounds(low, n["board"]) == (True, False)  # 20% > 10%
        assert columns.grounds(ccl, n["board"]) == (False, False)  # EAR99 is not on the CCL
        assert columns.grounds(low, n["manual"]) == (False, False)

    def test_kept_columns_only_once_worked_out(self) -> None:
        chain = graph(
            companies=[company("us")], components=[component("chip")], supplies=[supply("us", "chip")]
        )
        assert chain.arrays is not None and kept_columns(chain) is None
        worked_out = item_columns(chain, chain.arrays)
        assert kept_columns(chain) is worked_out
