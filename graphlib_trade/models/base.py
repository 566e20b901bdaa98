"""What every model shares: frozen, strict, and the checks of a country, an ECCN and a window."""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable, Sequence
from functools import partial
from itertools import repeat
from operator import itemgetter
from typing import Any, TypeVar

from pydantic import BaseModel, ConfigDict

#: Tolerance for sums of ownership shares (0.1 + 0.2 + 0.2 must count as 0.5).
SHARE_EPSILON = 1e-9

#: Longest id, in characters: ids are indexed by Neo4j, whose index keys hold at most 8,167
#: bytes (1,000 characters of UTF-8 take at most 4,000).  Names and notes have no limit.
ID_MAX = 1000

COUNTRY = re.compile(r"^[A-Z]{2}$")
ECCN = re.compile(r"^(EAR99|[0-9][A-E][0-9]{3}(\.[A-Za-z0-9.]+)?)$")


class Frozen(BaseModel):
    """Frozen, no unknown fields, no infinite or NaN numbers: the base of every model."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=False, allow_inf_nan=False, defer_build=True
    )


M = TypeVar("M", bound=BaseModel)
_SLOT = BaseModel.__dict__  # (the descriptors of a model's slots)
#: The slots a model made without validation holds nothing in (its fields set is given).
_EMPTY = ("__pydantic_extra__", "__pydantic_private__")


def model_of(kind: type[M], state: dict[str, Any], fields_set: set[str]) -> M:
    """One model of ``kind`` holding ``state`` (every field's value, in the model's order), the
    fields in ``fields_set`` given: as pydantic's ``model_construct`` makes it, not validated (a
    model the program wrote itself, read back: a snapshot's).  :func:`constructed` makes many.

    >>> class Point(Frozen):
    ...     x: int
    ...     y: int = 0
    >>> point = model_of(Point, {"x": 1, "y": 0}, {"x"})
    >>> point == Point(x=1), point.model_fields_set
    (True, {'x'})
    """
    model = kind.__new__(kind)
    object.__setattr__(model, "__dict__", state)
    object.__setattr__(model, "__pydantic_fields_set__", fields_set)
    for slot in _EMPTY:
        object.__setattr__(model, slot, None)
    return model


def constructed(kind: type[M], fields: Sequence[str], rows: Iterable[Sequence[Any]]) -> list[M]:
    """Models of ``kind``, one per row of the values of ``fields`` (every field of ``kind``, in
    any order), as pydantic's ``model_construct`` makes them with every field given: not
    validated, for values the program made and typed itself (the causes of an impact, 200k at 1M
    nodes): :func:`model_of` for each, by C-level passes at a third of the cost of validating them.

    >>> class Point(Frozen):
    ...     x: int
    ...     y: int = 0
    >>> constructed(Point, ("y", "x"), [(2, 1), (0, 3)]) == [Point(x=1, y=2), Point(x=3, y=0)]
    True
    >>> constructed(Point, ("y", "x"), [(2, 1)])[0].model_dump_json()
    '{"x":1,"y":2}'
    """
    names = tuple(kind.model_fields)
    if sorted(fields) != sorted(names) or len(set(fields)) != len(fields):
        raise ValueError(f"the fields of {kind.__name__} are {names}, not {tuple(fields)}")
    states = list(map(dict, map(partial(zip, strict=True), repeat(tuple(fields)), rows)))
    if tuple(fields) != names and len(names) > 1:  # in the model's order: a dump lists them so
        states = list(map(dict, map(zip, repeat(names), map(itemgetter(*names), states))))
    made = list(map(kind.__new__, repeat(kind, len(states))))
    every = frozenset(fields)
    list(map(_SLOT["__pydantic_fields_set__"].__set__, made, map(set, repeat(every, len(made)))))
    for slot in _EMPTY:
        list(map(_SLOT[slot].__set__, made, repeat(None, len(made))))
    list(map(object.__setattr__, made, repeat("__dict__"), states))
    return made


def country(value: str) -> str:
    if not COUNTRY.match(value):
        raise ValueError(f"must be an ISO 3166 alpha-2 country code such as 'US', got {value!r}")
    return value


def check_window(start: dt.date | None, end: dt.date | None, start_name: str, end_name: str) -> None:
    """Refuse a window that ends before it starts (an open start is a scenario's "as of")."""
    if start is not None and end is not None and end < start:
        raise ValueError(f"{end_name} {end.isoformat()} is before {start_name} {start.isoformat()}")


def in_window(start: dt.date, end: dt.date | None, day: dt.date) -> bool:
    """Whether ``day`` is inside the inclusive window ``start`` .. ``end`` (open when None)."""
    return start <= day and (end is None or day <= end)


def short(value: Any) -> str:
    """``repr(value)``, cut to 80 characters for a message."""
    text = repr(value)
    return text if len(text) <= 80 else text[:77] + "..."
