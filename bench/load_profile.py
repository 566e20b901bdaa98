"""Where Neo4j's online load spends its time: the profile behind BENCHMARKS.md's load figure.

Run: .venv/bin/python bench/load_profile.py [NODES]   (default 100000; a bench-only server,
``run-probe`` in the server's home, ports 7694/7481, 2 GB heap and page cache as in bench/run.py).

1. ``Store.load`` as the CLI runs it, timed section by section (node sections vs
   relationship sections), journal included.
2. The SUPPLIES section again, emptied between runs, as variants of its query
   (``bench/cypher/``): the load query alone (no journal update), without the load
   stamp, with CREATE instead of MERGE (not idempotent: the floor of a Cypher write),
   and the load query over all rows at once in ``CALL {} IN CONCURRENT TRANSACTIONS``.
3. The server's PROFILE of one batch: database hits per row.

Prints one JSON document and writes it to bench/load_profile.json.  The neo4j driver is
used directly here (a benchmark script, outside the package, whose only driver user stays
graphlib_trade/store.py).
"""

from __future__ import annotations

import json
import shutil
import sys
import time
import uuid
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
CYPHER = Path(__file__).resolve().parent / "cypher"


def main() -> None:
    import neo4j

    from graphlib_trade.generate import generate
    from graphlib_trade.models import parse_dataset
    from graphlib_trade.store import BATCH_SIZE, Connection, LocalServer, Store, default_home, load_rows

    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    ds = parse_dataset(generate(nodes, seed=1), "generated")
    rows = load_rows(ds)["supplies"]
    server = LocalServer(
        home=default_home(), bolt_port=7694, http_port=7481, heap="2g", pagecache="2g", instance="run-probe"
    )
    server.stop()
    shutil.rmtree(server.run_dir, ignore_errors=True)
    out: dict[str, Any] = {"nodes": nodes, "supplies": len(rows), "batch": BATCH_SIZE}
    try:
        server.start()
        conn = Connection(server.uri, "neo4j", server.password() or "")
        sections: dict[str, list[float]] = {}

        def progress(section: str, sent: int, total: int) -> None:
            sections.setdefault(section, [time.perf_counter(), 0.0, float(total)])[1] = time.perf_counter()

        with Store(conn) as store:
            start = time.perf_counter()
            store.load(ds, progress=progress)
            out["load_seconds"] = round(time.perf_counter() - start, 2)
        out["sections"] = {
            name: {
                "rows": int(total),
                "seconds": round(end - begin, 2),
                "per_s": round(total / (end - begin)),
            }
            for name, (begin, end, total) in sections.items()
            if end > begin
        }

        def text(name: str) -> Any:
            return (CYPHER / f"{name}.cypher").read_text()

        load_query = (ROOT / "cypher" / "load" / "supplies.cypher").read_text()
        variants = {
            "load query (MERGE + SET stamp), no journal": load_query,
            "MERGE, no stamp": text("supplies_merge_no_stamp"),
            "CREATE (not idempotent)": text("supplies_create"),
        }
        with neo4j.GraphDatabase.driver(server.uri, auth=("neo4j", server.password() or "")) as driver:

            def auto(cypher: Any, **params: Any) -> Any:
                """An auto-commit transaction (CALL {} IN TRANSACTIONS needs one)."""
                with driver.session() as session:
                    return session.run(cypher, **params).consume()

            rates: dict[str, int] = {}
            for name, cypher in variants.items():
                auto(text("delete_supplies"))
                start = time.perf_counter()
                for i in range(0, len(rows), BATCH_SIZE):
                    driver.execute_query(cypher, rows=rows[i : i + BATCH_SIZE], stamp=uuid.uuid4().hex)
                rates[name] = round(len(rows) / (time.perf_counter() - start))
            auto(text("delete_supplies"))
            start = time.perf_counter()
            concurrent = "load query in CONCURRENT TRANSACTIONS (server-side batches)"
            try:
                auto(text("supplies_concurrent"), rows=rows, stamp=uuid.uuid4().hex)
                rates[concurrent] = round(len(rows) / (time.perf_counter() - start))
            except neo4j.exceptions.TransientError as exc:  # two batches locking the same supplier hubs
                out["concurrent_failed"] = f"{exc.code} after {time.perf_counter() - start:.1f} s"
            out["supplies_rels_per_s"] = rates
            summary = auto(text("profile_row"), rows=rows[:BATCH_SIZE], stamp="p")
            hits: dict[str, int] = {}

            def walk(plan: Any) -> None:
                hits[plan["operatorType"]] = hits.get(plan["operatorType"], 0) + plan.get("dbHits", 0)
                for child in plan.get("children", []):
                    walk(child)

            walk(summary.profile)
            out["db_hits_per_row"] = {op: round(h / BATCH_SIZE, 1) for op, h in hits.items() if h}
    finally:
        server.stop()
        shutil.rmtree(server.run_dir, ignore_errors=True)
    text = json.dumps(out, indent=2)
    (Path(__file__).resolve().parent / "load_profile.json").write_text(text + "\n")
    print(text)


if __name__ == "__main__":
    main()
