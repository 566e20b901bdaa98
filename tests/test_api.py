"""The Python API: the CLI's questions from a notebook, answers as typed objects, dicts and rows."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
import yaml

from graphlib_trade import api
from graphlib_trade.models import ImpactResult, Status
from tests.helpers import LATER, basic, graph

ROOT = Path(__file__).resolve().parents[1]


def two_files(tmp_path: Path) -> tuple[Path, Path]:
    """basic() split: companies and the listing in one file, what is bought and built in the other."""
    s = basic()
    a, b = tmp_path / "a.yaml", tmp_path / "b.yaml"
    a.write_text(yaml.safe_dump({"companies": s["companies"], "restrictions": s["restrictions"]}))
    b.write_text(yaml.safe_dump({k: s[k] for k in ("components", "supplies", "products", "bom")}))
    return a, b


class TestLoadAndImpact:
    def test_several_sources_and_a_text_date(self, tmp_path: Path) -> None:
        # basic(): cn (listed by el from 2019-05-16) makes the phone from us's US chip: blocked.
        chain = api.load(*two_files(tmp_path))
        result = api.impact(chain, LATER.isoformat())
        assert isinstance(result, ImpactResult)
        assert [(p.id, p.status) for p in result.products] == [("phone", Status.BLOCKED)]
        assert api.to_dict(result)["products"][0]["status"] == "blocked"
        (row,) = api.records(result)
        assert (row["type"], row["id"], row["status"], row["restrictions"]) == (
            "product",
            "phone",
            "blocked",
            "el",
        )


class TestWhatif:
    def test_a_grant(self) -> None:
        # A licence for us's chip to cn lifts the one cause: the phone goes blocked -> at_risk.
        found = api.whatif(graph(**basic()), LATER, grant=["us:chip:cn"])
        assert [(c.id, c.before.value, c.after.value) for c in found.products] == [
            ("phone", "blocked", "at_risk")
        ]

    def test_a_restriction_from_the_as_of_date(self) -> None:
        # Restricting us (the chip's only supplier) as well changes nothing more: cn already
        # cannot get the chip (blocked before and after).
        found = api.whatif(graph(**basic()), LATER, restrict=["us"])
        assert found.products == ()


class TestExplain:
    def test_names_the_cause(self) -> None:
        explained = api.explain(graph(**basic()), "phone", LATER)
        assert explained.status is Status.BLOCKED
        assert explained.products[0].reasons[0].chains[0].cause.supplier == "us"
        with pytest.raises(TypeError, match="has no rows: use to_dict"):
            api.records(explained)


class TestScreen:
    def test_the_sample(self) -> None:
        # fixtures/imports/csl: seven exact matches (see tests/imports/test_csl_fixture.py).
        found = api.screen(
            ROOT / "fixtures/imports/csl/consolidated.json", ROOT / "fixtures/imports/csl/master.yaml"
        )
        assert sorted({m.id for m in found.matches if m.exact}) == [
            "avic-xian", "hisilicon", "huawei", "mmz", "sberbank", "smic", "zte",
        ]  # fmt: skip


class TestDataframe:
    def test_without_pandas_a_clear_message(self, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
        monkeypatch.setitem(sys.modules, "pandas", None)  # as if not installed
        result = api.impact(api.load(*two_files(tmp_path)), LATER)
        with pytest.raises(
            ImportError, match=r"needs pandas \(pip install pandas\); records\(\) gives the rows"
        ):
            api.dataframe(result)

    def test_with_pandas_the_rows(self, tmp_path: Path) -> None:
        pandas = pytest.importorskip("pandas")
        frame = api.dataframe(api.impact(api.load(*two_files(tmp_path)), LATER))
        assert isinstance(frame, pandas.DataFrame) and list(frame["id"]) == ["phone"]
