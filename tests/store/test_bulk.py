"""`load --bulk`: neo4j-admin's offline import into the local server's empty database.

It restarts the server, so it runs on its own local instance (``run-bulk`` in the server's home,
ports 7689/7476), never on the shared test server or an analyst's.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphlib_trade.cli import cli
from graphlib_trade.errors import StoreError
from graphlib_trade.sources import load_dataset
from graphlib_trade.store import Connection, LocalServer, Store, bulk_load, default_home
from tests.store.test_store import checksum, expected_counts, without_stamps

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).parent.parent.parent
HUAWEI = ROOT / "fixtures" / "huawei_2019.yaml"
BULK_SERVER = LocalServer(
    home=default_home(), bolt_port=7689, http_port=7476, heap="768m", pagecache="256m", instance="run-bulk"
)


@pytest.fixture(scope="module")
def server() -> Iterator[LocalServer]:
    BULK_SERVER.stop()
    shutil.rmtree(BULK_SERVER.run_dir, ignore_errors=True)
    try:
        yield BULK_SERVER
    finally:
        BULK_SERVER.stop()
        shutil.rmtree(BULK_SERVER.run_dir, ignore_errors=True)


def conn(server: LocalServer) -> Connection:
    return Connection(server.uri, "neo4j", server.password() or "")


class TestBulkLoad:
    def test_import_equals_the_file_and_an_online_load(
        self, server: LocalServer, neo4j_connection: Connection
    ) -> None:
        ds = load_dataset(HUAWEI)
        stats = bulk_load(ds, server)
        assert (stats["nodes"], stats["relationships"]) == expected_counts(HUAWEI)
        with Store(conn(server)) as store:
            assert store.pull().canonical() == ds.canonical()
            constraints = store.run_read("counts")
            assert (constraints[0]["nodes"], constraints[0]["relationships"]) == expected_counts(HUAWEI)
        # The same graph as an online load, property for property (load stamps aside).
        with Store(neo4j_connection) as online:
            online.clear()
            online.load(ds)
        assert without_stamps(checksum(conn(server))) == without_stamps(checksum(neo4j_connection))

    def test_refuses_a_database_that_is_not_empty(self, server: LocalServer) -> None:
        with Store(conn(server)) as store:
            if store.is_empty():
                pytest.skip("runs after the import test")
            before = store.counts()
        with pytest.raises(StoreError, match="is not empty: a bulk import is for an empty database"):
            bulk_load(load_dataset(HUAWEI), server)
        with Store(conn(server)) as store:
            assert store.counts() == before

    def test_cli_refuses_a_remote_server(self, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("NEO4J_URI", "neo4j+s://graph.example.com")
        monkeypatch.setenv("NEO4J_PASSWORD", "Remote-Secret-9")
        r = CliRunner().invoke(cli, ["load", "--bulk", str(HUAWEI)])
        assert r.exit_code == 4
        assert "--bulk imports offline into the local server's files" in r.output
        assert "Remote-Secret-9" not in r.output and "Traceback" not in r.output

    def test_cli_bulk_into_the_local_server(
        self, monkeypatch: pytest.MonkeyPatch, server: LocalServer
    ) -> None:
        server.stop()
        shutil.rmtree(server.run_dir, ignore_errors=True)
        monkeypatch.delenv("NEO4J_URI", raising=False)
        monkeypatch.setenv("GRAPHLIB_TRADE_BOLT_PORT", str(server.bolt_port))
        monkeypatch.setenv("GRAPHLIB_TRADE_HTTP_PORT", str(server.http_port))
        monkeypatch.setattr(LocalServer, "from_env", classmethod(lambda cls: server))
        nodes, rels = expected_counts(HUAWEI)
        r = CliRunner().invoke(cli, ["load", "--bulk", str(HUAWEI)])
        assert r.exit_code == 0, r.output
        assert f"{nodes} nodes, {rels} relationships" in r.output
        assert server.password() not in r.output
        r = CliRunner().invoke(cli, ["load", "--bulk", str(HUAWEI)])
        assert r.exit_code == 4 and "is not empty" in r.output
        assert os.stat(server.password_file).st_mode & 0o077 == 0
