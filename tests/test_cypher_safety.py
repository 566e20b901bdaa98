"""No Cypher is ever built by formatting user values: a static check of the query files and of
every call site that hands text to Neo4j."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

from graphlib_trade.errors import StoreError
from graphlib_trade.models import SECTIONS
from graphlib_trade.models.properties import schema
from graphlib_trade.store import query

ROOT = Path(__file__).parent.parent
PACKAGE = ROOT / "graphlib_trade"
QUERY_FILES = sorted((ROOT / "cypher").rglob("*.cypher"))

#: Methods that send their first argument to Neo4j as Cypher text.
SINKS = {"run", "execute_query", "_write"}


def _parents(tree: ast.AST) -> dict[ast.AST, ast.AST]:
    return {child: node for node in ast.walk(tree) for child in ast.iter_child_nodes(node)}


def _is_safe_text(arg: ast.expr, node: ast.AST, parents: dict[ast.AST, ast.AST]) -> bool:
    """A literal, a ``query(...)`` file read, or a name that only ever holds one of those."""
    if isinstance(arg, ast.Constant) and isinstance(arg.value, str):
        return True
    if isinstance(arg, ast.Call) and isinstance(arg.func, ast.Name) and arg.func.id == "query":
        return True
    if isinstance(arg, ast.Name):
        scope: ast.AST | None = node
        while scope is not None:
            # A loop over the statements of a query file.
            if (
                isinstance(scope, ast.For)
                and isinstance(scope.target, ast.Name)
                and scope.target.id == arg.id
                and isinstance(scope.iter, ast.Call)
                and isinstance(scope.iter.func, ast.Name)
                and scope.iter.func.id == "statements"
            ):
                return True
            # The text parameter of a sink, whose own callers are checked in turn.
            if (
                isinstance(scope, ast.FunctionDef)
                and scope.name in SINKS
                and arg.id in {a.arg for a in scope.args.args}
            ):
                return True
            scope = parents.get(scope)
    return False


def _sink_calls() -> list[tuple[str, int, ast.Call, bool]]:
    found = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text(), str(path))
        parents = _parents(tree)
        for node in ast.walk(tree):
            if not (isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute)):
                continue
            if node.func.attr not in SINKS or not node.args:
                continue
            receiver = node.func.value
            if isinstance(receiver, ast.Name) and receiver.id == "subprocess":
                continue
            found.append((path.name, node.lineno, node, _is_safe_text(node.args[0], node, parents)))
    return found


class TestCallSites:
    def test_only_the_store_imports_the_driver(self) -> None:
        importers: set[str] = set()
        for path in PACKAGE.rglob("*.py"):
            for node in ast.walk(ast.parse(path.read_text())):
                names = (
                    [a.name for a in node.names]
                    if isinstance(node, ast.Import)
                    else [node.module or ""]
                    if isinstance(node, ast.ImportFrom)
                    else []
                )
                if any(n == "neo4j" or n.startswith("neo4j.") for n in names):
                    importers.add(path.relative_to(PACKAGE).parts[0])
        assert importers == {"store"}

    def test_every_cypher_text_is_a_literal_or_a_query_file(self) -> None:
        calls = _sink_calls()
        assert len(calls) >= 10  # the check sees the real call sites
        unsafe = [(name, line, ast.unparse(call)) for name, line, call, safe in calls if not safe]
        assert unsafe == []

    def test_the_check_catches_formatting(self) -> None:
        """The checker itself: f-strings, % and concatenation are refused."""
        for text in ('f"MATCH (n {{id: {x}}})"', '"MATCH " + x', '"MATCH %s" % x', '"MATCH {}".format(x)'):
            tree = ast.parse(f"def f(tx, x):\n    tx.run({text})\n")
            call = next(
                n for n in ast.walk(tree) if isinstance(n, ast.Call) and getattr(n.func, "attr", "") == "run"
            )
            assert not _is_safe_text(call.args[0], call, _parents(tree)), text

    def test_query_names_cannot_leave_the_cypher_folder(self) -> None:
        for name in ("../pyproject", "load/../../x", "MATCH (n) RETURN n", "load/companies.cypher", ""):
            with pytest.raises(StoreError, match="not the name of a query file"):
                query(name)


class TestQueryFiles:
    @pytest.mark.parametrize("path", QUERY_FILES, ids=lambda p: str(p.relative_to(ROOT / "cypher")))
    def test_no_format_fields_and_values_only_as_parameters(self, path: Path) -> None:
        body = "\n".join(ln for ln in path.read_text().splitlines() if not ln.lstrip().startswith("//"))
        # Python format fields ({name}, {0}, %s, %(name)s) would mean text is spliced in somewhere.
        assert not re.search(r"\{\s*[A-Za-z_0-9]*\s*\}", body), "a format field"
        assert not re.search(r"%(\([a-z_]+\))?[sdr]", body), "a %-format field"
        # No string literal holds anything but a fixed word (labels, states, status names).
        for literal in re.findall(r"'([^']*)'", body):
            assert re.fullmatch(r"[a-z_]*", literal), literal

    def test_every_file_is_checked(self) -> None:
        assert len(QUERY_FILES) >= 40


class TestPullColumns:
    """A node pull names one column per model property (so a new field cannot be left behind in
    Neo4j); a relationship pull returns the stored ``props`` and its link columns, all fields."""

    @pytest.mark.parametrize("section", SECTIONS)
    def test_columns_are_the_model_fields(self, section: str) -> None:
        text = query(f"pull/{section}")
        projection, _, returned = text.rpartition("RETURN ")
        assert returned.rstrip().endswith(("}) AS rows", "}] AS rows"))
        # The map each row becomes: its keys are the columns.
        keys = re.findall(r"(\w+): ", returned[returned.index("{") :])
        if returned.startswith("collect("):  # one record: every column projected under its own name
            columns = re.findall(r"\bAS\s+(\w+)\s*(?:,|$)", projection, re.M)
            assert re.findall(r"(\w+): (\w+)", returned) == [(c, c) for c in columns]
        else:  # records of $chunk rows: each row's map built from the node or relationship
            assert "$chunk" in text and returned.startswith("[")
        fields = list(dict(schema(section)))
        if "props" in keys:
            links = [k for k in keys if k != "props"]
            assert set(links) <= set(fields), links
        else:
            assert sorted(keys) == sorted(fields)
