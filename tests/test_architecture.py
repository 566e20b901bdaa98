"""The package's shape: no import circles, no borrowed private names, data flowing one way.

The import graph is read from the source (``ast``), one node per module, and checked
with networkx.
"""

from __future__ import annotations

import ast
from pathlib import Path

import networkx as nx
import pytest

PACKAGE = Path(__file__).resolve().parent.parent / "graphlib_trade"

#: Which layers each layer may import (data flows source -> model -> engine -> results -> report).
ALLOWED: dict[str, set[str]] = {
    "errors": set(),
    "files": {"errors"},
    "models": {"errors"},
    "sources": {"errors", "files", "models"},
    "analysis": {"errors", "models"},
    "report": {"errors", "models"},
    "store": {"errors", "files", "models", "sources", "cypher"},
    "generate": {"errors", "models"},
    # Importers read foreign formats into data-file sections (they may match names as screening does).
    "imports": {"errors", "files", "models", "analysis"},
    # Snapshots of chains built from files, in the user's cache folder.
    "snapshot": {"errors", "files", "models", "sources", "analysis"},
    "api": {"errors", "files", "models", "sources", "analysis", "imports", "store", "report", "snapshot"},
    "cli": {
        "errors",
        "files",
        "models",
        "sources",
        "analysis",
        "report",
        "store",
        "generate",
        "imports",
        "api",
        "snapshot",
    },
    "__main__": {"cli"},
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


MODULES = {module_name(p): p for p in PACKAGE.rglob("*.py")}


def imports(path: Path) -> list[tuple[str, list[str]]]:
    """(module imported from, names) for every ``import`` of the package's own modules in ``path``."""
    found: list[tuple[str, list[str]]] = []
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.append((node.module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            found.extend((a.name, []) for a in node.names)
    return [(m, names) for m, names in found if m == "graphlib_trade" or m.startswith("graphlib_trade.")]


def import_graph() -> nx.DiGraph:
    """Module -> the package modules it imports (``from pkg import mod`` counts as ``pkg.mod``)."""
    G = nx.DiGraph()
    G.add_nodes_from(MODULES)
    for name, path in MODULES.items():
        for module, names in imports(path):
            targets = [f"{module}.{n}" for n in names if f"{module}.{n}" in MODULES] or [module]
            G.add_edges_from((name, t) for t in targets if t in MODULES and t != name)
    return G


def layer(module: str) -> str:
    return module.split(".")[1] if "." in module else "graphlib_trade"


class TestImportGraph:
    def test_it_sees_the_package(self) -> None:
        G = import_graph()
        assert G.number_of_nodes() > 30 and G.number_of_edges() > 50
        assert G.has_edge("graphlib_trade.analysis.impact", "graphlib_trade.analysis.engine")

    def test_no_import_circles(self) -> None:
        cycles = list(nx.simple_cycles(import_graph()))
        assert cycles == []

    def test_the_finder_finds_a_circle(self) -> None:
        G = import_graph()
        G.add_edge("graphlib_trade.analysis.engine", "graphlib_trade.analysis.impact")
        assert list(nx.simple_cycles(G))

    @pytest.mark.parametrize("module", sorted(MODULES))
    def test_layers_import_only_what_they_may(self, module: str) -> None:
        own = layer(module)
        if own == "graphlib_trade":  # the package's own __init__
            return
        wrong = sorted(
            t for t in import_graph().successors(module) if layer(t) != own and layer(t) not in ALLOWED[own]
        )
        assert wrong == [], f"{module} ({own}) imports {wrong}"


class TestPrivateNames:
    def test_no_module_imports_another_modules_private_names(self) -> None:
        borrowed = [
            (name, module, n)
            for name, path in MODULES.items()
            for module, names in imports(path)
            for n in names
            if n.startswith("_") and not n.startswith("__") and module != name
        ]
        assert borrowed == []
