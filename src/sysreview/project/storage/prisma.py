"""PRISMA 2020 counts from another source: one event per set of counts recorded.

A project that builds on identification and screening done elsewhere (an earlier search
in another tool, another team's search whose included studies it re-assesses) records
those counts as they were reported (:class:`sysreview.prisma.OtherSourceCounts`): ``source``
names who reported them, ``counts`` holds the boxes (as
:meth:`sysreview.prisma.PrismaCounts.to_dict` writes them), ``note`` how they were taken,
``file_name`` and ``file_sha256`` the file they were read from, ``reviewer_id`` who
recorded them. The table is an event log: the latest row per ``source`` holds its current
counts, and a row whose ``counts`` is NULL withdraws them
(:mod:`sysreview.project.reporting.prisma_data`).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sysreview.project.storage.base import Base, JSONValue, utcnow


class PrismaOtherSource(Base):
    """PRISMA counts one source reported, as recorded by a reviewer (an event)."""

    __tablename__ = "prisma_other_source"
    __table_args__ = (
        CheckConstraint("source <> ''", name="source"),
        Index(None, "source"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    source: Mapped[str] = mapped_column(String(500))
    note: Mapped[str | None] = mapped_column(Text)
    counts: Mapped[dict[str, Any] | None] = mapped_column(JSONValue)
    file_name: Mapped[str | None] = mapped_column(String(500))
    file_sha256: Mapped[str | None] = mapped_column(String(64))
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["PrismaOtherSource"]
