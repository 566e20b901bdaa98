"""Pictures: the subgraph drawn, its colours, and real renders by Graphviz."""

from __future__ import annotations

import datetime as dt
import os
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from graphlib_trade.analysis import SupplyChain, explain, impact
from graphlib_trade.errors import RenderError
from graphlib_trade.models import Status
from graphlib_trade.report import pictures
from graphlib_trade.sources import load_dataset
from tests.helpers import LATER, basic, graph

HUAWEI = SupplyChain.from_dataset(load_dataset("fixtures/huawei_2019.yaml"))
# `make test` installs Graphviz; under CI a missing dot fails instead of skipping.
needs_dot = pytest.mark.skipif(
    shutil.which("dot") is None and os.environ.get("CI") != "true", reason="Graphviz not installed"
)


def node_ids(dot: str) -> set[str]:
    return set(re.findall(r'^  "([^"]+)" \[label=', dot, re.M))


class TestImpactPicture:
    def test_ok_items_collapse_into_one_node_each(self) -> None:
        sections = basic(
            products=[{"id": "radio", "name": "radio", "maker": "us"}],
            end_users=[{"id": "a", "name": "A"}, {"id": "b", "name": "B"}],
            uses=[{"user": "a", "product": "phone"}, {"user": "b", "product": "radio"}],
        )
        pic = pictures.impact_picture(impact(graph(**sections), LATER))
        assert set(pic.nodes) == {
            "r:el", "c:cn", "i:chip", "p:phone", "u:a", "collapsed:products", "collapsed:end_users",
        }  # fmt: skip
        assert pic.nodes["collapsed:products"].label == "1 products ok"
        assert pic.nodes["i:chip"].label == "chip\\nfrom us"
        assert {(e.source, e.target, e.style) for e in pic.edges.values()} == {
            ("r:el", "c:cn", "solid"),
            ("c:cn", "i:chip", "dashed"),
            ("i:chip", "p:phone", "solid"),
            ("p:phone", "u:a", "solid"),
        }

    def test_status_colours_match_the_browser_style(self) -> None:
        grass = Path("cypher/browser/style.grass").read_text()
        for status, (fill, border, _) in pictures.STATUS_COLOURS.items():
            label = "Impact" + "".join(w.capitalize() for w in status.value.split("_"))
            block = grass[grass.index(f"node.{label} {{") :]
            block = block[: block.index("}")]
            assert f"color: {fill};" in block and f"border-color: {border};" in block, status

    def test_huawei_picture_stays_readable(self) -> None:
        dot = pictures.to_dot(pictures.impact_picture(impact(HUAWEI, dt.date(2020, 9, 15))))
        assert len(node_ids(dot)) <= 50
        blocked_fill = pictures.STATUS_COLOURS[Status.BLOCKED][0]
        assert re.search(
            rf'"p:p30-pro" \[label="p30-pro\\nblocked", shape=box, fillcolor="{blocked_fill}"', dot
        )

    def test_hostile_ids_are_quoted(self) -> None:
        pic = pictures.Picture('a "quoted" <title>')
        pic.node(pictures.PictureNode('x"; evil -> y [', 'x"; evil', "company"))
        dot = pictures.to_dot(pic)
        assert '"x\\"; evil -> y ["' in dot and "&lt;title&gt;" in dot


class TestMermaid:
    def test_classes_and_dashed_blocked_links(self) -> None:
        text = pictures.to_mermaid(pictures.impact_picture(impact(graph(**basic()), LATER)))
        assert text.splitlines()[3] == "flowchart LR"
        assert "classDef blocked fill:#E53935" in text
        assert re.search(r"n\d+ -\.-> n\d+", text)


@needs_dot
class TestGraphviz:
    def test_svg_has_one_group_per_node(self) -> None:
        pic = pictures.explain_picture(explain(HUAWEI, "china-mobile", dt.date(2020, 9, 15)))
        root = ET.fromstring(pictures.to_svg(pic))
        groups = [g for g in root.iter("{http://www.w3.org/2000/svg}g") if g.get("class") == "node"]
        assert len(groups) == len(pic.nodes)

    def test_png_renders(self, tmp_path: Path) -> None:
        png = pictures.to_png(pictures.impact_picture(impact(HUAWEI, dt.date(2019, 6, 1))))
        assert png[:8] == b"\x89PNG\r\n\x1a\n" and len(png) > 10_000

    def test_missing_graphviz_is_a_clear_error(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setattr(pictures.shutil, "which", lambda _: None)
        with pytest.raises(RenderError, match="needs Graphviz's 'dot' program"):
            pictures.to_svg(pictures.Picture("t"))
