"""A data file as a folder of CSV files with ``neo4j-admin database import`` headers.

One file per node label and per relationship type, so the same folder feeds
``graphlib-trade`` (``--data FOLDER``) and Neo4j's offline bulk import
(``load --bulk``).  Headers follow the import tool's conventions: ``id:ID`` and
``:LABEL`` in node files, ``:START_ID``, ``:END_ID`` and ``:TYPE`` in relationship
files, typed properties as ``name:float``, ``:boolean``, ``:date`` and
``:string[]`` (elements separated by ``;``).  Ids share one id space, as
validation makes them unique across sections.  The columns, labels and types come
from the models (:mod:`graphlib_trade.models.data`): a new field is a new column.

Every string is written quoted and an absent value as an empty, unquoted field;
on reading, an empty field is an absent value (so an optional text that was the
empty string comes back absent).  No database and no networkx here.
"""

from __future__ import annotations

import csv
import io
import os
import shutil
import tempfile
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from graphlib_trade.errors import DataError, OutputError
from graphlib_trade.files import read_text
from graphlib_trade.models import (
    ID_SECTIONS,
    LINKS,
    RELATIONSHIPS,
    Dataset,
    entry_model,
    parse_dataset,
    relabel,
)
from graphlib_trade.models.properties import Property, properties_reader, schema, to_properties

ARRAY_DELIMITER = ";"

#: The node label of each section with ids: its model's name.
LABELS: dict[str, str] = {s: entry_model(s).__name__ for s in ID_SECTIONS}


def _links_of(section: str) -> tuple[str, ...]:
    return tuple(field for s, _type, field in LINKS if s == section)


#: Node files: section -> (file, label, columns).  ``id`` is the ``:ID`` column.
NODE_FILES: dict[str, tuple[str, str, tuple[Property, ...]]] = {
    section: (f"{section}.csv", LABELS[section], schema(section, ("id", *_links_of(section))))
    for section in ID_SECTIONS
}

#: Relationship files of the sections without ids: section -> (file, type, start, end, properties).
REL_FILES: dict[str, tuple[str, str, str, str, tuple[Property, ...]]] = {
    section: (f"{section}.csv", rel_type, start, end, schema(section, (start, end)))
    for section, (rel_type, start, end) in RELATIONSHIPS.items()
}

#: Relationships that hold a field of a node entry: file -> (type, section, field).
LINK_FILES: dict[str, tuple[str, str, str]] = {
    f"{rel_type.lower()}.csv": (rel_type, section, field) for section, rel_type, field in LINKS
}

NODE_FILE_NAMES = tuple(spec[0] for spec in NODE_FILES.values())
REL_FILE_NAMES = tuple(spec[0] for spec in REL_FILES.values()) + tuple(LINK_FILES)
FILE_NAMES = NODE_FILE_NAMES + REL_FILE_NAMES


@dataclass(frozen=True)
class CsvFolder:
    """What :func:`write_csv_folder` wrote: node and relationship files, and whether any text spans lines."""

    path: Path
    node_files: tuple[Path, ...]
    relationship_files: tuple[Path, ...]
    multiline: bool


# --------------------------------------------------------------------------- writing


def _quote(text: str) -> str:
    return '"' + text.replace('"', '""') + '"'


def _cell(value: Any, kind: str, where: str, field: str) -> str:
    if value is None:
        return ""
    if kind == "string[]":
        items = list(value)
        if not items:
            return '""'
        for item in items:
            if ARRAY_DELIMITER in item or item == "":
                raise DataError(
                    where, [f"{field}: {item!r} cannot be written to a CSV array (empty or contains ';')"]
                )
        return _quote(ARRAY_DELIMITER.join(items))
    if kind == "boolean":
        return "true" if value else "false"
    if kind == "float":
        return repr(float(value))
    if kind == "date":
        return str(value.isoformat())
    return _quote(str(value))


def _lines(header: Iterable[str], rows: Iterable[Iterable[str]]) -> Iterator[str]:
    yield ",".join(header) + "\n"
    for row in rows:
        yield ",".join(row) + "\n"


def _header(columns: tuple[Property, ...]) -> list[str]:
    return [f"{name}:{kind}" if kind else name for name, kind in columns]


def _node_rows(section: str, ds: Dataset) -> Iterator[list[str]]:
    _file, label, columns = NODE_FILES[section]
    for e in getattr(ds, section):
        where = f"{section}: {e.id!r}"
        props = to_properties(e)
        yield [_quote(e.id), _quote(label)] + [_cell(props[f], kind, where, f) for f, kind in columns]


def _rel_rows(section: str, ds: Dataset) -> Iterator[list[str]]:
    _file, rel_type, start, end, columns = REL_FILES[section]
    for e in getattr(ds, section):
        a, b = getattr(e, start), getattr(e, end)
        where = f"{section}: {a!r} -> {b!r}"
        props = to_properties(e)
        yield [_quote(a), _quote(b), rel_type] + [_cell(props[f], kind, where, f) for f, kind in columns]


def _tables(ds: Dataset) -> Iterator[tuple[str, list[str], Iterator[list[str]]]]:
    """(file name, header, rows) for every file of ``ds``."""
    for section, (file, _label, columns) in NODE_FILES.items():
        yield file, ["id:ID", ":LABEL", *_header(columns)], _node_rows(section, ds)
    for section, (file, _type, _start, _end, columns) in REL_FILES.items():
        yield file, [":START_ID", ":END_ID", ":TYPE", *_header(columns)], _rel_rows(section, ds)
    header = [":START_ID", ":END_ID", ":TYPE"]
    for file, (rel_type, section, field) in LINK_FILES.items():
        yield file, header, _link_rows(rel_type, getattr(ds, section), field)


def _link_rows(rel_type: str, entries: Iterable[Any], field: str) -> Iterator[list[str]]:
    for e in entries:
        named = getattr(e, field)
        for other in named if isinstance(named, tuple) else () if named is None else (named,):
            start, end = (other, e.id) if rel_type == "MAKES" else (e.id, other)
            yield [_quote(start), _quote(end), rel_type]


def write_csv_folder(ds: Dataset, path: str | os.PathLike[str]) -> CsvFolder:
    """Write ``ds`` as a CSV folder at ``path``, all at once.

    The files are written to a hidden sibling folder first and then renamed into
    place, so a crash leaves the old folder or the new one, never half of either.
    An existing ``path`` is replaced only if it holds nothing but this format's files.

    Examples
    --------
    >>> import tempfile, pathlib
    >>> from graphlib_trade.models import parse_dataset
    >>> ds = parse_dataset({"companies": [{"id": "a", "name": 'A "one" Ltd', "country": "US"}]}, "x")
    >>> out = write_csv_folder(ds, pathlib.Path(tempfile.mkdtemp()) / "data")
    >>> print((out.path / "companies.csv").read_text(), end="")
    id:ID,:LABEL,name,country,note
    "a","Company","A ""one"" Ltd","US",
    >>> load_csv_folder(out.path) == ds
    True
    """
    target = Path(path)
    if target.exists():
        if not target.is_dir():
            raise OutputError(f"{target}: exists and is not a folder")
        strangers = sorted(p.name for p in target.iterdir() if p.name not in FILE_NAMES)
        if strangers:
            raise OutputError(
                f"{target}: holds other files ({', '.join(strangers[:5])}); refusing to replace it"
            )
    parent = target.parent
    try:
        parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{target.name}.", dir=parent))
    except OSError as exc:
        raise OutputError(f"{target}: cannot write: {exc.strerror}") from None
    multiline = False
    nodes: list[Path] = []
    rels: list[Path] = []
    try:
        for file, header, rows in _tables(ds):
            with open(tmp / file, "w", encoding="utf-8", newline="") as handle:
                for line in _lines(header, rows):
                    if not multiline and ("\n" in line[:-1] or "\r" in line):
                        multiline = True
                    handle.write(line)
                handle.flush()
                os.fsync(handle.fileno())
            (nodes if file in NODE_FILE_NAMES else rels).append(target / file)
        if target.exists():
            old = Path(tempfile.mkdtemp(prefix=f".{target.name}.old.", dir=parent))
            os.replace(target, old / "data")
            os.replace(tmp, target)
            shutil.rmtree(old, ignore_errors=True)
        else:
            os.replace(tmp, target)
    except OSError as exc:
        shutil.rmtree(tmp, ignore_errors=True)
        raise OutputError(f"{target}: cannot write: {exc.strerror}") from None
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    return CsvFolder(target, tuple(nodes), tuple(rels), multiline)


# --------------------------------------------------------------------------- reading


def _quoted_rows(text: str) -> Iterator[tuple[int, list[tuple[str, bool]]]]:
    """(line, [(text, was quoted)]) per record: slower than :mod:`csv`, but tells ``""`` from empty."""
    i, n, line = 0, len(text), 1
    while i < n:
        row: list[tuple[str, bool]] = []
        start_line = line
        while True:
            if i < n and text[i] == '"':
                parts, j = [], i + 1
                while True:
                    k = text.find('"', j)
                    if k < 0:
                        raise ValueError(f"line {start_line}: unterminated quoted field")
                    parts.append(text[j:k])
                    if text.startswith('"', k + 1):
                        parts.append('"')
                        j = k + 2
                        continue
                    i = k + 1
                    break
                value = "".join(parts)
                line += value.count("\n")
                row.append((value, True))
            else:
                ends = [k for k in (text.find(",", i), text.find("\n", i)) if k >= 0]
                k = min(ends) if ends else n
                row.append((text[i:k].rstrip("\r"), False))
                i = k
            if i < n and text[i] == ",":
                i += 1
                continue
            if text.startswith("\r\n", i):
                i += 1
            if i < n and text[i] != "\n":
                raise ValueError(f"line {line}: unexpected {text[i]!r} after a quoted field")
            i += 1
            line += 1
            break
        yield line - 1, row


def _records(
    folder: Path, file: str, keep_quotes: bool = False
) -> Iterator[tuple[int, list[str], list[bool] | None]]:
    """(line, cells, which were quoted) per row of ``folder/file``, the header first; none if
    it is absent.

    With ``keep_quotes`` a quoted empty field (an empty list) is told from an empty one
    (absent); otherwise both read as absent (and ``None`` stands for "none quoted").
    """
    path = folder / file
    if not path.exists():
        return
    text = read_text(path)
    rows: Iterator[tuple[int, list[str], list[bool] | None]]
    if keep_quotes:
        rows = (
            (line, [cell for cell, _ in row], [quoted for _, quoted in row])
            for line, row in _quoted_rows(text)
        )
    else:
        reader = csv.reader(io.StringIO(text, newline=""), strict=True)
        rows = ((reader.line_num, row, None) for row in reader)
    try:
        width: int | None = None
        for line, cells, quoted in rows:
            if width is None:
                width = len(cells)
            elif not cells or (cells == [""] and not (quoted and quoted[0])):
                continue
            elif len(cells) != width:
                problem = f"line {line}: {len(cells)} fields where the header has {width}"
                raise DataError(str(path), [problem])
            yield line, cells, quoted
    except (csv.Error, ValueError) as exc:
        raise DataError(str(path), [f"not valid CSV: {exc}"]) from None


def _columns(path: Path, header: Iterable[str], expected: Mapping[str, str]) -> dict[str, tuple[str, str]]:
    """Map each header cell to (field, type), checking names and types against ``expected``."""
    out: dict[str, tuple[str, str]] = {}
    for cell in header:
        name, _, kind = cell.partition(":")
        key = cell if name == "" else name
        if key not in expected:
            raise DataError(str(path), [f"header: unknown column {cell!r} (expected: {', '.join(expected)})"])
        if name and kind != expected[key] and not (expected[key] == "ID" and kind == "ID"):
            want = f"{name}:{expected[key]}" if expected[key] else name
            raise DataError(str(path), [f"header: column {cell!r} should be {want!r}"])
        out[cell] = (key, kind)
    missing = [k for k, kind in expected.items() if kind in ("ID", "START_ID", "END_ID") and k not in
               {v[0] for v in out.values()}]  # fmt: skip
    if missing:
        raise DataError(str(path), [f"header: missing column {missing[0]!r}"])
    return out


def _read_table(
    folder: Path, file: str, expected: Mapping[str, str], required: frozenset[str], keep_quotes: bool = False
) -> Iterator[tuple[int, dict[str, Any]]]:
    # Per column, worked out from the header once: (position, field, a list?, required?).
    plan: list[tuple[int, str, bool, bool]] | None = None
    for line, cells, quoted in _records(folder, file, keep_quotes):
        if plan is None:
            columns = _columns(folder / file, cells, expected)
            plan = [
                (i, key, kind == "string[]", key in required)
                for i, (key, kind) in enumerate(columns[cell] for cell in cells)
            ]
            continue
        entry: dict[str, Any] = {}
        for i, key, is_list, needed in plan:
            text = cells[i]
            if is_list:
                if text or (quoted is not None and quoted[i]):
                    entry[key] = text.split(ARRAY_DELIMITER) if text else []
            elif text or needed:
                entry[key] = text
        yield line, entry


def load_csv_folder(path: str | os.PathLike[str]) -> Dataset:
    """Read and validate a CSV folder; problems name the file and line of each entry."""
    raw, where = read_csv_folder_located(path, with_folder=False)
    try:
        return parse_dataset(raw, str(path))
    except DataError as exc:
        raise DataError(exc.source, relabel(exc.problems, where)) from None


def read_csv_folder_located(
    path: str | os.PathLike[str], with_folder: bool = True
) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[str]]]:
    """Raw sections from a CSV folder, and where each entry is (``companies.csv line 7``,
    after the folder's path unless ``with_folder`` is false)."""
    raw, lines = _read_folder(Path(path))
    files = {s: spec[0] for s, spec in NODE_FILES.items()} | {s: spec[0] for s, spec in REL_FILES.items()}
    prefix = f"{path}/" if with_folder else ""
    where = {
        section: [f"{prefix}{files[section]} line {line}" for line in at]
        for section, at in lines.items()
        if section in files
    }
    return raw, where


def read_csv_folder(path: str | os.PathLike[str]) -> dict[str, list[dict[str, Any]]]:
    """Raw data-file sections from a CSV folder (validate them with ``parse_dataset``)."""
    return _read_folder(Path(path))[0]


def _read_folder(folder: Path) -> tuple[dict[str, list[dict[str, Any]]], dict[str, list[int]]]:
    strangers = sorted(p.name for p in folder.glob("*.csv") if p.name not in FILE_NAMES)
    if strangers:
        raise DataError(str(folder), [f"unexpected file {strangers[0]} (expected: {', '.join(FILE_NAMES)})"])
    if not any((folder / f).is_file() for f in FILE_NAMES):
        raise DataError(str(folder), [f"holds none of the data files ({', '.join(FILE_NAMES)})"])
    raw: dict[str, list[dict[str, Any]]] = {}
    lines: dict[str, list[int]] = {}
    by_id: dict[str, dict[str, dict[str, Any]]] = {}
    for section, (file, _label, columns) in NODE_FILES.items():
        model_fields = entry_model(section).model_fields
        required = frozenset(n for n, f in model_fields.items() if f.is_required()) | {"id"}
        expected = {"id": "ID", ":LABEL": "", **dict(columns)}
        entries, at = [], []
        # Restrictions' origins default to ("US",): their file must tell an empty list from none.
        quotes = section == "restrictions"
        read = properties_reader(section)
        for line, entry in _read_table(folder, file, expected, required, keep_quotes=quotes):
            entry.pop(":LABEL", None)
            entries.append(read(entry))
            at.append(line)
        raw[section], lines[section] = entries, at
        by_id[section] = {str(e.get("id")): e for e in entries}
    link_kinds = {":START_ID": "START_ID", ":END_ID": "END_ID", ":TYPE": ""}
    for section, (file, rel_type, start, end, columns) in REL_FILES.items():
        entries, at = [], []
        read = properties_reader(section)
        for line, entry in _read_table(folder, file, {**link_kinds, **dict(columns)}, frozenset()):
            if entry.pop(":TYPE", rel_type) != rel_type:
                raise DataError(str(folder / file), [f"line {line}: :TYPE should be {rel_type!r}"])
            entry[start] = entry.pop(":START_ID", "")
            entry[end] = entry.pop(":END_ID", "")
            entries.append(read(entry))
            at.append(line)
        raw[section], lines[section] = entries, at
    for file, (rel_type, section, field) in LINK_FILES.items():
        for line, entry in _read_table(folder, file, link_kinds, frozenset()):
            where = str(folder / file)
            if entry.get(":TYPE", rel_type) != rel_type:
                raise DataError(where, [f"line {line}: :TYPE should be {rel_type!r}"])
            # MAKES runs maker -> product; the others run from the entry to what its field names.
            node_id, other = (
                (entry.get(":END_ID", ""), entry.get(":START_ID", ""))
                if rel_type == "MAKES"
                else (entry.get(":START_ID", ""), entry.get(":END_ID", ""))
            )
            owner = by_id[section].get(node_id)
            if owner is None:
                kind = NODE_FILES[section][1]
                raise DataError(where, [f"line {line}: unknown {kind} {node_id!r}"])
            if field == "targets":
                owner.setdefault("targets", []).append(other)
            elif field in owner:
                raise DataError(where, [f"line {line}: {node_id!r} already has {field} {owner[field]!r}"])
            else:
                owner[field] = other
    return raw, lines
