"""Storing risk-of-bias entries as events, compared with each reviewer's current ones.

Shared by the sheet loader (:mod:`sysreview.project.appraising.sheets`) and the web form
(:mod:`sysreview.project.appraising.forms`). An entry is one domain's judgement (for
RoB 2 results, the domain key is ``"<result>/<domain>"``) with its support text,
location and, for RoB 2, the answers to the signalling questions. Storage (see
:mod:`sysreview.project.appraising.assessments`): a ``rob_judgement`` event, the location as an
``extraction_value`` of entity ``"rob_judgement"`` and each answer as one of entity
``"rob2"``. An entry equal to the reviewer's current one (judgement, support, location
and answers) is not stored again.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.selection.decisions import sync_reviewers
from sysreview.project.sheets.results import Tally
from sysreview.project.storage import (
    ExtractionValue,
    Reviewer,
    RobJudgement,
    Study,
    current_extraction_values,
)
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool
from sysreview.protocol.review import Role

CONSENSUS = "consensus"
TABLE = "rob_judgement"
OVERALL = "overall"
"""The domain key of an assessor's own overall RoB 2 judgement (``<result>/overall`` per
result), stored when a data file gives one: RoB 2 lets assessors judge a result at high
risk for some concerns in several domains (Sterne et al. 2019), which the algorithm does
not; :func:`sysreview.project.appraising.assessments.rob_assessments` then uses it."""
Answers = Mapping[str, tuple[str, str | None]]
"""``{question: (answer, location)}`` of one domain."""


@dataclass(frozen=True)
class RobLoad:
    """What a form (or API call) stored: judgements and answers, for whom."""

    path: str
    reviewer: str
    kind: str
    judgements: int
    answers: int
    unchanged: int

    def summary(self) -> str:
        """One line for the command line."""
        return (
            f"{self.path}: {self.judgements} judgement(s) and {self.answers} answer(s) stored "
            f"for {self.reviewer} ({self.kind}); {self.unchanged} unchanged"
        )


@dataclass(frozen=True)
class RobEntry:
    """One judgement (and for RoB 2 its answers) from a sheet or form, before storage."""

    study: str
    domain: str  # storage key: "<domain>" or "<result>/<domain>"
    judgement: str
    support: str | None
    location: str | None
    answers: Answers = field(default_factory=dict)
    row: int = 0
    column: str = "judgement"

    @property
    def value(self) -> tuple[str, str | None, str | None, dict[str, tuple[str, str | None]]]:
        """What is compared with the current entry."""
        return (self.judgement, self.support, self.location, dict(self.answers))


def appraiser(session: Session, protocol: Protocol, reviewer: str, *, consensus: bool) -> Reviewer:
    """The store row of a protocol appraiser (or arbiter, for a consensus)."""
    people = {p.id: p for p in protocol.review.reviewers}
    person = people.get(reviewer)
    if person is None:
        raise InputError(
            f"unknown reviewer {reviewer!r}; the protocol's reviewers are {', '.join(people)}"
        )
    needed = (Role.APPRAISER, Role.ARBITER) if consensus else (Role.APPRAISER,)
    if not any(person.has(role) for role in needed):
        roles = ", ".join(r.value for r in person.roles)
        what = "an appraiser or arbiter" if consensus else "an appraiser"
        raise InputError(f"reviewer {reviewer!r} is not {what} (roles: {roles})")
    return sync_reviewers(session, protocol)[reviewer]


def tool_of(protocol: Protocol) -> Tool:
    """The protocol's risk-of-bias tool."""
    if protocol.risk_of_bias is None:
        raise InputError("the protocol has no [risk_of_bias] section: name the tool first")
    return protocol.risk_of_bias.tool


def studies_by_label(session: Session) -> dict[str, Study]:
    """The project's studies by label, in the order they were created."""
    return {s.label: s for s in session.scalars(select(Study).order_by(Study.id))}


def study_labelled(session: Session, label: str) -> Study:
    """The study with this label (:class:`InputError` naming it when there is none)."""
    found = studies_by_label(session).get(label)
    if found is None:
        raise InputError(f"unknown study {label!r}")
    return found


def current_judgements(
    session: Session, tool: Tool, reviewer_id: int, kind: str
) -> dict[tuple[int, str], RobJudgement]:
    """The reviewer's (or consensus) latest judgement per study and domain key.

    None for a key whose latest event is a retraction.
    """
    rows = session.scalars(
        select(RobJudgement)
        .where(RobJudgement.tool == tool.value, RobJudgement.reviewer_id == reviewer_id,
               RobJudgement.kind == kind)
        .order_by(RobJudgement.id)
    )  # fmt: skip
    latest = {(r.study_id, r.domain): r for r in rows}
    return {key: row for key, row in latest.items() if not row.retracted}


def current_entries(
    session: Session, tool: Tool, reviewer_id: int, kind: str
) -> dict[tuple[int, str], tuple[RobEntry, int]]:
    """The current entries, ``{(study id, domain key): (entry, judgement event id)}``."""
    judged = current_judgements(session, tool, reviewer_id, kind)
    mine = [v for v in current_extraction_values(session)
            if v.reviewer_id == reviewer_id and v.kind == kind
            and v.entity in ("rob2", "rob_judgement")]  # fmt: skip
    places = {v.entity_id: v.value for v in mine if v.entity == "rob_judgement"}
    answers: dict[tuple[int, str], dict[str, tuple[str, str | None]]] = {}
    for v in mine:
        if v.entity == "rob2":
            prefix, _, question = v.key.rpartition("/")
            answers.setdefault((v.entity_id, prefix), {})[question] = (
                str(v.value), v.source_location)  # fmt: skip
    labels = {s.id: s.label for s in session.scalars(select(Study))}
    out: dict[tuple[int, str], tuple[RobEntry, int]] = {}
    for (study_id, domain), row in judged.items():
        prefix, _, name = domain.rpartition("/")
        given = answers.get((study_id, prefix), {})
        own = {q: a for q, a in given.items() if _asks(tool, name, q)}
        location = places.get(row.id)
        entry = RobEntry(labels[study_id], domain, row.judgement, row.support or None,
                         None if location is None else str(location), own)  # fmt: skip
        out[(study_id, domain)] = (entry, row.id)
    return out


def _asks(tool: Tool, domain: str, question: str) -> bool:
    """Whether ``question`` is a signalling question of ``domain`` (RoB 2's ``1.2`` of D1)."""
    if tool is not Tool.ROB2:
        return False
    from sysreview.appraisal import rob2

    return question in {q.id for q in rob2.questions(domain)}


def _show(value: Any) -> str:
    judgement, support, location, answers = value
    extra = [f"support {support!r}" if support else "", f"location {location!r}" if location
             else "", f"{len(answers)} answer(s)" if answers else ""]  # fmt: skip
    shown = ", ".join(x for x in extra if x)
    return f"{judgement!r}" + (f" ({shown})" if shown else "")


def store_entries(
    session: Session,
    tool: Tool,
    entries: Sequence[RobEntry],
    study_ids: Mapping[str, int],
    who: int,
    kind: str,
    *,
    tally: Tally | None = None,
    where: str = "form",
) -> tuple[int, int, int]:
    """Store checked entries as events; ``(judgements stored, answers stored, unchanged)``.

    Each entry is compared with the current one (judgement, support, location and the
    answers it gives) by ``tally`` (:mod:`~sysreview.project.sheets.results`; unchecked by
    default: a form is entered now), which counts it as new, unchanged, corrected or
    stale; ``where`` names the file and sheet in stale rows.
    """
    tally = tally or Tally.unchecked()
    current = current_entries(session, tool, who, kind)
    before, stored, answered = tally.unchanged, 0, 0
    for entry in entries:
        study_id = study_ids[entry.study]
        found = current.get((study_id, entry.domain))
        now = None
        if found is not None:  # answers the entry does not give stay as they are
            old, event_id = found
            given = {q: old.answers.get(q) for q in entry.answers}
            now = ((old.judgement, old.support, old.location, given), TABLE, event_id)
        place = (where, entry.row, entry.column, f"{entry.study}, {entry.domain}")
        if not tally.judge(now, entry.value, place, _show):
            continue
        row = RobJudgement(study_id=study_id, tool=tool.value, domain=entry.domain,
                           judgement=entry.judgement, support=entry.support,
                           reviewer_id=who, kind=kind)  # fmt: skip
        session.add(row)
        session.flush()
        tally.keep(TABLE, row)
        stored += 1
        if entry.location:
            session.add(ExtractionValue(entity="rob_judgement", entity_id=row.id, key="location",
                                        value=entry.location, source_location=entry.location,
                                        reviewer_id=who, kind=kind))  # fmt: skip
        prefix = entry.domain.rpartition("/")[0]
        for question, (answer, location) in entry.answers.items():
            session.add(ExtractionValue(entity="rob2", entity_id=study_id,
                                        key=f"{prefix}/{question}", value=answer,
                                        source_location=location, reviewer_id=who,
                                        kind=kind))  # fmt: skip
            answered += 1
    return stored, answered, tally.unchanged - before


__all__ = [
    "CONSENSUS",
    "OVERALL",
    "RobEntry",
    "RobLoad",
    "appraiser",
    "current_entries",
    "current_judgements",
    "store_entries",
    "studies_by_label",
    "study_labelled",
    "tool_of",
]
