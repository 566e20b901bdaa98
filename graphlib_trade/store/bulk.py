"""Offline bulk import into the local server's empty database (``neo4j-admin database import``)."""

from __future__ import annotations

import os
import shutil
import uuid

from graphlib_trade.errors import StoreError
from graphlib_trade.models import Dataset
from graphlib_trade.sources import write_csv_folder
from graphlib_trade.store.connection import Connection
from graphlib_trade.store.localserver import LocalServer
from graphlib_trade.store.store import Store


def bulk_server() -> LocalServer:
    """The local server a bulk import writes into; refused when ``NEO4J_URI`` names another server."""
    if os.environ.get("NEO4J_URI"):
        raise StoreError(
            "--bulk imports offline into the local server's files; with NEO4J_URI set, use `load` "
            "(online), or run neo4j-admin database import on that server with a CSV folder from "
            "`graphlib-trade export --format csv`"
        )
    return LocalServer.from_env()


def bulk_load(dataset: Dataset, server: LocalServer) -> dict[str, float]:
    """Import ``dataset`` into the local server's empty database with ``neo4j-admin`` (offline).

    Starts the server to check the database is empty (a bulk import replaces the
    database files, so it refuses anything else), writes the validated data as a CSV
    folder, stops the server, imports, starts it again and creates the schema.
    Returns the import tool's counts and seconds.
    """
    server.start()
    conn = Connection(server.uri, "neo4j", server.password() or "")
    with Store(conn) as store:
        if not store.is_empty():
            raise StoreError(
                f"the database at {server.uri} is not empty: a bulk import is for an empty database "
                "(use `load` to merge into it, or clear it first)"
            )
    staging = server.run_dir / "import" / f"bulk-{uuid.uuid4().hex}"
    try:
        folder = write_csv_folder(dataset, staging)
        server.stop()
        try:
            stats = server.bulk_import(
                folder.node_files, folder.relationship_files, multiline=folder.multiline
            )
        finally:
            server.start()
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    with Store(conn) as store:
        store.apply_schema()
        empty = [{"id": r.id} for r in dataset.restrictions if not r.origins]
        if empty:
            store.run_write("load/bulk_empty_origins", "completing the bulk import", rows=empty)
    return stats
