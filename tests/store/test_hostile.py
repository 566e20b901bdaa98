"""Hostile input against the real store: strange ids and names round-trip verbatim through load,
pull, write-back and the CLI, and malformed files of every kind leave the database untouched."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from click.testing import CliRunner

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.cli import cli
from graphlib_trade.models import parse_dataset
from graphlib_trade.store import Connection, Store
from tests.helpers import bom, company, component, product, restriction, supply
from tests.malformed import CASES
from tests.store.test_store import _point_cli_at, checksum, cypher

pytestmark = pytest.mark.neo4j

#: Each is used as an id and as a name: injection attempts, quoting, keywords, control
#: characters, unicode (RTL override, zero-width, astral), edge whitespace, the longest id allowed
#: (1,000 four-byte characters: 4,000 bytes in Neo4j's index).  Names also get 100,000 characters.
HOSTILE = [
    "x'); MATCH (n) DETACH DELETE n //",
    'x"}) DETACH DELETE n RETURN 1 //',
    "`backtick` ``double``",
    "{id: 'brace'} $rows ${stamp}",
    "MATCH",
    "CALL dbms.security.createUser('eve', 'pw', false)",
    "line one\nline two\r\nthree\ttab",
    "back\\slash \\n not a newline",
    "é中文 Ωμέγα 🚢 \u202eRTL\u200bzero-width",
    "  leading and trailing  ",
    "null",
    "🚢" * 998,  # with its 'p:' prefix, 1,000
]
LONG_NAME = "n" * 100_000


def hostile_sections() -> dict[str, list[dict[str, Any]]]:
    """For each hostile string s: a listed maker 's' whose product 'p:s' needs the US chip 'c:s'."""
    sections: dict[str, list[dict[str, Any]]] = {
        "companies": [company("us")],
        "components": [],
        "supplies": [],
        "products": [],
        "bom": [],
        "end_users": [],
        "uses": [],
    }
    for s in HOSTILE:
        sections["companies"].append({**company(s, "CN"), "name": s + LONG_NAME})
        sections["components"].append({**component(f"c:{s}"), "note": s})
        sections["supplies"].append(supply("us", f"c:{s}"))
        sections["products"].append({**product(f"p:{s}", s), "name": s})
        sections["bom"].append(bom(f"p:{s}", f"c:{s}"))
        sections["end_users"].append({"id": f"u:{s}", "name": s})
        sections["uses"].append({"user": f"u:{s}", "product": f"p:{s}"})
    sections["restrictions"] = [{**restriction(f"el:{HOSTILE[0]}", list(HOSTILE)), "name": HOSTILE[3]}]
    return sections


class TestHostileStrings:
    def test_load_pull_round_trip_verbatim(self, store: Store, neo4j_connection: Connection) -> None:
        ds = parse_dataset(hostile_sections(), "hostile")
        store.load(ds)
        assert store.pull().canonical() == ds.canonical()
        # Nothing was executed: by hand, 'us', then a company, component, product and end user
        # per string, then the restriction.
        assert store.counts()["nodes"] == 1 + 4 * len(HOSTILE) + 1

    def test_write_back_finds_every_hostile_id(self, store: Store, neo4j_connection: Connection) -> None:
        ds = parse_dataset(hostile_sections(), "hostile")
        store.load(ds)
        store.write_back(impact(SupplyChain.from_dataset(ds), dt.date(2019, 6, 1)))
        rows = cypher(
            neo4j_connection,
            "UNWIND $ids AS id MATCH (p:Product {id: id}) RETURN p.id AS id, p.impact_status AS status",
            ids=[f"p:{s}" for s in HOSTILE],
        )
        # By hand: every maker is listed and every product needs a US chip, so every product is blocked.
        assert {r["id"]: r["status"] for r in rows} == {f"p:{s}": "blocked" for s in HOSTILE}
        users = cypher(
            neo4j_connection,
            "UNWIND $ids AS id MATCH (u:EndUser {id: id}) RETURN u.impact_status AS status",
            ids=[f"u:{s}" for s in HOSTILE],
        )
        assert [u["status"] for u in users] == ["blocked"] * len(HOSTILE)

    def test_cli_load_and_export_verbatim(
        self, store: Store, neo4j_connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        ds = parse_dataset(hostile_sections(), "hostile")
        path = tmp_path / "hostile.json"
        path.write_text(json.dumps(ds.to_raw(), default=str, ensure_ascii=False), encoding="utf-8")
        _point_cli_at(monkeypatch, neo4j_connection)
        r = CliRunner().invoke(cli, ["load", str(path)])
        assert r.exit_code == 0, r.output
        for fmt in ("json", "yaml"):
            out = tmp_path / f"export.{fmt}"
            r = CliRunner().invoke(cli, ["export", "--format", fmt, "-o", str(out)])
            assert r.exit_code == 0, r.output
            r = CliRunner().invoke(cli, ["validate", str(out)])
            assert r.exit_code == 0, r.output
            from graphlib_trade.sources import load_dataset

            assert load_dataset(out).canonical() == ds.canonical()


class TestMalformedFilesLeaveTheDatabaseUntouched:
    @pytest.mark.parametrize("case", list(CASES))
    def test_load_refuses_and_writes_nothing(
        self,
        case: str,
        store: Store,
        neo4j_connection: Connection,
        tmp_path: Path,
        monkeypatch: pytest.MonkeyPatch,
    ) -> None:
        store.load(parse_dataset(hostile_sections(), "hostile"))
        before = checksum(neo4j_connection)
        make, words = CASES[case]
        path = make(tmp_path)
        _point_cli_at(monkeypatch, neo4j_connection)
        for args in (["load", str(path)], ["load", "--replace", str(path)]):
            r = CliRunner().invoke(cli, args)
            assert r.exit_code == 2, r.output
            assert r.output.startswith(f"graphlib-trade: error: {path}") and words in r.output
            assert "Traceback" not in r.output
        assert checksum(neo4j_connection) == before
        assert store.open_loads() == []
