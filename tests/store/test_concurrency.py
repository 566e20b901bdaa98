"""Concurrent use of one Neo4j store: two loads of overlapping data at once, impact queries meanwhile.

A is a generated graph of 2,000 nodes plus the Huawei case; B is the same generated graph
plus the multi-tier fixture, so the two loads MERGE the same 2,000-node core at the same
time (and deadlock on it now and then, which the driver retries).  Small batches stretch
each load over hundreds of transactions so that they really overlap.
"""

from __future__ import annotations

import datetime as dt
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.generate import generate
from graphlib_trade.models import SECTIONS, Dataset, ImpactResult, parse_dataset
from graphlib_trade.sources import read_raw
from graphlib_trade.store import Connection, Store
from tests.store.test_store import checksum, duplicate_counts, without_stamps

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

ROOT = Path(__file__).parent.parent.parent
DATES = (dt.date(2019, 5, 20), dt.date(2020, 1, 1), dt.date(2020, 9, 15), dt.date(2021, 6, 1))
READERS = 3
BATCH = 40


def union(*raws: dict[str, Any]) -> Dataset:
    merged = {section: [row for raw in raws for row in (raw.get(section) or [])] for section in SECTIONS}
    return parse_dataset(merged, "union")


@pytest.fixture(scope="module")
def datasets() -> tuple[Dataset, Dataset]:
    core = generate(2000, seed=3)
    a = union(core, read_raw(ROOT / "fixtures" / "huawei_2019.yaml"))
    b = union(core, read_raw(ROOT / "fixtures" / "small" / "multi_tier.yaml"))
    return a, b


def ids(ds: Dataset) -> set[str]:
    sections = ("lists", "companies", "components", "products", "end_users", "restrictions", "licences")
    return {entry.id for section in sections for entry in getattr(ds, section)}


def answers(store: Store) -> list[ImpactResult]:
    graph = SupplyChain.from_dataset(store.pull())
    return [impact(graph, day) for day in DATES]


def in_threads(*jobs: Callable[[], Any]) -> tuple[list[Any], list[BaseException]]:
    results: list[Any] = [None] * len(jobs)
    errors: list[BaseException] = []

    def run(i: int, job: Callable[[], Any]) -> None:
        try:
            results[i] = job()
        except BaseException as exc:  # collected and asserted on below
            errors.append(exc)

    threads = [threading.Thread(target=run, args=(i, job)) for i, job in enumerate(jobs)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=900)
    assert not any(t.is_alive() for t in threads), "a concurrent job hung"
    return results, errors


class TestConcurrentLoads:
    def test_two_overlapping_loads_and_readers_match_a_sequential_run(
        self,
        neo4j_connection: Connection,
        datasets: tuple[Dataset, Dataset],
        caplog: pytest.LogCaptureFixture,
    ) -> None:
        a, b = datasets
        # The sequential run: A then B, one at a time.
        with Store(neo4j_connection) as store:
            store.clear()
            store.load(a)
            store.load(b)
            sequential_graph = without_stamps(checksum(neo4j_connection))
            sequential = answers(store)
            store.clear()
        # The union holds one node per distinct id of A and B: the shared core once.
        assert len({r["id"] for r in sequential_graph}) == len(ids(a) | ids(b)) < len(ids(a)) + len(ids(b))

        started = threading.Event()

        def load(ds: Dataset) -> Callable[[], dict[str, int]]:
            def job() -> dict[str, int]:
                with Store(neo4j_connection) as store:
                    return store.load(ds, batch_size=BATCH, progress=lambda *_: started.set())

            return job

        def read() -> list[ImpactResult]:
            started.wait(timeout=120)
            with Store(neo4j_connection) as store:
                assert store.open_loads(), "the reader should start while a load is running"
                return answers(store)

        results, errors = in_threads(load(a), load(b), *[read] * READERS)
        assert errors == []
        retried = sum("will be retried" in r.getMessage() for r in caplog.records)
        print(f"concurrent loads: {retried} transactions retried by the driver (deadlocks and the like)")
        for reader in results[2:]:
            assert reader == sequential
        assert duplicate_counts(neo4j_connection) == (0, 0)
        assert without_stamps(checksum(neo4j_connection)) == sequential_graph
        with Store(neo4j_connection) as store:
            assert store.open_loads() == []

    def test_replace_refuses_to_run_beside_another_load(
        self, neo4j_connection: Connection, datasets: tuple[Dataset, Dataset]
    ) -> None:
        a, b = datasets
        started = threading.Event()
        refused: list[str] = []

        def slow_load() -> None:
            with Store(neo4j_connection) as store:
                store.load(a, batch_size=BATCH, progress=lambda *_: started.set())

        def replace() -> None:
            started.wait(timeout=120)
            with Store(neo4j_connection) as store:
                try:
                    store.load(b, replace=True)
                except Exception as exc:
                    refused.append(str(exc))

        with Store(neo4j_connection) as store:
            store.clear()
        _, errors = in_threads(slow_load, replace)
        assert errors == []
        assert len(refused) == 1
        assert "another load" in refused[0] and "--replace runs alone" in refused[0]
        # The refused replace wrote nothing: the graph is A alone.
        with Store(neo4j_connection) as store:
            assert store.pull().canonical() == a.canonical()
