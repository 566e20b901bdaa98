"""Answers unchanged: the JSON of impact, whatif, explain, rank, timeline, diff and reach on every
fixture, at every date the tests use and every window date, byte for byte as recorded before the
engine became one typed core (issue "The engine as one typed core").

The recording (``tests/golden/*.json.gz``) was made with the engine as it was before that change;
this test holds any later engine to it.  Re-record only for a deliberate change of answers:
``GOLDEN_RECORD=1 pytest tests/test_golden.py``, and say why in the commit.
"""

from __future__ import annotations

import datetime as dt
import gzip
import itertools
import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from graphlib_trade.analysis import diff_scenarios, explain, impact, rank, reach, timeline, whatif
from graphlib_trade.analysis.timeline import window_dates
from graphlib_trade.models import Dataset, Grant, Scenario
from graphlib_trade.report.json import as_json
from graphlib_trade.sources import load_dataset, load_scenario
from tests.golden_api import chain_of, timeline_under

ROOT = Path(__file__).resolve().parent.parent
GOLDEN = Path(__file__).resolve().parent / "golden"
#: The fixtures recorded before the change (the cases of real controls came after; tests/test_cases.py).
DATA = sorted(
    p for p in (ROOT / "fixtures").rglob("*.yaml") if not {"scenarios", "cases", "imports"} & set(p.parts)
)
SCENARIOS = sorted((ROOT / "fixtures" / "scenarios").glob("*.yaml"))
#: The dates the analysis tests use, whatever the fixture.
TEST_DATES = (
    *("2018-12-31", "2019-03-01", "2019-05-15", "2019-05-16", "2019-05-20", "2019-05-21", "2019-05-31"),
    *("2019-06-01", "2019-06-30", "2019-07-01", "2019-09-01", "2019-11-20", "2020-01-01", "2020-06-01"),
    "2020-09-15",
)
_DAY = dt.timedelta(days=1)
#: The day the golden answers were last recorded (see outputs).
RECORDED = dt.date(2026, 12, 1)


def _dates(ds: Dataset) -> list[dt.date]:
    """The test dates, each window's first day, the day after each last day, and the day before all."""
    found = {dt.date.fromisoformat(d) for d in TEST_DATES}
    windows = [(r.effective_from, r.effective_until) for r in ds.restrictions]
    windows += [(lic.valid_from, lic.valid_until) for lic in ds.licences]
    for start, end in windows:
        found.add(start)
        found.add(start - _DAY)
        if end is not None:
            found.add(end + _DAY)
    return sorted(found)


def _scenarios(ds: Dataset) -> Iterator[tuple[str, Scenario]]:
    suppliers = sorted({s.supplier for s in ds.supplies} | {s.provider for s in ds.services})
    for company in ds.companies:
        yield f"restrict {company.id}", Scenario(restrict=(company.id,))
    for supplier in suppliers:
        yield f"drop {supplier}", Scenario(drop_suppliers=(supplier,))
    yield "grant all", Scenario(grant=(Grant.parse("*:*:*"),))
    for r in ds.restrictions:
        yield f"remove {r.id}", Scenario.model_validate({"remove": {"restrictions": [r.id]}})
    for lic in ds.licences:
        yield f"revoke {lic.id}", Scenario.model_validate({"remove": {"licences": [lic.id]}})


def outputs(path: Path) -> dict[str, str]:
    """Every answer on the fixture at ``path``, keyed by what was asked."""
    ds = load_dataset(path)
    G = chain_of(ds)
    dates = _dates(ds)
    # A chain with no window dates has a timeline of one day, today: the day the answers were
    # recorded stands for it, so that they hold on any day.
    undated = RECORDED if not window_dates(G) else None
    out: dict[str, str] = {"timeline": as_json(timeline(G, undated, undated))}
    items = sorted([p.id for p in ds.products] + [u.id for u in ds.end_users])
    for day in dates:
        d = day.isoformat()
        out[f"impact {d}"] = as_json(impact(G, day))
        out[f"impact {d} bare"] = as_json(impact(G, day, ignore_licences=True))
        out[f"reach {d}"] = json.dumps(reach(G, day))
        for kind in ("suppliers", "components", "countries"):
            out[f"rank {kind} {d}"] = as_json(rank(G, kind, day))  # type: ignore[arg-type]
        for item in items:
            out[f"explain {item} {d}"] = as_json(explain(G, item, day))
    last = dates[-1]
    for name, scenario in _scenarios(ds):
        for day in (dates[len(dates) // 2], last):
            changes, _, after = whatif(G, scenario, day)
            out[f"whatif {name} {day}"] = as_json(changes) + as_json(after)
    if path.name == "huawei_2019.yaml":
        loaded = [load_scenario(p) for p in SCENARIOS]
        for p, scenario in zip(SCENARIOS, loaded, strict=True):
            for day in (scenario.as_of or last, dt.date(2019, 6, 1)):
                changes, _, after = whatif(G, scenario, day)
                out[f"whatif {p.name} {day}"] = as_json(changes) + as_json(after)
                out[f"timeline {p.name} {day}"] = as_json(timeline_under(G, scenario, day))
        for a, b in itertools.pairwise(loaded):
            day = a.as_of or last
            out[f"diff {a.label} {b.label}"] = as_json(diff_scenarios(G, a, b, day))
    return out


def _golden_path(path: Path) -> Path:
    return GOLDEN / (path.stem + ".json.gz")


def _read(path: Path) -> dict[str, Any]:
    with gzip.open(path, "rt", encoding="utf-8") as fh:
        return json.load(fh)  # type: ignore[no-any-return]


@pytest.mark.parametrize("path", DATA, ids=[p.stem for p in DATA])
def test_answers_are_the_recorded_ones(path: Path) -> None:
    got = outputs(path)
    golden = _golden_path(path)
    if os.environ.get("GOLDEN_RECORD") == "1":
        GOLDEN.mkdir(exist_ok=True)
        with gzip.GzipFile(golden, "wb", mtime=0) as fh:
            fh.write(json.dumps(got, indent=0, sort_keys=True).encode())
        pytest.skip(f"recorded {len(got)} answers in {golden.name}")
    expected = _read(golden)
    assert sorted(got) == sorted(expected), "the set of questions changed"
    differing = [key for key in sorted(expected) if got[key] != expected[key]]
    assert not differing, f"{len(differing)} of {len(expected)} answers differ, first: {differing[:5]}"
