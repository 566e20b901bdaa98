"""What every model shares (models/base.py)."""

from __future__ import annotations

import pydantic
import pytest

from graphlib_trade.models import Cause, EndUserImpact, Status, constructed

FIELDS = ("restriction", "supplier", "item", "buyer", "kind", "review_policy", "unclassified")


class TestConstructed:
    def test_the_models_validation_gives(self) -> None:
        # Two causes, by every field (restriction, supplier, item, buyer, kind, review policy,
        # unclassified): equal to the validated ones, every field set, frozen, hashable.
        rows = [
            ("el", "intel", "cpu", "huawei", "supply", "denial", False),
            ("fdpr", "tsmc", "kirin", "hisilicon", "delivery", None, True),
        ]
        made = constructed(Cause, FIELDS, rows)
        expected = [
            Cause(restriction="el", supplier="intel", item="cpu", buyer="huawei", review_policy="denial"),
            Cause(
                restriction="fdpr",
                supplier="tsmc",
                item="kirin",
                buyer="hisilicon",
                kind="delivery",
                unclassified=True,
            ),
        ]
        assert made == expected and [type(m) for m in made] == [Cause, Cause]
        assert made[0].model_fields_set == set(Cause.model_fields)
        assert made[0].model_fields_set is not made[1].model_fields_set
        assert hash(made[1]) == hash(expected[1])
        with pytest.raises(pydantic.ValidationError):
            made[0].item = "modem"  # type: ignore[misc]
        assert made[1].model_dump_json() == expected[1].model_dump_json()

    def test_a_model_holding_models(self) -> None:
        # An end user with one cause: dumped as the validated one is.
        cause = Cause(restriction="el", supplier="intel", item="cpu", buyer="huawei")
        fields = ("name", "id", "causes", "via", "status")  # (any order)
        (user,) = constructed(EndUserImpact, fields, [("BT", "bt", (cause,), ("p30",), Status.BLOCKED)])
        validated = EndUserImpact(id="bt", name="BT", status=Status.BLOCKED, via=("p30",), causes=(cause,))
        assert user == validated and user.model_dump(mode="json") == validated.model_dump(mode="json")
        assert user.model_dump_json() == validated.model_dump_json()  # (the model's order of fields)
        assert repr(user) == repr(validated)

    def test_a_row_short_of_a_field_is_refused(self) -> None:
        with pytest.raises(ValueError, match="shorter"):
            constructed(Cause, FIELDS, [("el", "intel", "cpu", "huawei")])

    def test_fields_not_the_models_are_refused(self) -> None:
        # A field left out, one the model lacks, one given twice: each refused before any row.
        for fields in (FIELDS[:-1], (*FIELDS[:-1], "status"), (*FIELDS[:-1], "item")):
            with pytest.raises(ValueError, match="the fields of Cause are"):
                constructed(Cause, fields, [])
