"""Linking a report finally included at full text to its study, and undoing the link."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError, StateConflictError
from sysreview.project.selection.decisions import unit_of
from sysreview.project.selection.state import screening_state
from sysreview.project.storage import Store, Study, StudyReport
from sysreview.protocol import Protocol

__all__ = ["link_report", "unlink_report"]


def link_report(
    store: Store,
    protocol: Protocol,
    *,
    record_id: int,
    study: str,
    primary: bool = False,
    who: str = "sysreview",
) -> tuple[int, bool]:
    """Link a report finally included at full text to its study (created on first use).

    Several reports can describe one study (the seed review: 11 reports of 8 studies);
    PRISMA counts both. Returns the study id and whether the study is new.

    Raises
    ------
    InputError
        When the record is unknown, not finally included at full text (settled), or
        already linked.
    """
    label = study.strip()
    if not label:
        raise InputError("--study needs a label, e.g. 'Cook 2012a'")
    state = screening_state(store, protocol)
    unit = unit_of(state, record_id)
    found = state.ft.status.get(unit)
    if found is None or not found.settled or found.decision != "include":
        said = "not forwarded to full text" if found is None else found.state.label
        if found is not None and found.settled:
            said = f"{found.decision}d"
        raise StateConflictError(
            f"record {record_id} is not finally included at full text ({said}); only "
            "included reports are linked to studies"
        )
    with store.session() as session:
        if session.scalar(select(StudyReport).where(StudyReport.record_id == record_id)):
            raise StateConflictError(f"record {record_id} is already linked to a study")
        row = session.scalar(select(Study).where(Study.label == label))
        new = row is None
        if row is None:
            row = Study(label=label)
            session.add(row)
            session.flush()
        session.add(StudyReport(study_id=row.id, record_id=record_id, is_primary=primary))
        session.flush()
        store.audit(who, "link report", "study", row.id,
                    {"record": record_id, "study": label, "new": new})  # fmt: skip
        return row.id, new


def unlink_report(store: Store, *, record_id: int, who: str = "sysreview") -> str:
    """Undo a report's link to its study; the study's label.

    The audit trail keeps the link and its removal. A study left without reports is
    removed with the link when nothing was extracted or appraised for it yet (a
    mistaken link leaves no trace but the audit's); otherwise the study's last report
    cannot be unlinked, since the study's data would then describe no included report.

    Raises
    ------
    StateConflictError
        When the record is not linked to a study, or is the last report of a study
        with extracted data or risk-of-bias judgements.
    """
    with store.session() as session:
        link = session.scalar(select(StudyReport).where(StudyReport.record_id == record_id))
        if link is None:
            raise StateConflictError(f"record {record_id} is not linked to a study")
        study = link.study
        label, study_id = study.label, study.id
        last = len(study.reports) == 1
        if last and _has_data(session, study_id):
            raise StateConflictError(
                f"record {record_id} is the only report of study {label!r}, which has "
                "extracted data or risk-of-bias judgements: link the study's other report "
                "first, or retract its data"
            )
        session.delete(link)
        session.flush()
        if last:
            session.delete(study)
            session.flush()
        store.audit(who, "unlink report", "study", study_id,
                    {"record": record_id, "study": label, "study_removed": last})  # fmt: skip
        return label


def _has_data(session: Session, study_id: int) -> bool:
    """Whether anything was extracted or appraised for the study."""
    from sysreview.project.storage import Arm, ExtractionValue, RobJudgement

    queries = (
        select(Arm.id).where(Arm.study_id == study_id),
        select(RobJudgement.id).where(RobJudgement.study_id == study_id),
        select(ExtractionValue.id).where(
            ExtractionValue.entity == "study", ExtractionValue.entity_id == study_id
        ),
    )
    return any(session.scalar(q.limit(1)) is not None for q in queries)
