"""PRISMA 2020 counts of a project: the store's records and events → :mod:`sysreview.prisma`.

A handful of queries read what the counts are derived from: records per import batch
source (counted by the database), the current confirmed duplicate links, the current
screening decisions at each stage (the latest per record and reviewer, plus the latest
resolution per record; see :func:`sysreview.project.storage.latest_decisions_select`) and
the study–report links. :func:`sysreview.prisma.derive_counts` does the rest.

Counts of work done outside the project (an earlier search and screening, another team's
search the review builds on) are recorded as they were reported
(:func:`record_other_source`, kept in ``prisma_other_source`` with who recorded them and
the file) and added to the derived counts box by box
(:func:`sysreview.prisma.combine_counts`); the counts then name their sources, which the
report and the flow diagram show.

References
----------
Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an updated guideline
for reporting systematic reviews. BMJ 2021;372:n71, Fig. 1.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.prisma import (
    NOT_RETRIEVED_REASONS,
    OtherSourceCounts,
    PrismaCounts,
    PrismaInputs,
    RetrievalStatus,
    ScreeningEvent,
    SourceCount,
    combine_counts,
    counts_from_dict,
    derive_counts,
)
from sysreview.project.storage import (
    DecisionEvent,
    ImportBatch,
    PrismaOtherSource,
    Record,
    Store,
    StudyReport,
    confirmed_pairs,
    latest_decisions_select,
)
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sysreview.project.selection.state import ScreeningState

__all__ = [
    "confirmed_pairs",
    "other_source_counts",
    "prisma_counts",
    "prisma_inputs",
    "record_other_source",
    "retrieval_statuses",
    "screening_events",
    "withdraw_other_source",
]

_DERIVED = ("maybe_goes_forward", "other_sources")  # not boxes: not stored with the counts


def _sources(session: Session) -> tuple[SourceCount, ...]:
    b = ImportBatch
    query = (
        select(b.source_kind, b.source_database, func.count(Record.id))
        .select_from(b)
        .outerjoin(Record, Record.batch_id == b.id)
        .group_by(b.source_kind, b.source_database)
        .order_by(b.source_kind, b.source_database)
    )
    return tuple(SourceCount(kind, name, int(n)) for kind, name, n in session.execute(query))


def screening_events(session: Session, stage: str) -> tuple[ScreeningEvent, ...]:
    """The current decisions and resolutions at ``stage`` as :class:`ScreeningEvent`."""
    d = DecisionEvent
    query = latest_decisions_select(stage).with_only_columns(
        d.id, d.record_id, d.reviewer_id, d.kind, d.decision, d.reason
    )
    return tuple(
        ScreeningEvent(record, reviewer, decision, reason, kind == "resolution", order)
        for order, record, reviewer, kind, decision, reason in session.execute(query.order_by(d.id))
    )


def retrieval_statuses(session: Session) -> tuple[RetrievalStatus, ...]:
    """Each report's recorded retrieval status (its latest ``retrieval_event``)."""
    from sysreview.project.retrieving.status import current_retrieval

    events = sorted(current_retrieval(session).values(), key=lambda e: e.id)
    return tuple(RetrievalStatus(e.record_id, e.status, e.id, e.reason) for e in events)


def prisma_inputs(session: Session, state: ScreeningState | None = None) -> PrismaInputs:
    """What the PRISMA 2020 counts of the store in ``session`` are derived from.

    Records are counted per ``(source_kind, source_database)`` of their import batch (the
    records actually stored, not the batch's declared ``record_count``); nothing is
    recorded as removed by automation or for other reasons, so those boxes are 0. With
    the project's screening ``state``, units count by their status under the protocol's
    assignments (only settled decisions fill the boxes; the events are then not read,
    as the statuses replace them). Reports' recorded retrieval
    statuses decide "reports not retrieved" (:func:`retrieval_statuses`); without one,
    a full-text exclusion for a not-retrieved reason counts.
    """
    reports = select(StudyReport.study_id, StudyReport.record_id).order_by(StudyReport.id)
    return PrismaInputs(
        sources=_sources(session),
        duplicate_pairs=confirmed_pairs(session),
        ta_events=screening_events(session, "ta") if state is None else (),
        ft_events=screening_events(session, "ft") if state is None else (),
        study_reports=tuple((s, r) for s, r in session.execute(reports)),
        ta_status=None if state is None else state.ta.status,
        ft_status=None if state is None else state.ft.status,
        retrieval=retrieval_statuses(session),
    )


def prisma_counts(
    store: Store,
    *,
    protocol: Protocol | None = None,
    maybe_goes_forward: bool = True,
    not_retrieved_reasons: Sequence[str] = NOT_RETRIEVED_REASONS,
) -> PrismaCounts:
    """The PRISMA 2020 flow diagram boxes of a project, derived from its store.

    Parameters
    ----------
    store
        An open project store.
    protocol
        The project's protocol: units then count by their screening status under its
        assignments (:mod:`sysreview.project.selection.state`), so a record counts in a
        box only once its decision is settled, and ``maybe_goes_forward`` is the
        protocol's. Without it, every reviewer who decided a unit is taken as required.
    maybe_goes_forward
        Whether a final title/abstract "maybe" goes on to full-text retrieval.
    not_retrieved_reasons
        Full-text exclusion reasons counted as "reports not retrieved" (ignoring case).

    Returns
    -------
    PrismaCounts
        Balanced boxes; see :func:`sysreview.prisma.derive_counts` for the rules. Counts
        from other sources the project recorded (:func:`other_source_counts`) are added
        box by box and named in ``other_sources``.

    Raises
    ------
    sysreview.prisma.PrismaBalanceError
        If the stored events cannot give balanced boxes.

    Examples
    --------
    >>> import tempfile
    >>> from sysreview.project.storage import open_store
    >>> with tempfile.TemporaryDirectory() as project:
    ...     with open_store(project) as store:
    ...         counts = prisma_counts(store)
    >>> counts.records_screened, counts.reports_included
    (0, 0)
    """
    state = None
    if protocol is not None:
        from sysreview.project.selection.state import screening_state

        state = screening_state(store, protocol)
        maybe_goes_forward = protocol.screening.maybe_goes_forward
    with store.session(readonly=True) as session:
        inputs = prisma_inputs(session, state)
        others = other_source_counts(session)
    own = derive_counts(
        inputs,
        maybe_goes_forward=maybe_goes_forward,
        not_retrieved_reasons=not_retrieved_reasons,
    )
    return combine_counts(own, others)


def other_source_counts(session: Session) -> tuple[OtherSourceCounts, ...]:
    """The current counts of every other source, in the order first recorded.

    Each source's latest event, unless a withdrawal.
    """
    rows = session.scalars(select(PrismaOtherSource).order_by(PrismaOtherSource.id))
    latest: dict[str, PrismaOtherSource] = {}
    for row in rows:  # a dict keeps the order in which each source was first recorded
        latest[row.source] = row
    out = []
    for row in latest.values():
        if row.counts is not None:
            counts = counts_from_dict(row.counts, source=f"prisma_other_source {row.id}")
            out.append(OtherSourceCounts(row.source, counts, row.note))
    return tuple(out)


def record_other_source(
    session: Session,
    counts: OtherSourceCounts,
    reviewer_id: int,
    *,
    file_name: str | None = None,
    file_sha256: str | None = None,
) -> bool:
    """Record counts from another source (an event).

    ``False`` when the source's current counts and note are these already (nothing is
    stored: loading a file twice adds nothing). Other counts of the same source replace its
    earlier ones.
    """
    boxes = {k: v for k, v in counts.counts.to_dict().items() if k not in _DERIVED}
    current = {c.source: c for c in other_source_counts(session)}.get(counts.source)
    if current is not None and current.note == counts.note and current.counts == counts.counts:
        return False
    session.add(PrismaOtherSource(source=counts.source, note=counts.note, counts=boxes,
                                  file_name=file_name, file_sha256=file_sha256,
                                  reviewer_id=reviewer_id))  # fmt: skip
    session.flush()
    return True


def withdraw_other_source(session: Session, source: str, reviewer_id: int) -> None:
    """Take back the current counts of ``source``.

    An event with no counts: the flow no longer includes them; the earlier events stay in
    the log.

    Raises
    ------
    InputError
        When the project has no current counts of that source (naming those it has).
    """
    current = [c.source for c in other_source_counts(session)]
    if source not in current:
        known = "; ".join(current) or "none"
        raise InputError(f"no counts from the source {source!r}; the project has: {known}")
    session.add(PrismaOtherSource(source=source, counts=None, reviewer_id=reviewer_id,
                                  note="withdrawn"))  # fmt: skip
    session.flush()
