"""The words every format shares: how a cause, a chain, a loss or a change reads."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from typing import Any

from graphlib_trade.models import (
    Cause,
    Chain,
    Change,
    Loss,
    ProductImpact,
    Reason,
    Status,
    Timeline,
    UsContent,
)


def join(values: Iterable[str], limit: int = 0) -> str:
    items = list(dict.fromkeys(values))
    if limit and len(items) > limit:
        return ", ".join(items[:limit]) + f" +{len(items) - limit}"
    return ", ".join(items)


def why(p: ProductImpact) -> str:
    parts = []
    if p.lost_required:
        parts.append("lost " + join(p.lost_required, 3))
    if p.blocked_services:
        parts.append("no " + join(p.blocked_services, 2))
    if p.lost_optional:
        parts.append("lost optional " + join(p.lost_optional, 3))
    if p.status is Status.AT_RISK or (p.relies_on and not parts):
        parts.append(f"ok only under licence (else {p.without_licences.value})")
    return "; ".join(parts)


def summary(statuses: Iterable[Status]) -> str:
    counts = Counter(statuses)
    return ", ".join(f"{counts[s]} {s.value}" for s in reversed(Status) if counts[s])


def by_severity(items: Iterable[Any]) -> list[Any]:
    return sorted(items, key=lambda x: (-x.status.rank, x.id))


def pct(x: float) -> str:
    return f"{x:.1%}"


def licence_note(chain: Chain) -> str:
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


#: How each review policy reads.
POLICY_WORDS = {
    "denial": "presumption of denial",
    "case_by_case": "case-by-case review",
    "approval": "presumption of approval",
}


def cause_note(cause: Cause) -> str:
    """`` (presumption of denial; unclassified: no ECCN)``: what a cause says beside its link."""
    notes = []
    if cause.review_policy is not None:
        notes.append(POLICY_WORDS[cause.review_policy])
    if cause.unclassified:
        notes.append("unclassified: no ECCN, a classification could change this")
    return f" ({'; '.join(notes)})" if notes else ""


def chain_lines(chain: Chain) -> list[str]:
    c = chain.cause
    owners = ""
    if chain.ownership:
        owners = (
            " (restricted through ownership: "
            + ", ".join(f"{o.owner} owns {o.share:.0%} of {o.owned}" for o in chain.ownership)
            + ")"
        )
    party = chain.party or c.buyer
    who = {
        "buyer": f"{party} is a restricted party{owners}",
        "seller": f"{party}, the seller, is a denied party",
        "intermediary": f"{party}, an intermediary, is a restricted party{owners}",
        "incorporated": f"{party} builds it into something a restricted party buys (FDPR)",
    }[chain.role]
    return [
        f"{c.restriction}: {who}",
        f"blocked {c.kind}: {c.supplier} -> {c.item} -> {c.buyer}: {chain.subject}{cause_note(c)}",
        "path: " + " -> ".join(chain.path),
        licence_note(chain),
    ]


def reason_title(reason: Reason) -> str:
    label = {
        "required": "lost required part",
        "optional": "lost optional part",
        "service": "blocked service",
        "delivery": "blocked delivery of",
    }
    n = len(reason.chains)
    return f"{label[reason.kind]} {reason.what} ({n} cause{'s' if n != 1 else ''})"


def roll_up_lines(u: UsContent) -> list[str]:
    terms = " + ".join(f"{t.value:g} x {t.fraction:.0%} ({t.component}: {t.why})" for t in u.terms)
    return [
        f"{u.component}: controlled US content = ({terms}) / {u.denominator:g} "
        f"= {u.counted:g} / {u.denominator:g} = {pct(u.fraction)}"
    ]


def loss_text(loss: Loss | None, weight: str) -> str:
    if loss is None:
        return ""
    parts = []
    if loss.products_blocked:
        parts.append(f"blocks {join(loss.products_blocked, 3)}")
    other = [p for p in loss.products_worse if p not in loss.products_blocked]
    if other:
        parts.append(f"worsens {join(other, 2)}")
    if loss.end_users_worse:
        parts.append(f"{len(loss.end_users_worse)} end users worse")
    if weight in ("value", "units") and getattr(loss, weight):
        parts.append(f"{weight} {getattr(loss, weight):,.0f}")
    return "; ".join(parts) or "-"


def changes_text(changes: Iterable[Change]) -> str:
    return ", ".join(f"{c.id} {c.before.value}->{c.after.value}" for c in changes)


def expiry_lines(tl: Timeline) -> list[str]:
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
