"""Neo4j as the system of record: the only package that imports the ``neo4j`` driver.

- :mod:`~graphlib_trade.store.queries`: the ``.cypher`` files, values only as parameters;
- :mod:`~graphlib_trade.store.connection`: where the store is, retries, how failures read;
- :mod:`~graphlib_trade.store.config`: which store the environment names;
- :mod:`~graphlib_trade.store.rows`: rows to load, data from pulled rows (pure);
- :mod:`~graphlib_trade.store.journal`: the load journal in words (pure);
- :mod:`~graphlib_trade.store.store`: :class:`Store`: load, pull, write back;
- :mod:`~graphlib_trade.store.localserver`: a local Neo4j Community server from Maven Central;
- :mod:`~graphlib_trade.store.bulk`: offline bulk import into the local server.
"""

from __future__ import annotations

from graphlib_trade.store.bulk import bulk_load, bulk_server
from graphlib_trade.store.config import connection_from_env
from graphlib_trade.store.connection import Connection, retry_seconds, retrying, translate
from graphlib_trade.store.journal import STALE_MARGIN, describe_load, interrupted_summary, is_live
from graphlib_trade.store.localserver import LocalServer, default_home
from graphlib_trade.store.queries import query, statements
from graphlib_trade.store.rows import LOAD_ORDER, load_rows, raw_from_records, rows_digest, write_back_rows
from graphlib_trade.store.store import BATCH_SIZE, WAIT_SECONDS, Store

__all__ = [
    "BATCH_SIZE",
    "LOAD_ORDER",
    "STALE_MARGIN",
    "WAIT_SECONDS",
    "Connection",
    "LocalServer",
    "Store",
    "bulk_load",
    "bulk_server",
    "connection_from_env",
    "default_home",
    "describe_load",
    "interrupted_summary",
    "is_live",
    "load_rows",
    "query",
    "raw_from_records",
    "retry_seconds",
    "retrying",
    "rows_digest",
    "statements",
    "translate",
    "write_back_rows",
]
