"""The web app's use cases over one open project: screening, conflicts, progress, links.

The command line opens the project for every command
(:func:`sysreview.project.services.opened`); a server answering many requests a second
keeps one :class:`Workspace` instead — the validated protocol and one store (with its
connection pool) for its whole life — and calls the same screening use cases
(:mod:`sysreview.project.screening`) and PRISMA counts
(:mod:`sysreview.project.prisma_data`) with them. Route handlers call these functions
and nothing below them.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from concurrent.futures import Future
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass, field
from pathlib import Path
from typing import Unpack

from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.prisma import PrismaCounts
from sysreview.prisma.decisions import final_decisions
from sysreview.project import screening
from sysreview.project.prisma_data import prisma_counts, screening_events
from sysreview.project.services import PathLike, Project, load_project
from sysreview.project.store import STAGES, Store, Study, StudyReport, open_store
from sysreview.project.store.group_commit import GroupCommit
from sysreview.protocol.review import Role
from sysreview.screening.agreement import PairwiseAgreement, pairwise_agreement
from sysreview.web.highlight import Terms, protocol_terms

STAGE_LABELS = {"ta": "Title and abstract", "ft": "Full text"}


@dataclass
class Workspace:
    """An open project: protocol, store and the words to highlight. Close it when done.

    Screening decisions, the writes that come many a second, go through :attr:`writer`
    (:class:`~sysreview.project.store.group_commit.GroupCommit`): decisions posted at
    the same time are committed together, one durable sync for the lot.

    On SQLite, the other writes from this process's request threads, and the writer's
    batches, take turns on :attr:`write_lock` before asking SQLite for its write lock:
    one writer at a time is all SQLite allows anyway, and a queue on a lock is served
    promptly and in turn, where writers waiting in SQLite's busy handler poll with
    growing sleeps (tail latencies of seconds under load; see ``benchmarks/WEB.md``).
    Writers in other processes still wait in SQLite's busy handler. PostgreSQL needs
    no lock.
    """

    project: Project
    store: Store
    terms: Terms
    reviewer_ids: Mapping[str, int]
    write_lock: AbstractContextManager[object] = field(default_factory=nullcontext)
    writer: GroupCommit = field(init=False)

    def __post_init__(self) -> None:
        self.writer = GroupCommit(self.store, lock=self.write_lock)

    @classmethod
    def open(
        cls, directory: PathLike, db_url: str | None = None, highlight: Sequence[str] = ()
    ) -> Workspace:
        """Load and validate the protocol, open (and upgrade) the store, sync reviewers."""
        project = load_project(directory, db_url)
        store = open_store(project.database_url)
        try:
            with store.session() as session:
                people = screening.sync_reviewers(session, project.protocol)
                ids = {name: row.id for name, row in people.items()}
        except BaseException:
            store.close()
            raise
        lock = threading.Lock() if store.backend == "sqlite" else nullcontext()
        return cls(project, store, protocol_terms(project.protocol, highlight), ids, lock)

    @property
    def directory(self) -> Path:
        """The project directory."""
        return self.project.directory

    def close(self) -> None:
        """Commit the writes still queued, then close the store's connections."""
        self.writer.close()
        self.store.close()


def check_stage(stage: str) -> str:
    """``stage`` when it is ``ta`` or ``ft``; else :class:`InputError`."""
    if stage not in STAGES:
        raise InputError(f"invalid stage {stage!r}; must be one of {', '.join(STAGES)}")
    return stage


@dataclass(frozen=True)
class ScreenView:
    """What the screening page shows a reviewer: the next record and the progress."""

    stage: str
    card: screening.RecordCard | None
    assigned: int
    queue: tuple[int, ...]
    prioritised: bool
    advice: str | None

    @property
    def pending(self) -> int:
        """Assigned records the reviewer has not decided yet."""
        return len(self.queue)

    @property
    def done(self) -> int:
        """Assigned records the reviewer has decided."""
        return self.assigned - self.pending


def screen_view(ws: Workspace, stage: str, reviewer: str) -> ScreenView:
    """The reviewer's next record at ``stage`` (active-learning order at title/abstract)."""
    protocol = ws.project.protocol
    stage = check_stage(stage)
    assigned = screening.assigned_records(ws.store, protocol, stage=stage, reviewer=reviewer)
    queue = screening.prioritised_queue(ws.store, protocol, stage=stage, reviewer=reviewer)
    card = screening.record_card(ws.store, queue.records[0]) if queue.records else None
    return ScreenView(stage, card, len(assigned), queue.records, queue.prioritised, queue.advice)


def queue_cards(ws: Workspace, view: ScreenView, limit: int) -> list[screening.RecordCard]:
    """Up to ``limit`` of the pending records of ``view``, in screening order."""
    return [screening.record_card(ws.store, r) for r in view.queue[:limit]]


def card(ws: Workspace, record_id: int) -> screening.RecordCard:
    """A record as a screener sees it (:class:`InputError` when there is none)."""
    return screening.record_card(ws.store, record_id)


def submit_decision(ws: Workspace, **fields: Unpack[screening.DecisionFields]) -> Future[int]:
    """Check a decision (or an arbiter's resolution) and queue it; the future's event id.

    Checked against the protocol here, then committed by the workspace's group-commit
    writer; the future is answered once the decision is durable (or with its error:
    :class:`~sysreview.project.screening.UnknownRecord` for a record not in the
    project).

    Raises
    ------
    InputError
        See :func:`sysreview.project.screening.new_decision`.
    """
    item = screening.new_decision(ws.project.protocol, **fields)
    ids = ws.reviewer_ids
    return ws.writer.submit(lambda session: screening.add_decision(ws.store, session, item, ids))


def decide(ws: Workspace, **fields: Unpack[screening.DecisionFields]) -> int:
    """Store a decision (or an arbiter's resolution) as a new event; its id, once durable.

    Raises
    ------
    InputError
        As :func:`submit_decision`, or :class:`~sysreview.project.screening.UnknownRecord`.
    """
    return submit_decision(ws, **fields).result()


def seen_decisions(
    ws: Workspace, *, stage: str, record_id: int, reviewer: str
) -> list[screening.SeenDecision]:
    """The decisions on a record that blinding lets ``reviewer`` see."""
    screening.record_card(ws.store, record_id)  # InputError for a record that does not exist
    return screening.decisions_seen_by(
        ws.store, ws.project.protocol, stage=stage, record_id=record_id, reviewer=reviewer
    )


def conflicts(ws: Workspace, stage: str) -> list[screening.Conflict]:
    """Unresolved disagreements at ``stage``."""
    return screening.conflicts(ws.store, check_stage(stage))


def agreement(ws: Workspace, stage: str) -> PairwiseAgreement | None:
    """Pairwise agreement at ``stage`` (``None`` before any decision)."""
    triples = screening.decision_triples(ws.store, check_stage(stage))
    return pairwise_agreement(triples) if triples else None


def prisma(ws: Workspace) -> PrismaCounts:
    """The PRISMA 2020 counts so far."""
    forward = ws.project.protocol.screening.maybe_goes_forward
    return prisma_counts(ws.store, maybe_goes_forward=forward)


@dataclass(frozen=True)
class Progress:
    """One reviewer's progress at one stage."""

    reviewer: str
    stage: str
    assigned: int
    decided: int

    @property
    def percent(self) -> float:
        """Decided assigned records, in percent (100 when nothing is assigned)."""
        return 100.0 if self.assigned == 0 else 100.0 * self.decided / self.assigned


def progress(ws: Workspace) -> list[Progress]:
    """Per screener and stage: records assigned and decided."""
    protocol = ws.project.protocol
    rows = []
    for stage in STAGES:
        triples = screening.decision_triples(ws.store, stage)
        for person in protocol.review.with_role(Role.SCREENER):
            assigned = screening.assigned_records(
                ws.store, protocol, stage=stage, reviewer=person.id
            )
            mine = {r for r, who, _ in triples if who == person.id}
            rows.append(Progress(person.id, stage, len(assigned), len(mine.intersection(assigned))))
    return rows


@dataclass(frozen=True)
class ReportLink:
    """A report included at full text and the study it is linked to (if any)."""

    record_id: int
    title: str | None
    study: str | None
    primary: bool


def report_links(ws: Workspace) -> list[ReportLink]:
    """Every report finally included at full text, with its study where linked."""
    with ws.store.session(readonly=True) as session:
        finals = final_decisions(screening_events(session, "ft"), {})
        included = sorted(r for r, f in finals.items() if f.decision == "include")
        query = select(StudyReport.record_id, Study.label, StudyReport.is_primary).join(
            Study, Study.id == StudyReport.study_id
        )
        linked = {r: (label, primary) for r, label, primary in session.execute(query)}
    rows = []
    for record_id in included:
        label, primary = linked.get(record_id, (None, False))
        rows.append(ReportLink(record_id, card(ws, record_id).title, label, primary))
    return rows


def link(ws: Workspace, *, record_id: int, study: str, primary: bool, who: str) -> tuple[int, bool]:
    """Link an included report to its study (created on first use); ``(study id, new)``."""
    with ws.write_lock:
        return screening.link_report(
            ws.store, record_id=record_id, study=study, primary=primary, who=who
        )
