"""The ``table`` format: aligned, coloured text for a terminal (rich)."""

from __future__ import annotations

import io
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

from rich import box
from rich.console import Console
from rich.table import Table
from rich.text import Text

from graphlib_trade.models import (
    DataChanges,
    Explanation,
    ImpactResult,
    Loss,
    Ranking,
    Reason,
    ScenarioDiff,
    ScreeningResult,
    Status,
    Timeline,
    WhatIfReport,
    WhatIfResult,
    source_code,
)
from graphlib_trade.report.base import Format
from graphlib_trade.report.text import (
    by_severity,
    cause_note,
    chain_lines,
    changes_text,
    expiry_lines,
    join,
    loss_text,
    reason_title,
    roll_up_lines,
    summary,
    why,
)

if TYPE_CHECKING:
    from rich.tree import Tree

STATUS_STYLE: dict[Status, str] = {
    Status.BLOCKED: "bold red",
    Status.EXPOSED: "bold magenta",
    Status.DEGRADED: "yellow",
    Status.AT_RISK: "cyan",
    Status.OK: "green",
}


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


def impact_table(result: ImpactResult, *, width: int = 140, color: bool = False) -> str:
    """Products then end users, worst first, with the causing restriction, supplier and licences."""
    head = Text.assemble(
        ("Impact as of ", "bold"),
        (result.as_of.isoformat(), "bold"),
        ("  (licences ignored)" if result.ignore_licences else ""),
        "\nActive restrictions: ",
        join(result.active_restrictions) or "none",
        "\nValid licences: ",
        join(result.valid_licences, 6) or "none",
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
    for p in by_severity(result.products):
        products.add_row(
            _status_text(p.status),
            p.id + (" (legacy)" if p.lifecycle == "legacy" else ""),
            p.maker,
            why(p),
            join(c.restriction for c in p.causes),
            join((c.supplier for c in p.causes), 4),
            join(p.relies_on, 3),
        )
    users = Table(box=box.SIMPLE_HEAD, title="End users", title_justify="left", pad_edge=False)
    users.add_column("STATUS", no_wrap=True)
    users.add_column("END USER", no_wrap=True)
    users.add_column("NAME")
    users.add_column("VIA (products with that status)", overflow="fold")
    for u in by_severity(result.end_users):
        users.add_row(_status_text(u.status), u.id, u.name, join(u.via, 6))
    unclassified = (
        f"  {result.unclassified_causes} causes rest on items without an ECCN (a classification "
        "could change them)."
        if result.unclassified_causes
        else ""
    )
    foot = Text(
        f"Products: {summary(p.status for p in result.products) or 'none'}.  "
        f"End users: {summary(u.status for u in result.end_users) or 'none'}.{unclassified}"
    )
    return _console_text([head, products, users, foot], width, color)


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
        rows = [
            (
                c.id,
                c.name,
                _status_text(c.before),
                "worse" if c.after.worse_than(c.before) else "better",
                _status_text(c.after),
            )
            for c in sorted(changes, key=lambda c: (-c.after.rank, c.id))
        ]
        parts.append(_status_section(title, ("ID", "NAME", "BEFORE", "", "AFTER"), rows, "no change"))
    return _console_text(parts, width, color)


def _status_section(title: str, columns: tuple[str, ...], rows: list[tuple[Any, ...]], empty: str) -> Any:
    """One titled table of a what-if or a diff (only NAME wraps), or ``<title>: <empty>``."""
    if not rows:
        return Text(f"{title}: {empty}")
    table = Table(box=box.SIMPLE_HEAD, title=title, title_justify="left", pad_edge=False)
    for col in columns:
        table.add_column(col, no_wrap=col != "NAME")
    for row in rows:
        table.add_row(*row)
    return table


def _add_reasons(branch: Tree, reasons: Iterable[Reason]) -> None:
    """Each reason under ``branch``, with its chains of causes under it, one line each."""
    for reason in reasons:
        rb = branch.add(reason_title(reason))
        for chain in reason.chains:
            lines = chain_lines(chain)
            cb = rb.add(lines[0])
            for line in lines[1:]:
                cb.add(line)


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
    if expl.kind == "end_user" and not expl.products and not expl.own:
        parts.append(Text("Every product it uses is ok."))
    if expl.own:
        own = Tree(
            Text("what it loses itself (it is a restricted party, or the seller is denied)", style="bold")
        )
        _add_reasons(own, expl.own)
        parts.append(own)
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
            _add_reasons(tree.add(Text(title, style="bold")), reasons)
        if p.lift:
            lb = tree.add(
                Text(f"licences that would make it ok ({len(p.lift)}, a minimal set)", style="bold")
            )
            for c in p.lift:
                lb.add(f"{c.restriction}: {c.supplier} -> {c.item} -> {c.buyer} ({c.kind}){cause_note(c)}")
        for u in p.us_content:
            tree.add(Text("de minimis: ", style="bold") + Text(roll_up_lines(u)[0]))
        if p.end_users:
            tree.add(Text("end users: ", style="bold") + Text(", ".join(p.end_users)))
        parts.append(tree)
    return _console_text(parts, width, color)


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
        row += [str(len(r.lost.products_blocked)), loss_text(r.lost, ranking.weight)]
        if ranking.kind == "suppliers":
            restricted = r.restricted or Loss()
            row += [str(len(restricted.products_blocked)), loss_text(r.restricted, ranking.weight)]
        table.add_row(*row)
    return _console_text([head, table], width, color)


def timeline_table(tl: Timeline, *, width: int = 140, color: bool = False) -> str:
    counts = summary(p.status for p in tl.initial.products) or "no products"
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
            e.date.isoformat(), "; ".join(e.what), changes_text(e.products), changes_text(e.end_users)
        )
    parts.append(table if tl.events else Text("No status changes in the period."))
    warnings = expiry_lines(tl)
    if warnings:
        parts.append(Text("Licence expiry warnings (at_risk products):", style="bold"))
        parts.extend(Text("  " + w, style="cyan") for w in warnings)
    return _console_text(parts, width, color)


def diff_table(diff: ScenarioDiff, *, width: int = 140, color: bool = False) -> str:
    head = Text.assemble(
        (f"Scenario A: {diff.a}\nScenario B: {diff.b}\n", "bold"), f"As of {diff.as_of.isoformat()}"
    )
    parts: list[Any] = [head]
    for title, changed in (("Products", diff.products), ("End users", diff.end_users)):
        rows = [
            (r.id, r.name, _status_text(r.baseline), _status_text(r.a), _status_text(r.b))
            for r in sorted(changed, key=lambda r: (-max(r.a.rank, r.b.rank), r.id))
        ]
        parts.append(
            _status_section(title, ("ID", "NAME", "BASELINE", "A", "B"), rows, "the same under both")
        )
    return _console_text(parts, width, color)


def screening_table(result: ScreeningResult, *, width: int = 140, color: bool = False) -> str:
    """Each match with the names that matched (as given and as compared), best first."""
    exact = sum(1 for m in result.matches if m.exact)
    head = Text.assemble(
        (f"Screening: {len(result.matches)} matches at or above {result.threshold:.2f}", "bold"),
        f"\n{exact} exact (same name once normalised, same country); the others need a look before "
        f"`import csl --confirm`.  {result.unmatched_entries} of {result.entries} list entries match "
        f"none of the {result.parties} companies and end users.",
    )
    table = Table(box=box.SIMPLE_HEAD, pad_edge=False)
    table.add_column("SCORE", justify="right", no_wrap=True)
    table.add_column("", no_wrap=True)
    table.add_column("ID", no_wrap=True)
    table.add_column("NAME", ratio=2, overflow="fold")
    table.add_column("MATCHED", ratio=2, overflow="fold")
    table.add_column("ENTRY", no_wrap=True)
    table.add_column("LIST", no_wrap=True)
    table.add_column("COUNTRY", no_wrap=True)
    for m in result.matches:
        listed = (
            m.matched_on if m.matched_on == m.listed_name else f"{m.matched_on} (alt name of {m.listed_name})"
        )
        compared = "" if m.normalised == m.listed_normalised else f" [{m.normalised} ~ {m.listed_normalised}]"
        table.add_row(
            f"{m.score:.2f}",
            Text("exact", style="bold red") if m.exact else Text("check", style="yellow"),
            m.id,
            m.name,
            listed + compared,
            m.entry if len(m.entry) <= 12 else m.entry[:11] + "…",
            source_code(m.source) or m.source,
            {True: "agrees", False: "differs", None: "unknown"}[m.country_match],
        )
    return _console_text([head, table], width, color)


def changes_table(found: DataChanges, *, width: int = 140, color: bool = False) -> str:
    """Restrictions and restricted parties added and removed, then every status that moved."""

    def listed(values: tuple[str, ...]) -> str:
        return join(values) or "none"

    added = tuple(f"{p.party} ({p.restriction})" for p in found.parties_added)
    removed = tuple(f"{p.party} ({p.restriction})" for p in found.parties_removed)
    head = Text.assemble(
        (f"Changes as of {found.as_of.isoformat()}", "bold"),
        ("  WORSE" if found.worse else "  nothing worse", "bold red" if found.worse else "green"),
        f"\nRestrictions added: {listed(found.restrictions_added)}; "
        f"removed: {listed(found.restrictions_removed)}.",
        f"\nRestricted parties added: {listed(added)}; removed: {listed(removed)}.",
    )
    parts: list[Any] = [head]
    for title, rows in (("Products", found.products), ("End users", found.end_users)):
        if not rows:
            parts.append(Text(f"{title}: no status changes."))
            continue
        table = Table(title=title, title_justify="left", box=box.SIMPLE_HEAD, pad_edge=False)
        table.add_column("ID", no_wrap=True)
        table.add_column("NAME", ratio=1, overflow="fold")
        table.add_column("BEFORE", no_wrap=True)
        table.add_column("AFTER", no_wrap=True)
        table.add_column("NEW CAUSES", ratio=2, overflow="fold")
        for c in rows:
            causes = join(
                (f"{x.restriction}: {x.supplier} -> {x.item} -> {x.buyer}" for x in c.new_causes), 3
            )
            table.add_row(
                c.id,
                c.name,
                _status_text(c.before) if c.before else Text("(new)"),
                _status_text(c.after) if c.after else Text("(gone)"),
                causes,
            )
        parts.append(table)
    return _console_text(parts, width, color)


class TableFormat(Format):
    """Aligned, coloured text (colour only on a terminal)."""

    def __init__(self) -> None:
        super().__init__(
            {
                ImpactResult: impact_table,
                WhatIfReport: lambda view, **kw: whatif_table(view.changes, **kw),
                Explanation: explain_table,
                Ranking: rank_table,
                Timeline: timeline_table,
                ScenarioDiff: diff_table,
                ScreeningResult: screening_table,
                DataChanges: changes_table,
            },
            takes_layout=True,
        )
