"""FollowTheMoney entities read into companies and ownership: every expected answer worked by hand."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest

from graphlib_trade.errors import DataError
from graphlib_trade.imports.ftm import read_date, read_ftm, read_share
from graphlib_trade.models import parse_dataset

FIXTURE = Path(__file__).resolve().parents[2] / "fixtures" / "imports" / "ftm" / "huawei_ownership.jsonl"


def entity(id: str, schema: str, **props: list[str]) -> dict[str, Any]:
    return {"id": id, "schema": schema, "properties": props}


def company(id: str, name: str, country: str = "cn", schema: str = "Company") -> dict[str, Any]:
    return entity(id, schema, name=[name], country=[country])


def owns(id: str, owner: str, asset: str, percentage: str = "100%", **props: list[str]) -> dict[str, Any]:
    return entity(id, "Ownership", owner=[owner], asset=[asset], percentage=[percentage], **props)


def write(tmp_path: Path, *entities: dict[str, Any] | str) -> Path:
    """One line per entity (a string is written as it is: for bad lines)."""
    path = tmp_path / "entities.jsonl"
    lines = [e if isinstance(e, str) else json.dumps(e, ensure_ascii=False) for e in entities]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


class TestReadShare:
    @pytest.mark.parametrize(
        ("text", "expected"),
        [
            ("51%", (0.51, False)),  # a % sign: percent, 51 / 100
            ("51", (0.51, False)),  # no point, above 1: percent
            ("0.51", (0.51, False)),  # at most 1 with a point: a fraction as it is
            ("100%", (1.0, False)),
            ("100", (1.0, False)),  # percent: 100 / 100
            ("1.0", (1.0, False)),  # at most 1 with a point: the fraction 1, i.e. 100%
            ("1", (0.01, False)),  # no point: 1 percent
            ("1.5", (0.015, False)),  # a point but above 1: 1.5 percent
            ("0.5%", (0.005, False)),  # a % sign wins over the point: 0.5 / 100
            ("0", (0.0, False)),
            (".5", (0.5, False)),  # a point, at most 1: the fraction 0.5
            (" 51 % ", (0.51, False)),  # spaces dropped
            ("50-75%", (0.5, True)),  # a range keeps its lower bound 50 -> 0.50
            ("50%-75%", (0.5, True)),
            ("25\u201350%", (0.25, True)),  # an en dash is a range too
            ("0.25-0.5", (0.25, True)),  # both bounds at most 1 with points: fractions
            ("75-100%", (0.75, True)),
        ],
    )
    def test_readable_forms(self, text: str, expected: tuple[float, bool]) -> None:
        assert read_share(text) == expected

    @pytest.mark.parametrize(
        "text",
        [
            "150%",  # above 100%
            "150",  # percent, above 100
            "51,5%",  # a decimal comma is not read
            "majority",
            "",
            "-5%",
            "75-50%",  # a range the wrong way round
            "50-150%",  # a range reaching above 100%
        ],
    )
    def test_unreadable_forms(self, text: str) -> None:
        assert read_share(text) is None


class TestReadDate:
    @pytest.mark.parametrize(
        ("text", "end", "expected"),
        [
            ("2020", False, (dt.date(2020, 1, 1), True)),  # a year starts on 1 Jan
            ("2020", True, (dt.date(2020, 12, 31), True)),  # ... and ends on 31 Dec
            ("2020-11", False, (dt.date(2020, 11, 1), True)),
            ("2020-11", True, (dt.date(2020, 11, 30), True)),  # November has 30 days
            ("2020-02", True, (dt.date(2020, 2, 29), True)),  # 2020 is a leap year
            ("2021-02", True, (dt.date(2021, 2, 28), True)),
            ("2020-11-17", True, (dt.date(2020, 11, 17), False)),  # a full date is as it is
            ("2020-11-17T08:00:00", False, (dt.date(2020, 11, 17), False)),  # the time is dropped
        ],
    )
    def test_dates(self, text: str, end: bool, expected: tuple[dt.date, bool]) -> None:
        assert read_date(text, end) == expected

    @pytest.mark.parametrize("text", ["2020-13", "2020-02-30", "17/11/2020", "20", "soon"])
    def test_unreadable(self, text: str) -> None:
        assert read_date(text, end=False) is None


class TestCompanies:
    def test_company_organization_and_legal_entity(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            company("a", "Alpha Ltd"),
            company("b", "Beta Union", "de", schema="Organization"),
            company("c", "Gamma", "us", schema="LegalEntity"),
        )
        got = read_ftm(path)
        # country codes upper-cased; note: "ftm" and the entity id (no datasets listed)
        assert got.sections["companies"] == [
            {"id": "a", "name": "Alpha Ltd", "country": "CN", "note": "ftm a"},
            {"id": "b", "name": "Beta Union", "country": "DE", "note": "ftm b"},
            {"id": "c", "name": "Gamma", "country": "US", "note": "ftm c"},
        ]
        assert got.sections["ownership"] == []
        assert got.warnings == ()

    def test_first_name_and_first_country_else_jurisdiction(self, tmp_path: Path) -> None:
        two = entity("a", "Company", name=["Alpha Ltd", "Alpha"], country=["hk", "cn"])
        juris = entity("b", "Company", name=["Beta"], jurisdiction=["gb"])
        # 'suhh' (the Soviet Union) is no alpha-2 code: the next country 'ru' is read
        old = entity("c", "Company", name=["Gamma"], country=["suhh", "ru"])
        got = read_ftm(write(tmp_path, two, juris, old))
        assert [(c["name"], c["country"]) for c in got.sections["companies"]] == [
            ("Alpha Ltd", "HK"),
            ("Beta", "GB"),
            ("Gamma", "RU"),
        ]

    def test_name_from_caption_else_id(self, tmp_path: Path) -> None:
        captioned = {**entity("a", "Company", country=["cn"]), "caption": "Alpha Caption"}
        bare = entity("b", "Company", country=["cn"])
        got = read_ftm(write(tmp_path, captioned, bare))
        assert [c["name"] for c in got.sections["companies"]] == ["Alpha Caption", "b"]
        assert got.warnings == ("line 2: Company 'b': no name; named by its id",)

    def test_datasets_in_the_note(self, tmp_path: Path) -> None:
        listed = {**company("a", "Alpha"), "datasets": ["us_bis_entity", "us_trade_csl"]}
        got = read_ftm(write(tmp_path, listed))
        assert got.sections["companies"][0]["note"] == "ftm a (us_bis_entity, us_trade_csl)"

    def test_no_country_leaves_the_company_and_its_rows_out(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            company("a", "Alpha"),
            entity("b", "Company", name=["Beta"]),  # no country, no jurisdiction
            entity("c", "Company", name=["Gamma"], country=["eu"]),  # 'eu' is no country
            owns("o1", "a", "b"),  # names b: out
            owns("o2", "c", "a"),  # names c: out
            owns("o3", "a", "elsewhere"),  # names an id not in the file: kept
        )
        got = read_ftm(path)
        assert [c["id"] for c in got.sections["companies"]] == ["a"]
        assert got.sections["ownership"] == [
            {"owner": "a", "owned": "elsewhere", "share": 1.0, "note": "ftm o3"}
        ]
        assert got.warnings == (
            "line 2: Company 'b' ('Beta'): no country or jurisdiction that is an ISO alpha-2 code "
            "(got none); left out (a company needs a country)",
            "line 3: Company 'c' ('Gamma'): no country or jurisdiction that is an ISO alpha-2 code "
            "(got {'country': ['eu']}); left out (a company needs a country)",
            "line 4: Ownership 'o1': asset 'b' was left out (no country); left out",
            "line 5: Ownership 'o2': owner 'c' was left out (no country); left out",
        )


class TestOwnership:
    def test_percentage_forms(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            owns("o1", "p", "a", "51%"),  # 0.51
            owns("o2", "p", "b", "51"),  # 0.51
            owns("o3", "p", "c", "0.51"),  # 0.51
            owns("o4", "p", "d", "1.0"),  # the fraction 1.0
            owns("o5", "p", "e", "50-75%"),  # the range keeps 0.50, with a warning
        )
        got = read_ftm(path)
        assert [o["share"] for o in got.sections["ownership"]] == [0.51, 0.51, 0.51, 1.0, 0.5]
        assert got.warnings == (
            "line 5: Ownership 'o5': percentage '50-75%' is a range; its lower bound 0.5 is kept",
        )

    def test_a_missing_percentage_leaves_the_row_out(self, tmp_path: Path) -> None:
        path = write(tmp_path, entity("o1", "Ownership", owner=["p"], asset=["a"]))
        got = read_ftm(path)
        assert got.sections["ownership"] == []
        assert got.warnings == ("line 1: Ownership 'o1': no percentage; left out",)

    def test_a_percentage_that_is_no_share_is_bad_input(self, tmp_path: Path) -> None:
        # 'majority' is no number; '150%' is more than the whole: each named, nothing imported.
        path = write(tmp_path, owns("o2", "p", "b", "majority"), owns("o3", "p", "c", "150%"))
        with pytest.raises(DataError) as exc:
            read_ftm(path)
        assert exc.value.problems == [
            "line 1: Ownership 'o2': percentage 'majority' is not a share (such as '51%', '51' or '0.51')",
            "line 2: Ownership 'o3': percentage '150%' is not a share (such as '51%', '51' or '0.51')",
        ]

    def test_no_owner_or_asset(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            entity("o1", "Ownership", asset=["a"], percentage=["10%"]),
            entity("o2", "Ownership", owner=["p"], percentage=["10%"]),
        )
        got = read_ftm(path)
        assert got.sections["ownership"] == []
        assert got.warnings == (
            "line 1: Ownership 'o1': no owner; left out",
            "line 2: Ownership 'o2': no asset; left out",
        )

    def test_full_dates(self, tmp_path: Path) -> None:
        # endDate is the day the holding ended: valid until the day before (2020-11-17 -> 11-16);
        # startDate is the first day held, as it is.
        path = write(
            tmp_path,
            owns("sold", "huawei", "honor", endDate=["2020-11-17"]),
            owns("bought", "zhixin", "honor", startDate=["2020-11-17"]),
            owns("both", "x", "y", "30%", startDate=["2019-01-01"], endDate=["2019-07-01"]),
        )
        got = read_ftm(path)
        assert got.sections["ownership"] == [
            {
                "owner": "huawei",
                "owned": "honor",
                "share": 1.0,
                "valid_until": "2020-11-16",
                "note": "ftm sold",
            },
            {
                "owner": "zhixin",
                "owned": "honor",
                "share": 1.0,
                "valid_from": "2020-11-17",
                "note": "ftm bought",
            },
            {
                "owner": "x",
                "owned": "y",
                "share": 0.3,
                "valid_from": "2019-01-01",
                "valid_until": "2019-06-30",
                "note": "ftm both",
            },
        ]
        assert got.warnings == ()

    def test_partial_dates(self, tmp_path: Path) -> None:
        # start '2004' -> 2004-01-01; end '2020-11' -> 2020-11-30, the day it ended at the latest,
        # so valid until 2020-11-29; end '2021' -> 2021-12-31, valid until 2021-12-30.
        path = write(
            tmp_path,
            owns("o1", "p", "a", startDate=["2004"], endDate=["2020-11"]),
            owns("o2", "p", "b", endDate=["2021"]),
        )
        got = read_ftm(path)
        rows = got.sections["ownership"]
        assert (rows[0]["valid_from"], rows[0]["valid_until"]) == ("2004-01-01", "2020-11-29")
        assert rows[1]["valid_until"] == "2021-12-30"
        assert got.warnings == (
            "line 1: Ownership 'o1': startDate '2004' is a partial date; read as 2004-01-01",
            "line 1: Ownership 'o1': endDate '2020-11' is a partial date; read as 2020-11-30 "
            "(so valid until 2020-11-29)",
            "line 2: Ownership 'o2': endDate '2021' is a partial date; read as 2021-12-31 "
            "(so valid until 2021-12-30)",
        )

    def test_bad_dates_and_windows_leave_the_row_out(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            owns("o1", "p", "a", startDate=["17/11/2020"]),
            # ends the day it starts: valid until the day before the start
            owns("o2", "p", "b", startDate=["2020-11-17"], endDate=["2020-11-17"]),
            owns("o3", "p", "c", startDate=["2021"], endDate=["2020"]),
        )
        got = read_ftm(path)
        assert got.sections["ownership"] == []
        assert got.warnings[0] == "line 1: Ownership 'o1': startDate '17/11/2020' is not a date; left out"
        assert got.warnings[1] == (
            "line 2: Ownership 'o2': endDate '2020-11-17' is not after startDate '2020-11-17' "
            "(the holding ends the day before endDate); left out"
        )
        assert got.warnings[-1].startswith("line 3: Ownership 'o3': endDate '2020' is not after startDate")

    def test_several_values_read_the_first(self, tmp_path: Path) -> None:
        path = write(tmp_path, owns("o1", "p", "a", startDate=["2019-01-01", "2018-01-01"]))
        got = read_ftm(path)
        assert got.sections["ownership"][0]["valid_from"] == "2019-01-01"
        assert got.warnings == (
            "line 1: Ownership 'o1': 2 startDate values ['2019-01-01', '2018-01-01']; the first is read",
        )

    def test_owner_of_another_schema_or_itself(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            entity("ren", "Person", name=["Ren Zhengfei"]),
            company("a", "Alpha"),
            owns("o1", "ren", "a", "1.01%"),  # a Person owns: the data model has company owners only
            owns("o2", "a", "a"),  # a company cannot own itself
        )
        got = read_ftm(path)
        assert got.sections["ownership"] == []
        assert got.warnings == (
            "line 3: Ownership 'o1': owner 'ren' is a Person, not a company; left out",
            "line 4: Ownership 'o2': owner and asset are the same company 'a'; left out",
            "skipped 1 entity of other schemas: Person 1",
        )

    def test_entities_in_any_order(self, tmp_path: Path) -> None:
        # the row comes before the companies it names, and still maps through them
        path = write(tmp_path, owns("o1", "b", "a"), company("a", "Alpha"), company("b", "Beta"))
        got = read_ftm(path, match=lambda name, country: "analyst-b" if name == "Beta" else None)
        assert [(o["owner"], o["owned"]) for o in got.sections["ownership"]] == [("analyst-b", "a")]


class TestSkippedSchemas:
    def test_one_line_counting_each_schema(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            entity("p1", "Person", name=["A"]),
            company("a", "Alpha"),
            entity("s1", "Sanction", entity=["a"]),
            entity("p2", "Person", name=["B"]),
            entity("ad", "Address", full=["1 Main St"]),
            entity("pb", "PublicBody", name=["Ministry"], country=["cn"]),
        )
        got = read_ftm(path)
        assert [c["id"] for c in got.sections["companies"]] == ["a"]
        # 5 others, by schema name: Address 1, Person 2, PublicBody 1, Sanction 1
        assert got.warnings == (
            "skipped 5 entities of other schemas: Address 1, Person 2, PublicBody 1, Sanction 1",
        )

    def test_no_line_when_nothing_is_skipped(self, tmp_path: Path) -> None:
        assert read_ftm(write(tmp_path, company("a", "Alpha"))).warnings == ()


class TestMatch:
    def test_matched_ids_replace_the_entity_ids(self, tmp_path: Path) -> None:
        analyst = {("Huawei Technologies Co., Ltd.", "CN"): "huawei"}
        calls: list[tuple[str, str | None]] = []

        def match(name: str, country: str | None) -> str | None:
            calls.append((name, country))
            return analyst.get((name, country or ""))

        path = write(
            tmp_path,
            company("ftm-hw", "Huawei Technologies Co., Ltd."),
            company("ftm-hisi", "HiSilicon Technologies Co., Ltd."),
            owns("o1", "ftm-hw", "ftm-hisi"),
        )
        got = read_ftm(path, match=match)
        # match sees the name and the upper-cased country of each company
        assert calls == [("Huawei Technologies Co., Ltd.", "CN"), ("HiSilicon Technologies Co., Ltd.", "CN")]
        # ftm-hw is the analyst's 'huawei': no entry for it; its row names 'huawei'
        assert [c["id"] for c in got.sections["companies"]] == ["ftm-hisi"]
        assert got.sections["ownership"] == [
            {"owner": "huawei", "owned": "ftm-hisi", "share": 1.0, "note": "ftm o1"}
        ]

    def test_a_matched_company_needs_no_country(self, tmp_path: Path) -> None:
        # no country here, but the analyst's entry (which has one) stands: no warning, row kept
        path = write(tmp_path, entity("x", "Company", name=["Honor"]), owns("o1", "x", "y", "50%"))
        got = read_ftm(path, match=lambda name, country: "honor" if country is None else None)
        assert got.sections["companies"] == []
        assert got.sections["ownership"][0]["owner"] == "honor"
        assert got.warnings == ()

    def test_merged_with_the_analysts_companies_it_validates(self, tmp_path: Path) -> None:
        analyst = {
            "companies": [{"id": "huawei", "name": "Huawei Technologies Co., Ltd.", "country": "CN"}],
        }
        got = read_ftm(FIXTURE, match=lambda name, c: "huawei" if name.startswith("Huawei Tech") else None)
        merged = {
            "companies": analyst["companies"] + got.sections["companies"],
            "ownership": got.sections["ownership"],
        }
        ds = parse_dataset(merged, "merged")
        # 7 companies in the file, hw-tech matched: 6 written + the analyst's 1
        assert len(ds.companies) == 7
        assert {(o.owner, o.owned) for o in ds.ownership if "huawei" in (o.owner, o.owned)} == {
            ("hw-holding", "huawei"),
            ("huawei", "hisilicon"),
            ("huawei", "hw-device"),
        }


class TestBadInput:
    def test_not_json_names_the_line(self, tmp_path: Path) -> None:
        path = write(tmp_path, company("a", "Alpha"), "{not json")
        with pytest.raises(DataError) as err:
            read_ftm(path)
        assert err.value.source == str(path)
        assert err.value.problems == [
            "line 2: not JSON (Expecting property name enclosed in double quotes, column 2): '{not json'"
        ]

    def test_no_id_or_schema(self, tmp_path: Path) -> None:
        path = write(
            tmp_path,
            {"schema": "Company", "properties": {}},
            {"id": "b", "properties": {}},
            {"id": "", "schema": "Company"},
            '["a", "list"]',
        )
        with pytest.raises(DataError) as err:
            read_ftm(path)
        assert err.value.problems == [
            "line 1: an entity needs a non-empty id and schema, got id None",
            "line 2: an entity needs a non-empty id and schema, got schema None",
            "line 3: an entity needs a non-empty id and schema, got id ''",
            "line 4: expected a JSON object (an FtM entity), got ['a', 'list']",
        ]

    def test_property_values_must_be_lists_of_strings(self, tmp_path: Path) -> None:
        nested = entity("o1", "Ownership", percentage=["10%"])
        nested["properties"]["owner"] = [{"id": "p", "schema": "Person"}]  # the nested export
        path = write(tmp_path, {"id": "a", "schema": "Company", "properties": {"name": "Alpha"}}, nested)
        with pytest.raises(DataError) as err:
            read_ftm(path)
        assert err.value.problems == [
            "line 1: Company 'a': property 'name' must be a list of strings (the flat FtM export), "
            "got 'Alpha'",
            "line 2: Ownership 'o1': property 'owner' must be a list of strings (the flat FtM export), "
            "got [{'id': 'p', 'schema': 'Person'}]",
        ]

    def test_an_id_on_two_lines(self, tmp_path: Path) -> None:
        path = write(tmp_path, company("a", "Alpha"), "", company("a", "Alpha again"))
        with pytest.raises(DataError) as err:
            read_ftm(path)
        # the blank line 2 is skipped but counted
        assert err.value.problems == [
            "line 3: Company 'a': id already used on line 1 (entity fragments: merge them first, "
            "e.g. with `ftm aggregate`)"
        ]

    def test_a_missing_file(self, tmp_path: Path) -> None:
        with pytest.raises(DataError, match="no such file"):
            read_ftm(tmp_path / "absent.jsonl")


class TestFixture:
    """``fixtures/imports/ftm/huawei_ownership.jsonl`` read end to end (SOURCES.md beside it)."""

    NOTE = " (graphlib_sample)"

    def test_companies(self) -> None:
        got = read_ftm(FIXTURE)
        # 7 entities of the company schemas (lines 1, 3, 6, 9, 11, 13, 15), all in China;
        # hw-device has only a jurisdiction 'cn'
        assert got.sections["companies"] == [
            {"id": i, "name": n, "country": "CN", "note": f"ftm {i}{self.NOTE}"}
            for i, n in [
                ("hw-holding", "Huawei Investment & Holding Co., Ltd."),
                ("hw-union", "Union of Huawei Investment & Holding Co., Ltd."),
                ("hw-tech", "Huawei Technologies Co., Ltd."),
                ("hisilicon", "HiSilicon Technologies Co., Ltd."),
                ("hw-device", "Huawei Device Co., Ltd."),
                ("honor-device", "Honor Device Co., Ltd."),
                ("zhixin", "Shenzhen Zhixin New Information Technology Co., Ltd."),
            ]
        ]

    def test_ownership(self) -> None:
        got = read_ftm(FIXTURE)
        n = self.NOTE
        # line 2 '75-100%' -> 0.75; line 5 (Ren Zhengfei, a Person) left out; line 7 '100%' -> 1.0;
        # line 10 '100' -> 1.0 from '2004' -> 2004-01-01; line 12 '1.0' -> the fraction 1.0;
        # line 14 ended 2020-11-17 -> valid until 2020-11-16; line 16 from 2020-11-17
        assert got.sections["ownership"] == [
            {
                "owner": "hw-union",
                "owned": "hw-holding",
                "share": 0.75,
                "note": f"ftm own-hw-union-hw-holding{n}",
            },
            {
                "owner": "hw-holding",
                "owned": "hw-tech",
                "share": 1.0,
                "note": f"ftm own-hw-holding-hw-tech{n}",
            },
            {
                "owner": "hw-tech",
                "owned": "hisilicon",
                "share": 1.0,
                "valid_from": "2004-01-01",
                "note": f"ftm own-hw-tech-hisilicon{n}",
            },
            {"owner": "hw-tech", "owned": "hw-device", "share": 1.0, "note": f"ftm own-hw-tech-hw-device{n}"},
            {
                "owner": "hw-holding",
                "owned": "honor-device",
                "share": 1.0,
                "valid_until": "2020-11-16",
                "note": f"ftm own-hw-holding-honor-device{n}",
            },
            {
                "owner": "zhixin",
                "owned": "honor-device",
                "share": 1.0,
                "valid_from": "2020-11-17",
                "note": f"ftm own-zhixin-honor-device{n}",
            },
        ]

    def test_warnings(self) -> None:
        assert read_ftm(FIXTURE).warnings == (
            "line 2: Ownership 'own-hw-union-hw-holding': percentage '75-100%' is a range; "
            "its lower bound 0.75 is kept",
            "line 5: Ownership 'own-ren-zhengfei-hw-holding': owner 'ren-zhengfei' is a Person, "
            "not a company; left out",
            "line 10: Ownership 'own-hw-tech-hisilicon': startDate '2004' is a partial date; "
            "read as 2004-01-01",
            # line 4 Person Ren Zhengfei, line 8 Sanction (the Entity List listing)
            "skipped 2 entities of other schemas: Person 1, Sanction 1",
        )

    def test_alone_it_is_a_valid_data_file(self) -> None:
        ds = parse_dataset(read_ftm(FIXTURE).sections, str(FIXTURE))
        assert len(ds.companies) == 7 and len(ds.ownership) == 6
        honor = {o.owner: o for o in ds.ownership if o.owned == "honor-device"}
        # Huawei's holding on its last day, Zhixin's from the day of the sale: never both
        assert honor["hw-holding"].valid_on(dt.date(2020, 11, 16))
        assert not honor["zhixin"].valid_on(dt.date(2020, 11, 16))
        assert not honor["hw-holding"].valid_on(dt.date(2020, 11, 17))
        assert honor["zhixin"].valid_on(dt.date(2020, 11, 17))
