"""Validation of the data file: every problem names the entry and the value."""

from __future__ import annotations

from typing import Any

import pytest

from graphlib_trade.errors import DataError
from graphlib_trade.models import Component, Grant, Status, parse_dataset, worst
from tests.helpers import basic, bom, company, component, licence, restriction, supply


def problems(sections: Any) -> list[str]:
    with pytest.raises(DataError) as info:
        parse_dataset(sections, "f.yaml")
    assert info.value.source == "f.yaml"
    return info.value.problems


class TestParseDataset:
    def test_empty_file_is_an_empty_dataset(self) -> None:
        assert parse_dataset(None, "f").companies == ()

    def test_basic_is_valid(self) -> None:
        ds = parse_dataset(basic(), "f")
        assert [c.id for c in ds.companies] == ["us", "cn"]

    def test_defaults(self) -> None:
        ds = parse_dataset(basic(licences=[licence("L", "el")]), "f")
        (r,) = ds.restrictions
        assert (r.origins, r.de_minimis, r.affiliates_threshold) == (("US",), 0.25, 0.5)
        assert ds.licences[0].covers == "both"
        assert ds.bom[0].required is True and ds.products[0].lifecycle == "active"

    def test_top_level_must_be_a_mapping(self) -> None:
        assert "mapping" in problems([1, 2])[0]

    def test_unknown_section(self) -> None:
        assert problems({"compnies": []}) == [
            "unknown section 'compnies' (expected one of: lists, companies, ownership, components, products, "
            "supplies, bom, services, end_users, uses, restrictions, licences)"
        ]

    def test_unknown_field_names_the_entry(self) -> None:
        sections = basic()
        sections["bom"] = [bom("phone", "chip", requried=False)]
        assert problems(sections) == ["bom[0] (parent 'phone', component 'chip'): unknown field 'requried'"]

    @pytest.mark.parametrize("share", [1.5, -0.1])
    def test_share_outside_0_1(self, share: float) -> None:
        sections = basic(ownership=[{"owner": "us", "owned": "cn", "share": share}])
        (p,) = problems(sections)
        assert p.startswith("ownership[0] (owner 'us', owned 'cn'): share: ")
        assert p.endswith(f"got {share}")

    def test_shares_adding_up_over_one(self) -> None:
        sections = basic(
            companies=[company("x")],
            ownership=[
                {"owner": "us", "owned": "cn", "share": 0.6},
                {"owner": "x", "owned": "cn", "share": 0.5},
            ],
        )
        assert problems(sections) == ["ownership: shares held in 'cn' add up to 1.1, more than 1"]

    def test_impossible_date(self) -> None:
        sections = basic()
        sections["restrictions"] = [restriction("el", ["cn"], effective_from="2019-02-30")]
        (p,) = problems(sections)
        assert p.startswith("restrictions[0] 'el': effective_from: ") and "'2019-02-30'" in p

    def test_window_the_wrong_way_round(self) -> None:
        sections = basic(licences=[licence("L", "el", valid_from="2019-06-01", valid_until="2019-05-01")])
        assert problems(sections) == [
            "licences[0] 'L': valid_until 2019-05-01 is before valid_from 2019-06-01"
        ]

    def test_duplicate_id_across_sections(self) -> None:
        sections = basic(components=[component("us")], supplies=[supply("us", "us")])
        assert problems(sections) == [
            "components[1] 'us': duplicate id 'us' (already used by companies[0] 'us')"
        ]

    def test_unknown_references(self) -> None:
        sections = basic(
            supplies=[supply("nobody", "chip")],
            bom=[bom("phone", "ghost", alternatives=["phantom"])],
            licences=[licence("L", "no-such-restriction", recipients=["mars"])],
            uses=[{"user": "u", "product": "phone"}],
        )
        assert problems(sections) == [
            "supplies[1] (supplier 'nobody', component 'chip'): supplier: unknown company 'nobody'",
            "bom[1] (parent 'phone', component 'ghost'): component: unknown component 'ghost'",
            "bom[1] (parent 'phone', component 'ghost'): alternatives: unknown component 'phantom'",
            "uses[0] (user 'u', product 'phone'): user: unknown end user 'u'",
            "licences[0] 'L': restriction: unknown restriction 'no-such-restriction'",
            "licences[0] 'L': recipients: unknown company or end user 'mars'",
        ]

    def test_component_without_supplier(self) -> None:
        sections = basic(components=[component("orphan")])
        assert problems(sections) == ["components[1] 'orphan': has no supplier (add a 'supplies' entry)"]

    def test_bad_country_and_eccn(self) -> None:
        sections = basic(
            companies=[company("x", "USA")],
            components=[component("c", eccn="5X999")],
            supplies=[supply("x", "c")],
        )
        found = problems(sections)
        assert any(p.startswith("companies[2] 'x': country: ") and "'USA'" in p for p in found)
        assert any(p.startswith("components[1] 'c': eccn: ") and "'5X999'" in p for p in found)

    def test_restriction_needs_targets(self) -> None:
        sections = basic()
        sections["restrictions"] = [restriction("el", [])]
        assert problems(sections) == [
            "restrictions[0] 'el': needs targets or destinations (at least one of the two)"
        ]

    def test_self_part_and_duplicate_bom(self) -> None:
        sections = basic(bom=[bom("phone", "chip"), bom("chip", "chip")])
        assert problems(sections) == [
            "bom[1] (parent 'phone', component 'chip'): duplicate entry for 'chip' in 'phone'",
            "bom[2] (parent 'chip', component 'chip'): 'chip' cannot be part of itself",
        ]

    def test_many_problems_in_one_message(self) -> None:
        sections = basic(supplies=[supply(f"ghost{i}", "chip") for i in range(25)])
        with pytest.raises(DataError) as info:
            parse_dataset(sections, "f.yaml")
        text = str(info.value)
        assert text.startswith("f.yaml: 25 problems\n")
        assert text.endswith("... and 5 more")


class TestComponent:
    @pytest.mark.parametrize(
        ("origin", "given", "expected"), [("US", None, 1.0), ("TW", None, 0.0), ("TW", 0.3, 0.3)]
    )
    def test_effective_us_content(self, origin: str, given: float | None, expected: float) -> None:
        assert Component(id="c", name="c", origin=origin, us_content=given).effective_us_content == expected


class TestStatus:
    def test_order(self) -> None:
        assert worst([Status.OK, Status.EXPOSED, Status.DEGRADED]) is Status.EXPOSED
        assert worst([]) is Status.OK
        assert Status.BLOCKED.worse_than(Status.EXPOSED)
        assert Status.AT_RISK.worse_than(Status.OK)


class TestGrant:
    def test_parse(self) -> None:
        assert Grant.parse("microsoft:*:huawei") == Grant(
            supplier="microsoft", component="*", recipient="huawei"
        )

    @pytest.mark.parametrize("text", ["a:b", "a:b:c:d", "a::c"])
    def test_malformed(self, text: str) -> None:
        with pytest.raises(ValueError, match="SUPPLIER:COMPONENT:RECIPIENT"):
            Grant.parse(text)
