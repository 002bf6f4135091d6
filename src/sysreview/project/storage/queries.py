"""The current state, derived from the event logs: the latest event per key wins.

"Latest" means the highest ``id``: ids are handed out in insertion order by the database,
so they order events without trusting clocks. Nothing here writes.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any, TypeVar

from sqlalchemy import ColumnElement, Select, func, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from sysreview.errors import StoreError
from sysreview.project.storage.base import STAGES
from sysreview.project.storage.records import DecisionEvent, DuplicateLink

if TYPE_CHECKING:  # the study tables are imported by the queries that read them
    from sysreview.project.storage.studies import ExtractionValue, OutcomeData, RobJudgement

E = TypeVar("E", DecisionEvent, DuplicateLink, "ExtractionValue", "OutcomeData", "RobJudgement")


def _latest_ids(
    model: type[E],
    keys: Sequence[InstrumentedAttribute[Any]],
    *where: ColumnElement[bool],
) -> Select[int]:
    """``SELECT max(id) ... WHERE ... GROUP BY keys``: the id of the latest event per key."""
    return select(func.max(model.id)).where(*where).group_by(*keys)


def _fetch(session: Session, model: type[E], *id_queries: Select[int]) -> list[E]:
    """The rows of the latest ids, leaving out retractions (a key taken back has none)."""
    query = select(model).where(or_(*(model.id.in_(ids) for ids in id_queries)))
    retracted = getattr(model, "retracted", None)  # duplicate links have no retractions
    if retracted is not None:
        query = query.where(retracted.is_(False))
    return list(session.scalars(query.order_by(model.id)))


def latest_decisions_select(stage: str) -> Select[DecisionEvent]:
    """The query behind :func:`current_decisions`, for composing (joins, counts)."""
    if stage not in STAGES:
        raise StoreError(f"Invalid stage {stage!r}; must be one of {', '.join(STAGES)}")
    d = DecisionEvent
    own = _latest_ids(d, (d.record_id, d.reviewer_id), d.stage == stage, d.kind == "decision")
    resolved = _latest_ids(d, (d.record_id,), d.stage == stage, d.kind == "resolution")
    # a retraction is the latest event of its key but holds no decision: "undone"
    return select(d).where(or_(d.id.in_(own), d.id.in_(resolved)), d.retraction.is_(False))


def current_decisions(session: Session, stage: str) -> list[DecisionEvent]:
    """The current screening decisions at ``stage`` (``"ta"`` or ``"ft"``).

    Returns the latest ``"decision"`` event per record and reviewer, plus the latest
    ``"resolution"`` event per record (whichever arbiter made it), unless that latest
    event is a retraction (the decision was taken back), ordered by
    ``(record_id, kind, reviewer_id)``: a record's own decisions come before its resolution.
    """
    query = latest_decisions_select(stage)
    d = DecisionEvent
    return list(session.scalars(query.order_by(d.record_id, d.kind, d.reviewer_id)))


def current_duplicate_links(session: Session) -> list[DuplicateLink]:
    """The current status of every linked pair of records (the latest event per pair)."""
    link = DuplicateLink
    return _fetch(session, link, _latest_ids(link, (link.record_a_id, link.record_b_id)))


def current_judgements(session: Session, study_id: int | None = None) -> list[RobJudgement]:
    """Current risk-of-bias judgements, per reviewer and by consensus.

    The latest per study, tool, domain, outcome and reviewer, plus the latest consensus per
    study, tool, domain and outcome.
    """
    from sysreview.project.storage.studies import RobJudgement

    r = RobJudgement
    where = () if study_id is None else (r.study_id == study_id,)
    key = (r.study_id, r.tool, r.domain, r.outcome_measure_id)
    own = _latest_ids(r, (*key, r.reviewer_id), r.kind == "reviewer", *where)
    agreed = _latest_ids(r, key, r.kind == "consensus", *where)
    return _fetch(session, r, own, agreed)


def current_extraction_values(
    session: Session, entity: str | None = None, entity_id: int | None = None
) -> list[ExtractionValue]:
    """Current extracted values, per reviewer and by consensus.

    The latest per entity, key and reviewer, plus the latest consensus per entity and key;
    optionally for one ``entity`` (and ``entity_id``).
    """
    from sysreview.project.storage.studies import ExtractionValue

    v = ExtractionValue
    where: list[ColumnElement[bool]] = []
    if entity is not None:
        where.append(v.entity == entity)
    if entity_id is not None:
        where.append(v.entity_id == entity_id)
    key = (v.entity, v.entity_id, v.key)
    own = _latest_ids(v, (*key, v.reviewer_id), v.kind == "reviewer", *where)
    agreed = _latest_ids(v, key, v.kind == "consensus", *where)
    return _fetch(session, v, own, agreed)


def current_outcome_data(session: Session, arm_id: int | None = None) -> list[OutcomeData]:
    """Current outcome numbers, per reviewer and by consensus.

    The latest row per arm, outcome measure, timepoint and reviewer, plus the latest
    consensus row per arm, outcome measure and timepoint.
    """
    from sysreview.project.storage.studies import OutcomeData

    o = OutcomeData
    where = () if arm_id is None else (o.arm_id == arm_id,)
    key = (o.arm_id, o.outcome_measure_id, o.timepoint)
    own = _latest_ids(o, (*key, o.entered_by), o.kind == "reviewer", *where)
    agreed = _latest_ids(o, key, o.kind == "consensus", *where)
    return _fetch(session, o, own, agreed)
