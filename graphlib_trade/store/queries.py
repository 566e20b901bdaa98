"""The Cypher queries: every one a ``.cypher`` file shipped with the package, taking values only
as parameters (a test checks that no query text is built from values)."""

from __future__ import annotations

import re
from functools import cache
from importlib import resources
from pathlib import Path
from typing import LiteralString

from graphlib_trade.errors import StoreError


def _cypher_dir() -> Path:
    here = Path(__file__).resolve().parents[2] / "cypher"
    if (here / "schema.cypher").is_file():
        return here
    return Path(str(resources.files("graphlib_trade.cypher")))


_QUERY_NAME = re.compile(r"^[a-z_]+(/[a-z0-9_]+)?$")


@cache
def query(name: str) -> LiteralString:
    """The text of ``cypher/NAME.cypher`` (comment lines kept: Neo4j ignores them)."""
    if not _QUERY_NAME.match(name):
        raise StoreError(f"{name!r} is not the name of a query file (folder/name, lower case)")
    path = _cypher_dir() / f"{name}.cypher"
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        raise StoreError(f"query file {path} is missing") from None
    # The text is a file shipped with the package, never built from user values.
    return text


def statements(name: str) -> list[LiteralString]:
    """The ``;``-separated statements of a multi-statement file such as ``schema.cypher``."""
    body = "\n".join(line for line in query(name).splitlines() if not line.lstrip().startswith("//"))
    return [s.strip() for s in body.split(";") if s.strip()]
