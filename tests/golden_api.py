"""How the golden test turns a Dataset into the analysis' input (the one place that follows the API)."""

from __future__ import annotations

import datetime as dt

from graphlib_trade.analysis import SupplyChain, apply_scenario, timeline
from graphlib_trade.models import Dataset, Scenario, Timeline


def chain_of(ds: Dataset) -> SupplyChain:
    return SupplyChain.from_dataset(ds)


def timeline_under(chain: SupplyChain, scenario: Scenario, day: dt.date) -> Timeline:
    return timeline(apply_scenario(chain, scenario, day))
