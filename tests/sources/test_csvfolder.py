"""The CSV folder format: neo4j-admin headers, exact round trips, clear errors, atomic writes."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from graphlib_trade.cli import cli
from graphlib_trade.errors import DataError, OutputError
from graphlib_trade.generate import generate
from graphlib_trade.models import parse_dataset
from graphlib_trade.sources import load_dataset
from graphlib_trade.sources.csvfolder import (
    FILE_NAMES,
    _quoted_rows,
    load_csv_folder,
    read_csv_folder,
    write_csv_folder,
)
from tests.helpers import basic, bom, company, component, licence, supply

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures"
HOSTILE = 'x\'); MATCH (n) DETACH DELETE n //`{}`\n"é中\u202e, ""'


def folder(tmp_path: Path, **extra: list[dict[str, object]]) -> Path:
    return write_csv_folder(parse_dataset(basic(**extra), "t"), tmp_path / "data").path


class TestWrite:
    def test_node_header_follows_neo4j_admin(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        header = (out / "components.csv").read_text().splitlines()[0]
        assert header == (
            "id:ID,:LABEL,name,origin,us_content:float,eccn,publicly_available:boolean,"
            "us_direct_product:boolean,value:float,note"
        )
        row = (out / "components.csv").read_text().splitlines()[1]
        assert row == '"chip","Component","chip","US",,,false,false,,'

    def test_relationship_files(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        assert (out / "bom.csv").read_text().splitlines() == [
            ":START_ID,:END_ID,:TYPE,required:boolean,alternatives:string[],value:float,note",
            '"chip","phone",PART_OF,true,,,',  # no alternatives: no property, as Neo4j stores it
        ]
        assert (out / "makes.csv").read_text().splitlines()[1] == '"cn","phone",MAKES'
        assert (out / "targets.csv").read_text().splitlines()[1] == '"el","cn",TARGETS'
        assert sorted(p.name for p in out.iterdir()) == sorted(FILE_NAMES)

    def test_quotes_are_doubled_and_empty_list_is_quoted(self, tmp_path: Path) -> None:
        out = folder(tmp_path, companies=[company('say "hi"', "DE")])
        assert '"say ""hi""","Company","SAY ""HI""","DE",' in (out / "companies.csv").read_text()
        restrictions = basic(restrictions=[])["restrictions"]
        restrictions.append({"id": "fdpr", "targets": ["cn"], "origins": [], "effective_from": "2020-09-15"})
        ds = parse_dataset(basic() | {"restrictions": restrictions}, "t")
        text = (write_csv_folder(ds, tmp_path / "r").path / "restrictions.csv").read_text()
        # name, authority, destinations (none), origins (empty: quoted), items, de_minimis,
        # affiliates_threshold, foreign_direct_product, fdpr_items, fdpr_scope, denial, review_policy,
        # effective_from, effective_until, note.
        assert '"fdpr","Restriction",,,,"","all",0.25,0.5,false,,,false,,2020-09-15,,' in text

    def test_array_element_with_delimiter_is_refused_and_nothing_written(self, tmp_path: Path) -> None:
        ds = parse_dataset(basic(licences=[licence("l1", "el", recipients=["cn"])]), "t")
        # components must name known items (no id holds ';' here), so put the bad value past validation.
        bad_licence = ds.licences[0].model_copy(update={"components": ("a;b",)})
        bad = ds.model_copy(update={"licences": (bad_licence,)})
        with pytest.raises(DataError, match=r"components: 'a;b' cannot be written"):
            write_csv_folder(bad, tmp_path / "data")
        assert list(tmp_path.iterdir()) == []

    def test_replaces_own_folder_but_not_a_stranger(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        ds2 = parse_dataset(basic(companies=[company("de", "DE")]), "t")
        write_csv_folder(ds2, out)
        assert load_csv_folder(out) == ds2
        (out / "notes.txt").write_text("mine")
        with pytest.raises(OutputError, match="holds other files"):
            write_csv_folder(ds2, out)
        assert (out / "notes.txt").read_text() == "mine"
        assert sorted(p.name for p in tmp_path.iterdir()) == ["data"]


class TestRoundTrip:
    @pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yaml")) + sorted(FIXTURES.glob("small/*.yaml")))
    def test_fixtures(self, tmp_path: Path, path: Path) -> None:
        ds = load_dataset(path)
        out = write_csv_folder(ds, tmp_path / "data")
        assert load_csv_folder(out.path).canonical() == ds.canonical()

    def test_hostile_strings_verbatim(self, tmp_path: Path) -> None:
        sections = basic(
            companies=[company(HOSTILE, "DE")],
            components=[component("c`}", note=HOSTILE)],
            supplies=[supply(HOSTILE, "c`}")],
            bom=[bom("phone", "c`}", note="line one\r\nline two")],
        )
        ds = parse_dataset(sections, "t")
        out = write_csv_folder(ds, tmp_path / "data")
        assert out.multiline
        assert load_csv_folder(out.path).canonical() == ds.canonical()

    def test_generated(self, tmp_path: Path) -> None:
        ds = parse_dataset(generate(600, seed=4), "g")
        out = write_csv_folder(ds, tmp_path / "data")
        assert not out.multiline
        assert load_csv_folder(out.path).canonical() == ds.canonical()


class TestRead:
    def test_values_come_back_as_text_for_validation(self, tmp_path: Path) -> None:
        raw = read_csv_folder(folder(tmp_path))
        assert raw["products"] == [
            {"id": "phone", "name": "phone", "lifecycle": "active", "publicly_available": "false",
             "us_direct_product": "false", "maker": "cn"}
        ]  # fmt: skip
        assert raw["restrictions"][0]["targets"] == ["cn"]
        assert raw["restrictions"][0]["origins"] == ["US"]

    def edit(self, path: Path, old: str, new: str) -> None:
        text = path.read_text()
        assert old in text
        path.write_text(text.replace(old, new))

    def test_bad_value_names_file_and_line(self, tmp_path: Path) -> None:
        out = folder(tmp_path, companies=[company("de", "DE")])
        self.edit(out / "companies.csv", '"de","Company","DE","DE"', '"de","Company","DE","Germany"')
        with pytest.raises(DataError) as err:
            load_csv_folder(out)
        assert "companies.csv line 4 'de': country: must be an ISO 3166 alpha-2" in str(err.value)

    def test_bad_float(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        self.edit(out / "components.csv", '"US",,,false', '"US",lots,,false')
        with pytest.raises(DataError, match=r"components.csv line 2 'chip': us_content: .*'lots'"):
            load_csv_folder(out)

    def test_wrong_field_count(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        self.edit(out / "supplies.csv", '"us","chip",SUPPLIES', '"us","chip",SUPPLIES,extra')
        with pytest.raises(DataError, match=r"supplies.csv: line 2: 5 fields where the header has 4"):
            load_csv_folder(out)

    def test_unknown_and_mistyped_columns(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        self.edit(out / "components.csv", "value:float", "price:float")
        with pytest.raises(DataError, match=r"components.csv: header: unknown column 'price:float'"):
            load_csv_folder(out)
        self.edit(out / "components.csv", "price:float", "value:int")
        with pytest.raises(DataError, match=r"column 'value:int' should be 'value:float'"):
            load_csv_folder(out)

    def test_missing_id_column(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        self.edit(out / "supplies.csv", ":START_ID,", "")
        self.edit(out / "supplies.csv", '"us",', "")
        with pytest.raises(DataError, match=r"supplies.csv: header: missing column ':START_ID'"):
            load_csv_folder(out)

    def test_link_to_unknown_node(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        self.edit(out / "makes.csv", '"cn","phone"', '"cn","tablet"')
        with pytest.raises(DataError, match=r"makes.csv: line 2: unknown Product 'tablet'"):
            load_csv_folder(out)

    def test_second_maker(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        (out / "makes.csv").write_text((out / "makes.csv").read_text() + '"us","phone",MAKES\n')
        with pytest.raises(DataError, match=r"makes.csv: line 3: 'phone' already has maker 'cn'"):
            load_csv_folder(out)

    def test_not_utf8_unterminated_and_strangers(self, tmp_path: Path) -> None:
        out = folder(tmp_path)
        # 30 bytes of header line, then 15 before the bad byte: offset 45.
        (out / "end_users.csv").write_bytes(b'id:ID,:LABEL,name,region,note\n"u","EndUser","\xff",,\n')
        with pytest.raises(DataError, match=r"end_users.csv: is not UTF-8 text \(byte 45: 0xff\)"):
            load_csv_folder(out)
        (out / "end_users.csv").unlink()
        text = (out / "restrictions.csv").read_text()
        (out / "restrictions.csv").write_text(text + '"r2","Restriction","open\n')
        with pytest.raises(DataError, match=r"restrictions.csv: not valid CSV: line 3: unterminated"):
            load_csv_folder(out)
        (out / "restrictions.csv").unlink()
        (out / "extra.csv").write_text("a\n")
        with pytest.raises(DataError, match=r"unexpected file extra.csv"):
            load_csv_folder(out)

    def test_empty_folder(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="holds none of the data files"):
            load_dataset(tmp_path)

    def test_quoted_rows_tell_empty_from_quoted_empty(self) -> None:
        rows = list(_quoted_rows('a,"b""c",\n"x\ny","",\r\nlast'))
        assert rows == [
            (1, [("a", False), ('b"c', True), ("", False)]),
            (3, [("x\ny", True), ("", True), ("", False)]),
            (4, [("last", False)]),
        ]


class TestGenerateCommand:
    def test_json_yaml_and_csv_hold_the_same_data(self, tmp_path: Path) -> None:
        expected = parse_dataset(generate(300, seed=7), "g").canonical()
        for name in ("g.json", "g.yaml", "g-csv"):
            args = ["generate", "--nodes", "300", "--seed", "7", "--out", str(tmp_path / name)]
            r = CliRunner().invoke(cli, args)
            assert r.exit_code == 0, r.output
            assert load_dataset(tmp_path / name).canonical() == expected, name
        assert (tmp_path / "g-csv" / "companies.csv").is_file()
        assert json.loads((tmp_path / "g.json").read_text())["companies"][0]["id"] == "co0"

    def test_impact_reads_a_csv_folder(self, tmp_path: Path) -> None:
        runner = CliRunner()
        runner.invoke(cli, ["generate", "--nodes", "300", "--seed", "2", "--out", str(tmp_path / "g.json")])
        runner.invoke(cli, ["generate", "--nodes", "300", "--seed", "2", "--out", str(tmp_path / "g")])
        outs = [
            runner.invoke(
                cli, ["impact", "--data", str(tmp_path / d), "--as-of", "2020-06-01", "--format", "json"]
            )
            for d in ("g.json", "g")
        ]
        assert outs[0].exit_code == 0 and outs[0].output == outs[1].output

    def test_too_few_nodes(self, tmp_path: Path) -> None:
        r = CliRunner().invoke(cli, ["generate", "--nodes", "10", "--out", str(tmp_path / "g.json")])
        assert r.exit_code == 2 and "10 is not in the range" in r.output
        assert not (tmp_path / "g.json").exists()
