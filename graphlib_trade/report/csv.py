"""The ``csv`` format: one row per product, end user, change or ranked item, for a spreadsheet."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from graphlib_trade.models import (
    DataChanges,
    ImpactResult,
    Ranking,
    ScenarioDiff,
    ScreeningResult,
    Timeline,
    WhatIfReport,
    WhatIfResult,
)
from graphlib_trade.report.base import Format

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


def whatif_csv(result: WhatIfResult) -> str:
    rows = [
        {"type": kind, "id": c.id, "name": c.name, "before": c.before.value, "after": c.after.value}
        for kind, changes in (("product", result.products), ("end_user", result.end_users))
        for c in changes
    ]
    return _csv(rows, ("type", "id", "name", "before", "after"))


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


def timeline_csv(tl: Timeline) -> str:
    rows = [
        {"date": e.date.isoformat(), "what": "; ".join(e.what), "type": kind, "id": c.id, "name": c.name,
         "before": c.before.value, "after": c.after.value}
        for e in tl.events
        for kind, changes in (("product", e.products), ("end_user", e.end_users))
        for c in changes
    ]  # fmt: skip
    return _csv(rows, ("date", "what", "type", "id", "name", "before", "after"))


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


#: The columns of a screening CSV; the analyst marks ``confirmed`` (yes) for ``import csl --confirm``.
SCREENING_COLUMNS = (
    "id",
    "name",
    "kind",
    "entry",
    "listed_name",
    "source",
    "score",
    "exact",
    "country_match",
    "matched_on",
    "confirmed",
)


def screening_csv(result: ScreeningResult) -> str:
    """One row per match, best first, with an empty ``confirmed`` column to fill in."""
    rows = [
        {
            "id": m.id,
            "name": m.name,
            "kind": m.kind,
            "entry": m.entry,
            "listed_name": m.listed_name,
            "source": m.source,
            "score": f"{m.score:.4g}",
            "exact": "true" if m.exact else "false",
            "country_match": {True: "true", False: "false", None: ""}[m.country_match],
            "matched_on": m.matched_on,
            "confirmed": "",
        }
        for m in result.matches
    ]
    return _csv(rows, SCREENING_COLUMNS)


def changes_csv(found: DataChanges) -> str:
    """One row per change: a restriction or party added or removed, or a status that moved."""
    rows: list[dict[str, str]] = []
    rows += [{"change": "restriction added", "id": r} for r in found.restrictions_added]
    rows += [{"change": "restriction removed", "id": r} for r in found.restrictions_removed]
    rows += [
        {"change": "party added", "id": p.party, "restriction": p.restriction} for p in found.parties_added
    ]
    rows += [
        {"change": "party removed", "id": p.party, "restriction": p.restriction}
        for p in found.parties_removed
    ]
    for kind, changes in (("product", found.products), ("end user", found.end_users)):
        for c in changes:
            rows.append(
                {
                    "change": f"{kind} status",
                    "id": c.id,
                    "name": c.name,
                    "before": c.before.value if c.before else "",
                    "after": c.after.value if c.after else "",
                    "restriction": ";".join(dict.fromkeys(x.restriction for x in c.new_causes)),
                }
            )
    return _csv(rows, ("change", "id", "name", "restriction", "before", "after"))


class CsvFormat(Format):
    """Comma-separated rows; lists joined with ``;``."""

    def __init__(self) -> None:
        super().__init__(
            {
                ImpactResult: impact_csv,
                WhatIfReport: lambda view: whatif_csv(view.changes),
                Ranking: rank_csv,
                Timeline: timeline_csv,
                ScenarioDiff: diff_csv,
                ScreeningResult: screening_csv,
                DataChanges: changes_csv,
            }
        )
