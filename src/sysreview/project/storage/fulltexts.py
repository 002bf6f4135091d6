"""Tables of full texts and of studies' follow-up: files, retrieval, status, author contact.

All four are event logs (append-only, :data:`~sysreview.project.storage.base.APPEND_ONLY_TABLES`):

- ``fulltext_file``: a PDF attached to a record (a report), by content: ``sha256`` of its
  bytes (the file itself is kept once in the project folder as
  ``fulltexts/<sha256>.pdf``), the original file name, size, pages, the extracted text
  (searchable), who attached it, from where (``source``: ``cli``, ``match``, the URL it
  was downloaded from) and when. A record holds a given file once.
- ``retrieval_event``: a report's retrieval status: ``sought``, ``retrieved`` or
  ``not_retrieved`` (with a reason, which may not be empty). The latest event per record
  is its status; PRISMA's "reports not retrieved" counts from it
  (:mod:`sysreview.project.reporting.prisma_data`).
- ``study_status_event``: a study listed as ``awaiting_classification`` or ``ongoing``
  (Cochrane Handbook 4.5, MECIR R44-R45: the tables of studies awaiting classification
  and of ongoing studies), with its data (methods, participants, interventions,
  outcomes, notes; for ongoing studies also the trial name, start date, contact,
  registration) as JSON; ``none`` takes the listing back. The latest event per study
  is current.
- ``author_contact``: one message to a study's author (who was contacted, by whom, when,
  what was asked) and what came of it (reply, outcome); a later row with ``follows_id``
  records the reply or a new outcome of that contact, so the latest row of a thread is
  its current state.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from sysreview.project.storage.base import Base, JSONValue, sql_in, utcnow

RETRIEVAL_STATUSES = ("sought", "retrieved", "not_retrieved")
"""A report's retrieval: asked for, in hand, or not obtainable (with a reason)."""
STUDY_STATUSES = ("awaiting_classification", "ongoing", "none")
"""A study's listing: awaiting classification, ongoing, or neither (taken back)."""
CONTACT_OUTCOMES = ("awaiting_reply", "answered", "no_reply", "declined")
"""What came of a message to an author."""


class FulltextFile(Base):
    """A full-text file attached to a record (an event; the file is kept by its hash)."""

    __tablename__ = "fulltext_file"
    __table_args__ = (
        UniqueConstraint("record_id", "sha256"),
        CheckConstraint("length(sha256) = 64", name="sha256"),
        CheckConstraint("size > 0", name="size"),
        CheckConstraint("file_name <> ''", name="file_name"),
        Index(None, "sha256"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    sha256: Mapped[str] = mapped_column(String(64))
    file_name: Mapped[str] = mapped_column(String(500))
    size: Mapped[int]
    page_count: Mapped[int | None]
    text: Mapped[str | None] = mapped_column(Text)
    source: Mapped[str] = mapped_column(String(2000))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RetrievalEvent(Base):
    """A report's retrieval status, as recorded by a reviewer (an event; latest wins)."""

    __tablename__ = "retrieval_event"
    __table_args__ = (
        CheckConstraint(sql_in("status", RETRIEVAL_STATUSES), name="status"),
        CheckConstraint(
            "status <> 'not_retrieved' OR (reason IS NOT NULL AND reason <> '')", name="reason"
        ),
        Index(None, "record_id"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StudyStatusEvent(Base):
    """A study listed as awaiting classification or ongoing, with its data (an event)."""

    __tablename__ = "study_status_event"
    __table_args__ = (
        CheckConstraint(sql_in("status", STUDY_STATUSES), name="status"),
        Index(None, "study_id"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id"))
    status: Mapped[str] = mapped_column(String(30))
    data: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class AuthorContact(Base):
    """A message to a study's author, or (``follows_id``) a later state of one (an event)."""

    __tablename__ = "author_contact"
    __table_args__ = (
        CheckConstraint(sql_in("outcome", CONTACT_OUTCOMES), name="outcome"),
        CheckConstraint("contact <> ''", name="contact"),
        CheckConstraint("asked <> ''", name="asked"),
        Index(None, "study_id"),
        Index(None, "follows_id"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id"))
    follows_id: Mapped[int | None] = mapped_column(ForeignKey("author_contact.id"))
    contact: Mapped[str] = mapped_column(String(500))
    contacted_on: Mapped[date]
    asked: Mapped[str] = mapped_column(Text)
    reply: Mapped[str | None] = mapped_column(Text)
    replied_on: Mapped[date | None]
    outcome: Mapped[str] = mapped_column(String(20))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = [
    "CONTACT_OUTCOMES",
    "RETRIEVAL_STATUSES",
    "STUDY_STATUSES",
    "AuthorContact",
    "FulltextFile",
    "RetrievalEvent",
    "StudyStatusEvent",
]
