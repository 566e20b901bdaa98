"""The load journal in words: what an interrupted load committed, whether a load still runs.

Each load keeps a ``(:GraphlibTradeLoad)`` entry that every batch updates in its own
transaction (``cypher/journal/*.cypher``); these pure functions read such entries.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from graphlib_trade.store.rows import LOAD_ORDER

#: A running load that has committed nothing for its retry time plus this margin is taken as
#: interrupted (its loader has given up or died).
STALE_MARGIN = 30


def interrupted_summary(
    rows: Mapping[str, Sequence[Any]], sent: Mapping[str, int], section: str, in_flight: int
) -> str:
    """What an interrupted load committed, section by section (pure; for the error message)."""
    done = [f"{name} {sent[name]}/{len(rows[name])}" for name in LOAD_ORDER if name in sent]
    untouched = [name for name in LOAD_ORDER if name not in sent]
    lines = ["the load was interrupted; committed before the failure: " + (", ".join(done) or "nothing")]
    if in_flight:
        lines.append(
            f"the batch in flight ({in_flight} rows of {section}) was not confirmed "
            "(if the connection dropped while it committed, it may be in)"
        )
    if untouched:
        lines.append("not started: " + ", ".join(untouched))
    if section == "removing stale data":
        lines.append("every row was loaded; removing the data the file no longer holds was interrupted")
    lines.append("loads are idempotent: run the same load again to complete it")
    return "\n".join(lines)


def is_live(entry: Mapping[str, Any]) -> bool:
    """Whether a journal entry is a load still running (not interrupted, not gone quiet)."""
    return bool(entry["state"] == "running" and entry["idle"] < entry["stale_after"])


def describe_load(entry: Mapping[str, Any]) -> str:
    """One journal entry in words, for messages."""
    state = "running" if is_live(entry) else "interrupted"
    source = f" of {entry['source']}" if entry.get("source") else ""
    return (
        f"the load{source} started {entry['started']} is {state} with {entry['committed']} of "
        f"{entry['rows']} rows committed"
    )
