"""Several data files as one: merged sections, the same entry kept once, problems named by file."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.cli import cli
from graphlib_trade.errors import DataError
from graphlib_trade.models import parse_dataset
from graphlib_trade.sources import load_datasets, write_csv_folder
from tests.helpers import LATER, basic, company, component, supply


def write(path: Path, **sections: Any) -> str:
    path.write_text(yaml.safe_dump(sections, sort_keys=False))
    return str(path)


def split_basic(tmp_path: Path) -> tuple[str, str]:
    """basic() in two files: the companies and the restriction (the analyst's master and a list
    import), then what is bought and built (a BOM export) naming them."""
    s = basic()
    a = write(tmp_path / "a.yaml", companies=s["companies"], restrictions=s["restrictions"])
    b = write(
        tmp_path / "b.yaml",
        components=s["components"],
        supplies=s["supplies"],
        products=s["products"],
        bom=s["bom"],
    )
    return a, b


class TestLoadDatasets:
    def test_references_cross_files(self, tmp_path: Path) -> None:
        # basic(): us sells the US chip to cn, listed by el; cn's phone needs it: blocked,
        # whichever file holds which half.
        merged = load_datasets(split_basic(tmp_path))
        assert merged == parse_dataset(basic(), "one file")
        phone = impact(SupplyChain.from_dataset(merged), LATER).products[0]
        assert (phone.id, phone.status.value) == ("phone", "blocked")

    def test_one_path_is_that_file(self, tmp_path: Path) -> None:
        a, _ = split_basic(tmp_path)
        assert len(load_datasets([a]).companies) == 2

    def test_the_same_entry_twice_is_kept_once(self, tmp_path: Path) -> None:
        # b repeats company 'us' with its default note spelled out, and the supply us->chip.
        a, b = split_basic(tmp_path)
        c = write(
            tmp_path / "c.yaml",
            companies=[{**company("us"), "note": None}],
            supplies=[supply("us", "chip")],
        )
        merged = load_datasets([a, b, c])
        assert [x.id for x in merged.companies] == ["us", "cn"]
        assert len(merged.supplies) == 1

    def test_the_same_id_differing_names_both_files(self, tmp_path: Path) -> None:
        # c says cn is in HK; a says CN.
        a, b = split_basic(tmp_path)
        c = write(tmp_path / "c.yaml", companies=[company("cn", "HK")])
        with pytest.raises(DataError) as exc:
            load_datasets([a, b, c])
        assert exc.value.problems == [
            f"{c} companies[0]: id 'cn' is also {a} companies[1], which differs (country: 'HK' vs 'CN')"
        ]
        assert exc.value.source == f"{a} + {b} + {c}"

    def test_an_unknown_reference_names_its_file(self, tmp_path: Path) -> None:
        a, b = split_basic(tmp_path)
        c = write(tmp_path / "c.yaml", supplies=[supply("ghost", "chip")])
        with pytest.raises(DataError) as exc:
            load_datasets([a, b, c])
        assert len(exc.value.problems) == 1
        assert exc.value.problems[0].startswith(f"{c} supplies[0]")
        assert "ghost" in exc.value.problems[0]

    def test_a_conflicting_relationship_names_both_files(self, tmp_path: Path) -> None:
        # The same BOM entry phone <- chip, required in b and optional in c: a duplicate entry.
        a, b = split_basic(tmp_path)
        c = write(tmp_path / "c.yaml", bom=[{"parent": "phone", "component": "chip", "required": False}])
        with pytest.raises(DataError) as exc:
            load_datasets([a, b, c])
        (problem,) = exc.value.problems
        assert problem.startswith(f"{c} bom[0]") and "duplicate entry for 'chip' in 'phone'" in problem

    def test_a_csv_folder_with_a_file(self, tmp_path: Path) -> None:
        # The components and a supply by an unknown company in a CSV folder: its line is named
        # (supplies.csv: header on line 1, the one supply on line 2).
        a, _ = split_basic(tmp_path)
        ds = parse_dataset(
            {
                "companies": [company("x")],
                "components": [component("chip")],
                "supplies": [supply("x", "chip")],
            },
            "t",
        )
        folder = tmp_path / "csv"
        write_csv_folder(ds, folder)
        text = (folder / "companies.csv").read_text().splitlines()
        (folder / "companies.csv").write_text(text[0] + "\n")  # x is gone: its supply dangles
        with pytest.raises(DataError) as exc:
            load_datasets([a, str(folder)])
        assert any(p.startswith(f"{folder}/supplies.csv line 2") for p in exc.value.problems)

    def test_a_file_that_is_not_a_mapping(self, tmp_path: Path) -> None:
        a, _ = split_basic(tmp_path)
        bad = tmp_path / "bad.yaml"
        bad.write_text("- just\n- a list\n")
        with pytest.raises(
            DataError, match=r"bad.yaml: the top level must be a mapping of sections, got list"
        ):
            load_datasets([a, str(bad)])


class TestCommandsTakeSeveral:
    def test_impact_and_validate(self, tmp_path: Path) -> None:
        a, b = split_basic(tmp_path)
        r = CliRunner().invoke(
            cli, ["impact", "--data", a, "--data", b, "--as-of", LATER.isoformat(), "--format", "json"]
        )
        assert r.exit_code == 0, r.output
        assert '"status": "blocked"' in r.output
        r = CliRunner().invoke(cli, ["validate", a, b])
        assert r.exit_code == 0 and r.output.startswith(f"{a} + {b}: ok (0 lists, 2 companies")

    def test_a_conflict_exits_2_without_a_traceback(self, tmp_path: Path) -> None:
        a, b = split_basic(tmp_path)
        c = write(tmp_path / "c.yaml", companies=[company("cn", "HK")])
        r = CliRunner().invoke(cli, ["validate", a, b, c])
        assert r.exit_code == 2
        assert "which differs (country: 'HK' vs 'CN')" in r.output and "Traceback" not in r.output


class TestMergeRules:
    def test_a_repeat_inside_one_file_is_still_an_error(self, tmp_path: Path) -> None:
        # a.yaml holds company x twice (identical): a duplicate id, alone or merged.
        a = write(tmp_path / "a.yaml", companies=[company("x"), company("x")])
        b = write(tmp_path / "b.yaml", components=[component("chip")])
        with pytest.raises(DataError, match="duplicate id 'x'"):
            load_datasets([a, b])

    def test_targets_in_another_order_are_the_same_restriction(self, tmp_path: Path) -> None:
        # The analyst's file lists el's targets as [us, cn]; a Neo4j export sorts them [cn, us].
        s = basic()
        again = {"restrictions": [{**s["restrictions"][0], "targets": ["us", "cn"]}]}
        s["restrictions"][0]["targets"] = ["cn", "us"]
        a = write(tmp_path / "a.yaml", **s)
        b = write(tmp_path / "b.yaml", **again)
        merged = load_datasets([a, b])
        assert [set(r.targets) for r in merged.restrictions] == [{"us", "cn"}]
