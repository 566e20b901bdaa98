"""How much of the chain each shard needs when products are split across workers (docs/scaling.md).

Run: .venv/bin/python bench/shards.py DATA_FILE   (e.g. one written by ``graphlib-trade generate``).
For each product, its sub-BOM (every item below it, alternatives included); products are split
by a hash of their id into 2, 4, 8 and 16 shards, and each shard needs the union of its
products' sub-BOMs.
"""

from __future__ import annotations

import sys
import zlib
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))


def main() -> None:
    from graphlib_trade.analysis import SupplyChain
    from graphlib_trade.sources import load_dataset

    chain = SupplyChain.from_dataset(load_dataset(sys.argv[1]))
    items = len(chain.components) + len(chain.products)
    below: dict[str, frozenset[str]] = {}
    for node in chain.order:  # parts before what they go into
        found = {node}
        for line in chain.bom.get(node, ()):
            for option in line.options:
                found |= below[option]
        below[node] = frozenset(found)
    sizes = sorted(len(below[p]) for p in chain.products)
    print(
        f"{items} items, {len(sizes)} products; items below a product: "
        f"median {sizes[len(sizes) // 2]}, max {sizes[-1]}"
    )
    for k in (2, 4, 8, 16):
        shards: list[set[str]] = [set() for _ in range(k)]
        for p in chain.products:
            shards[zlib.crc32(p.encode()) % k] |= below[p]
        largest = max(len(s) for s in shards)
        total = sum(len(s) for s in shards)
        print(
            f"{k} shards: the largest needs {largest} items ({largest / items:.0%}); "
            f"all together {total / items:.2f}x"
        )


if __name__ == "__main__":
    main()
