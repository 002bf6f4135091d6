"""Storing validated extraction rows: one reviewer's (or a consensus) values as events.

Used by :mod:`sysreview.project.extracting.values` (sheets, the Python API) and the web forms.
Everything for one file (or one API call) happens in one session: rows are validated
completely before anything is written, and a value equal to the writer's current one is
not stored again, so loading the same file twice changes nothing. Rows name only what
exists: every ``study_id`` is a study of the project (studies are made by linking an
included report, or by ``sysreview study add``; never by a sheet), every ``report`` a
record id (a whole number) of the project; arms are declared in the arms sheet.

Each value is compared with the writer's current one by a
:class:`~sysreview.project.sheets.results.Tally`: from a sheet, a value recorded after
the sheet's export makes the row stale (refused unless forced).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.extraction.forms import PARTS, ExtractionForm, Target, extraction_form
from sysreview.extraction.validate import (
    MISSING,
    ExtractionInputError,
    Known,
    OutcomeRow,
    Problem,
    Row,
    ValidatedRows,
    validate_rows,
)
from sysreview.project.extracting.state import (
    ARM,
    ARM_FIELDS,
    STUDY,
    Given,
    Item,
    State,
    read_state,
    resolve,
)
from sysreview.project.selection.decisions import check_reviewer, sync_reviewers
from sysreview.project.sheets.identity import SheetIdentity, check_identity
from sysreview.project.sheets.reading import record_id
from sysreview.project.sheets.results import ImportResult, Tally
from sysreview.project.storage import (
    Arm,
    ExtractionValue,
    OutcomeData,
    OutcomeMeasure,
    Record,
    Reviewer,
    Store,
    Study,
)
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

STAGE = "extraction"
VALUES, OUTCOMES = "extraction_value", "outcome_data"


@dataclass(frozen=True)
class LoadResult:
    """What a load stored: new events and unchanged values per part."""

    reviewer: str
    kind: str
    rows: Mapping[str, int]
    new: Mapping[str, int]
    unchanged: Mapping[str, int]

    def summary(self) -> str:
        """One line per part: rows read, values stored, values unchanged."""
        return "\n".join(
            f"{part}: {self.rows.get(part, 0)} rows, {self.new.get(part, 0)} new values, "
            f"{self.unchanged.get(part, 0)} unchanged"
            for part in ("studies", "arms", "outcomes")
        )


def _check_person(protocol: Protocol, reviewer: str, consensus: bool) -> None:
    if not consensus:
        check_reviewer(protocol, reviewer, Role.EXTRACTOR)
        return
    try:
        check_reviewer(protocol, reviewer, Role.ARBITER)
    except InputError:
        check_reviewer(protocol, reviewer, Role.EXTRACTOR)


def _known(state: State) -> Known:
    """Studies (with their resolved N randomised) and arms (with N) already stored."""
    studies: dict[str, int | None] = {}
    for study in state.studies.values():
        item = state.study_items(study.id).get("n_randomised")
        value = None if item is None else resolve(item, state.extractors.get(study.id, set()))
        given = None if value is None or value.status == "unresolved" else value.value
        studies[study.label] = None if given is None else int(given)
    arms = {(state.studies[a.study_id].label, a.name): a.n for a in state.arms.values()}
    return Known(studies, arms)


MISSING_STUDY = "add it with 'sysreview study add', or link an included report to it"


def _check_names(
    session: Session, rows: Mapping[str, Sequence[Row]]
) -> tuple[list[Problem], set[tuple[str, int, str]]]:
    """Unknown studies and malformed or unknown record ids (``report``), by sheet and row.

    Also the cells they concern, so that the form's own checks of them are not repeated.
    """
    studies = set(session.scalars(select(Study.label)))
    problems: list[Problem] = []
    wanted: list[tuple[str, int, int]] = []
    for part, given in rows.items():
        for number, cells in given:
            label = cells.get("study_id")
            label = None if label is None else str(label).strip()
            if label and label.casefold() not in MISSING and label not in studies:
                message = f"no study {label!r} in this project: {MISSING_STUDY}"
                problems.append(Problem(part, number, "study_id", message))
            report = cells.get("report")
            if report is None or str(report).strip().casefold() in MISSING:
                continue
            try:
                wanted.append((part, number, record_id(report)))
            except ValueError as exc:
                problems.append(Problem(part, number, "report", str(exc)))
    ids = {w[2] for w in wanted}
    found = set(session.scalars(select(Record.id).where(Record.id.in_(ids)))) if ids else set()
    problems += [Problem(part, row, "report", f"no record {report} in this project")
                 for part, row, report in wanted if report not in found]  # fmt: skip
    return problems, {(p.sheet, p.row, p.column or "") for p in problems}


def _validate(
    session: Session, form: ExtractionForm, rows: Mapping[str, Sequence[Row]], state: State,
    source: str | None,
) -> ValidatedRows:  # fmt: skip
    """Validated rows, or every problem at once (names, then the form's own checks)."""
    problems, cells = _check_names(session, rows)
    try:
        checked = validate_rows(form, rows, _known(state), source)
    except ExtractionInputError as exc:
        problems += [p for p in exc.problems
                     if (p.sheet, p.row, p.column or "") not in cells
                     and (p.sheet, p.row, "study_id") not in cells]  # fmt: skip
    if problems:
        order = {part: i for i, part in enumerate(PARTS)}
        problems.sort(key=lambda p: (order.get(p.sheet, 9), p.row))
        raise ExtractionInputError(problems, source)
    return checked


class _Writer:
    """Stores validated rows for one reviewer (or a consensus) in one session."""

    def __init__(self, session: Session, protocol: Protocol, person: Reviewer, kind: str,
                 state: State, tally: Tally, where: Mapping[str, str]) -> None:  # fmt: skip
        self.session, self.protocol, self.person, self.kind = session, protocol, person, kind
        self.state, self.tally, self.where = state, tally, where
        self.new: dict[str, int] = {}
        self.unchanged: dict[str, int] = {}
        self.rows: dict[str, int] = {}
        self.studies = {s.label: s for s in state.studies.values()}

    def _mine(self, item: Item | None) -> Given | None:
        if item is None:
            return None
        return item.consensus if self.kind == "consensus" else item.reviewers.get(self.person.name)

    def _judge(self, part: str, old: Given | None, table: str, now: tuple[Any, ...],
               place: tuple[int, str, str]) -> bool:  # fmt: skip
        """Whether to store ``now`` (compared with ``old`` by the tally), counting it."""
        current = None if old is None else (self._given(old, table), table, old.event_id)
        row, column, item = place
        store = self.tally.judge(current, now, (self.where.get(part, part), row, column, item),
                                 _show)  # fmt: skip
        counter = self.new if store else self.unchanged
        counter[part] = counter.get(part, 0) + 1
        return store

    @staticmethod
    def _given(old: Given, table: str) -> tuple[Any, ...]:
        if table == VALUES:
            return (old.value, old.report, old.location)
        return (old.value, old.report, old.location, old.label, old.note)

    def put(self, part: str, row: int, entity: str, entity_id: int, key: str, value: Any,
            report: int | None, location: str | None, item: str) -> None:  # fmt: skip
        old = self._mine(self.state.values.get((entity, entity_id, key)))
        if old is None and value is None:
            return
        if value is None and self.kind == "consensus":
            return
        if not self._judge(part, old, VALUES, (value, report, location), (row, key, item)):
            return
        event = ExtractionValue(entity=entity, entity_id=entity_id, key=key, value=value,
                                report_record_id=report, source_location=location,
                                reviewer_id=self.person.id, kind=self.kind)  # fmt: skip
        self.session.add(event)
        self.tally.keep(VALUES, event)

    def study(self, label: str) -> Study:
        """A study of the project (checked before writing: sheets never create one)."""
        found = self.studies.get(label)
        if found is None:  # pragma: no cover - _check_names refuses unknown studies first
            raise InputError(f"no study {label!r} in this project: {MISSING_STUDY}")
        return found

    def arm(self, study: Study, name: str, arm_type: str) -> Arm:
        found = self.session.scalar(select(Arm).where(Arm.study_id == study.id, Arm.name == name))
        if found is None:
            found = Arm(study_id=study.id, name=name, arm_type=arm_type)
            self.session.add(found)
            self.session.flush()
        return found

    def measure(self, domain: str, instrument: str) -> OutcomeMeasure:
        m = OutcomeMeasure
        found = self.session.scalar(select(m).where(m.domain == domain, m.instrument == instrument))
        if found is None:
            spec = next(x for x in self.protocol.outcomes.domain(domain).measures
                        if x.name == instrument)  # fmt: skip
            found = OutcomeMeasure(
                domain=domain, instrument=instrument, scale_min=spec.scale_min,
                scale_max=spec.scale_max, higher_is_better=spec.higher_is_better,
                validated=spec.validated,
            )  # fmt: skip
            self.session.add(found)
            self.session.flush()
        return found

    def write(self, form: ExtractionForm, rows: ValidatedRows) -> None:
        self.rows = rows.counts()
        targets = (Target.ATTRIBUTE, Target.CHARACTERISTIC)
        fields = [f.name for f in form.studies.fields if f.target in targets]
        for s in rows.studies:
            study = self.study(s.study_id)
            for name in fields:
                self.put("studies", s.row, STUDY, study.id, name, s.values.get(name), s.report,
                         s.location, f"study {s.study_id!r}")  # fmt: skip
        touched: list[Arm] = []
        for a in rows.arms:
            arm = self.arm(self.study(a.study_id), a.arm, str(a.values["arm_type"]))
            touched.append(arm)
            for name in ARM_FIELDS:
                self.put("arms", a.row, ARM, arm.id, name, a.values.get(name), a.report,
                         a.location, f"arm {a.arm!r} of {a.study_id!r}")  # fmt: skip
        for o in rows.outcomes:
            self.outcome(o)
        self.session.flush()
        self.state = read_state(self.session)
        for arm in touched:
            self.refresh(arm)

    def outcome(self, o: OutcomeRow) -> None:
        arm = self.arm(self.study(o.study_id), o.arm, "")
        measure = self.measure(o.domain, o.measure)
        old = self._mine(self.state.outcomes.get((arm.id, measure.id, o.weeks_after_end)))
        label = o.timepoint_label or f"{o.weeks_after_end:g} weeks after the end"
        now = (dict(o.entered), o.report, o.location, label, o.note)
        item = f"{o.study_id!r} / {o.arm} / {o.measure} at {o.weeks_after_end:g} weeks"
        if not self._judge("outcomes", old, OUTCOMES, now, (o.row, "n", item)):
            return
        numbers: dict[str, float | None] = {
            k: v for k, v in o.entered.items() if k not in ("n", "events")
        }
        numbers["mean"], numbers["sd"] = o.mean, o.sd
        if o.flags and o.flags[0].startswith("change"):
            numbers["mean"] = numbers["sd"] = None
        event = OutcomeData(
            arm_id=arm.id, outcome_measure_id=measure.id, timepoint=label,
            timepoint_weeks=o.weeks_after_end, n=o.n, events=o.events,
            flags=list(o.flags) or None, note=o.note, report_record_id=o.report,
            source_location=o.location, entered_by=self.person.id, kind=self.kind,
            **numbers,
        )  # fmt: skip
        self.session.add(event)
        self.tally.keep(OUTCOMES, event)

    def refresh(self, arm: Arm) -> None:
        """Set the arm's columns to its resolved values (unresolved ones stay as they are)."""
        for name in ARM_FIELDS:
            found = self.state.arm_value(arm, name)
            if found.status == "unresolved" or (name == "arm_type" and not found.value):
                continue
            setattr(arm, {"n_randomised": "n"}.get(name, name), found.value)


def _show(value: Any) -> str:
    """A value as a stale row shows it: the number or text, then its source."""
    main, report, location, *_ = value
    if isinstance(main, dict):
        main = ", ".join(f"{k} {v:g}" for k, v in main.items())
    source = ", ".join(x for x in ((f"report {report}" if report else ""), location or "") if x)
    return f"{main!r}" + (f" ({source})" if source else "")


def _prepare(
    session: Session, protocol: Protocol, rows: Mapping[str, Sequence[Row]], reviewer: str,
    consensus: bool, source: str | None, tally: Tally, where: Mapping[str, str],
) -> _Writer:  # fmt: skip
    """Validate every row, then write them for ``reviewer`` in ``session``."""
    form = extraction_form(protocol)
    kind = "consensus" if consensus else "reviewer"
    state = read_state(session)
    checked = _validate(session, form, rows, state, source)
    person = sync_reviewers(session, protocol)[reviewer]
    writer = _Writer(session, protocol, person, kind, state, tally, where)
    writer.write(form, checked)
    return writer


def store_rows(
    store: Store,
    protocol: Protocol,
    rows: Mapping[str, Sequence[Row]],
    reviewer: str,
    *,
    consensus: bool = False,
    source: str | None = None,
) -> LoadResult:
    """Validate rows entered now (web form, Python API) and store them in one transaction.

    Raises
    ------
    ExtractionInputError
        Listing every problem by source, sheet, row and column; nothing is stored.
    InputError
        For a reviewer the protocol does not name as extractor (or arbiter, for consensus).
    """
    with store.session() as session:
        return store_rows_in(session, store, protocol, rows, reviewer, consensus=consensus,
                             source=source)  # fmt: skip


def store_rows_in(
    session: Session,
    store: Store,
    protocol: Protocol,
    rows: Mapping[str, Sequence[Row]],
    reviewer: str,
    *,
    consensus: bool = False,
    source: str | None = None,
) -> LoadResult:
    """:func:`store_rows` inside the caller's transaction ``session``.

    A data file is loaded with its studies and judgements, all or nothing:
    ``sysreview.project.extracting.datasets``.
    """
    _check_person(protocol, reviewer, consensus)
    kind = "consensus" if consensus else "reviewer"
    writer = _prepare(session, protocol, rows, reviewer, consensus, source,
                      Tally.unchecked(), {})  # fmt: skip
    store.audit(reviewer, f"extraction {kind} values", "extraction", None,
                {"source": source, **writer.rows}, session=session)  # fmt: skip
    return LoadResult(reviewer, kind, writer.rows, writer.new, writer.unchanged)


def store_sheet_rows(
    store: Store,
    protocol: Protocol,
    rows: Mapping[str, Sequence[Row]],
    reviewer: str,
    *,
    consensus: bool,
    source: str,
    identity: SheetIdentity | None,
    where: Mapping[str, str],
    force: bool,
    warnings: tuple[str, ...],
) -> ImportResult:
    """Validate a sheet's rows and store their new and changed values (all or nothing).

    ``identity`` is what the sheet says of itself (checked here: project, stage
    ``extraction``, reviewer); ``where`` names each part's file and sheet for messages.

    Raises
    ------
    ExtractionInputError
        Listing every problem by source, sheet, row and column; nothing is stored.
    InputError
        For another project's or reviewer's sheet, or a reviewer who may not load it.
    StaleSheetError
        Listing values recorded after the sheet's export (without ``force``).
    """
    _check_person(protocol, reviewer, consensus)
    with store.session() as session:
        notes = check_identity(identity, session, protocol, stage=STAGE, reviewer=reviewer,
                               where=source)  # fmt: skip
        tally = Tally.for_sheet(session, identity)
        _prepare(session, protocol, rows, reviewer, consensus, source, tally, where)
        what = "consensus values" if consensus else "extracted values"
        return tally.finish(store, session, source=source, what=what, reviewer=reviewer,
                            force=force, warnings=(*warnings, *notes))  # fmt: skip


__all__ = ["STAGE", "LoadResult", "store_rows", "store_rows_in", "store_sheet_rows"]
