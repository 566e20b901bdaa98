"""The wheel: the query files ship inside it, and an installed wheel runs the server from any folder."""

from __future__ import annotations

import os
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

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


@pytest.mark.slow
class TestInstalledWheel:
    def test_server_install_and_status_from_another_folder(self, tmp_path: Path) -> None:
        """The built wheel in a fresh venv outside the checkout: the server's home is the user's data
        folder (here a fresh XDG_DATA_HOME), its pom.xml comes from the wheel, not from a checkout."""
        dist = tmp_path / "dist"
        subprocess.run(
            [sys.executable, "-m", "pip", "wheel", "--quiet", "--no-deps", "-w", str(dist), str(ROOT)],
            check=True,
            capture_output=True,
        )
        (wheel,) = dist.glob("graphlib_trade-*.whl")
        venv = tmp_path / "venv"
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        python = venv / "bin" / "python"
        subprocess.run(
            [str(python), "-m", "pip", "install", "--quiet", "--no-deps", "--no-index", str(wheel)],
            check=True,
        )
        # Its dependencies from this environment's site-packages (a path line: the editable
        # install's own .pth files there are not run, so graphlib_trade comes from the wheel).
        site = Path(sysconfig.get_paths()["purelib"])
        (venv_site,) = (venv / "lib").glob("python*/site-packages")
        (venv_site / "deps.pth").write_text(f"{site}\n")
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        env = {k: v for k, v in os.environ.items() if not k.startswith(("GRAPHLIB_TRADE_", "NEO4J_"))}
        env["XDG_DATA_HOME"] = str(tmp_path / "data")
        where = subprocess.run(
            [str(python), "-c", "import graphlib_trade; print(graphlib_trade.__file__)"],
            cwd=elsewhere, env=env, check=True, capture_output=True, text=True,
        )  # fmt: skip
        assert Path(where.stdout.strip()).is_relative_to(venv), where.stdout
        cli = venv / "bin" / "graphlib-trade"
        install = subprocess.run(
            [str(cli), "server", "install"], cwd=elsewhere, env=env, capture_output=True, text=True
        )
        home = tmp_path / "data" / "graphlib-trade" / "neo4j"
        assert install.returncode == 0, install.stderr
        assert install.stdout.strip() == f"Neo4j jars in {home / 'lib'}"
        assert (home / "pom.xml").is_file() and any((home / "lib").glob("neo4j-server-*.jar"))
        status = subprocess.run(
            [str(cli), "server", "status"], cwd=elsewhere, env=env, capture_output=True, text=True
        )
        assert (status.returncode, status.stdout.strip()) == (0, "Neo4j is not running")
