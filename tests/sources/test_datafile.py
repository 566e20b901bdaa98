from __future__ import annotations

import json
from pathlib import Path

import pytest

from graphlib_trade.errors import DataError
from graphlib_trade.files import write_text_atomic
from graphlib_trade.models import parse_dataset
from graphlib_trade.sources import dump_dataset, load_dataset, read_raw
from tests.helpers import basic

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"


class TestReadRaw:
    def test_yaml_dates_stay_text(self, tmp_path: Path) -> None:
        p = tmp_path / "d.yaml"
        p.write_text("restrictions: [{effective_from: 2019-05-16}]\n")
        assert read_raw(p) == {"restrictions": [{"effective_from": "2019-05-16"}]}

    def test_impossible_date_in_yaml_is_not_a_yaml_error(self, tmp_path: Path) -> None:
        p = tmp_path / "d.yaml"
        p.write_text("x: 2019-02-30\n")
        assert read_raw(p) == {"x": "2019-02-30"}

    def test_not_yaml(self, tmp_path: Path) -> None:
        p = tmp_path / "d.yaml"
        p.write_text("companies: [\n  {id: a\n")
        with pytest.raises(
            DataError, match=r"d\.yaml: is not valid YAML or JSON: .*\(line \d+, column \d+\)"
        ):
            read_raw(p)

    def test_not_json(self, tmp_path: Path) -> None:
        p = tmp_path / "d.json"
        p.write_text('{"companies": [}')
        with pytest.raises(DataError, match=r"d\.json: is not valid JSON: .*line 1"):
            read_raw(p)

    def test_binary(self, tmp_path: Path) -> None:
        p = tmp_path / "d.yaml"
        p.write_bytes(b"\x89PNG\r\n\x1a\n\x00garbage")
        with pytest.raises(DataError, match="not UTF-8"):
            read_raw(p)

    def test_missing(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="no such file"):
            read_raw(tmp_path / "nope.yaml")

    def test_duplicate_key(self, tmp_path: Path) -> None:
        p = tmp_path / "d.yaml"
        p.write_text("companies: []\ncompanies: []\n")
        with pytest.raises(DataError, match="duplicate key 'companies'"):
            read_raw(p)


class TestRoundTrip:
    @pytest.mark.parametrize("fmt", ["yaml", "json"])
    def test_dump_then_load(self, tmp_path: Path, fmt: str) -> None:
        ds = parse_dataset(basic(), "x")
        p = tmp_path / f"d.{fmt}"
        write_text_atomic(p, dump_dataset(ds, fmt))
        assert load_dataset(p) == ds

    def test_huawei_yaml_and_json_agree(self, tmp_path: Path) -> None:
        ds = load_dataset(FIXTURES / "huawei_2019.yaml")
        p = tmp_path / "h.json"
        p.write_text(json.dumps(ds.to_raw()))
        assert load_dataset(p) == ds


class TestWriteTextAtomic:
    def test_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        write_text_atomic(tmp_path / "a.txt", "hello")
        assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
        assert (tmp_path / "a.txt").read_text() == "hello"
