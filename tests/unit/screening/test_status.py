"""A screening unit's status: the rule behind every queue, count and page.

Each case is one of the situations the Cochrane Handbook (v6.4, section 4.6.4) and the
seed review (Lyons et al. 2021) describe: single screening, independent dual screening
with agreement, disagreement resolved by a third person or by discussion.
"""

from __future__ import annotations

import pytest

from sysreview.screening.status import ScreeningEvent, State, unit_status, unit_statuses

E = ScreeningEvent
DUAL = ("R1", "R2")


def test_single_screening_follows_its_one_reviewer() -> None:
    status = unit_status([E(1, "R1", "exclude", "no RCT", order=1)], ["R1"])
    assert (status.state, status.decision, status.reason) == (State.FINAL, "exclude", "no RCT")
    assert status.settled


def test_one_decision_is_not_final_under_dual_screening() -> None:
    status = unit_status([E(1, "R1", "include", order=1)], DUAL)
    assert status.state is State.AWAITING_SECOND and status.decision is None
    assert not status.settled
    assert unit_status([], DUAL).state is State.AWAITING_FIRST


def test_independent_agreement_is_final_and_disagreement_a_conflict() -> None:
    agree = unit_status([E(1, "R1", "include", order=1), E(1, "R2", "include", order=2)], DUAL)
    assert (agree.state, agree.decision) == (State.FINAL, "include")
    differ = unit_status([E(1, "R1", "include", order=1), E(1, "R2", "maybe", order=2)], DUAL)
    assert differ.state is State.CONFLICT and differ.decision is None


def test_an_arbiter_resolves_and_an_undone_resolution_reopens_the_conflict() -> None:
    events = [
        E(1, "R1", "include", order=1),
        E(1, "R2", "exclude", order=2),
        E(1, "R3", "exclude", "wrong population", resolution=True, order=3),
    ]
    resolved = unit_status(events, DUAL)
    assert (resolved.state, resolved.decision, resolved.reason) == (
        State.RESOLVED, "exclude", "wrong population",
    )  # fmt: skip
    undone = [*events, E(1, "R3", "exclude", resolution=True, retraction=True, order=4)]
    assert unit_status(undone, DUAL).state is State.CONFLICT


def test_a_change_after_the_reveal_is_not_independent_agreement() -> None:
    events = [
        E(1, "R1", "include", order=1),
        E(1, "R2", "exclude", order=2),
        E(1, "R2", "include", order=3, revealed=True),  # R2 looked, then aligned
    ]
    status = unit_status(events, DUAL)
    assert status.state is State.CONFLICT  # the arbiter decides, and sees who changed
    assert status.revealed == ("R2",)
    assert status.votes == (("R1", "include"), ("R2", "include"))
    assert status.independent == (("R1", "include"), ("R2", "exclude"))
    by_discussion = unit_status(events, DUAL, discussion=True)
    assert (by_discussion.state, by_discussion.decision) == (State.RESOLVED, "include")


def test_undo_then_decide_again_after_the_reveal_cannot_launder_a_decision() -> None:
    events = [
        E(1, "R2", "exclude", order=1),
        E(1, "R1", "include", order=2),
        E(1, "R2", "exclude", order=3, retraction=True, revealed=True),
        E(1, "R2", "include", order=4, revealed=True),
    ]
    status = unit_status(events, DUAL)
    assert status.state is State.CONFLICT
    assert status.independent == (("R2", "exclude"), ("R1", "include"))


def test_own_corrections_before_any_reveal_stay_independent() -> None:
    events = [
        E(1, "R1", "include", order=1),
        E(1, "R1", "exclude", order=2),  # R1 changed their mind before R2 decided
        E(1, "R2", "exclude", order=3),
    ]
    assert unit_status(events, DUAL).state is State.FINAL


def test_undo_makes_the_unit_wait_again() -> None:
    events = [E(1, "R1", "include", order=1), E(1, "R1", "include", retraction=True, order=2)]
    assert unit_status(events, ["R1"]).state is State.AWAITING_FIRST


def test_a_vote_of_someone_no_longer_assigned_must_agree_too() -> None:
    # R2 decided before the record was reassigned to R4
    events = [E(1, "R2", "exclude", order=1), E(1, "R1", "exclude", order=2)]
    assert unit_status(events, ("R1", "R4")).state is State.AWAITING_SECOND
    more = [*events, E(1, "R4", "include", order=3)]
    assert unit_status(more, ("R1", "R4")).state is State.CONFLICT


def test_without_an_assignment_everyone_who_decided_counts() -> None:
    assert unit_status([E(1, 7, "include", order=1)]).state is State.FINAL
    two = [E(1, 7, "include", order=1), E(1, 8, "exclude", order=2)]
    assert unit_status(two).state is State.CONFLICT


def test_duplicates_pool_their_events_and_assigned_units_without_events_wait() -> None:
    statuses = unit_statuses(
        [E(5, "R1", "include", order=1), E(9, "R2", "include", order=2)],
        groups={9: 5},
        required={5: DUAL, 6: ("R1",)},
    )
    assert statuses[5].state is State.FINAL
    assert statuses[6].state is State.AWAITING_FIRST


def test_input_order_does_not_matter() -> None:
    events = [
        E(1, "R1", "include", order=1),
        E(1, "R2", "exclude", order=2),
        E(1, "R2", "include", order=3, revealed=True),
    ]
    assert unit_status(events[::-1], DUAL) == unit_status(events, DUAL)


@pytest.mark.parametrize("state", list(State))
def test_every_state_has_words(state: State) -> None:
    assert state.label and state.label[0].islower()


def test_units_share_a_status_only_when_alike_in_what_the_rule_reads() -> None:
    """StatusCache: one status per pattern; ties, reveals and reasons tell patterns apart."""
    from sysreview.screening.status import StatusCache

    tied = [E(1, "R1", "exclude", "no RCT", order=5), E(1, "R2", "exclude", "adults", order=5)]
    apart = [E(2, "R1", "exclude", "no RCT", order=5), E(2, "R2", "exclude", "adults", order=6)]
    honest = [E(3, "R1", "include", order=1), E(3, "R2", "exclude", order=2),
              E(3, "R2", "include", order=3)]  # fmt: skip
    probed = [E(4, "R1", "include", order=1), E(4, "R2", "exclude", order=2),
              E(4, "R2", "include", order=3, revealed=True)]  # fmt: skip
    other_reason = [E(5, "R1", "exclude", "adults", order=1)]
    one_reason = [E(6, "R1", "exclude", "no RCT", order=1)]
    shared = StatusCache()
    for events, needed in [(tied, DUAL), (apart, DUAL), (honest, DUAL), (probed, DUAL),
                           (other_reason, ("R1",)), (one_reason, ("R1",))]:  # fmt: skip
        assert shared.of(events, needed) == unit_status(events, needed)
    assert shared.of(tied, DUAL).reason == "no RCT" and shared.of(apart, DUAL).reason == "adults"
    assert shared.of(probed, DUAL).state is State.CONFLICT
    renamed = [E(9, e.reviewer, e.decision, e.reason, order=e.order + 10) for e in apart]
    assert shared.of(renamed, DUAL) is shared.of(apart, DUAL)  # alike: computed once
