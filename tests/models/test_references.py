"""A data file's references as numbers: one per distinct id string."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from graphlib_trade.models import Dataset
from graphlib_trade.models.references import References, objects, repeated, stable_order
from tests.helpers import basic, company, component


def refs_of(**extra: list[dict[str, object]]) -> References:
    return References(Dataset(**basic(**extra)))  # type: ignore[arg-type]


class TestReferences:
    def test_entries_numbered_by_section(self) -> None:
        # basic(): companies us, cn; component chip; product phone; no end users.
        refs = refs_of()
        assert refs.names == ["us", "cn", "chip", "phone"] and refs.unique
        assert (refs.start("components"), refs.start("products"), refs.start("end_users")) == (2, 3, 4)
        assert refs.numbers("companies").tolist() == [0, 1]

    def test_a_reference_to_no_entry_is_numbered_once_after_them(self) -> None:
        refs = refs_of()
        assert refs.of(["ghost", "chip", "ghost"]).tolist() == [4, 2, 4]
        assert refs.names[4] == "ghost" and "ghost" not in refs and "chip" in refs
        assert refs.one("chip") is refs.names[2] and refs.one("other") == "other"

    def test_is_in(self) -> None:
        refs = refs_of()
        found = refs.is_in(refs.of(["us", "chip", "phone", "ghost"]), "components", "products")
        assert found.tolist() == [False, True, True, False]

    def test_an_id_in_two_sections(self) -> None:
        # "us" is a company and a component: one number, in both sections.
        refs = refs_of(components=[component("us")])
        assert not refs.unique and refs.repeated_id == "us"
        us = refs.of(["us"])
        assert refs.is_in(us, "companies").tolist() == [True] and refs.is_in(us, "components").tolist() == [
            True
        ]
        assert refs.numbers("components").tolist() == [2, 0]  # chip, then us (numbered as a company)

    def test_no_entries(self) -> None:
        refs = References(Dataset())
        assert refs.is_in(refs.of(["ghost"]), "companies").tolist() == [False]

    def test_columns(self) -> None:
        refs = refs_of(companies=[company("kr", "KR")], supplies=[{"supplier": "kr", "component": "chip"}])
        supplier, supplied = refs.columns(Dataset(**basic()).supplies, "supplier", "component")
        assert supplier.tolist() == [0] and supplied.tolist() == [3]  # us, chip (kr is 2 here)


class TestRepeated:
    def test_later_equal_keys(self) -> None:
        assert repeated(np.array([4, 2, 4, 4, 1])).tolist() == [False, False, True, True, False]


class TestObjects:
    def test_tuples_stay_elements(self) -> None:
        found = objects([(), ("a", "b"), None])
        assert found.shape == (3,) and found[1] == ("a", "b")


class TestStableOrder:
    def test_by_hand(self) -> None:
        # keys 3 1 3 -2 1 at places 0..4: -2 (3), the 1s in place order (1, 4), the 3s (0, 2).
        assert stable_order(np.array([3, 1, 3, -2, 1])).tolist() == [3, 1, 4, 0, 2]

    def test_keys_too_wide_to_pair_with_their_places(self) -> None:
        # (max - min + 1) * n would overflow: the plain stable sort, the same order.
        keys = np.array([1 << 61, 0, 1 << 61, 5], dtype=np.int64)
        assert stable_order(keys).tolist() == [1, 3, 0, 2]

    @given(st.lists(st.integers(-5, 6), max_size=40))
    def test_as_sorted_by_key_then_place(self, keys: list[int]) -> None:
        expected = sorted(range(len(keys)), key=lambda i: (keys[i], i))
        assert stable_order(np.array(keys, dtype=np.int64)).tolist() == expected
