"""How an entry of the data file is stored as flat properties (Neo4j, the CSV folder), and back.

Most fields are stored as they are.  The few that are not flat values are stated here once:

- a restriction's ``items`` (``all``, ``ccl`` or ECCN patterns) is a list of strings
  (``["all"]`` for the word);
- its ``fdpr: {items, scope}`` is two properties, ``fdpr_items`` and ``fdpr_scope``;
- a list's ``affiliates_windows`` is a list of ``FROM..UNTIL`` strings;
- a restriction's explicit ``affiliates_threshold: null`` (no affiliates, unlike the absent
  default of 0.5) is stored as 0, a threshold the model refuses, so it is not lost as an
  absent property.

:func:`schema` gives each section's properties with their import-tool types;
:func:`to_properties` turns an entry into properties, and a :func:`properties_reader` properties
back into the raw entry that :func:`~graphlib_trade.models.parse_dataset` reads.
"""

from __future__ import annotations

import datetime as dt
import functools
import types
import typing
from collections.abc import Callable, Collection, Mapping
from typing import Any

from pydantic import BaseModel
from pydantic.fields import FieldInfo

from graphlib_trade.models.data import Window, entry_model

#: A property: (name, type), the type as the import tool names it ("" for text).
Property = tuple[str, str]

_FLAT = {float: "float", bool: "boolean", dt.date: "date", int: "int"}

#: Fields whose null differs from their default: stored as 0 (see the module docstring).
_NULL_AS_ZERO = frozenset({"affiliates_threshold"})


def _kind(annotation: Any) -> str:
    """The import tool's type of a flat field: ``float``, ``boolean``, ``date``, ``string[]`` or text."""
    args = typing.get_args(annotation)
    if isinstance(annotation, types.UnionType) or typing.get_origin(annotation) is typing.Union:
        if any(typing.get_origin(a) is tuple for a in args):
            return "string[]"  # a restriction's items: a word or patterns
        (annotation,) = [a for a in args if a is not type(None)]
    if typing.get_origin(annotation) is tuple:
        return "string[]"
    return _FLAT.get(annotation, "")


def _nested(annotation: Any) -> type[BaseModel] | None:
    """The model of a field holding one nested model (``fdpr``), if it is one (not a list of them)."""
    if typing.get_origin(annotation) is tuple:
        return None
    for a in (annotation, *typing.get_args(annotation)):
        if isinstance(a, type) and issubclass(a, BaseModel):
            return a
    return None


@functools.cache
def _layout(model: type[BaseModel]) -> tuple[tuple[str, FieldInfo, type[BaseModel] | None], ...]:
    """Each field of ``model`` with its nested model, if any: worked out once per model, as it
    is read for every stored row."""
    return tuple((name, field, _nested(field.annotation)) for name, field in model.model_fields.items())


@functools.cache
def _known(section: str) -> frozenset[str]:
    return frozenset(name for name, _ in schema(section))


@functools.cache
def _flattened(section: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
    """Each nested field of ``section``'s entries with its sub-fields (stored as ``name_sub``)."""
    return tuple(
        (name, tuple(nested.model_fields)) for name, _, nested in _layout(entry_model(section)) if nested
    )


def schema(section: str, leave_out: Collection[str] = ()) -> tuple[Property, ...]:
    """The flat properties of ``section``'s entries, in field order.

    >>> [p for p in schema("restrictions") if p[0].startswith(("items", "fdpr"))]
    [('items', 'string[]'), ('fdpr_items', 'string[]'), ('fdpr_scope', '')]
    """
    out: list[Property] = []
    for name, field, nested in _layout(entry_model(section)):
        if name in leave_out:
            continue
        if nested is not None:
            out += [(f"{name}_{sub}", _kind(f.annotation)) for sub, f in nested.model_fields.items()]
        else:
            out.append((name, _kind(field.annotation)))
    return tuple(out)


def to_properties(entry: BaseModel, leave_out: Collection[str] = ()) -> dict[str, Any]:
    """``entry``'s flat properties (``None`` for an absent value or an empty list; lists as lists).

    >>> from graphlib_trade.models import Restriction
    >>> r = Restriction(id="r", destinations=("RU",), items="ccl", fdpr={"items": ["3A*"]},
    ...                 effective_from="2022-02-24")
    >>> p = to_properties(r)
    >>> p["items"], p["fdpr_items"], p["fdpr_scope"]
    (['ccl'], ['3A*'], 'buyer')
    >>> Restriction.model_validate(properties_reader("restrictions")(p)) == r
    True
    """
    out: dict[str, Any] = {}
    for name, field, nested in _layout(type(entry)):
        if name in leave_out:
            continue
        value = getattr(entry, name)
        if nested is not None:
            for sub in nested.model_fields:
                inner = getattr(value, sub) if value is not None else None
                out[f"{name}_{sub}"] = _items_list(inner) if sub == "items" else inner
        elif name == "items":
            out[name] = _items_list(value)
        elif value is None and name in _NULL_AS_ZERO and field.default is not None:
            out[name] = 0.0
        elif isinstance(value, tuple):
            # An empty list is no property (as a bulk import stores it), unless the default is not
            # empty: a restriction's ``origins: []`` is not its default ``["US"]``.
            keep = bool(value) or bool(field.default)
            out[name] = [v.text() if isinstance(v, Window) else v for v in value] if keep else None
        else:
            out[name] = value
    return out


def _items_list(items: Any) -> list[str] | None:
    if items is None:
        return None
    return [items] if isinstance(items, str) else list(items)


#: Property values that are plain Python already: a reader keeps them as they are.
PLAIN = frozenset({str, int, float, bool, type(None)})


def properties_reader(
    section: str, convert: Callable[[Any], Any] | None = None
) -> Callable[[Mapping[str, Any]], dict[str, Any]]:
    """The raw entry of ``section`` from stored properties (absent and unknown ones left out), as
    a function of the properties worked out once per section (a pull reads millions of rows);
    ``convert``: what a value that is not :data:`PLAIN` becomes.

    >>> read = properties_reader("supplies", convert=list)
    >>> read({"supplier": "s", "component": "c", "load_stamp": "x", "via": ("t",)})
    {'supplier': 's', 'component': 'c', 'via': ['t']}
    >>> read({"supplier": "s", "component": "c", "via": None})
    {'supplier': 's', 'component': 'c'}
    """
    known = _known(section)
    zeros = tuple(_NULL_AS_ZERO & known)
    flattened = _flattened(section)

    def read(props: Mapping[str, Any]) -> dict[str, Any]:
        if convert is None:
            raw = {k: v for k, v in props.items() if k in known and v is not None}
        else:
            raw = {
                k: v if type(v) in PLAIN else convert(v)
                for k, v in props.items()
                if k in known and v is not None
            }
        for name in zeros:
            if name in raw and raw[name] in (0, "0", "0.0"):
                raw[name] = None
        for name, subs in flattened:
            inner = {sub: raw.pop(f"{name}_{sub}") for sub in subs if f"{name}_{sub}" in raw}
            if inner:
                raw[name] = inner
        return raw

    return read
