"""One study's extraction as a grid: arms as columns, outcomes × time points as rows.

:func:`read_grid` gives what the web grid shows for one extractor and one study: the
study's fields, its arms and its outcome rows (measure and weeks after the end), each
with the extractor's own current value and, where one was entered, the consensus value
(:mod:`sysreview.project.extracting.state`: the latest consensus event of an item wins
over every reviewer's value). Another extractor's values are never included (blinding):
an arm or an outcome row is shown when the extractor gave values for it or a consensus
exists for it. It also carries the page's identity (:func:`~sysreview.project.sheets.
identity.identity_for`: the newest event id of each extraction log when the page was
read) and the study's reports (for the reviewer to cite as ``report``).

:func:`save_grid` stores the grid's rows through the sheets' own path
(:func:`~sysreview.project.extracting.writer.store_sheet_rows`): the same validation
(:func:`~sysreview.extraction.validate.validate_rows`), all or nothing, and the same
staleness check (:class:`~sysreview.project.sheets.results.Tally`): a value changed by
another route after the page was read makes the save refused, listing it, and a page
saved again corrects its own earlier saves (they carry the page's id).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from sqlalchemy import select

from sysreview.extraction.validate import Cell
from sysreview.project.extracting.forms import check_extracts, check_study_rows
from sysreview.project.extracting.state import ARM_FIELDS, Given, Item, State, read_state
from sysreview.project.extracting.writer import STAGE, store_sheet_rows
from sysreview.project.sheets.identity import SheetIdentity, identity_for
from sysreview.project.sheets.results import ImportResult
from sysreview.project.storage import ExtractionValue, OutcomeData, Record, Store, StudyReport
from sysreview.protocol import Protocol

GRID_SOURCE = "extraction grid"
"""The ``source`` of a grid save (the audit log's file name, and in messages)."""
GRID_WHERE = {"studies": "grid, study fields", "arms": "grid, arms", "outcomes": "grid, outcomes"}


def _frozen(values: Mapping[str, Any] | None) -> Mapping[str, Any]:
    return MappingProxyType(dict(values or {}))


@dataclass(frozen=True)
class Values:
    """An entity's values: the extractor's own and the consensus, each by field name.

    Each also holds ``report`` and ``location`` of its first value (a sheet row has one
    source for all its values); ``consensus_by`` names who entered the consensus.
    """

    own: Mapping[str, Any] = field(default_factory=dict)
    consensus: Mapping[str, Any] = field(default_factory=dict)
    consensus_by: str | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "own", _frozen(self.own))
        object.__setattr__(self, "consensus", _frozen(self.consensus))

    @property
    def has_own(self) -> bool:
        """Whether the extractor gave any value."""
        return bool(self.own)


@dataclass(frozen=True)
class GridArm:
    """An arm (a column of the grid) and its fields."""

    name: str
    values: Values


@dataclass(frozen=True)
class GridOutcome:
    """An outcome row: a measure at a time point, with each arm's numbers.

    ``cells`` maps an arm's name to its :class:`Values` (numbers as entered, ``n``, plus
    ``timepoint_label``, ``report``, ``location`` and ``note``). ``dichotomous`` when the
    domain is analysed with a ratio or difference of risks, or events were entered.
    """

    domain: str
    measure: str
    weeks: float
    label: str | None
    cells: Mapping[str, Values]
    dichotomous: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "cells", _frozen(self.cells))


@dataclass(frozen=True)
class Report:
    """A report (record) linked to the study."""

    record_id: int
    primary: bool
    citation: str


@dataclass(frozen=True)
class ExtractionGrid:
    """What the grid of one study shows to one extractor (see the module docstring)."""

    study: str
    reviewer: str
    fields: Values
    arms: tuple[GridArm, ...]
    outcomes: tuple[GridOutcome, ...]
    reports: tuple[Report, ...]
    page: SheetIdentity

    def summary(self) -> str:
        """``"Smith 2019: 2 arms, 3 outcome rows (R1's values)"``."""
        return (f"{self.study}: {len(self.arms)} arms, {len(self.outcomes)} outcome rows "
                f"({self.reviewer}'s values)")  # fmt: skip


def _source(given: Given | None) -> dict[str, Any]:
    if given is None:
        return {}
    return {k: v for k, v in (("report", given.report), ("location", given.location)) if v}


def _values(items: Mapping[str, Item], reviewer: str) -> Values:
    own = {k: i.reviewers[reviewer] for k, i in items.items() if reviewer in i.reviewers}
    agreed = {k: i.consensus for k, i in items.items() if i.consensus is not None}
    first_own = next(iter(own.values()), None)
    first_agreed = next(iter(agreed.values()), None)
    return Values(
        {**{k: g.value for k, g in own.items()}, **_source(first_own)},
        {**{k: g.value for k, g in agreed.items()}, **_source(first_agreed)},
        None if first_agreed is None else first_agreed.reviewer,
    )


def _numbers(given: Given | None) -> dict[str, Any]:
    """An outcome row's numbers as a reviewer enters them (``ci_level`` in percent)."""
    if given is None:
        return {}
    numbers: dict[str, Any] = dict(given.value)
    if "ci_level" in numbers:
        numbers["ci_level"] = round(numbers["ci_level"] * 100, 9)  # as the sheets show it
    extra = {"timepoint_label": given.label, "note": given.note, **_source(given)}
    return {**numbers, **{k: v for k, v in extra.items() if v is not None}}


def _dichotomous(protocol: Protocol, domain: str, cells: Mapping[str, Values]) -> bool:
    analysis = protocol.outcomes.domain(domain).analysis
    if analysis is not None and analysis.measure is not None and analysis.measure.is_dichotomous:
        return True
    return any("events" in v.own or "events" in v.consensus for v in cells.values())


def _outcomes(
    state: State, protocol: Protocol, study_id: int, reviewer: str
) -> tuple[list[GridOutcome], set[int]]:
    rows: dict[tuple[int, float], dict[str, Values]] = {}
    arms: set[int] = set()
    for (arm_id, measure_id, weeks), item in sorted(state.outcomes.items()):
        own = item.reviewers.get(reviewer)
        if item.study_id != study_id or (own is None and item.consensus is None):
            continue
        arms.add(arm_id)
        by = None if item.consensus is None else item.consensus.reviewer
        rows.setdefault((measure_id, weeks), {})[state.arms[arm_id].name] = Values(
            _numbers(own), _numbers(item.consensus), by
        )
    out = []
    for (measure_id, weeks), cells in rows.items():
        m = state.measures[measure_id]
        label = next((v.own.get("timepoint_label") for v in cells.values()
                      if v.own.get("timepoint_label")), None)  # fmt: skip
        out.append(GridOutcome(m.domain, m.instrument, weeks, label, cells,
                               _dichotomous(protocol, m.domain, cells)))  # fmt: skip
    out.sort(key=lambda o: (o.domain, o.measure, o.weeks))
    return out, arms


def _reports(session: Any, study_id: int) -> tuple[Report, ...]:
    link = StudyReport
    query = (
        select(Record.id, link.is_primary, Record.authors, Record.year, Record.title)
        .join(link, link.record_id == Record.id)
        .where(link.study_id == study_id)
        .order_by(link.is_primary.desc(), Record.id)
    )
    out = []
    for record_id, primary, authors, year, title in session.execute(query):
        first = (authors or "").splitlines()[0].split(",")[0].strip() if authors else ""
        parts = [p for p in (first, f"({year})" if year else "", title or "") if p]
        out.append(Report(record_id, bool(primary), " ".join(parts) or f"record {record_id}"))
    return tuple(out)


def read_grid(store: Store, protocol: Protocol, *, reviewer: str, study: str) -> ExtractionGrid:
    """The grid of ``study`` for the extractor ``reviewer`` (see the module docstring).

    Raises
    ------
    InputError
        For a reviewer who is not an extractor in the protocol, or an unknown study.
    """
    check_extracts(store, protocol, reviewer, study)
    with store.session(readonly=True) as session:  # the identity first, as for a sheet
        page = identity_for(session, protocol, stage=STAGE, reviewer=reviewer,
                            tables=[ExtractionValue, OutcomeData])  # fmt: skip
        state = read_state(session)
        (study_id,) = [s.id for s in state.studies.values() if s.label == study]
        outcomes, with_numbers = _outcomes(state, protocol, study_id, reviewer)
        arms = []
        for arm in sorted(state.arms.values(), key=lambda a: a.id):
            if arm.study_id != study_id:
                continue
            values = _values({k: i for k, i in state.arm_items(arm.id).items()
                              if k in ARM_FIELDS}, reviewer)  # fmt: skip
            if values.own or values.consensus or arm.id in with_numbers:
                arms.append(GridArm(arm.name, values))
        fields = _values(state.study_items(study_id), reviewer)
        reports = _reports(session, study_id)
    return ExtractionGrid(study, reviewer, fields, tuple(arms), tuple(outcomes), reports, page)


def save_grid(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    study: str,
    rows: Mapping[str, Sequence[tuple[int, Mapping[str, Cell]]]],
    page: SheetIdentity,
) -> ImportResult:
    """Store a grid's rows of ``study`` for ``reviewer``, as a sheet exported at ``page``.

    Raises
    ------
    ExtractionInputError
        Every problem by part, row (the grid's numbering) and column; nothing is stored.
    StaleSheetError
        Values the grid would change that were recorded after ``page`` was read.
    InputError
        An unknown study, a row of another study, a page of another project, stage or
        reviewer, or a reviewer who is not an extractor.
    """
    check_study_rows(store, protocol, reviewer, study, rows)
    return store_sheet_rows(
        store, protocol, rows, reviewer, consensus=False, source=GRID_SOURCE, identity=page,
        where=GRID_WHERE, force=False, warnings=(),
    )  # fmt: skip


__all__ = [
    "GRID_SOURCE",
    "ExtractionGrid",
    "GridArm",
    "GridOutcome",
    "Report",
    "Values",
    "read_grid",
    "save_grid",
]
