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
from typing import Any, Unpack

from sqlalchemy import select

from sysreview.prisma import PrismaCounts
from sysreview.project import screening
from sysreview.project.accounts import AccountInfo
from sysreview.project.prisma_data import prisma_counts
from sysreview.project.screening_queue import warm_ranking
from sysreview.project.screening_state import screening_state, store_assignments
from sysreview.project.screening_views import check_stage
from sysreview.project.services import PathLike, Project, load_project
from sysreview.project.store import STAGES, Store, Study, StudyReport, open_store
from sysreview.project.store.group_commit import GroupCommit
from sysreview.protocol.review import Role
from sysreview.screening.interrater import PairwiseAgreement, pairwise_agreement
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
                store_assignments(store, project.protocol, session)
        except BaseException:
            store.close()
            raise
        lock = threading.Lock() if store.backend == "sqlite" else nullcontext()
        warm_ranking(store, project.protocol)  # in the background: the first page is quick
        return cls(project, store, protocol_terms(project.protocol, highlight), ids, lock)

    @property
    def directory(self) -> Path:
        """The project directory."""
        return self.project.directory

    def close(self) -> None:
        """Commit the writes still queued, then close the store's connections."""
        self.writer.close()
        self.store.close()


@dataclass(frozen=True)
class ScreenView:
    """What the screening page shows a reviewer: the next record and the progress."""

    stage: str
    card: screening.RecordCard | None
    assigned: int
    queue: tuple[int, ...]
    prioritised: bool
    advice: str | None
    can_undo: bool = False
    """Whether the reviewer has a decision at this stage they may take back."""
    stopping: Any = None
    """The stopping aid's estimate (:class:`sysreview.screening.stopping.StoppingEstimate`)."""
    why: tuple[tuple[str, float], ...] = ()
    """Terms that rank the shown record high."""
    behind: int = 0
    """Settled decisions the order has not learnt from yet (refreshed in the background)."""
    pending: int = 0
    """Assigned records the reviewer has not decided yet (``queue`` holds the first)."""

    @property
    def done(self) -> int:
        """Assigned records the reviewer has decided."""
        return self.assigned - self.pending


def screen_view(ws: Workspace, stage: str, reviewer: str, limit: int = 1) -> ScreenView:
    """The reviewer's next record at ``stage`` (active-learning order at title/abstract).

    ``limit`` records of the queue are ordered (the page shows one).
    """
    protocol = ws.project.protocol
    stage = check_stage(stage)
    here = screening_state(ws.store, protocol).stage(stage)
    assigned = len(here.by_reviewer.get(reviewer, ()))
    queue = screening.prioritised_queue(
        ws.store, protocol, stage=stage, reviewer=reviewer, limit=limit
    )
    card = screening.record_card(ws.store, queue.records[0]) if queue.records else None
    estimate = None if queue.stopping is None else queue.stopping.estimate
    return ScreenView(
        stage, card, assigned, queue.records, queue.prioritised, queue.advice,
        assigned > queue.pending, estimate, queue.why, queue.behind, queue.pending,
    )  # fmt: skip


def queue_cards(ws: Workspace, view: ScreenView, limit: int) -> list[screening.RecordCard]:
    """Up to ``limit`` of the pending records of ``view``, in screening order."""
    return [screening.record_card(ws.store, r) for r in view.queue[:limit]]


def card(ws: Workspace, record_id: int) -> screening.RecordCard:
    """A record as a screener sees it (:class:`InputError` when there is none)."""
    return screening.record_card(ws.store, record_id)


def submit_decision(ws: Workspace, **fields: Unpack[screening.DecisionFields]) -> Future[int]:
    """Check a decision (or an arbiter's resolution) and queue it; the future's event id.

    Checked against the protocol and the review's state here (who may decide which
    record, and when: :func:`sysreview.project.screening.check_decision`), then
    committed by the workspace's group-commit writer; the future is answered once the
    decision is durable (or with its error).

    Raises
    ------
    InputError
        See :func:`sysreview.project.screening.new_decision` and
        :func:`~sysreview.project.screening.check_decision` (403 and 409 errors).
    """
    protocol = ws.project.protocol
    item = screening.new_decision(protocol, **fields)
    item = screening.check_decision(ws.store, protocol, item)
    ids = ws.reviewer_ids
    return ws.writer.submit(
        lambda session: screening.add_decision(ws.store, session, item, ids, protocol)
    )


def decide(ws: Workspace, **fields: Unpack[screening.DecisionFields]) -> int:
    """Store a decision (or an arbiter's resolution) as a new event; its id, once durable.

    Raises
    ------
    InputError
        As :func:`submit_decision`, or :class:`~sysreview.project.screening.UnknownRecord`.
    """
    return submit_decision(ws, **fields).result()


def undo(
    ws: Workspace, *, stage: str, reviewer: str, record_id: int | None = None, source: str = "web"
) -> screening.NewDecision:
    """Take back the reviewer's latest decision at ``stage`` (or theirs on a record)."""
    with ws.write_lock:
        return screening.undo_decision(
            ws.store, ws.project.protocol, stage=check_stage(stage), reviewer=reviewer,
            record_id=record_id, source=source,
        )  # fmt: skip


def seen_decisions(
    ws: Workspace, *, stage: str, record_id: int, reviewer: str
) -> list[screening.SeenDecision]:
    """The decisions on a record that blinding lets ``reviewer`` see."""
    return screening.decisions_seen_by(
        ws.store, ws.project.protocol, stage=stage, record_id=record_id, reviewer=reviewer
    )


def conflicts(ws: Workspace, stage: str) -> list[screening.Conflict]:
    """Unresolved disagreements at ``stage``."""
    return screening.conflicts(ws.store, ws.project.protocol, check_stage(stage))


def sees_everyone(account: AccountInfo) -> bool:
    """Whether ``account`` may see every reviewer's progress and agreement.

    Adjudicators and administrators may; a reviewer sees only what involves them, so
    nothing they can reach depends on another reviewer's decisions on records they
    have not decided yet.
    """
    return account.allows("adjudicator")


def agreement(ws: Workspace, stage: str, viewer: AccountInfo) -> PairwiseAgreement | None:
    """Pairwise agreement at ``stage`` that ``viewer`` may see (``None``: nothing yet).

    Independent decisions only (made before seeing the other's); a reviewer sees only
    the pairs they belong to, over the records they have decided themselves (so not
    even how many records the other reviewer has decided that they have not).
    """
    triples = screening.decision_triples(ws.store, ws.project.protocol, check_stage(stage))
    if not sees_everyone(viewer):  # only the records they decided, only their pairs
        own = {unit for unit, who, _ in triples if who == viewer.name}
        triples = [t for t in triples if t[0] in own]
    if not triples:
        return None
    result = pairwise_agreement(triples)
    if sees_everyone(viewer):
        return result
    mine = tuple(p for p in result.pairs if viewer.name in p[0])
    none = tuple(p for p in result.no_overlap if viewer.name in p)
    return PairwiseAgreement(mine, none) if mine or none else None


def prisma(ws: Workspace) -> PrismaCounts:
    """The PRISMA 2020 counts so far: settled decisions only (see the dashboard's notes)."""
    return prisma_counts(ws.store, protocol=ws.project.protocol)


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


def progress(ws: Workspace, viewer: AccountInfo) -> list[Progress]:
    """Per screener and stage: records assigned and decided (a reviewer sees their own)."""
    protocol = ws.project.protocol
    state = screening_state(ws.store, protocol)
    people = protocol.review.with_role(Role.SCREENER)
    if not sees_everyone(viewer):
        people = tuple(p for p in people if p.id == viewer.name)
    rows = []
    for stage in STAGES:
        here = state.stage(stage)
        for person in people:
            assigned = here.assigned_to(person.id)
            pending = len(here.pending_for(person.id))
            rows.append(Progress(person.id, stage, len(assigned), len(assigned) - pending))
    return rows


@dataclass(frozen=True)
class ReportLink:
    """A report included at full text and the study it is linked to (if any)."""

    record_id: int
    title: str | None
    study: str | None
    primary: bool


def report_links(ws: Workspace) -> list[ReportLink]:
    """Every report whose full-text inclusion is settled, with its study where linked."""
    included = screening_state(ws.store, ws.project.protocol).ft.settled("include")
    with ws.store.session(readonly=True) as session:
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
            ws.store, ws.project.protocol, record_id=record_id, study=study, primary=primary,
            who=who,
        )  # fmt: skip


def unlink(ws: Workspace, *, record_id: int, who: str) -> str:
    """Undo a report's link to its study; the study's label."""
    with ws.write_lock:
        return screening.unlink_report(ws.store, record_id=record_id, who=who)
