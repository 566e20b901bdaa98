"""Benchmarks on generated supply chains: `make bench` (BENCH_SCALE=1m adds 1M nodes).

Each scale runs in its own process, so that its peak memory (max RSS) is its own.
Beside each analysis step it measures, in the same run:

- the floor: one ``scipy.sparse.csgraph`` breadth-first pass over the same edges from
  the restricted parties (no impact computation can touch less);
- the peer: the reach question answered in Neo4j by plain Cypher
  (``cypher/peer/reach.cypher``), its answer checked equal to :func:`reach`'s;
- Neo4j online load, pull and offline bulk import, on a bench-only local server
  (``run-bench`` in the server's home, ports 7691/7478; BENCH_NEO4J=0 skips it).

Writes bench/results.json and the tables between the markers in BENCHMARKS.md.  `timeline`
(one evaluation per window date) runs at 10k only unless BENCH_TIMELINE=1.
"""

from __future__ import annotations

import compileall
import datetime as dt
import gc
import json
import os
import platform
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SCALES = {"10k": 10_000, "100k": 100_000, "1m": 1_000_000}
AS_OF = dt.date(2020, 6, 1)


def floor_graph(chain: Any, sources: set[str]) -> Any:
    """The downstream edges (OWNS, SUPPLIES, PART_OF, MAKES, product -> user) as a CSR matrix.

    The last node is an extra source joined to every node of ``sources``.
    """
    import numpy as np
    from scipy.sparse import csr_matrix

    from graphlib_trade.analysis.chain import MAKES, OWNS, PART_OF, SUPPLIES, USES

    G = chain.to_networkx()
    index = {n: i for i, n in enumerate(G)}
    rows: list[int] = []
    cols: list[int] = []
    for u, v, key in G.edges(keys=True):
        if key in (OWNS, SUPPLIES, PART_OF, MAKES):
            rows.append(index[u])
            cols.append(index[v])
        elif key == USES:
            rows.append(index[v])
            cols.append(index[u])
    n = len(index) + 1
    for s in sources:
        rows.append(n - 1)
        cols.append(index[s])
    data = np.ones(len(rows), dtype=np.int8)
    return csr_matrix((data, (rows, cols)), shape=(n, n))


def floor_pass(csr: Any) -> int:
    """One breadth-first pass from the extra source: how many nodes it reaches."""
    from scipy.sparse.csgraph import breadth_first_order

    order = breadth_first_order(csr, csr.shape[0] - 1, directed=True, return_predecessors=False)
    return len(order) - 1


# `graphlib-trade ARGS...`, then its own peak resident memory (KB) as the last word on stderr:
# VmHWM, the high-water mark of the process's own memory map.  ru_maxrss would not do: Linux
# carries it across exec, so it also counts the pages this (large) process shares with the
# child between fork and exec (6.0 GB at 1M nodes, against 4.7 GB from /usr/bin/time).
def run_with_peak(cmd: list[str], env: dict[str, str]) -> float:
    """Run the command line ``cmd`` (arguments after the program; an error if it fails) and give
    its peak resident memory in MB: its own high-water mark (``VmHWM``), read as it ends.

    Not the kernel's ``ru_maxrss`` for the child: a child spawned from this big process starts
    as a copy of it (``vfork``), and its maximum counts this process's resident memory from
    before ``exec``.  The CLI ends with ``os._exit``, so the probe reads its mark there."""
    done = subprocess.run([*_CLI_WITH_PEAK, *cmd], capture_output=True, cwd=ROOT, env=env, text=True)
    if done.returncode:
        raise subprocess.CalledProcessError(done.returncode, cmd, stderr=done.stderr)
    return round(int(done.stderr.split()[-1]) / 1024, 1)


#: The CLI, saying its peak memory (kB) as its last line on stderr.
_CLI_WITH_PEAK = [
    sys.executable,
    "-c",
    "import os\n"
    "def peak(code, end=os._exit):\n"
    "    hwm = [l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM:')]\n"
    "    os.write(2, (hwm[0] + '\\n').encode())\n"
    "    end(code)\n"
    "os._exit = peak\n"
    "from graphlib_trade.cli import main\n"
    "main()\n",
]


def measure(nodes: int, with_neo4j: bool) -> dict[str, Any]:
    # As the CLI runs (graphlib_trade.cli.main): no cyclic collector; freed memory is
    # handed back by reference counting, and by the explicit collect below.
    gc.disable()
    from graphlib_trade.analysis import SupplyChain, explain, impact, rank, reach, timeline, whatif_changes
    from graphlib_trade.analysis.passes import array_statuses
    from graphlib_trade.analysis.reach import active_restrictions
    from graphlib_trade.generate import generate
    from graphlib_trade.models import parse_dataset, parse_scenario
    from graphlib_trade.sources import dump_dataset, load_dataset, write_csv_folder

    seconds: dict[str, float] = {}
    figures: dict[str, Any] = {}

    def timed(name: str, fn: Any, *args: Any, **kw: Any) -> Any:
        start = time.perf_counter()
        result = fn(*args, **kw)
        seconds[name] = round(time.perf_counter() - start, 3)
        print(f"  {name}: {seconds[name]:.2f} s", file=sys.stderr, flush=True)
        return result

    work = Path(tempfile.mkdtemp(prefix="graphlib-bench-"))
    try:
        raw = timed("generate", generate, nodes, seed=1)
        generated = parse_dataset(raw, "generated")
        del raw
        json_path = work / "data.json"
        json_path.write_text(dump_dataset(generated, "json"))
        csv_folder = timed("write CSV folder", write_csv_folder, generated, work / "csv")
        del generated

        # End to end, as an analyst runs it: a fresh process, a JSON file in, the JSON report out.
        # Each one's own peak (see run_with_peak).  The first run parses the file
        # (and leaves a snapshot, written by a child as it ends); the second reads the snapshot.
        env = {**os.environ, "GRAPHLIB_TRADE_CACHE": str(work / "snapshots")}
        cmd = ["impact", "--data", str(json_path),
               "--as-of", AS_OF.isoformat(), "--format", "json", "-o", str(work / "impact.json")]  # fmt: skip
        start = time.perf_counter()
        figures["cli_peak_rss_mb"] = run_with_peak(cmd, env)
        seconds["impact end to end (CLI, JSON file)"] = round(time.perf_counter() - start, 3)
        deadline = time.monotonic() + 600
        while not list((work / "snapshots").glob("*.pickle")) and time.monotonic() < deadline:
            time.sleep(0.2)
        start = time.perf_counter()
        figures["cli_snapshot_peak_rss_mb"] = run_with_peak(cmd, env)
        seconds["impact end to end (CLI, snapshot of the file)"] = round(time.perf_counter() - start, 3)

        ds = timed("parse+validate (JSON file)", load_dataset, json_path)
        timed("parse+validate (CSV folder)", load_dataset, csv_folder.path)
        G = timed("build supply chain", SupplyChain.from_dataset, ds)
        result = timed("impact", impact, G, AS_OF)

        (busiest, _), (second, _) = Counter(s.supplier for s in ds.supplies).most_common(2)
        scenario = parse_scenario({"name": "bench", "restrict": [busiest]}, "bench")
        # The baseline is the impact just computed (kept with the chain): an analyst
        # asks "what if" about the impact on screen (api.whatif).
        change = timed("whatif (restrict the busiest supplier)", whatif_changes, G, scenario, AS_OF)
        figures["whatif_changes"] = len(change.products) + len(change.end_users)
        # The session's next question: the array passes' plan is kept with the chain by now.
        scenario = parse_scenario({"name": "bench", "restrict": [second]}, "bench")
        change = timed(
            "whatif again (restrict the second-busiest supplier)", whatif_changes, G, scenario, AS_OF
        )
        figures["whatif_again_changes"] = len(change.products) + len(change.end_users)
        # The rules themselves as array passes: every status, no causes (what a what-if compares).
        at_once = timed("statuses by array passes (no causes)", array_statuses, G, AS_OF)
        assert at_once is not None and at_once[0] == {p.id: p.status for p in result.products}
        timed("rank suppliers", rank, G, "suppliers", AS_OF, top=20)
        if nodes < 1_000_000:
            timed("rank components", rank, G, "components", AS_OF, top=20)
        timed("rank countries", rank, G, "countries", AS_OF)
        worst_id = max(result.products, key=lambda p: (p.status.rank, len(p.causes))).id
        timed("explain (worst product)", explain, G, worst_id, AS_OF)
        if nodes < 100_000 or os.environ.get("BENCH_TIMELINE") == "1":
            tl = timed("timeline (all window dates)", timeline, G)
            figures["timeline_dates"] = len(tl.events)
        timed("reach (first call, builds its CSR rows)", reach, G, AS_OF)
        products, users = timed("reach", reach, G, AS_OF)
        figures["reach"] = {"products": len(products), "end_users": len(users)}
        not_ok = {p.id for p in result.products if p.status.value != "ok"}
        figures["impact_not_ok"] = len(not_ok)
        assert not_ok <= set(products), "a product not ok lies outside the reach of the restrictions"

        targets = {p for found in active_restrictions(G, AS_OF).values() for p in found}
        csr = timed("floor: edges to CSR (once)", floor_graph, G, targets)
        floor = [0.0] * 5
        for i in range(5):
            start = time.perf_counter()
            figures["floor_reached"] = floor_pass(csr)
            floor[i] = time.perf_counter() - start
        seconds["floor: csgraph BFS pass"] = round(min(floor), 4)
        figures["nodes"] = sum(
            len(t) for t in (G.companies, G.components, G.products, G.end_users, G.restrictions, G.licences)
        )
        figures["relationships"] = sum(
            len(getattr(ds, s)) for s in ("ownership", "supplies", "bom", "services")
        )
        figures["relationships"] += len(ds.uses) + len(ds.products) + len(ds.licences)
        figures["relationships"] += sum(len(r.targets) for r in ds.restrictions)
        del G, csr, result  # the Neo4j steps need only the dataset: leave the memory to the server
        gc.collect()
        # The same questions as commands, from the snapshot the impact commands left.
        for name, args in (
            ("whatif end to end (CLI, snapshot)", ["whatif", "--restrict", busiest]),
            ("explain end to end (CLI, snapshot)", ["explain", worst_id]),
        ):
            answer = ["--format", "json", "-o", str(work / "answer.json")]
            cmd = [sys.executable, "-m", "graphlib_trade", "-v", *args, "--data", str(json_path),
                   "--as-of", AS_OF.isoformat(), *answer]  # fmt: skip
            start = time.perf_counter()
            done = subprocess.run(cmd, check=True, capture_output=True, cwd=ROOT, env=env, text=True)
            seconds[name] = round(time.perf_counter() - start, 3)
            assert "read from the snapshot" in done.stderr, f"{name}: not from the snapshot: {done.stderr}"
        if with_neo4j:
            figures["neo4j"] = neo4j_steps(ds, work, set(products), set(users), seconds)
        figures["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
        figures["seconds"] = seconds
        return figures
    finally:
        shutil.rmtree(work, ignore_errors=True)


def neo4j_steps(
    ds: Any, work: Path, products: set[str], users: set[str], seconds: dict[str, float]
) -> dict[str, Any]:
    from graphlib_trade.store import Connection, LocalServer, Store, bulk_load, default_home

    server = LocalServer(
        home=default_home(), bolt_port=7691, http_port=7478, heap="2g", pagecache="2g", instance="run-bench"
    )
    server.stop()
    shutil.rmtree(server.run_dir, ignore_errors=True)
    out: dict[str, Any] = {}
    try:
        server.start()
        conn = Connection(server.uri, "neo4j", server.password() or "")
        with Store(conn) as store:
            start = time.perf_counter()
            store.load(ds)
            seconds["neo4j online load"] = round(time.perf_counter() - start, 3)
            out["relationships"] = store.counts()["relationships"]
            out["nodes"] = store.counts()["nodes"]
            start = time.perf_counter()
            store.pull_raw()
            seconds["neo4j pull (rows)"] = round(time.perf_counter() - start, 3)
            start = time.perf_counter()
            store.pull()
            seconds["neo4j pull + validate"] = round(time.perf_counter() - start, 3)
            in_force = [x.id for x in ds.lists if x.affiliates_on(AS_OF) is not None]
            runs = []
            for _ in range(3):
                start = time.perf_counter()
                (row,) = store.run_read("peer/reach", as_of=AS_OF, lists_in_force=in_force)
                runs.append(time.perf_counter() - start)
            seconds["peer: Cypher reach (warm, best of 3)"] = round(min(runs), 3)
            seconds["peer: Cypher reach (first run)"] = round(runs[0], 3)
            out["peer_equal"] = set(row["products"]) == products and set(row["end_users"]) == users
            assert out["peer_equal"], "the Cypher peer and reach() disagree"
        # impact from Neo4j end to end, as an analyst runs it: the first command pulls the graph
        # (and keeps a snapshot, written by a child as it ends); the next finds the graph
        # unchanged (the same store and last transaction) and reads the snapshot.
        env = {
            **os.environ,
            "GRAPHLIB_TRADE_CACHE": str(work / "neo4j-snapshots"),
            "NEO4J_URI": server.uri,
            "NEO4J_USER": "neo4j",
            "NEO4J_PASSWORD": conn.password,
        }
        cmd = ["impact", "--as-of", AS_OF.isoformat(),
               "--format", "json", "-o", str(work / "impact-neo4j.json")]  # fmt: skip
        start = time.perf_counter()
        run_with_peak(cmd, env)
        seconds["impact end to end (CLI, from Neo4j)"] = round(time.perf_counter() - start, 3)
        deadline = time.monotonic() + 600
        while not list((work / "neo4j-snapshots").glob("*.pickle")) and time.monotonic() < deadline:
            time.sleep(0.2)
        start = time.perf_counter()
        out["neo4j_snapshot_peak_rss_mb"] = run_with_peak(cmd, env)
        seconds["impact end to end (CLI, from Neo4j unchanged: snapshot)"] = round(
            time.perf_counter() - start, 3
        )
        server.stop()
        # Empty the database (its files; the system database keeps the password).
        for sub in ("databases", "transactions"):
            shutil.rmtree(server.run_dir / "data" / sub / "neo4j", ignore_errors=True)
        start = time.perf_counter()
        stats = bulk_load(ds, server)
        seconds["neo4j bulk load (load --bulk, with restarts)"] = round(time.perf_counter() - start, 3)
        seconds["neo4j-admin import alone"] = round(stats["seconds"], 3)
        with Store(conn) as store:
            out["bulk_equal_counts"] = store.counts() == {
                "nodes": out["nodes"],
                "relationships": out["relationships"],
            }
    finally:
        server.stop()
        shutil.rmtree(server.run_dir, ignore_errors=True)
    return out


# --------------------------------------------------------------------------- reporting


def _rate(rels: int, secs: float | None) -> str:
    return f"{rels / secs:,.0f} rels/s" if secs else "-"


def tables(results: dict[str, Any]) -> str:
    scales = list(results["scales"])
    by = results["scales"]
    steps: list[str] = []
    for s in scales:
        steps += [k for k in by[s]["seconds"] if k not in steps]
    head = "| step | " + " | ".join(
        f"{s} ({by[s]['nodes']:,} nodes, {by[s]['relationships']:,} rels)" for s in scales
    )
    lines = [head + " |", "|---" * (len(scales) + 1) + "|"]
    for step in steps:
        cells = []
        for s in scales:
            v = by[s]["seconds"].get(step)
            cells.append("skipped" if v is None else (f"{v:.3f} s" if v < 0.1 else f"{v:.2f} s"))
        lines.append(f"| {step} | " + " | ".join(cells) + " |")
    lines.append(
        "| peak memory, impact end to end (CLI) | "
        + " | ".join(f"{by[s]['cli_peak_rss_mb']:,.0f} MB" for s in scales)
        + " |"
    )
    lines.append(
        "| peak memory, impact end to end (CLI, snapshot) | "
        + " | ".join(f"{by[s].get('cli_snapshot_peak_rss_mb', 0):,.0f} MB" for s in scales)
        + " |"
    )
    lines.append(
        "| peak memory, this bench process | "
        + " | ".join(f"{by[s]['peak_rss_mb']:,.0f} MB" for s in scales)
        + " |"
    )
    ratios = ["", "| ratio (same run) | " + " | ".join(scales) + " |", "|---" * (len(scales) + 1) + "|"]

    def ratio(name: str, num: str, den: str, fmt: str = "{:.1f}x") -> None:
        cells = []
        for s in scales:
            a, b = by[s]["seconds"].get(num), by[s]["seconds"].get(den)
            cells.append(fmt.format(a / b) if a and b else "-")
        ratios.append(f"| {name} | " + " | ".join(cells) + " |")

    ratio("impact / floor", "impact", "floor: csgraph BFS pass", "{:,.0f}x")
    ratio(
        "statuses by array passes / floor",
        "statuses by array passes (no causes)",
        "floor: csgraph BFS pass",
        "{:,.0f}x",
    )
    ratio("build supply chain / floor", "build supply chain", "floor: csgraph BFS pass", "{:,.0f}x")
    ratio("reach / floor", "reach", "floor: csgraph BFS pass", "{:,.1f}x")
    ratio("peer Cypher reach (warm) / reach", "peer: Cypher reach (warm, best of 3)", "reach")
    ratio(
        "peer Cypher reach (warm) / full impact", "peer: Cypher reach (warm, best of 3)", "impact", "{:.2f}x"
    )
    ratio("whatif / impact", "whatif (restrict the busiest supplier)", "impact")
    ratio("rank suppliers / impact", "rank suppliers", "impact")
    for label, step in (
        ("Neo4j online load", "neo4j online load"),
        ("Neo4j bulk import (neo4j-admin alone)", "neo4j-admin import alone"),
        ("Neo4j bulk load (with restarts)", "neo4j bulk load (load --bulk, with restarts)"),
        ("pull from Neo4j (rows)", "neo4j pull (rows)"),
        ("pull from Neo4j + validate", "neo4j pull + validate"),
    ):
        cells = [
            _rate(by[s].get("neo4j", {}).get("relationships", 0), by[s]["seconds"].get(step)) for s in scales
        ]
        ratios.append(f"| {label} | " + " | ".join(cells) + " |")
    ratios.append(
        "| peer and reach answers equal | "
        + " | ".join(str(by[s].get("neo4j", {}).get("peer_equal", "-")) for s in scales)
        + " |"
    )
    return "\n".join(lines + ratios + goals(results))


#: Issue 16's goals at 1M nodes: (what, the step measured, the goal, unit).  Seconds are at most
#: the goal; "x" is a ratio to the floor, "MB" a peak, "rels/s" a rate at least the goal.
_SNAPSHOT = "impact end to end (CLI, snapshot of the file)"
_NEO4J_SNAPSHOT = "impact end to end (CLI, from Neo4j unchanged: snapshot)"
GOALS_1M = (
    ("impact end to end from JSON", "impact end to end (CLI, JSON file)", 15, "s"),
    ("impact end to end, data seen before (snapshot)", _SNAPSHOT, 3, "s"),
    ("whatif as a command, snapshot present", "whatif end to end (CLI, snapshot)", 5, "s"),
    ("whatif in a Python session, model loaded", "whatif (restrict the busiest supplier)", 1, "s"),
    ("whatif in a session, the next question", "whatif again (restrict the second-busiest supplier)", 1, "s"),
    ("rank suppliers", "rank suppliers", 15, "s"),
    ("explain of the worst product (in a session)", "explain (worst product)", 2, "s"),
    ("explain of the worst product (command, snapshot)", "explain end to end (CLI, snapshot)", 2, "s"),
    ("the rules vs one csgraph BFS pass (impact, with causes)", "impact", 50, "x"),
    (
        "the rules vs one csgraph BFS pass (array passes, statuses)",
        "statuses by array passes (no causes)",
        50,
        "x",
    ),
    ("peak memory of impact (from JSON)", "cli_peak_rss_mb", 1536, "MB"),
    ("impact from Neo4j, graph unchanged", _NEO4J_SNAPSHOT, 5, "s"),
    ("pull from Neo4j", "neo4j pull (rows)", 100_000, "rels/s"),
)


def goals(results: dict[str, Any]) -> list[str]:
    """Issue 16's goals, met or not, from the 1M figures of this run (none without them)."""
    one = results["scales"].get("1m")
    if one is None:
        return []
    secs = one["seconds"]
    rows = ["", "| goal at 1M (issue 16) | this run | goal | met? |", "|---|---|---|---|"]
    for what, step, goal, unit in GOALS_1M:
        if unit == "x":
            floor = secs.get("floor: csgraph BFS pass")
            value = secs[step] / floor if secs.get(step) and floor else None
            shown, met = (f"{value:,.0f}x", value <= goal) if value else ("-", False)
            want = f"<= {goal}x"
        elif unit == "MB":
            value = one.get(step)
            shown, met = (f"{value:,.0f} MB", value <= goal) if value else ("-", False)
            want = f"<= {goal / 1024:.1f} GB"
        elif unit == "rels/s":
            took = secs.get(step)
            value = one.get("neo4j", {}).get("relationships", 0) / took if took else None
            shown, met = (f"{value:,.0f} rels/s", value >= goal) if value else ("skipped", False)
            want = f">= {goal:,} rels/s"
        else:
            value = secs.get(step)
            shown, met = (f"{value:.1f} s", value <= goal) if value is not None else ("skipped", False)
            want = f"<= {goal} s"
        rows.append(f"| {what} | {shown} | {want} | {'yes' if met else 'no'} |")
    return rows


def main() -> None:
    if len(sys.argv) == 4 and sys.argv[1] == "--one":
        print(json.dumps(measure(int(sys.argv[2]), sys.argv[3] == "1")))
        return
    wanted = ["10k", "100k"] + (["1m"] if os.environ.get("BENCH_SCALE") == "1m" else [])
    with_neo4j = os.environ.get("BENCH_NEO4J", "1") != "0"
    # The commands are timed as an installed wheel runs them: with the package's bytecode
    # compiled (pip compiles it at install).  Where PYTHONDONTWRITEBYTECODE is set, as on the
    # machine the figures come from, an editable install compiles every module again in each
    # command: 0.37 s of an `explain` at 1M.
    compileall.compile_dir(ROOT / "graphlib_trade", quiet=1)
    results: dict[str, Any] = {
        "date": dt.date.today().isoformat(),
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        "as_of": AS_OF.isoformat(),
        "scales": {},
    }
    for name in wanted:
        print(f"bench: {name} ...", file=sys.stderr, flush=True)
        out = subprocess.run(
            [sys.executable, __file__, "--one", str(SCALES[name]), "1" if with_neo4j else "0"],
            check=True,
            stdout=subprocess.PIPE,
            text=True,
        )
        results["scales"][name] = json.loads(out.stdout)
        # Written after each scale, so a long run interrupted at 1M keeps the smaller scales.
        (ROOT / "bench" / "results.json").write_text(json.dumps(results, indent=2) + "\n")
    md = ROOT / "BENCHMARKS.md"
    text = md.read_text() if md.exists() else "# Benchmarks\n\n<!-- bench:start -->\n<!-- bench:end -->\n"
    start, end = text.index("<!-- bench:start -->"), text.index("<!-- bench:end -->")
    when = f"Measured {results['date']} on {results['machine']}, as of {results['as_of']}."
    body = f"<!-- bench:start -->\n{when}\n\n"
    md.write_text(text[:start] + body + tables(results) + "\n" + text[end:])
    print(tables(results))


if __name__ == "__main__":
    main()
