"""Screening a data file's companies and end users against a list, worked out by hand."""

from __future__ import annotations

import pytest

from graphlib_trade.analysis.screening import normalise, same_company, screen, similarity
from graphlib_trade.models import ListedParty, parse_dataset

EL = "Entity List (EL) - Bureau of Industry and Security"


def party(
    id: str, name: str, *alt: str, countries: tuple[str, ...] = ("CN",), source: str = EL
) -> ListedParty:
    return ListedParty(id=id, source=source, name=name, alt_names=alt, countries=countries)


LIST = (
    party("e-huawei", "Huawei Technologies Co., Ltd.", "Huawei"),
    party("e-hisilicon", "HiSilicon Technologies Co., Ltd.", "Hisilicon"),
    party("e-smic", "Semiconductor Manufacturing International Corporation", "SMIC"),
    party("e-other", "Nothing Matches This Name Ltd."),
)


class TestNormalise:
    @pytest.mark.parametrize(
        ("name", "expected"),
        [
            ("Huawei Technologies Co., Ltd.", "huawei technologies"),
            ("HUAWEI TECHNOLOGIES CO LTD", "huawei technologies"),
            ("Semiconductor Manufacturing International Corp.", "semiconductor manufacturing international"),
            ("Joint Stock Company Kalashnikov Concern", "kalashnikov concern"),
            ("Rosoboronexport, JSC", "rosoboronexport"),
            ("Škoda Auto a.s.", "skoda auto"),  # accent gone; "a s" is the legal form "as" split
            ("AT&T Inc.", "at and t"),
            ("Ltd.", "ltd"),  # nothing but a legal form: kept as it is
            ("Spa Holdings", "spa holdings"),  # "Spa" opens the name: not a legal form there
            ("Holdings Ltd", "holdings"),
            ("Ørsted A/S", "orsted"),  # Ø does not decompose: mapped to o
            ("华为技术有限公司", "华为技术有限公司"),  # other scripts kept
            ("A.S. Watson Group", "a s watson group"),  # "a s" only at the end
        ],
    )
    def test_cases(self, name: str, expected: str) -> None:
        assert normalise(name) == expected


class TestNoFalseExact:
    def test_review_cases(self) -> None:
        # "Spa Holdings" (CN) is not the listed "Holdings Ltd" (CN): "spa holdings" vs "holdings";
        # a Chinese name matches the same Chinese listed name exactly.
        ds = parse_dataset(
            {
                "companies": [
                    {"id": "spa", "name": "Spa Holdings", "country": "CN"},
                    {"id": "hw", "name": "华为技术有限公司", "country": "CN"},
                ]
            },
            "t",
        )
        listed = (party("e-h", "Holdings Ltd"), party("e-hw", "Huawei", "华为技术有限公司"))
        found = screen(ds, listed)
        assert [(m.id, m.entry, m.exact) for m in found.matches] == [("hw", "e-hw", True)]


class TestSimilarity:
    def test_word_order_does_not_count(self) -> None:
        assert similarity("technologies huawei", "huawei technologies") == 1.0

    def test_a_longer_name(self) -> None:
        # Sorted: "deutschland huawei technologies" (31 characters) against "huawei technologies"
        # (19), all 19 in common: 2 x 19 / (31 + 19) = 0.76.
        assert similarity("huawei technologies deutschland", "huawei technologies") == pytest.approx(0.76)


class TestScreen:
    def dataset(self) -> object:
        return parse_dataset(
            {
                "companies": [
                    {"id": "hw", "name": "HUAWEI TECHNOLOGIES CO LTD", "country": "CN"},
                    {"id": "hs", "name": "Hisilicon", "country": "CN"},
                    {"id": "hw-us", "name": "Huawei Technologies Co., Ltd.", "country": "US"},
                    {"id": "hw-de", "name": "Huawei Technologies Deutschland GmbH", "country": "DE"},
                    {"id": "intel", "name": "Intel Corporation", "country": "US"},
                ],
                "end_users": [{"id": "fab", "name": "SMIC"}],
            },
            "t",
        )

    def test_at_the_default_threshold(self) -> None:
        # hw: "huawei technologies" = the listed name once normalised, CN agrees: exact.
        # hs: "hisilicon" = the alt name Hisilicon: score 1, country agrees: exact.
        # hw-us: the same name, but US is not among the entry's countries (CN): not exact.
        # fab (an end user without a country): "smic" = the alt name SMIC: country unknown.
        # hw-de scores 0.76 (TestSimilarity), intel nothing: below 0.9.
        result = screen(self.dataset(), LIST)  # type: ignore[arg-type]
        got = [(m.id, m.entry, m.score, m.exact, m.country_match, m.matched_on) for m in result.matches]
        assert got == [
            ("hs", "e-hisilicon", 1.0, True, True, "Hisilicon"),
            ("hw", "e-huawei", 1.0, True, True, "Huawei Technologies Co., Ltd."),
            ("fab", "e-smic", 1.0, False, None, "SMIC"),
            ("hw-us", "e-huawei", 1.0, False, False, "Huawei Technologies Co., Ltd."),
        ]
        # e-other matches nobody; 5 companies + 1 end user screened against 4 entries.
        assert (result.unmatched_entries, result.parties, result.entries) == (1, 6, 4)

    def test_a_lower_threshold_reports_the_near_miss(self) -> None:
        result = screen(self.dataset(), LIST, threshold=0.7)  # type: ignore[arg-type]
        near = [m for m in result.matches if m.id == "hw-de"]
        assert [(m.entry, m.score, m.exact) for m in near] == [("e-huawei", 0.76, False)]

    def test_each_party_and_entry_once_with_the_best_name(self) -> None:
        # "Huawei" (an alt name) and the primary name both match hw at some score: one match,
        # on the primary name (score 1).
        result = screen(self.dataset(), LIST, threshold=0.3)  # type: ignore[arg-type]
        pairs = [(m.id, m.entry) for m in result.matches]
        assert len(pairs) == len(set(pairs))
        hw = next(m for m in result.matches if (m.id, m.entry) == ("hw", "e-huawei"))
        assert hw.matched_on == "Huawei Technologies Co., Ltd."


class TestSameCompany:
    def test_only_an_unambiguous_match(self) -> None:
        ds = parse_dataset(
            {
                "companies": [
                    {"id": "a", "name": "Acme GmbH", "country": "DE"},
                    {"id": "b", "name": "ACME Ltd", "country": "GB"},
                ]
            },
            "t",
        )
        find = same_company(ds)
        # Both normalise to "acme": with a country, one each; without, two: none.
        assert (find("Acme AG", "DE"), find("Acme plc", "GB"), find("Acme", None)) == ("a", "b", None)
