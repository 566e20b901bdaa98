"""Malformed data files of every kind: one clear message naming the file and the entry, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from graphlib_trade.cli import cli
from tests.malformed import CASES


class TestMalformedFiles:
    @pytest.mark.parametrize("case", list(CASES))
    def test_clear_error_no_traceback(self, case: str, tmp_path: Path) -> None:
        make, words = CASES[case]
        path = make(tmp_path)
        r = CliRunner().invoke(cli, ["validate", str(path)])
        assert r.exit_code == 2, r.output
        assert isinstance(r.exception, SystemExit)
        assert r.output.startswith(f"graphlib-trade: error: {path}")
        assert words in r.output
        assert "Traceback" not in r.output

    def test_every_kind_is_tried(self) -> None:
        kinds = " ".join(CASES).lower()
        for kind in ("truncated", "number", "list", "utf-16", "latin-1", "huge", "csv", "deep", "bomb"):
            assert kind in kinds
