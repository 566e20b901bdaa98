"""Where a supply chain comes from and goes to as files: one dispatcher over the file forms.

A path is a data file (``.yaml``/``.yml`` or ``.json``) or a CSV folder with
``neo4j-admin`` headers (:mod:`~graphlib_trade.sources.csvfolder`).  Neo4j, the
other source, is :mod:`graphlib_trade.store`.  Every reader returns a validated
:class:`~graphlib_trade.models.Dataset` or raises one
:class:`~graphlib_trade.errors.DataError` naming the file, the entry and the value.
"""

from __future__ import annotations

import os
from pathlib import Path

from graphlib_trade.errors import DataError
from graphlib_trade.files import write_text_atomic
from graphlib_trade.models import Dataset
from graphlib_trade.sources.csvfolder import load_csv_folder, write_csv_folder
from graphlib_trade.sources.datafile import dump_dataset, load_data_file, load_scenario, read_raw

#: Output forms of a data file, by name (``--format``) and by the suffix of the path.
FORMS = ("yaml", "json", "csv")
_SUFFIXES = {".json": "json", ".yaml": "yaml", ".yml": "yaml"}


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read and validate a data file (YAML or JSON) or a CSV folder."""
    if Path(path).is_dir():
        return load_csv_folder(path)
    return load_data_file(path)


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
    "load_scenario",
    "read_raw",
    "write_csv_folder",
    "write_dataset",
]
