"""Renderers: one per output format, each returning a string and never printing."""

from __future__ import annotations

import csv
import html
import io
import json
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graphlib_trade import pictures
from graphlib_trade.models import (
    Chain,
    Change,
    Explanation,
    ImpactResult,
    Loss,
    ProductImpact,
    Ranking,
    Reason,
    ScenarioDiff,
    Status,
    Timeline,
    UsContent,
    WhatIfResult,
)

STATUS_STYLE: dict[Status, str] = {
    Status.BLOCKED: "bold red",
    Status.EXPOSED: "bold magenta",
    Status.DEGRADED: "yellow",
    Status.AT_RISK: "cyan",
    Status.OK: "green",
}

FORMATS = ("table", "json", "csv")
PICTURE_FORMATS = ("dot", "mermaid", "svg", "html")


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
        (f"{result.name}\n" if result.name else "", "bold"),
        (f"{result.description}\n" if result.description else ""),
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


@dataclass(frozen=True)
class WhatIfView:
    """A what-if answer with what its pictures and HTML report need."""

    changes: WhatIfResult
    after: ImpactResult
    timeline: Timeline | None = None


# --------------------------------------------------------------------------- explain


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _licence_note(chain: Chain) -> str:
    if not chain.licences:
        return "no licence on file covers it"
    parts = []
    for lic in chain.licences:
        if lic.state == "valid":
            left = f", {lic.days_left} days left" if lic.days_left is not None else ", no end date"
            parts.append(f"{lic.id} (valid{left})")
        elif lic.state == "expired":
            parts.append(f"{lic.id} (expired {lic.valid_until.isoformat() if lic.valid_until else ''})")
        else:
            parts.append(f"{lic.id} (from {lic.valid_from.isoformat()})")
    return "licences: " + ", ".join(parts)


def _chain_lines(chain: Chain) -> list[str]:
    c = chain.cause
    owners = ""
    if chain.ownership:
        owners = (
            " (restricted through ownership: "
            + ", ".join(f"{o.owner} owns {o.share:.0%} of {o.owned}" for o in chain.ownership)
            + ")"
        )
    what = "service" if c.kind == "service" else "supply"
    return [
        f"{c.restriction}: {c.buyer} is a restricted party{owners}",
        f"blocked {what}: {c.supplier} -> {c.item} -> {c.buyer}: {chain.subject}",
        "path: " + " -> ".join(chain.path),
        _licence_note(chain),
    ]


def _reason_title(reason: Reason) -> str:
    label = {"required": "lost required part", "optional": "lost optional part", "service": "blocked service"}
    n = len(reason.chains)
    return f"{label[reason.kind]} {reason.what} ({n} cause{'s' if n != 1 else ''})"


def _roll_up_lines(u: UsContent) -> list[str]:
    terms = " + ".join(f"{t.value:g} x {t.fraction:.0%} ({t.component}: {t.why})" for t in u.terms)
    return [
        f"{u.component}: controlled US content = ({terms}) / {u.denominator:g} "
        f"= {u.counted:g} / {u.denominator:g} = {_pct(u.fraction)}"
    ]


def explain_table(expl: Explanation, *, width: int = 140, color: bool = False) -> str:
    """The chains as an indented tree: product, reasons (fewest causes first), chains."""
    from rich.tree import Tree

    head = Text.assemble(
        (f"Why {expl.id} ", "bold"),
        (f"({expl.name}) ", ""),
        ("is ", "bold"),
        _status_text(expl.status),
        (f" on {expl.as_of.isoformat()}", "bold"),
    )
    parts: list[Any] = [head]
    if expl.kind == "end_user" and not expl.products:
        parts.append(Text("Every product it uses is ok."))
    for p in expl.products:
        tree = Tree(
            Text.assemble(
                ("product ", "bold"),
                p.id,
                " by ",
                p.maker,
                ": ",
                _status_text(p.status),
                f" (without licences: {p.without_licences.value})" if p.without_licences != p.status else "",
            )
        )
        if not p.reasons and not p.licensed:
            tree.add("nothing is lost")
        for title, reasons in (("lost now", p.reasons), ("kept only by a valid licence", p.licensed)):
            if not reasons:
                continue
            branch = tree.add(Text(title, style="bold"))
            for reason in reasons:
                rb = branch.add(_reason_title(reason))
                for chain in reason.chains:
                    lines = _chain_lines(chain)
                    cb = rb.add(lines[0])
                    for line in lines[1:]:
                        cb.add(line)
        if p.lift:
            lb = tree.add(
                Text(f"licences that would make it ok ({len(p.lift)}, a minimal set)", style="bold")
            )
            for c in p.lift:
                lb.add(f"{c.restriction}: {c.supplier} -> {c.item} -> {c.buyer} ({c.kind})")
        for u in p.us_content:
            tree.add(Text("de minimis: ", style="bold") + Text(_roll_up_lines(u)[0]))
        if p.end_users:
            tree.add(Text("end users: ", style="bold") + Text(", ".join(p.end_users)))
        parts.append(tree)
    return _console_text(parts, width, color)


def explain_json(expl: Explanation) -> str:
    return json.dumps(expl.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


# --------------------------------------------------------------------------- rank


def _loss_text(loss: Loss | None, weight: str) -> str:
    if loss is None:
        return ""
    parts = []
    if loss.products_blocked:
        parts.append(f"blocks {_join(loss.products_blocked, 3)}")
    other = [p for p in loss.products_worse if p not in loss.products_blocked]
    if other:
        parts.append(f"worsens {_join(other, 2)}")
    if loss.end_users_worse:
        parts.append(f"{len(loss.end_users_worse)} end users worse")
    if weight in ("value", "units") and getattr(loss, weight):
        parts.append(f"{weight} {getattr(loss, weight):,.0f}")
    return "; ".join(parts) or "-"


def rank_table(ranking: Ranking, *, width: int = 140, color: bool = False) -> str:
    noun = {"suppliers": "Suppliers", "components": "Components", "countries": "Countries of origin"}[
        ranking.kind
    ]
    head = Text.assemble(
        (f"{noun} by what would be lost without them, as of {ranking.as_of.isoformat()}", "bold"),
        f"\nSorted by {'products blocked' if ranking.weight == 'products' else ranking.weight + ' blocked'}; "
        f"showing {len(ranking.rows)} of {ranking.total}.",
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("#", justify="right", no_wrap=True)
    table.add_column("ID", no_wrap=True)
    if ranking.kind != "countries":
        table.add_column("COUNTRY" if ranking.kind == "suppliers" else "ORIGIN", no_wrap=True)
    if ranking.kind == "components":
        table.add_column("SOURCES", justify="right", no_wrap=True)
    table.add_column("BLOCKED", justify="right", no_wrap=True)
    table.add_column("IF LOST", ratio=3, overflow="fold")
    if ranking.kind == "suppliers":
        table.add_column("BLOCKED IF RESTRICTED", justify="right", no_wrap=True)
        table.add_column("IF RESTRICTED", ratio=3, overflow="fold")
    for i, r in enumerate(ranking.rows, start=1):
        spof = r.sources == 1 and bool(r.lost.products_blocked)
        row: list[Any] = [str(i), r.id + (" (single source)" if spof else "")]
        if ranking.kind != "countries":
            row.append(r.country or "")
        if ranking.kind == "components":
            row.append(str(r.sources))
        row += [str(len(r.lost.products_blocked)), _loss_text(r.lost, ranking.weight)]
        if ranking.kind == "suppliers":
            restricted = r.restricted or Loss()
            row += [str(len(restricted.products_blocked)), _loss_text(r.restricted, ranking.weight)]
        table.add_row(*row)
    return _console_text([head, table], width, color)


def rank_json(ranking: Ranking) -> str:
    return json.dumps(ranking.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def _number(x: float) -> str:
    return str(int(x)) if x == int(x) else repr(x)


def rank_csv(ranking: Ranking) -> str:
    columns = (
        "rank", "id", "name", "country", "sources",
        "lost_products_blocked", "lost_products_worse", "lost_end_users_worse", "lost_units", "lost_value",
        "restricted_products_blocked", "restricted_products_worse", "restricted_end_users_worse",
    )  # fmt: skip
    rows = []
    for i, r in enumerate(ranking.rows, start=1):
        restricted = r.restricted
        rows.append(
            {
                "rank": str(i),
                "id": r.id,
                "name": r.name,
                "country": r.country or "",
                "sources": "" if r.sources is None else str(r.sources),
                "lost_products_blocked": ";".join(r.lost.products_blocked),
                "lost_products_worse": ";".join(r.lost.products_worse),
                "lost_end_users_worse": ";".join(r.lost.end_users_worse),
                "lost_units": _number(r.lost.units),
                "lost_value": _number(r.lost.value),
                "restricted_products_blocked": ";".join(restricted.products_blocked) if restricted else "",
                "restricted_products_worse": ";".join(restricted.products_worse) if restricted else "",
                "restricted_end_users_worse": ";".join(restricted.end_users_worse) if restricted else "",
            }
        )
    return _csv(rows, columns)


# --------------------------------------------------------------------------- timeline


def _changes_text(changes: Iterable[Change]) -> str:
    return ", ".join(f"{c.id} {c.before.value}->{c.after.value}" for c in changes)


def timeline_table(tl: Timeline, *, width: int = 140, color: bool = False) -> str:
    counts = _summary(p.status for p in tl.initial.products) or "no products"
    head = Text.assemble(
        (f"Timeline {tl.start.isoformat()} .. {tl.end.isoformat()}", "bold"),
        f"\nOn {tl.start.isoformat()}: {counts}.",
    )
    parts: list[Any] = [head]
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("DATE", no_wrap=True)
    table.add_column("WHAT STARTS OR ENDS", ratio=2, overflow="fold")
    table.add_column("PRODUCTS", ratio=4, overflow="fold")
    table.add_column("END USERS", ratio=3, overflow="fold")
    for e in tl.events:
        table.add_row(
            e.date.isoformat(), "; ".join(e.what), _changes_text(e.products), _changes_text(e.end_users)
        )
    parts.append(table if tl.events else Text("No status changes in the period."))
    warnings = _expiry_lines(tl)
    if warnings:
        parts.append(Text("Licence expiry warnings (at_risk products):", style="bold"))
        parts.extend(Text("  " + w, style="cyan") for w in warnings)
    return _console_text(parts, width, color)


def _expiry_lines(tl: Timeline) -> list[str]:
    """Expiry warnings on the first day, then for products as they become ``at_risk``."""
    batches = [(tl.start, tl.expiries)]
    for e in tl.events:
        new = {c.id for c in e.products if c.after is Status.AT_RISK}
        batches.append((e.date, tuple(x for x in e.expiries if x.product in new)))
    lines = []
    for day, expiries in batches:
        for x in expiries:
            when = (
                "no end date" if x.days_left is None else f"expires in {x.days_left} days ({x.valid_until})"
            )
            lines.append(f"{day.isoformat()}: {x.product} relies on {x.licence}: {when}")
    return lines


def timeline_json(tl: Timeline) -> str:
    payload = tl.model_dump(mode="json")
    payload["initial"] = {
        "products": {p["id"]: p["status"] for p in payload["initial"]["products"]},
        "end_users": {u["id"]: u["status"] for u in payload["initial"]["end_users"]},
    }
    return json.dumps(payload, indent=2, ensure_ascii=False) + "\n"


def timeline_csv(tl: Timeline) -> str:
    rows = [
        {"date": e.date.isoformat(), "what": "; ".join(e.what), "type": kind, "id": c.id, "name": c.name,
         "before": c.before.value, "after": c.after.value}
        for e in tl.events
        for kind, changes in (("product", e.products), ("end_user", e.end_users))
        for c in changes
    ]  # fmt: skip
    return _csv(rows, ("date", "what", "type", "id", "name", "before", "after"))


# --------------------------------------------------------------------------- diff


def diff_table(diff: ScenarioDiff, *, width: int = 140, color: bool = False) -> str:
    head = Text.assemble(
        (f"Scenario A: {diff.a}\nScenario B: {diff.b}\n", "bold"), f"As of {diff.as_of.isoformat()}"
    )
    parts: list[Any] = [head]
    for title, rows in (("Products", diff.products), ("End users", diff.end_users)):
        if not rows:
            parts.append(Text(f"{title}: the same under both"))
            continue
        table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
        for col in ("ID", "NAME", "BASELINE", "A", "B"):
            table.add_column(col, no_wrap=col != "NAME")
        for r in sorted(rows, key=lambda r: (-max(r.a.rank, r.b.rank), r.id)):
            table.add_row(r.id, r.name, _status_text(r.baseline), _status_text(r.a), _status_text(r.b))
        parts.append(table)
    return _console_text(parts, width, color)


def diff_json(diff: ScenarioDiff) -> str:
    return json.dumps(diff.model_dump(mode="json"), indent=2, ensure_ascii=False) + "\n"


def diff_csv(diff: ScenarioDiff) -> str:
    rows = [
        {
            "type": kind,
            "id": r.id,
            "name": r.name,
            "baseline": r.baseline.value,
            "a": r.a.value,
            "b": r.b.value,
        }
        for kind, items in (("product", diff.products), ("end_user", diff.end_users))
        for r in items
    ]
    return _csv(rows, ("type", "id", "name", "baseline", "a", "b"))


# --------------------------------------------------------------------------- HTML


_CSS = """
body{font-family:Helvetica,Arial,sans-serif;margin:2em;color:#222;max-width:1400px}
h1{font-size:1.5em;margin-bottom:.2em} h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #ddd}
p.sub{color:#555;margin-top:0} table{border-collapse:collapse;font-size:.9em;margin:.5em 0}
th,td{border-bottom:1px solid #eee;padding:.3em .8em;text-align:left;vertical-align:top}
th{background:#f5f5f5} .st{display:inline-block;padding:.1em .5em;border-radius:.3em;font-weight:bold}
.pic{overflow:auto;border:1px solid #eee;padding:.5em} .pic svg{max-width:100%;height:auto}
footer{margin-top:2em;color:#888;font-size:.8em}
"""


def _h(text: object) -> str:
    return html.escape(str(text), quote=True)


def _badge(status: Status) -> str:
    fill, _, ink = pictures.STATUS_COLOURS[status]
    return f'<span class="st" style="background:{fill};color:{ink}">{_h(status.value)}</span>'


def _html_table(columns: list[str], rows: list[list[str]]) -> str:
    head = "".join(f"<th>{_h(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{cell}</td>" for cell in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _html_page(title: str, subtitle: str, sections: list[tuple[str, str]]) -> str:
    body = "".join(f"<h2>{_h(h)}</h2>{content}" for h, content in sections)
    return (
        '<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
        f"<title>{_h(title)}</title><style>{_CSS}</style></head><body>"
        f'<h1>{_h(title)}</h1><p class="sub">{_h(subtitle)}</p>{body}'
        "<footer>graphlib-trade: one self-contained file (no external resources).</footer>"
        "</body></html>\n"
    )


def _impact_rows(result: ImpactResult, only: set[str] | None = None) -> list[list[str]]:
    return [
        [_badge(p.status), _h(p.id), _h(p.maker), _h(_why(p)), _h(_join(c.restriction for c in p.causes)),
         _h(_join(p.relies_on))]
        for p in _by_severity(result.products)
        if only is None or p.id in only
    ]  # fmt: skip


_IMPACT_COLUMNS = ["Status", "Product", "Maker", "Why", "Restrictions", "Licences relied on"]


def _picture_section(pic: pictures.Picture) -> tuple[str, str]:
    svg = pictures.to_svg(pic)
    svg = svg[svg.find("<svg") :]
    return ("Picture", f'<div class="pic">{svg}</div>')


def impact_html(result: ImpactResult) -> str:
    summary = (
        f"Products: {_summary(p.status for p in result.products) or 'none'}. "
        f"End users: {_summary(u.status for u in result.end_users) or 'none'}. "
        f"Active restrictions: {_join(result.active_restrictions) or 'none'}. "
        f"Valid licences: {_join(result.valid_licences) or 'none'}."
    )
    users = [
        [_badge(u.status), _h(u.id), _h(u.name), _h(_join(u.via))] for u in _by_severity(result.end_users)
    ]
    return _html_page(
        f"Impact as of {result.as_of.isoformat()}",
        summary,
        [
            _picture_section(pictures.impact_picture(result)),
            ("Products", _html_table(_IMPACT_COLUMNS, _impact_rows(result))),
            ("End users", _html_table(["Status", "End user", "Name", "Via"], users)),
        ],
    )


def _timeline_section(tl: Timeline) -> tuple[str, str]:
    rows = [
        [_h(e.date.isoformat()), _h("; ".join(e.what)),
         "<br>".join(f"{_h(c.id)} {_badge(c.before)} &rarr; {_badge(c.after)}" for c in e.products)]
        for e in tl.events
    ]  # fmt: skip
    warnings = "".join(f"<li>{_h(w)}</li>" for w in _expiry_lines(tl))
    content = _html_table(["Date", "What starts or ends", "Products that change"], rows)
    if warnings:
        content += f"<p><b>Licence expiry warnings</b></p><ul>{warnings}</ul>"
    return (f"Timeline {tl.start.isoformat()} .. {tl.end.isoformat()} (scenario applied)", content)


def whatif_html(view: WhatIfView) -> str:
    ch = view.changes
    title = ch.name or "What-if scenario"
    subtitle = f"As of {ch.as_of.isoformat()}. " + (ch.description + " " if ch.description else "")
    subtitle += f"{len(ch.products)} products and {len(ch.end_users)} end users change."
    rows = [
        [_h(c.id), _h(c.name), _badge(c.before), "&rarr;", _badge(c.after)]
        for c in sorted((*ch.products, *ch.end_users), key=lambda c: (-c.after.rank, c.id))
    ]
    sections = [
        ("Changes applied", "<ul>" + "".join(f"<li>{_h(x)}</li>" for x in ch.scenario) + "</ul>"),
        (
            "What changes",
            _html_table(["Id", "Name", "Before", "", "After"], rows) if rows else "<p>Nothing.</p>",
        ),
        _picture_section(pictures.whatif_picture(ch, view.after)),
        ("All products after the scenario", _html_table(_IMPACT_COLUMNS, _impact_rows(view.after))),
    ]
    if view.timeline is not None:
        sections.insert(3, _timeline_section(view.timeline))
    return _html_page(title, subtitle, sections)


def explain_html(expl: Explanation) -> str:
    sections = [_picture_section(pictures.explain_picture(expl))]
    for p in expl.products:
        items = []
        for reason in (*p.reasons, *p.licensed):
            chains = "".join(
                "<li>" + "<br>".join(_h(line) for line in _chain_lines(c)) + "</li>" for c in reason.chains
            )
            items.append(f"<li><b>{_h(_reason_title(reason))}</b><ul>{chains}</ul></li>")
        lift = ""
        if p.lift:
            lift = (
                "<p><b>Licences that would make it ok (a minimal set):</b></p><ul>"
                + "".join(
                    f"<li>{_h(f'{c.restriction}: {c.supplier} -> {c.item} -> {c.buyer} ({c.kind})')}</li>"
                    for c in p.lift
                )
                + "</ul>"
            )
        roll = "".join(f"<p>De minimis: {_h(_roll_up_lines(u)[0])}</p>" for u in p.us_content)
        sections.append(
            (
                f"{p.id}: {p.status.value}",
                f"<ul>{''.join(items) or '<li>nothing is lost</li>'}</ul>{lift}{roll}",
            )
        )
    return _html_page(
        f"Why {expl.id} is {expl.status.value} on {expl.as_of.isoformat()}", expl.name, sections
    )


# --------------------------------------------------------------------------- registries


def _pictured(
    builder: Callable[[Any], pictures.Picture], draw: Callable[[pictures.Picture], str]
) -> Callable[..., str]:
    def render(result: Any) -> str:
        return draw(builder(result))

    return render


def _whatif_pic(view: WhatIfView) -> pictures.Picture:
    return pictures.whatif_picture(view.changes, view.after)


def _on_changes(renderer: Callable[..., str]) -> Callable[..., str]:
    def render(view: WhatIfView, **kw: Any) -> str:
        return renderer(view.changes, **kw)

    return render


IMPACT_RENDERERS: dict[str, Callable[..., str]] = {
    "table": impact_table,
    "json": impact_json,
    "csv": impact_csv,
    "dot": _pictured(pictures.impact_picture, pictures.to_dot),
    "mermaid": _pictured(pictures.impact_picture, pictures.to_mermaid),
    "svg": _pictured(pictures.impact_picture, pictures.to_svg),
    "html": impact_html,
}
WHATIF_RENDERERS: dict[str, Callable[..., str]] = {
    "table": _on_changes(whatif_table),
    "json": _on_changes(whatif_json),
    "csv": _on_changes(whatif_csv),
    "dot": _pictured(_whatif_pic, pictures.to_dot),
    "mermaid": _pictured(_whatif_pic, pictures.to_mermaid),
    "svg": _pictured(_whatif_pic, pictures.to_svg),
    "html": whatif_html,
}
EXPLAIN_RENDERERS: dict[str, Callable[..., str]] = {
    "table": explain_table,
    "json": explain_json,
    "dot": _pictured(pictures.explain_picture, pictures.to_dot),
    "mermaid": _pictured(pictures.explain_picture, pictures.to_mermaid),
    "svg": _pictured(pictures.explain_picture, pictures.to_svg),
    "html": explain_html,
}
RANK_RENDERERS: dict[str, Callable[..., str]] = {"table": rank_table, "json": rank_json, "csv": rank_csv}
TIMELINE_RENDERERS: dict[str, Callable[..., str]] = {
    "table": timeline_table,
    "json": timeline_json,
    "csv": timeline_csv,
}
DIFF_RENDERERS: dict[str, Callable[..., str]] = {"table": diff_table, "json": diff_json, "csv": diff_csv}
