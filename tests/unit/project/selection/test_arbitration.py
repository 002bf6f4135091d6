"""The arbiter's and administrator's views on SQLite and PostgreSQL: conflicts in full,
a reassignment planned (nothing stored) and made by the same checks, and the duplicate
review's counts."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import func, select

from sysreview.errors import NotPermittedError
from sysreview.project.deduplicating.service import decide_duplicate, deduplicate_project
from sysreview.project.opening import load_project, open_project
from sysreview.project.selection.arbitration import (
    assigned_overview,
    conflict_views,
    plan_reassign,
)
from sysreview.project.selection.corrections import reassign
from sysreview.project.selection.decisions import record_decision
from sysreview.project.storage import ScreeningAssignment, Store, open_store
from sysreview.protocol import Protocol
from tests.unit.project.deduplicating.test_pairs import make_project as make_dedup_project
from tests.unit.project.selection.test_decisions import make_project

R4 = '\n[[review.reviewers]]\nid = "R4"\nname = "Reviewer 4"\nroles = ["screener"]\n'
REASON = "Participants not eligible"


@pytest.fixture
def dual(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol]]:
    """Three records screened by R1 and R2; R4 is a third screener."""
    project, _ = make_project(tmp_path, store_url, dual_fraction="1.0")
    path = project / "review.toml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("[eligibility.design]", R4 + "\n[eligibility.design]"), "utf-8")
    protocol = load_project(project, store_url).protocol
    store = open_store(store_url)
    yield store, protocol
    store.close()


def _moves(store: Store) -> int:
    with store.session(readonly=True) as s:
        query = select(func.count()).where(ScreeningAssignment.origin == "reassignment")
        return int(s.scalar(query) or 0)


def test_a_conflict_in_full(dual: tuple[Store, Protocol]) -> None:
    store, protocol = dual
    decide = record_decision
    decide(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="maybe", note="?")
    decide(store, protocol, stage="ta", record_id=1, reviewer="R2", decision="exclude",
           reason=REASON, note="adolescents")  # fmt: skip
    (view,) = conflict_views(store, protocol, "ta")
    assert view.record_id == 1 and view.card.title == "Trial number 1 of group peer support"
    assert [(d.reviewer, d.decision, d.reason, d.note, d.revealed) for d in view.decisions] == [
        ("R1", "maybe", None, "?", False),
        ("R2", "exclude", REASON, "adolescents", False),
    ]
    assert view.before_reveal("R1") is None
    decide(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="exclude",
           reason=REASON)  # fmt: skip
    (view,) = conflict_views(store, protocol, "ta")  # agreement after the reveal only
    assert view.decisions[0].revealed and view.decisions[0].note is None
    assert view.before_reveal("R1") == "maybe" and view.before_reveal("R2") is None


def test_a_reassignment_is_planned_by_the_checks_that_make_it(
    dual: tuple[Store, Protocol],
) -> None:
    store, protocol = dual
    record_decision(store, protocol, stage="ta", record_id=1, reviewer="R1", decision="include")
    overview = assigned_overview(store, protocol, stage="ta", reviewer="R1")
    assert [(r.record_id, r.decided) for r in overview] == [(1, True), (2, False), (3, False)]
    moves = {"stage": "ta", "from_reviewer": "R1", "to_reviewer": "R4"}
    everything = plan_reassign(store, protocol, **moves)
    assert (everything.records, everything.problems) == ((2, 3), ())
    assert everything.summary() == "2 records at ta move from R1 to R4"
    refused = plan_reassign(store, protocol, **moves, records=[1, 2, 2])
    assert refused.records == () and refused.problems == (
        "record 1: R1 has decided it; it cannot move",
    )
    assert _moves(store) == 0  # planning stores nothing
    with pytest.raises(NotPermittedError, match="record 1: R1 has decided it"):
        reassign(store, protocol, **moves, by="boss", records=[1, 2])
    assert _moves(store) == 0
    assert reassign(store, protocol, **moves, by="boss", records=[2, 2]) == 1
    assert _moves(store) == 1
    assert [r.record_id for r in assigned_overview(store, protocol, stage="ta", reviewer="R4")] == [
        2
    ]


def test_the_duplicate_review_counts_decided_pairs(tmp_path: Path, store_url: str) -> None:
    project = make_dedup_project(tmp_path, store_url)
    deduplicate_project(project, store_url)
    with open_project(project, store_url) as opened:
        review = opened.duplicates.review()
    assert (review.decided, review.waiting, review.total) == (0, 1, 1)
    (pair,) = review.pairs
    assert pair.a["volume"] == "70" and pair.a["pages"] == "100-110"
    assert pair.b["all_authors"] == ["Smith, Jane", "Doe, John"]
    decide_duplicate(project, pair.key, accept=False, reviewer="Ana", db_url=store_url)
    with open_project(project, store_url) as opened:
        review = opened.duplicates.review()
    assert (review.decided, review.waiting, review.total) == (1, 0, 1)
