"""The ``html`` format: a briefing in one self-contained file (tables and an inline SVG picture)."""

from __future__ import annotations

import html

from graphlib_trade.models import Explanation, ImpactResult, Status, Timeline, WhatIfReport
from graphlib_trade.report import pictures
from graphlib_trade.report.base import Format
from graphlib_trade.report.text import (
    by_severity,
    cause_note,
    chain_lines,
    expiry_lines,
    join,
    reason_title,
    roll_up_lines,
    summary,
    why,
)

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
        [_badge(p.status), _h(p.id), _h(p.maker), _h(why(p)), _h(join(c.restriction for c in p.causes)),
         _h(join(p.relies_on))]
        for p in by_severity(result.products)
        if only is None or p.id in only
    ]  # fmt: skip


_IMPACT_COLUMNS = ["Status", "Product", "Maker", "Why", "Restrictions", "Licences relied on"]


def _picture_section(pic: pictures.Picture) -> tuple[str, str]:
    svg = pictures.to_svg(pic)
    svg = svg[svg.find("<svg") :]
    return ("Picture", f'<div class="pic">{svg}</div>')


def impact_html(result: ImpactResult) -> str:
    overview = (
        f"Products: {summary(p.status for p in result.products) or 'none'}. "
        f"End users: {summary(u.status for u in result.end_users) or 'none'}. "
        f"Active restrictions: {join(result.active_restrictions) or 'none'}. "
        f"Valid licences: {join(result.valid_licences) or 'none'}."
    )
    users = [[_badge(u.status), _h(u.id), _h(u.name), _h(join(u.via))] for u in by_severity(result.end_users)]
    return _html_page(
        f"Impact as of {result.as_of.isoformat()}",
        overview,
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
    warnings = "".join(f"<li>{_h(w)}</li>" for w in expiry_lines(tl))
    content = _html_table(["Date", "What starts or ends", "Products that change"], rows)
    if warnings:
        content += f"<p><b>Licence expiry warnings</b></p><ul>{warnings}</ul>"
    return (f"Timeline {tl.start.isoformat()} .. {tl.end.isoformat()} (scenario applied)", content)


def whatif_html(view: WhatIfReport) -> str:
    ch, after = view.changes, pictures.impact_after(view)
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
        _picture_section(pictures.whatif_picture(ch, after)),
        ("All products after the scenario", _html_table(_IMPACT_COLUMNS, _impact_rows(after))),
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
                "<li>" + "<br>".join(_h(line) for line in chain_lines(c)) + "</li>" for c in reason.chains
            )
            items.append(f"<li><b>{_h(reason_title(reason))}</b><ul>{chains}</ul></li>")
        lift = ""
        if p.lift:
            lift = (
                "<p><b>Licences that would make it ok (a minimal set):</b></p><ul>"
                + "".join(
                    "<li>"
                    + _h(f"{c.restriction}: {c.supplier} -> {c.item} -> {c.buyer} ({c.kind}){cause_note(c)}")
                    + "</li>"
                    for c in p.lift
                )
                + "</ul>"
            )
        roll = "".join(f"<p>De minimis: {_h(roll_up_lines(u)[0])}</p>" for u in p.us_content)
        sections.append(
            (
                f"{p.id}: {p.status.value}",
                f"<ul>{''.join(items) or '<li>nothing is lost</li>'}</ul>{lift}{roll}",
            )
        )
    return _html_page(
        f"Why {expl.id} is {expl.status.value} on {expl.as_of.isoformat()}", expl.name, sections
    )


class HtmlFormat(Format):
    """A briefing page in one file: summary, tables and the picture (needs Graphviz's ``dot``)."""

    def __init__(self) -> None:
        super().__init__(
            {ImpactResult: impact_html, WhatIfReport: whatif_html, Explanation: explain_html},
            shows=("after", "timeline"),
        )
