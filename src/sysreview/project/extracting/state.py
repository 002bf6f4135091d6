"""The current extraction state of a project: each reviewer's values, consensus, agreement.

Study and arm fields live in ``extraction_value`` (entities ``"study"`` and ``"arm"``),
outcome numbers in ``outcome_data``; both are event logs with ``kind`` ``reviewer`` or
``consensus``. For every item (a study field, an arm field, an outcome row) the current
value of each reviewer is their latest event; the latest consensus event wins over all
of them. :func:`resolve` turns that into one value, saying how it was decided:

* ``consensus`` -- a consensus value was entered;
* ``agreed`` -- every reviewer who extracted the study gave the same value;
* ``single`` -- only one reviewer extracted the study;
* ``unresolved`` -- reviewers differ and there is no consensus (a discrepancy).

A reviewer who extracted a study but left an item empty counts as giving "nothing",
which differs from a value.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.project.storage import (
    Arm,
    OutcomeData,
    OutcomeMeasure,
    Record,
    Reviewer,
    Study,
    StudyReport,
    current_extraction_values,
)

if TYPE_CHECKING:
    import pandas as pd

STUDY, ARM = "study", "arm"
ARM_FIELDS = ("arm_type", "n_randomised", "description", "delivery", "structured")
ENTERED = (
    "n", "mean", "sd", "se", "ci_low", "ci_high", "ci_level", "t", "p", "median", "q1", "q3",
    "minimum", "maximum", "mean_change", "sd_change", "events", "reported_p",
)  # fmt: skip
"""Outcome numbers as a reviewer enters them (``ci_level`` as a fraction)."""


@dataclass(frozen=True)
class Given:
    """One current value: who gave it, as reviewer or consensus, and where it came from."""

    reviewer: str
    kind: str
    value: Any
    report: int | None
    location: str | None
    event_id: int
    label: str | None = None
    note: str | None = None
    flags: tuple[str, ...] = ()

    @property
    def source(self) -> str:
        """``"report 12, Table 2"`` (what is known of it), or ``""``."""
        parts = [] if self.report is None else [f"report {self.report}"]
        if self.location:
            parts.append(self.location)
        return ", ".join(parts)


@dataclass(frozen=True)
class Resolved:
    """An item's value and how it was decided (see the module docstring)."""

    value: Any
    status: str
    chosen: Given | None
    given: tuple[Given, ...]

    def describe(self) -> str:
        """``"consensus (R3); report 12, Table 2"``, ``"R1, R2 agree; ..."``, ..."""
        if self.chosen is None:
            return ""
        who = {
            "consensus": f"consensus ({self.chosen.reviewer})",
            "agreed": f"{', '.join(g.reviewer for g in self.given)} agree",
            "single": f"{self.chosen.reviewer} only",
            "unresolved": f"unresolved, latest by {self.chosen.reviewer}",
        }[self.status]
        source = self.chosen.source
        return f"{who}; {source}" if source else who


@dataclass
class Item:
    """Everything given for one item: each reviewer's current value and the consensus."""

    study_id: int
    reviewers: dict[str, Given] = field(default_factory=dict)
    consensus: Given | None = None


def resolve(item: Item, extractors: Iterable[str]) -> Resolved:
    """The item's value: consensus, else the reviewers' common value, else unresolved."""
    if item.consensus is not None:
        return Resolved(item.consensus.value, "consensus", item.consensus, (item.consensus,))
    names = sorted(set(extractors) | set(item.reviewers))
    given = tuple(item.reviewers[n] for n in names if n in item.reviewers)
    values = [item.reviewers[n].value if n in item.reviewers else None for n in names]
    latest = max(given, key=lambda g: g.event_id) if given else None
    if latest is None:
        return Resolved(None, "single", None, ())
    if all(v == values[0] for v in values):
        status = "single" if len(names) == 1 else "agreed"
        return Resolved(values[0], status, given[0], given)
    return Resolved(latest.value, "unresolved", latest, given)


def entered(row: OutcomeData) -> dict[str, float]:  # n and events as int
    """The numbers a reviewer entered in an outcome row (derived mean/SD left out)."""
    values = {name: getattr(row, name) for name in ENTERED}
    flags = tuple(row.flags or ())
    if any(f.startswith("mean/sd from") for f in flags):
        values["mean"] = values["sd"] = None
    elif any(f.startswith("sd from") for f in flags):
        values["sd"] = None
    return {k: (int(v) if k in ("n", "events") else float(v))
            for k, v in values.items() if v is not None}  # fmt: skip


@dataclass
class State:
    """The extraction state of a store, read in one session."""

    studies: dict[int, Study]
    arms: dict[int, Arm]
    measures: dict[int, OutcomeMeasure]
    values: dict[tuple[str, int, str], Item]
    outcomes: dict[tuple[int, int, float], Item]
    extractors: dict[int, set[str]]
    references: dict[int, str] = field(default_factory=dict)
    index: dict[tuple[str, int], dict[str, Item]] = field(init=False, repr=False)

    def __post_init__(self) -> None:
        self.index = defaultdict(dict)
        for (entity, entity_id, key), item in self.values.items():
            self.index[(entity, entity_id)][key] = item

    def _items(self, entity: str, entity_id: int) -> dict[str, Item]:
        return dict(self.index.get((entity, entity_id), {}))

    def study_items(self, study_id: int) -> dict[str, Item]:
        """``{field: item}`` of one study."""
        return self._items(STUDY, study_id)

    def arm_items(self, arm_id: int) -> dict[str, Item]:
        """``{field: item}`` of one arm."""
        return self._items(ARM, arm_id)

    def arm_value(self, arm: Arm, name: str) -> Resolved:
        """An arm field, resolved; arms nobody extracted fall back to the table's columns."""
        item = self.arm_items(arm.id).get(name)
        if item is None:
            column = {"n_randomised": "n"}.get(name, name)
            return Resolved(getattr(arm, column), "single", None, ())
        return resolve(item, self.extractors.get(arm.study_id, set()))


def _latest_outcome_ids(session: Session) -> list[int]:
    o = OutcomeData
    key = (o.arm_id, o.outcome_measure_id, o.timepoint_weeks)
    own = select(func.max(o.id)).where(o.kind == "reviewer").group_by(*key, o.entered_by)
    agreed = select(func.max(o.id)).where(o.kind == "consensus").group_by(*key)
    return [*session.scalars(own), *session.scalars(agreed)]


def read_state(session: Session) -> State:
    """The current extraction state (reviewer names are the protocol's ids)."""
    names = {r.id: r.name for r in session.scalars(select(Reviewer))}
    studies = {s.id: s for s in session.scalars(select(Study))}
    arms = {a.id: a for a in session.scalars(select(Arm))}
    measures = {m.id: m for m in session.scalars(select(OutcomeMeasure))}
    extractors: dict[int, set[str]] = defaultdict(set)
    values: dict[tuple[str, int, str], Item] = {}
    for v in current_extraction_values(session):
        if v.entity not in (STUDY, ARM):
            continue
        study_id = v.entity_id if v.entity == STUDY else arms[v.entity_id].study_id
        item = values.setdefault((v.entity, v.entity_id, v.key), Item(study_id))
        given = Given(names[v.reviewer_id], v.kind, v.value, v.report_record_id,
                      v.source_location, v.id)  # fmt: skip
        _add(item, given, extractors)
    outcomes: dict[tuple[int, int, float], Item] = {}
    ids = _latest_outcome_ids(session)
    query = select(OutcomeData).where(OutcomeData.id.in_(ids), OutcomeData.retracted.is_(False))
    rows: Iterable[OutcomeData] = session.scalars(query) if ids else ()
    for row in rows:
        if row.timepoint_weeks is None:
            continue  # not entered through extraction: no time after the end
        study_id = arms[row.arm_id].study_id
        key = (row.arm_id, row.outcome_measure_id, row.timepoint_weeks)
        item = outcomes.setdefault(key, Item(study_id))
        given = Given(
            names[row.entered_by], row.kind, entered(row), row.report_record_id,
            row.source_location, row.id, row.timepoint, row.note, tuple(row.flags or ()),
        )  # fmt: skip
        _add(item, given, extractors)
    return State(studies, arms, measures, values, outcomes, dict(extractors), _references(session))


def _references(session: Session) -> dict[int, str]:
    """``study id -> "Surname (year) Title"`` of its primary report (else its first)."""
    link = StudyReport
    query = (
        select(link.study_id, Record.authors, Record.year, Record.title)
        .join(Record, Record.id == link.record_id)
        .order_by(link.study_id, link.is_primary.desc(), link.id)
    )
    out: dict[int, str] = {}
    for study_id, authors, year, title in session.execute(query):
        if study_id in out:
            continue
        first = (authors or "").splitlines()[0].split(",")[0].strip() if authors else ""
        parts = [p for p in (first, f"({year})" if year else "", title or "") if p]
        if parts:
            out[study_id] = " ".join(parts)
    return out


def _add(item: Item, given: Given, extractors: dict[int, set[str]]) -> None:
    if given.kind == "consensus":
        item.consensus = given
    else:
        item.reviewers[given.reviewer] = given
        extractors[item.study_id].add(given.reviewer)


def outcome_label(state: State, key: tuple[int, int, float]) -> str:
    """``"peer group / hope / Herth Hope Index / 0 weeks"``."""
    arm, measure = state.arms[key[0]], state.measures[key[1]]
    return f"{arm.name} / {measure.domain} / {measure.instrument} / {key[2]:g} weeks"


def differing_fields(values: Mapping[str, dict[str, float] | None]) -> list[str]:
    """The outcome numbers on which reviewers' rows differ.

    ``["row"]`` when a reviewer who extracted the study has no row for it (``None``).
    """
    if any(v is None for v in values.values()):
        return ["row"]
    rows = [v or {} for v in values.values()]
    return [n for n in ENTERED if len({r.get(n) for r in rows}) > 1]


@dataclass(frozen=True)
class Discrepancy:
    """Reviewers' different values for one item: ``values`` is ``(reviewer, value, source)``."""

    study_id: str
    entity: str
    item: str
    field: str
    values: tuple[tuple[str, Any, str], ...]

    def describe(self) -> str:
        """``"Smith 2019 / arm peer group / n_randomised: R1 = 40 (Table 1); R2 = 41"``."""
        shown = "; ".join(
            f"{who} = {value!r}" + (f" ({source})" if source else "")
            for who, value, source in self.values
        )
        where = " / ".join(p for p in (self.study_id, f"{self.entity} {self.item}".strip()) if p)
        return f"{where} / {self.field}: {shown}"


@dataclass(frozen=True)
class Discrepancies:
    """Every unresolved discrepancy between reviewers."""

    items: tuple[Discrepancy, ...] = field(default_factory=tuple)

    def to_frame(self) -> pd.DataFrame:
        """One row per discrepancy and reviewer: study, entity, item, field, reviewer, value."""
        import pandas as pd

        rows = [
            {"study_id": d.study_id, "entity": d.entity, "item": d.item, "field": d.field,
             "reviewer": who, "value": value, "source": source}
            for d in self.items
            for who, value, source in d.values
        ]  # fmt: skip
        columns = ["study_id", "entity", "item", "field", "reviewer", "value", "source"]
        return pd.DataFrame(rows, columns=columns)

    def summary(self) -> str:
        """One line per discrepancy, then the count."""
        return "\n".join([*(d.describe() for d in self.items), f"{len(self.items)} discrepancies"])


def _study_discrepancies(state: State, label: str, study_id: int) -> list[Discrepancy]:
    found: list[Discrepancy] = []
    who = state.extractors.get(study_id, set())
    entries: list[tuple[str, str, str, Item]] = [
        (STUDY, "", name, item) for name, item in sorted(state.study_items(study_id).items())
    ]
    for arm in sorted((a for a in state.arms.values() if a.study_id == study_id),
                      key=lambda a: a.name):  # fmt: skip
        entries += [(ARM, arm.name, n, i) for n, i in sorted(state.arm_items(arm.id).items())]
    for entity, name, field_name, item in entries:
        if resolve(item, who).status == "unresolved":
            values = tuple(
                (r, item.reviewers[r].value if r in item.reviewers else None,
                 item.reviewers[r].source if r in item.reviewers else "")
                for r in sorted(who)
            )  # fmt: skip
            found.append(Discrepancy(label, entity, name, field_name, values))
    for key, item in sorted(state.outcomes.items()):
        if state.arms[key[0]].study_id != study_id or resolve(item, who).status != "unresolved":
            continue
        rows = {r: (item.reviewers[r].value if r in item.reviewers else None) for r in sorted(who)}
        for name in differing_fields(rows):
            values = tuple(
                (r, rows[r] if name == "row" else (rows[r] or {}).get(name),
                 item.reviewers[r].source if r in item.reviewers else "")
                for r in sorted(who)
            )  # fmt: skip
            found.append(Discrepancy(label, "outcome", outcome_label(state, key), name, values))
    return found


def find_discrepancies(state: State) -> Discrepancies:
    """Items on which the reviewers who extracted a study differ, without a consensus."""
    found: list[Discrepancy] = []
    for study in sorted(state.studies.values(), key=lambda s: s.label):
        found += _study_discrepancies(state, study.label, study.id)
    return Discrepancies(tuple(found))


__all__ = [
    "ARM",
    "ARM_FIELDS",
    "ENTERED",
    "STUDY",
    "Discrepancies",
    "Discrepancy",
    "Given",
    "Item",
    "Resolved",
    "State",
    "differing_fields",
    "entered",
    "find_discrepancies",
    "outcome_label",
    "read_state",
    "resolve",
]
