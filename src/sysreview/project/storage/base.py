"""The declarative base, column types and the controlled vocabularies of the store.

Every table uses an integer surrogate key ``id``. Timestamps are timezone-aware UTC
(:class:`UTCDateTime`), stored as ``timestamptz`` on PostgreSQL and as naive UTC text on
SQLite. Constraint names follow :data:`NAMING_CONVENTION`, so migrations can refer to them.

Tables listed in :data:`APPEND_ONLY_TABLES` are event logs (or imported evidence): rows are
only ever inserted. The database refuses ``UPDATE`` and ``DELETE`` on them (triggers created
by the initial migration) and the ORM refuses to flush such changes before they reach it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any, ClassVar

from sqlalchemy import JSON, DateTime, Dialect, MetaData, event
from sqlalchemy.orm import DeclarativeBase, Mapper
from sqlalchemy.types import TypeDecorator

from sysreview.errors import StoreError

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

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


class UTCDateTime(TypeDecorator[datetime]):
    """A timezone-aware UTC timestamp on every backend.

    Naive datetimes are refused on the way in: the store cannot know their zone.
    """

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The value as stored: UTC, and naive on SQLite; a naive datetime is refused."""
        if value is None:
            return None
        if value.tzinfo is None or value.utcoffset() is None:
            raise ValueError(f"naive datetime {value.isoformat()}; give a timezone (UTC)")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        """The stored value as an aware UTC datetime."""
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


JSONValue = JSON(none_as_null=True)
"""JSON column type; Python ``None`` is stored as SQL ``NULL``."""


class Base(DeclarativeBase):
    """Declarative base of every table in the store."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map: ClassVar[dict[Any, Any]] = {
        datetime: UTCDateTime(),
        dict[str, Any]: JSONValue,
    }


def _refuse_change(mapper: Mapper[Any], connection: Any, target: Any) -> None:
    table = getattr(target, "__tablename__", "")
    if table in APPEND_ONLY_TABLES:
        raise StoreError(f"{table} is append-only: record a correction as a new row")


event.listen(Base, "before_update", _refuse_change, propagate=True)
event.listen(Base, "before_delete", _refuse_change, propagate=True)
