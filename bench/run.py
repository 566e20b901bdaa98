"""Benchmarks on generated supply chains: `make bench` (BENCH_SCALE=1m adds 1M nodes).

Each scale runs in its own process, so that its peak memory (max RSS) is its own.
Writes bench/results.json and the table between the markers in BENCHMARKS.md.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import resource
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
AS_OF = dt.date(2020, 6, 1)


def measure(nodes: int) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT))
    from graphlib_trade.analysis import build_graph, explain, impact, rank, timeline
    from graphlib_trade.generate import generate
    from graphlib_trade.models import parse_dataset

    timings: dict[str, float] = {}

    def timed(name: str, fn: Any, *args: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        result = fn(*args, **kw)
        timings[name] = round(time.perf_counter() - start, 3)
        return result

    raw = timed("generate", generate, nodes, seed=1)
    ds = timed("parse+validate", parse_dataset, raw, "generated")
    G = timed("build graph", build_graph, ds)
    result = timed("impact", impact, G, AS_OF)
    timed("rank suppliers", rank, G, "suppliers", AS_OF, top=20)
    timed("rank components", rank, G, "components", AS_OF, top=20)
    timed("rank countries", rank, G, "countries", AS_OF)
    worst = max(result.products, key=lambda p: (p.status.rank, len(p.causes)))
    timed("explain (worst product)", explain, G, worst.id, AS_OF)
    tl = timed("timeline (all window dates)", timeline, G)
    return {
        "nodes": G.number_of_nodes(),
        "relationships": G.number_of_edges(),
        "seconds": timings,
        "timeline_dates": len(tl.events),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def table(results: dict[str, Any]) -> str:
    scales = list(results["scales"])
    steps = list(next(iter(results["scales"].values()))["seconds"])
    head = "| step | " + " | ".join(
        f"{s} ({results['scales'][s]['nodes']:,} nodes, {results['scales'][s]['relationships']:,} rels)"
        for s in scales
    )
    lines = [head + " |", "|---" * (len(scales) + 1) + "|"]
    for step in steps:
        lines.append(
            f"| {step} | "
            + " | ".join(f"{results['scales'][s]['seconds'][step]:.2f} s" for s in scales)
            + " |"
        )
    lines.append(
        "| peak memory (max RSS) | "
        + " | ".join(f"{results['scales'][s]['peak_rss_mb']:,.0f} MB" for s in scales)
        + " |"
    )
    return "\n".join(lines)


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]))))
        return
    wanted = ["10k", "100k"] + (["1m"] if os.environ.get("BENCH_SCALE") == "1m" else [])
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "as_of": AS_OF.isoformat(),
        "scales": {},
    }
    for name in wanted:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(SCALES[name])], check=True, capture_output=True, text=True
        )
        results["scales"][name] = json.loads(out.stdout)
        print(json.dumps(results["scales"][name]), file=sys.stderr)
    (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = ROOT / "BENCHMARKS.md"
    text = md.read_text() if md.exists() else "# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n"
    start, end = text.index("<!-- bench:start -->"), text.index("<!-- bench:end -->")
    when = f"Measured {results['date']} on {results['machine']}, as of {results['as_of']}."
    body = f"<!-- bench:start -->\n{when}\n\n"
    md.write_text(text[:start] + body + table(results) + "\n" + text[end:])
    print(table(results))


if __name__ == "__main__":
    main()
