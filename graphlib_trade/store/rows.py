"""Rows for the load and write-back queries, and data-file sections from pulled rows: pure, no database.

Ingestion follows get -> transform (pure) -> load: :func:`load_rows` turns a
validated :class:`~graphlib_trade.models.Dataset` into parameter rows that the
``load/*.cypher`` queries take as ``$rows``.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterator, Mapping, Sequence
from typing import Any

import neo4j

from graphlib_trade.models import ID_SECTIONS, Dataset, ImpactResult
from graphlib_trade.models.properties import PLAIN, properties_reader, to_properties

#: Load order: nodes (the sections with ids) before the relationships that join them.
LOAD_ORDER: tuple[str, ...] = (
    *ID_SECTIONS,
    "ownership",
    "supplies",
    "bom_product",
    "bom_component",
    "services",
    "uses",
)


def _props(entry: Any, *drop: str) -> dict[str, Any]:
    """Node or relationship properties (:func:`~graphlib_trade.models.properties.to_properties`)."""
    return to_properties(entry, drop)


def load_rows(ds: Dataset) -> dict[str, list[dict[str, Any]]]:
    """Parameter rows for each load query: pure, no database.

    Node rows are ``{"id", "props", ...}``; ``props`` keeps ``None`` for absent
    optional fields so that a re-load removes a property the file no longer has.
    """
    products = {p.id for p in ds.products}
    return {
        "lists": [{"id": x.id, "props": _props(x, "id")} for x in ds.lists],
        "companies": [{"id": c.id, "props": _props(c, "id")} for c in ds.companies],
        "components": [{"id": c.id, "props": _props(c, "id")} for c in ds.components],
        "products": [{"id": p.id, "maker": p.maker, "props": _props(p, "id", "maker")} for p in ds.products],
        "end_users": [{"id": u.id, "props": _props(u, "id")} for u in ds.end_users],
        "restrictions": [
            {
                "id": r.id,
                "targets": list(r.targets),
                "list": r.list,
                "props": _props(r, "id", "targets", "list"),
            }
            for r in ds.restrictions
        ],
        "licences": [
            {"id": lic.id, "restriction": lic.restriction, "props": _props(lic, "id", "restriction")}
            for lic in ds.licences
        ],
        "ownership": [
            {"owner": o.owner, "owned": o.owned, "props": _props(o, "owner", "owned")} for o in ds.ownership
        ],
        "supplies": [
            {"supplier": s.supplier, "component": s.component, "props": _props(s, "supplier", "component")}
            for s in ds.supplies
        ],
        "bom_product": [
            {"parent": b.parent, "component": b.component, "props": _props(b, "parent", "component")}
            for b in ds.bom
            if b.parent in products
        ],
        "bom_component": [
            {"parent": b.parent, "component": b.component, "props": _props(b, "parent", "component")}
            for b in ds.bom
            if b.parent not in products
        ],
        "services": [
            {
                "provider": s.provider,
                "product": s.product,
                "kind": s.kind,
                "props": _props(s, "provider", "product"),
            }
            for s in ds.services
        ],
        "uses": [{"user": u.user, "product": u.product} for u in ds.uses],
    }


def _native(value: Any) -> Any:
    if type(value) in PLAIN:
        return value
    if isinstance(value, neo4j.time.Date):
        return value.to_native()
    if isinstance(value, neo4j.time.DateTime):
        return value.to_native()
    if isinstance(value, list):
        return [_native(v) for v in value]
    return value


def raw_from_records(records: Mapping[str, Sequence[Mapping[str, Any]]]) -> dict[str, list[dict[str, Any]]]:
    """Data-file sections from pulled rows: each row's columns (a node pull returns one per
    property; a relationship pull returns its stored ``props`` and the link columns), the
    known ones only (:func:`~graphlib_trade.models.properties.properties_reader`); ``None``
    (an absent property) falls back to the default."""
    out: dict[str, list[dict[str, Any]]] = {}
    for section, rows in records.items():
        read = properties_reader(section, _native)
        # A row's link columns over its stored props (``props`` itself is no known property).
        out[section] = [read({**props, **row} if (props := row.get("props")) else row) for row in rows]
    return out


def write_back_rows(result: ImpactResult) -> dict[str, list[dict[str, Any]]]:
    """Parameter rows for the write-back queries: pure, no database."""
    as_of = result.as_of
    return {
        "products": [
            {
                "id": p.id,
                "status": p.status.value,
                "as_of": as_of,
                "without_licences": p.without_licences.value,
                "restrictions": sorted({c.restriction for c in p.causes}),
                "suppliers": sorted({c.supplier for c in p.causes}),
                "lost": [*p.lost_required, *p.lost_optional],
                "relies_on": list(p.relies_on),
                "unclassified": sum(1 for c in p.causes if c.unclassified),
                "review_policies": sorted({c.review_policy for c in p.causes if c.review_policy}),
            }
            for p in result.products
        ],
        "end_users": [
            {"id": u.id, "status": u.status.value, "as_of": as_of, "via": list(u.via)}
            for u in result.end_users
        ],
    }


def rows_digest(rows: Mapping[str, Sequence[Mapping[str, Any]]]) -> str:
    """A content digest of the load rows: the journal knows two loads of the same data by it."""
    text = json.dumps([rows[section] for section in LOAD_ORDER], default=str, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def batches(rows: list[dict[str, Any]], size: int) -> Iterator[list[dict[str, Any]]]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]
