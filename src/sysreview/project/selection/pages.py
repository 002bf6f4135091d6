"""What the web app's screening pages show: the next record, progress, agreement, links.

Reads of the one screening state (:mod:`sysreview.project.selection.state`), made for a
person: a reviewer sees only what involves them, so nothing they can reach depends on
another reviewer's decisions on records they have not decided yet. Called through
:class:`sysreview.project.selection.service.ScreeningService`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from sysreview.project.accounts.users import AccountInfo
from sysreview.project.selection import decisions as screening
from sysreview.project.selection.labels import Keywords, keywords_for, labels_of
from sysreview.project.selection.state import screening_state
from sysreview.project.selection.views import check_stage
from sysreview.project.storage import STAGES, Store, Study, StudyReport
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

if TYPE_CHECKING:
    from sysreview.screening.interrater import PairwiseAgreement

STAGE_LABELS = {"ta": "Title and abstract", "ft": "Full text"}


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
    keywords: Keywords = field(default_factory=Keywords)
    """The words highlighted for the reviewer (:func:`~.labels.keywords_for`)."""
    labels: tuple[str, ...] = ()
    """The labels on the shown record."""

    @property
    def done(self) -> int:
        """Assigned records the reviewer has decided."""
        return self.assigned - self.pending


def screen_view(
    store: Store, protocol: Protocol, stage: str, reviewer: str, limit: int = 1
) -> ScreenView:
    """The reviewer's next record at ``stage`` (active-learning order at title/abstract).

    ``limit`` records of the queue are ordered (the page shows one).
    """
    stage = check_stage(stage)
    here = screening_state(store, protocol).stage(stage)
    assigned = len(here.by_reviewer.get(reviewer, ()))
    queue = screening.prioritised_queue(
        store, protocol, stage=stage, reviewer=reviewer, limit=limit
    )
    card = screening.record_card(store, queue.records[0]) if queue.records else None
    estimate = None if queue.stopping is None else queue.stopping.estimate
    labels = labels_of(store, [card.id]).get(card.id, ()) if card else ()
    return ScreenView(
        stage, card, assigned, queue.records, queue.prioritised, queue.advice,
        assigned > queue.pending, estimate, queue.why, queue.behind, queue.pending,
        keywords_for(store, protocol, reviewer), labels,
    )  # fmt: skip


def sees_everyone(account: AccountInfo) -> bool:
    """Whether ``account`` may see every reviewer's progress and agreement.

    Adjudicators and administrators may; a reviewer sees only what involves them, so
    nothing they can reach depends on another reviewer's decisions on records they
    have not decided yet.
    """
    return account.allows("adjudicator")


def agreement_seen_by(
    store: Store, protocol: Protocol, stage: str, viewer: AccountInfo
) -> PairwiseAgreement | None:
    """Pairwise agreement at ``stage`` that ``viewer`` may see (``None``: nothing yet).

    Independent decisions only (made before seeing the other's); a reviewer sees only
    the pairs they belong to, over the records they have decided themselves (so not
    even how many records the other reviewer has decided that they have not).
    """
    triples = screening.decision_triples(store, protocol, check_stage(stage))
    if not sees_everyone(viewer):  # only the records they decided, only their pairs
        own = {unit for unit, who, _ in triples if who == viewer.name}
        triples = [t for t in triples if t[0] in own]
    if not triples:
        return None
    from sysreview.screening.interrater import PairwiseAgreement, pairwise_agreement  # SciPy

    result = pairwise_agreement(triples)
    if sees_everyone(viewer):
        return result
    mine = tuple(p for p in result.pairs if viewer.name in p[0])
    none = tuple(p for p in result.no_overlap if viewer.name in p)
    return PairwiseAgreement(mine, none) if mine or none else None


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


def progress(store: Store, protocol: Protocol, viewer: AccountInfo) -> list[Progress]:
    """Per screener and stage: records assigned and decided (a reviewer sees their own)."""
    state = screening_state(store, protocol)
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


def report_links(store: Store, protocol: Protocol) -> list[ReportLink]:
    """Every report whose full-text inclusion is settled, with its study where linked."""
    included = screening_state(store, protocol).ft.settled("include")
    with store.session(readonly=True) as session:
        query = select(StudyReport.record_id, Study.label, StudyReport.is_primary).join(
            Study, Study.id == StudyReport.study_id
        )
        linked = {r: (label, primary) for r, label, primary in session.execute(query)}
    rows = []
    for record_id in included:
        label, primary = linked.get(record_id, (None, False))
        rows.append(ReportLink(record_id, screening.record_card(store, record_id).title, label,
                               primary))  # fmt: skip
    return rows


__all__ = [
    "STAGE_LABELS",
    "Progress",
    "ReportLink",
    "ScreenView",
    "agreement_seen_by",
    "progress",
    "report_links",
    "screen_view",
    "sees_everyone",
]
