"""The Consolidated Screening List in, lists and restrictions out: worked out by hand."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner

from graphlib_trade.analysis import SupplyChain, impact, screen
from graphlib_trade.cli import cli
from graphlib_trade.errors import DataError
from graphlib_trade.imports.csl import (
    csl_sections,
    licence_terms,
    read_confirmed,
    read_screening_list,
    source_code,
)
from graphlib_trade.models import ListedParty, parse_dataset
from graphlib_trade.sources import load_datasets

EL = "Entity List (EL) - Bureau of Industry and Security"
DPL = "Denied Persons List (DPL) - Bureau of Industry and Security"
SDN = "Specially Designated Nationals (SDN) - Treasury Department"
UVL = "Unverified List (UVL) - Bureau of Industry and Security"
ALL = "For all items subject to the EAR."
DENIAL = "Presumption of denial."


def entry(id: str, name: str, source: str = EL, country: str = "CN", **kw: Any) -> dict[str, Any]:
    return {
        "id": id,
        "source": source,
        "name": name,
        "alt_names": kw.pop("alt_names", []),
        "addresses": [
            {"address": "1 Road", "city": "Shenzhen", "state": None, "postal_code": None, "country": country}
        ],
        "start_date": kw.pop("start_date", "2019-05-16"),
        "end_date": kw.pop("end_date", None),
        "federal_register_notice": kw.pop("federal_register_notice", "84 FR 22961"),
        "license_requirement": kw.pop("license_requirement", "For all items subject to the EAR."),
        "license_policy": kw.pop("license_policy", "Presumption of denial."),
        **kw,
    }


LIST = [
    entry("e1", "Huawei Technologies Co., Ltd.", alt_names=["Huawei"]),
    entry(
        "e2",
        "ZTE Corporation",
        DPL,
        start_date="2018-04-15",
        end_date="2018-07-13",
        federal_register_notice="83 FR 17644",
        license_requirement="",
        license_policy="",
    ),
    entry("e3", "Rostec", SDN, "RU", start_date="2014-12-22", license_requirement="", license_policy=""),
    entry(
        "e4",
        "Semiconductor Manufacturing International Corporation",
        alt_names=["SMIC"],
        start_date="2020-12-22",
        federal_register_notice="85 FR 83416",
        license_policy="Presumption of denial for items uniquely required for production at 10 nm "
        "or below; case-by-case review for all other items.",
    ),
    entry("e5", "Some Unverified Party", UVL),
]

MASTER: dict[str, Any] = {
    "companies": [
        {"id": "hw", "name": "HUAWEI TECHNOLOGIES CO LTD", "country": "CN"},
        {"id": "zte", "name": "ZTE Corp.", "country": "CN"},
        {"id": "rostec", "name": "ROSTEC", "country": "RU"},
        {"id": "smic", "name": "SMIC", "country": "CN"},
        {"id": "uvl", "name": "Some Unverified Party", "country": "CN"},
        {"id": "us", "name": "Chip Co", "country": "US"},
    ],
    "components": [{"id": "chip", "name": "chip", "origin": "US"}],
    "supplies": [{"supplier": "us", "component": "chip"}],
    "products": [{"id": "phone", "name": "phone", "maker": "hw"}],
    "bom": [{"parent": "phone", "component": "chip"}],
}


def entries() -> tuple[ListedParty, ...]:
    return tuple(ListedParty.model_validate({**_core(e)}) for e in LIST)


def _core(e: dict[str, Any]) -> dict[str, Any]:
    keep = ("id", "source", "name", "alt_names", "start_date", "end_date", "federal_register_notice")
    out = {k: e[k] for k in keep if e.get(k) is not None}
    out["countries"] = [a["country"] for a in e["addresses"]]
    out["license_requirement"] = e["license_requirement"] or None
    out["license_policy"] = e["license_policy"] or None
    return out


class TestReadScreeningList:
    def test_json_and_csv_read_the_same(self, tmp_path: Path) -> None:
        (tmp_path / "csl.json").write_text(json.dumps({"results": LIST}))
        columns = ["id", "source", "name", "alt_names", "addresses", "start_date", "end_date",
                   "federal_register_notice", "license_requirement", "license_policy"]  # fmt: skip
        lines = [",".join(columns)]
        for e in LIST:
            row = {
                **e,
                "alt_names": "; ".join(e["alt_names"]),
                "addresses": "1 Road, Shenzhen, , , " + e["addresses"][0]["country"],
            }
            lines.append(",".join(json.dumps(str(row.get(c) or "")) for c in columns))
        (tmp_path / "csl.csv").write_text("\n".join(lines) + "\n")
        from_json = read_screening_list(tmp_path / "csl.json")
        assert from_json == entries()
        assert read_screening_list(tmp_path / "csl.csv") == from_json

    def test_problems_name_the_entry_and_value(self, tmp_path: Path) -> None:
        bad = [entry("e1", "A"), {**entry("e2", "B"), "start_date": "16/05/2019"}, {"source": EL}]
        (tmp_path / "csl.json").write_text(json.dumps({"results": bad}))
        with pytest.raises(DataError) as exc:
            read_screening_list(tmp_path / "csl.json")
        assert exc.value.problems == [
            "results[1] 'B': start_date: not a date (YYYY-MM-DD): '16/05/2019'",
            "results[2]: no id",
        ]

    def test_not_json(self, tmp_path: Path) -> None:
        (tmp_path / "csl.json").write_text("{results: ")
        with pytest.raises(DataError, match=r"csl.json: is not valid JSON"):
            read_screening_list(tmp_path / "csl.json")


class TestLicenceTerms:
    @pytest.mark.parametrize(
        ("requirement", "policy", "expected", "warned"),
        [
            (ALL, "Presumption of denial.", ("all", "denial"), False),
            (ALL, "Case-by-case review.", ("all", "case_by_case"), False),
            (ALL, "Presumption of approval.", ("all", "approval"), False),
            ("For all items on the Commerce Control List (CCL).", "", ("ccl", None), False),
            ("For ECCNs 3A090 and 4A090.", DENIAL, (["3A090", "4A090"], "denial"), False),
            # All items, naming some: still all items (nothing narrows).
            ("For all items subject to the EAR, incl. 3A090, 4A090.", DENIAL, ("all", "denial"), False),
            # SMIC's mixed policy: the strictest reading, and a warning.
            (ALL, "Presumption of denial for 10 nm; case-by-case otherwise.", ("all", "denial"), True),
            # An exception the reader does not model: all items (the strictest), and a warning.
            ("For all items subject to the EAR except EAR99 food.", DENIAL, ("all", "denial"), True),
            # No text on an Entity List entry: all items assumed, said so.
            ("", "", ("all", None), True),
        ],
    )  # fmt: skip
    def test_cases(self, requirement: str, policy: str, expected: tuple[Any, Any], warned: bool) -> None:
        e = ListedParty(id="x", source=EL, name="X", license_requirement=requirement or None,
                        license_policy=policy or None)  # fmt: skip
        items, review, warnings = licence_terms(e)
        assert (items, review) == expected
        assert bool(warnings) is warned

    def test_a_denied_person_needs_no_text(self) -> None:
        e = ListedParty(id="x", source=DPL, name="X")
        assert licence_terms(e) == ("all", "denial", [])


class TestCslSections:
    def test_exact_matches_become_restrictions(self) -> None:
        ds = parse_dataset(MASTER, "master")
        found = screen(ds, entries())
        imported = csl_sections(entries(), found.matches)
        by_id = {r["id"]: r for r in imported.sections["restrictions"]}
        # hw, zte, rostec and uvl match exactly (same name once normalised, same country);
        # smic matches e4's alt name SMIC exactly too.  uvl's list (UVL) is not read: warned.
        assert sorted(by_id) == [
            "dpl-zte", "el-huawei-technologies", "el-semiconductor-manufacturing-international", "sdn-rostec"
        ]  # fmt: skip
        assert by_id["el-huawei-technologies"] == {
            "id": "el-huawei-technologies", "name": "Huawei Technologies Co., Ltd.", "authority": EL,
            "list": "entity-list",
            "targets": ["hw"], "items": "all", "effective_from": "2019-05-16", "review_policy": "denial",
            "note": "84 FR 22961; CSL entry e1",
        }  # fmt: skip
        assert by_id["dpl-zte"]["denial"] is True and by_id["dpl-zte"]["list"] == "denied-persons"
        assert by_id["dpl-zte"]["effective_until"] == "2018-07-13"
        assert by_id["sdn-rostec"]["list"] == "sdn"
        assert (
            by_id["el-semiconductor-manufacturing-international"]["review_policy"] == "denial"
        )  # mixed policy: strictest
        lists = {x["id"]: x for x in imported.sections["lists"]}
        assert sorted(lists) == ["denied-persons", "entity-list", "sdn"]
        assert lists["entity-list"]["affiliates_windows"] == [
            {"from": "2025-09-29", "until": "2025-11-09"},
            {"from": "2026-11-10"},
        ]
        assert any("Unverified List (UVL)" in w and "uvl" in w for w in imported.warnings)
        assert any("entry e4" in w and "license_policy" in w for w in imported.warnings)

    def test_merged_with_the_master_the_listing_blocks_the_phone(self) -> None:
        # hw (the phone's maker) is listed by el-huawei-technologies from 2019-05-16: the US chip
        # to hw is caught.
        ds = parse_dataset(MASTER, "master")
        imported = csl_sections(entries(), screen(ds, entries()).matches)
        merged = parse_dataset({**MASTER, **imported.sections}, "merged")
        result = impact(SupplyChain.from_dataset(merged), __import__("datetime").date(2019, 6, 1))
        assert [(p.id, p.status.value, [c.restriction for c in p.causes]) for p in result.products] == [
            ("phone", "blocked", ["el-huawei-technologies"])
        ]

    def test_a_fuzzy_candidate_is_reported_not_imported_unless_confirmed(self) -> None:
        # "Huawei Technologie Co" (a typo) scores below 1: not exact.
        ds = parse_dataset(
            {"companies": [{"id": "hwt", "name": "Huawei Technologie Co", "country": "CN"}]}, "t"
        )
        found = screen(ds, entries())
        (m,) = found.matches
        assert (m.id, m.entry, m.exact) == ("hwt", "e1", False)
        plain = csl_sections(entries(), found.matches)
        assert plain.sections["restrictions"] == []
        assert len(plain.warnings) == 1 and plain.warnings[0].startswith("not imported: company 'hwt'")
        confirmed = csl_sections(entries(), found.matches, {("hwt", "e1")})
        assert [r["targets"] for r in confirmed.sections["restrictions"]] == [["hwt"]]


class TestReadConfirmed:
    def test_csv_and_json(self, tmp_path: Path) -> None:
        (tmp_path / "m.csv").write_text("id,entry,confirmed\na,e1,yes\nb,e2,\nc,e3,X\n")
        assert read_confirmed(tmp_path / "m.csv") == {("a", "e1"), ("c", "e3")}
        (tmp_path / "m.json").write_text(
            json.dumps(
                {"matches": [{"id": "a", "entry": "e1", "confirmed": True}, {"id": "b", "entry": "e2"}]}
            )
        )
        assert read_confirmed(tmp_path / "m.json") == {("a", "e1")}


class TestSourceCode:
    def test_codes(self) -> None:
        assert [source_code(s) for s in (EL, DPL, SDN, "Nonsense")] == ["EL", "DPL", "SDN", None]


class TestCommands:
    def files(self, tmp_path: Path) -> tuple[str, str]:
        (tmp_path / "csl.json").write_text(json.dumps({"results": LIST}))
        (tmp_path / "master.yaml").write_text(yaml.safe_dump(MASTER))
        return str(tmp_path / "csl.json"), str(tmp_path / "master.yaml")

    def test_screen_json_keys(self, tmp_path: Path) -> None:
        csl, master = self.files(tmp_path)
        r = CliRunner().invoke(cli, ["screen", csl, "--data", master, "--format", "json"])
        assert r.exit_code == 0, r.output
        out = json.loads(r.output)
        assert {"id", "name", "entry", "listed_name", "source", "score", "exact", "country_match"} <= set(
            out["matches"][0]
        )
        assert out["unmatched_entries"] == 0  # every entry of LIST matches one company of MASTER

    def test_import_writes_restrictions_that_merge(self, tmp_path: Path) -> None:
        csl, master = self.files(tmp_path)
        out = str(tmp_path / "listed.yaml")
        r = CliRunner().invoke(cli, ["import", "csl", csl, "--data", master, "--out", out])
        assert r.exit_code == 0, r.output
        assert "warning: entry e5" in r.output  # UVL
        ds = load_datasets([master, out])
        assert sorted(x.id for x in ds.restrictions) == [
            "dpl-zte", "el-huawei-technologies", "el-semiconductor-manufacturing-international", "sdn-rostec"
        ]  # fmt: skip
        r = CliRunner().invoke(cli, ["import", "csl", csl, "--data", master, "--out", out])
        assert r.exit_code == 2 and "exists: pass --force" in r.output  # nothing replaced unasked

    def test_confirm_from_the_screen_csv(self, tmp_path: Path) -> None:
        csl, _ = self.files(tmp_path)
        master = tmp_path / "m.yaml"
        master.write_text(
            yaml.safe_dump({"companies": [{"id": "hwt", "name": "Huawei Technologie Co", "country": "CN"}]})
        )
        matches = tmp_path / "matches.csv"
        r = CliRunner().invoke(
            cli, ["screen", csl, "--data", str(master), "--format", "csv", "-o", str(matches)]
        )
        assert r.exit_code == 0, r.output
        rows = matches.read_text().splitlines()
        assert rows[0].endswith(",confirmed") and rows[1].startswith("hwt,")
        matches.write_text(rows[0] + "\n" + rows[1] + "yes\n")  # the analyst confirms it
        out = str(tmp_path / "listed.json")
        r = CliRunner().invoke(
            cli, ["import", "csl", csl, "--data", str(master), "--out", out, "--confirm", str(matches)]
        )
        assert r.exit_code == 0, r.output
        assert [x.targets for x in load_datasets([str(master), out]).restrictions] == [("hwt",)]
