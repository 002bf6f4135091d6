"""Storing validated extraction rows: one reviewer's (or a consensus) values as events.

Used by :mod:`sysreview.project.extracting`. Everything for one file (or one API call)
happens in one session: rows are validated completely (including that every ``report``
is a record of the project) before anything is written, and a value equal to the
writer's current one is not stored again, so loading the same file twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.extraction.forms import ExtractionForm, Target, extraction_form
from sysreview.extraction.validate import (
    ArmRow,
    ExtractionInputError,
    Known,
    OutcomeRow,
    Problem,
    Row,
    StudyRow,
    ValidatedRows,
    validate_rows,
)
from sysreview.project.extraction_state import (
    ARM,
    ARM_FIELDS,
    STUDY,
    Given,
    Item,
    State,
    read_state,
    resolve,
)
from sysreview.project.screening import check_reviewer, sync_reviewers
from sysreview.project.store import (
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


def _parts(rows: ValidatedRows) -> list[tuple[str, Sequence[StudyRow | ArmRow | OutcomeRow]]]:
    return [("studies", rows.studies), ("arms", rows.arms), ("outcomes", rows.outcomes)]


def _check_reports(session: Session, rows: ValidatedRows, source: str | None) -> None:
    wanted = {(part, r.row, r.report) for part, group in _parts(rows) for r in group}
    wanted = {w for w in wanted if w[2] is not None}
    ids = {w[2] for w in wanted}
    found = set(session.scalars(select(Record.id).where(Record.id.in_(ids)))) if ids else set()
    problems = [
        Problem(part, row, "report", f"no record {report} in this project")
        for part, row, report in sorted(wanted)
        if report not in found
    ]
    if problems:
        raise ExtractionInputError(problems, source)


class _Writer:
    """Stores validated rows for one reviewer (or a consensus) in one session."""

    def __init__(
        self, session: Session, protocol: Protocol, person: Reviewer, kind: str, state: State
    ):
        self.session, self.protocol, self.person, self.kind = session, protocol, person, kind
        self.state = state
        self.new: dict[str, int] = {}
        self.unchanged: dict[str, int] = {}

    def _mine(self, item: Item | None) -> Given | None:
        if item is None:
            return None
        return item.consensus if self.kind == "consensus" else item.reviewers.get(self.person.name)

    def _count(self, part: str, stored: bool) -> None:
        counter = self.new if stored else self.unchanged
        counter[part] = counter.get(part, 0) + 1

    def put(self, part: str, entity: str, entity_id: int, key: str, value: Any,
            report: int | None, location: str | None) -> None:  # fmt: skip
        old = self._mine(self.state.values.get((entity, entity_id, key)))
        if old is None and value is None:
            return
        if value is None and self.kind == "consensus":
            return
        if old is not None and (old.value, old.report, old.location) == (value, report, location):
            self._count(part, False)
            return
        self.session.add(
            ExtractionValue(entity=entity, entity_id=entity_id, key=key, value=value,
                            report_record_id=report, source_location=location,
                            reviewer_id=self.person.id, kind=self.kind)
        )  # fmt: skip
        self._count(part, True)

    def study(self, label: str) -> Study:
        found = self.session.scalar(select(Study).where(Study.label == label))
        if found is None:
            found = Study(label=label)
            self.session.add(found)
            self.session.flush()
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
        targets = (Target.ATTRIBUTE, Target.CHARACTERISTIC)
        fields = [f.name for f in form.studies.fields if f.target in targets]
        for s in rows.studies:
            study = self.study(s.study_id)
            for name in fields:
                self.put("studies", STUDY, study.id, name, s.values.get(name), s.report, s.location)
        touched: list[Arm] = []
        for a in rows.arms:
            arm = self.arm(self.study(a.study_id), a.arm, str(a.values["arm_type"]))
            touched.append(arm)
            for name in ARM_FIELDS:
                self.put("arms", ARM, arm.id, name, a.values.get(name), a.report, a.location)
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
        if old is not None and (old.value, old.report, old.location, old.label, old.note) == now:
            self._count("outcomes", False)
            return
        numbers: dict[str, float | None] = {
            k: v for k, v in o.entered.items() if k not in ("n", "events")
        }
        numbers["mean"], numbers["sd"] = o.mean, o.sd
        if o.flags and o.flags[0].startswith("change"):
            numbers["mean"] = numbers["sd"] = None
        self.session.add(
            OutcomeData(
                arm_id=arm.id, outcome_measure_id=measure.id, timepoint=label,
                timepoint_weeks=o.weeks_after_end, n=o.n, events=o.events,
                flags=list(o.flags) or None, note=o.note, report_record_id=o.report,
                source_location=o.location, entered_by=self.person.id, kind=self.kind,
                **numbers,
            )
        )  # fmt: skip
        self._count("outcomes", True)

    def refresh(self, arm: Arm) -> None:
        """Set the arm's columns to its resolved values (unresolved ones stay as they are)."""
        for name in ARM_FIELDS:
            found = self.state.arm_value(arm, name)
            if found.status == "unresolved" or (name == "arm_type" and not found.value):
                continue
            setattr(arm, {"n_randomised": "n"}.get(name, name), found.value)


def store_rows(
    store: Store,
    protocol: Protocol,
    rows: Mapping[str, Sequence[Row]],
    reviewer: str,
    *,
    consensus: bool = False,
    source: str | None = None,
) -> LoadResult:
    """Validate rows of the three parts and store them in one transaction (all or nothing).

    Raises
    ------
    ExtractionInputError
        Listing every problem by source, sheet, row and column; nothing is stored.
    InputError
        For a reviewer the protocol does not name as extractor (or arbiter, for consensus).
    """
    _check_person(protocol, reviewer, consensus)
    form = extraction_form(protocol)
    kind = "consensus" if consensus else "reviewer"
    with store.session() as session:
        state = read_state(session)
        checked = validate_rows(form, rows, _known(state), source)
        _check_reports(session, checked, source)
        person = sync_reviewers(session, protocol)[reviewer]
        writer = _Writer(session, protocol, person, kind, state)
        writer.write(form, checked)
        store.audit(reviewer, f"extraction {kind} values", "extraction", None,
                    {"source": source, **checked.counts()})  # fmt: skip
    return LoadResult(reviewer, kind, checked.counts(), writer.new, writer.unchanged)


__all__ = ["LoadResult", "store_rows"]
