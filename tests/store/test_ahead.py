"""fetched_ahead: the pull's next section under way while this one is converted (no server)."""

from __future__ import annotations

import threading

import pytest

from graphlib_trade.store.store import fetched_ahead


class TestFetchedAhead:
    def test_answers_in_order(self) -> None:
        asked: list[str] = []

        def fetch(name: str) -> str:
            asked.append(name)
            return name * 2

        assert list(fetched_ahead(fetch, ["a", "b", "c"])) == ["aa", "bb", "cc"]
        assert asked == ["a", "b", "c"]

    def test_the_next_is_under_way_while_the_caller_holds_this_one(self) -> None:
        # The caller, holding "a", waits for "b"'s fetch to have started without asking for it.
        started = {name: threading.Event() for name in "ab"}

        def fetch(name: str) -> str:
            started[name].set()
            return name

        answers = fetched_ahead(fetch, ["a", "b"])
        assert next(answers) == "a"
        assert started["b"].wait(timeout=30)
        assert list(answers) == ["b"]

    def test_a_failed_fetch_raises_at_its_turn(self) -> None:
        def fetch(name: str) -> str:
            if name == "b":
                raise ValueError("no b")
            return name

        answers = fetched_ahead(fetch, ["a", "b", "c"])
        assert next(answers) == "a"
        with pytest.raises(ValueError, match="no b"):
            next(answers)

    def test_nothing_to_fetch(self) -> None:
        assert list(fetched_ahead(str.upper, [])) == []
