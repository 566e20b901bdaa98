"""Snapshots: the chain of files seen before read back whole, never a stale one."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import os
import pickle
import time
from pathlib import Path

import pytest
import yaml
from click.testing import CliRunner

from graphlib_trade import snapshot
from graphlib_trade.analysis import SupplyChain, impact
from graphlib_trade.analysis.chain import DEFERRED, LOCATED
from graphlib_trade.analysis.columns import ColumnFractions
from graphlib_trade.analysis.engine import LOST_REACH, US_FRACTIONS, touched, us_fractions_of
from graphlib_trade.analysis.scenario import apply_scenario
from graphlib_trade.cli import cli
from graphlib_trade.errors import AnalysisError, DataError
from graphlib_trade.models import parse_scenario
from graphlib_trade.sources import load_dataset, write_csv_folder
from tests.helpers import LATER, basic, dataset

HUAWEI = Path(__file__).resolve().parents[1] / "fixtures" / "huawei_2019.yaml"


def lost_reach_of(chain: SupplyChain) -> frozenset[str]:
    """What lost supplies reach (what ``touched`` keeps, with no restriction's reach)."""
    return frozenset(touched(chain, []))


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "cache"
    monkeypatch.setenv("GRAPHLIB_TRADE_CACHE", str(folder))
    return folder


def said(paths: list[str]) -> tuple[SupplyChain, list[str]]:
    heard: list[str] = []
    return snapshot.chain_of(paths, heard.append), heard


class TestChainOf:
    def test_the_second_read_is_the_snapshot_and_gives_the_same_answers(self, cache: Path) -> None:
        first, heard = said([str(HUAWEI)])
        assert len(heard) == 1 and "parsed the files, kept a snapshot" in heard[0]
        assert len(list(cache.glob("*.pickle"))) == 1
        again, heard = said([str(HUAWEI)])
        assert len(heard) == 1 and "read from the snapshot" in heard[0]
        day = dt.date(2019, 9, 1)
        assert impact(again, day) == impact(SupplyChain.from_dataset(load_dataset(HUAWEI)), day)
        assert again is not first

    def test_the_fractions_are_kept_as_the_item_columns_own(self, cache: Path) -> None:
        # The snapshot keeps each item's US content fraction as a view of the item columns'
        # column, not as a dict: the same numbers as the chain built afresh, item for item.
        said([str(HUAWEI)])
        again, _ = said([str(HUAWEI)])
        kept = again.held(US_FRACTIONS)
        assert isinstance(kept, ColumnFractions)
        fresh = us_fractions_of(SupplyChain.from_dataset(load_dataset(HUAWEI)))
        assert dict(kept) == dict(fresh) and len(kept) == len(fresh) > 0
        with pytest.raises(KeyError):
            kept["huawei"]  # a company: no item

    def test_a_changed_file_is_parsed_again(self, cache: Path, tmp_path: Path) -> None:
        path = tmp_path / "d.yaml"
        path.write_text(yaml.safe_dump(basic()))
        said([str(path)])
        changed = basic()
        changed["restrictions"] = []
        path.write_text(yaml.safe_dump(changed))
        chain, heard = said([str(path)])
        assert "parsed the files" in heard[0]
        assert chain.restrictions == {}  # the new content, not the old snapshot
        assert len(list(cache.glob("*.pickle"))) == 2

    def test_a_csv_folder_is_keyed_by_its_files(self, cache: Path, tmp_path: Path) -> None:
        folder = tmp_path / "csv"
        write_csv_folder(dataset(**basic()), folder)
        key = snapshot.digest([folder])
        companies = folder / "companies.csv"
        text = companies.read_text()
        assert "US" in text
        companies.write_text(text.replace("US", "DE"))  # us is German now: another key
        assert snapshot.digest([folder]) != key

    def test_a_damaged_snapshot_is_ignored(self, cache: Path) -> None:
        said([str(HUAWEI)])
        (only,) = cache.glob("*.pickle")
        only.write_bytes(b"not a pickle")
        chain, heard = said([str(HUAWEI)])
        assert "parsed the files" in heard[0] and "p30-pro" in chain.products

    def test_a_truncated_snapshot_is_ignored(self, cache: Path) -> None:
        # Cut short (a full disk, a crash while copying the cache): the core's offset, in the
        # last bytes, points nowhere.
        said([str(HUAWEI)])
        (only,) = cache.glob("*.pickle")
        only.write_bytes(only.read_bytes()[: only.stat().st_size // 2])
        chain, heard = said([str(HUAWEI)])
        assert "parsed the files" in heard[0] and "p30-pro" in chain.products

    def test_tables_read_later_come_from_the_file_as_it_was_read(self, cache: Path) -> None:
        # The deferred tables are read from the file held open: the snapshot deleted (or
        # written again) after the chain was read does not change what they are.
        said([str(HUAWEI)])
        chain, heard = said([str(HUAWEI)])
        assert "read from the snapshot" in heard[0] and chain.unread()
        for path in cache.glob("*.pickle"):
            path.unlink()
        fresh = SupplyChain.from_dataset(load_dataset(HUAWEI))
        assert chain.bom == fresh.bom and chain.components == fresh.components
        assert chain.suppliers == fresh.suppliers and chain.order == fresh.order and chain.unread() == []

    def test_a_part_damaged_after_it_was_read_is_named_and_removed(self, cache: Path) -> None:
        # The core reads; the bill of materials, read later, does not match its digest: a clear
        # error, and the snapshot goes, so the next command builds the chain afresh.
        said([str(HUAWEI)])
        (only,) = cache.glob("*.pickle")
        chain = snapshot._read(only)
        assert chain is not None and "bom" in chain.unread()
        data = bytearray(only.read_bytes())
        start = len(snapshot._FORMAT) + 16  # inside the first part (the components)
        data[start : start + 8] = bytes(8) if data[start : start + 8] != bytes(8) else b"\xff" * 8
        with open(only, "r+b") as handle:  # the same file, changed in place
            handle.write(data)
        with pytest.raises(AnalysisError, match="was damaged after it was written"):
            for group in DEFERRED.values():
                getattr(chain, group[0])
        assert not only.exists()
        again, heard = said([str(HUAWEI)])
        assert "parsed the files" in heard[0] and "p30-pro" in again.products

    def test_a_chain_read_later_pickles_whole(self, cache: Path) -> None:
        said([str(HUAWEI)])
        chain, _ = said([str(HUAWEI)])
        assert chain.unread()
        again = pickle.loads(pickle.dumps(chain))
        fresh = SupplyChain.from_dataset(load_dataset(HUAWEI))
        assert again.unread() == [] and again.bom == fresh.bom and again.items == fresh.items

    def test_the_big_tables_are_read_value_by_value(self, cache: Path) -> None:
        # The Huawei fixture's BOM has 14 parents (p30-pro first) and 51 items; read from the
        # snapshot, one parent's entries are read alone, in its own order, and the table is
        # then the chain's own table in every way a dict is asked: keys in order, absent keys,
        # values, equality, a plain dict when pickled.
        said([str(HUAWEI)])
        chain, _ = said([str(HUAWEI)])
        fresh = SupplyChain.from_dataset(load_dataset(HUAWEI))
        bom = chain.bom
        assert isinstance(bom, snapshot.LazyTable)
        assert bom["p30-pro"] == fresh.bom["p30-pro"]
        assert dict.__len__(bom) == 1  # one value read, 13 left in the file
        assert len(bom) == 14 and list(bom) == list(fresh.bom)
        assert "kirin-980" in fresh.bom and "kirin-980" in bom
        assert "huawei" not in bom and bom.get("huawei") is None and bom.get("huawei", ()) == ()
        with pytest.raises(KeyError):
            bom["huawei"]
        assert fresh.bom == bom  # a plain dict on the left: the table still answers
        assert list(bom.items()) == list(fresh.bom.items()) and dict.__len__(bom) == 14
        again = pickle.loads(pickle.dumps(bom))
        assert type(again) is dict and again == fresh.bom

    def test_a_chain_read_back_is_written_again_as_it_was(self, cache: Path, tmp_path: Path) -> None:
        # A table's values are a view of the bytes the part was read into (not a copy); a
        # chain read back, one BOM value read and the rest not, is written again from those
        # views and reads back as the chain built afresh.
        said([str(HUAWEI)])
        chain, _ = said([str(HUAWEI)])
        bom = chain.bom
        assert isinstance(bom, snapshot.LazyTable) and isinstance(bom._blob, memoryview)
        fresh = SupplyChain.from_dataset(load_dataset(HUAWEI))
        assert bom["p30-pro"] == fresh.bom["p30-pro"] and dict.__len__(bom) == 1
        assert snapshot._write(tmp_path / "again.pickle", chain)
        again = snapshot._read(tmp_path / "again.pickle")
        assert again is not None and isinstance(again.bom, snapshot.LazyTable)
        assert again.bom == fresh.bom and again.components == fresh.components
        assert again.companies == fresh.companies and again.supplies_of == fresh.supplies_of

    def test_a_model_read_alone_is_the_model_the_files_give(self, cache: Path) -> None:
        # Components are kept as their field values and the fields set: a component read alone
        # is equal to the fresh one, and knows which fields the file set (kirin-980 gives an
        # eccn; its us_content is left to its default).
        said([str(HUAWEI)])
        chain, _ = said([str(HUAWEI)])
        # The same component read as an item (the two tables share one coding of each model),
        # and a company (no note: its fields set has no note), are as fresh.
        whole = SupplyChain.from_dataset(load_dataset(HUAWEI))
        fresh = whole.components["kirin-980"]
        found = chain.components["kirin-980"]
        assert found == fresh and found.model_fields_set == fresh.model_fields_set
        assert found.model_dump(exclude_unset=True) == fresh.model_dump(exclude_unset=True)
        as_item = chain.items["kirin-980"]
        assert as_item == fresh and as_item.model_fields_set == fresh.model_fields_set
        assert "us_content" not in fresh.model_fields_set and "eccn" in fresh.model_fields_set
        company, fresh_company = chain.companies["tsmc"], whole.companies["tsmc"]
        assert company.model_fields_set == fresh_company.model_fields_set == {"id", "name", "country"}

    def test_the_parties_are_read_as_asked_and_their_countries_kept(self, cache: Path) -> None:
        # The companies, products, end users and each company's supplies are kept value by
        # value, and the parties by country whole: the fixture's companies in JP are
        # toshiba-memory, sony and murata (in that order; no end user gives a country), found
        # without reading one company.  A what-if that adds a company in JP finds it there
        # too; one that changes no party keeps the countries as they were.
        said([str(HUAWEI)])
        chain, _ = said([str(HUAWEI)])
        fresh = SupplyChain.from_dataset(load_dataset(HUAWEI))
        for name in snapshot.PARTIES:
            assert isinstance(getattr(chain, name), snapshot.LazyTable), name
        assert chain.holds(LOCATED)
        assert chain.located("JP") == ("toshiba-memory", "sony", "murata")
        assert dict.__len__(chain.companies) == 0
        assert chain.companies["sony"] == fresh.companies["sony"] and dict.__len__(chain.companies) == 1
        assert chain.supplies_of == fresh.supplies_of and chain.end_users == fresh.end_users
        day = dt.date(2019, 9, 1)
        added = parse_scenario({"add": {"companies": [{"id": "jdi", "name": "JDI", "country": "JP"}]}}, "s")
        changed = apply_scenario(chain, added, day)
        assert changed.located("JP") == ("toshiba-memory", "sony", "murata", "jdi")
        same = apply_scenario(chain, parse_scenario({"restrict": ["sony"]}, "s"), day)
        assert same.holds(LOCATED) and same.located("JP") == ("toshiba-memory", "sony", "murata")

    def test_turned_off(self, cache: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        monkeypatch.setenv("GRAPHLIB_TRADE_SNAPSHOTS", "0")
        _, heard = said([str(HUAWEI)])
        assert heard == [] and not cache.exists()

    def test_only_the_last_few_are_kept(self, cache: Path, tmp_path: Path) -> None:
        for i in range(snapshot.KEEP + 2):
            path = tmp_path / f"d{i}.yaml"
            sections = basic()
            sections["companies"][0]["name"] = f"US Co {i}"
            path.write_text(yaml.safe_dump(sections))
            said([str(path)])
        assert len(list(cache.glob("*.pickle"))) == snapshot.KEEP

    def test_a_killed_writers_file_goes_an_hour_later(self, cache: Path) -> None:
        # A writer killed mid-write (a forked child, when the machine stops it) leaves its
        # temporary file: the next snapshot written removes it once untouched for STALE_AFTER
        # seconds, and leaves a file some writer may still be at.
        cache.mkdir(mode=0o700)
        old, recent = cache / ".snapshot.killed", cache / ".snapshot.writing"
        old.write_bytes(b"half")
        recent.write_bytes(b"half")
        an_hour_ago = time.time() - snapshot.STALE_AFTER - 60
        os.utime(old, (an_hour_ago, an_hour_ago))
        said([str(HUAWEI)])
        assert not old.exists() and recent.exists()
        assert len(list(cache.glob("*.pickle"))) == 1

    def test_bad_data_writes_no_snapshot(self, cache: Path, tmp_path: Path) -> None:
        path = tmp_path / "bad.yaml"
        path.write_text("companies: [{id: x}]\n")
        with pytest.raises(DataError, match=r"bad\.yaml"):
            said([str(path)])
        assert not cache.exists() or not list(cache.glob("*.pickle"))


class TestVerbose:
    def test_says_which_way(self, cache: Path) -> None:
        args = ["-v", "impact", "--data", str(HUAWEI), "--as-of", LATER.isoformat(), "--format", "json"]
        first = CliRunner().invoke(cli, args)
        second = CliRunner().invoke(cli, args)
        assert first.exit_code == second.exit_code == 0
        assert "kept a snapshot" in first.output and "read from the snapshot" in second.output
        quiet = CliRunner().invoke(cli, args[1:])
        assert "snapshot" not in quiet.output


class TestFromTheCommandLine:
    def test_written_after_the_answer_then_read(self, cache: Path, tmp_path: Path) -> None:
        # A command line writes its snapshot in a child as the process ends: the next command
        # (once the child is done) reads it.
        import os
        import subprocess
        import sys
        import time

        args = [
            sys.executable,
            "-m",
            "graphlib_trade",
            "-v",
            "impact",
            "--data",
            str(HUAWEI),
            "--as-of",
            "2019-09-01",
        ]
        env = {**os.environ, "GRAPHLIB_TRADE_CACHE": str(cache)}
        first = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
        assert "keeping a snapshot for next time" in first.stderr
        deadline = time.monotonic() + 60
        while not list(cache.glob("*.pickle")) and time.monotonic() < deadline:
            time.sleep(0.1)
        second = subprocess.run(args, capture_output=True, text=True, env=env, check=True)
        assert "read from the snapshot" in second.stderr
        assert second.stdout == first.stdout

    def test_keeps_what_holds_on_any_date_and_adds_it_later(self, cache: Path) -> None:
        # whatif compares statuses by array passes: the snapshot its process writes has the
        # US fractions (the item columns it keeps need them) but not the reach of lost supplies,
        # which only the rules one by one work out.  timeline (which carries the rules one by one
        # from date to date), reading that snapshot, works the reach out; its process writes the
        # snapshot again with it, equal to the reach of the chain built afresh, and the next
        # timeline gives the same answer.
        import os
        import subprocess
        import sys
        import time

        env = {**os.environ, "GRAPHLIB_TRADE_CACHE": str(cache)}
        base = [sys.executable, "-m", "graphlib_trade", "-v"]
        data = ["--data", str(HUAWEI), "--as-of", "2019-09-01"]

        def written(after: int | None) -> tuple[int, SupplyChain]:
            deadline = time.monotonic() + 60
            while time.monotonic() < deadline:
                found = list(cache.glob("*.pickle"))
                if found and found[0].stat().st_ino != after:
                    chain = snapshot._read(found[0])
                    assert chain is not None
                    return found[0].stat().st_ino, chain
                time.sleep(0.1)
            raise AssertionError("no snapshot written")

        subprocess.run(
            [*base, "whatif", "--restrict", "tsmc", *data], capture_output=True, env=env, check=True
        )
        inode, kept = written(None)
        assert kept.holds(US_FRACTIONS) and not kept.holds(LOST_REACH)
        dated = [*base, "timeline", "--data", str(HUAWEI)]
        first = subprocess.run(dated, capture_output=True, text=True, env=env, check=True)
        assert "read from the snapshot" in first.stderr
        _, kept = written(inode)
        fresh = SupplyChain.from_dataset(load_dataset(HUAWEI))
        assert kept.holds(LOST_REACH) and lost_reach_of(kept) == lost_reach_of(fresh)
        second = subprocess.run(dated, capture_output=True, text=True, env=env, check=True)
        assert second.stdout == first.stdout


class TestSafety:
    def test_a_folder_others_can_write_is_not_used(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        shared = tmp_path / "shared"
        shared.mkdir(mode=0o777)
        shared.chmod(0o777)
        monkeypatch.setenv("GRAPHLIB_TRADE_CACHE", str(shared))
        chain, heard = said([str(HUAWEI)])
        assert "p30-pro" in chain.products
        assert heard == [f"snapshots off: {shared} is not a folder only you can write"]
        assert not list(shared.iterdir())

    def test_a_file_changed_while_read_leaves_no_snapshot(
        self, cache: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        # The file is rewritten between the key and the parse (as an editor saving it would).
        path = tmp_path / "d.yaml"
        path.write_text(yaml.safe_dump(basic()))
        real = snapshot.load_datasets

        def edited(paths: object) -> object:
            changed = basic()
            changed["restrictions"] = []
            path.write_text(yaml.safe_dump(changed))
            return real(paths)  # type: ignore[arg-type]

        monkeypatch.setattr(snapshot, "load_datasets", edited)
        _, heard = said([str(path)])
        assert heard == ["a file changed while it was read: no snapshot kept"]
        assert not cache.exists() or not list(cache.glob("*.pickle"))


class TestFileDigest:
    """A file's digest noted in the cache folder, taken from there while the file is as it was."""

    def test_a_file_as_it_was_is_not_read_again(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(snapshot, "SETTLED_NS", 0)  # its times need not be 2 s old
        path = tmp_path / "d.yaml"
        path.write_bytes(b"companies: []")
        memo: dict[str, list[object]] = {}
        assert snapshot.file_digest(path, memo) == hashlib.sha256(b"companies: []").digest()
        # What the memo says is what is given back: the file was not read again.
        (noted,) = memo.values()
        noted[2] = "ab" * 32
        assert snapshot.file_digest(path, memo) == bytes.fromhex("ab" * 32)

    def test_a_file_written_since_is_hashed_again(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(snapshot, "SETTLED_NS", 0)
        path = tmp_path / "d.yaml"
        path.write_bytes(b"companies: []")
        memo: dict[str, list[object]] = {}
        snapshot.file_digest(path, memo)
        path.write_bytes(b"companies: [] # another size")
        assert snapshot.file_digest(path, memo) == hashlib.sha256(b"companies: [] # another size").digest()

    def test_a_file_written_just_before_it_was_hashed_is_hashed_again(self, tmp_path: Path) -> None:
        # Written again at once with as many bytes, within the clock's tick: its times may be
        # those noted.  It had not settled when it was hashed, so the memo is not trusted.
        path = tmp_path / "d.yaml"
        path.write_bytes(b"companies: [1]")
        memo: dict[str, list[object]] = {}
        snapshot.file_digest(path, memo)
        assert len(memo) == 1
        path.write_bytes(b"companies: [2]")
        assert snapshot.file_digest(path, memo) == hashlib.sha256(b"companies: [2]").digest()

    def test_the_memo_is_kept_in_a_file_and_a_damaged_one_is_ignored(
        self, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
    ) -> None:
        monkeypatch.setattr(snapshot, "SETTLED_NS", 0)
        path, memo = tmp_path / "d.yaml", tmp_path / "cache" / snapshot.MEMO
        path.write_text(yaml.safe_dump(basic()))
        key = snapshot.digest([path], memo)
        assert str(path.resolve()) in json.loads(memo.read_text())
        assert snapshot.digest([path], memo) == key == snapshot.digest([path])
        memo.write_text("{not json")
        assert snapshot.digest([path], memo) == key
        memo.write_text(json.dumps({str(path.resolve()): ["no", 1, "x"]}))  # a bad entry: hashed
        assert snapshot.digest([path], memo) == key

    def test_a_command_notes_its_files_in_the_cache_folder(self, cache: Path) -> None:
        said([str(HUAWEI)])
        assert str(HUAWEI.resolve()) in json.loads((cache / snapshot.MEMO).read_text())
