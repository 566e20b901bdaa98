"""De minimis roll-up: controlled US content by value, worked out by hand."""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
from hypothesis import given, settings

from graphlib_trade.analysis import SupplyChain, us_content
from graphlib_trade.analysis.engine import us_content_of, us_fractions_of
from graphlib_trade.errors import DataError
from graphlib_trade.models import Dataset
from graphlib_trade.sources import load_dataset
from tests.helpers import bom, company, component, dataset, graph, product, restriction, status_of, supply
from tests.strategies import datasets


def content(**sections: list[dict[str, Any]]) -> dict[str, Any]:
    G = graph(**sections)
    return us_content(G)


def board(*entries: dict[str, Any], **kw: Any) -> dict[str, list[dict[str, Any]]]:
    """A Taiwanese 'board' built from the given parts (all supplied by 'us')."""
    parts = {e["component"] for e in entries}
    comps = [component(p) for p in sorted(parts)]
    return {
        "companies": [company("us")],
        "components": [*comps, component("board", "TW", **kw)],
        "supplies": [supply("us", c["id"]) for c in [*comps, {"id": "board"}]],
        "bom": list(entries),
    }


class TestUsContent:
    def test_empty_graph(self) -> None:
        assert content() == {}

    def test_given_figure_wins(self) -> None:
        sections = board(bom("board", "dsp", value=90.0), us_content=0.05)
        c = content(**sections)["board"]
        assert (c.fraction, c.basis, c.terms) == (0.05, "given", ())

    def test_us_origin_counts_whole(self) -> None:
        assert content(**board())["board"].basis == "none"
        assert (
            content(companies=[company("us")], components=[component("dsp")], supplies=[supply("us", "dsp")])[
                "dsp"
            ].fraction
            == 1.0
        )

    def test_roll_up_over_sum_of_values(self) -> None:
        # 30 of US DSP in 30 + 70 (no value on the board): 30%.
        sections = board(bom("board", "dsp", value=30.0), bom("board", "case", value=70.0))
        sections["components"][0] = component("case", "JP")
        c = content(**sections)["board"]
        assert c.basis == "rolled_up" and c.denominator == 100.0
        assert c.fraction == pytest.approx(0.30)

    def test_roll_up_over_component_value(self) -> None:
        # 30 of US DSP in a board worth 200: 15%.
        sections = board(bom("board", "dsp", value=30.0), value=200.0)
        assert content(**sections)["board"].fraction == pytest.approx(0.15)

    def test_ear99_and_published_are_not_counted(self) -> None:
        sections = board(bom("board", "cable", value=50.0), bom("board", "sdk", value=50.0))
        sections["components"] = [
            component("cable", eccn="EAR99"),
            component("sdk", publicly_available=True),
            component("board", "TW"),
        ]
        c = content(**sections)["board"]
        assert c.fraction == 0.0
        assert [t.why for t in c.terms] == [
            "US origin, EAR99: not counted",
            "publicly available: not counted",
        ]

    def test_partial_values_are_a_data_error(self) -> None:
        with pytest.raises(
            DataError, match=r"entries of 'board' carry value on 1 of 2 entries \(none on bom\[1\]\)"
        ):
            dataset(**board(bom("board", "dsp", value=1.0), bom("board", "cpu")))

    def test_values_above_the_component_value_are_a_data_error(self) -> None:
        with pytest.raises(
            DataError, match=r"components\[1\] 'board': value: .* add up to 30, more than its value 20"
        ):
            dataset(**board(bom("board", "dsp", value=30.0), value=20.0))

    def test_fixture_by_hand(self) -> None:
        # See the header of fixtures/small/de_minimis.yaml.
        G = SupplyChain.from_dataset(load_dataset("fixtures/small/de_minimis.yaml"))
        c = us_content(G)
        assert {k: round(c[k].fraction, 6) for k in ("tw-chip", "module-a", "module-b", "module-c")} == {
            "tw-chip": 0.30,
            "module-a": 0.20,
            "module-b": 0.35,
            "module-c": 0.25,
        }
        assert c["module-b"].counted == pytest.approx(35.0)

    def test_huawei_kirin_rolls_up_to_ten_percent(self) -> None:
        # (5 x 0% Arm IP, UK origin + 20 x 20% TSMC wafer) / 40 = 4 / 40.
        G = SupplyChain.from_dataset(load_dataset("fixtures/huawei_2019.yaml"))
        c = us_content(G)["kirin-990"]
        assert (c.basis, c.denominator, c.fraction) == ("rolled_up", 40.0, pytest.approx(0.10))


class TestUsFractions:
    """The numbers the rules use: the full roll-up's fractions, without its terms."""

    def test_fixture_by_hand(self) -> None:
        # Same figures as TestUsContent.test_fixture_by_hand (fixtures/small/de_minimis.yaml).
        G = SupplyChain.from_dataset(load_dataset("fixtures/small/de_minimis.yaml"))
        f = us_fractions_of(G)
        assert {k: round(f[k], 6) for k in ("tw-chip", "module-a", "module-b", "module-c")} == {
            "tw-chip": 0.30,
            "module-a": 0.20,
            "module-b": 0.35,
            "module-c": 0.25,
        }

    def test_ear99_published_and_given(self) -> None:
        # cable (US, EAR99) and sdk (published) count 0; dsp (US) counts whole: 20 / (50+50+20).
        sections = board(
            bom("board", "cable", value=50.0),
            bom("board", "sdk", value=50.0),
            bom("board", "dsp", value=20.0),
        )
        sections["components"] = [
            component("cable", eccn="EAR99"),
            component("sdk", publicly_available=True),
            component("dsp"),
            component("board", "TW"),
        ]
        f = us_fractions_of(graph(**sections))
        assert f["board"] == pytest.approx(20 / 120)
        assert (f["cable"], f["sdk"], f["dsp"]) == (1.0, 1.0, 1.0)  # their own content: US origin

    @settings(max_examples=60, deadline=None)
    @given(ds=datasets)
    def test_equals_the_full_roll_up(self, ds: Dataset) -> None:
        G = SupplyChain.from_dataset(ds)
        full = us_content_of(G)
        assert us_fractions_of(G) == {item: full[item].fraction for item in G.items}


class TestRollUpDecidesSubjection:
    """Only US content strictly above the de minimis level makes a foreign item subject."""

    @pytest.mark.parametrize(("us_value", "expected"), [(25.0, "ok"), (25.01, "blocked")])
    def test_boundary(self, us_value: float, expected: str) -> None:
        sections = {
            "companies": [company("us"), company("jp", "JP"), company("cn", "CN")],
            "components": [
                component("dsp"),
                component("plate", "JP"),
                component("module", "JP", value=100.0),
            ],
            "supplies": [supply("us", "dsp"), supply("jp", "plate"), supply("jp", "module")],
            "products": [product("phone", "cn")],
            "bom": [
                bom("module", "dsp", value=us_value),
                bom("module", "plate", value=100.0 - us_value),
                bom("phone", "module"),
            ],
            "restrictions": [restriction("el", ["cn"])],
        }
        assert status_of(sections, "phone") == expected

    def test_fixture_statuses(self) -> None:
        from graphlib_trade.analysis import impact

        result = impact(
            SupplyChain.from_dataset(load_dataset("fixtures/small/de_minimis.yaml")), dt.date(2020, 6, 1)
        )
        assert {p.id: p.status.value for p in result.products} == {
            "phone-a": "ok",
            "phone-b": "blocked",
            "phone-c": "ok",
        }
