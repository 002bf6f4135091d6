"""Screening in spreadsheets: export a reviewer's records, import their decisions.

For teams that screen in Excel or LibreOffice. The export lists the records assigned to
one reviewer at one stage, with the decision (reason, note) they have already made, and
carries the sheet's identity (:mod:`sysreview.project.sheets.identity`): project, stage,
reviewer, export time. The import

* refuses a sheet exported for another project, stage or reviewer, naming both;
* checks every row first: record ids (whole numbers of records of this project assigned
  to the reviewer), decisions, full-text exclusion reasons, the same record twice with
  different decisions; every problem is reported with its file, row and column;
* compares each decision with the reviewer's current one
  (:mod:`sysreview.project.sheets.results`): unchanged rows add nothing, changed rows are
  corrections, and rows whose record got a newer decision after the export (on the web,
  say) are listed and refused unless ``force``;
* checks each decision like any other (:func:`sysreview.project.selection.decisions.check_decision`:
  the stage, a record that moved on, a change after seeing another reviewer's decision);
* stores everything in one transaction, or nothing, each decision with its source
  (``sheet:FILE``).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.selection.decisions import (
    NewDecision,
    add_decision,
    assigned_records,
    check_decision,
    check_reason,
    check_reviewer,
    record_card,
    sync_reviewers,
)
from sysreview.project.selection.state import screening_state, store_assignments
from sysreview.project.sheets.identity import STAGE_NAMES, check_identity, identity_for
from sysreview.project.sheets.reading import Sheet, read_first_sheet, record_id, text
from sysreview.project.sheets.results import ImportResult, Tally
from sysreview.project.sheets.writing import write_sheet
from sysreview.project.storage import (
    DECISIONS,
    STAGES,
    DecisionEvent,
    Record,
    Reviewer,
    Store,
    current_decisions,
)
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

COLUMNS = (
    "record_id",
    "title",
    "authors",
    "year",
    "journal",
    "abstract",
    "decision",
    "reason",
    "note",
    "links",
)
PathLike = str | os.PathLike[str]
TABLE = "decision_event"
Decision = tuple[str, str | None, str | None]
"""``(decision, reason, note)``: what a row says, compared with the current event."""


@dataclass(frozen=True)
class SheetRow:
    """A decision read from a sheet, with the row it came from."""

    row: int
    record_id: int
    decision: str
    reason: str | None
    note: str | None
    item: NewDecision | None = None
    """The decision as checked against the review's state (by :func:`read_sheet`)."""

    @property
    def value(self) -> Decision:
        """``(decision, reason, note)``."""
        return (self.decision, self.reason, self.note)


def _check(protocol: Protocol, stage: str, reviewer: str) -> None:
    if stage not in STAGES:
        raise InputError(f"invalid stage {stage!r}; must be one of {', '.join(STAGES)}")
    check_reviewer(protocol, reviewer, Role.SCREENER)


def current_reviewer_decisions(
    session: Session, stage: str, reviewer: str
) -> dict[int, DecisionEvent]:
    """The reviewer's current own decision per record (latest event)."""
    who = session.scalar(select(Reviewer.id).where(Reviewer.name == reviewer))
    return {
        e.record_id: e
        for e in current_decisions(session, stage)
        if e.kind == "decision" and e.reviewer_id == who
    }


def export_sheet(
    store: Store, protocol: Protocol, path: PathLike, *, stage: str, reviewer: str
) -> int:
    """Write the reviewer's assigned records (CSV, or XLSX by extension); the row count.

    The identity's ``as_of`` is read before the decisions, so a decision recorded while
    exporting is either in the sheet or counted as newer than it (never missed).
    """
    _check(protocol, stage, reviewer)
    with store.session(readonly=True) as session:
        identity = identity_for(session, protocol, stage=stage, reviewer=reviewer,
                                tables=[DecisionEvent])  # fmt: skip
        mine = current_reviewer_decisions(session, stage, reviewer)
    rows = []
    for rid in assigned_records(store, protocol, stage=stage, reviewer=reviewer):
        card = record_card(store, rid)
        done = mine.get(rid)
        rows.append(
            [card.id, card.title or "", "; ".join(card.authors), card.year or "",
             card.journal or "", card.abstract or "", done.decision if done else "",
             (done.reason or "") if done else "", (done.note or "") if done else "",
             " ".join(link.url for link in card.links)]
        )  # fmt: skip
    write_sheet(path, COLUMNS, rows, title=f"{stage} {reviewer}", identity=identity)
    return len(rows)


Problems = list[tuple[int, str]]
"""``(row, located message)`` of every problem found in a sheet."""


def _parse(sheet: Sheet, protocol: Protocol, stage: str) -> tuple[list[SheetRow], Problems]:
    """Rows with a decision, and every problem found in them."""
    for needed in ("record_id", "decision"):
        if needed not in sheet.header:
            columns = ", ".join(COLUMNS)
            message = f"missing column {needed!r} (the columns are: {columns})"
            raise InputError(message, source=sheet.where, line=sheet.header_row)
    problems: Problems = []

    def bad(number: int, column: str, message: str) -> None:
        problems.append((number, sheet.problem(message, number, column)))

    found: dict[int, SheetRow] = {}
    for number, cells in sheet.rows:
        decision = text(cells.get("decision")).lower()
        if not decision:
            continue
        try:
            rid = record_id(cells.get("record_id"))
        except ValueError as exc:
            bad(number, "record_id", str(exc))
            continue
        if decision not in DECISIONS:
            bad(
                number,
                "decision",
                f"record {rid}: decision {decision!r} must be one of {', '.join(DECISIONS)}",
            )
            continue
        try:
            reason = check_reason(protocol, stage, decision, text(cells.get("reason")) or None)
        except InputError as exc:
            bad(number, "reason", f"record {rid}: {exc.message}")
            continue
        row = SheetRow(number, rid, decision, reason, text(cells.get("note")) or None)
        earlier = found.get(rid)
        if earlier is not None and earlier.value[:2] != row.value[:2]:
            bad(
                number,
                "decision",
                f"record {rid}: conflicts with row {earlier.row} ({earlier.decision})",
            )
            continue
        found.setdefault(rid, row)
    return sorted(found.values(), key=lambda r: r.row), problems


def read_sheet(
    store: Store, protocol: Protocol, path: PathLike, *, stage: str, reviewer: str
) -> tuple[Sheet, list[SheetRow], list[str]]:
    """Read and check a decisions sheet: its identity first, then every row at once.

    Returns the sheet, its decisions and warnings (a sheet without identity rows).

    Raises
    ------
    InputError
        For a sheet of another project, stage or reviewer; else one line per bad row:
        file, row, column and what is wrong.
    """
    _check(protocol, stage, reviewer)
    sheet = read_first_sheet(path)
    with store.session(readonly=True) as session:
        notes = check_identity(sheet.identity, session, protocol, stage=stage,
                               reviewer=reviewer, where=sheet.where)  # fmt: skip
    rows, problems = _parse(sheet, protocol, stage)
    assigned = set(assigned_records(store, protocol, stage=stage, reviewer=reviewer))
    ids = sorted({r.record_id for r in rows})
    with store.session(readonly=True) as session:
        known = set(session.scalars(select(Record.id).where(Record.id.in_(ids)))) if ids else set()
    state = screening_state(store, protocol)
    checked = []
    for row in rows:
        if row.record_id not in known:
            message = f"no record {row.record_id} in this project"
        elif row.record_id not in assigned:
            message = f"record {row.record_id} is not assigned to {reviewer} at {stage}"
        else:
            try:  # the same checks as any decision: the stage, a record moved on
                item = NewDecision(stage, row.record_id, reviewer, row.decision, row.reason,
                                   row.note, False, f"sheet:{Path(path).name}")  # fmt: skip
                checked.append(replace(row, item=check_decision(store, protocol, item, state)))
                continue
            except InputError as exc:
                message = exc.message
        problems.append((row.row, sheet.problem(message, row.row, "record_id")))
    if problems:
        raise InputError("\n".join(m for _, m in sorted(problems, key=lambda p: p[0])))
    return sheet, checked, notes


def _show(value: object) -> str:
    decision, reason, note = value if isinstance(value, tuple) else ("", None, None)
    extra = "; ".join(str(x) for x in (reason, note) if x)
    return f"{decision!r}" + (f" ({extra})" if extra else "")


def import_sheet(
    store: Store,
    protocol: Protocol,
    path: PathLike,
    *,
    stage: str,
    reviewer: str,
    force: bool = False,
) -> ImportResult:
    """Store the new and changed decisions of a valid sheet in one transaction.

    Parameters
    ----------
    force
        Store rows that overwrite decisions made after the sheet was exported
        (otherwise they are listed and nothing is stored).

    Raises
    ------
    InputError
        For a sheet of another project, stage or reviewer, and for every bad row.
    StaleSheetError
        Listing the stale rows (without ``force``); nothing is stored.
    """
    sheet, rows, notes = read_sheet(store, protocol, path, stage=stage, reviewer=reviewer)
    with store.session() as session:
        tally = Tally.for_sheet(session, sheet.identity)
        ids = {name: r.id for name, r in sync_reviewers(session, protocol).items()}
        mine = current_reviewer_decisions(session, stage, reviewer)
        for row in rows:
            event = mine.get(row.record_id)
            current = None if event is None else (
                (event.decision, event.reason, event.note), TABLE, event.id)  # fmt: skip
            place = (sheet.where, row.row, "decision", f"record {row.record_id}")
            if tally.judge(current, row.value, place, _show):
                assert row.item is not None  # checked by read_sheet
                tally.keep(TABLE, add_decision(store, session, row.item, ids))
        if stage == "ft":
            store_assignments(store, protocol, session)
        what = STAGE_NAMES[stage].replace(" screening", " decisions")
        return tally.finish(store, session, source=sheet.source, what=what, reviewer=reviewer,
                            force=force, warnings=(*sheet.warnings, *notes))  # fmt: skip


__all__ = [
    "COLUMNS",
    "SheetRow",
    "current_reviewer_decisions",
    "export_sheet",
    "import_sheet",
    "read_sheet",
]
