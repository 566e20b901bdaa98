"""Several data files as one: sections merged, the same entry in two files kept once.

An analyst's own file, a screening-list import and a supplier's bill of materials
describe one supply chain; references may cross files (a BOM from one file naming a
supplier from another).  The same id in two files is an error unless the two entries are
identical (they mean the same: defaults spelled out or not); an identical relationship
(the same supply, BOM entry, ...) is kept once.  Anything else that collides is left for
:func:`~graphlib_trade.models.parse_dataset` to report, naming the file of each entry.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence
from typing import Any

from pydantic import ValidationError

from graphlib_trade.errors import DataError
from graphlib_trade.models.base import short
from graphlib_trade.models.data import ID_SECTIONS, SECTIONS, entry_model

#: What makes two entries of a section without ids the same relationship.
_KEYS: dict[str, tuple[str, ...]] = {
    "ownership": ("owner", "owned", "valid_from", "valid_until"),
    "supplies": ("supplier", "component"),
    "bom": ("parent", "component"),
    "services": ("provider", "product", "kind"),
    "uses": ("user", "product"),
}

#: Fields that hold sets: two files may list them in any order.
_UNORDERED: dict[str, tuple[str, ...]] = {
    "restrictions": ("targets", "destinations", "origins"),
    "licences": ("recipients", "suppliers", "components"),
}

#: One file: its name, its sections, and a label per entry for messages (``a.yaml companies[2]``,
#: ``folder/companies.csv line 3``).
Part = tuple[str, Mapping[str, Any], Callable[[str, int], str]]


def merge_sections(parts: Sequence[Part]) -> tuple[dict[str, list[Any]], dict[str, list[str]]]:
    """The merged sections, and the label of each merged entry (where it came from).

    Raises
    ------
    DataError
        When two files give the same id to entries that differ; every such id is named.

    Examples
    --------
    >>> a = {"companies": [{"id": "tsmc", "name": "TSMC", "country": "TW"}]}
    >>> b = {"companies": [{"id": "tsmc", "name": "TSMC", "country": "TW", "note": None}],
    ...      "components": [{"id": "wafer", "name": "Wafer", "origin": "TW"}]}
    >>> parts = [(name, raw, lambda s, i, n=name: f"{n} {s}[{i}]") for name, raw in (("a", a), ("b", b))]
    >>> merged, where = merge_sections(parts)
    >>> [e["id"] for e in merged["companies"]], where["components"]
    (['tsmc'], ['b components[0]'])
    """
    merged: dict[str, list[Any]] = {}
    where: dict[str, list[str]] = {}
    problems: list[str] = []
    for section in SECTIONS:
        entries: list[Any] = []
        labels: list[str] = []
        seen: dict[Any, tuple[int, int]] = {}  # key -> (file, position in ``entries``)
        for part, (_, raw, label) in enumerate(parts):
            for index, entry in enumerate(raw.get(section) or ()):
                key = _key(section, entry)
                found = seen.get(key) if key is not None else None
                if found is None or found[0] == part:
                    # New, or repeated inside one file: as for that file alone, parse_dataset
                    # reports the repeat.
                    if key is not None and found is None:
                        seen[key] = (part, len(entries))
                    entries.append(entry)
                    labels.append(label(section, index))
                    continue
                first = found[1]
                difference = _difference(section, entry, entries[first])
                if difference is None:
                    continue  # the same entry again: kept once
                if section in ID_SECTIONS:
                    problems.append(
                        f"{label(section, index)}: id {short(entry['id'])} is also {labels[first]}, "
                        f"which differs ({difference})"
                    )
                else:  # left for the duplicate checks of parse_dataset, which name both
                    entries.append(entry)
                    labels.append(label(section, index))
        if entries or any(section in raw for _, raw, _ in parts):
            merged[section], where[section] = entries, labels
    unknown = sorted({k for _, raw, _ in parts for k in raw if k not in SECTIONS})
    for _, raw, _ in parts:
        for k in unknown:
            if k in raw:
                merged.setdefault(k, raw[k])  # parse_dataset names the unknown section
    if problems:
        raise DataError(" + ".join(name for name, _, _ in parts), problems)
    return merged, where


def _key(section: str, entry: Any) -> Any:
    """What two entries of ``section`` share when they are the same one (None: never merged)."""
    if not isinstance(entry, Mapping):
        return None
    if section in ID_SECTIONS:
        return entry.get("id") if isinstance(entry.get("id"), str) else None
    fields = _KEYS.get(section)
    if fields is None:
        return None
    return tuple(str(entry.get(f)) for f in fields)


def _difference(section: str, a: Mapping[str, Any], b: Mapping[str, Any]) -> str | None:
    """None when ``a`` and ``b`` mean the same entry, else the first field they differ on."""
    model = entry_model(section)
    try:
        first, second = model.model_validate(a).model_dump(), model.model_validate(b).model_dump()
    except ValidationError:
        first, second = dict(a), dict(b)  # parse_dataset reports the malformed one
    for name in _UNORDERED.get(section, ()):  # sets written as lists: their order means nothing
        for entry in (first, second):
            if isinstance(entry.get(name), (list, tuple)):
                entry[name] = sorted(entry[name], key=str)
    for name in dict.fromkeys([*first, *second]):
        if first.get(name) != second.get(name):
            return f"{name}: {_shown(first.get(name))} vs {_shown(second.get(name))}"
    return None


def _shown(value: Any) -> str:
    return short(value) if isinstance(value, str) else repr(value)


_ENTRY = re.compile(r"(?<![\w.])(" + "|".join(SECTIONS) + r")\[(\d+)\]")


def relabel(problems: Sequence[str], where: Mapping[str, Sequence[str]]) -> list[str]:
    """``problems`` of the merged sections with each ``section[i]`` named where it came from.

    >>> relabel(["bom[1] (parent 'p'): unknown component 'x'"], {"bom": ["a bom[0]", "b bom[0]"]})
    ["b bom[0] (parent 'p'): unknown component 'x'"]
    """

    def named(match: re.Match[str]) -> str:
        labels = where.get(match.group(1), ())
        index = int(match.group(2))
        return labels[index] if index < len(labels) else match.group(0)

    return [_ENTRY.sub(named, p) for p in problems]
