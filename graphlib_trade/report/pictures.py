"""The ``dot``, ``mermaid`` and ``svg`` formats: the affected subgraph, coloured by status.

Builders turn a result into a :class:`Picture` (plain data: nodes and edges);
renderers turn a picture into a string.  What did not change is collapsed into one
node per kind ("7 products ok"), so that an answer of fifty nodes stays readable.
SVG is drawn by Graphviz's ``dot`` (Debian package ``graphviz``).
"""

from __future__ import annotations

import html
import shutil
import subprocess
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from graphlib_trade.errors import RenderError
from graphlib_trade.models import (
    Explanation,
    ImpactResult,
    ProductImpact,
    Status,
    WhatIfReport,
    WhatIfResult,
)
from graphlib_trade.report.base import Format

#: Fill and border per status: the same colours as the Neo4j Browser style (cypher/browser/style.grass).
STATUS_COLOURS: dict[Status, tuple[str, str, str]] = {
    Status.BLOCKED: ("#E53935", "#B71C1C", "#FFFFFF"),
    Status.EXPOSED: ("#AB47BC", "#6A1B9A", "#FFFFFF"),
    Status.DEGRADED: ("#FFCA28", "#F9A825", "#333333"),
    Status.AT_RISK: ("#29B6F6", "#0277BD", "#FFFFFF"),
    Status.OK: ("#4CAF50", "#2E7D32", "#FFFFFF"),
}
_ROLE_STYLE: dict[str, tuple[str, str, str, str]] = {  # fill, border, text, shape
    "restriction": ("#222222", "#000000", "#FFFFFF", "hexagon"),
    "party": ("#DDDDDD", "#555555", "#222222", "box"),
    "company": ("#F5F5F5", "#999999", "#333333", "box"),
    "item": ("#FFEBEE", "#B71C1C", "#B71C1C", "ellipse"),
    "component": ("#FFFFFF", "#999999", "#333333", "ellipse"),
    "licence": ("#E8F5E9", "#2E7D32", "#1B5E20", "note"),
    "collapsed": ("#FAFAFA", "#BBBBBB", "#777777", "box"),
}
_LAYERS = (
    "restriction",
    "party",
    "company",
    "item",
    "component",
    "licence",
    "product",
    "end_user",
    "collapsed",
)


@dataclass(frozen=True)
class PictureNode:
    id: str
    label: str
    role: str  # restriction, party, company, item, component, licence, product, end_user, collapsed
    status: Status | None = None
    highlight: bool = False


@dataclass(frozen=True)
class PictureEdge:
    source: str
    target: str
    label: str = ""
    style: str = "solid"  # solid, dashed (a blocked supply or service), dotted (a licence)
    colour: str = "#555555"


@dataclass
class Picture:
    title: str
    legend: str = ""
    nodes: dict[str, PictureNode] = field(default_factory=dict)
    edges: dict[tuple[str, str, str], PictureEdge] = field(default_factory=dict)

    def node(self, node: PictureNode) -> str:
        if node.id not in self.nodes or node.highlight:
            self.nodes[node.id] = node
        return node.id

    def edge(self, edge: PictureEdge) -> None:
        self.edges.setdefault((edge.source, edge.target, edge.label), edge)


_BLOCKED_EDGE = "#B71C1C"
_LEGEND = (
    "restriction -> restricted party -> blocked item (from its suppliers) -> product -> end user.  "
    "Dashed red: blocked supply or service; dotted green: a licence keeps it ok; thick border: changed."
)
_LICENCE_EDGE = "#2E7D32"


def _pid(kind: str, value: str) -> str:
    return f"{kind}:{value}"


def _add_causes(pic: Picture, p: ProductImpact, product_node: str, suppliers: dict[str, set[str]]) -> None:
    """Restriction -> party -> blocked item (its suppliers in the label) -> product; no edge labels."""
    for c in p.causes:
        r = pic.node(PictureNode(_pid("r", c.restriction), c.restriction, "restriction"))
        party = pic.node(PictureNode(_pid("c", c.buyer), c.buyer, "party"))
        pic.edge(PictureEdge(r, party))
        if c.kind == "service":
            provider = pic.node(PictureNode(_pid("c", c.supplier), c.supplier, "company"))
            pic.edge(PictureEdge(party, provider, "", "dashed", _BLOCKED_EDGE))
            pic.edge(PictureEdge(provider, product_node, "service", "dashed", _BLOCKED_EDGE))
            continue
        suppliers.setdefault(c.item, set()).add(c.supplier)
        item = _pid("i", c.item)
        pic.edge(PictureEdge(party, item, "", "dashed", _BLOCKED_EDGE))
        pic.edge(PictureEdge(item, product_node))


def impact_picture(result: ImpactResult, *, highlight: Iterable[str] = ()) -> Picture:
    """The products and end users that are not ok, their causes, and the rest collapsed.

    ``highlight`` names products and end users drawn with a thick border (e.g. what a
    scenario changed).
    """
    marked = set(highlight)
    pic = Picture(f"Impact as of {result.as_of.isoformat()}", legend=_LEGEND)
    hit = {p.id for p in result.products if p.status is not Status.OK}
    suppliers: dict[str, set[str]] = {}
    for p in sorted(result.products, key=lambda p: (-p.status.rank, p.id)):
        if p.id not in hit:
            continue
        node = pic.node(
            PictureNode(_pid("p", p.id), f"{p.id}\\n{p.status.value}", "product", p.status, p.id in marked)
        )
        _add_causes(pic, p, node, suppliers)
        for lic in p.relies_on:
            ln = pic.node(PictureNode(_pid("l", lic), lic, "licence"))
            pic.edge(PictureEdge(ln, node, "keeps it ok", "dotted", _LICENCE_EDGE))
    for item, by in suppliers.items():
        pic.node(PictureNode(_pid("i", item), f"{item}\\nfrom {', '.join(sorted(by))}", "item"))
    ok_products = len(result.products) - len(hit)
    if ok_products:
        pic.node(PictureNode("collapsed:products", f"{ok_products} products ok", "collapsed", Status.OK))
    ok_users = 0
    for u in result.end_users:
        if u.status is Status.OK:
            ok_users += 1
            continue
        un = pic.node(
            PictureNode(_pid("u", u.id), f"{u.id}\\n{u.status.value}", "end_user", u.status, u.id in marked)
        )
        for used in u.via:
            pic.edge(PictureEdge(_pid("p", used), un))
    if ok_users:
        pic.node(PictureNode("collapsed:end_users", f"{ok_users} end users ok", "collapsed", Status.OK))
    return pic


def whatif_picture(changes: WhatIfResult, after: ImpactResult) -> Picture:
    """The impact after a scenario, with what the scenario changed highlighted."""
    pic = impact_picture(after, highlight=[c.id for c in (*changes.products, *changes.end_users)])
    pic.title = f"{changes.name or 'What-if'} as of {changes.as_of.isoformat()}"
    return pic


def explain_picture(expl: Explanation) -> Picture:
    """Every chain of an explanation: restriction, ownership, blocked item, BOM path, product, end users."""
    pic = Picture(
        f"Why {expl.id} is {expl.status.value} on {expl.as_of.isoformat()}",
        legend="Dashed red: blocked; dotted green: a valid licence lifts it; dashed grey: a licence on file "
        "that is not valid on the date.",
    )
    for p in expl.products:
        product = pic.node(
            PictureNode(_pid("p", p.id), f"{p.id}\\n{p.status.value}", "product", p.status, True)
        )
        for reason in (*p.reasons, *p.licensed):
            for chain in reason.chains:
                c = chain.cause
                r = pic.node(PictureNode(_pid("r", c.restriction), c.restriction, "restriction"))
                buyer = pic.node(PictureNode(_pid("c", c.buyer), c.buyer, "party"))
                if chain.ownership:
                    for link in chain.ownership:
                        owner = pic.node(PictureNode(_pid("c", link.owner), link.owner, "party"))
                        owned = pic.node(PictureNode(_pid("c", link.owned), link.owned, "party"))
                        pic.edge(PictureEdge(owner, owned, f"owns {link.share:.0%}"))
                    for target in {link.owner for link in chain.ownership} - {
                        link.owned for link in chain.ownership
                    }:
                        pic.edge(PictureEdge(r, _pid("c", target), "lists"))
                else:
                    pic.edge(PictureEdge(r, buyer, "lists"))
                supplier = pic.node(PictureNode(_pid("c", c.supplier), c.supplier, "company"))
                if c.kind == "service":
                    pic.edge(
                        PictureEdge(
                            supplier, product, reason.what.split(" from ")[0], "dashed", _BLOCKED_EDGE
                        )
                    )
                    pic.edge(PictureEdge(buyer, supplier, "cannot be served by", "dashed", _BLOCKED_EDGE))
                    target_of_licence = product
                else:
                    first = pic.node(PictureNode(_pid("i", chain.path[0]), chain.path[0], "item"))
                    pic.edge(PictureEdge(supplier, first, "supplies"))
                    pic.edge(PictureEdge(buyer, first, "cannot buy", "dashed", _BLOCKED_EDGE))
                    for lower, upper in zip(chain.path, chain.path[1:], strict=False):
                        upper_id = (
                            product
                            if upper == p.id
                            else pic.node(PictureNode(_pid("i", upper), upper, "component"))
                        )
                        pic.edge(PictureEdge(_pid("i", lower), upper_id, "part of"))
                    target_of_licence = first
                for lic in chain.licences:
                    ln = pic.node(
                        PictureNode(_pid("l", lic.id), f"{lic.id}\\n{lic.state.replace('_', ' ')}", "licence")
                    )
                    style = "dotted" if lic.state == "valid" else "dashed"
                    colour = _LICENCE_EDGE if lic.state == "valid" else "#9E9E9E"
                    label = "lifts it" if lic.state == "valid" else "would lift it"
                    pic.edge(PictureEdge(ln, target_of_licence, label, style, colour))
        for user in p.end_users:
            un = pic.node(PictureNode(_pid("u", user), user, "end_user", p.status))
            pic.edge(PictureEdge(product, un, "used by"))
    return pic


# --------------------------------------------------------------------------- renderers


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\\\\n", "\\n") + '"'


def _style(node: PictureNode) -> tuple[str, str, str, str]:
    if node.role in ("product", "end_user") and node.status is not None:
        fill, border, text = STATUS_COLOURS[node.status]
        return fill, border, text, "box" if node.role == "product" else "house"
    if node.role == "collapsed" and node.status is not None:
        return _ROLE_STYLE["collapsed"]
    return _ROLE_STYLE[node.role]


def _title(pic: Picture) -> str:
    """An HTML-like DOT label: the title, and the legend in small type under it."""
    title = html.escape(pic.title)
    if not pic.legend:
        return f"<<b>{title}</b>>"
    return f'<<b>{title}</b><br/><font point-size="10">{html.escape(pic.legend)}</font>>'


def to_dot(pic: Picture) -> str:
    """Graphviz DOT, left to right: causes on the left, end users on the right."""
    lines = [
        "digraph impact {",
        f"  graph [rankdir=LR, fontname=Helvetica, fontsize=16, labelloc=t, label={_title(pic)}, "
        'nodesep=0.25, ranksep=0.6, bgcolor="white"];',
        "  node [fontname=Helvetica, fontsize=11, style=filled, penwidth=1.2];",
        '  edge [fontname=Helvetica, fontsize=9, color="#555555", fontcolor="#555555"];',
    ]
    for role in _LAYERS:
        members = [n for n in pic.nodes.values() if n.role == role]
        for n in sorted(members, key=lambda n: n.id):
            fill, border, text, shape = _style(n)
            extra = ", penwidth=3.5" if n.highlight else ""
            extra += ', style="filled,dashed"' if n.role == "collapsed" else ""
            lines.append(
                f"  {_quote(n.id)} [label={_quote(n.label)}, shape={shape}, fillcolor={_quote(fill)}, "
                f"color={_quote(border)}, fontcolor={_quote(text)}{extra}];"
            )
    for e in sorted(pic.edges.values(), key=lambda e: (e.source, e.target, e.label)):
        lines.append(
            f"  {_quote(e.source)} -> {_quote(e.target)} [label={_quote(e.label)}, style={e.style}, "
            f"color={_quote(e.colour)}, fontcolor={_quote(e.colour)}];"
        )
    lines.append("}")
    return "\n".join(lines) + "\n"


def _mermaid_text(text: str) -> str:
    return text.replace('"', "#quot;").replace("\\n", "<br/>")


def to_mermaid(pic: Picture) -> str:
    """A Mermaid flowchart (renders in GitHub, GitLab and most wikis)."""
    ids = {node_id: f"n{i}" for i, node_id in enumerate(sorted(pic.nodes))}
    lines = ["---", f"title: {_mermaid_text(pic.title)}", "---", "flowchart LR"]
    shapes = {"box": ("[", "]"), "ellipse": ("([", "])"), "hexagon": ("{{", "}}"), "note": ("[/", "/]")}
    shapes["house"] = ("[\\", "/]")
    classes: dict[str, list[str]] = {}
    for node_id in sorted(pic.nodes):
        n = pic.nodes[node_id]
        fill, border, text, shape = _style(n)
        left, right = shapes.get(shape, ("[", "]"))
        lines.append(f'  {ids[node_id]}{left}"{_mermaid_text(n.label)}"{right}')
        cls = (n.status.value if n.status and n.role in ("product", "end_user") else n.role) + (
            "_hl" if n.highlight else ""
        )
        classes.setdefault(cls, []).append(ids[node_id])
        width = "4px" if n.highlight else "1px"
        definition = f"  classDef {cls} fill:{fill},stroke:{border},color:{text},stroke-width:{width}"
        if definition not in lines:
            lines.append(definition)
    arrows = {"solid": "-->", "dashed": "-.->", "dotted": "-.->"}
    link_styles = []
    for i, e in enumerate(sorted(pic.edges.values(), key=lambda e: (e.source, e.target, e.label))):
        label = f'|"{_mermaid_text(e.label)}"|' if e.label else ""
        lines.append(f"  {ids[e.source]} {arrows[e.style]}{label} {ids[e.target]}")
        if e.colour != "#555555":
            link_styles.append(f"  linkStyle {i} stroke:{e.colour}")
    lines += [f"  class {','.join(members)} {cls}" for cls, members in sorted(classes.items())]
    lines += link_styles
    return "\n".join(lines) + "\n"


def to_svg(pic: Picture) -> str:
    """SVG drawn by Graphviz's ``dot``; :class:`RenderError` when it is not installed."""
    return _graphviz(to_dot(pic), "svg").decode("utf-8")


def to_png(pic: Picture) -> bytes:
    return _graphviz(to_dot(pic), "png")


def _graphviz(dot: str, fmt: str) -> bytes:
    exe = shutil.which("dot")
    if exe is None:
        raise RenderError(
            f"--format {fmt} needs Graphviz's 'dot' program (Debian: apt-get install graphviz); "
            "--format dot or mermaid need nothing"
        )
    try:
        done = subprocess.run([exe, f"-T{fmt}"], input=dot.encode("utf-8"), capture_output=True, check=False)
    except OSError as exc:  # not the output file's fault: said as what it is
        raise RenderError(f"Graphviz's dot could not run: {exc.strerror}") from None
    if done.returncode != 0:
        raise RenderError(f"Graphviz's dot failed: {done.stderr.decode('utf-8', 'replace').strip()[:300]}")
    return done.stdout


def impact_after(view: WhatIfReport) -> ImpactResult:
    """The impact after the scenario, which a picture of a what-if needs."""
    if view.after is None:
        raise RenderError("a picture of a what-if needs the impact after the scenario")
    return view.after


class PictureFormat(Format):
    """A picture of the answer, drawn by ``draw`` (DOT, Mermaid or SVG text)."""

    def __init__(self, draw: Callable[[Picture], str]) -> None:
        super().__init__(
            {
                ImpactResult: lambda result: draw(impact_picture(result)),
                WhatIfReport: lambda view: draw(whatif_picture(view.changes, impact_after(view))),
                Explanation: lambda expl: draw(explain_picture(expl)),
            },
            shows=("after",),
        )
