"""Risk of bias from a form (the web app): one study's judgements, stored like a sheet row set.

A form gives, per domain, a judgement, its support and location and (RoB 2) the answers
to the signalling questions. :func:`save_rob_form` turns them into the rows of a sheet
(:data:`sysreview.project.appraising.assessments.COLUMNS`), checks them with the sheet loader's
parsers (same messages, same rule that an override of the RoB 2 algorithm needs a
support text) and stores them in one transaction as the same events
(``rob_judgement``, ``extraction_value``): so
:func:`~sysreview.project.appraising.assessments.rob_assessments`,
:func:`~sysreview.project.appraising.assessments.rob_agreement` and the report read them unchanged.

Problems come back located by form field (:class:`RobFormError`), so a page can show
each one next to its field. :func:`own_rob_entries` reads back only the reviewer's own
entries: a second appraiser never sees the first one's judgements (blinding).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from sqlalchemy import select

from sysreview.appraisal import rob2
from sysreview.errors import InputError
from sysreview.project.appraising.assessments import _appraisers, second_reviewer_studies
from sysreview.project.appraising.entries import CONSENSUS, RobLoad, store_entries, study_labelled
from sysreview.project.appraising.entries import appraiser as _appraiser
from sysreview.project.appraising.entries import current_judgements as _current_judgements
from sysreview.project.appraising.entries import studies_by_label as _studies
from sysreview.project.appraising.entries import tool_of as _tool
from sysreview.project.appraising.sheets import OutcomeScope, _parse_rob1, _parse_rob2
from sysreview.project.storage import ExtractionValue, Store
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool

FORM_SOURCE = "form"
_LOCATED = re.compile(r"^form, row (\d+)(?:, column '([^']+)')?: (.*)$", re.DOTALL)


@dataclass(frozen=True)
class DomainInput:
    """What a form gives for one domain (empty strings for fields left blank)."""

    judgement: str = ""
    support: str = ""
    location: str = ""
    answers: Mapping[str, str] = field(default_factory=dict)


class RobFormError(InputError):
    """A form that cannot be stored; ``problems`` maps form field names to messages.

    Field names: ``judgement.<domain>``, ``support.<domain>``, ``answer.<domain>.<question>``
    (``"form"`` for a problem with no field).
    """

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


def _rows(
    tool: Tool, study: str, domains: Mapping[str, DomainInput]
) -> tuple[list[tuple[int, dict[str, str]]], dict[int, tuple[str, str | None]]]:
    """Sheet rows for the form, and ``{row number: (domain, question or None)}``."""
    rows: list[tuple[int, dict[str, str]]] = []
    where: dict[int, tuple[str, str | None]] = {}

    def add(domain: str, question: str | None, row: dict[str, str]) -> None:
        number = len(rows) + 2  # as in a sheet: the header is row 1
        rows.append((number, {"study": study, "domain": domain, **row}))
        where[number] = (domain, question)

    for domain, given in domains.items():
        if tool is Tool.ROB1:
            outcome, _, name = domain.rpartition("/")
            if given.judgement or given.support or given.location:
                add(domain, None, {"domain": name, "outcome": outcome,
                                   "judgement": given.judgement, "support": given.support,
                                   "location": given.location})  # fmt: skip
            continue
        answers = {q: a for q, a in given.answers.items() if a}
        for question, answer in answers.items():
            add(domain, question, {"result": "", "question": question, "answer": answer})
        judgement = given.judgement
        if not judgement and (given.support or given.location) and answers:
            try:  # a support text for the algorithm's own judgement
                judgement = rob2.judge_domain(domain, answers)
            except InputError:
                judgement = ""  # the answers' problem is reported by the parser
        if judgement or ((given.support or given.location) and not answers):
            add(domain, None, {"result": "", "judgement": judgement, "support": given.support,
                               "location": given.location})  # fmt: skip
    return rows, where


def _field(where: dict[int, tuple[str, str | None]], line: int, column: str | None) -> str:
    domain, question = where.get(line, ("", None))
    if column in ("judgement", "support", "location", "domain", "outcome"):
        return f"{'judgement' if column in ('domain', 'outcome') else column}.{domain}"
    if column in ("question", "answer") and question is not None:
        return f"answer.{domain}.{question}"
    if column is not None and domain:  # the algorithm names the question it needs
        return f"answer.{domain}.{column}"
    return "form"


def _located(problems: list[str], where: dict[int, tuple[str, str | None]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for text in problems:
        found = _LOCATED.match(text)
        if found is None:
            out.setdefault("form", text)
            continue
        name = _field(where, int(found.group(1)), found.group(2))
        out.setdefault(name, found.group(3))
    return out


def save_rob_form(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    study: str,
    domains: Mapping[str, DomainInput],
    consensus: bool = False,
) -> RobLoad:
    """Check one study's form and store its judgements for ``reviewer`` (one transaction).

    Domains left blank are not stored; a RoB 2 domain with answers gets the algorithm's
    judgement unless the form overrides it with a support text.

    Raises
    ------
    RobFormError
        Every problem, by form field; nothing is stored then.
    InputError
        A reviewer who is not an appraiser (or arbiter, for ``consensus``).
    """
    tool = _tool(protocol)
    scope = OutcomeScope.of(protocol)
    keys = set(tool.domains) | set(form_keys(protocol))
    unknown = [d for d in domains if d not in keys]
    if unknown:
        raise RobFormError({"form": f"unknown {tool.value} domain {unknown[0]!r}"})
    rows, where = _rows(tool, study, domains)
    if tool is Tool.ROB1:
        entries, problems = _parse_rob1(rows, FORM_SOURCE, scope)
    else:
        entries, problems = _parse_rob2(rows, FORM_SOURCE)
    kind = CONSENSUS if consensus else "reviewer"
    with store.session() as session:
        who = _appraiser(session, protocol, reviewer, consensus=consensus)
        target = study_labelled(session, study)
        if problems:
            raise RobFormError(_located(problems, where))
        stored, answered, unchanged = store_entries(
            session, tool, entries, {study: target.id}, who.id, kind
        )
        store.audit(reviewer, "rob.form", "rob_judgement", target.id,
                    {"study": study, "judgements": stored, "kind": kind},
                    session=session)  # fmt: skip
    return RobLoad(FORM_SOURCE, reviewer, kind, stored, answered, unchanged)


def own_rob_entries(
    store: Store, protocol: Protocol, *, reviewer: str, study: str
) -> dict[str, DomainInput]:
    """``reviewer``'s own latest entries for ``study`` (never anyone else's: blinding).

    A RoB 2 judgement equal to what the algorithm derives from the answers comes back
    empty (the form's "the algorithm's"), so changed answers change it.
    """
    tool = _tool(protocol)
    with store.session(readonly=True) as session:
        who = _appraiser(session, protocol, reviewer, consensus=False)
        target = study_labelled(session, study)
        current = _current_judgements(session, tool, who.id, "reviewer")
        keys = (*tool.domains, *form_keys(protocol))
        mine = {d: r for (s, d), r in current.items() if s == target.id and d in keys}
        places: dict[int, object] = dict(
            session.execute(
                select(ExtractionValue.entity_id, ExtractionValue.value)
                .where(ExtractionValue.entity == "rob_judgement",
                       ExtractionValue.entity_id.in_([r.id for r in mine.values()]),
                       ExtractionValue.reviewer_id == who.id)
                .order_by(ExtractionValue.id)
            ).all()
        )  # fmt: skip
        answers: dict[str, str] = {}
        for key, value in session.execute(
            select(ExtractionValue.key, ExtractionValue.value)
            .where(ExtractionValue.entity == "rob2", ExtractionValue.entity_id == target.id,
                   ExtractionValue.reviewer_id == who.id, ExtractionValue.kind == "reviewer")
            .order_by(ExtractionValue.id)
        ):  # fmt: skip
            prefix, _, question = key.rpartition("/")
            if not prefix:
                answers[question] = str(value)
    out: dict[str, DomainInput] = {}
    for domain in (*tool.domains, *form_keys(protocol)):
        row = mine.get(domain)
        mine_answers = {}
        if tool is Tool.ROB2:
            ids = {q.id for q in rob2.questions(domain)}
            mine_answers = {q: a for q, a in answers.items() if q in ids}
        judgement = row.judgement if row else ""
        if mine_answers and judgement:
            try:  # the algorithm's own judgement shows as "the algorithm's", not an override
                if rob2.judge_domain(domain, mine_answers) == judgement:
                    judgement = ""
            except InputError:
                pass
        out[domain] = DomainInput(
            judgement,
            (row.support or "") if row else "",
            str(places.get(row.id, "")) if row else "",
            mine_answers,
        )
    return out


def form_keys(protocol: Protocol) -> tuple[str, ...]:
    """The outcome-level keys of a RoB 1 form, ``"<outcome>/<domain>"``, in form order.

    One per outcome domain of the protocol for each domain it judges per outcome
    (``risk_of_bias.outcome_level_domains``); none otherwise.
    """
    scope = OutcomeScope.of(protocol)
    return tuple(f"{o}/{d}" for d in scope.domains for o in scope.outcomes)


def studies_to_appraise(store: Store, protocol: Protocol, reviewer: str) -> tuple[str, ...]:
    """The studies ``reviewer`` assesses.

    All of them, or for the second appraiser only the protocol's fraction
    (:func:`~sysreview.project.appraising.assessments.second_reviewer_studies`).
    """
    appraisers = _appraisers(protocol)
    if reviewer not in appraisers:
        raise InputError(f"reviewer {reviewer!r} is not an appraiser in the protocol")
    if len(appraisers) > 1 and reviewer == appraisers[1]:
        return second_reviewer_studies(store, protocol)
    with store.session(readonly=True) as session:
        return tuple(_studies(session))


@dataclass(frozen=True)
class LiveJudgement:
    """The judgements a form proposes so far.

    Per domain (or the reason there is none yet), and the overall rating by the protocol's
    rule once every domain is judged.
    """

    domains: Mapping[str, str | None]
    notes: Mapping[str, str]
    overall: str | None
    outcomes: Mapping[str, str] = field(default_factory=dict)
    """``{outcome: overall}`` for each outcome judged on its own (RoB 1 outcome-level
    domains), once the study's domains are all judged."""


def live_judgement(protocol: Protocol, domains: Mapping[str, DomainInput]) -> LiveJudgement:
    """Each domain's proposed judgement, and the overall by the protocol's rule.

    The reviewer's own judgement, else (RoB 2) the algorithm's
    (:func:`sysreview.appraisal.rob2.judge_domain`).
    """
    tool = _tool(protocol)
    rob = protocol.risk_of_bias
    assert rob is not None
    judged: dict[str, str | None] = {}
    notes: dict[str, str] = {}
    for domain in tool.domains:
        given = domains.get(domain, DomainInput())
        answers = {q: a for q, a in given.answers.items() if a}
        proposed: str | None = None
        if tool is Tool.ROB2 and answers:
            try:
                proposed = rob2.judge_domain(domain, answers)
            except InputError as exc:
                notes[domain] = f"{exc.column}: {exc.message}" if exc.column else exc.message
        if given.judgement in tool.judgements:
            if proposed is not None and given.judgement != proposed:
                notes[domain] = f"overrides the algorithm's {proposed}: give a support text"
            proposed = given.judgement
        judged[domain] = proposed
    complete = {d: j for d, j in judged.items() if j is not None}
    overall = rob.overall_judgement(complete) if len(complete) == len(tool.domains) else None
    outcomes: dict[str, dict[str, str]] = {}
    for key in form_keys(protocol):
        given = domains.get(key, DomainInput())
        if given.judgement in tool.judgements:
            outcome, _, domain = key.rpartition("/")
            outcomes.setdefault(outcome, {})[domain] = given.judgement
    per_outcome = {} if overall is None else {
        o: rob.overall_judgement({**complete, **own}) for o, own in outcomes.items()
    }  # fmt: skip
    return LiveJudgement(judged, notes, overall, per_outcome)


__all__ = [
    "DomainInput",
    "LiveJudgement",
    "RobFormError",
    "form_keys",
    "live_judgement",
    "own_rob_entries",
    "save_rob_form",
    "studies_to_appraise",
]
