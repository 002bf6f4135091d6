"""PRISMA's "reports not retrieved" from recorded retrieval statuses (the latest wins),
with the reason-text rule kept for units that have no recorded status."""

from __future__ import annotations

import dataclasses

from sysreview.prisma import RetrievalStatus as R
from sysreview.prisma import derive_counts
from tests.unit.prisma.test_counts import scenario


def _with(*statuses: R) -> dict[str, object]:
    inputs = dataclasses.replace(scenario()[0], retrieval=statuses)
    return derive_counts(inputs).to_dict()


def test_no_statuses_keep_the_reason_text_rule() -> None:
    assert _with()["reports_not_retrieved"] == 1  # unit 3, "Full text not available"


def test_recorded_status_wins_over_the_reason_text_and_over_decisions() -> None:
    c = _with(
        R(3, "retrieved", 1),  # FT exclusion "Full text not available", but it was retrieved
        R(5, "not_retrieved", 2),  # FT excluded "wrong population": the status wins
        R(8, "not_retrieved", 3),  # a copy of unit 2 ...
        R(2, "retrieved", 4),  # ... then retrieved: the latest of the group wins
        R(9, "not_retrieved", 5),  # excluded at title/abstract: not sought, ignored
        R(14, "not_retrieved", 6),  # not screened yet: ignored
    )
    assert (c["reports_sought"], c["reports_not_retrieved"], c["reports_assessed"]) == (7, 1, 6)
    assert c["reports_excluded"] == 3
    assert c["reports_excluded_by_reason"] == {"Not an RCT": 2, "Full text not available": 1}
    assert (c["reports_included"], c["conflicts_full_text"], c["awaiting_full_text"]) == (2, 1, 0)


def test_a_report_not_retrieved_leaves_the_included_and_the_waiting() -> None:
    c = _with(R(2, "retrieved", 1), R(8, "not_retrieved", 2), R(12, "not_retrieved", 3))
    # unit 2 (included) and unit 12 (in conflict) were not retrieved after all; unit 3
    # has no status, so its "Full text not available" exclusion still counts
    assert (c["reports_not_retrieved"], c["reports_assessed"]) == (3, 4)
    assert (c["reports_included"], c["conflicts_full_text"], c["reports_excluded"]) == (1, 0, 3)
    assert c["studies_included"] == 1  # study 500 still has report 1


def test_sought_and_retrieved_statuses_change_no_box() -> None:
    plain = _with()
    c = _with(R(1, "sought", 1), R(11, "retrieved", 2), R(6, "sought", 3))
    assert c == plain


def test_a_unit_not_retrieved_without_a_decision_no_longer_waits() -> None:
    inputs, _, ft = scenario()
    events = tuple(e for e in ft.events if e.record != 12)  # unit 12 undecided at FT
    base = derive_counts(dataclasses.replace(inputs, ft_events=events))
    assert (base.awaiting_full_text, base.reports_not_retrieved) == (1, 1)
    c = derive_counts(
        dataclasses.replace(inputs, ft_events=events, retrieval=(R(12, "not_retrieved"),))
    )
    assert (c.awaiting_full_text, c.reports_not_retrieved, c.reports_assessed) == (0, 2, 5)
