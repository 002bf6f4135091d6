"""The reviewers' GRADE ratings: one event per rating of a domain of an outcome.

A rating names the outcome (the protocol's outcome domain and a timepoint), the GRADE
domain (``risk_of_bias``, ``inconsistency``, ``indirectness``, ``imprecision``,
``publication_bias``), the rating (``no``, ``serious``, ``very_serious``) and the
reviewer's justification, which may not be empty. ``kind`` is ``"reviewer"`` for one
reviewer's rating, ``"consensus"`` for the agreed one; ``source`` names the route or file
it came from (``cli``, ``web``, ``sheet:r1.xlsx``). The table is an event log: the latest
row per outcome, timepoint, domain, reviewer and kind is that reviewer's current rating
(:mod:`sysreview.project.grading.ratings`).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sysreview.project.storage.base import ENTRY_KINDS, Base, sql_in, utcnow

GRADE_DOMAINS = (
    "risk_of_bias",
    "inconsistency",
    "indirectness",
    "imprecision",
    "publication_bias",
)
"""The GRADE domains a rating may name (:class:`sysreview.grade.GradeDomain`)."""
GRADE_RATINGS = ("no", "serious", "very_serious")
"""The ratings of a domain (:class:`sysreview.grade.Rating`)."""


class GradeRating(Base):
    """A reviewer's rating of one GRADE domain of one outcome at one timepoint (an event)."""

    __tablename__ = "grade_rating"
    __table_args__ = (
        CheckConstraint(sql_in("domain", GRADE_DOMAINS), name="domain"),
        CheckConstraint(sql_in("rating", GRADE_RATINGS), name="rating"),
        CheckConstraint(sql_in("kind", ENTRY_KINDS), name="kind"),
        CheckConstraint("reason <> ''", name="reason"),
        Index(None, "outcome", "timepoint", "domain"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    outcome: Mapped[str] = mapped_column(String(200))
    timepoint: Mapped[str] = mapped_column(String(50))
    domain: Mapped[str] = mapped_column(String(30))
    rating: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    kind: Mapped[str] = mapped_column(String(20), default="reviewer")
    source: Mapped[str] = mapped_column(String(200), default="python")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


__all__ = ["GRADE_DOMAINS", "GRADE_RATINGS", "GradeRating"]
