"""Tables of studies and what is extracted and appraised from them.

A study is described by one or more reports (records, via ``study_report``). Arms,
outcome measures and outcome data carry the numbers; ``rob_judgement`` and
``extraction_value`` are event logs. ``outcome_data`` is an event log too: a corrected
number is a new row, and the latest row per arm, measure and timepoint is current. In
all three, a row with ``retracted`` takes back its author's current value for its key.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text, UniqueConstraint, false
from sqlalchemy.orm import Mapped, mapped_column, relationship

from sysreview.project.storage.base import (
    ENTRY_KINDS,
    ROB_JUDGEMENTS,
    Base,
    JSONValue,
    sql_in,
    utcnow,
)


class Study(Base):
    """A study (trial), identified by a label such as ``"Smith 2019"``."""

    __tablename__ = "study"

    id: Mapped[int] = mapped_column(primary_key=True)
    label: Mapped[str] = mapped_column(String(200), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    reports: Mapped[list[StudyReport]] = relationship(
        back_populates="study", order_by="StudyReport.id"
    )
    arms: Mapped[list[Arm]] = relationship(back_populates="study", order_by="Arm.id")


class StudyReport(Base):
    """Links a record to the study it reports; ``is_primary`` marks the main report."""

    __tablename__ = "study_report"
    __table_args__ = (UniqueConstraint("study_id", "record_id"), Index(None, "record_id"))

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id"))
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    is_primary: Mapped[bool] = mapped_column(default=False)

    study: Mapped[Study] = relationship(back_populates="reports")


class Arm(Base):
    """One arm of a study: its type, randomised ``n`` and how the intervention was given.

    ``arm_type`` is ``"intervention"`` or one of the protocol's comparator codes (checked
    by :mod:`sysreview.project.extracting.values` against the protocol, not by the database).
    The columns hold the arm's *current* values; what each reviewer extracted, and any
    consensus, is kept in ``extraction_value`` (entity ``"arm"``).
    """

    __tablename__ = "arm"
    __table_args__ = (
        UniqueConstraint("study_id", "name"),
        CheckConstraint("arm_type <> ''", name="arm_type"),
        CheckConstraint("n IS NULL OR n >= 0", name="n"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id"))
    name: Mapped[str] = mapped_column(String(200))
    arm_type: Mapped[str] = mapped_column(String(100))
    n: Mapped[int | None]
    description: Mapped[str | None] = mapped_column(Text)
    delivery: Mapped[str | None] = mapped_column(Text)
    structured: Mapped[bool | None]

    study: Mapped[Study] = relationship(back_populates="arms")


class OutcomeMeasure(Base):
    """An instrument measuring an outcome domain, with its scale and direction."""

    __tablename__ = "outcome_measure"
    __table_args__ = (
        UniqueConstraint("domain", "instrument"),
        CheckConstraint(
            "scale_min IS NULL OR scale_max IS NULL OR scale_min < scale_max", name="scale"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(200))
    instrument: Mapped[str] = mapped_column(String(200))
    scale_min: Mapped[float | None]
    scale_max: Mapped[float | None]
    higher_is_better: Mapped[bool]
    validated: Mapped[bool]


class OutcomeData(Base):
    """Numbers for one arm, outcome measure and timepoint, as entered (an event).

    Continuous outcomes fill ``mean``, ``sd``, ``n`` (or the change-from-baseline fields,
    or ``se``/``ci_low``/``ci_high`` with ``ci_level``, or the ``t`` statistic or
    two-sided ``p`` of the difference in means on either arm's row, giving both arms' SD,
    or ``median`` with ``q1``/``q3`` and/or ``minimum``/``maximum``); dichotomous outcomes
    fill ``events`` and ``n``.
    When ``sd`` (or ``mean``) was derived from other numbers, ``flags`` says how.
    ``timepoint_weeks`` is the time after the end of the intervention, ``timepoint`` the
    report's own label. Provenance: ``report_record_id`` (the report, a record),
    ``source_location`` (page, table) and ``entered_by``. ``kind`` is ``"reviewer"`` for
    one reviewer's numbers, ``"consensus"`` for the agreed ones.
    """

    __tablename__ = "outcome_data"
    __table_args__ = (
        CheckConstraint("sd IS NULL OR sd >= 0", name="sd"),
        CheckConstraint("sd_change IS NULL OR sd_change >= 0", name="sd_change"),
        CheckConstraint("se IS NULL OR se >= 0", name="se"),
        CheckConstraint("n IS NULL OR n >= 0", name="n"),
        CheckConstraint(
            "events IS NULL OR (events >= 0 AND (n IS NULL OR events <= n))", name="events"
        ),
        CheckConstraint("ci_low IS NULL OR ci_high IS NULL OR ci_low <= ci_high", name="ci_order"),
        CheckConstraint("ci_level IS NULL OR (ci_level > 0 AND ci_level < 1)", name="ci_level"),
        CheckConstraint(
            "reported_p IS NULL OR (reported_p >= 0 AND reported_p <= 1)", name="reported_p"
        ),
        CheckConstraint(sql_in("kind", ENTRY_KINDS), name="kind"),
        Index(None, "arm_id", "outcome_measure_id", "timepoint"),
        Index(None, "outcome_measure_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    arm_id: Mapped[int] = mapped_column(ForeignKey("arm.id"))
    outcome_measure_id: Mapped[int] = mapped_column(ForeignKey("outcome_measure.id"))
    timepoint: Mapped[str] = mapped_column(String(100))
    timepoint_weeks: Mapped[float | None]
    mean: Mapped[float | None]
    sd: Mapped[float | None]
    n: Mapped[int | None]
    events: Mapped[int | None]
    mean_change: Mapped[float | None]
    sd_change: Mapped[float | None]
    se: Mapped[float | None]
    ci_low: Mapped[float | None]
    ci_high: Mapped[float | None]
    t: Mapped[float | None]
    p: Mapped[float | None]
    ci_level: Mapped[float | None]
    median: Mapped[float | None]
    q1: Mapped[float | None]
    q3: Mapped[float | None]
    minimum: Mapped[float | None]
    maximum: Mapped[float | None]
    reported_p: Mapped[float | None]
    flags: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    note: Mapped[str | None] = mapped_column(Text)
    report_record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"))
    source_location: Mapped[str | None] = mapped_column(Text)
    entered_by: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    kind: Mapped[str] = mapped_column(String(20), default="reviewer")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retracted: Mapped[bool] = mapped_column(default=False, server_default=false())


class RobJudgement(Base):
    """A risk-of-bias judgement (an event) for one study, tool and domain.

    ``outcome_measure_id`` is set for outcome-level domains (RoB 2). ``kind`` is
    ``"reviewer"`` for one reviewer's judgement, ``"consensus"`` for the agreed one.
    """

    __tablename__ = "rob_judgement"
    __table_args__ = (
        CheckConstraint(sql_in("judgement", ROB_JUDGEMENTS), name="judgement"),
        CheckConstraint(sql_in("kind", ENTRY_KINDS), name="kind"),
        Index(None, "study_id", "tool", "domain"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    study_id: Mapped[int] = mapped_column(ForeignKey("study.id"))
    outcome_measure_id: Mapped[int | None] = mapped_column(ForeignKey("outcome_measure.id"))
    tool: Mapped[str] = mapped_column(String(20))
    domain: Mapped[str] = mapped_column(String(100))
    judgement: Mapped[str] = mapped_column(String(20))
    support: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    kind: Mapped[str] = mapped_column(String(20), default="reviewer")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retracted: Mapped[bool] = mapped_column(default=False, server_default=false())


class ExtractionValue(Base):
    """A generic extracted value (an event): ``key`` of entity ``entity``/``entity_id``.

    ``value`` is any JSON value; ``report_record_id`` (the report, a record) and
    ``source_location`` (page, table) are its provenance; ``kind`` is ``"reviewer"`` for
    one reviewer's value, ``"consensus"`` for the agreed one.
    """

    __tablename__ = "extraction_value"
    __table_args__ = (
        CheckConstraint(sql_in("kind", ENTRY_KINDS), name="kind"),
        Index(None, "entity", "entity_id", "key"),
        Index(None, "reviewer_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    entity: Mapped[str] = mapped_column(String(50))
    entity_id: Mapped[int]
    key: Mapped[str] = mapped_column(String(200))
    value: Mapped[Any] = mapped_column(JSONValue, nullable=True)
    report_record_id: Mapped[int | None] = mapped_column(ForeignKey("record.id"))
    source_location: Mapped[str | None] = mapped_column(Text)
    reviewer_id: Mapped[int] = mapped_column(ForeignKey("reviewer.id"))
    kind: Mapped[str] = mapped_column(String(20), default="reviewer")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    retracted: Mapped[bool] = mapped_column(default=False, server_default=false())
