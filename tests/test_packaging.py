"""The query files are the one source of truth, and they ship inside the wheel."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).parent.parent


class TestWheel:
    def test_every_query_file_is_in_the_wheel(self, tmp_path: Path) -> None:
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(tmp_path), str(ROOT)],
            check=True,
            capture_output=True,
        )
        (wheel,) = tmp_path.glob("graphlib_trade-*.whl")
        names = set(zipfile.ZipFile(wheel).namelist())
        files = [p for p in (ROOT / "cypher").rglob("*") if p.suffix in (".cypher", ".grass")]
        assert len(files) > 30
        for path in files:
            assert f"graphlib_trade/cypher/{path.relative_to(ROOT / 'cypher').as_posix()}" in names, path
