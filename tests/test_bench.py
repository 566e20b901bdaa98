"""``make bench`` runs on the current engine: one small scale end to end, Neo4j steps aside.

The figures themselves are measured by ``make bench`` (never asserted here); this only checks
that every step runs and that the bench's own consistency checks hold.
"""

from __future__ import annotations

import gc
import importlib.util
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_step_runs_on_a_small_graph() -> None:
    spec = importlib.util.spec_from_file_location("bench_run", ROOT / "bench" / "run.py")
    assert spec is not None and spec.loader is not None
    bench = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(bench)
    try:
        figures = bench.measure(300, with_neo4j=False)
    finally:
        gc.enable()  # measure() turns the cyclic collector off, as the CLI does
    steps = set(figures["seconds"])
    assert {
        "build supply chain",
        "impact",
        "whatif (restrict the busiest supplier)",
        "whatif again (restrict the second-busiest supplier)",
        "statuses by array passes (no causes)",
        "rank suppliers",
    } <= steps
    assert "impact end to end (CLI, JSON file)" in steps and figures["cli_peak_rss_mb"] > 0
    assert {
        "explain (worst product)",
        "whatif end to end (CLI, snapshot)",
        "explain end to end (CLI, snapshot)",
    } <= steps
    # measure() itself asserts that every product impact finds not ok lies inside the reach.
    assert figures["reach"]["products"] >= figures["impact_not_ok"]
    assert figures["nodes"] > 0 and figures["relationships"] > figures["nodes"]
