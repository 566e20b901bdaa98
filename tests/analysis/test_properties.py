"""Invariants of the engine on hypothesis-generated supply chains (see ``tests/strategies.py``).

Statuses are ordered ok < at_risk < degraded < exposed < blocked; "worse" is higher.
"""

from __future__ import annotations

import datetime as dt

from hypothesis import given, settings
from hypothesis import strategies as st

from graphlib_trade.analysis import SupplyChain, impact, timeline, whatif
from graphlib_trade.analysis.timeline import expiries
from graphlib_trade.models import (
    Additions,
    Dataset,
    ImpactResult,
    Removals,
    Scenario,
    ScenarioLicence,
    ScenarioRestriction,
    Status,
)
from tests.strategies import CLEAN_ORIGINS, datasets, days, grants

EXAMPLES = settings(max_examples=150, deadline=None)


def ranks(result: ImpactResult) -> dict[str, int]:
    out = {f"product {p.id}": p.status.rank for p in result.products}
    out.update({f"end user {u.id}": u.status.rank for u in result.end_users})
    return out


def worsened(before: ImpactResult, after: ImpactResult) -> list[str]:
    b, a = ranks(before), ranks(after)
    assert b.keys() == a.keys()
    return [key for key in b if a[key] > b[key]]


def improved(before: ImpactResult, after: ImpactResult) -> list[str]:
    b, a = ranks(before), ranks(after)
    return [key for key in b if a[key] < b[key]]


class TestGrantingNeverWorsens:
    @EXAMPLES
    @given(st.data(), datasets, days)
    def test_a_grant(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        grant = data.draw(grants(ds))
        _, before, after = whatif(SupplyChain.from_dataset(ds), Scenario(grant=(grant,)), day)
        assert worsened(before, after) == []

    @EXAMPLES
    @given(st.data(), datasets, days)
    def test_a_full_licence(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        if not ds.restrictions:
            return
        co = [c.id for c in ds.companies]
        licence = ScenarioLicence(
            restriction=data.draw(st.sampled_from([r.id for r in ds.restrictions])),
            recipients=tuple(data.draw(st.lists(st.sampled_from(co), max_size=2, unique=True))),
            suppliers=tuple(data.draw(st.lists(st.sampled_from(co), max_size=2, unique=True))),
            covers=data.draw(st.sampled_from(["supplies", "services", "both"])),
        )
        scenario = Scenario(add=Additions(licences=(licence,)))
        _, before, after = whatif(SupplyChain.from_dataset(ds), scenario, day)
        assert worsened(before, after) == []


class TestLiftingNeverWorsens:
    @EXAMPLES
    @given(st.data(), datasets, days)
    def test_removing_a_restriction(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        if not ds.restrictions:
            return
        lifted = data.draw(st.sampled_from([r.id for r in ds.restrictions]))
        _, before, after = whatif(
            SupplyChain.from_dataset(ds), Scenario(remove=Removals(restrictions=(lifted,))), day
        )
        assert worsened(before, after) == []

    @EXAMPLES
    @given(st.data(), datasets, days)
    def test_and_restricting_never_improves(self, data: st.DataObject, ds: Dataset, day: dt.date) -> None:
        targets = data.draw(st.lists(st.sampled_from([c.id for c in ds.companies]), min_size=1, unique=True))
        scenario = Scenario(add=Additions(restrictions=(ScenarioRestriction(targets=tuple(targets)),)))
        _, before, after = whatif(SupplyChain.from_dataset(ds), scenario, day)
        assert improved(before, after) == []


def _clean_products(ds: Dataset) -> set[str]:
    """Products whose every input, down the BOM and across alternatives, is not subject, and
    whose every service comes from a provider outside the drawn origins (by hand)."""
    clean = {
        c.id
        for c in ds.components
        if c.origin in CLEAN_ORIGINS and not c.us_content and not c.us_direct_product
    }
    children: dict[str, set[str]] = {}
    for entry in ds.bom:
        children.setdefault(entry.parent, set()).update((entry.component, *entry.alternatives))

    def inputs(item: str) -> set[str]:
        out: set[str] = set()
        for child in children.get(item, ()):
            out |= {child} | inputs(child)
        return out

    country = {c.id: c.country for c in ds.companies}
    served_from_subject = {s.product for s in ds.services if country[s.provider] not in CLEAN_ORIGINS}
    return {p.id for p in ds.products if inputs(p.id) <= clean and p.id not in served_from_subject}


class TestNonSubjectInputs:
    @EXAMPLES
    @given(datasets, days)
    def test_a_product_with_only_non_subject_inputs_is_ok(self, ds: Dataset, day: dt.date) -> None:
        result = impact(SupplyChain.from_dataset(ds), day)
        status = {p.id: p.status for p in result.products}
        for pid in _clean_products(ds):
            assert status[pid] is Status.OK, pid


class TestNoChange:
    @EXAMPLES
    @given(datasets, days)
    def test_an_empty_scenario_reports_no_change(self, ds: Dataset, day: dt.date) -> None:
        changes, before, after = whatif(SupplyChain.from_dataset(ds), Scenario(), day)
        assert (changes.products, changes.end_users) == ((), ())
        assert before == after

    @EXAMPLES
    @given(datasets, days)
    def test_granting_what_is_already_granted_changes_nothing(self, ds: Dataset, day: dt.date) -> None:
        """Re-adding every licence the data holds is no change."""
        again = tuple(
            ScenarioLicence(**{k: v for k, v in lic.model_dump().items() if k != "id"}) for lic in ds.licences
        )
        changes, _, _ = whatif(SupplyChain.from_dataset(ds), Scenario(add=Additions(licences=again)), day)
        assert (changes.products, changes.end_users) == ((), ())


class TestTimelineAgreesWithImpact:
    """Every status the timeline reports, replayed event by event, is what ``impact`` computes
    afresh on that date: no window date (a holding, a list's rule window) is missed and no
    reused licence-free run is stale."""

    #: Every date on which a drawn window starts or has just ended (tests/strategies.py: windows
    #: start 2019-01-01 or 2019-06-01 and end 2019-05-31, 2019-06-30 or 2019-12-31), and the
    #: days around them.
    PROBES = tuple(
        dt.date.fromisoformat(d)
        for d in (
            "2019-01-01",
            "2019-05-31",
            "2019-06-01",
            "2019-06-30",
            "2019-07-01",
            "2019-12-31",
            "2020-01-01",
        )
    )

    @settings(max_examples=400, deadline=None)
    @given(datasets)
    def test_on_every_probe_date(self, ds: Dataset) -> None:
        tl = timeline(SupplyChain.from_dataset(ds), dt.date(2018, 12, 1), dt.date(2020, 6, 1))
        state = ranks(tl.initial)
        for day in self.PROBES:
            for event in (e for e in tl.events if e.date == day):
                state.update({f"product {c.id}": c.after.rank for c in event.products})
                state.update({f"end user {c.id}": c.after.rank for c in event.end_users})
            assert state == ranks(impact(SupplyChain.from_dataset(ds), day)), day

    @settings(max_examples=200, deadline=None)
    @given(datasets)
    def test_expiry_warnings_are_those_of_impact_on_the_day(self, ds: Dataset) -> None:
        """Each event's licence warnings are those ``impact`` gives on its date (the timeline
        carries its evaluations from date to date; the licences relied on must not)."""
        chain = SupplyChain.from_dataset(ds)
        tl = timeline(chain, dt.date(2018, 12, 1), dt.date(2020, 6, 1))
        for event in tl.events:
            fresh = SupplyChain.from_dataset(ds)
            assert event.expiries == expiries(impact(fresh, event.date), fresh), event.date
