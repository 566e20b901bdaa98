"""Read and write data files (YAML, JSON; CSV folders in :mod:`~graphlib_trade.csvio`).

No database, no networkx here.
"""

from __future__ import annotations

import json
import os
import tempfile
from pathlib import Path
from typing import Any

import yaml

from graphlib_trade.errors import DataError
from graphlib_trade.models import Dataset, Scenario, parse_dataset, parse_scenario


class _Loader(yaml.SafeLoader):
    """A safe loader that leaves dates as text, so pydantic reports a bad date by name."""


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _no_duplicate_keys(loader: _Loader, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
    mapping: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = loader.construct_object(key_node, deep=deep)
        if key in mapping:
            line = key_node.start_mark.line + 1
            raise yaml.constructor.ConstructorError(
                None, None, f"duplicate key {key!r} (line {line})", key_node.start_mark
            )
        mapping[key] = loader.construct_object(value_node, deep=deep)
    return mapping


_Loader.add_constructor(yaml.resolver.BaseResolver.DEFAULT_MAPPING_TAG, _no_duplicate_keys)


def read_text(path: str | os.PathLike[str]) -> str:
    """The UTF-8 text of ``path``; raise :class:`DataError` naming the file if it cannot be read."""
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise DataError(source, ["no such file"]) from None
    except IsADirectoryError:
        raise DataError(source, ["is a folder, expected a YAML or JSON file"]) from None
    except OSError as exc:
        raise DataError(source, [f"cannot be read: {exc.strerror}"]) from None
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise DataError(
            source, ["is UTF-16 text (it starts with a UTF-16 byte-order mark): save it as UTF-8"]
        )
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise DataError(source, [f"is not UTF-8 text (byte {exc.start}: {data[exc.start]:#04x})"]) from None


_TOO_DEEP = "is nested too deeply to be a data file (lists or mappings hundreds of levels deep)"


def read_raw(path: str | os.PathLike[str]) -> Any:
    """Parse a YAML or JSON file into plain Python data; raise :class:`DataError` if unreadable."""
    source = str(path)
    text = read_text(path)
    if source.lower().endswith(".json"):
        try:
            return json.loads(text)
        except RecursionError:
            raise DataError(source, [_TOO_DEEP]) from None
        except json.JSONDecodeError as exc:
            raise DataError(
                source, [f"is not valid JSON: {exc.msg} (line {exc.lineno}, column {exc.colno})"]
            ) from None
    try:
        return yaml.load(text, Loader=_Loader)
    except RecursionError:
        raise DataError(source, [_TOO_DEEP]) from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f" (line {mark.line + 1}, column {mark.column + 1})" if mark is not None else ""
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        raise DataError(source, [f"is not valid YAML or JSON: {problem}{where}"]) from None


def load_dataset(path: str | os.PathLike[str]) -> Dataset:
    """Read and validate a data file (YAML or JSON) or a CSV folder (see :mod:`graphlib_trade.csvio`)."""
    if Path(path).is_dir():
        from graphlib_trade.csvio import load_csv_folder

        return load_csv_folder(path)
    raw = read_raw(path)
    if raw is None:
        raise DataError(str(path), ["is empty: a data file holds sections such as companies and components"])
    return parse_dataset(raw, str(path))


def load_scenario(path: str | os.PathLike[str]) -> Scenario:
    """Read and validate a scenario file (YAML or JSON)."""
    return parse_scenario(read_raw(path), str(path))


def dump_dataset(dataset: Dataset, fmt: str = "yaml") -> str:
    """The data file text for ``dataset`` (``yaml`` or ``json``)."""
    raw = dataset.to_raw()
    if fmt == "json":
        return json.dumps(raw, indent=2, ensure_ascii=False) + "\n"
    return yaml.safe_dump(raw, sort_keys=False, allow_unicode=True, width=100)


def write_text_atomic(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` to ``path`` all at once: a crash leaves the old file or the new one, never half."""
    target = Path(path)
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent or Path("."))
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            handle.write(text)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
