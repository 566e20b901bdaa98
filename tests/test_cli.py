"""The CLI contract: commands, options, output shapes, exit codes and error messages."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from graphlib_trade.cli import cli
from tests.helpers import basic, bom, company, component, licence, supply

HUAWEI = str(Path(__file__).parent.parent / "fixtures" / "huawei_2019.yaml")


def write(tmp_path: Path, sections: Any, name: str = "d.yaml") -> str:
    p = tmp_path / name
    p.write_text(yaml.safe_dump(sections))
    return str(p)


def run(*args: str) -> Any:
    return CliRunner().invoke(cli, list(args))


def whatif_changes(*args: str) -> Any:
    r = run("whatif", *args, "--format", "json")
    assert r.exit_code == 0, r.output
    return json.loads(r.output)["changes"]


class TestImpact:
    def test_json_contract(self) -> None:
        r = run("impact", "--data", HUAWEI, "--as-of", "2019-05-20", "--format", "json")
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        assert out["as_of"] == "2019-05-20"
        products = {p["id"]: p for p in out["products"]}
        assert products["mate-20-pro"]["status"] == "at_risk"
        assert products["mate-20-pro"]["relies_on"] == ["tgl-2019-05"]
        assert {u["id"]: u["status"] for u in out["end_users"]}["bt"] == "at_risk"

    def test_as_of_defaults_to_today(self) -> None:
        out = json.loads(run("impact", "--data", HUAWEI, "--format", "json").output)
        assert out["as_of"] == dt.date.today().isoformat()

    def test_ignore_licences(self) -> None:
        r = run(
            "impact",
            "--data",
            HUAWEI,
            "--as-of",
            "2019-05-20",
            "--ignore-licences",
            "--format",
            "json",
        )
        products = {p["id"]: p["status"] for p in json.loads(r.output)["products"]}
        assert products["mate-20-pro"] == "exposed"

    def test_csv(self) -> None:
        r = run("impact", "--data", HUAWEI, "--as-of", "2019-05-17", "--format", "csv")
        rows = list(csv.DictReader(io.StringIO(r.output)))
        by_id = {row["id"]: row for row in rows}
        assert by_id["p30-pro"]["status"] == "blocked"
        assert "qorvo" in by_id["p30-pro"]["suppliers"].split(";")
        assert by_id["bt"]["type"] == "end_user" and by_id["bt"]["via"] == "ran-4g-installed"

    def test_table_reads_at_a_glance(self) -> None:
        r = run("impact", "--data", HUAWEI, "--as-of", "2019-05-20")
        assert r.exit_code == 0
        lines = r.output.splitlines()
        header = next(line for line in lines if "STATUS" in line and "PRODUCT" in line)
        for column in ("MAKER", "WHY", "RESTRICTION", "SUPPLIER", "LICENCES"):
            assert column in header
        mate20 = next(line for line in lines if "mate-20-pro" in line)
        assert mate20.split()[0] == "at_risk" and "tgl-2019-05" in mate20
        # worst first
        words = {"blocked", "exposed", "degraded", "at_risk", "ok"}
        rows = [
            line.split()[0]
            for line in lines[lines.index(header) + 2 :]
            if line.split()[:1] and line.split()[0] in words
        ]
        assert rows[:11] == ["blocked"] * 4 + ["exposed"] + ["degraded"] * 2 + ["at_risk"] * 2 + ["ok"] * 2
        assert "Products: 4 blocked, 1 exposed, 2 degraded, 2 at_risk, 2 ok." in r.output


class TestWhatIf:
    def test_restrict(self) -> None:
        r = run(
            "whatif",
            "--data",
            HUAWEI,
            "--as-of",
            "2019-05-10",
            "--restrict",
            "huawei",
            "--format",
            "json",
        )
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        assert out["as_of"] == "2019-05-10"
        changes = {c["id"]: (c["before"], c["after"]) for c in out["changes"]["products"]}
        # As the real listing of 16 May (HiSilicon is caught as a 100% affiliate), before any licence.
        assert changes == {
            "mate-20-pro": ("ok", "exposed"),
            "p30-pro": ("ok", "blocked"),
            "mate-30-pro": ("ok", "degraded"),
            "matebook-x-pro-2018": ("ok", "exposed"),
            "matebook-x-pro-2019": ("ok", "blocked"),
            "fusionserver-2288h": ("ok", "blocked"),
            "ran-4g-installed": ("ok", "exposed"),
            "ran-5g-aau-2019": ("ok", "blocked"),
            "ran-5g-aau-usfree": ("ok", "degraded"),
        }
        users = {c["id"] for c in out["changes"]["end_users"]}
        assert users == {
            "mate20-owners-eu",
            "p30-buyers-eu",
            "mate30-buyers-eu",
            "laptop-fleet-uk",
            "vodafone-uk",
            "bt",
            "china-mobile",
        }

    def test_grant(self, tmp_path: Path) -> None:
        data = write(tmp_path, basic())
        assert whatif_changes("--data", data, "--as-of", "2019-06-01", "--grant", "us:chip:cn")[
            "products"
        ] == [{"id": "phone", "name": "phone", "before": "blocked", "after": "at_risk"}]

    def test_grant_for_another_recipient_changes_nothing(self, tmp_path: Path) -> None:
        data = write(tmp_path, basic())
        changes = whatif_changes("--data", data, "--as-of", "2019-06-01", "--grant", "*:*:us")
        assert changes == {"products": [], "end_users": []}

    def test_drop_supplier(self, tmp_path: Path) -> None:
        sections = basic(
            companies=[company("kr", "KR")],
            components=[component("chip-kr", "KR")],
            supplies=[supply("kr", "chip-kr")],
        )
        sections["bom"] = [bom("phone", "chip", alternatives=["chip-kr"])]
        sections["restrictions"] = []
        data = write(tmp_path, sections)
        assert whatif_changes("--data", data, "--drop-supplier", "us")["products"] == []
        both = whatif_changes("--data", data, "--drop-supplier", "us", "--drop-supplier", "kr")
        assert both["products"][0]["after"] == "blocked"

    def test_no_change(self) -> None:
        changes = whatif_changes("--data", HUAWEI, "--as-of", "2019-05-20")
        assert changes == {"products": [], "end_users": []}

    def test_table_and_csv(self, tmp_path: Path) -> None:
        data = write(tmp_path, basic(licences=[licence("L", "el")]))
        r = run("whatif", "--data", data, "--as-of", "2019-06-01", "--drop-supplier", "us")
        assert "phone" in r.output and "at_risk" in r.output and "blocked" in r.output and "worse" in r.output
        r = run(
            "whatif",
            "--data",
            data,
            "--as-of",
            "2019-06-01",
            "--drop-supplier",
            "us",
            "--format",
            "csv",
        )
        assert r.output.splitlines() == [
            "type,id,name,before,after",
            "product,phone,phone,at_risk,blocked",
        ]

    @pytest.mark.parametrize(
        ("args", "message"),
        [
            (["--restrict", "nobody"], "--restrict: unknown company 'nobody'"),
            (["--grant", "us:chip"], "--grant: expected SUPPLIER:COMPONENT:RECIPIENT"),
            (
                ["--grant", "us:nothing:cn"],
                "--grant us:nothing:cn: unknown component or product 'nothing'",
            ),
            (["--drop-supplier", "chip"], "--drop-supplier: unknown company 'chip'"),
        ],
    )
    def test_bad_changes(self, tmp_path: Path, args: list[str], message: str) -> None:
        r = run("whatif", "--data", write(tmp_path, basic()), *args)
        assert r.exit_code == 2
        assert message in r.output


class TestBadInput:
    """One clear message naming file, entry and value; non-zero exit; no traceback."""

    @pytest.mark.parametrize(
        ("content", "expected"),
        [
            ("companies: [\n", "is not valid YAML or JSON"),
            ("- just\n- a list\n", "the top level must be a mapping"),
            (
                {"ownership": [{"owner": "us", "owned": "cn", "share": 2}]},
                "ownership[0] (owner 'us', owned 'cn'): share:",
            ),
            (
                {"restrictions": [{"id": "x", "targets": ["cn"], "effective_from": "2019-13-01"}]},
                "restrictions[1] 'x': effective_from:",
            ),
            (
                {"licences": [{"id": "L", "restriction": "nope", "valid_from": "2019-01-01"}]},
                "licences[0] 'L': restriction: unknown restriction 'nope'",
            ),
            (
                {"companies": [{"id": "us", "name": "again", "country": "US"}]},
                "companies[2] 'us': duplicate id 'us'",
            ),
            ({"uses": [{"user": "ghost", "product": "phone"}]}, "unknown end user 'ghost'"),
        ],
    )
    def test_message(self, tmp_path: Path, content: Any, expected: str) -> None:
        p = tmp_path / "bad.yaml"
        if isinstance(content, str):
            p.write_text(content)
        else:
            sections = basic()
            for key, rows in content.items():
                sections[key] = sections.get(key, []) + rows
            p.write_text(yaml.safe_dump(sections))
        r = CliRunner().invoke(cli, ["impact", "--data", str(p)])
        assert r.exit_code == 2
        assert r.output.startswith(f"graphlib-trade: error: {p}: ")
        assert expected in r.output
        assert "Traceback" not in r.output

    def test_cycle_names_file_and_components(self, tmp_path: Path) -> None:
        sections = basic(
            components=[component("a")],
            supplies=[supply("us", "a")],
            bom=[bom("a", "chip"), bom("chip", "a")],
        )
        data = write(tmp_path, sections)
        r = run("impact", "--data", data)
        assert r.exit_code == 3
        assert f"{data}: the bill of materials has a cycle: " in r.output

    def test_bad_date_option(self) -> None:
        r = run("impact", "--data", HUAWEI, "--as-of", "2019-02-30")
        assert r.exit_code == 2 and "expected an ISO date" in r.output

    def test_no_data_and_no_server(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
        r = run("impact")
        assert r.exit_code == 4 and "cannot reach Neo4j at bolt://127.0.0.1:1" in r.output

    def test_real_process_has_no_traceback(self, tmp_path: Path) -> None:
        p = tmp_path / "bad.json"
        p.write_text("{not json")
        proc = subprocess.run(
            [sys.executable, "-m", "graphlib_trade", "impact", "--data", str(p)],
            capture_output=True,
            text=True,
            check=False,
        )
        assert proc.returncode == 2
        assert proc.stdout == ""
        assert proc.stderr.count("\n") == 1 and "Traceback" not in proc.stderr
        assert f"{p}: is not valid JSON" in proc.stderr


class TestValidate:
    def test_ok(self) -> None:
        r = run("validate", HUAWEI)
        assert r.exit_code == 0 and ": ok (" in r.output and "40 components" in r.output


SCENARIOS = Path(__file__).parent.parent / "fixtures" / "scenarios"


class TestExplainCommand:
    def test_table_names_the_chain(self) -> None:
        r = run("explain", "skyworth-stb", "--data", HUAWEI, "--as-of", "2020-09-15")
        assert r.exit_code == 0, r.output
        assert "Why skyworth-stb" in r.output and "blocked" in r.output
        assert "tsmc -> tsmc-16nm-wafer -> hisilicon" in r.output
        assert "path: tsmc-16nm-wafer -> hi3798-stb -> skyworth-stb" in r.output

    def test_json_and_unknown_item(self) -> None:
        r = run("explain", "bt", "--data", HUAWEI, "--as-of", "2020-09-15", "--format", "json")
        assert r.exit_code == 0
        data = json.loads(r.output)
        assert (data["kind"], data["status"], [p["id"] for p in data["products"]]) == (
            "end_user", "exposed", ["ran-4g-installed"],
        )  # fmt: skip
        bad = run("explain", "nope", "--data", HUAWEI)
        assert bad.exit_code == 3 and "unknown product or end user 'nope'" in bad.output

    def test_de_minimis_arithmetic_is_shown(self) -> None:
        data = str(Path(HUAWEI).parent / "small" / "de_minimis.yaml")
        r = run("explain", "phone-b", "--data", data, "--as-of", "2020-06-01")
        assert "= 35 / 100 = 35.0%" in r.output and "= 15 / 50 = 30.0%" in r.output

    @pytest.mark.parametrize("fmt", ["dot", "mermaid"])
    def test_picture_text_formats(self, fmt: str) -> None:
        r = run("explain", "skyworth-stb", "--data", HUAWEI, "--as-of", "2020-09-15", "--format", fmt)
        assert r.exit_code == 0 and "tsmc-16nm-wafer" in r.output
        assert r.output.startswith("digraph" if fmt == "dot" else "---")


class TestRankCommand:
    def test_suppliers_table_and_csv(self) -> None:
        r = run("rank", "suppliers", "--data", HUAWEI, "--as-of", "2019-06-01", "--top", "3")
        assert r.exit_code == 0 and "showing 3 of 26" in r.output
        rows = list(
            csv.DictReader(
                io.StringIO(
                    run(
                        "rank", "components", "--data", HUAWEI, "--as-of", "2019-06-01", "--format", "csv"
                    ).output
                )
            )
        )
        first = rows[0]
        assert (first["id"], first["sources"]) == ("arm-v8-ip", "1")

    def test_bad_kind(self) -> None:
        r = run("rank", "people", "--data", HUAWEI)
        assert r.exit_code == 2 and "people" in r.output


class TestTimelineCommand:
    def test_events_and_warnings(self) -> None:
        r = run("timeline", "--data", HUAWEI, "--format", "json")
        data = json.loads(r.output)
        assert [e["date"] for e in data["events"]][:2] == ["2019-05-16", "2019-05-20"]
        table = run("timeline", "--data", HUAWEI, "--from", "2019-05-01", "--to", "2019-12-31").output
        assert "mate-20-pro relies on tgl-2019-05: expires in 91 days (2019-08-19)" in table
        assert "2020-09-15" not in table

    def test_to_before_from(self) -> None:
        r = run("timeline", "--data", HUAWEI, "--from", "2020-01-02", "--to", "2020-01-01")
        assert r.exit_code == 2 and "before --from" in r.output


class TestScenarioCommands:
    def test_whatif_scenario_file(self) -> None:
        r = run(
            "whatif",
            "--data",
            HUAWEI,
            "--scenario",
            str(SCENARIOS / "no_fdpr_second_source.yaml"),
            "--format",
            "json",
        )
        assert r.exit_code == 0, r.output
        data = json.loads(r.output)
        assert data["as_of"] == "2020-09-15"  # the scenario's own date
        assert {c["id"]: c["after"] for c in data["changes"]["products"]} == {
            "mate-30-pro": "degraded", "ran-5g-aau-usfree": "degraded",
            "skyworth-stb": "ok", "taishan-200": "ok",
        }  # fmt: skip

    def test_bad_scenario_names_the_file(self, tmp_path: Path) -> None:
        bad = write(tmp_path, {"name": "x", "remove": {"licences": ["nope"]}}, "s.yaml")
        r = run("whatif", "--data", HUAWEI, "--scenario", bad)
        assert r.exit_code == 2
        assert r.output.strip() == f"graphlib-trade: error: {bad}: remove.licences[0]: unknown licence 'nope'"

    def test_diff(self) -> None:
        a, b = str(SCENARIOS / "google_licence.yaml"), str(SCENARIOS / "tgl_extended.yaml")
        rows = list(
            csv.DictReader(io.StringIO(run("diff", a, b, "--data", HUAWEI, "--format", "csv").output))
        )
        assert [(r["id"], r["baseline"], r["a"], r["b"]) for r in rows] == [
            ("ran-4g-installed", "exposed", "exposed", "at_risk"),
            ("bt", "exposed", "exposed", "at_risk"),
        ]

    def test_diff_dates_must_agree(self, tmp_path: Path) -> None:
        a = write(tmp_path, {"name": "a", "as_of": "2020-01-01"}, "a.yaml")
        b = write(tmp_path, {"name": "b", "as_of": "2020-02-01"}, "b.yaml")
        r = run("diff", a, b, "--data", HUAWEI)
        assert r.exit_code == 2 and "choose one with --as-of" in r.output
        assert run("diff", a, b, "--data", HUAWEI, "--as-of", "2020-01-01").exit_code == 0

    @pytest.mark.skipif(shutil.which("dot") is None and os.environ.get("CI") != "true", reason="no Graphviz")
    def test_html_report_is_one_self_contained_file(self, tmp_path: Path) -> None:
        out = tmp_path / "report.html"
        scenario = str(SCENARIOS / "no_fdpr_second_source.yaml")
        r = run("whatif", "--data", HUAWEI, "--scenario", scenario, "--format", "html", "-o", str(out))
        assert r.exit_code == 0 and f"Wrote {out}" in r.output
        page = out.read_text()
        assert page.startswith("<!DOCTYPE html>") and "<svg" in page
        assert "No FDPR; Lumentum qualified for the TaiShan server" in page
        assert "Timeline" in page and "What changes" in page
        assert not re.search(r'(src|href)="(https?:)?//', page)  # nothing fetched from elsewhere

    @pytest.mark.parametrize(("fmt", "after", "timeline"), [("json", False, False), ("table", False, False),
                                                            ("csv", False, False), ("dot", True, False),
                                                            ("html", True, True)])  # fmt: skip
    def test_whatif_works_out_what_its_format_shows(
        self, fmt: str, after: bool, timeline: bool, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The full impact after the scenario and the timeline under it only for the formats that
        # show them (dot: the picture of the impact after; html: both); the others get the changes.
        import graphlib_trade.cli as cli_module

        asked: list[str] = []
        real_impact, real_timeline = cli_module.impact, cli_module.timeline
        monkeypatch.setattr(
            cli_module, "impact", lambda *a, **k: asked.append("after") or real_impact(*a, **k)
        )
        monkeypatch.setattr(
            cli_module, "timeline", lambda *a, **k: asked.append("timeline") or real_timeline(*a, **k)
        )
        r = run("whatif", "--data", HUAWEI, "--as-of", "2019-06-01", "--restrict", "tsmc", "--format", fmt)
        assert r.exit_code == 0 or (fmt == "html" and "dot" in r.output)
        assert asked == ["after"] * after + ["timeline"] * timeline


class TestOutputFiles:
    @pytest.mark.parametrize(
        "args",
        [
            ["impact", "--data", HUAWEI, "--as-of", "2019-05-20", "--format", "json"],
            ["whatif", "--data", HUAWEI, "--as-of", "2019-05-20", "--restrict", "google"],
            ["generate", "--nodes", "50"],
        ],
        ids=["impact", "whatif", "generate"],
    )
    def test_an_unwritable_output_is_one_error_of_the_output_layer(
        self, tmp_path: Path, args: list[str]
    ) -> None:
        # The folder the output should go into does not exist: every command says so the same way.
        out = tmp_path / "no-such-folder" / "out.json"
        flag = "--out" if args[0] == "generate" else "-o"
        r = run(*args, flag, str(out))
        assert r.exit_code == 5, r.output
        assert f"graphlib-trade: error: {out}: cannot write: No such file or directory" in r.output
        assert not out.parent.exists()

    def test_csv_folder_over_a_stranger_is_refused(self, tmp_path: Path) -> None:
        out = tmp_path / "data"
        out.mkdir()
        (out / "mine.txt").write_text("keep")
        r = run("generate", "--nodes", "50", "--out", str(out))
        assert r.exit_code == 5 and "holds other files (mine.txt); refusing to replace it" in r.output
        assert sorted(p.name for p in out.iterdir()) == ["mine.txt"]


class TestServerStatus:
    def test_password_file_is_named_never_shown(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setenv("GRAPHLIB_TRADE_NEO4J_HOME", str(tmp_path))
        monkeypatch.setenv("GRAPHLIB_TRADE_NEO4J_INSTANCE", "run-x")
        r = run("server", "status", "--password-file")
        assert (r.exit_code, r.output) == (0, f"{tmp_path / 'run-x' / 'password'}\n")


class TestHugePages:
    """A command turns off numpy's huge pages (see ``cli._small_pages``), unless the user's
    ``NUMPY_MADVISE_HUGEPAGE`` says otherwise."""

    # main ends the process with os._exit: the probe says what numpy has just before.
    PROBE = (
        "import os; from numpy._core import multiarray as m; end = os._exit; "
        "os._exit = lambda code: (os.write(1, str(m._get_madvise_hugepage()).encode()), end(code)); "
        "from graphlib_trade.cli import main; main()"
    )

    def run(self, env: dict[str, str]) -> str:
        done = subprocess.run(
            [sys.executable, "-c", self.PROBE, "--version"],
            capture_output=True,
            text=True,
            env=env,
            check=True,
        )
        return done.stdout.splitlines()[-1]

    def test_off_for_a_command(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
        assert self.run(env) == "False"

    def test_the_users_variable_wins(self) -> None:
        env = {k: v for k, v in os.environ.items() if k != "NUMPY_MADVISE_HUGEPAGE"}
        assert self.run({**env, "NUMPY_MADVISE_HUGEPAGE": "1"}) == "True"


class TestMain:
    """``main`` ends the process at once (``os._exit``): the answer flushed, the exit code kept."""

    def test_the_whole_answer_reaches_a_pipe(self, tmp_path: Path) -> None:
        args = ["impact", "--data", HUAWEI, "--as-of", "2019-09-01", "--format", "json"]
        env = {**os.environ, "GRAPHLIB_TRADE_SNAPSHOTS": "0"}
        done = subprocess.run(
            [sys.executable, "-m", "graphlib_trade", *args],
            capture_output=True,
            text=True,
            env=env,
            check=False,
        )
        assert done.returncode == 0
        assert done.stdout == CliRunner().invoke(cli, args).output  # every byte, as in process

    def test_exit_codes(self) -> None:
        from graphlib_trade.cli import _exit_code

        assert [_exit_code(SystemExit(c)) for c in (None, 0, 2)] == [0, 0, 2]

    def test_a_message_as_exit_code_is_printed_and_gives_1(self, capsys: pytest.CaptureFixture[str]) -> None:
        from graphlib_trade.cli import _exit_code

        assert _exit_code(SystemExit("gone")) == 1
        assert capsys.readouterr().err == "gone\n"

    def test_an_answer_that_cannot_be_written_out_is_an_output_error(
        self, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
    ) -> None:
        import errno

        from graphlib_trade import cli as cli_module

        class Full(io.StringIO):
            def flush(self) -> None:
                raise OSError(errno.ENOSPC, "No space left on device")

        class Gone(io.StringIO):
            def flush(self) -> None:
                raise BrokenPipeError(errno.EPIPE, "Broken pipe")

        monkeypatch.setattr(sys, "stdout", Full())
        assert cli_module._flushed(0) == 5 and cli_module._flushed(2) == 2  # the first error stays
        assert "cannot write the answer" in capsys.readouterr().err
        monkeypatch.setattr(sys, "stdout", Gone())
        assert cli_module._flushed(0) == 0  # the reader left the pipe: no error
