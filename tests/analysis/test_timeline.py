"""Timeline: window dates, status changes and expiry warnings, by hand."""

from __future__ import annotations

import datetime as dt

import pytest

from graphlib_trade.analysis import SupplyChain, timeline
from graphlib_trade.sources import load_dataset
from tests.helpers import basic, bom, company, component, graph, licence, product, restriction, supply

D = dt.date


class TestTimeline:
    def test_empty_graph(self) -> None:
        tl = timeline(graph(), D(2020, 1, 1), D(2020, 12, 31))
        assert tl.events == () and tl.expiries == ()

    def test_end_before_start(self) -> None:
        with pytest.raises(ValueError, match="ends"):
            timeline(graph(), D(2020, 2, 1), D(2020, 1, 1))

    def test_window_start_and_the_day_after_its_end(self) -> None:
        sections = basic()
        sections["restrictions"] = [restriction("el", ["cn"], "2019-05-16", effective_until="2019-06-30")]
        tl = timeline(graph(**sections))
        assert tl.start == D(2019, 5, 15) and tl.end == D(2019, 7, 1)
        assert [
            (e.date, e.what, [(c.id, c.before.value, c.after.value) for c in e.products]) for e in tl.events
        ] == [
            (D(2019, 5, 16), ("restriction el starts",), [("phone", "ok", "blocked")]),
            (D(2019, 7, 1), ("restriction el ended (last day 2019-06-30)",), [("phone", "blocked", "ok")]),
        ]

    def test_dates_with_no_change_are_left_out(self) -> None:
        # The licence is for another recipient: it changes nothing.
        sections = basic(licences=[licence("l", "el", "2019-06-01", recipients=["us"])])
        assert [e.date for e in timeline(graph(**sections)).events] == [D(2019, 5, 16)]

    def test_period_bounds_are_inclusive_of_the_end(self) -> None:
        sections = basic(licences=[licence("l", "el", "2019-06-01", valid_until="2019-06-10")])
        tl = timeline(graph(**sections), D(2019, 5, 20), D(2019, 6, 1))
        assert [e.date for e in tl.events] == [D(2019, 6, 1)]
        assert tl.initial.products[0].status.value == "blocked"

    def test_expiry_warning_counts_days(self) -> None:
        sections = basic(licences=[licence("l", "el", "2019-06-01", valid_until="2019-06-10")])
        tl = timeline(graph(**sections), D(2019, 6, 3))
        assert [(x.product, x.licence, x.days_left) for x in tl.expiries] == [("phone", "l", 7)]
        (event,) = tl.events
        assert event.date == D(2019, 6, 11) and event.products[0].after.value == "blocked"

    def test_expiry_warnings_name_the_licences_of_the_path_taken_on_that_date(self) -> None:
        # el lists cn.  The phone needs p or, instead, k; the tablet needs q; all US, all bought
        # by cn.  lk covers k throughout; lp covers p and q from 2019-07-01.
        # 2019-06-01: p blocked, k licensed -> phone at_risk relying on lk; tablet blocked.
        # 2019-07-01: p licensed -> phone at_risk relying on lp only (p comes first, k is no
        # longer needed); tablet at_risk on lp.  The event's warnings: phone lp, tablet lp.
        sections = {
            "companies": [company("us1"), company("us2"), company("cn", "CN")],
            "components": [component("p"), component("k"), component("q")],
            "supplies": [supply("us1", "p"), supply("us2", "k"), supply("us1", "q")],
            "products": [product("phone", "cn"), product("tablet", "cn")],
            "bom": [bom("phone", "p", alternatives=["k"]), bom("tablet", "q")],
            "restrictions": [restriction("el", ["cn"])],
            "licences": [
                licence("lk", "el", components=["k"]),
                licence("lp", "el", "2019-07-01", components=["p", "q"]),
            ],
        }
        tl = timeline(graph(**sections), D(2019, 6, 1), D(2019, 8, 1))
        assert [(x.product, x.licence) for x in tl.expiries] == [("phone", "lk")]
        (event,) = tl.events
        assert event.date == D(2019, 7, 1)
        assert [(c.id, c.before.value, c.after.value) for c in event.products] == [
            ("tablet", "blocked", "at_risk")
        ]
        assert [(x.product, x.licence) for x in event.expiries] == [("phone", "lp"), ("tablet", "lp")]


class TestHuawei:
    def test_the_dates_that_matter(self) -> None:
        tl = timeline(SupplyChain.from_dataset(load_dataset("fixtures/huawei_2019.yaml")))
        # The TGL renewals (2019-08-19, 2019-11-18, 2020-02-16) overlap: no status changes then.
        assert [e.date.isoformat() for e in tl.events] == [
            "2019-05-16", "2019-05-20", "2019-11-20", "2020-08-14", "2020-09-15",
        ]  # fmt: skip
        tgl = tl.events[1]
        assert {c.id: c.after.value for c in tgl.products} == {
            "mate-20-pro": "at_risk",
            "ran-4g-installed": "at_risk",
        }
        assert {(x.product, x.days_left) for x in tgl.expiries} == {
            ("mate-20-pro", 91),
            ("ran-4g-installed", 91),
        }
        fdpr = tl.events[-1]
        assert {c.id for c in fdpr.products} == {
            "mate-30-pro",
            "ran-5g-aau-usfree",
            "skyworth-stb",
            "taishan-200",
        }
