"""Tables of the screening aids: stored sentence embeddings, and the stopping log.

``record_embedding`` is derived data: one vector per record and embedding model, computed
once after import (:mod:`sysreview.project.embeddings`) so that re-ranking never encodes
text. ``stopping_event`` is an event log (append-only): the team began screening a random
sample of the records left, stopped, or resumed, with the evidence shown at that moment.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, LargeBinary, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sysreview.project.storage.base import STAGES, Base, sql_in, utcnow

STOPPING_KINDS = ("sample", "stop", "resume")
"""``sample``: a random sample of the records left was begun; ``stop``: screening at the
stage was stopped; ``resume``: a stop was withdrawn and screening goes on."""


class RecordEmbedding(Base):
    """A record's sentence embedding under one model, as little-endian float32 bytes."""

    __tablename__ = "record_embedding"
    __table_args__ = (CheckConstraint("dimensions > 0", name="dimensions"),)

    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"), primary_key=True)
    model: Mapped[str] = mapped_column(String(100), primary_key=True)
    dimensions: Mapped[int]
    vector: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoppingEvent(Base):
    """A stopping decision at a stage, by whom, when, and the evidence behind it."""

    __tablename__ = "stopping_event"
    __table_args__ = (
        CheckConstraint(sql_in("stage", STAGES), name="stage"),
        CheckConstraint(sql_in("kind", STOPPING_KINDS), name="kind"),
        CheckConstraint(
            "n_screened >= 0 AND n_screened <= n_total AND n_relevant >= 0", name="counts"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    stage: Mapped[str] = mapped_column(String(2))
    kind: Mapped[str] = mapped_column(String(20))
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    method: Mapped[str] = mapped_column(String(100))
    n_total: Mapped[int]
    n_screened: Mapped[int]
    n_relevant: Mapped[int]
    recall_target: Mapped[float]
    alpha: Mapped[float]
    p_value: Mapped[float | None]
    recall_estimate: Mapped[float | None]
    recall_lower_bound: Mapped[float | None]
    sample_start: Mapped[int | None]
    sample_seed: Mapped[int | None]
    evidence: Mapped[str] = mapped_column(Text)
    note: Mapped[str | None] = mapped_column(Text)
