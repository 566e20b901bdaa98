"""Snapshots of a Neo4j graph (``snapshot.chain_of_store``) and the state they are keyed by
(``Store.state``), against a real server."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest
from neo4j import GraphDatabase

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.snapshot import chain_of_store
from graphlib_trade.sources import load_dataset
from graphlib_trade.store import Connection, Store
from tests.store.test_store import cypher

pytestmark = pytest.mark.neo4j

HUAWEI = Path(__file__).resolve().parents[2] / "fixtures" / "huawei_2019.yaml"
DAY = dt.date(2019, 5, 20)
RENAME = "MATCH (c:Company {id: 'huawei'}) SET c.name = $name"


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "snapshots"
    monkeypatch.setenv("GRAPHLIB_TRADE_CACHE", str(folder))
    monkeypatch.delenv("GRAPHLIB_TRADE_SNAPSHOTS", raising=False)
    return folder


class TestState:
    def test_the_same_until_something_is_committed(self, store: Store, neo4j_connection: Connection) -> None:
        store.load(load_dataset(HUAWEI))
        first = store.state()
        assert first is not None
        store.pull()  # reads commit nothing
        assert store.state() == first
        cypher(neo4j_connection, RENAME, name="Huawei (edited in Browser)")  # anyone's commit
        assert store.state() != first

    def test_a_write_back_is_a_commit(self, store: Store) -> None:
        ds = load_dataset(HUAWEI)
        store.load(ds)
        before = store.state()
        store.write_back(impact(SupplyChain.from_dataset(ds), DAY))
        assert store.state() != before

    def test_a_change_of_users_is_a_new_state(self, store: Store, neo4j_connection: Connection) -> None:
        # Users and their rights are committed on the system database, not on the graph's.
        store.load(load_dataset(HUAWEI))
        before = store.state()
        with GraphDatabase.driver(
            neo4j_connection.uri, auth=(neo4j_connection.user, neo4j_connection.password)
        ) as d:
            d.execute_query(
                "CREATE USER snapshot_probe IF NOT EXISTS SET PLAINTEXT PASSWORD 'probe-password-1' "
                "CHANGE NOT REQUIRED",
                database_="system",
            )
            try:
                assert store.state() != before
            finally:
                d.execute_query("DROP USER snapshot_probe IF EXISTS", database_="system")

    def test_never_holds_the_password(self, store: Store, neo4j_connection: Connection) -> None:
        state = store.state()
        assert state is not None and neo4j_connection.password not in state


class TestChainOfStore:
    def test_an_unchanged_graph_is_read_from_its_snapshot(self, store: Store, cache: Path) -> None:
        ds = load_dataset(HUAWEI)
        store.load(ds)
        heard: list[str] = []
        chain_of_store(store, heard.append)
        again = chain_of_store(store, heard.append)
        assert "kept a snapshot" in heard[0] and "has not changed since it was read" in heard[1]
        assert len(list(cache.glob("*.pickle"))) == 1
        # The snapshot's answers are those of the data file itself.
        assert impact(again, DAY) == impact(SupplyChain.from_dataset(ds), DAY)

    def test_any_commit_since_is_read_again(
        self, store: Store, cache: Path, neo4j_connection: Connection
    ) -> None:
        store.load(load_dataset(HUAWEI))
        chain_of_store(store)
        cypher(neo4j_connection, RENAME, name="Huawei (edited in Browser)")
        heard: list[str] = []
        chain = chain_of_store(store, heard.append)
        assert chain.companies["huawei"].name == "Huawei (edited in Browser)"
        assert "has not changed" not in heard[0] and "kept a snapshot" in heard[0]

    def test_a_partial_graph_is_not_kept(
        self, store: Store, cache: Path, neo4j_connection: Connection
    ) -> None:
        # A load that stopped half way: its journal entry still 'running', its loader silent
        # for longer than its stale time.  Read with allow_partial, it leaves no snapshot.
        store.load(load_dataset(HUAWEI))
        cypher(
            neo4j_connection,
            "CREATE (:GraphlibTradeLoad {stamp: 'cut', source: 'half.yaml', replace: false, rows: 10,"
            " committed: 4, section: 'supplies', state: 'running', stale_after: 1,"
            " started: datetime() - duration('PT1M'), heartbeat: datetime() - duration('PT1M')})",
        )
        heard: list[str] = []
        chain_of_store(store, heard.append, allow_partial=True)
        assert "partial: no snapshot kept" in heard[0]
        assert list(cache.glob("*.pickle")) == []

    def test_off_when_asked(self, store: Store, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        store.load(load_dataset(HUAWEI))
        monkeypatch.setenv("GRAPHLIB_TRADE_SNAPSHOTS", "0")
        chain_of_store(store)
        assert not cache.exists()
