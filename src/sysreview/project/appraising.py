"""Risk-of-bias assessment in the project: sheets, two reviewers, agreement, consensus.

Reviewers record their judgements in a sheet (CSV, or XLSX by extension) written from
the protocol's tool and the project's studies, and load it back; the load checks every
row first and stores nothing unless the whole sheet is valid (one transaction).

Sheet columns
-------------
RoB 1 (one row per study and domain)::

    study, domain, judgement, support, location, suggestion

``suggestion`` is written by the template on the "incomplete outcome data" row: what the
protocol's attrition rule suggests from the extracted numbers, and why
(:mod:`sysreview.project.appraising_attrition`). It is never read back: a judgement is
stored only when the appraiser fills in ``judgement``.

RoB 2 (rows per study, result and domain; ``result`` empty = every result of the study)::

    study, result, domain, question, answer, judgement, support, location

In RoB 2 sheets a row either answers a signalling question (``question`` and ``answer``)
or gives the domain judgement (``judgement``, with ``question`` empty). When a domain has
answers, its judgement is the one the tool's algorithm derives
(:func:`sysreview.appraisal.rob2.judge_domain`); a judgement given as well must either
agree or come with a ``support`` text justifying the override, as the RoB 2 guidance asks.

Storage
-------
Each domain judgement is a ``rob_judgement`` event (tool, domain, judgement, support,
reviewer, kind ``reviewer`` or ``consensus``); for RoB 2 results the domain column holds
``"<result>/<domain>"``. Signalling answers are ``extraction_value`` events (entity
``"rob2"``, the study's id, key ``"<result>/<question>"``). A ``location`` (page, table)
is kept as the ``source_location`` of an ``extraction_value`` (entity
``"rob_judgement"``, the judgement's id, key ``"location"``). The latest event per study,
domain and reviewer is that reviewer's current judgement; a consensus judgement, once
recorded, is the study's.

Second reviewer
---------------
``risk_of_bias.second_reviewer_fraction`` of the studies (in the order the studies were
created, rounded up; the first ones, or a random sample drawn with
``second_reviewer_seed`` when ``second_reviewer_selection = "random"``) are assessed by
the second appraiser as well, blind;
:func:`rob_agreement` gives Cohen's kappa over their domain judgements and
:func:`rob_discrepancies` the items to resolve, by a consensus entry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.appraisal import rob1, rob2
from sysreview.errors import InputError
from sysreview.project.appraising_attrition import DOMAIN as ATTRITION_DOMAIN
from sysreview.project.appraising_attrition import attrition_suggestions
from sysreview.project.screening import sync_reviewers
from sysreview.project.sheet_io import read_first_sheet, write_sheet
from sysreview.project.store import ExtractionValue, Reviewer, RobJudgement, Store, Study
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import ROB1_DOMAINS, ROB2_DOMAINS, Tool
from sysreview.protocol.review import Role
from sysreview.screening.agreement import Agreement, agreement

PathLike = str | os.PathLike[str]
CONSENSUS = "consensus"

COLUMNS: Mapping[Tool, tuple[str, ...]] = {
    Tool.ROB1: ("study", "domain", "judgement", "support", "location", "suggestion"),
    Tool.ROB2: (
        "study",
        "result",
        "domain",
        "question",
        "answer",
        "judgement",
        "support",
        "location",
    ),
}
"""The sheet columns of each tool."""

_ROB1_NAMES = {d.name.casefold(): d.id for d in rob1.DOMAINS}


# ---- reading and checking a sheet ---------------------------------------------------------


def _read_sheet(path: Path, columns: Sequence[str]) -> list[tuple[int, dict[str, str]]]:
    """``(row number, {column: text})`` for every non-empty data row (header = row 1)."""
    values = read_first_sheet(path)
    if not values:
        raise InputError("empty sheet", source=str(path))
    header = [h.strip().lower() for h in values[0]]
    for needed in ("study", "domain"):
        if needed not in header:
            raise InputError(f"missing column {needed!r}", source=str(path), line=1)
    unknown = [h for h in header if h and h not in columns]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r}; the columns are {', '.join(columns)}",
            source=str(path),
            line=1,
        )
    return [
        (number, dict(zip(header, (cell.strip() for cell in row), strict=False)))
        for number, row in enumerate(values[1:], start=2)
        if any(cell.strip() for cell in row)
    ]


_Rows = list[tuple[int, dict[str, str]]]


@dataclass(frozen=True)
class _Entry:
    """One judgement (and for RoB 2 its answers) from a sheet, before storage."""

    study: str
    domain: str  # storage key: "<domain>" or "<result>/<domain>"
    judgement: str
    support: str | None
    location: str | None
    answers: Mapping[str, tuple[str, str | None]] = field(default_factory=dict)


def _rob1_domain(text: str) -> str | None:
    key = text.strip()
    if key in ROB1_DOMAINS:
        return key
    return _ROB1_NAMES.get(key.casefold())


def _parse_rob1(
    rows: list[tuple[int, dict[str, str]]], where: str
) -> tuple[list[_Entry], list[str]]:
    problems: list[str] = []
    entries: dict[tuple[str, str], tuple[int, _Entry]] = {}
    for number, row in rows:

        def bad(column: str, message: str, number: int = number) -> None:
            problems.append(str(InputError(message, source=where, line=number, column=column)))

        study = row.get("study", "")
        domain = _rob1_domain(row.get("domain", ""))
        judgement = row.get("judgement", "").casefold()
        if not study:
            bad("study", "empty study")
            continue
        if domain is None:
            bad("domain", f"unknown RoB 1 domain {row.get('domain')!r}; must be one of "
                f"{', '.join(ROB1_DOMAINS)}")  # fmt: skip
            continue
        if judgement not in rob1.JUDGEMENTS:
            bad("judgement", f"invalid judgement {row.get('judgement')!r}; must be one of "
                f"{', '.join(rob1.JUDGEMENTS)}")  # fmt: skip
            continue
        entry = _Entry(study, domain, judgement, row.get("support") or None,
                       row.get("location") or None)  # fmt: skip
        previous = entries.get((study, domain))
        if previous is not None:
            bad("domain", f"{study}: {domain} is judged again (first on row {previous[0]})")
            continue
        entries[(study, domain)] = (number, entry)
    return [e for _, e in entries.values()], problems


def _parse_rob2(
    rows: list[tuple[int, dict[str, str]]], where: str
) -> tuple[list[_Entry], list[str]]:
    problems: list[str] = []
    answers: dict[tuple[str, str, str], dict[str, tuple[str, str | None]]] = {}
    given: dict[tuple[str, str, str], tuple[int, str, str | None, str | None]] = {}
    first_row: dict[tuple[str, str, str], int] = {}
    for number, row in rows:

        def bad(column: str, message: str, number: int = number) -> None:
            problems.append(str(InputError(message, source=where, line=number, column=column)))

        study, result = row.get("study", ""), row.get("result", "")
        domain = row.get("domain", "")
        if not study:
            bad("study", "empty study")
            continue
        if domain not in ROB2_DOMAINS:
            bad("domain", f"unknown RoB 2 domain {domain!r}; must be one of "
                f"{', '.join(ROB2_DOMAINS)}")  # fmt: skip
            continue
        key = (study, result, domain)
        first_row.setdefault(key, number)
        question, answer = row.get("question", ""), row.get("answer", "").upper()
        judgement = row.get("judgement", "").casefold().replace(" ", "_")
        if question:
            allowed = {q.id for q in rob2.questions(domain)}
            if question not in allowed:
                bad("question", f"{domain} has no signalling question {question!r}; its "
                    f"questions are {', '.join(sorted(allowed))}")  # fmt: skip
                continue
            if question in answers.get(key, {}):
                bad("question", f"{study}: question {question} is answered twice")
                continue
            answers.setdefault(key, {})[question] = (answer, row.get("location") or None)
        if judgement:
            if judgement not in rob2.JUDGEMENTS:
                bad("judgement", f"invalid judgement {row.get('judgement')!r}; must be one of "
                    f"{', '.join(rob2.JUDGEMENTS)}")  # fmt: skip
                continue
            if key in given:
                bad("judgement", f"{study}: {domain} is judged twice (first on row "
                    f"{given[key][0]})")  # fmt: skip
                continue
            given[key] = (number, judgement, row.get("support") or None,
                          row.get("location") or None)  # fmt: skip
        elif not question:
            bad("judgement", "give a question and answer, or a judgement")
    entries: list[_Entry] = []
    for key, number in first_row.items():
        study, result, domain = key
        mine = answers.get(key, {})
        stated = given.get(key)
        derived: str | None = None
        if mine:
            try:
                derived = rob2.judge_domain(domain, {q: a for q, (a, _) in mine.items()})
            except InputError as exc:
                column = getattr(exc, "column", None) or "answer"
                problems.append(str(InputError(f"{study}, {domain}: {exc.message}", source=where,
                                               line=number, column=column)))  # fmt: skip
                continue
        if stated is None and derived is None:
            continue
        if stated is not None and derived is not None and stated[1] != derived and not stated[2]:
            problems.append(str(InputError(
                f"{study}: the answers give {derived} for {domain}; overriding it with "
                f"{stated[1]} needs a support text", source=where, line=stated[0],
                column="support")))  # fmt: skip
            continue
        final = stated[1] if stated is not None else derived
        assert final is not None
        storage = f"{result}/{domain}" if result else domain
        entries.append(_Entry(study, storage, final, stated[2] if stated else None,
                              stated[3] if stated else None, mine))  # fmt: skip
    return entries, problems


# ---- storing ----------------------------------------------------------------------------


def _appraiser(session: Session, protocol: Protocol, reviewer: str, *, consensus: bool) -> Reviewer:
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


def _tool(protocol: Protocol) -> Tool:
    if protocol.risk_of_bias is None:
        raise InputError("the protocol has no [risk_of_bias] section: name the tool first")
    return protocol.risk_of_bias.tool


def _studies(session: Session) -> dict[str, Study]:
    return {s.label: s for s in session.scalars(select(Study).order_by(Study.id))}


@dataclass(frozen=True)
class RobLoad:
    """What a sheet load stored: judgements and answers, for whom."""

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


def _current_judgements(
    session: Session, tool: Tool, reviewer_id: int, kind: str
) -> dict[tuple[int, str], RobJudgement]:
    rows = session.scalars(
        select(RobJudgement)
        .where(RobJudgement.tool == tool.value, RobJudgement.reviewer_id == reviewer_id,
               RobJudgement.kind == kind)
        .order_by(RobJudgement.id)
    )  # fmt: skip
    return {(r.study_id, r.domain): r for r in rows}


def store_entries(
    session: Session,
    tool: Tool,
    entries: Sequence[_Entry],
    study_ids: Mapping[str, int],
    who: int,
    kind: str,
) -> tuple[int, int, int]:
    """Store checked entries as events; ``(judgements stored, answers stored, unchanged)``.

    A judgement equal to the reviewer's current one (same support, no new answers) is not
    stored again; locations and RoB 2 answers are ``extraction_value`` events (see the
    module docstring).
    """
    current = _current_judgements(session, tool, who, kind)
    stored = answered = unchanged = 0
    for entry in entries:
        study_id = study_ids[entry.study]
        before = current.get((study_id, entry.domain))
        if (
            before is not None
            and before.judgement == entry.judgement
            and (before.support or None) == entry.support
            and not entry.answers
        ):
            unchanged += 1
            continue
        row = RobJudgement(study_id=study_id, tool=tool.value, domain=entry.domain,
                           judgement=entry.judgement, support=entry.support,
                           reviewer_id=who, kind=kind)  # fmt: skip
        session.add(row)
        session.flush()
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
    return stored, answered, unchanged


def load_rob_sheet(
    store: Store,
    protocol: Protocol,
    path: PathLike,
    *,
    reviewer: str,
    consensus: bool = False,
) -> RobLoad:
    """Check a filled sheet and store its judgements for ``reviewer`` in one transaction.

    Re-loading the same judgements stores nothing new; a changed judgement is a new event.
    With ``consensus`` the judgements are the agreed ones (reviewer: an appraiser or the
    arbiter).

    Raises
    ------
    InputError
        Listing every problem with its row and column; nothing is stored then.
    """
    tool = _tool(protocol)
    source = Path(path)
    rows = _read_sheet(source, COLUMNS[tool])
    parse = _parse_rob1 if tool is Tool.ROB1 else _parse_rob2
    entries, problems = parse(rows, str(source))
    kind = CONSENSUS if consensus else "reviewer"
    with store.session() as session:
        who = _appraiser(session, protocol, reviewer, consensus=consensus)
        studies = _studies(session)
        unknown = sorted({e.study for e in entries if e.study not in studies})
        for label in unknown:
            known = ", ".join(studies) or "none yet"
            problems.append(f"{source}: unknown study {label!r} (studies: {known})")
        if problems:
            raise InputError("\n".join(problems))
        ids = {label: row.id for label, row in studies.items()}
        stored, answered, unchanged = store_entries(session, tool, entries, ids, who.id, kind)
        store.audit(reviewer, "rob.load", "rob_judgement",
                    payload={"file": str(source), "judgements": stored, "kind": kind},
                    session=session)  # fmt: skip
    return RobLoad(str(source), reviewer, kind, stored, answered, unchanged)


# ---- templates -------------------------------------------------------------------------


def second_reviewer_studies(store: Store, protocol: Protocol) -> tuple[str, ...]:
    """The studies the second appraiser also assesses: the protocol's fraction (rounded up)
    of the studies in the order they were created, the first ones or a random sample drawn
    with the protocol's seed (:meth:`~sysreview.protocol.RiskOfBias.second_reviewer_sample`)."""
    rob = protocol.risk_of_bias
    with store.session(readonly=True) as session:
        labels = list(_studies(session))
    return () if rob is None else rob.second_reviewer_sample(labels)


def _appraisers(protocol: Protocol) -> list[str]:
    return [p.id for p in protocol.review.reviewers if p.has(Role.APPRAISER)]


def write_rob_template(
    store: Store, protocol: Protocol, path: PathLike, *, reviewer: str | None = None
) -> int:
    """Write an empty sheet (CSV, or XLSX by extension) for the studies; the row count.

    The second appraiser (the protocol's second reviewer with the appraiser role) gets only
    the studies of :func:`second_reviewer_studies`; anyone else gets all studies. A RoB 1
    sheet's ``suggestion`` cell of "incomplete outcome data" holds the attrition rule's
    suggestion and reason (the judgement cell stays empty: the appraiser decides).
    """
    tool = _tool(protocol)
    with store.session(readonly=True) as session:
        labels = list(_studies(session))
    appraisers = _appraisers(protocol)
    if reviewer is not None and len(appraisers) > 1 and reviewer == appraisers[1]:
        labels = list(second_reviewer_studies(store, protocol))
    rows: list[list[str]] = []
    suggested = attrition_suggestions(store, protocol) if tool is Tool.ROB1 else {}
    for label in labels:
        if tool is Tool.ROB1:
            hint = suggested[label].summary() if label in suggested else ""
            rows += [[label, d.id, "", "", "", hint if d.id == ATTRITION_DOMAIN else ""]
                     for d in rob1.DOMAINS]  # fmt: skip
        else:
            for domain in ROB2_DOMAINS:
                rows += [[label, "", domain, q.id, "", "", "", ""] for q in rob2.questions(domain)]
    write_sheet(path, COLUMNS[tool], rows, title=f"{tool.value} {reviewer or ''}".strip())
    return len(rows)


# ---- current state -----------------------------------------------------------------------


@dataclass(frozen=True)
class StudyRob:
    """A study's (or one result's) current risk-of-bias judgements and overall rating.

    ``source`` is ``"consensus"``, a reviewer id, or ``"disputed"`` when two reviewers
    disagree and no consensus is recorded (then the first appraiser's judgements are shown
    and ``disputed`` lists the domains).
    """

    study: str
    result: str | None
    tool: str
    judgements: Mapping[str, str]
    support: Mapping[str, str]
    overall: str
    source: str
    disputed: tuple[str, ...] = ()

    def assessment(self, protocol: Protocol) -> rob1.Rob1Assessment | rob2.Rob2Assessment:
        """The :mod:`sysreview.appraisal` object (for the figures in :mod:`sysreview.plots`)."""
        rob = protocol.risk_of_bias
        assert rob is not None
        if self.tool == Tool.ROB1.value:
            return rob1.Rob1Assessment(
                self.study,
                tuple(
                    rob1.DomainJudgement(d, j, self.support.get(d, ""))
                    for d, j in self.judgements.items()
                ),
                key_domains=rob.key_domains,
                rule=rob.overall,
            )
        return rob2.Rob2Assessment(self.study, self.result or "all results", {},
                                   judged=dict(self.judgements))  # fmt: skip


def _latest_by_reviewer(session: Session, tool: Tool) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(study label, storage domain): {reviewer name or "consensus": (judgement, support)}}``."""
    names = {r.id: r.name for r in session.scalars(select(Reviewer))}
    labels = {s.id: s.label for s in session.scalars(select(Study))}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    rows = session.scalars(
        select(RobJudgement).where(RobJudgement.tool == tool.value).order_by(RobJudgement.id)
    )
    for row in rows:
        who = CONSENSUS if row.kind == CONSENSUS else names[row.reviewer_id]
        out.setdefault((labels[row.study_id], row.domain), {})[who] = (row.judgement, row.support)
    return out


def rob_assessments(store: Store, protocol: Protocol) -> tuple[StudyRob, ...]:
    """The current judgements of every fully judged study (or result), with overall ratings.

    A domain's judgement is the consensus one when recorded, else the single reviewer's,
    else (two reviewers who disagree) the first appraiser's, marked disputed.
    """
    tool = _tool(protocol)
    rob = protocol.risk_of_bias
    assert rob is not None
    order = _appraisers(protocol)
    with store.session(readonly=True) as session:
        latest = _latest_by_reviewer(session, tool)
        study_order = list(_studies(session))
    grouped: dict[tuple[str, str | None], dict[str, tuple[str, str, str, bool]]] = {}
    for (study, key), by in latest.items():
        prefix, _, domain = key.rpartition("/")
        if CONSENSUS in by:
            pick, who, differ = by[CONSENSUS], CONSENSUS, False
        else:
            people = sorted(by, key=lambda p: order.index(p) if p in order else len(order))
            pick, who = by[people[0]], people[0]
            differ = len({by[p][0] for p in people}) > 1
        grouped.setdefault((study, prefix or None), {})[domain] = (
            pick[0],
            pick[1] or "",
            who,
            differ,
        )
    out: list[StudyRob] = []
    for (study, result), domains in sorted(
        grouped.items(), key=lambda kv: (study_order.index(kv[0][0]), kv[0][1] or "")
    ):
        if any(d not in domains for d in tool.domains):
            continue
        judgements = {d: domains[d][0] for d in tool.domains}
        support = {d: domains[d][1] for d in tool.domains if domains[d][1]}
        whos = {domains[d][2] for d in tool.domains}
        disputed = tuple(d for d in tool.domains if domains[d][3])
        source = "disputed" if disputed else (whos.pop() if len(whos) == 1 else "mixed")
        out.append(StudyRob(study, result, tool.value, judgements, support,
                            rob.overall_judgement(judgements), source, disputed))  # fmt: skip
    return tuple(out)


def rob_frame(assessments: Iterable[StudyRob]) -> pd.DataFrame:
    """One row per study (or result): its domain judgements, overall rating and source."""
    return pd.DataFrame(
        [
            {
                "study": a.study,
                "result": a.result,
                **a.judgements,
                "overall": a.overall,
                "source": a.source,
            }
            for a in assessments
        ]
    )


# ---- two reviewers ---------------------------------------------------------------------


@dataclass(frozen=True)
class RobDiscrepancy:
    """A domain the two appraisers judged differently, with no consensus yet."""

    study: str
    domain: str
    first: tuple[str, str]
    second: tuple[str, str]
    first_support: str | None
    second_support: str | None

    def summary(self) -> str:
        """One line: study, domain and both reviewers' judgements."""
        return (
            f"{self.study}: {self.domain}: {self.first[0]} says {self.first[1]}, "
            f"{self.second[0]} says {self.second[1]}"
        )


def _pair(protocol: Protocol) -> tuple[str, str]:
    appraisers = _appraisers(protocol)
    if len(appraisers) < 2:
        raise InputError(
            "agreement needs two appraisers; the protocol names "
            + (", ".join(appraisers) or "none")
        )
    return appraisers[0], appraisers[1]


def rob_discrepancies(store: Store, protocol: Protocol) -> tuple[RobDiscrepancy, ...]:
    """Domains judged by both appraisers, differently, and not yet agreed by consensus."""
    tool = _tool(protocol)
    first, second = _pair(protocol)
    with store.session(readonly=True) as session:
        latest = _latest_by_reviewer(session, tool)
    out = []
    for (study, domain), by in latest.items():
        if CONSENSUS in by or first not in by or second not in by:
            continue
        if by[first][0] != by[second][0]:
            out.append(RobDiscrepancy(study, domain, (first, by[first][0]),
                                      (second, by[second][0]), by[first][1],
                                      by[second][1]))  # fmt: skip
    return tuple(out)


def rob_agreement(store: Store, protocol: Protocol, *, level: float = 0.95) -> Agreement:
    """Cohen's kappa (and Gwet's AC1) of the two appraisers over the domains both judged.

    Items are study × domain judgements (each reviewer's latest); categories are the tool's
    judgements, so an unused one still counts (see :func:`sysreview.screening.agreement`).
    """
    tool = _tool(protocol)
    first, second = _pair(protocol)
    with store.session(readonly=True) as session:
        latest = _latest_by_reviewer(session, tool)
    both = [by for by in latest.values() if first in by and second in by]
    if not both:
        raise InputError(f"no domain has been judged by both {first} and {second} yet")
    return agreement(
        [by[first][0] for by in both],
        [by[second][0] for by in both],
        categories=tool.judgements,
        level=level,
    )


__all__ = [
    "COLUMNS",
    "RobDiscrepancy",
    "RobLoad",
    "StudyRob",
    "load_rob_sheet",
    "rob_agreement",
    "rob_assessments",
    "rob_discrepancies",
    "rob_frame",
    "second_reviewer_studies",
    "store_entries",
    "write_rob_template",
]
