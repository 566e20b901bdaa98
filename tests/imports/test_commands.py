"""The import commands end to end: merged with the analyst's data, checked before writing."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from graphlib_trade.cli import cli
from graphlib_trade.sources import load_datasets

FTM = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "ftm" / "huawei_ownership.jsonl"


def run(*args: str) -> tuple[int, str]:
    r = CliRunner().invoke(cli, list(args))
    return r.exit_code, r.output


class TestImportFtm:
    def test_keeps_the_analysts_id_and_dates_honor(self, tmp_path: Path) -> None:
        # The analyst already has Huawei Technologies as 'huawei' (same name once normalised, CN):
        # the import keeps that id and writes no second company for it.  Honor: held by the holding
        # (honor-device) until the sale on 2020-11-17 (last day 2020-11-16), by Zhixin from 2020-11-17.
        data = tmp_path / "mine.yaml"
        data.write_text(
            yaml.safe_dump(
                {"companies": [{"id": "huawei", "name": "HUAWEI TECHNOLOGIES CO LTD", "country": "CN"}]}
            )
        )
        out = tmp_path / "owners.yaml"
        code, output = run("import", "ftm", str(FTM), "--data", str(data), "--out", str(out))
        assert code == 0, output
        ds = load_datasets([str(data), str(out)])
        assert "hw-tech" not in {c.id for c in ds.companies}
        assert ("huawei", "hisilicon") in {(o.owner, o.owned) for o in ds.ownership}
        held = [o for o in ds.ownership if o.owned == "honor-device"]
        honor = sorted((o.owner, str(o.valid_from), str(o.valid_until)) for o in held)
        assert honor == [("hw-holding", "None", "2020-11-16"), ("zhixin", "2020-11-17", "None")]

    def test_a_collision_with_the_data_names_both_files(self, tmp_path: Path) -> None:
        # The analyst's file uses the FtM id 'hw-holding' for another company (name differs).
        data = tmp_path / "mine.yaml"
        data.write_text(
            yaml.safe_dump({"companies": [{"id": "hw-holding", "name": "Another Co", "country": "CN"}]})
        )
        out = tmp_path / "owners.yaml"
        code, output = run("import", "ftm", str(FTM), "--data", str(data), "--out", str(out))
        assert code == 2
        assert (
            f"{FTM} -> {out} companies[0]: id 'hw-holding' is also {data} companies[0], which differs"
            in output
        )
        assert "name: 'Huawei Investment & Holding Co., Ltd.' vs 'Another Co'" in output
        assert not out.exists()  # nothing written

    def test_bad_input_names_the_line(self, tmp_path: Path) -> None:
        bad = tmp_path / "bad.jsonl"
        bad.write_text(
            '{"id": "a", "schema": "Company", "properties": {"name": ["A"], "country": ["cn"]}}\nnot json\n'
        )
        code, output = run("import", "ftm", str(bad), "--out", str(tmp_path / "o.yaml"))
        assert code == 2 and f"{bad}: line 2" in output and "Traceback" not in output
        assert not (tmp_path / "o.yaml").exists()


class TestImportCyclonedx:
    def test_what_was_left_out_is_said_before_the_check_fails(self, tmp_path: Path) -> None:
        # The library's valid-bom-1.6.json names software components without origin or supplier
        # country: they are left out (warned), so the BOM entries naming them fail the check.
        bom = Path(__file__).resolve().parents[2] / "fixtures/imports/cyclonedx/upstream/valid-bom-1.6.json"
        out = tmp_path / "bom.yaml"
        code, output = run("import", "cyclonedx", str(bom), "--out", str(out))
        assert code == 2 and not out.exists()
        warned = output.index("warning: component 'myframework@1.0.0'")
        failed = output.index("error:")
        assert warned < failed and "unknown component" in output[failed:]
