"""What a data update changes, worked out by hand."""

from __future__ import annotations

from pathlib import Path

import yaml
from click.testing import CliRunner

from graphlib_trade.analysis import data_changes
from graphlib_trade.cli import cli
from tests.helpers import LATER, basic, graph, restriction


class TestDataChanges:
    def test_a_new_listing(self) -> None:
        # basic() without el, then with it: el added, cn becomes its party, the phone goes
        # ok -> blocked with the new cause us -> chip -> cn.
        before = basic()
        before["restrictions"] = []
        found = data_changes(graph(**before), graph(**basic()), LATER)
        assert (found.restrictions_added, found.restrictions_removed) == (("el",), ())
        assert [(p.restriction, p.party) for p in found.parties_added] == [("el", "cn")]
        (phone,) = found.products
        assert (phone.id, phone.before, phone.after) == ("phone", "ok", "blocked")
        assert [(c.restriction, c.supplier, c.item, c.buyer) for c in phone.new_causes] == [
            ("el", "us", "chip", "cn")
        ]
        assert found.worse

    def test_a_delisting_is_better_not_worse(self) -> None:
        after = basic()
        after["restrictions"] = []
        found = data_changes(graph(**basic()), graph(**after), LATER)
        assert found.restrictions_removed == ("el",) and [p.party for p in found.parties_removed] == ["cn"]
        assert [(p.id, p.before, p.after) for p in found.products] == [("phone", "blocked", "ok")]
        assert not found.worse

    def test_a_new_party_alone_is_worse(self) -> None:
        # el also names us (the supplier) from the update on: no status moves (cn was already
        # blocked, us buys nothing), but a company became a restricted party.
        after = basic()
        after["restrictions"] = [restriction("el", ["cn", "us"])]
        found = data_changes(graph(**basic()), graph(**after), LATER)
        assert found.products == () and [(p.restriction, p.party) for p in found.parties_added] == [
            ("el", "us")
        ]
        assert found.worse

    def test_a_product_only_in_the_new_data(self) -> None:
        # The update adds a second product 'tab' made by cn from the chip: blocked, and new.
        after = basic(
            products=[{"id": "tab", "name": "tab", "maker": "cn"}],
            bom=[{"parent": "tab", "component": "chip"}],
        )
        found = data_changes(graph(**basic()), graph(**after), LATER)
        assert [(p.id, p.before, p.after) for p in found.products] == [("tab", None, "blocked")]
        assert found.worse


class TestCommand:
    def test_fail_on_worse(self, tmp_path: Path) -> None:
        before = basic()
        before["restrictions"] = []
        (tmp_path / "before.yaml").write_text(yaml.safe_dump(before))
        (tmp_path / "after.yaml").write_text(yaml.safe_dump(basic()))
        args = ["changes", "--before", str(tmp_path / "before.yaml"), "--after", str(tmp_path / "after.yaml"),
                "--as-of", LATER.isoformat()]  # fmt: skip
        r = CliRunner().invoke(cli, args)
        assert r.exit_code == 0 and "WORSE" in r.output and "phone" in r.output
        r = CliRunner().invoke(cli, [*args, "--fail-on", "worse", "--format", "json"])
        assert r.exit_code == 1 and '"worse": true' in r.output
        back = ["changes", "--before", str(tmp_path / "after.yaml"), "--after", str(tmp_path / "before.yaml"),
                "--as-of", LATER.isoformat(), "--fail-on", "worse"]  # fmt: skip
        assert CliRunner().invoke(cli, back).exit_code == 0
