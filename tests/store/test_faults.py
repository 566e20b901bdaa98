"""Faults during a load: the Neo4j server SIGKILLed mid-load, a server that stays down, a dropped
connection the driver rides through.

These kill and restart a server, so they run on their own local instance
(``run-faults`` in the server's home, ports 7692/7479), never on the shared test server.  The load
under attack is a generated graph of 10,000 nodes sent in batches of 500, through the
real CLI in a subprocess, as an analyst would run it.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphlib_trade.files import write_text_atomic
from graphlib_trade.generate import generate
from graphlib_trade.sources import load_dataset
from graphlib_trade.store import Connection, LocalServer, Store, default_home
from tests.store.test_store import checksum, cypher, duplicate_counts, expected_counts, without_stamps

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

FAULT_SERVER = LocalServer(
    home=default_home(), bolt_port=7692, http_port=7479, heap="1g", pagecache="256m", instance="run-faults"
)
NODES = 10_000
BATCH = "500"
#: A guard against a hang, not a speed target: each CLI run must end well inside it.
HANG_GUARD = 300


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    FAULT_SERVER.stop()
    shutil.rmtree(FAULT_SERVER.run_dir, ignore_errors=True)
    FAULT_SERVER.start()
    try:
        yield FAULT_SERVER
    finally:
        FAULT_SERVER.stop()
        shutil.rmtree(FAULT_SERVER.run_dir, ignore_errors=True)


@pytest.fixture(scope="module")
def big_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    import json

    path = tmp_path_factory.mktemp("faults") / "big.json"
    write_text_atomic(path, json.dumps(generate(NODES, seed=7)))
    return path


def conn(server: LocalServer) -> Connection:
    return Connection(server.uri, "neo4j", server.password() or "", retry_seconds=5)


def env_for(server: LocalServer, retry: float) -> dict[str, str]:
    return {
        **os.environ,
        "NEO4J_URI": server.uri,
        "NEO4J_USER": "neo4j",
        "NEO4J_PASSWORD": server.password() or "",
        "GRAPHLIB_TRADE_RETRY_SECONDS": str(retry),
        "NO_COLOR": "1",
    }


def cli(*args: str) -> list[str]:
    return [sys.executable, "-m", "graphlib_trade", *args]


def journal(server: LocalServer) -> list[dict[str, Any]]:
    return cypher(
        conn(server),
        "MATCH (l:GraphlibTradeLoad) RETURN l.stamp AS stamp, l.state AS state, l.committed AS committed, "
        "l.rows AS rows, l.completed_by AS completed_by ORDER BY l.started",
    )


def kill_when_committed(server: LocalServer, proc: subprocess.Popen[str], rows: int) -> int:
    """SIGKILL the server once the running load has committed at least ``rows``; the rows then."""
    deadline = time.monotonic() + HANG_GUARD
    while time.monotonic() < deadline:
        assert proc.poll() is None, "the load ended before the server could be killed"
        entries = [e for e in journal(server) if e["state"] == "running"]
        if entries and entries[-1]["committed"] >= rows:
            pid = server.pid()
            assert pid is not None
            os.kill(pid, signal.SIGKILL)
            while server.pid() is not None:
                time.sleep(0.1)
            return int(entries[-1]["committed"])
        time.sleep(0.05)
    raise AssertionError("the load never reached the kill point")


def clean_load_checksum(server: LocalServer, path: Path) -> list[Any]:
    with Store(conn(server)) as store:
        store.clear()
        store.load(load_dataset(path))
    return without_stamps(checksum(conn(server)))


def start_load(server: LocalServer, path: Path, retry: float) -> subprocess.Popen[str]:
    """The CLI loading ``path`` into ``server`` in batches of BATCH, in the background."""
    return subprocess.Popen(
        cli("load", str(path), "--batch-size", BATCH),
        env=env_for(server, retry=retry),
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def committed_in_message(stderr: str) -> int:
    """The rows the CLI says were committed (sum of 'section done/total')."""
    line = next(ln for ln in stderr.splitlines() if "committed before the failure" in ln)
    return sum(int(done) for done, _ in re.findall(r"(\d+)/(\d+)", line))


class TestKilledMidLoad:
    def test_reload_after_sigkill_gives_the_clean_graph(self, server: LocalServer, big_file: Path) -> None:
        with Store(conn(server)) as store:
            store.clear()
        proc = start_load(server, big_file, retry=5)
        total_rows = sum(expected_counts(big_file))  # nodes + relationships, at least the rows
        at_kill = kill_when_committed(server, proc, rows=total_rows // 3)
        out, err = proc.communicate(timeout=HANG_GUARD)

        # The interrupted CLI: non-zero, one clear message saying what was committed.
        assert proc.returncode == 4
        assert "Traceback" not in err
        assert f"cannot reach Neo4j at {server.uri}" in err
        assert "the load was interrupted; committed before the failure:" in err
        assert "run the same load again" in err
        assert (server.password() or "<none>") not in out + err
        # The retries show as one line of our own, none of the driver's log lines.
        assert len(re.findall(r"did not answer while loading \w+; retrying for up to 5 s", err)) == 1, err
        assert "will be retried" not in err and "Transaction failed" not in err
        said = committed_in_message(err)

        # After a restart (crash recovery), the journal holds exactly what the CLI said, give or
        # take the one batch in flight, and marks the load as still running (so interrupted).
        server.start()
        (entry,) = journal(server)
        assert entry["state"] == "running"
        assert at_kill <= entry["committed"] < entry["rows"]
        assert said <= entry["committed"] <= said + int(BATCH)

        # A reader is refused: an answer on a partial graph exits non-zero, naming the load.
        check = subprocess.run(
            cli("impact", "--as-of", "2020-01-01", "--format", "json"),
            env=env_for(server, retry=5),
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
        )
        assert (check.returncode, check.stdout) == (4, "")
        assert "Traceback" not in check.stderr
        assert f"{entry['committed']} of {entry['rows']} rows committed" in check.stderr
        assert "--allow-partial" in check.stderr
        # Asked for, it analyses what is there and says so; or, when what is there does not
        # validate (a part without its supplies yet), the validation error names the load.
        forced = subprocess.run(
            cli("impact", "--as-of", "2020-01-01", "--format", "json", "--allow-partial"),
            env=env_for(server, retry=5),
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
        )
        assert forced.returncode in (0, 2), forced.stderr
        assert "Traceback" not in forced.stderr
        assert f"{entry['committed']} of {entry['rows']} rows committed" in forced.stderr

        # The same load again completes it: exit 0, and the journal closes the old entry.
        again = subprocess.run(
            cli("load", str(big_file), "--batch-size", BATCH),
            env=env_for(server, retry=5),
            capture_output=True,
            text=True,
            timeout=HANG_GUARD,
        )
        assert again.returncode == 0, again.stderr
        old, new = journal(server)
        assert (old["state"], old["completed_by"], new["state"]) == ("completed", new["stamp"], "done")
        assert duplicate_counts(conn(server)) == (0, 0)
        with Store(conn(server)) as store:
            assert tuple(store.counts().values()) == expected_counts(big_file)
            assert store.incomplete_loads() == []
        after_crash = without_stamps(checksum(conn(server)))

        # Identical, property for property, to a clean load of the same file.
        assert after_crash == clean_load_checksum(server, big_file)


class TestServerDown:
    def test_reads_and_loads_end_in_a_clear_error(self, server: LocalServer, big_file: Path) -> None:
        server.stop()
        try:
            for args in (("impact", "--as-of", "2020-01-01"), ("load", str(big_file))):
                started = time.monotonic()
                proc = subprocess.run(
                    cli(*args),
                    env=env_for(server, retry=5),
                    capture_output=True,
                    text=True,
                    timeout=HANG_GUARD,
                )
                seconds = time.monotonic() - started
                assert proc.returncode == 4, (args, proc.stderr)
                assert proc.stderr.startswith(f"graphlib-trade: error: cannot reach Neo4j at {server.uri}")
                assert "Traceback" not in proc.stderr
                # Well inside the guard: the retry time bounds it (reported in RELIABILITY.md).
                print(f"{args[0]} with the server down: exit 4 after {seconds:.1f} s")
        finally:
            server.start()


class TestConnectionDrop:
    def test_load_rides_through_a_restart(self, server: LocalServer, big_file: Path) -> None:
        with Store(conn(server)) as store:
            store.clear()
        proc = start_load(server, big_file, retry=180)
        kill_when_committed(server, proc, rows=sum(expected_counts(big_file)) // 3)
        server.start()  # within the retry time: the driver reconnects and the load goes on
        out, err = proc.communicate(timeout=HANG_GUARD)
        assert proc.returncode == 0, err
        assert "Loaded" in out
        (entry,) = journal(server)
        assert entry["state"] == "done"
        assert entry["committed"] == entry["rows"]
        assert duplicate_counts(conn(server)) == (0, 0)
        rode_through = without_stamps(checksum(conn(server)))
        assert rode_through == clean_load_checksum(server, big_file)
