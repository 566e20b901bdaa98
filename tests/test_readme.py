"""The README's Python example runs as written, on the file the import writes today."""

from __future__ import annotations

import doctest
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graphlib_trade.cli import cli

ROOT = Path(__file__).resolve().parents[1]
CSL = ROOT / "fixtures" / "imports" / "csl"


class TestReadme:
    def test_the_python_example(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.chdir(ROOT)
        failed, attempted = doctest.testfile(
            str(ROOT / "README.md"), module_relative=False, optionflags=doctest.ELLIPSIS, verbose=False
        )
        assert attempted >= 5 and failed == 0

    def test_the_example_import_is_what_import_writes(self, tmp_path: Path) -> None:
        out = tmp_path / "listed.yaml"
        r = CliRunner().invoke(
            cli,
            [
                "import",
                "csl",
                str(CSL / "consolidated.json"),
                "--data",
                str(CSL / "master.yaml"),
                "--out",
                str(out),
            ],
        )
        assert r.exit_code == 0, r.output
        assert yaml.safe_load(out.read_text()) == yaml.safe_load((CSL / "listed.example.yaml").read_text())
