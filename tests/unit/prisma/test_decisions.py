"""Final decisions of screening units and duplicate groups (rules behind PRISMA 2020 Fig. 1)."""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.prisma import (
    CONFLICT,
    UNDECIDED,
    FinalDecision,
    ScreeningEvent,
    duplicate_groups,
    final_decision,
    final_decisions,
)

E = ScreeningEvent


def test_three_way_group_and_separate_pairs_share_the_smallest_representative() -> None:
    groups = duplicate_groups([(5, 9), (2, 9), (7, 8)])
    assert groups == {5: 2, 9: 2, 2: 2, 7: 7, 8: 7}


def test_a_cycle_of_links_is_still_one_group() -> None:
    assert set(duplicate_groups([(1, 2), (2, 3), (1, 3)]).values()) == {1}


def test_latest_word_of_each_reviewer_counts() -> None:
    events = [E(1, 10, "exclude", "no RCT", order=1), E(1, 11, "include", order=2)]
    assert final_decision(events).decision == CONFLICT
    changed = [*events, E(1, 10, "include", order=3)]
    assert final_decision(changed) == FinalDecision("include")


def test_resolution_wins_over_reviewers_and_the_latest_resolution_wins() -> None:
    events = [
        E(1, 10, "include", order=1),
        E(1, 11, "include", order=2),
        E(1, 12, "exclude", "wrong population", resolution=True, order=3),
        E(1, 13, "include", resolution=True, order=4),
    ]
    assert final_decision(events) == FinalDecision("include", None)
    assert final_decision(events[:3]) == FinalDecision("exclude", "wrong population")


def test_order_not_position_in_the_sequence_decides_what_is_latest() -> None:
    events = [E(1, 10, "include", order=5), E(1, 10, "exclude", "no RCT", order=2)]
    assert final_decision(events) == FinalDecision("include")


def test_agreed_exclusion_takes_the_latest_given_reason() -> None:
    events = [
        E(1, 10, "exclude", "not an RCT", order=1),
        E(1, 11, "exclude", "wrong comparator", order=2),
        E(1, 12, "exclude", "  ", order=3),
    ]
    assert final_decision(events) == FinalDecision("exclude", "wrong comparator")


def test_unanimous_maybe_and_undecided() -> None:
    assert final_decision([E(1, 10, "maybe"), E(1, 11, "maybe")]).decision == "maybe"
    assert final_decision([]).decision == UNDECIDED


def test_events_on_copies_of_a_duplicate_group_are_pooled() -> None:
    groups = duplicate_groups([(1, 2)])
    events = [E(2, 10, "exclude", "no RCT", order=1), E(1, 10, "include", order=2)]
    # the same reviewer on two copies: the later word stands for the group
    assert final_decisions(events, groups) == {1: FinalDecision("include")}


def test_invalid_events_are_refused() -> None:
    with pytest.raises(InputError, match="Invalid decision 'yes'"):
        E(1, 10, "yes")
    with pytest.raises(InputError, match="resolution must include or exclude"):
        E(1, 10, "maybe", resolution=True)
