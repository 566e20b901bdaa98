"""Which Neo4j the commands use: ``NEO4J_URI`` and friends, else the local server."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping

from graphlib_trade.errors import StoreError
from graphlib_trade.store.connection import Connection, retry_seconds
from graphlib_trade.store.localserver import LocalServer


def connection_from_env(
    env: Mapping[str, str] | None = None, local_password: Callable[[], str | None] | None = None
) -> Connection:
    """``NEO4J_URI`` / ``NEO4J_USER`` / ``NEO4J_PASSWORD`` / ``NEO4J_DATABASE``, else the local server."""
    env = os.environ if env is None else env
    retry = retry_seconds(env.get("GRAPHLIB_TRADE_RETRY_SECONDS"))
    uri = env.get("NEO4J_URI")
    if uri:
        return Connection(
            uri=uri,
            user=env.get("NEO4J_USER", "neo4j"),
            password=env.get("NEO4J_PASSWORD", ""),
            database=env.get("NEO4J_DATABASE") or None,
            retry_seconds=retry,
        )
    server = LocalServer.from_env()
    password = (local_password or server.password)()
    if password is None:
        raise StoreError(
            "no Neo4j configured: set NEO4J_URI (and NEO4J_USER, NEO4J_PASSWORD), "
            "or start the local server with `graphlib-trade server start`"
        )
    return Connection(uri=server.uri, user="neo4j", password=password, database=None, retry_seconds=retry)
