from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from graphlib_trade.errors import DataError
from graphlib_trade.files import write_text_atomic
from graphlib_trade.models import Dataset, parse_dataset
from graphlib_trade.sources import dump_dataset, load_dataset, read_raw
from graphlib_trade.sources.datafile import load_data_file
from tests.helpers import basic
from tests.strategies import raw_datasets

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


class TestLoadDataFile:
    """A JSON file is validated from its text; what it gives must be what the general way gives."""

    @settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(raw=raw_datasets())
    def test_json_text_equals_the_general_way(self, tmp_path: Path, raw: dict[str, Any]) -> None:
        p = tmp_path / "d.json"
        p.write_text(json.dumps(raw, ensure_ascii=False), encoding="utf-8")
        assert load_data_file(p) == parse_dataset(json.loads(p.read_text(encoding="utf-8")), str(p))

    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            # A bad value: the general way names the entry and the field.
            (
                '{"companies": [{"id": "a", "name": "A", "country": "usa"}]}',
                "companies[0] 'a': country: must be an ISO 3166 alpha-2 country code",
            ),
            # Valid entries, a reference to nothing: the fast way's own check says it.
            (
                '{"companies": [{"id": "a", "name": "A", "country": "US"}], '
                '"supplies": [{"supplier": "a", "component": "nothing"}]}',
                "supplies[0]",
            ),
            ("null", "is empty"),
            ('[{"id": "a"}]', "the top level must be a mapping of sections, got list"),
            # NaN where a number belongs: refused, and named as the general way names it.
            ('{"components": [{"id": "c", "name": "C", "origin": "US", "value": NaN}]}', "components[0] 'c'"),
            # A lone surrogate escape: pydantic's JSON parser refuses it, Python's json reads it
            # and validation names the entry.
            ('{"companies": [{"id": "a\\ud800", "name": "A", "country": "US"}]}', "companies[0] 'a"),
        ],
    )
    def test_problems_are_named_as_before(
        self, tmp_path: Path, text: str, expected: str, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        p = tmp_path / "d.json"
        p.write_text(text)
        with pytest.raises(DataError) as caught:
            load_data_file(p)

        def refused(*args: object, **kwargs: object) -> Dataset:
            raise ValueError("the fast way, turned off")

        monkeypatch.setattr(Dataset, "model_validate_json", refused)
        with pytest.raises(DataError) as general:  # the general way alone: Python's json, then validation
            load_data_file(p)
        assert str(caught.value) == str(general.value)
        assert expected in str(caught.value) and str(caught.value).startswith(str(p))


class TestWriteTextAtomic:
    def test_leaves_no_temporary_file(self, tmp_path: Path) -> None:
        write_text_atomic(tmp_path / "a.txt", "hello")
        assert [p.name for p in tmp_path.iterdir()] == ["a.txt"]
        assert (tmp_path / "a.txt").read_text() == "hello"
