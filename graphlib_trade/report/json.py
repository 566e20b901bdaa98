"""The ``json`` format: any result model as JSON, the shape declared by the model itself."""

from __future__ import annotations

from collections.abc import Iterator
from functools import cache
from typing import Any, BinaryIO, NamedTuple

from pydantic import BaseModel, TypeAdapter

from graphlib_trade.models import Cause, ImpactResult
from graphlib_trade.report.base import Format


def as_json(result: BaseModel) -> str:
    """``result.model_dump(mode="json")``, indented, UTF-8 kept as it is (pydantic writes it in
    Rust: the same text as ``json.dumps(..., indent=2, ensure_ascii=False)``, five times faster on
    a 25 MB impact).

    >>> import json
    >>> from graphlib_trade.models import Cause
    >>> cause = Cause(restriction="el", supplier="s", item="é", buyer="b")
    >>> as_json(cause) == json.dumps(cause.model_dump(mode="json"), indent=2, ensure_ascii=False) + chr(10)
    True
    """
    return json_bytes(result).decode("utf-8") + "\n"


def json_bytes(result: BaseModel) -> bytes:
    """``result``'s JSON, indented, as the UTF-8 bytes pydantic writes (without the last newline)."""
    return result.__pydantic_serializer__.to_json(result, indent=2)


class JsonFormat(Format):
    """Every result model, generically."""

    def __init__(self) -> None:
        super().__init__({})

    def supports(self, kind: type) -> bool:
        return isinstance(kind, type) and issubclass(kind, BaseModel)

    def render(self, result: Any, *, width: int = 140, color: bool = False) -> str:
        return as_json(result)

    def write(self, result: Any, handle: BinaryIO, *, width: int = 140, color: bool = False) -> None:
        write_json(result, handle)


#: An impact with more products and end users than this is written in pieces.
PIECES_FROM = 1000
#: The list of models each entry of a big impact holds (its causes).
_SHARED = "causes"


def write_json(result: BaseModel, handle: BinaryIO) -> None:
    """The bytes of :func:`as_json` into ``handle``; a big impact in pieces.

    pydantic grows one buffer for a whole answer, by doubling: a 487 MB impact at 1M nodes took
    twice that at its peak, beside the model it came from.  An impact's causes are shared
    models (one per cause, however many entries it reaches: 1.9M causes listed by 50k products
    at 1M): the answer is written once without them (one call), each cause once (one call for
    all), and each entry's causes are set in from their bytes where they stand.
    """
    entries = _lists(result)
    pieces = _pieces(result, entries) if entries is not None else None
    for piece in (json_bytes(result),) if pieces is None else pieces:
        handle.write(piece)
    handle.write(b"\n")


def _pieces(result: BaseModel, lists: dict[str, tuple[BaseModel, ...]]) -> Iterator[bytes] | None:
    """``result``'s JSON in pieces: written with the entries of ``lists`` without their causes,
    each entry's causes set in where the field stands (None when the text is not as expected).

    In the text (indented by two) an entry's fields are at six spaces: the field after the
    causes (or the entry's closing brace) is found by its raw newline and indent, which no JSON
    string holds (a newline is written \\n there) and no other line of the list has."""
    shell = result.__pydantic_serializer__.to_json(
        result, indent=2, exclude={name: {"__all__": {_SHARED}} for name in lists}
    )
    regions: list[_Region] = []
    for name, items in lists.items():
        if not items:
            continue
        start = shell.find(f'\n  "{name}": [\n'.encode())
        end = shell.find(b"\n  ]", start)
        fields = list(type(items[0]).model_fields)
        if start < 0 or end < 0 or _SHARED not in fields or any(type(i) is not type(items[0]) for i in items):
            return None
        after = fields[fields.index(_SHARED) + 1 :]
        marker = f',\n      "{after[0]}": '.encode() if after else b"\n    }"
        split = shell[start:end].split(marker)
        if len(split) != len(items) + 1:
            return None
        regions.append(_Region(start, end, split, items, marker))
    known = _shared_bytes(lists)
    return None if known is None else _spliced(shell, regions, known)


class _Region(NamedTuple):
    """A list of entries in the text written without their causes: where it starts and ends,
    its text split at each entry's ``marker`` (where its causes go)."""

    start: int
    end: int
    split: list[bytes]
    items: tuple[BaseModel, ...]
    marker: bytes


#: An entry's causes: the field, its list opened, two causes apart, the list closed.
_FIELD = f',\n      "{_SHARED}": '.encode()
_OPEN, _JOIN, _CLOSE = _FIELD + b"[\n        ", b",\n        ", b"\n      ]"


def _spliced(shell: bytes, regions: list[_Region], known: dict[int, bytes]) -> Iterator[bytes]:
    at = 0
    for start, end, split, items, marker in regions:
        yield shell[at:start]
        for piece, item in zip(split, items, strict=False):
            yield piece
            models: tuple[BaseModel, ...] = getattr(item, _SHARED)
            if models:
                yield _OPEN
                yield _JOIN.join(map(known.__getitem__, map(id, models)))
                yield _CLOSE
            else:
                yield _FIELD + b"[]"
            yield marker
        yield split[-1]
        at = end
    yield shell[at:]


def _shared_bytes(lists: dict[str, tuple[BaseModel, ...]]) -> dict[int, bytes] | None:
    """The bytes of every cause the entries of ``lists`` hold, by its identity (the answer keeps
    it alive), indented as an entry's list holds it: each distinct model once, all in one call
    (None when the text is not as expected)."""
    flat = [m for items in lists.values() for item in items for m in getattr(item, _SHARED)]
    distinct = list(dict(zip(map(id, flat), flat, strict=True)).values())
    if not distinct:
        return {}
    # One list, indented by two ("[\n  {\n    ...\n  },\n  {\n ...\n  }\n]"), moved to where an
    # entry's list stands; the line closing one model and opening the next splits them.
    text = _causes().dump_json(distinct, indent=2)[4:-2].replace(b"\n", b"\n      ")
    models = text.split(b"\n        },\n        {")
    if len(models) != len(distinct):
        return None
    models[:-1] = [m + b"\n        }" for m in models[:-1]]
    models[1:] = [b"{" + m for m in models[1:]]
    return dict(zip(map(id, distinct), models, strict=True))


@cache
def _causes() -> TypeAdapter[list[Cause]]:
    return TypeAdapter(list[Cause])


def _lists(result: BaseModel) -> dict[str, tuple[BaseModel, ...]] | None:
    """The lists of an impact big enough to write in pieces (None: write it whole)."""
    if not isinstance(result, ImpactResult) or len(result.products) + len(result.end_users) <= PIECES_FROM:
        return None
    return {"products": result.products, "end_users": result.end_users}
