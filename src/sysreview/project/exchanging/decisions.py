"""Screening decisions moved to or from ASReview, Rayyan or Covidence.

The use cases of ``sysreview references import-decisions`` and ``export-decisions``: a
review in progress moved to or from another tool.

Import: the file's labelled records (:mod:`sysreview.io.screening_formats`) are matched
to the project's records (the id the file carries when that record has the same title,
else DOI, PMID, then the exact title; a duplicate counts as its group's screening unit,
and two rows of one unit are an error), and each decision becomes a decision of the given
protocol reviewer at the given stage. Every decision goes through the same checks as any
other route: :func:`~sysreview.project.selection.decisions.new_decision` (a valid decision, a
full-text exclusion with one of the protocol's reasons) and
:func:`~sysreview.project.selection.decisions.check_decision` (the record assigned to the reviewer,
forwarded to the stage, not moved on). A file from another tool has no export time, so a
decision that would change one the project holds is stale (refused with the list, unless
forced), as for a sheet without identity rows
(:class:`~sysreview.project.sheets.results.Tally`). All or nothing: any problem, every
problem listed with its row, and nothing stored.

Export: each record the reviewer is assigned at the stage (or, without a reviewer, every
unit of the stage) with the decisions: ASReview's label (the reviewer's decision, or the
settled one), Rayyan's inclusion note (the reviewer's, or every screener's decision).
Covidence takes references into the list a team chooses, so :func:`export_covidence`
writes a folder of RIS files, one per Covidence list the stage's units belong in by their
settled decision (:func:`~sysreview.io.screening_formats.covidence_lists`).
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.io.screening_formats import (
    FORMATS,
    WRITES,
    CovidenceList,
    DecisionRow,
    ForeignDecision,
    covidence_lists,
    read_decisions,
    write_decisions,
)
from sysreview.project.exchanging.files import write_file
from sysreview.project.selection.decisions import (
    add_decision,
    check_decision,
    check_reviewer,
    new_decision,
    sync_reviewers,
)
from sysreview.project.selection.sheets import TABLE, current_reviewer_decisions
from sysreview.project.selection.state import screening_state, store_assignments
from sysreview.project.sheets.identity import STAGE_NAMES
from sysreview.project.sheets.results import ImportResult, Tally
from sysreview.project.storage import STAGES, Record, Store
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

PathLike = str | os.PathLike[str]

__all__ = [
    "CovidenceExport",
    "export_covidence",
    "export_decisions",
    "import_decisions",
    "match_records",
]

_TITLE = re.compile(r"[\W_]+")


def _title_key(title: str | None) -> str:
    return _TITLE.sub(" ", (title or "").casefold()).strip()


def _check_args(
    protocol: Protocol, fmt: str, stage: str, reviewer: str | None, formats: tuple[str, ...]
) -> None:
    if fmt not in formats:
        raise InputError(f"format {fmt!r}: must be one of {', '.join(formats)}")
    if stage not in STAGES:
        raise InputError(f"invalid stage {stage!r}; must be one of {', '.join(STAGES)}")
    if reviewer is not None:
        check_reviewer(protocol, reviewer, Role.SCREENER)


def match_records(store: Store, found: list[ForeignDecision]) -> dict[int, int]:
    """``{index in found: record id}`` of the rows that match a project record."""
    with store.session(readonly=True) as session:
        records = session.execute(select(Record.id, Record.title, Record.doi, Record.pmid)).all()
    by_id = {str(r.id): r for r in records}
    by_doi = {r.doi.casefold(): r.id for r in records if r.doi}
    by_pmid = {r.pmid: r.id for r in records if r.pmid}
    by_title: dict[str, int] = {}
    for r in records:
        by_title.setdefault(_title_key(r.title), r.id)
    matched: dict[int, int] = {}
    for i, f in enumerate(found):
        own = by_id.get(f.key or "")
        if own is not None and _title_key(own.title) == _title_key(f.title):
            matched[i] = own.id
        elif f.doi and f.doi.casefold() in by_doi:
            matched[i] = by_doi[f.doi.casefold()]
        elif f.pmid and f.pmid in by_pmid:
            matched[i] = by_pmid[f.pmid]
        elif f.title and _title_key(f.title) in by_title:
            matched[i] = by_title[_title_key(f.title)]
    return matched


def import_decisions(
    store: Store,
    protocol: Protocol,
    path: PathLike,
    *,
    fmt: str,
    stage: str,
    reviewer: str,
    name: str | None = None,
    listed: str | None = None,
    force: bool = False,
) -> ImportResult:
    """Store the decisions of an ASReview or Rayyan export as ``reviewer``'s (all or none).

    Parameters
    ----------
    name
        Rayyan: the collaborator whose decisions are taken (default: the only one the
        file names).
    listed
        Covidence: the decision of the list the file was exported from.
    force
        Store decisions that change ones the project holds (otherwise refused, listed).

    Raises
    ------
    InputError
        A reviewer who does not screen, a file of another tool, a row matching no record,
        a record not assigned to the reviewer or not at the stage, a bad reason (one
        line per row).
    StaleSheetError
        Decisions that would change stored ones, without ``force``.
    """
    source = str(path)
    try:
        text = Path(path).read_text("utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read file: {exc}", source=source) from exc
    _check_args(protocol, fmt, stage, reviewer, FORMATS)
    found = read_decisions(text, fmt, source=Path(path).name, listed=listed)
    names = sorted({n for f in found for n in f.decisions})
    if fmt == "rayyan":
        if name is None and len(names) > 1:
            raise InputError(f"the file holds the decisions of {', '.join(names)}: "
                             "say whose with --name", source=source)  # fmt: skip
        if name is not None and name not in names:
            raise InputError(f"no decisions of {name!r} in the file (it names "
                             f"{', '.join(names) or 'nobody'})", source=source)  # fmt: skip
    who = name if name is not None else (names[0] if names else "")
    state = screening_state(store, protocol)
    matched = {i: state.unit_of(r) for i, r in match_records(store, found).items()}
    problems: list[str] = []
    items = []
    seen: dict[int, str] = {}
    for i, f in enumerate(found):
        decision = f.decisions.get(who)
        if decision is None:
            continue
        if i not in matched:
            problems.append(f"{f.where}: no record of this project matches "
                            f"(title {f.title!r}, DOI {f.doi!r})")  # fmt: skip
            continue
        if matched[i] in seen:
            problems.append(f"{f.where}: the same record as {seen[matched[i]]} "
                            f"(record {matched[i]})")  # fmt: skip
            continue
        seen[matched[i]] = f.where
        try:
            item = new_decision(protocol, stage=stage, record_id=matched[i],
                                reviewer=reviewer, decision=decision,
                                reason=f.reason if decision == "exclude" else None,
                                source=f"{fmt}:{Path(path).name}")  # fmt: skip
            items.append((f, check_decision(store, protocol, item, state)))
        except InputError as exc:
            problems.append(f"{f.where}: {exc.message}")
    if problems:
        raise InputError("\n".join(problems))
    with store.session() as session:
        tally = Tally(None)
        ids = {n: r.id for n, r in sync_reviewers(session, protocol).items()}
        mine = current_reviewer_decisions(session, stage, reviewer)
        for f, item in items:
            event = mine.get(item.record_id)
            current = None if event is None else (
                (event.decision, event.reason), TABLE, event.id)  # fmt: skip
            place = (f.where, None, "decision", f"record {item.record_id}")
            if tally.judge(current, (item.decision, item.reason), place, _show):
                tally.keep(TABLE, add_decision(store, session, item, ids))
        if stage == "ft":
            store_assignments(store, protocol, session)
        what = STAGE_NAMES[stage].replace(" screening", " decisions")
        return tally.finish(store, session, source=source, what=what, reviewer=reviewer,
                            force=force, warnings=())  # fmt: skip


def _show(value: object) -> str:
    if isinstance(value, tuple):
        return " ".join(str(v) for v in value if v)
    return str(value)


def _rows(
    store: Store, protocol: Protocol, fmt: str, stage: str, reviewer: str | None
) -> list[DecisionRow]:
    """The stage's units (or the reviewer's) with the decisions ``fmt`` writes."""
    state = screening_state(store, protocol).stage(stage)
    units = list(state.units if reviewer is None else state.assigned_to(reviewer))
    with store.session(readonly=True) as session:
        mine = current_reviewer_decisions(session, stage, reviewer) if reviewer else {}
        records = {r.id: r for r in session.scalars(select(Record).where(Record.id.in_(units)))}
    rows = []
    for unit in units:
        rec, status = records[unit], state.status[unit]
        if reviewer is not None:
            event = mine.get(unit)
            decisions = {reviewer: event.decision} if event else {}
            reason = event.reason if event else None
        elif fmt in ("asreview", "covidence"):
            settled = status.state.settled and status.decision
            decisions = {"": status.decision} if settled and status.decision else {}
            reason = status.reason
        else:
            decisions = {str(n): d for n, d in status.votes}
            reason = status.reason
        authors = tuple(a for a in (rec.authors or "").split("\n") if a)
        rows.append(DecisionRow(rec.id, rec.title, authors, rec.year, rec.doi,
                                rec.abstract, decisions, reason))  # fmt: skip
    return rows


def export_decisions(
    store: Store,
    protocol: Protocol,
    out: PathLike,
    *,
    fmt: str,
    stage: str,
    reviewer: str | None = None,
) -> int:
    """Write the stage's records with their decisions for ASReview or Rayyan; the count.

    With ``reviewer``: the records assigned to them and their own decisions; without:
    every unit of the stage, with the settled decision (ASReview) or every screener's
    current decision (Rayyan). Covidence: :func:`export_covidence`.
    """
    _check_args(protocol, fmt, stage, reviewer, WRITES)
    if fmt == "covidence":
        raise InputError("Covidence takes one file per list: export_covidence writes them")
    rows = _rows(store, protocol, fmt, stage, reviewer)
    write_file(out, write_decisions(rows, fmt).encode("utf-8"))
    return len(rows)


@dataclass(frozen=True)
class CovidenceExport:
    """The RIS files written for Covidence, one per list, in ``folder``."""

    folder: Path
    stage: str
    lists: tuple[CovidenceList, ...]

    def summary(self) -> str:
        """One line per file: how many records, and the Covidence list to import it into."""
        total = sum(x.count for x in self.lists)
        lines = [f"wrote {total} records of stage {self.stage} for Covidence to {self.folder}:"]
        lines += [
            f"  {x.file_name}: {x.count} records; import into '{x.covidence_list}'"
            for x in self.lists
        ]
        return "\n".join(lines)


def export_covidence(
    store: Store, protocol: Protocol, out: PathLike, *, stage: str
) -> CovidenceExport:
    """Write the stage's units as RIS files for Covidence, one per list, into folder ``out``.

    Each unit goes by its settled decision (the team's, as Covidence's lists are; see
    :func:`~sysreview.io.screening_formats.covidence_lists`); a full-text exclusion keeps
    its reason as the note ``Exclusion reason: ...``. ``out`` is created; a file of the
    same name in it is replaced.

    Raises
    ------
    InputError
        An unknown stage, ``out`` is a file.
    """
    _check_args(protocol, "covidence", stage, None, WRITES)
    folder = Path(out)
    if folder.exists() and not folder.is_dir():
        raise InputError("Covidence takes one file per list: give a folder", source=str(out))
    folder.mkdir(parents=True, exist_ok=True)
    lists = covidence_lists(_rows(store, protocol, "covidence", stage, None), stage)
    for x in lists:
        write_file(folder / x.file_name, x.text.encode("utf-8"))
    return CovidenceExport(folder, stage, tuple(lists))
