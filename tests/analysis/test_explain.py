"""Explain: chains from each cause to the item, on graphs checked by hand."""

from __future__ import annotations

import datetime as dt
import importlib
import json
import os
import subprocess
import sys
from pathlib import Path
from unittest import mock

import pytest
from hypothesis import given, settings

from graphlib_trade.analysis import SupplyChain, explain, impact
from graphlib_trade.errors import AnalysisError
from graphlib_trade.models import Cause, Dataset, Status
from graphlib_trade.sources import load_dataset
from tests.helpers import LATER, basic, bom, company, component, graph, licence, product, restriction, supply
from tests.strategies import datasets, days

# The module, not the function of the same name.
explain_module = importlib.import_module("graphlib_trade.analysis.explain")

HUAWEI = SupplyChain.from_dataset(load_dataset("fixtures/huawei_2019.yaml"))


class TestExplain:
    def test_unknown_item(self) -> None:
        with pytest.raises(AnalysisError, match="unknown product or end user 'nope'"):
            explain(graph(**basic()), "nope", LATER)

    def test_ok_product_has_nothing_to_explain(self) -> None:
        sections = basic()
        sections["restrictions"] = []
        p = explain(graph(**sections), "phone", LATER).products[0]
        assert (p.status, p.reasons, p.licensed, p.lift) == (Status.OK, (), (), None)

    def test_direct_chain(self) -> None:
        e = explain(graph(**basic()), "phone", LATER)
        (reason,) = e.products[0].reasons
        (chain,) = reason.chains
        assert (reason.kind, reason.what) == ("required", "chip")
        assert chain.cause == Cause(restriction="el", supplier="us", item="chip", buyer="cn")
        assert (chain.subject, chain.path, chain.ownership, chain.licences) == (
            "US origin",
            ("chip", "phone"),
            (),
            (),
        )

    def test_ownership_chain_from_the_target(self) -> None:
        # el lists 'parent'; parent owns 60% of 'sub', which owns 100% of the maker 'cn'.
        sections = basic(
            companies=[company("parent", "CN"), company("sub", "CN")],
            ownership=[
                {"owner": "parent", "owned": "sub", "share": 0.6},
                {"owner": "sub", "owned": "cn", "share": 1.0},
            ],
        )
        sections["restrictions"] = [restriction("el", ["parent"])]
        chain = explain(graph(**sections), "phone", LATER).products[0].reasons[0].chains[0]
        assert [(o.owner, o.owned, o.share) for o in chain.ownership] == [
            ("parent", "sub", 0.6),
            ("sub", "cn", 1.0),
        ]

    def test_deep_cause_walks_up_the_bom(self) -> None:
        # The listed 'cn' makes 'soc' from US 'ip'; a German maker's 'tv' needs the soc.
        sections = {
            "companies": [company("us"), company("cn", "CN"), company("de", "DE")],
            "components": [component("ip"), component("soc", "TW"), component("board", "DE")],
            "supplies": [supply("us", "ip"), supply("cn", "soc"), supply("de", "board")],
            "products": [product("tv", "de")],
            "bom": [bom("soc", "ip"), bom("board", "soc"), bom("tv", "board")],
            "restrictions": [restriction("el", ["cn"])],
        }
        p = explain(graph(**sections), "tv", LATER).products[0]
        (chain,) = p.reasons[0].chains
        assert chain.cause.buyer == "cn" and chain.path == ("ip", "soc", "board", "tv")
        assert p.lift == (Cause(restriction="el", supplier="us", item="ip", buyer="cn"),)

    def test_licences_on_file_with_their_state(self) -> None:
        sections = basic(
            licences=[
                licence("old", "el", "2019-05-16", valid_until="2019-05-20"),
                licence("now", "el", "2019-05-16", valid_until="2019-06-11", recipients=["cn"]),
                licence("later", "el", "2019-07-01"),
                licence("svc", "el", covers="services"),
            ]
        )
        p = explain(graph(**sections), "phone", LATER).products[0]
        assert p.status is Status.AT_RISK and p.reasons == ()
        (chain,) = p.licensed[0].chains
        states = {(lic.id, lic.state, lic.days_left) for lic in chain.licences}
        # 'svc' covers services only: not listed for a supply.  LATER is 2019-06-01: 10 days left.
        assert states == {("old", "expired", None), ("now", "valid", 10), ("later", "not_yet_valid", None)}

    def test_minimal_lift_keeps_one_of_two_alternatives(self) -> None:
        # chip or alt (both US, both blocked to cn): licensing either one is enough.
        sections = basic(components=[component("alt")], supplies=[supply("us", "alt")])
        sections["bom"] = [bom("phone", "chip", alternatives=["alt"])]
        p = explain(graph(**sections), "phone", LATER).products[0]
        assert len(p.reasons[0].chains) == 2
        assert p.lift is not None and len(p.lift) == 1

    def test_end_user_explains_its_products_worst_first(self) -> None:
        sections = basic(
            products=[{"id": "radio", "name": "radio", "maker": "cn"}],
            bom=[bom("radio", "chip", required=False)],
            end_users=[{"id": "shop", "name": "Shop"}],
            uses=[{"user": "shop", "product": "radio"}, {"user": "shop", "product": "phone"}],
        )
        e = explain(graph(**sections), "shop", LATER)
        assert e.kind == "end_user" and e.status is Status.BLOCKED
        assert [(p.id, p.status.value) for p in e.products] == [("phone", "blocked"), ("radio", "degraded")]

    def test_chains_that_differ_by_buyer_alone_come_in_one_order(self, tmp_path: Path) -> None:
        # cn1 and cn2 (both listed by el) each build the module from a US chip; oem's phone needs
        # the module, so both chains run chip -> module -> phone and differ by buyer alone: cn1
        # first, cn2 second, whatever the order of the sets they come from (hash seeds 0-3).
        data = {
            "companies": [company("us"), company("cn1", "CN"), company("cn2", "CN"), company("oem", "DE")],
            "components": [component("chip"), component("module", "CN")],
            "supplies": [supply("us", "chip"), supply("cn1", "module"), supply("cn2", "module")],
            "products": [product("phone", "oem")],
            "bom": [bom("phone", "module"), bom("module", "chip")],
            "restrictions": [restriction("el", ["cn1", "cn2"])],
        }
        (reason,) = explain(graph(**data), "phone", LATER).products[0].reasons
        assert [c.cause.buyer for c in reason.chains] == ["cn1", "cn2"]
        path = tmp_path / "data.json"
        path.write_text(json.dumps(data))
        outputs = {
            subprocess.run(
                [sys.executable, "-m", "graphlib_trade", "explain", "phone", "--data", str(path),
                 "--as-of", LATER.isoformat(), "--format", "json"],
                capture_output=True, text=True, check=True,
                env={**os.environ, "PYTHONHASHSEED": str(seed), "GRAPHLIB_TRADE_SNAPSHOTS": "0"},
            ).stdout
            for seed in range(4)
        }  # fmt: skip
        assert len(outputs) == 1


class TestHuawei:
    def test_skyworth_is_cut_off_through_tsmc_wafers_to_hisilicon(self) -> None:
        p = explain(HUAWEI, "skyworth-stb", dt.date(2020, 9, 15)).products[0]
        (chain,) = p.reasons[0].chains
        assert chain.cause == Cause(
            restriction="fdpr-huawei-2020",
            supplier="tsmc",
            item="tsmc-16nm-wafer",
            buyer="hisilicon",
            review_policy="denial",
        )
        assert chain.path == ("tsmc-16nm-wafer", "hi3798-stb", "skyworth-stb")
        assert "Foreign Direct Product Rule" in chain.subject
        assert p.lift == (chain.cause,)
        assert p.end_users == ("iptv-operators-cn",)

    def test_p30_needs_seven_licences_and_keeps_updates_under_the_tgl(self) -> None:
        p = explain(HUAWEI, "p30-pro", dt.date(2019, 6, 1)).products[0]
        # Six US parts with no second source, plus the optional GMS to be ok.
        assert p.lift is not None
        assert sorted(c.item for c in p.lift) == [
            "broadcom-wifi", "cirrus-audio", "corning-glass", "gms",
            "qorvo-rf-fe", "qualcomm-rf", "skyworks-rf-fe",
        ]  # fmt: skip
        assert [r.what for r in p.licensed] == ["security-updates from google"]
        (chain,) = p.licensed[0].chains
        assert (chain.licences[0].id, chain.licences[0].state) == ("tgl-2019-05", "valid")
        # Huawei Device is named in the May 2019 listing, as BIS named it: no ownership chain.
        assert (chain.party, chain.role, chain.ownership) == ("huawei-device", "buyer", ())

    def test_kirin_roll_up_shown(self) -> None:
        p = explain(HUAWEI, "mate-30-pro", dt.date(2020, 9, 15)).products[0]
        assert "kirin-990" in {u.component for u in p.us_content}


class TestOwnSubBom:
    """explain evaluates only the products' own sub-BOMs: the answers of the whole chain."""

    @settings(max_examples=150, deadline=None)
    @given(datasets, days)
    def test_equals_evaluating_everything(self, ds: Dataset, day: dt.date) -> None:
        chain = SupplyChain.from_dataset(ds)
        items = [*sorted(chain.products), *sorted(chain.end_users)]
        confined = [explain(chain, i, day) for i in items]
        everything = set(chain.items)
        with mock.patch.object(explain_module._Context, "_sub_bom", lambda self, pid: everything):
            assert [explain(chain.changed(), i, day) for i in items] == confined

    @settings(max_examples=150, deadline=None)
    @given(datasets, days)
    def test_statuses_are_impacts(self, ds: Dataset, day: dt.date) -> None:
        # Each product's and end user's status as impact reports it, licences and the end
        # user's own losses included (explain works them out from the sub-BOMs alone).
        found = impact(SupplyChain.from_dataset(ds), day)
        expected = {p.id: p.status for p in (*found.products, *found.end_users)}
        # A chain of its own for each, with no day kept: explain works out what is touched
        # inside the explained sub-BOMs alone.
        assert {i: explain(SupplyChain.from_dataset(ds), i, day).status for i in expected} == expected
