"""Graph algorithms on the supply chain.  The only package that imports networkx."""

from __future__ import annotations

from graphlib_trade.analysis.criticality import rank
from graphlib_trade.analysis.deminimis import us_content
from graphlib_trade.analysis.explain import explain
from graphlib_trade.analysis.graph import build_graph
from graphlib_trade.analysis.impact import bom_order, impact
from graphlib_trade.analysis.ownership import restricted_parties
from graphlib_trade.analysis.reach import reach
from graphlib_trade.analysis.scenario import apply_scenario, check_scenario, compare, diff_scenarios, whatif
from graphlib_trade.analysis.timeline import timeline

__all__ = [
    "apply_scenario",
    "bom_order",
    "build_graph",
    "check_scenario",
    "compare",
    "diff_scenarios",
    "explain",
    "impact",
    "rank",
    "reach",
    "restricted_parties",
    "timeline",
    "us_content",
    "whatif",
]
