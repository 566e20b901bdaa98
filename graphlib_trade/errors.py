"""One base error per layer; the CLI alone turns them into messages and exit codes."""

from __future__ import annotations


class GraphlibTradeError(Exception):
    """Base of every error this package raises on purpose."""

    exit_code = 1


class DataError(GraphlibTradeError):
    """The data file (or data pulled from Neo4j) is malformed or inconsistent.

    ``source`` names where the data came from (a file path or ``neo4j://...``);
    ``problems`` are one line each, every line naming the entry and the value.
    """

    exit_code = 2

    def __init__(self, source: str, problems: list[str]) -> None:
        self.source = source
        self.problems = list(problems)
        super().__init__(self._render())

    def _render(self) -> str:
        shown = self.problems[:20]
        if len(self.problems) == 1:
            return f"{self.source}: {shown[0]}"
        lines = [f"{self.source}: {len(self.problems)} problems"]
        lines += [f"  - {p}" for p in shown]
        if len(self.problems) > len(shown):
            lines.append(f"  ... and {len(self.problems) - len(shown)} more")
        return "\n".join(lines)


class ScenarioError(GraphlibTradeError):
    """A what-if change names something that does not exist or is malformed."""

    exit_code = 2


class AnalysisError(GraphlibTradeError):
    """The graph cannot be analysed as it stands (e.g. a bill of materials with a cycle)."""

    exit_code = 3


class StoreError(GraphlibTradeError):
    """Neo4j is unreachable, refused the credentials, or a query failed."""

    exit_code = 4


class RenderError(GraphlibTradeError):
    """An output format cannot be produced here (e.g. SVG without Graphviz's ``dot``)."""

    exit_code = 5


class OutputError(GraphlibTradeError):
    """An output file (``-o``, ``--out``) cannot be written; nothing is left half-written."""

    exit_code = 5
