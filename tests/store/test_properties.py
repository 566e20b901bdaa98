"""File and Neo4j agree, on hypothesis-generated supply chains: a graph written to a file and
loaded into Neo4j reads back as the same model and gives the same impact on every date."""

from __future__ import annotations

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.files import write_text_atomic
from graphlib_trade.models import Dataset
from graphlib_trade.sources import dump_dataset, load_dataset
from graphlib_trade.store import Store
from tests.strategies import DATES, datasets

pytestmark = pytest.mark.neo4j


class TestFileAndNeo4jAgree:
    @settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
    @given(datasets)
    def test_same_model_and_same_impact(self, store: Store, ds: Dataset) -> None:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "drawn.json"
            write_text_atomic(path, dump_dataset(ds, "json"))
            from_file = load_dataset(path)
        store.load(from_file, replace=True)
        from_neo4j = store.pull()
        assert from_neo4j.canonical() == from_file.canonical() == ds.canonical()
        file_graph, neo4j_graph = SupplyChain.from_dataset(from_file), SupplyChain.from_dataset(from_neo4j)
        for day in DATES:
            assert impact(neo4j_graph, day) == impact(file_graph, day)
