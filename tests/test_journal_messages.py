"""The load journal's pure helpers: what an interrupted load says, and when a load counts as gone."""

from __future__ import annotations

import pytest

from graphlib_trade.errors import StoreError
from graphlib_trade.models import parse_dataset
from graphlib_trade.store import (
    LOAD_ORDER,
    connection_from_env,
    describe_load,
    interrupted_summary,
    is_live,
    load_rows,
    rows_digest,
)
from tests.helpers import basic, company


def entry(**kw: object) -> dict[str, object]:
    base = {
        "state": "running",
        "idle": 5,
        "stale_after": 60,
        "source": "f.yaml",
        "started": "T",
        "committed": 3,
        "rows": 10,
    }
    return {**base, **kw}


class TestInterruptedSummary:
    def test_mid_section(self) -> None:
        rows = {name: [{}] * 4 for name in LOAD_ORDER}
        text = interrupted_summary(rows, {"companies": 4, "components": 2}, "components", 2)
        lines = text.splitlines()
        assert (
            lines[0]
            == "the load was interrupted; committed before the failure: companies 4/4, components 2/4"
        )
        assert lines[1].startswith("the batch in flight (2 rows of components) was not confirmed")
        untouched = [n for n in LOAD_ORDER if n not in ("companies", "components")]
        assert lines[2] == "not started: " + ", ".join(untouched)
        assert lines[-1] == "loads are idempotent: run the same load again to complete it"

    def test_nothing_committed(self) -> None:
        rows = {name: [] for name in LOAD_ORDER}
        assert "committed before the failure: nothing" in interrupted_summary(rows, {}, "", 0)


class TestLiveness:
    def test_running_and_recent_is_live(self) -> None:
        assert is_live(entry())

    def test_quiet_past_its_retry_time_is_gone(self) -> None:
        assert not is_live(entry(idle=60))
        assert "is interrupted with 3 of 10 rows committed" in describe_load(entry(idle=61))

    def test_marked_interrupted_is_gone(self) -> None:
        assert not is_live(entry(state="interrupted"))
        assert describe_load(entry()) == "the load of f.yaml started T is running with 3 of 10 rows committed"


class TestDigest:
    def test_same_data_same_digest_other_data_other_digest(self) -> None:
        a = load_rows(parse_dataset(basic(), "a"))
        again = load_rows(parse_dataset(basic(), "b"))
        other = load_rows(parse_dataset(basic(companies=[company("x")]), "c"))
        assert rows_digest(a) == rows_digest(again) != rows_digest(other)


class TestRetrySeconds:
    def test_default_and_set(self) -> None:
        env = {"NEO4J_URI": "bolt://h:1"}
        assert connection_from_env(env).retry_seconds == 30.0
        assert connection_from_env({**env, "GRAPHLIB_TRADE_RETRY_SECONDS": "2.5"}).retry_seconds == 2.5

    @pytest.mark.parametrize("bad", ["soon", "-1", "1e9"])
    def test_bad_value_is_a_clear_error(self, bad: str) -> None:
        with pytest.raises(StoreError, match=f"GRAPHLIB_TRADE_RETRY_SECONDS must be .* got '{bad}'"):
            connection_from_env({"NEO4J_URI": "bolt://h:1", "GRAPHLIB_TRADE_RETRY_SECONDS": bad})
