"""Tables of the evidence trail up to screening: imports, records, duplicates, decisions.

``import_batch`` and ``record`` keep what was imported, as imported. ``duplicate_link`` and
``decision_event`` are event logs: a changed mind is a new row, and the current state is
derived (see :mod:`sysreview.project.storage.queries`). ``audit_log`` records who did what.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import (
    CheckConstraint,
    ForeignKey,
    Index,
    String,
    Text,
    UniqueConstraint,
    false,
    text,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sysreview.project.storage.base import (
    ASSIGNMENT_ORIGINS,
    DECISION_KINDS,
    DECISIONS,
    LINK_STATUSES,
    SLOTS,
    STAGES,
    Base,
    JSONValue,
    sql_in,
    utcnow,
)


class ImportBatch(Base):
    """One search result file as imported: where it came from, the query, its checksum.

    ``source_kind`` places it in the PRISMA 2020 flow: ``database``, ``register`` or
    ``other`` (citation searching, websites, contacts).

    ``file_sha256`` is unique: the same export file cannot be imported twice into a project
    (one store holds one project).
    """

    __tablename__ = "import_batch"
    __table_args__ = (
        CheckConstraint("record_count >= 0", name="record_count"),
        CheckConstraint("source_kind IN ('database', 'register', 'other')", name="source_kind"),
        CheckConstraint("length(file_sha256) = 64", name="file_sha256"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source_database: Mapped[str] = mapped_column(String(200))
    source_kind: Mapped[str] = mapped_column(String(20), default="database")
    interface: Mapped[str | None] = mapped_column(String(200))
    search_date: Mapped[date | None]
    query_text: Mapped[str | None] = mapped_column(Text)
    file_name: Mapped[str] = mapped_column(String(500))
    file_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    record_count: Mapped[int]
    imported_at: Mapped[datetime] = mapped_column(default=utcnow)

    records: Mapped[list[Record]] = relationship(back_populates="batch", order_by="Record.id")


class Record(Base):
    """One bibliographic record of an import batch; ``raw`` keeps every field as read.

    ``position`` is the 1-based place of the record in its file and ``line`` the line it
    starts on, for provenance; ``record_key`` is the file's own identifier (an ``ID``
    column, an accession number), if any. ``authors`` holds one "Surname, Given" per
    line. The other columns are the normalised fields of
    :class:`sysreview.records.model.Citation`.
    """

    __tablename__ = "record"
    __table_args__ = (
        UniqueConstraint("batch_id", "position"),
        CheckConstraint("position >= 1", name="position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("import_batch.id"))
    position: Mapped[int]
    line: Mapped[int | None]
    record_key: Mapped[str | None] = mapped_column(String(200))
    title: Mapped[str | None] = mapped_column(Text)
    authors: Mapped[str | None] = mapped_column(Text)
    year: Mapped[int | None]
    journal: Mapped[str | None] = mapped_column(Text)
    journal_abbrev: Mapped[str | None] = mapped_column(Text)
    volume: Mapped[str | None] = mapped_column(String(100))
    issue: Mapped[str | None] = mapped_column(String(100))
    pages: Mapped[str | None] = mapped_column(String(100))
    doi: Mapped[str | None] = mapped_column(String(300), index=True)
    pmid: Mapped[str | None] = mapped_column(String(20), index=True)
    issn: Mapped[str | None] = mapped_column(String(100))
    abstract: Mapped[str | None] = mapped_column(Text)
    keywords: Mapped[list[str] | None] = mapped_column(JSONValue)
    language: Mapped[str | None] = mapped_column(String(100))
    publication_type: Mapped[str | None] = mapped_column(Text)
    url: Mapped[str | None] = mapped_column(Text)
    database: Mapped[str | None] = mapped_column(String(200))
    raw: Mapped[dict[str, Any]] = mapped_column(JSONValue)

    batch: Mapped[ImportBatch] = relationship(back_populates="records")


class Reviewer(Base):
    """A person (or named process) who screens, appraises or extracts.

    ``roles`` is a list such as ``["screener", "arbiter"]``.
    """

    __tablename__ = "reviewer"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    roles: Mapped[list[str]] = mapped_column(JSONValue)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DuplicateLink(Base):
    """An event about a pair of records: proposed, confirmed or rejected as duplicates.

    Records are linked, never deleted. The pair is stored in order (``record_a_id <
    record_b_id``); the latest event per pair is its current status. ``reviewer_id`` is
    empty for links made by a de-duplication rule, and a rule links a pair once: the
    unique index ``uq_duplicate_link_rule_pair`` holds at most one event without a
    reviewer per pair, so concurrent de-duplication runs cannot link a pair twice.
    Reviewers' events are not limited.
    """

    __tablename__ = "duplicate_link"
    __table_args__ = (
        CheckConstraint("record_a_id < record_b_id", name="ordered_pair"),
        CheckConstraint(sql_in("status", LINK_STATUSES), name="status"),
        Index(None, "record_a_id", "record_b_id"),
        Index(None, "record_b_id"),
        Index(
            "uq_duplicate_link_rule_pair",
            "record_a_id",
            "record_b_id",
            unique=True,
            sqlite_where=text("reviewer_id IS NULL"),
            postgresql_where=text("reviewer_id IS NULL"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_a_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    record_b_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    rule: Mapped[str] = mapped_column(String(100))
    score: Mapped[float | None]
    status: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class DecisionEvent(Base):
    """One screening decision about one record, by one reviewer, at one stage.

    ``kind`` is ``"decision"`` for a reviewer's own decision and ``"resolution"`` for an
    arbiter's resolution of a disagreement (include or exclude only). The latest event per
    record and reviewer (per record, for resolutions) is current; ordering is by ``id``.
    A ``retraction`` takes back its author's current decision (or resolution), echoing
    it: the record is then undecided for them ("undo"). ``revealed`` marks a decision
    made after another reviewer's decision on the record could be seen by its author
    (:mod:`sysreview.screening.status`); ``source`` is the route or file it came from
    (``cli``, ``web``, ``api``, ``sheet:NAME``).
    """

    __tablename__ = "decision_event"
    __table_args__ = (
        CheckConstraint(sql_in("stage", STAGES), name="stage"),
        CheckConstraint(sql_in("kind", DECISION_KINDS), name="kind"),
        CheckConstraint(sql_in("decision", DECISIONS), name="decision"),
        CheckConstraint("kind = 'decision' OR decision <> 'maybe'", name="resolution_decides"),
        Index(None, "stage", "record_id", "reviewer_id"),
        Index(None, "reviewer_id"),
        Index(None, "stage", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(2))
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    kind: Mapped[str] = mapped_column(String(20), default="decision")
    decision: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retraction: Mapped[bool] = mapped_column(default=False, server_default=false())
    revealed: Mapped[bool] = mapped_column(default=False, server_default=false())
    source: Mapped[str | None] = mapped_column(String(500))

    reviewer: Mapped[Reviewer] = relationship()


class ScreeningAssignment(Base):
    """An assignment event: who holds a ``slot`` of a record's screening at a stage.

    ``slot`` is ``"first"`` or ``"second"`` (dual screening); ``reviewer_id`` is empty
    for a slot left empty on purpose (a unit screened once). The latest event per stage,
    record and slot is current. ``origin`` is ``"protocol"`` (drawn by the protocol's
    rule, :mod:`sysreview.screening.assignment`) or ``"reassignment"`` (by
    ``assigned_by``, an administrator).
    """

    __tablename__ = "screening_assignment"
    __table_args__ = (
        CheckConstraint(sql_in("stage", STAGES), name="stage"),
        CheckConstraint(sql_in("slot", SLOTS), name="slot"),
        CheckConstraint(sql_in("origin", ASSIGNMENT_ORIGINS), name="origin"),
        Index(None, "stage", "record_id", "slot"),
        Index(None, "stage", "id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(2))
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    slot: Mapped[str] = mapped_column(String(10))
    reviewer_id: Mapped[int | None] = mapped_column(ForeignKey("reviewer.id"))
    origin: Mapped[str] = mapped_column(String(20), default="protocol")
    assigned_by: Mapped[str] = mapped_column(String(200), default="sysreview")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuditEntry(Base):
    """Who did what to which entity, with a JSON payload (see :meth:`Store.audit`)."""

    __tablename__ = "audit_log"
    __table_args__ = (Index(None, "entity", "entity_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    who: Mapped[str] = mapped_column(String(200))
    what: Mapped[str] = mapped_column(String(100))
    entity: Mapped[str] = mapped_column(String(100))
    entity_id: Mapped[int | None]
    payload: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
