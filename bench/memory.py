"""Bytes per node and per relationship of each in-memory form (for docs/scaling.md).

Run: .venv/bin/python bench/memory.py [NODES]   (default 100000).  Uses tracemalloc:
the figures are Python allocations, the bulk of the process's resident memory.
"""

from __future__ import annotations

import datetime as dt
import gc
import json
import sys
import tracemalloc
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def allocated(build: Any, *args: Any) -> tuple[Any, int]:
    gc.collect()
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    value = build(*args)
    gc.collect()
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    return value, after - before


def main() -> None:
    from graphlib_trade.analysis import SupplyChain, reach
    from graphlib_trade.generate import generate
    from graphlib_trade.models import parse_dataset

    nodes = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000
    text = json.dumps(generate(nodes, seed=1))
    raw, raw_bytes = allocated(json.loads, text)
    ds, ds_bytes = allocated(parse_dataset, raw, "generated")
    chain, chain_bytes = allocated(SupplyChain.from_dataset, ds)
    # reach's CSR rows are kept with the chain on its first call (its answer is a few ids).
    _, rows_bytes = allocated(reach, chain, dt.date(2020, 6, 1))
    G, g_bytes = allocated(chain.to_networkx)
    n, e = G.number_of_nodes(), G.number_of_edges()
    out = {
        "nodes": n,
        "relationships": e,
        "json_text_bytes": len(text.encode()),
        "raw_dicts_bytes": raw_bytes,
        "dataset_bytes": ds_bytes,
        "supply_chain_bytes": chain_bytes,
        "to_networkx_bytes": g_bytes,
        "reach_csr_rows_bytes": rows_bytes,
        "per_element": {
            k: round(v / (n + e))
            for k, v in (
                ("raw", raw_bytes),
                ("dataset", ds_bytes),
                ("supply chain (beside the dataset)", chain_bytes),
                ("to_networkx()", g_bytes),
                ("reach rows", rows_bytes),
            )
        },
    }
    print(json.dumps(out, indent=2))


if __name__ == "__main__":
    main()
