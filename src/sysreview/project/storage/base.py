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
from sysreview.project.storage.vocabulary import (  # re-exported: the tables' names
    APPEND_ONLY_TABLES,
    ARM_TYPES,
    ASSIGNMENT_ORIGINS,
    DECISION_KINDS,
    DECISIONS,
    ENTRY_KINDS,
    LINK_STATUSES,
    ROB_JUDGEMENTS,
    SLOTS,
    SOURCE_KINDS,
    STAGES,
    sql_in,
    utcnow,
)

NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_N_name)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


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

__all__ = [
    "APPEND_ONLY_TABLES",
    "ARM_TYPES",
    "ASSIGNMENT_ORIGINS",
    "DECISIONS",
    "DECISION_KINDS",
    "ENTRY_KINDS",
    "LINK_STATUSES",
    "NAMING_CONVENTION",
    "ROB_JUDGEMENTS",
    "SLOTS",
    "SOURCE_KINDS",
    "STAGES",
    "Base",
    "JSONValue",
    "UTCDateTime",
    "sql_in",
    "utcnow",
]
