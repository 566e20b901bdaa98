"""Renderers: one per output format, each returning a string and never printing."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graphlib_trade.models import Change, ImpactResult, ProductImpact, Status, WhatIfResult

STATUS_STYLE: dict[Status, str] = {
    Status.BLOCKED: "bold red",
    Status.EXPOSED: "bold magenta",
    Status.DEGRADED: "yellow",
    Status.AT_RISK: "cyan",
    Status.OK: "green",
}

FORMATS = ("table", "json", "csv")


def _join(values: Iterable[str], limit: int = 0) -> str:
    items = list(dict.fromkeys(values))
    if limit and len(items) > limit:
        return ", ".join(items[:limit]) + f" +{len(items) - limit}"
    return ", ".join(items)


def _status_text(status: Status) -> Text:
    return Text(status.value, style=STATUS_STYLE[status])


def _console_text(renderables: list[Any], width: int, color: bool) -> str:
    buffer = io.StringIO()
    console = Console(
        file=buffer,
        width=width,
        force_terminal=color,
        color_system="standard" if color else None,
        no_color=not color,
        highlight=False,
        soft_wrap=False,
    )
    for r in renderables:
        console.print(r)
    return buffer.getvalue()


def _why(p: ProductImpact) -> str:
    parts = []
    if p.lost_required:
        parts.append("lost " + _join(p.lost_required, 3))
    if p.blocked_services:
        parts.append("no " + _join(p.blocked_services, 2))
    if p.lost_optional:
        parts.append("lost optional " + _join(p.lost_optional, 3))
    if p.status is Status.AT_RISK or (p.relies_on and not parts):
        parts.append(f"ok only under licence (else {p.without_licences.value})")
    return "; ".join(parts)


def _summary(statuses: Iterable[Status]) -> str:
    counts = Counter(statuses)
    return ", ".join(f"{counts[s]} {s.value}" for s in reversed(Status) if counts[s])


def _by_severity(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda x: (-x.status.rank, x.id))


# --------------------------------------------------------------------------- impact


def impact_table(result: ImpactResult, *, width: int = 140, color: bool = False) -> str:
    """Products then end users, worst first, with the causing restriction, supplier and licences."""
    head = Text.assemble(
        ("Impact as of ", "bold"),
        (result.as_of.isoformat(), "bold"),
        ("  (licences ignored)" if result.ignore_licences else ""),
        "\nActive restrictions: ",
        _join(result.active_restrictions) or "none",
        "\nValid licences: ",
        _join(result.valid_licences, 6) or "none",
    )
    products = Table(box=box.SIMPLE_HEAD, title="Products", title_justify="left", pad_edge=False)
    for name, kw in (
        ("STATUS", {"no_wrap": True}),
        ("PRODUCT", {"no_wrap": True}),
        ("MAKER", {"no_wrap": True}),
        ("WHY", {"ratio": 5}),
        ("RESTRICTION", {"ratio": 2}),
        ("SUPPLIER", {"ratio": 2}),
        ("LICENCES", {"ratio": 2}),
    ):
        products.add_column(name, overflow="fold", **kw)
    for p in _by_severity(result.products):
        products.add_row(
            _status_text(p.status),
            p.id + (" (legacy)" if p.lifecycle == "legacy" else ""),
            p.maker,
            _why(p),
            _join(c.restriction for c in p.causes),
            _join((c.supplier for c in p.causes), 4),
            _join(p.relies_on, 3),
        )
    users = Table(box=box.SIMPLE_HEAD, title="End users", title_justify="left", pad_edge=False)
    users.add_column("STATUS", no_wrap=True)
    users.add_column("END USER", no_wrap=True)
    users.add_column("NAME")
    users.add_column("VIA (products with that status)", overflow="fold")
    for u in _by_severity(result.end_users):
        users.add_row(_status_text(u.status), u.id, u.name, _join(u.via, 6))
    foot = Text(
        f"Products: {_summary(p.status for p in result.products) or 'none'}.  "
        f"End users: {_summary(u.status for u in result.end_users) or 'none'}."
    )
    return _console_text([head, products, users, foot], width, color)


def impact_json(result: ImpactResult) -> str:
    return json.dumps(result.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


IMPACT_CSV_COLUMNS = (
    "type",
    "id",
    "name",
    "status",
    "without_licences",
    "lost_required",
    "lost_optional",
    "blocked_services",
    "restrictions",
    "suppliers",
    "relies_on",
    "via",
)


def _csv(rows: Iterable[dict[str, str]], columns: tuple[str, ...]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=columns, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def impact_csv(result: ImpactResult) -> str:
    """One row per product and end user; lists are joined with ``;``."""

    def j(values: Iterable[str]) -> str:
        return ";".join(dict.fromkeys(values))

    rows = [
        {
            "type": "product",
            "id": p.id,
            "name": p.name,
            "status": p.status.value,
            "without_licences": p.without_licences.value,
            "lost_required": j(p.lost_required),
            "lost_optional": j(p.lost_optional),
            "blocked_services": j(p.blocked_services),
            "restrictions": j(c.restriction for c in p.causes),
            "suppliers": j(c.supplier for c in p.causes),
            "relies_on": j(p.relies_on),
            "via": "",
        }
        for p in result.products
    ]
    rows += [
        {"type": "end_user", "id": u.id, "name": u.name, "status": u.status.value, "via": j(u.via)}
        for u in result.end_users
    ]
    return _csv(rows, IMPACT_CSV_COLUMNS)


# --------------------------------------------------------------------------- what-if


def whatif_table(result: WhatIfResult, *, width: int = 140, color: bool = False) -> str:
    head = Text.assemble(
        ("What-if as of ", "bold"),
        (result.as_of.isoformat(), "bold"),
        "\nChanges applied: ",
        "; ".join(result.scenario) or "none",
    )
    parts: list[Any] = [head]
    for title, changes in (("Products", result.products), ("End users", result.end_users)):
        if not changes:
            parts.append(Text(f"{title}: no change"))
            continue
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
        table.add_column("ID", no_wrap=True)
        table.add_column("NAME")
        table.add_column("BEFORE", no_wrap=True)
        table.add_column("", no_wrap=True)
        table.add_column("AFTER", no_wrap=True)
        for c in sorted(changes, key=lambda c: (-c.after.rank, c.id)):
            arrow = "worse" if c.after.worse_than(c.before) else "better"
            table.add_row(c.id, c.name, _status_text(c.before), arrow, _status_text(c.after))
        parts.append(table)
    return _console_text(parts, width, color)


def whatif_json(result: WhatIfResult) -> str:
    def dump(changes: tuple[Change, ...]) -> list[dict[str, Any]]:
        return [c.model_dump(mode="json") for c in changes]

    payload = {
        "as_of": result.as_of.isoformat(),
        "scenario": list(result.scenario),
        "changes": {"products": dump(result.products), "end_users": dump(result.end_users)},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def whatif_csv(result: WhatIfResult) -> str:
    rows = [
        {"type": kind, "id": c.id, "name": c.name, "before": c.before.value, "after": c.after.value}
        for kind, changes in (("product", result.products), ("end_user", result.end_users))
        for c in changes
    ]
    return _csv(rows, ("type", "id", "name", "before", "after"))


IMPACT_RENDERERS: dict[str, Callable[..., str]] = {
    "table": impact_table,
    "json": impact_json,
    "csv": impact_csv,
}
WHATIF_RENDERERS: dict[str, Callable[..., str]] = {
    "table": whatif_table,
    "json": whatif_json,
    "csv": whatif_csv,
}
