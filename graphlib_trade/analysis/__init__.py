"""The analysis of a supply chain: every function takes a :class:`SupplyChain` and returns plain results.

``SupplyChain.from_dataset`` builds the typed model; the engine
(:mod:`graphlib_trade.analysis.engine`) evaluates the rules on a date; ``impact``,
``whatif``, ``explain``, ``rank``, ``timeline`` and ``reach`` answer the analyst's
questions with it.  ``SupplyChain.to_networkx`` hands the same chain to networkx.
"""

from __future__ import annotations

from graphlib_trade.analysis.chain import SupplyChain, bom_order
from graphlib_trade.analysis.changes import data_changes
from graphlib_trade.analysis.criticality import rank
from graphlib_trade.analysis.deminimis import us_content
from graphlib_trade.analysis.engine import Evaluation, ProductEvaluation, evaluate
from graphlib_trade.analysis.explain import explain
from graphlib_trade.analysis.impact import impact
from graphlib_trade.analysis.ownership import restricted_parties
from graphlib_trade.analysis.reach import reach
from graphlib_trade.analysis.scenario import (
    apply_scenario,
    check_scenario,
    compare,
    diff_scenarios,
    whatif,
    whatif_changes,
)
from graphlib_trade.analysis.screening import normalise, screen
from graphlib_trade.analysis.timeline import timeline

__all__ = [
    "Evaluation",
    "ProductEvaluation",
    "SupplyChain",
    "apply_scenario",
    "bom_order",
    "check_scenario",
    "compare",
    "data_changes",
    "diff_scenarios",
    "evaluate",
    "explain",
    "impact",
    "normalise",
    "rank",
    "reach",
    "restricted_parties",
    "screen",
    "timeline",
    "us_content",
    "whatif",
    "whatif_changes",
]
