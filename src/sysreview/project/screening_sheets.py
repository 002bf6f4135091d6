"""Screening in spreadsheets: export a reviewer's records, import their decisions.

For teams that screen in Excel or LibreOffice. The export lists the records assigned to
one reviewer at one stage (with any decision already made); the import validates every
row first — unknown records, unassigned records, invalid decisions, missing full-text
exclusion reasons, the same record twice with different decisions — and reports all
problems with their row numbers; only a sheet without problems is stored, in one
transaction, so nothing is ever half-imported.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

from sysreview.errors import InputError
from sysreview.project.screening import (
    NewDecision,
    add_decision,
    assigned_records,
    check_decision,
    check_reason,
    check_reviewer,
    record_card,
    sync_reviewers,
)
from sysreview.project.screening_state import screening_state, store_assignments
from sysreview.project.sheet_io import read_first_sheet, write_sheet
from sysreview.project.store import DECISIONS, Store
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
)
PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class SheetRow:
    """A decision read from a sheet, with the row it came from."""

    row: int
    record_id: int
    decision: str
    reason: str | None
    note: str | None


def export_sheet(
    store: Store, protocol: Protocol, path: PathLike, *, stage: str, reviewer: str
) -> int:
    """Write the reviewer's assigned records (CSV, or XLSX by extension); the row count."""
    check_reviewer(protocol, reviewer, Role.SCREENER)
    here = screening_state(store, protocol).stage(stage)
    mine = {u: d for u in here.units for who, d in here.status[u].votes if who == reviewer}
    rows = []
    for record_id in assigned_records(store, protocol, stage=stage, reviewer=reviewer):
        card = record_card(store, record_id)
        rows.append(
            [card.id, card.title or "", "; ".join(card.authors), card.year or "",
             card.journal or "", card.abstract or "", mine.get(record_id, ""), "", ""]
        )  # fmt: skip
    write_sheet(path, COLUMNS, rows, title=f"{stage} {reviewer}")
    return len(rows)


def _read_rows(path: Path) -> list[tuple[int, dict[str, str]]]:
    """``(row number, {column: text})`` for every data row (header = row 1)."""
    values = read_first_sheet(path)
    if not values:
        raise InputError("empty sheet", source=str(path))
    header = [h.strip().lower() for h in values[0]]
    for needed in ("record_id", "decision"):
        if needed not in header:
            raise InputError(f"missing column {needed!r}", source=str(path), line=1)
    return [
        (number, dict(zip(header, (cell.strip() for cell in row), strict=False)))
        for number, row in enumerate(values[1:], start=2)
        if any(cell.strip() for cell in row)
    ]


def read_sheet(
    store: Store, protocol: Protocol, path: PathLike, *, stage: str, reviewer: str
) -> list[SheetRow]:
    """Validate a decisions sheet; every problem is reported at once (one line per row)."""
    check_reviewer(protocol, reviewer, Role.SCREENER)
    source = Path(path)
    assigned = set(assigned_records(store, protocol, stage=stage, reviewer=reviewer))
    problems: list[str] = []
    found: dict[int, SheetRow] = {}
    for number, cells in _read_rows(source):
        decision = cells.get("decision", "").lower()
        if not decision:
            continue
        try:
            record_id = int(float(cells.get("record_id", "")))
        except ValueError:
            problems.append(f"row {number}: record_id {cells.get('record_id')!r} is not a number")
            continue
        where = f"row {number} (record {record_id})"
        if decision not in DECISIONS:
            problems.append(f"{where}: decision {decision!r} must be one of {', '.join(DECISIONS)}")
            continue
        if record_id not in assigned:
            problems.append(f"{where}: not assigned to {reviewer} at {stage}")
            continue
        try:
            reason = check_reason(protocol, stage, decision, cells.get("reason") or None)
        except InputError as exc:
            problems.append(f"{where}: {exc.message}")
            continue
        row = SheetRow(number, record_id, decision, reason, cells.get("note") or None)
        earlier = found.get(record_id)
        if earlier is not None and (earlier.decision, earlier.reason) != (row.decision, row.reason):
            problems.append(f"{where}: conflicts with row {earlier.row} ({earlier.decision})")
            continue
        found[record_id] = row
    if problems:
        raise InputError("\n".join(f"{source}, {p}" for p in problems))
    return sorted(found.values(), key=lambda r: r.row)


def import_sheet(
    store: Store, protocol: Protocol, path: PathLike, *, stage: str, reviewer: str
) -> int:
    """Store every decision of a valid sheet in one transaction; how many were stored.

    Each row is checked like any decision (:func:`sysreview.project.screening.check_decision`)
    before anything is stored.
    """
    rows = read_sheet(store, protocol, path, stage=stage, reviewer=reviewer)
    source = f"sheet:{Path(path).name}"
    state = screening_state(store, protocol)
    items = [
        check_decision(store, protocol, NewDecision(
            stage, row.record_id, reviewer, row.decision, row.reason, row.note, False, source,
        ), state)
        for row in rows
    ]  # fmt: skip
    with store.session() as session:
        ids = {name: r.id for name, r in sync_reviewers(session, protocol).items()}
        for item in items:
            add_decision(store, session, item, ids)
        if stage == "ft":
            store_assignments(store, protocol, session)
        store.audit(reviewer, f"{stage} decisions from sheet", "decision_event", None,
                    {"file": Path(path).name, "rows": len(rows)}, session=session)  # fmt: skip
    return len(rows)
