from __future__ import annotations

import pytest

from graphlib_trade.analysis import restricted_parties

Owns = dict[str, dict[str, float]]


def owns(*edges: tuple[str, str, float]) -> Owns:
    held: Owns = {}
    for owner, owned, share in edges:
        held.setdefault(owner, {})[owned] = share
    return held


def parties(held: Owns, targets: list[str], threshold: float = 0.5) -> dict[str, tuple[str, ...]]:
    """At the Entity List's (and the models' default) threshold of 50% unless given."""
    return restricted_parties(held, targets, threshold)


class TestRestrictedParties:
    def test_empty_graph_keeps_targets(self) -> None:
        assert parties({}, ["a"]) == {"a": ()}

    def test_no_targets(self) -> None:
        assert parties(owns(("a", "b", 1.0)), []) == {}

    def test_exactly_half_is_restricted(self) -> None:
        assert "b" in parties(owns(("a", "b", 0.5)), ["a"])

    def test_just_under_half_is_not(self) -> None:
        assert "b" not in parties(owns(("a", "b", 0.4999)), ["a"])

    def test_ownership_of_the_target_does_not_restrict_the_owner(self) -> None:
        assert parties(owns(("parent", "a", 1.0)), ["a"]) == {"a": ()}

    def test_aggregate_holdings_of_two_restricted_owners(self) -> None:
        G = owns(("a", "c", 0.25), ("b", "c", 0.25))
        assert parties(G, ["a", "b"])["c"] == ("a", "b")

    def test_float_sum_at_threshold_counts(self) -> None:
        # 0.1 + 0.2 + 0.2 is 0.5000000000000001 or 0.49999999999999994 depending on order
        G = owns(("a", "d", 0.1), ("b", "d", 0.2), ("c", "d", 0.2))
        assert "d" in parties(G, ["a", "b", "c"])

    def test_unrestricted_co_owner_does_not_count(self) -> None:
        G = owns(("a", "c", 0.3), ("free", "c", 0.7))
        assert "c" not in parties(G, ["a"])

    def test_indirect_chain(self) -> None:
        G = owns(("a", "b", 0.6), ("b", "c", 0.5), ("c", "d", 0.51))
        assert set(parties(G, ["a"])) == {"a", "b", "c", "d"}

    def test_indirect_aggregate_needs_the_intermediate_restricted(self) -> None:
        # b is only 40% a's, so b's 30% in c does not count: c holds 0.3 from a only.
        G = owns(("a", "b", 0.4), ("a", "c", 0.3), ("b", "c", 0.3))
        assert set(parties(G, ["a"])) == {"a"}

    def test_cross_holdings_terminate(self) -> None:
        G = owns(("a", "b", 0.6), ("b", "c", 0.6), ("c", "b", 0.4), ("c", "a", 0.1))
        assert set(parties(G, ["a"])) == {"a", "b", "c"}

    def test_custom_threshold(self) -> None:
        G = owns(("a", "b", 0.25))
        assert "b" in restricted_parties(G, ["a"], 0.25)
        assert "b" not in restricted_parties(G, ["a"], 0.26)

    def test_a_target_that_owns_nothing(self) -> None:
        assert parties(owns(("b", "c", 1.0)), ["a"]) == {"a": ()}

    @pytest.mark.parametrize("threshold", [0.0, -0.1, 1.5])
    def test_bad_threshold(self, threshold: float) -> None:
        with pytest.raises(ValueError, match="threshold"):
            restricted_parties({}, ["a"], threshold=threshold)
