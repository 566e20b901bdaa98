"""A real Neo4j server for the store tests.

In order of preference: the server named by ``NEO4J_URI`` (with ``NEO4J_USER`` and
``NEO4J_PASSWORD``); a testcontainers ``Neo4jContainer`` when a Docker engine answers
a ping; else a local Neo4j Community server from Maven Central artifacts, in its own
instance folder (``run-test`` in the server's home) on ports 7688/7475, started here and stopped at
the end.  Tests clear the graph, so they never use the analyst's instance.
"""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest

from graphlib_trade.store import Connection, LocalServer, Store, default_home

TEST_SERVER = LocalServer(
    home=default_home(),
    bolt_port=int(os.environ.get("GRAPHLIB_TRADE_TEST_BOLT_PORT", "7688")),
    http_port=int(os.environ.get("GRAPHLIB_TRADE_TEST_HTTP_PORT", "7475")),
    heap="768m",
    pagecache="256m",
    instance="run-test",
)


def _docker_engine_answers() -> bool:
    try:
        import docker

        client = docker.from_env(timeout=3)
        return bool(client.ping())
    except Exception:
        return False


@pytest.fixture(scope="session")
def neo4j_connection() -> Iterator[Connection]:
    if os.environ.get("NEO4J_URI"):
        yield Connection(
            uri=os.environ["NEO4J_URI"],
            user=os.environ.get("NEO4J_USER", "neo4j"),
            password=os.environ.get("NEO4J_PASSWORD", ""),
            database=os.environ.get("NEO4J_DATABASE") or None,
        )
        return
    if os.environ.get("GRAPHLIB_TRADE_USE_DOCKER", "auto") != "no" and _docker_engine_answers():
        from testcontainers.neo4j import Neo4jContainer

        with Neo4jContainer("neo4j:5.26-community") as container:
            yield Connection(container.get_connection_url(), "neo4j", container.password)
        return
    was_running = TEST_SERVER.pid() is not None
    TEST_SERVER.start()
    password = TEST_SERVER.password()
    assert password
    try:
        yield Connection(TEST_SERVER.uri, "neo4j", password)
    finally:
        if not was_running:
            TEST_SERVER.stop()


@pytest.fixture
def store(neo4j_connection: Connection) -> Iterator[Store]:
    """A store on an empty graph."""
    with Store(neo4j_connection) as s:
        s.clear()
        yield s
