"""PRISMA 2020 counts of a project: the store's records and events → :mod:`sysreview.prisma`.

A handful of queries (SQL on :class:`~sysreview.project.storage.Reads`, so that
``sysreview prisma`` needs no SQLAlchemy) read what the counts are derived from: records
per import batch source (counted by the database), the current confirmed duplicate
links, the current screening decisions at each stage (the latest per record and
reviewer, plus the latest resolution per record, as
:func:`sysreview.project.storage.current_decisions` reads them) and the study–report
links. :func:`sysreview.prisma.derive_counts` does the rest.

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

import json
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from sysreview.errors import InputError, StoreError
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
from sysreview.project.storage import STAGES, Reads, Store
from sysreview.project.storage.screening_reads import confirmed_pairs
from sysreview.protocol import Protocol

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

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


def _sources(reads: Reads) -> tuple[SourceCount, ...]:
    rows = reads.rows(
        "SELECT b.source_kind, b.source_database, COUNT(r.id) FROM import_batch b"
        " LEFT OUTER JOIN record r ON r.batch_id = b.id"
        " GROUP BY b.source_kind, b.source_database ORDER BY b.source_kind, b.source_database"
    )
    return tuple(SourceCount(kind, name, int(n)) for kind, name, n in rows)


def screening_events(reads: Reads, stage: str) -> tuple[ScreeningEvent, ...]:
    """The current decisions and resolutions at ``stage`` as :class:`ScreeningEvent`.

    The latest decision per record and reviewer and the latest resolution per record,
    unless that latest event is a retraction, as
    :func:`sysreview.project.storage.current_decisions` reads them.
    """
    if stage not in STAGES:
        raise StoreError(f"Invalid stage {stage!r}; must be one of {', '.join(STAGES)}")
    latest = "SELECT MAX(id) FROM decision_event WHERE stage = :stage AND kind = "
    rows = reads.rows(
        "SELECT id, record_id, reviewer_id, kind, decision, reason FROM decision_event"
        f" WHERE NOT retraction AND (id IN ({latest}'decision' GROUP BY record_id, reviewer_id)"
        f" OR id IN ({latest}'resolution' GROUP BY record_id)) ORDER BY id",
        stage=stage,
    )
    return tuple(
        ScreeningEvent(record, reviewer, decision, reason, kind == "resolution", order)
        for order, record, reviewer, kind, decision, reason in rows
    )


def retrieval_statuses(reads: Reads) -> tuple[RetrievalStatus, ...]:
    """Each report's recorded retrieval status (its latest ``retrieval_event``)."""
    rows = reads.rows(
        "SELECT id, record_id, status, reason FROM retrieval_event WHERE id IN"
        " (SELECT MAX(id) FROM retrieval_event GROUP BY record_id) ORDER BY id"
    )
    return tuple(RetrievalStatus(record, status, i, reason) for i, record, status, reason in rows)


def prisma_inputs(reads: Reads, state: ScreeningState | None = None) -> PrismaInputs:
    """What the PRISMA 2020 counts of the store are derived from.

    Records are counted per ``(source_kind, source_database)`` of their import batch (the
    records actually stored, not the batch's declared ``record_count``); nothing is
    recorded as removed by automation or for other reasons, so those boxes are 0. With
    the project's screening ``state``, units count by their status under the protocol's
    assignments (only settled decisions fill the boxes; the events are then not read,
    as the statuses replace them). Reports' recorded retrieval
    statuses decide "reports not retrieved" (:func:`retrieval_statuses`); without one,
    a full-text exclusion for a not-retrieved reason counts.
    """
    reports = reads.rows("SELECT study_id, record_id FROM study_report ORDER BY id")
    return PrismaInputs(
        sources=_sources(reads),
        duplicate_pairs=confirmed_pairs(reads),
        ta_events=screening_events(reads, "ta") if state is None else (),
        ft_events=screening_events(reads, "ft") if state is None else (),
        study_reports=tuple((s, r) for s, r in reports),
        ta_status=None if state is None else state.ta.status,
        ft_status=None if state is None else state.ft.status,
        retrieval=retrieval_statuses(reads),
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
    with store.reading() as reads:
        inputs = prisma_inputs(reads, state)
        others = other_source_counts(reads)
    own = derive_counts(
        inputs,
        maybe_goes_forward=maybe_goes_forward,
        not_retrieved_reasons=not_retrieved_reasons,
    )
    return combine_counts(own, others)


def other_source_counts(reads: Reads) -> tuple[OtherSourceCounts, ...]:
    """The current counts of every other source, in the order first recorded.

    Each source's latest event, unless a withdrawal.
    """
    rows = reads.rows("SELECT id, source, counts, note FROM prisma_other_source ORDER BY id")
    latest: dict[str, tuple[Any, ...]] = {}
    for row in rows:  # a dict keeps the order in which each source was first recorded
        latest[row[1]] = row
    out = []
    for i, source, stored, note in latest.values():
        if stored is not None:  # a JSON column: text from SQLite, parsed by psycopg
            boxes = json.loads(stored) if isinstance(stored, str) else stored
            counts = counts_from_dict(boxes, source=f"prisma_other_source {i}")
            out.append(OtherSourceCounts(source, counts, note))
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
    from sysreview.project.storage import PrismaOtherSource

    current = {c.source: c for c in other_source_counts(Reads.of_session(session))}.get(
        counts.source
    )
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
    from sysreview.project.storage import PrismaOtherSource

    current = [c.source for c in other_source_counts(Reads.of_session(session))]
    if source not in current:
        known = "; ".join(current) or "none"
        raise InputError(f"no counts from the source {source!r}; the project has: {known}")
    session.add(PrismaOtherSource(source=source, counts=None, reviewer_id=reviewer_id,
                                  note="withdrawn"))  # fmt: skip
    session.flush()
