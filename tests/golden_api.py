"""How the golden test turns a Dataset into the analysis' input (the one place that follows the API)."""

from __future__ import annotations

import datetime as dt
from typing import Any

from graphlib_trade.analysis import apply_scenario, build_graph, timeline
from graphlib_trade.models import Dataset, Scenario, Timeline


def chain_of(ds: Dataset) -> Any:
    return build_graph(ds)


def timeline_under(G: Any, scenario: Scenario, day: dt.date) -> Timeline:
    return timeline(apply_scenario(G, scenario, day))
