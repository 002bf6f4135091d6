"""The store's controlled vocabularies, its append-only tables and two small helpers.

Plain constants, apart from the table classes (:mod:`sysreview.project.storage.base`),
so that code reading the store through the driver (:mod:`sysreview.project.storage.reads`)
does not import SQLAlchemy for them.
"""

from __future__ import annotations

from datetime import UTC, datetime

SOURCE_KINDS = ("database", "register", "other")
STAGES = ("ta", "ft")
"""Screening stages: title/abstract and full text."""
DECISIONS = ("include", "exclude", "maybe")
"""Screening decisions; a resolution may only include or exclude."""
DECISION_KINDS = ("decision", "resolution")
"""A reviewer's decision, or an arbiter's resolution of a disagreement."""
LINK_STATUSES = ("proposed", "confirmed", "rejected")
"""States of a duplicate link; the latest event per pair of records is current."""
ARM_TYPES = ("intervention",)
"""The one fixed arm type. Every other ``arm.arm_type`` is a comparator code declared by the
protocol (``[comparators] types``, e.g. ``TAU``, ``WL``, ``active``): the extraction service
checks it against the protocol, since the database cannot know the protocol."""
ROB_JUDGEMENTS = ("low", "high", "unclear", "some_concerns")
"""Risk-of-bias judgements of RoB 1 (low/high/unclear) and RoB 2 (low/some concerns/high)."""
SLOTS = ("first", "second")
"""A reviewer's place in a record's screening: the first reviewer, or the second of dual
screening."""
ASSIGNMENT_ORIGINS = ("protocol", "reassignment")
"""Where an assignment comes from: the protocol's rule, or an administrator's reassignment."""
ENTRY_KINDS = ("reviewer", "consensus")
"""A single reviewer's judgement or value, or the consensus reached after comparing them."""

APPEND_ONLY_TABLES = (
    "import_batch",
    "record",
    "duplicate_link",
    "decision_event",
    "screening_assignment",
    "outcome_data",
    "rob_judgement",
    "extraction_value",
    "audit_log",
    "grade_rating",
    "stopping_event",
    "prisma_other_source",
    "fulltext_file",
    "retrieval_event",
    "study_status_event",
    "author_contact",
    "label_definition",
    "label_event",
    "keyword_event",
)
"""Tables that accept ``INSERT`` only; corrections are new rows, current state is derived."""


def utcnow() -> datetime:
    """The current time, timezone-aware in UTC (the default of every ``created_at``)."""
    return datetime.now(UTC)


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """The SQL text of a CHECK constraint ``column IN ('a', 'b')``.

    Examples
    --------
    >>> sql_in("stage", STAGES)
    "stage IN ('ta', 'ft')"
    """
    return f"{column} IN ({', '.join(repr(v) for v in values)})"
