"""Where a supply chain comes from and goes to as files: one dispatcher over the file forms.

A path is a data file (``.yaml``/``.yml`` or ``.json``) or a CSV folder with
``neo4j-admin`` headers (:mod:`~graphlib_trade.sources.csvfolder`).  Neo4j, the
other source, is :mod:`graphlib_trade.store`.  Every reader returns a validated
:class:`~graphlib_trade.models.Dataset` or raises one
:class:`~graphlib_trade.errors.DataError` naming the file, the entry and the value.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

from graphlib_trade.errors import DataError
from graphlib_trade.files import write_text_atomic
from graphlib_trade.models import Dataset, merge_sections, parse_dataset, relabel
from graphlib_trade.models.merge import Part
from graphlib_trade.sources.csvfolder import load_csv_folder, read_csv_folder_located, write_csv_folder
from graphlib_trade.sources.datafile import dump_dataset, load_data_file, load_scenario, read_raw

#: Output forms of a data file, by name (``--format``) and by the suffix of the path.
FORMS = ("yaml", "json", "csv")
_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read and validate a data file (YAML or JSON) or a CSV folder."""
    if Path(path).is_dir():
        return load_csv_folder(path)
    return load_data_file(path)


def load_datasets(paths: Sequence[str | os.PathLike[str]]) -> Dataset:
    """Read several data files and CSV folders as one validated dataset.

    References may cross files; the same id in two files must be the same entry
    (:func:`~graphlib_trade.models.merge_sections`), and every problem names the file (and
    the line, for a CSV folder) of the entry it is about.
    """
    if len(paths) == 1:
        return load_dataset(paths[0])
    return parse_merged(parts_of(paths))


def parts_of(paths: Sequence[str | os.PathLike[str]]) -> list[Part]:
    """Each file's sections, with where each entry is, for :func:`parse_merged`."""
    return [_part(path) for path in paths]


def parse_merged(parts: Sequence[Part]) -> Dataset:
    """Several files' sections merged and validated as one; problems name each entry's file."""
    source = " + ".join(name for name, _, _ in parts)
    merged, where = merge_sections(parts)
    try:
        return parse_dataset(merged, source)
    except DataError as exc:
        raise DataError(source, relabel(exc.problems, where)) from None


def _part(path: str | os.PathLike[str]) -> Part:
    """One file's sections for :func:`merge_sections`, with where each entry is."""
    name = str(path)
    if Path(path).is_dir():
        raw, where = read_csv_folder_located(path)
        return name, raw, lambda section, index: where[section][index]
    data: Any = read_raw(path)
    if data is None:
        data = {}
    if not isinstance(data, Mapping):
        raise DataError(name, [f"the top level must be a mapping of sections, got {type(data).__name__}"])
    return name, data, lambda section, index: f"{name} {section}[{index}]"


def form_of(path: str | os.PathLike[str]) -> str:
    """The form a path asks for: ``json`` or ``yaml`` by its suffix, else a CSV folder.

    >>> form_of("out.yml"), form_of("data.json"), form_of("data/")
    ('yaml', 'json', 'csv')
    """
    return _SUFFIXES.get(Path(path).suffix.lower(), "csv")


def write_dataset(dataset: Dataset, form: str, out: str | os.PathLike[str]) -> None:
    """Write ``dataset`` to ``out`` as ``yaml``, ``json`` or a ``csv`` folder, all at once."""
    if form == "csv":
        write_csv_folder(dataset, out)
    elif form in ("yaml", "json"):
        write_text_atomic(out, dump_dataset(dataset, form))
    else:
        raise DataError(str(out), [f"unknown form {form!r} (expected one of: {', '.join(FORMS)})"])


__all__ = [
    "FORMS",
    "dump_dataset",
    "form_of",
    "load_csv_folder",
    "load_dataset",
    "load_datasets",
    "load_scenario",
    "parse_merged",
    "parts_of",
    "read_raw",
    "write_csv_folder",
    "write_dataset",
]
