"""Malformed data files of every kind, each with the words its error message must hold.

Shared by the file tests (``tests/test_malformed.py``) and the store tests, which load
each one into Neo4j and check that the database is left untouched.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from graphlib_trade.generate import generate
from graphlib_trade.sources import load_dataset, read_raw, write_csv_folder

ROOT = Path(__file__).parent.parent
SOURCE = ROOT / "fixtures" / "small" / "multi_tier.yaml"


def _raw() -> dict[str, Any]:
    return json.loads(json.dumps(read_raw(SOURCE), default=str))


def _json(path: Path, data: Any) -> Path:
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


def _edited(change: Callable[[dict[str, Any]], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        raw = _raw()
        change(raw)
        return _json(tmp / "edited.json", raw)

    return make


def _set(section: str, index: int, key: str, value: Any) -> Callable[[dict[str, Any]], None]:
    def change(raw: dict[str, Any]) -> None:
        raw[section][index][key] = value

    return change


def _truncated_json(tmp: Path) -> Path:
    text = json.dumps(_raw())
    (tmp / "cut.json").write_text(text[: len(text) // 2])
    return tmp / "cut.json"


def _truncated_yaml(tmp: Path) -> Path:
    text = SOURCE.read_text()
    cut = text[: text.index("bom:") + 30]  # in the middle of a BOM entry
    (tmp / "cut.yaml").write_text(cut)
    return tmp / "cut.yaml"


def _bytes(name: str, data: bytes) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        (tmp / name).write_bytes(data)
        return tmp / name

    return make


def _csv(edit: Callable[[Path], None]) -> Callable[[Path], Path]:
    def make(tmp: Path) -> Path:
        folder = tmp / "csv"
        write_csv_folder(load_dataset(SOURCE), folder)
        edit(folder)
        return folder

    return make


def _cut_csv(folder: Path) -> None:
    path = folder / "products.csv"
    text = path.read_text()
    path.write_text(text[: len(text) // 2])


def _bad_csv_number(folder: Path) -> None:
    path = folder / "products.csv"
    # Columns after lifecycle: origin, us_content (a float), ...
    path.write_text(path.read_text().replace('"active",,,', '"active",,"lots",', 1))


def _latin1_csv(folder: Path) -> None:
    path = folder / "companies.csv"
    path.write_bytes(path.read_text().replace('"US"', '"U\xe9"', 1).encode("latin-1"))


def _huge_with_last_entry_bad(tmp: Path) -> Path:
    raw = generate(50_000, seed=11)
    raw["uses"][-1]["product"] = "no-such-product"
    return _json(tmp / "huge.json", raw)


YAML_BOMB = (
    "".join(
        f"{name}: &{name} [{', '.join([f'*{prev}'] * 9) if prev else ', '.join(['x'] * 9)}]\n"
        for prev, name in zip(["", "a", "b", "c", "d", "e", "f", "g", "h"], "abcdefghi", strict=True)
    )
    + "companies: *i\n"
)

#: name -> (make the file under a temporary folder, words the message must hold)
CASES: dict[str, tuple[Callable[[Path], Path], str]] = {
    "truncated JSON": (_truncated_json, "is not valid JSON"),
    "truncated YAML": (_truncated_yaml, "is not valid YAML"),
    "empty file": (_bytes("empty.yaml", b""), "is empty"),
    "top level is a list": (_bytes("list.json", b"[1, 2]"), "the top level must be a mapping"),
    "section is a mapping": (_edited(lambda raw: raw.update(companies={"a": 1})), "companies"),
    "text where a number goes": (_edited(_set("products", 0, "units", "many")), "products[0] 'tv-a': units"),
    "infinite number": (_edited(_set("products", 0, "units", 1e400)), "finite number"),
    "NaN share": (
        _edited(lambda raw: raw.update(ownership=[{"owner": "us-ip", "owned": "designer", "share": "NaN"}])),
        "ownership[0] (owner 'us-ip', owned 'designer'): share",
    ),
    "text where a list goes": (_edited(_set("restrictions", 0, "targets", 7)), "restrictions[0]"),
    "unknown field": (_edited(_set("components", 1, "colour", "red")), "components[1]"),
    "date that does not exist": (
        _edited(_set("restrictions", 0, "effective_from", "2019-02-30")),
        "2019-02-30",
    ),
    "id of 1,001 characters": (_edited(_set("components", 0, "id", "c" * 1001)), "at most 1000 characters"),
    "Latin-1 bytes": (_bytes("latin1.yaml", "companies:\n- id: caf\xe9\n".encode("latin-1")), "not UTF-8"),
    "UTF-16": (_bytes("utf16.yaml", SOURCE.read_text().encode("utf-16")), "UTF-16"),
    "binary junk": (_bytes("junk.json", b"\x89PNG\r\n\x1a\n\x00\x00\x00"), "not UTF-8"),
    "nested 100,000 deep": (_bytes("deep.json", b"[" * 100_000 + b"]" * 100_000), "nested too deeply"),
    "YAML alias bomb": (_bytes("bomb.yaml", YAML_BOMB.encode()), "companies[0]"),
    "huge file, last entry bad": (_huge_with_last_entry_bad, "unknown product 'no-such-product'"),
    "CSV cut mid-quote": (_csv(_cut_csv), "products.csv"),
    "CSV text in a :float column": (_csv(_bad_csv_number), "products.csv line 2 'tv-a': us_content"),
    "CSV in Latin-1": (_csv(_latin1_csv), "companies.csv: is not UTF-8"),
}
