"""The Neo4j store, against a real server (see conftest.py): schema, load, round trip, write-back."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any, ClassVar

import pytest
import yaml
from click.testing import CliRunner
from neo4j import GraphDatabase

from graphlib_trade.analysis import SupplyChain, explain, impact, rank, reach, timeline, whatif
from graphlib_trade.cli import cli
from graphlib_trade.errors import StoreError
from graphlib_trade.models import Dataset, Grant, Scenario, parse_dataset
from graphlib_trade.sources import load_dataset
from graphlib_trade.store import Connection, Store, load_rows, query, statements
from tests.helpers import basic, company, component, supply

pytestmark = pytest.mark.neo4j

ROOT = Path(__file__).parent.parent.parent
# Data files only: fixtures/scenarios holds scenario files, not data.
FIXTURES = sorted(
    p for p in (ROOT / "fixtures").rglob("*.yaml") if not {"scenarios", "imports"} & set(p.parts)
)
DATES = [dt.date(2019, 5, 15), dt.date(2019, 5, 20), dt.date(2019, 7, 1), dt.date(2020, 9, 15)]


def cypher(conn: Connection, text: str, **params: Any) -> list[dict[str, Any]]:
    """A plain Cypher query, independent of the store code."""
    with GraphDatabase.driver(conn.uri, auth=(conn.user, conn.password)) as driver:
        records, _, _ = driver.execute_query(text, params, database_=conn.database)
        return [r.data() for r in records]


def expected_counts(path: Path) -> tuple[int, int]:
    ds = load_dataset(path)
    nodes = sum(
        len(getattr(ds, s))
        for s in ("lists", "companies", "components", "products", "end_users", "restrictions", "licences")
    )
    rels = (
        len(ds.ownership)
        + len(ds.supplies)
        + len(ds.bom)
        + len(ds.services)
        + len(ds.uses)
        + len(ds.products)
        + sum(len(r.targets) + (r.list is not None) for r in ds.restrictions)  # TARGETS, ON_LIST
        + len(ds.licences)
    )
    return nodes, rels


def lists_in_force(ds: Dataset, day: dt.date) -> list[str]:
    """The lists whose affiliates rule holds on ``day`` (the peer query takes them)."""
    return [x.id for x in ds.lists if x.affiliates_on(day) is not None]


def checksum(conn: Connection) -> list[Any]:
    """Every graph node with its properties and outgoing relationships (the load journal aside)."""
    return cypher(
        conn,
        "MATCH (n) WHERE NOT n:GraphlibTradeLoad OPTIONAL MATCH (n)-[r]->(m) "
        "WITH n, r, m ORDER BY n.id, type(r), m.id "
        "RETURN labels(n) AS l, n.id AS id, properties(n) AS p, type(r) AS t, properties(r) AS rp, m.id AS m",
    )


def duplicate_counts(conn: Connection) -> tuple[int, int]:
    """Nodes sharing a label and id, and relationships of one type repeated between two nodes."""
    (row,) = cypher(
        conn,
        "CALL { MATCH (n) WHERE n.id IS NOT NULL WITH labels(n) AS l, n.id AS id, count(*) AS c "
        "WHERE c > 1 RETURN count(*) AS nodes } "
        "CALL { MATCH (a)-[r]->(b) WITH a, b, type(r) AS t, count(*) AS c WHERE c > 1 "
        "RETURN count(*) AS relationships } RETURN nodes, relationships",
    )
    return row["nodes"], row["relationships"]


def without_stamps(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    for row in rows:
        for key in ("p", "rp"):
            if row[key]:
                row[key].pop("load_stamp", None)
    return rows


class TestSchema:
    def test_one_uniqueness_constraint_per_label(self, store: Store, neo4j_connection: Connection) -> None:
        store.apply_schema()
        rows = cypher(neo4j_connection, "SHOW CONSTRAINTS YIELD labelsOrTypes, properties, type")
        unique = {(r["labelsOrTypes"][0], tuple(r["properties"])) for r in rows if r["type"] == "UNIQUENESS"}
        for label in ("Company", "Component", "Product", "EndUser", "Restriction", "Licence"):
            assert (label, ("id",)) in unique

    def test_schema_is_idempotent(self, store: Store) -> None:
        store.apply_schema()
        store.apply_schema()

    def test_statements_split(self) -> None:
        # One uniqueness constraint per node label (seven, lists included) and the journal's.
        assert len(statements("schema")) == 8


class TestLoad:
    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
    def test_counts(self, store: Store, path: Path) -> None:
        store.load(load_dataset(path))
        nodes, rels = expected_counts(path)
        assert store.counts() == {"nodes": nodes, "relationships": rels}

    def test_reload_changes_nothing(self, store: Store, neo4j_connection: Connection) -> None:
        ds = load_dataset(ROOT / "fixtures" / "huawei_2019.yaml")
        store.load(ds)
        first, counts = without_stamps(checksum(neo4j_connection)), store.counts()
        store.load(ds)
        assert store.counts() == counts
        assert without_stamps(checksum(neo4j_connection)) == first

    def test_empty_only_loads_into_an_empty_database_and_refuses_any_other(
        self, store: Store, neo4j_connection: Connection
    ) -> None:
        multi = load_dataset(ROOT / "fixtures" / "small" / "multi_tier.yaml")
        store.load(multi, empty_only=True)  # empty: it loads
        before = without_stamps(checksum(neo4j_connection))
        huawei = load_dataset(ROOT / "fixtures" / "huawei_2019.yaml")
        with pytest.raises(StoreError, match="is not empty; this load only goes into an empty database"):
            store.load(huawei, empty_only=True, replace=True)
        # Nothing written: the graph (and its journal) are as they were.
        assert without_stamps(checksum(neo4j_connection)) == before
        assert store.pull().canonical() == multi.canonical()

    def test_small_batches_give_the_same_graph(self, store: Store, neo4j_connection: Connection) -> None:
        ds = load_dataset(ROOT / "fixtures" / "huawei_2019.yaml")
        store.load(ds, batch_size=7)
        assert store.pull().canonical() == ds.canonical()

    def test_merge_keeps_and_replace_removes(self, store: Store) -> None:
        big = parse_dataset(
            basic(
                companies=[company("extra", "DE")],
                components=[component("c2")],
                supplies=[supply("extra", "c2")],
            ),
            "big",
        )
        small = parse_dataset(basic(), "small")
        store.load(big)
        store.load(small)
        assert "extra" in {c.id for c in store.pull().companies}
        sent = store.load(small, replace=True)
        assert sent["removed"] == 3  # the SUPPLIES relationship, then the nodes extra and c2
        assert store.pull().canonical() == small.canonical()

    def test_progress_reports_every_section(self, store: Store) -> None:
        seen: dict[str, tuple[int, int]] = {}
        store.load(parse_dataset(basic(), "x"), progress=lambda s, d, t: seen.__setitem__(s, (d, t)))
        assert seen["companies"] == (2, 2) and seen["bom_product"] == (1, 1) and seen["ownership"] == (0, 0)

    def test_removed_property_is_removed(self, store: Store) -> None:
        sections = basic()
        sections["components"] = [component("chip", eccn="5A992", note="n")]
        store.load(parse_dataset(sections, "a"))
        sections["components"] = [component("chip")]
        store.load(parse_dataset(sections, "b"))
        (chip,) = store.pull().components
        assert chip.eccn is None and chip.note is None

    def test_hostile_strings_round_trip_verbatim(self, store: Store) -> None:
        weird = "x'); MATCH (n) DETACH DELETE n //`{}`\n\"é中\u202e"
        sections = basic(
            companies=[company(weird, "DE")],
            components=[component("c`}", note=weird)],
            supplies=[supply(weird, "c`}")],
        )
        ds = parse_dataset(sections, "weird")
        store.load(ds)
        assert store.pull().canonical() == ds.canonical()


class TestRoundTrip:
    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
    def test_pull_gives_the_same_model(self, store: Store, path: Path) -> None:
        ds = load_dataset(path)
        store.load(ds)
        assert store.pull().canonical() == ds.canonical()

    def test_load_rows_are_pure_parameters(self) -> None:
        rows = load_rows(parse_dataset(basic(), "x"))
        assert rows["bom_product"] == [
            {
                "parent": "phone",
                "component": "chip",
                # An empty list travels as None (no property), as neo4j-admin imports it.
                "props": {"required": True, "alternatives": None, "value": None, "note": None},
            }
        ]
        assert rows["bom_component"] == []
        # ... except where an empty list means something: a restriction with no origins.
        fdpr = {"id": "fdpr", "targets": ["cn"], "origins": [], "effective_from": "2020-09-15"}
        rows = load_rows(parse_dataset(basic(restrictions=[fdpr]), "x"))
        assert [r["props"]["origins"] for r in rows["restrictions"]] == [["US"], []]


class TestAnalysisFromNeo4j:
    """The file path and the Neo4j path give identical answers on every fixture."""

    @pytest.mark.parametrize("path", FIXTURES, ids=lambda p: p.name)
    def test_impact_and_whatif_agree(self, store: Store, path: Path) -> None:
        from_file = load_dataset(path)
        store.load(from_file)
        from_neo4j = store.pull()
        G_file, G_db = SupplyChain.from_dataset(from_file), SupplyChain.from_dataset(from_neo4j)
        first_company = from_file.companies[0].id
        scenario = Scenario(restrict=(first_company,), grant=(Grant.parse("*:*:*"),))
        for day in DATES:
            assert impact(G_file, day) == impact(G_db, day)
            assert whatif(G_file, scenario, day)[0] == whatif(G_db, scenario, day)[0]
            assert rank(G_file, "suppliers", day) == rank(G_db, "suppliers", day)
            assert rank(G_file, "components", day) == rank(G_db, "components", day)
        assert timeline(G_file) == timeline(G_db)
        for p in from_file.products:
            assert explain(G_file, p.id, DATES[-1]) == explain(G_db, p.id, DATES[-1])

    def test_cli_reads_neo4j_without_data(
        self, store: Store, neo4j_connection: Connection, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        huawei = str(ROOT / "fixtures" / "huawei_2019.yaml")
        _point_cli_at(monkeypatch, neo4j_connection)
        runner = CliRunner()
        r = runner.invoke(cli, ["load", huawei])
        assert r.exit_code == 0, r.output
        for args in (
            ["impact", "--as-of", "2019-05-20"],
            ["whatif", "--as-of", "2019-05-10", "--restrict", "huawei"],
            ["explain", "skyworth-stb", "--as-of", "2020-09-15"],
            ["rank", "suppliers", "--as-of", "2019-06-01"],
            ["timeline"],
            ["whatif", "--scenario", str(ROOT / "fixtures" / "scenarios" / "no_fdpr_second_source.yaml")],
        ):
            from_db = runner.invoke(cli, [*args, "--format", "json"])
            from_file = runner.invoke(cli, [*args, "--format", "json", "--data", huawei])
            assert from_db.exit_code == 0, from_db.output
            assert json.loads(from_db.output) == json.loads(from_file.output)


def _point_cli_at(monkeypatch: pytest.MonkeyPatch, conn: Connection) -> None:
    monkeypatch.setenv("NEO4J_URI", conn.uri)
    monkeypatch.setenv("NEO4J_USER", conn.user)
    monkeypatch.setenv("NEO4J_PASSWORD", conn.password)
    if conn.database:
        monkeypatch.setenv("NEO4J_DATABASE", conn.database)


class TestWriteBack:
    def test_status_visible_to_plain_cypher(self, store: Store, neo4j_connection: Connection) -> None:
        ds = load_dataset(ROOT / "fixtures" / "huawei_2019.yaml")
        store.load(ds)
        result = impact(SupplyChain.from_dataset(ds), dt.date(2019, 5, 20))
        assert store.write_back(result) == {"products": 11, "end_users": 8}
        (row,) = cypher(
            neo4j_connection,
            "MATCH (p:Product {id: $id}) RETURN p.impact_status AS s, p.impact_as_of AS d, "
            "p.impact_relies_on AS lic, p.impact_without_licences AS w",
            id="mate-20-pro",
        )
        assert (row["s"], row["d"].to_native(), row["lic"], row["w"]) == (
            "at_risk",
            dt.date(2019, 5, 20),
            ["tgl-2019-05"],
            "exposed",
        )
        (row,) = cypher(
            neo4j_connection, "MATCH (p:Product {id: 'p30-pro'}) RETURN p.impact_restrictions AS r"
        )
        assert row["r"] == ["el-huawei-2019-05"]
        (row,) = cypher(
            neo4j_connection, "MATCH (u:EndUser {id: 'bt'}) RETURN u.impact_status AS s, u.impact_via AS v"
        )
        assert row == {"s": "at_risk", "v": ["ran-4g-installed"]}

    def test_write_back_does_not_change_the_model(self, store: Store) -> None:
        ds = load_dataset(ROOT / "fixtures" / "huawei_2019.yaml")
        store.load(ds)
        store.write_back(impact(SupplyChain.from_dataset(ds), dt.date(2019, 5, 20)))
        assert store.pull().canonical() == ds.canonical()

    def test_cli_write_back(
        self, store: Store, neo4j_connection: Connection, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        _point_cli_at(monkeypatch, neo4j_connection)
        runner = CliRunner()
        runner.invoke(cli, ["load", str(ROOT / "fixtures" / "small" / "multi_tier.yaml")])
        r = runner.invoke(cli, ["impact", "--as-of", "2019-07-01", "--write-back", "--format", "json"])
        assert r.exit_code == 0, r.output
        rows = cypher(
            neo4j_connection, "MATCH (p:Product) RETURN p.id AS id, p.impact_status AS s ORDER BY id"
        )
        assert rows == [
            {"id": "radio", "s": "degraded"},
            {"id": "tv-a", "s": "blocked"},
            {"id": "tv-b", "s": "ok"},
        ]


class TestErrors:
    def test_unreachable_server(self) -> None:
        with pytest.raises(StoreError, match=r"cannot reach Neo4j at bolt://127\.0\.0\.1:1 "):
            Store(Connection("bolt://127.0.0.1:1", "neo4j", "secret-pw"))

    def test_wrong_credentials_never_show_the_password(self, neo4j_connection: Connection) -> None:
        bad = Connection(neo4j_connection.uri, neo4j_connection.user, "Wrong-Password-123")
        with pytest.raises(StoreError) as info:
            Store(bad)
        assert "refused the credentials of user 'neo4j'" in str(info.value)
        assert "Wrong-Password-123" not in str(info.value) and "Wrong-Password-123" not in repr(bad)

    def test_cli_errors_are_one_line_without_traceback(
        self, monkeypatch: pytest.MonkeyPatch, neo4j_connection: Connection
    ) -> None:
        monkeypatch.setenv("NEO4J_URI", "bolt://127.0.0.1:1")
        monkeypatch.setenv("NEO4J_PASSWORD", "Hunter2-Secret")
        r = CliRunner().invoke(cli, ["impact", "--as-of", "2019-05-20"])
        assert r.exit_code == 4
        assert r.output.startswith("graphlib-trade: error: cannot reach Neo4j at bolt://127.0.0.1:1")
        assert "Traceback" not in r.output and "Hunter2-Secret" not in r.output
        monkeypatch.setenv("NEO4J_URI", neo4j_connection.uri)
        r = CliRunner().invoke(cli, ["impact"])
        assert r.exit_code == 4 and "refused the credentials" in r.output and "Hunter2-Secret" not in r.output

    def test_bad_file_writes_nothing(
        self, store: Store, neo4j_connection: Connection, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        store.load(parse_dataset(basic(), "x"))
        before = store.counts()
        sections = basic(companies=[company("new", "DE")], supplies=[supply("ghost", "chip")])
        bad = tmp_path / "bad.yaml"
        bad.write_text(yaml.safe_dump(sections))
        _point_cli_at(monkeypatch, neo4j_connection)
        r = CliRunner().invoke(cli, ["load", str(bad)])
        assert r.exit_code == 2 and "unknown company 'ghost'" in r.output
        assert store.counts() == before


class TestQueryFiles:
    def test_every_query_file_has_a_comment_header(self) -> None:
        for path in (ROOT / "cypher").rglob("*.cypher"):
            assert path.read_text().startswith("//"), path

    def test_query_text_comes_from_the_files(self) -> None:
        assert query("load/companies") == (ROOT / "cypher" / "load" / "companies.cypher").read_text()


class TestBrowserSupport:
    def test_status_labels_follow_the_last_write_back(
        self, store: Store, neo4j_connection: Connection
    ) -> None:
        ds = load_dataset(ROOT / "fixtures" / "huawei_2019.yaml")
        store.load(ds)
        G = SupplyChain.from_dataset(ds)
        store.write_back(impact(G, dt.date(2019, 5, 20)))
        rows = cypher(neo4j_connection, "MATCH (n:ImpactAtRisk) RETURN n.id AS id ORDER BY id")
        assert [r["id"] for r in rows] == ["bt", "mate-20-pro", "mate20-owners-eu", "ran-4g-installed"]
        store.write_back(impact(G, dt.date(2019, 5, 17)))
        assert cypher(neo4j_connection, "MATCH (n:ImpactAtRisk) RETURN n.id AS id") == []
        (row,) = cypher(
            neo4j_connection,
            "MATCH (n) WHERE n:Product OR n:EndUser "
            "WITH n, size([l IN labels(n) WHERE l STARTS WITH 'Impact']) AS k "
            "RETURN min(k) AS lo, max(k) AS hi",
        )
        assert row == {"lo": 1, "hi": 1}

    #: The case each analyst query is about, and the day its impact is written back.
    QUERY_CASES: ClassVar[dict[str, tuple[str, dt.date]]] = {
        "07_lists_and_affiliates.cypher": ("cases/affiliates_rule_2025.yaml", dt.date(2025, 9, 29)),
        "08_destination_controls.cypher": ("cases/russia_2022.yaml", dt.date(2022, 3, 2)),
        "09_unclassified_causes.cypher": ("cases/advanced_computing_2022.yaml", dt.date(2022, 10, 7)),
    }

    @pytest.mark.parametrize(
        "path", sorted((ROOT / "cypher" / "browser").glob("*.cypher")), ids=lambda p: p.name
    )
    def test_analyst_queries_run_and_find_their_case(
        self, store: Store, neo4j_connection: Connection, path: Path
    ) -> None:
        fixture, day = self.QUERY_CASES.get(path.name, ("huawei_2019.yaml", dt.date(2020, 9, 15)))
        ds = load_dataset(ROOT / "fixtures" / fixture)
        store.load(ds)
        store.write_back(impact(SupplyChain.from_dataset(ds), day))
        rows = cypher(neo4j_connection, path.read_text(), product="p30-pro")
        assert rows, path.name

    def test_the_case_queries_find_what_the_cases_say(
        self, store: Store, neo4j_connection: Connection
    ) -> None:
        # Russia on 2 Mar 2022: ru-integrator and ru-meu-plant are located in RU, by-tractor in BY.
        store.load(load_dataset(ROOT / "fixtures" / "cases" / "russia_2022.yaml"))
        rows = cypher(
            neo4j_connection, (ROOT / "cypher" / "browser" / "08_destination_controls.cypher").read_text()
        )
        assert {r["restriction"]: sorted(r["located"]) for r in rows} == {
            "by-2022": ["by-tractor"],
            "ru-2022": ["ru-integrator", "ru-meu-plant"],
        }
        # Advanced computing on 7 Oct 2022: the inference box rests on the NPU, which has no ECCN.
        store.clear()
        ds = load_dataset(ROOT / "fixtures" / "cases" / "advanced_computing_2022.yaml")
        store.load(ds)
        store.write_back(impact(SupplyChain.from_dataset(ds), dt.date(2022, 10, 7)))
        rows = cypher(
            neo4j_connection, (ROOT / "cypher" / "browser" / "09_unclassified_causes.cypher").read_text()
        )
        assert [(r["product"], r["causes"], r["unclassified_parts"]) for r in rows] == [
            ("inference-box", 1, ["npu"])
        ]

    def test_style_colours_every_status_label(self) -> None:
        grass = (ROOT / "cypher" / "browser" / "style.grass").read_text()
        for label in ("ImpactBlocked", "ImpactExposed", "ImpactDegraded", "ImpactAtRisk", "ImpactOk"):
            assert f"node.{label} {{" in grass


class TestPeerQuery:
    """cypher/peer/reach.cypher (the benchmark's pure-Cypher peer) answers what reach() answers."""

    @pytest.mark.parametrize(
        # Plain Cypher cannot add up several restricted owners' holdings: ownership_licences and
        # the Affiliates Rule case rely on that (the test below shows the first).
        "path",
        [p for p in FIXTURES if p.name not in ("ownership_licences.yaml", "affiliates_rule_2025.yaml")],
        ids=lambda p: p.name,
    )
    def test_same_answer_as_reach(self, store: Store, path: Path) -> None:
        ds = load_dataset(path)
        store.load(ds)
        G = SupplyChain.from_dataset(ds)
        for day in DATES:
            (row,) = store.run_read("peer/reach", as_of=day, lists_in_force=lists_in_force(ds, day))
            products, users = reach(G, day)
            assert (sorted(row["products"]), sorted(row["end_users"])) == (list(products), list(users)), day

    def test_plain_cypher_misses_aggregate_holdings(self, store: Store) -> None:
        # jv is 30% holdco + 25% sub (sub is 60% holdco): restricted by the aggregate rule, which
        # a chain of majority holdings cannot express.  So the peer misses jv's router; reach() has it.
        path = ROOT / "fixtures" / "small" / "ownership_licences.yaml"
        ds = load_dataset(path)
        store.load(ds)
        day = dt.date(2019, 5, 20)
        (row,) = store.run_read("peer/reach", as_of=day, lists_in_force=lists_in_force(ds, day))
        products, _ = reach(SupplyChain.from_dataset(ds), day)
        assert "jv-router" in products and "jv-router" not in row["products"]
        assert set(row["products"]) == set(products) - {"jv-router"}

    def test_huawei_answer_by_hand(self, store: Store) -> None:
        store.load(load_dataset(ROOT / "fixtures" / "huawei_2019.yaml"))
        (before,) = store.run_read("peer/reach", as_of=dt.date(2019, 5, 15), lists_in_force=[])
        (after,) = store.run_read("peer/reach", as_of=dt.date(2019, 5, 20), lists_in_force=[])
        assert before["products"] == [] and before["end_users"] == []
        # Huawei makes its phones: every Huawei product is within reach once it is listed.
        assert {"mate-20-pro", "mate-30-pro"} <= set(after["products"])
        assert "bt" in after["end_users"]
