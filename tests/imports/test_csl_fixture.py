"""The hand-made Consolidated Screening List sample against the analyst's sample master data.

Expected outcomes from fixtures/imports/csl/SOURCES.md ("expected screening outcome"), worked
out by hand from the names and countries (not from the program's output).
"""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import yaml

from graphlib_trade.analysis import SupplyChain, impact, screen
from graphlib_trade.imports.csl import csl_sections, read_screening_list
from graphlib_trade.models import merge_sections, parse_dataset
from graphlib_trade.sources import load_dataset

HERE = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "csl"


def master() -> object:
    return load_dataset(HERE / "master.yaml")


class TestScreenTheSample:
    def test_json_and_csv_find_the_same(self) -> None:
        ds = master()
        from_json = screen(ds, read_screening_list(HERE / "consolidated.json"))  # type: ignore[arg-type]
        from_csv = screen(ds, read_screening_list(HERE / "consolidated.csv"))  # type: ignore[arg-type]
        assert [(m.id, m.entry, m.exact) for m in from_json.matches] == [
            (m.id, m.entry, m.exact) for m in from_csv.matches
        ]

    def test_the_expected_outcomes(self) -> None:
        found = screen(master(), read_screening_list(HERE / "consolidated.json"))  # type: ignore[arg-type]
        exact = sorted({m.id for m in found.matches if m.exact})
        # Exact (same name once normalised, same country): Huawei (EL), HiSilicon (EL, upper
        # case and "CO LTD"), SMIC ("Corp." vs "Corporation"), AVIC Xi'an (MEU, straight vs curly
        # apostrophe), ZTE (DPL, the stale entry), PJSC Sberbank (alt name, on SDN and SSI), MMZ
        # JSC (alt name, SDN).
        assert exact == ["avic-xian", "hisilicon", "huawei", "mmz", "sberbank", "smic", "zte"]
        checks = sorted((m.id, m.country_match) for m in found.matches if not m.exact)
        # United Aircraft Corporation: the listed name, but a US address against a Russian
        # entry: reported for review, never exact.
        assert checks == [("united-aircraft-us", False)]
        # TSMC, Texas Instruments, Hamamatsu, Bürklin, BOE, Deutsche Telekom, Example Imaging:
        # nothing at 0.9.
        clean = {"tsmc", "ti", "hamamatsu", "buerklin", "boe", "deutsche-telekom", "example-imaging"}
        assert not clean & {m.id for m in found.matches}

    def test_imported_what_the_listings_do_and_do_not_stop(self) -> None:
        # As of 2021-01-01 every imported restriction is in force (SMIC's from 2020-12-18; ZTE's
        # stale denial order has no end date).  An Entity List listing restricts what is sold
        # *to* the listed party:
        # - HiSilicon buys TI's ADC (US origin, 3A991, not EAR99): caught, no licence, so
        #   HiSilicon cannot build the camera SoC, its only source: SC-1 loses a required part,
        #   blocked, and its users ZTE, Sberbank and Deutsche Telekom are blocked through it.
        #   (The SMIC and TSMC wafers HiSilicon also buys are CN/TW with no US content: not
        #   subject.)
        # - AV-2 (photodiode and the EAR99 PMIC from unlisted suppliers; GB with no US content,
        #   so its deliveries to the listed AVIC Xi'an and MMZ are not subject) stays ok, and so
        #   do its users.
        ds = master()
        entries = read_screening_list(HERE / "consolidated.json")
        imported = csl_sections(entries, screen(ds, entries).matches)  # type: ignore[arg-type]
        codes = sorted(r["list"] for r in imported.sections["restrictions"])
        # 3 Entity List (Huawei, HiSilicon, SMIC), 1 MEU (AVIC Xi'an), 1 denied person (ZTE),
        # 2 SDN (MMZ, Sberbank); the SSI entry is not read (warned).
        assert codes == [
            "denied-persons",
            "entity-list",
            "entity-list",
            "entity-list",
            "meu-list",
            "sdn",
            "sdn",
        ]
        assert any("(SSI)" in w for w in imported.warnings)
        parts = [
            ("m", ds.to_raw(), lambda s, i: f"m {s}[{i}]"),  # type: ignore[attr-defined]
            ("i", imported.sections, lambda s, i: f"i {s}[{i}]"),
        ]
        merged, _ = merge_sections(parts)
        result = impact(SupplyChain.from_dataset(parse_dataset(merged, "merged")), dt.date(2021, 1, 1))
        products = {p.id: p for p in result.products}
        assert {k: p.status.value for k, p in products.items()} == {"sc-1": "blocked", "av-2": "ok"}
        assert products["sc-1"].lost_required == ("cam-soc",)
        hisilicon = next(r["id"] for r in imported.sections["restrictions"] if r["targets"] == ["hisilicon"])
        assert [(c.restriction, c.supplier, c.item, c.buyer) for c in products["sc-1"].causes] == [
            (hisilicon, "ti", "ti-adc", "hisilicon")
        ]
        assert {u.id: u.status.value for u in result.end_users} == {
            "avic-xian": "ok", "mmz": "ok", "united-aircraft-us": "ok",
            "zte": "blocked", "sberbank": "blocked", "deutsche-telekom": "blocked",
        }  # fmt: skip

    def test_before_the_import_nothing_is_restricted(self) -> None:
        # The master alone holds no restriction: everything ok.
        result = impact(SupplyChain.from_dataset(master()), dt.date(2021, 1, 1))  # type: ignore[arg-type]
        assert {p.status.value for p in result.products} == {"ok"}


class TestCandidates:
    def test_a_candidate_is_imported_only_when_confirmed(self) -> None:
        # The analyst's file also holds "HiSilicon Technology Co., Ltd." (CN): normalised
        # "hisilicon technology" (20 characters) against the listed "hisilicon technologies" (22):
        # 19 characters in common ("hisilicon technolog"), 2 x 19 / 42 = 0.9048, above 0.9 but not
        # equal: a candidate, not exact.
        raw = yaml.safe_load((HERE / "master.yaml").read_text())
        raw["companies"].append(
            {"id": "hisilicon-2", "name": "HiSilicon Technology Co., Ltd.", "country": "CN"}
        )
        ds = parse_dataset(raw, "master + a duplicate record")
        entries = read_screening_list(HERE / "consolidated.json")
        found = screen(ds, entries)
        (candidate,) = [m for m in found.matches if m.id == "hisilicon-2"]
        assert (candidate.score, candidate.exact, candidate.listed_name) == (
            0.9048,
            False,
            "HiSilicon Technologies Co., Ltd.",
        )
        plain = csl_sections(entries, found.matches)
        listed = next(r for r in plain.sections["restrictions"] if r["name"].startswith("HiSilicon"))
        assert listed["targets"] == ["hisilicon"]
        assert any(w.startswith("not imported: company 'hisilicon-2'") for w in plain.warnings)
        confirmed = csl_sections(entries, found.matches, {("hisilicon-2", candidate.entry)})
        listed = next(r for r in confirmed.sections["restrictions"] if r["name"].startswith("HiSilicon"))
        assert listed["targets"] == ["hisilicon", "hisilicon-2"]
