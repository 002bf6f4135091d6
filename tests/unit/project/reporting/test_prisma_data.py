"""PRISMA 2020 counts read from a project store, on SQLite and PostgreSQL.

The store holds the awkward scenario of :mod:`tests.unit.prisma.test_counts` (a three-way
duplicate group, a conflict resolved by an arbiter, an unresolved conflict, a report not
retrieved, several exclusion reasons, one study with two reports), plus events the
derivation must see past: changed minds, proposed and later-rejected duplicate links.
"""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.prisma import derive_counts
from sysreview.project.reporting.prisma_data import prisma_counts
from sysreview.project.storage import (
    DecisionEvent,
    DuplicateLink,
    ImportBatch,
    Record,
    Store,
    Study,
    StudyReport,
)
from tests.unit.prisma.test_counts import scenario
from tests.unit.project.factories import add_reviewers, sha256


def add_source(session: Session, kind: str, name: str, n: int) -> list[int]:
    """An import batch of ``n`` records from source ``name``; returns the record ids."""
    batch = ImportBatch(
        source_database=name,
        source_kind=kind,
        search_date=date(2019, 7, 13),
        file_name=f"{name}.ris",
        file_sha256=sha256(name),
        record_count=n,
    )
    batch.records = [Record(position=i + 1, title=f"{name} {i + 1}", raw={}) for i in range(n)]
    session.add(batch)
    session.flush()
    return [r.id for r in batch.records]


def link(session: Session, a: int, b: int, status: str, reviewer: int | None = None) -> None:
    """A link event; a rule links a pair once, later events are a reviewer's."""
    session.add(
        DuplicateLink(
            record_a_id=min(a, b), record_b_id=max(a, b), rule="doi", status=status,
            reviewer_id=reviewer,
        )
    )  # fmt: skip
    session.flush()


def build(store: Store) -> None:
    inputs, ta, ft = scenario()
    with store.session() as s:
        ids = [0]  # logical record n -> ids[n]
        for source in inputs.sources:
            ids += add_source(s, source.kind, source.name, source.records)
        people = dict(zip((1, 2, 3, 9), add_reviewers(s, "A", "B", "C", "ARB"), strict=True))
        for a, b in inputs.duplicate_pairs:
            link(s, ids[a], ids[b], "proposed")
            link(s, ids[a], ids[b], "confirmed", people[1].id)
        link(s, ids[4], ids[5], "proposed")  # never confirmed: not a duplicate
        link(s, ids[5], ids[6], "confirmed")
        link(s, ids[5], ids[6], "rejected", people[1].id)  # the latest status wins
        # a changed mind: reviewer 1 first excluded record 1, then included it
        s.add(
            DecisionEvent(
                stage="ta",
                record_id=ids[1],
                reviewer_id=people[1].id,
                decision="exclude",
                reason="not an RCT",
            )
        )
        s.flush()
        for stage, log in (("ta", ta), ("ft", ft)):
            for e in log.events:
                s.add(
                    DecisionEvent(
                        stage=stage,
                        record_id=ids[e.record],
                        reviewer_id=people[e.reviewer].id,
                        kind="resolution" if e.resolution else "decision",
                        decision=e.decision,
                        reason=e.reason,
                    )
                )
                s.flush()
        study = Study(label="Smith 2019")
        s.add(study)
        s.flush()
        for _, record in inputs.study_reports:
            s.add(StudyReport(study_id=study.id, record_id=ids[record], is_primary=record == 1))


def test_counts_from_the_store(store: Store) -> None:
    build(store)
    counts = prisma_counts(store)
    assert counts.to_dict() == derive_counts(scenario()[0]).to_dict()
    assert dict(counts.records_databases_by_source) == {"Embase": 6, "MEDLINE": 4}
    assert (counts.records_registers, counts.records_other_methods) == (2, 2)
    assert (counts.duplicates_removed, counts.records_screened) == (3, 11)
    assert (counts.records_excluded, counts.awaiting_screening, counts.conflicts_screening) == (
        2,
        1,
        1,
    )
    assert (counts.reports_sought, counts.reports_not_retrieved, counts.reports_assessed) == (
        7,
        1,
        6,
    )
    assert dict(counts.reports_excluded_by_reason) == {"Not an RCT": 2, "wrong population": 1}
    assert (counts.reports_included, counts.studies_included, counts.conflicts_full_text) == (
        2,
        1,
        1,
    )


def test_policy_and_reason_options_reach_the_derivation(store: Store) -> None:
    build(store)
    held = prisma_counts(store, maybe_goes_forward=False, not_retrieved_reasons=())
    assert (held.reports_sought, held.awaiting_screening) == (6, 2)
    assert held.reports_not_retrieved == 0
    assert dict(held.reports_excluded_by_reason)["Full text not available"] == 1


def test_empty_store_and_an_empty_batch(store: Store) -> None:
    with store.session() as s:
        add_source(s, "register", "WHO ICTRP", 0)
    counts = prisma_counts(store)
    assert counts.records_registers_by_source == (("WHO ICTRP", 0),)
    assert counts.records_screened == 0


def test_recorded_retrieval_statuses_decide_reports_not_retrieved(store: Store) -> None:
    from sysreview.project.storage import RetrievalEvent, Reviewer

    build(store)
    with store.session() as s:
        who = s.scalars(select(Reviewer)).first()
        assert who is not None
        s.add_all([
            RetrievalEvent(record_id=5, status="not_retrieved", reason="none", reviewer_id=who.id),
            RetrievalEvent(record_id=3, status="not_retrieved", reason="lost", reviewer_id=who.id),
            RetrievalEvent(record_id=3, status="retrieved", reviewer_id=who.id),  # latest wins
        ])  # fmt: skip
    counts = prisma_counts(store)
    assert (counts.reports_not_retrieved, counts.reports_assessed) == (1, 6)  # unit 5
    assert dict(counts.reports_excluded_by_reason)["Full text not available"] == 1  # unit 3
