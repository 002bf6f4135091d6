"""Taking back an extracted value, outcome numbers or a risk-of-bias judgement.

A retraction is a new event that copies the key of its author's current value (study
or arm and field; arm, measure and time; study and domain) and marks it ``retracted``:
the key then has no value of theirs (nor a consensus one, for a consensus retraction)
until a new one is entered, and the audit trail keeps both. Nothing is ever deleted.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError, StateConflictError
from sysreview.project.selection.decisions import sync_reviewers
from sysreview.project.storage import (
    Arm,
    ExtractionValue,
    OutcomeData,
    OutcomeMeasure,
    RobJudgement,
    Store,
    Study,
)
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

__all__ = ["Retracted", "retract_judgement", "retract_outcome", "retract_value"]

CONSENSUS = "consensus"


@dataclass(frozen=True)
class Retracted:
    """What was taken back: the item, its value, by whom, and the event's id."""

    what: str
    value: str
    reviewer: str
    kind: str
    event_id: int

    def summary(self) -> str:
        """One line for the command line."""
        whose = "the consensus" if self.kind == CONSENSUS else f"{self.reviewer}'s"
        return f"{self.what}: {whose} value ({self.value}) retracted (event {self.event_id})"


def _person(session: Session, protocol: Protocol, reviewer: str, roles: tuple[Role, ...]) -> int:
    person = protocol.review.reviewer(reviewer)
    if person is None or not any(person.has(r) for r in roles):
        wanted = " or ".join(r.value for r in roles)
        raise InputError(f"reviewer {reviewer!r} is not an {wanted} of the protocol")
    return sync_reviewers(session, protocol)[reviewer].id


def _study(session: Session, label: str) -> Study:
    study = session.scalar(select(Study).where(Study.label == label))
    if study is None:
        known = ", ".join(session.scalars(select(Study.label).order_by(Study.id))) or "none"
        raise InputError(f"unknown study {label!r} (studies: {known})")
    return study


def _arm(session: Session, study: Study, name: str) -> Arm:
    arm = session.scalar(select(Arm).where(Arm.study_id == study.id, Arm.name == name))
    if arm is None:
        known = ", ".join(a.name for a in study.arms) or "none"
        raise InputError(f"study {study.label!r} has no arm {name!r} (arms: {known})")
    return arm


def _latest(session: Session, query: object) -> object | None:
    rows = list(session.scalars(query))  # type: ignore[call-overload]
    return rows[-1] if rows else None


def retract_value(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    study: str,
    field: str,
    arm: str | None = None,
    consensus: bool = False,
) -> Retracted:
    """Take back a study's (or, with ``arm``, an arm's) extracted ``field``.

    Raises
    ------
    InputError
        For an unknown reviewer, study or arm; :class:`StateConflictError` when there is
        no current value to take back.
    """
    with store.session() as session:
        who = _person(session, protocol, reviewer, (Role.EXTRACTOR, Role.ARBITER))
        target = _study(session, study)
        entity, entity_id = ("study", target.id)
        if arm is not None:
            entity, entity_id = ("arm", _arm(session, target, arm).id)
        v = ExtractionValue
        kind = CONSENSUS if consensus else "reviewer"
        query = select(v).where(v.entity == entity, v.entity_id == entity_id, v.key == field,
                                v.kind == kind).order_by(v.id)  # fmt: skip
        if not consensus:
            query = query.where(v.reviewer_id == who)
        current = _latest(session, query)
        what = f"{study}{f' / {arm}' if arm else ''}: {field}"
        if not isinstance(current, ExtractionValue) or current.retracted:
            raise StateConflictError(f"{what}: no current value to retract")
        row = ExtractionValue(entity=entity, entity_id=entity_id, key=field, value=current.value,
                              reviewer_id=who, kind=kind, retracted=True)  # fmt: skip
        session.add(row)
        session.flush()
        store.audit(reviewer, "retract value", "extraction_value", row.id,
                    {"study": study, "arm": arm, "field": field, "kind": kind})  # fmt: skip
        return Retracted(what, str(current.value), reviewer, kind, row.id)


def retract_outcome(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    study: str,
    arm: str,
    measure: str,
    weeks: float,
    consensus: bool = False,
) -> Retracted:
    """Take back an arm's outcome numbers for ``measure`` at ``weeks``.

    ``measure`` is the instrument; ``weeks`` count from the end of the intervention.

    Raises
    ------
    InputError
        For an unknown reviewer, study, arm or measure; :class:`StateConflictError`
        when there are no current numbers to take back.
    """
    with store.session() as session:
        who = _person(session, protocol, reviewer, (Role.EXTRACTOR, Role.ARBITER))
        target = _arm(session, _study(session, study), arm)
        measures = list(session.scalars(
            select(OutcomeMeasure).where(OutcomeMeasure.instrument == measure)))  # fmt: skip
        if len(measures) != 1:
            problem = "unknown" if not measures else "ambiguous (in several domains)"
            raise InputError(f"measure {measure!r} is {problem}")
        o = OutcomeData
        kind = CONSENSUS if consensus else "reviewer"
        query = (
            select(o)
            .where(
                o.arm_id == target.id,
                o.outcome_measure_id == measures[0].id,
                o.timepoint_weeks == weeks,
                o.kind == kind,
            )
            .order_by(o.id)
        )
        if not consensus:
            query = query.where(o.entered_by == who)
        current = _latest(session, query)
        what = f"{study} / {arm}: {measure} at {weeks:g} weeks"
        if not isinstance(current, OutcomeData) or current.retracted:
            raise StateConflictError(f"{what}: no current numbers to retract")
        shown = ", ".join(f"{k} {getattr(current, k):g}" for k in ("mean", "sd", "n", "events")
                          if getattr(current, k) is not None)  # fmt: skip
        row = OutcomeData(arm_id=target.id, outcome_measure_id=measures[0].id,
                          timepoint=current.timepoint, timepoint_weeks=current.timepoint_weeks,
                          entered_by=who, kind=kind, retracted=True)  # fmt: skip
        session.add(row)
        session.flush()
        store.audit(reviewer, "retract outcome", "outcome_data", row.id,
                    {"study": study, "arm": arm, "measure": measure, "weeks": weeks,
                     "kind": kind})  # fmt: skip
        return Retracted(what, shown or "no numbers", reviewer, kind, row.id)


def retract_judgement(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    study: str,
    domain: str,
    result: str | None = None,
    consensus: bool = False,
) -> Retracted:
    """Take back a risk-of-bias domain judgement (RoB 2: of one ``result``, if given).

    Raises
    ------
    InputError
        For an unknown reviewer or study; :class:`StateConflictError` when there is no
        current judgement to take back.
    """
    if protocol.risk_of_bias is None:
        raise InputError("the protocol has no [risk_of_bias] section")
    tool = protocol.risk_of_bias.tool
    key = f"{result}/{domain}" if result else domain
    with store.session() as session:
        who = _person(session, protocol, reviewer, (Role.APPRAISER, Role.ARBITER))
        target = _study(session, study)
        r = RobJudgement
        kind = CONSENSUS if consensus else "reviewer"
        query = select(r).where(r.study_id == target.id, r.tool == tool.value, r.domain == key,
                                r.kind == kind).order_by(r.id)  # fmt: skip
        if not consensus:
            query = query.where(r.reviewer_id == who)
        current = _latest(session, query)
        what = f"{study}: {key}"
        if not isinstance(current, RobJudgement) or current.retracted:
            raise StateConflictError(f"{what}: no current judgement to retract")
        row = RobJudgement(study_id=target.id, outcome_measure_id=current.outcome_measure_id,
                           tool=tool.value, domain=key, judgement=current.judgement,
                           reviewer_id=who, kind=kind, retracted=True)  # fmt: skip
        session.add(row)
        session.flush()
        store.audit(reviewer, "retract judgement", "rob_judgement", row.id,
                    {"study": study, "domain": key, "kind": kind})  # fmt: skip
        return Retracted(what, current.judgement, reviewer, kind, row.id)
