"""Risk-of-bias sheets: the template (pre-filled with the reviewer's own entries) and loading.

Sheet columns
-------------
RoB 1 (one row per study and domain)::

    study, domain, outcome, judgement, support, location, suggestion

``outcome`` (written only when the protocol judges some domain per outcome) is empty
for the study's judgement; for a domain the protocol judges per
outcome as well (``risk_of_bias.outcome_level_domains``, as RevMan's group-level items)
a row naming one of the protocol's outcome domains gives that outcome's judgement
(stored under the key ``"<outcome>/<domain>"``, as RoB 2's results are). The study's
judgement applies to every outcome without its own.

RoB 2 (rows per study, result and domain; ``result`` empty = every result of the study)::

    study, result, domain, question, answer, judgement, support, location

In RoB 2 sheets a row either answers a signalling question (``question`` and ``answer``;
a question left unanswered is skipped) or gives the domain judgement (``judgement``,
with ``question`` empty). When a domain has answers, its judgement is the one the tool's
algorithm derives (:func:`sysreview.appraisal.rob2.judge_domain`); a judgement given as
well must either agree or come with a ``support`` text justifying the override, as the
RoB 2 guidance asks.

A template carries its identity (:mod:`sysreview.project.sheets.identity`, stage
``rob``); loading refuses a sheet of another project or reviewer, names every unknown
study with its row, compares each entry with the reviewer's current one (unchanged
entries add nothing; a sheet exported before newer judgements is refused unless forced,
:mod:`sysreview.project.sheets.results`) and stores all of it in one transaction, or
nothing.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sqlalchemy import select

from sysreview.appraisal import rob1, rob2
from sysreview.errors import InputError
from sysreview.project.appraising.attrition import DOMAIN as ATTRITION_DOMAIN
from sysreview.project.appraising.attrition import attrition_suggestions
from sysreview.project.appraising.entries import (
    CONSENSUS,
    RobEntry,
    appraiser,
    current_entries,
    store_entries,
    studies_by_label,
    tool_of,
)
from sysreview.project.sheets.identity import check_identity, identity_for
from sysreview.project.sheets.reading import Sheet, read_first_sheet, text
from sysreview.project.sheets.results import ImportResult, Tally
from sysreview.project.sheets.writing import write_sheet
from sysreview.project.storage import Reviewer, RobJudgement, Store
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import ROB1_DOMAINS, ROB2_DOMAINS, Tool
from sysreview.protocol.review import Role

PathLike = str | os.PathLike[str]
STAGE = "rob"
COLUMNS: Mapping[Tool, tuple[str, ...]] = {
    Tool.ROB1: ("study", "domain", "outcome", "judgement", "support", "location", "suggestion"),
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
Rows = list[tuple[int, dict[str, str]]]
"""``(row number, {column: text})`` of a sheet's non-empty rows."""


def _rows(sheet: Sheet, columns: Sequence[str]) -> Rows:
    """The sheet's rows as text, after checking its header."""
    for needed in ("study", "domain"):
        if needed not in sheet.header:
            raise InputError(f"missing column {needed!r}", source=sheet.where,
                             line=sheet.header_row)  # fmt: skip
    unknown = [h for h in sheet.header if h and h not in columns]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r}; the columns are {', '.join(columns)}",
                         source=sheet.where, line=sheet.header_row)  # fmt: skip
    return [(number, {k: text(v) for k, v in cells.items()}) for number, cells in sheet.rows]


def _rob1_domain(name: str) -> str | None:
    key = name.strip()
    if key in ROB1_DOMAINS:
        return key
    return _ROB1_NAMES.get(key.casefold())


@dataclass(frozen=True)
class OutcomeScope:
    """The protocol's outcome-level RoB 1 domains and its outcome domains (names)."""

    domains: tuple[str, ...] = ()
    outcomes: tuple[str, ...] = ()

    @classmethod
    def of(cls, protocol: Protocol) -> OutcomeScope:
        """The scope the protocol sets (nothing outcome-level without RoB 1's setting)."""
        rob = protocol.risk_of_bias
        if rob is None or rob.tool is not Tool.ROB1 or not rob.outcome_level_domains:
            return cls()
        names = tuple(d.name for _, d in protocol.outcomes.domains())
        return cls(tuple(rob.outcome_level_domains), names)

    def problem(self, outcome: str, domain: str) -> tuple[str, str] | None:
        """``(column, message)`` when ``domain`` cannot be judged for ``outcome``."""
        if outcome not in self.outcomes and self.domains:
            return "outcome", (f"unknown outcome {outcome!r}; the protocol's outcomes are "
                               f"{', '.join(self.outcomes)}")  # fmt: skip
        if domain not in self.domains:
            allowed = ", ".join(self.domains) or "none (risk_of_bias.outcome_level_domains)"
            return "outcome", (f"{domain} is judged per study, not per outcome; the protocol's "
                               f"outcome-level domains are {allowed}")  # fmt: skip
        return None


def outcome_key(outcome: str, domain: str) -> str:
    """The storage key of an outcome-level RoB 1 judgement (as RoB 2's result keys)."""
    return f"{outcome}/{domain}" if outcome else domain


def _parse_rob1(
    rows: Rows, where: str, scope: OutcomeScope | None = None
) -> tuple[list[RobEntry], list[str]]:
    scope = scope or OutcomeScope()
    problems: list[str] = []
    entries: dict[tuple[str, str], RobEntry] = {}
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
        if not judgement and not row.get("support") and not row.get("location"):
            continue  # a template row not filled in yet
        outcome = row.get("outcome", "")
        wrong = scope.problem(outcome, domain) if outcome else None
        if wrong is not None:
            bad(*wrong)
            continue
        if judgement not in rob1.JUDGEMENTS:
            bad("judgement", f"invalid judgement {row.get('judgement')!r}; must be one of "
                f"{', '.join(rob1.JUDGEMENTS)}")  # fmt: skip
            continue
        key = outcome_key(outcome, domain)
        previous = entries.get((study, key))
        if previous is not None:
            bad("domain", f"{study}: {domain}{f' for {outcome}' if outcome else ''} is judged "
                f"again (first on row {previous.row})")  # fmt: skip
            continue
        entries[(study, key)] = RobEntry(study, key, judgement, row.get("support") or None,
                                         row.get("location") or None, row=number)  # fmt: skip
    return list(entries.values()), problems


def _parse_rob2(rows: Rows, where: str) -> tuple[list[RobEntry], list[str]]:
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
        question, answer = row.get("question", ""), row.get("answer", "").upper()
        judgement = row.get("judgement", "").casefold().replace(" ", "_")
        if question and not answer and not judgement:
            continue  # a question not answered (yet)
        first_row.setdefault(key, number)
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
    entries: list[RobEntry] = []
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
        entries.append(RobEntry(study, storage, final, stated[2] if stated else None,
                                stated[3] if stated else None, mine,
                                stated[0] if stated else number,
                                "judgement" if stated else "answer"))  # fmt: skip
    return entries, problems


def load_rob_sheet(
    store: Store,
    protocol: Protocol,
    path: PathLike,
    *,
    reviewer: str,
    consensus: bool = False,
    force: bool = False,
) -> ImportResult:
    """Check a filled sheet and store its new and changed entries in one transaction.

    Re-loading the same sheet stores nothing; a changed judgement is a correction. With
    ``consensus`` the judgements are the agreed ones (reviewer: an appraiser or the
    arbiter). ``force`` stores entries that overwrite judgements recorded after the
    sheet was exported.

    Raises
    ------
    InputError
        For a sheet of another project or reviewer, and listing every problem with its
        row and column; nothing is stored then.
    StaleSheetError
        Listing the entries judged since the export (without ``force``).
    """
    tool = tool_of(protocol)
    sheet = read_first_sheet(path)
    rows = _rows(sheet, COLUMNS[tool])
    if tool is Tool.ROB1:
        entries, problems = _parse_rob1(rows, sheet.where, OutcomeScope.of(protocol))
    else:
        entries, problems = _parse_rob2(rows, sheet.where)
    kind = CONSENSUS if consensus else "reviewer"
    with store.session() as session:
        who = appraiser(session, protocol, reviewer, consensus=consensus)
        notes = check_identity(sheet.identity, session, protocol, stage=STAGE,
                               reviewer=reviewer, where=sheet.where)  # fmt: skip
        studies = studies_by_label(session)
        known = ", ".join(studies) or "none yet: add them with 'sysreview study add'"
        for entry in entries:
            if entry.study not in studies:
                problems.append(str(InputError(f"unknown study {entry.study!r} (studies: {known})",
                                               source=sheet.where, line=entry.row,
                                               column="study")))  # fmt: skip
        if problems:
            raise InputError("\n".join(sorted(problems, key=_row_of)))
        ids = {label: row.id for label, row in studies.items()}
        tally = Tally.for_sheet(session, sheet.identity)
        store_entries(session, tool, entries, ids, who.id, kind, tally=tally, where=sheet.where)
        what = "consensus risk-of-bias judgements" if consensus else "risk-of-bias judgements"
        return tally.finish(store, session, source=sheet.source, what=what, reviewer=reviewer,
                            force=force, warnings=(*sheet.warnings, *notes))  # fmt: skip


def _row_of(message: str) -> int:
    """The row number in a located message, to list problems in sheet order."""
    after = message.partition(", row ")[2]
    digits = after[: len(after) - len(after.lstrip("0123456789"))]
    return int(digits) if digits else 0


def _prefill(
    tool: Tool,
    labels: Sequence[str],
    current: Mapping[tuple[str, str], RobEntry],
    suggested: Mapping[str, str],
    scope: OutcomeScope | None = None,
) -> list[list[str]]:
    """The template's rows, with the entries ``current`` holds.

    ``current`` is ``{(study, domain key): ...}``; for RoB 1, the rows have the attrition
    rule's ``suggested`` judgement and reason per study, and an outcome-level domain has a
    row per outcome of ``scope`` after the study's row.
    """
    scope = scope or OutcomeScope()
    rows: list[list[str]] = []
    for label in labels:
        if tool is Tool.ROB1:
            for d in rob1.DOMAINS:
                hint = suggested.get(label, "") if d.id == ATTRITION_DOMAIN else ""
                outcomes = scope.outcomes if d.id in scope.domains else ()
                for outcome in ("", *outcomes):
                    e = current.get((label, outcome_key(outcome, d.id)))
                    rows.append([label, d.id, outcome,
                                 *((e.judgement, e.support or "", e.location or "")
                                   if e else ("", "", "")), "" if outcome else hint])  # fmt: skip
            continue
        prefixes = {k.rpartition("/")[0] for s, k in current if s == label}
        for prefix in sorted(prefixes | {""}):
            for domain in ROB2_DOMAINS:
                e = current.get((label, f"{prefix}/{domain}" if prefix else domain))
                if e is None and prefix:
                    continue
                for q in rob2.questions(domain):
                    answer, where = (e.answers.get(q.id) if e else None) or ("", None)
                    rows.append([label, prefix, domain, q.id, answer, "", "", where or ""])
                overrides = e is not None and _derived(domain, e) != e.judgement
                if e is not None and (e.support or e.location or overrides):
                    rows.append([label, prefix, domain, "", "", e.judgement, e.support or "",
                                 e.location or ""])  # fmt: skip
    return rows


def _derived(domain: str, entry: RobEntry) -> str | None:
    """The judgement the entry's answers give (``None`` without answers, or incomplete)."""
    if not entry.answers:
        return None
    try:
        return rob2.judge_domain(domain, {q: a for q, (a, _) in entry.answers.items()})
    except InputError:
        return None


def write_rob_sheet(
    store: Store, protocol: Protocol, path: PathLike, labels: Sequence[str], reviewer: str | None
) -> int:
    """Write the sheet for ``labels`` (CSV, or XLSX by extension); the row count.

    With a reviewer, rows are pre-filled with their current entries (an arbiter who is
    not an appraiser gets the consensus ones), so loading the sheet unchanged stores
    nothing; the sheet's identity names the reviewer (none: anyone may load it).
    """
    tool = tool_of(protocol)
    person = None if reviewer is None else protocol.review.reviewer(reviewer)
    roles = () if person is None else [r for r in (Role.APPRAISER, Role.ARBITER) if person.has(r)]
    if reviewer is not None and not roles:
        raise InputError(f"reviewer {reviewer!r} is not an appraiser or arbiter of the protocol")
    with store.session(readonly=True) as session:
        identity = identity_for(session, protocol, stage=STAGE, reviewer=reviewer,
                                tables=[RobJudgement])  # fmt: skip
        current: dict[tuple[str, str], RobEntry] = {}
        who = session.scalar(select(Reviewer.id).where(Reviewer.name == reviewer))
        if person is not None and who is not None:
            kind = "reviewer" if person.has(Role.APPRAISER) else CONSENSUS
            found = current_entries(session, tool, who, kind)
            current = {(e.study, e.domain): e for e, _ in found.values()}
    suggested = (
        {label: s.summary() for label, s in attrition_suggestions(store, protocol).items()}
        if tool is Tool.ROB1
        else {}
    )
    scope = OutcomeScope.of(protocol)
    rows = _prefill(tool, labels, current, suggested, scope)
    columns = COLUMNS[tool]
    if tool is Tool.ROB1 and not scope.domains:  # no outcome-level domains: no such column
        columns = tuple(c for c in columns if c != "outcome")
        rows = [[cell for i, cell in enumerate(row) if i != 2] for row in rows]
    write_sheet(path, columns, rows, title=f"{tool.value} {reviewer or ''}".strip(),
                identity=identity)  # fmt: skip
    return len(rows)


__all__ = ["COLUMNS", "OutcomeScope", "load_rob_sheet", "outcome_key", "write_rob_sheet"]
