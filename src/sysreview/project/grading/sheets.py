"""GRADE sheets: one row per main outcome and domain, the rule's suggestion beside it.

Sheet columns::

    outcome, timepoint, domain, suggested, suggestion_reason, rating, reason

``suggested`` and ``suggestion_reason`` are the protocol rule's (never another reviewer's
rating); the reviewer fills ``rating`` (``no``, ``serious``, ``very_serious``; ``not
serious`` and ``very serious`` are read too) and ``reason`` (required with a rating). A row
with neither is skipped. A template written for a reviewer is pre-filled with their
current ratings, so loading it unchanged stores nothing.

A template carries its identity (:mod:`sysreview.project.sheets.identity`, stage
``grade``); loading refuses a sheet of another project or reviewer, names every unknown
outcome, timepoint, domain or rating with its row and column (the rule of
:func:`sysreview.project.grading.ratings.check_entry`), compares each rating with the reviewer's
current one (a sheet exported before newer ratings is refused unless forced,
:mod:`sysreview.project.sheets.results`) and stores all of it in one transaction, or nothing.
"""

from __future__ import annotations

from pathlib import Path

from sysreview.errors import InputError
from sysreview.grade import known_outcomes
from sysreview.project.grading.ratings import (
    CONSENSUS,
    RatingEntry,
    certainty,
    check_entry,
    own_ratings,
    rater,
    store_entries,
)
from sysreview.project.opening import PathLike, opened
from sysreview.project.sheets.identity import check_identity, identity_for
from sysreview.project.sheets.reading import read_first_sheet, text
from sysreview.project.sheets.results import ImportResult, Tally
from sysreview.project.sheets.writing import write_sheet
from sysreview.project.storage import GradeRating
from sysreview.protocol.review import Role

STAGE = "grade"
COLUMNS = ("outcome", "timepoint", "domain", "suggested", "suggestion_reason", "rating", "reason")
REQUIRED = ("outcome", "timepoint", "domain", "rating", "reason")


def write_grade_template(
    directory: PathLike,
    path: PathLike,
    *,
    reviewer: str | None = None,
    db_url: str | None = None,
) -> int:
    """Write the sheet (CSV, or XLSX by extension); the number of rows.

    With a reviewer, the sheet is theirs (its identity names them) and pre-filled with
    their current ratings (an arbiter who is not a rater gets the consensus ones).

    Raises
    ------
    InputError
        A reviewer who may not rate; no extracted data yet.
    """
    sof = certainty(directory, db_url)
    with opened(directory, db_url) as (project, store), store.session() as session:
        protocol = project.protocol
        mine: dict[tuple[str, str, str], GradeRating] = {}
        if reviewer is not None:
            person = protocol.review.reviewer(reviewer)
            consensus = person is not None and person.has(Role.ARBITER) and not (
                person.has(Role.APPRAISER) or person.has(Role.ANALYST))  # fmt: skip
            who = rater(session, protocol, reviewer, consensus=consensus)
            mine = own_ratings(session, who.id, CONSENSUS if consensus else "reviewer")
        identity = identity_for(session, protocol, stage=STAGE, reviewer=reviewer,
                                tables=[GradeRating])  # fmt: skip
    rows = []
    for row in sof.rows:
        ev = row.certainty.evidence
        for d in row.certainty.domains:
            rule = d.suggestion if d.suggestion is not None else d
            given = mine.get((ev.outcome, ev.timepoint, d.domain.value))
            rows.append([ev.outcome, ev.timepoint, d.domain.value, rule.rating.value,
                         rule.reason, given.rating if given else "",
                         given.reason if given else ""])  # fmt: skip
    write_sheet(path, COLUMNS, rows, title=f"GRADE {reviewer or ''}".strip(), identity=identity)
    return len(rows)


def _entries(
    rows: list[tuple[int, dict[str, str]]], known: dict[str, tuple[str, ...]], where: str
) -> tuple[list[RatingEntry], list[tuple[int, str]]]:
    entries: list[RatingEntry] = []
    problems: list[tuple[int, str]] = []
    first: dict[tuple[str, str, str], int] = {}
    for number, row in rows:
        if not row.get("rating") and not row.get("reason"):
            continue  # a template row not filled in
        try:
            entry = check_entry(known, row.get("outcome", ""), row.get("timepoint") or None,
                                row.get("domain", ""), row.get("rating", ""),
                                row.get("reason", ""), where=where, row=number)  # fmt: skip
        except InputError as exc:
            problems.append((number, str(exc)))
            continue
        if entry.key in first:
            message = (f"{entry.outcome}.{entry.timepoint}, {entry.domain.value} is rated again "
                       f"(first on row {first[entry.key]})")  # fmt: skip
            problems.append((number, str(InputError(message, source=where, line=number,
                                                    column="domain"))))  # fmt: skip
            continue
        first[entry.key] = number
        entries.append(entry)
    return entries, problems


def load_grade_sheet(
    directory: PathLike,
    path: PathLike,
    *,
    reviewer: str,
    consensus: bool = False,
    force: bool = False,
    db_url: str | None = None,
) -> ImportResult:
    """Check a filled sheet and store its new and changed ratings in one transaction.

    Raises
    ------
    InputError
        A sheet of another project or reviewer, a reviewer who may not rate, or listing
        every problem with its row and column; nothing is stored then.
    StaleSheetError
        Listing the ratings recorded since the export (without ``force``).
    """
    sheet = read_first_sheet(path)
    for needed in REQUIRED:
        if needed not in sheet.header:
            raise InputError(f"missing column {needed!r}", source=sheet.where,
                             line=sheet.header_row)  # fmt: skip
    unknown = [h for h in sheet.header if h and h not in COLUMNS]
    if unknown:
        raise InputError(f"unknown column {unknown[0]!r}; the columns are {', '.join(COLUMNS)}",
                         source=sheet.where, line=sheet.header_row)  # fmt: skip
    rows = [(n, {k: text(v) for k, v in cells.items()}) for n, cells in sheet.rows]
    known = dict(known_outcomes(certainty(directory, db_url)))
    entries, problems = _entries(rows, known, sheet.where)
    kind = CONSENSUS if consensus else "reviewer"
    with opened(directory, db_url) as (project, store), store.session() as session:
        protocol = project.protocol
        who = rater(session, protocol, reviewer, consensus=consensus)
        notes = check_identity(sheet.identity, session, protocol, stage=STAGE,
                               reviewer=reviewer, where=sheet.where)  # fmt: skip
        if problems:
            raise InputError("\n".join(text for _, text in sorted(problems)))
        tally = Tally.for_sheet(session, sheet.identity)
        store_entries(session, entries, who.id, kind, f"sheet:{Path(sheet.source).name}",
                      tally=tally, where=sheet.where)  # fmt: skip
        what = "consensus GRADE ratings" if consensus else "GRADE ratings"
        return tally.finish(store, session, source=sheet.source, what=what, reviewer=reviewer,
                            force=force, warnings=(*sheet.warnings, *notes))  # fmt: skip


__all__ = ["COLUMNS", "STAGE", "load_grade_sheet", "write_grade_template"]
