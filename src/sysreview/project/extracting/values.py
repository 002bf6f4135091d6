"""Data extraction: templates, loading, two-reviewer discrepancies, consensus, ReviewData.

::

    write_template(store, protocol, "extract.xlsx", reviewer="R1")   # pre-filled with R1's
    load_template(store, protocol, "extract.xlsx", reviewer="R1")    # all or nothing
    add_values(store, protocol, "R1", studies=[...], arms=[...], outcomes=[...])
    discrepancies(store)                                             # R1 vs R2, item by item
    load_template(store, protocol, "agreed.xlsx", reviewer="R3", consensus=True)
    review_data(store, protocol) -> ReviewData                       # what the analysis reads

Every value is an event (nothing is overwritten) that keeps who entered it, the report
(record id) and the place in it (page, table). A file is validated completely before
anything is stored, and stored in one transaction. Loading the same values again stores
nothing; a changed value becomes a new event (a correction); a value emptied in a row
that is present is recorded as emptied (reviewer entries only; consensus is only ever
given). Templates carry their identity: a template of another project or reviewer is
refused, and one exported before values entered since (on the web, say) is refused,
listing them, unless forced. Rows name only studies of the project (made by linking an
included report, or ``sysreview study add``) and records of it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from sysreview.errors import InputError, SysreviewError
from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, ReviewData, StudyEntry
from sysreview.extraction.forms import ExtractionForm, Target, extraction_form
from sysreview.extraction.mean_sd import FLAG_NO_SPREAD, convert_outcome, sds_from_test
from sysreview.project.extracting import sheets as extraction_sheets
from sysreview.project.extracting.state import (
    ARM_FIELDS,
    Discrepancies,
    Discrepancy,
    Given,
    Item,
    Resolved,
    State,
    find_discrepancies,
    outcome_label,
    read_state,
    resolve,
)
from sysreview.project.extracting.writer import STAGE, LoadResult, store_rows, store_sheet_rows
from sysreview.project.selection.decisions import check_reviewer
from sysreview.project.sheets.identity import identity_for
from sysreview.project.sheets.results import ImportResult
from sysreview.project.storage import Arm, ExtractionValue, OutcomeData, Store, Study
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

PathLike = str | os.PathLike[str]
UNRESOLVED = ("error", "latest")


class ExtractionError(SysreviewError):
    """The extracted data cannot be used as asked (e.g. unresolved discrepancies)."""


def discrepancies(store: Store) -> Discrepancies:
    """Items on which the reviewers who extracted a study differ, without a consensus."""
    with store.session() as session:
        return find_discrepancies(read_state(session))


def add_values(
    store: Store,
    protocol: Protocol,
    reviewer: str,
    *,
    studies: Sequence[Mapping[str, Any]] = (),
    arms: Sequence[Mapping[str, Any]] = (),
    outcomes: Sequence[Mapping[str, Any]] = (),
    consensus: bool = False,
) -> LoadResult:
    """The Python API: store rows given as dicts (same columns as the template).

    Examples
    --------
    ``add_values(store, protocol, "R1", studies=[{"study_id": "Smith 2019",
    "country": "UK"}], arms=[{"study_id": "Smith 2019", "arm": "peer group",
    "arm_type": "intervention", "n_randomised": 40}])``; messages count rows from 1.
    """
    rows = {
        part: [(i, dict(r)) for i, r in enumerate(given, start=1)]
        for part, given in (("studies", studies), ("arms", arms), ("outcomes", outcomes))
    }
    return store_rows(store, protocol, rows, reviewer, consensus=consensus, source="python")


def load_template(
    store: Store,
    protocol: Protocol,
    path: PathLike,
    reviewer: str,
    *,
    consensus: bool = False,
    force: bool = False,
) -> ImportResult:
    """Load a filled template (``.xlsx``, or ``.csv`` parts) for ``reviewer``: all or nothing.

    The template must be one exported for this project (and for ``reviewer``, when it
    names one); values equal to the reviewer's current ones add nothing, changed ones are
    corrections, and values recorded after the export are listed and refused unless
    ``force`` (:mod:`sysreview.project.sheets.results`).
    """
    form = extraction_form(protocol)
    filled = extraction_sheets.read_template(form, path)
    return store_sheet_rows(
        store, protocol, filled.rows, reviewer, consensus=consensus, source=str(path),
        identity=filled.identity, where=filled.where, force=force, warnings=filled.warnings,
    )  # fmt: skip


def _prefill(state: State, reviewer: str | None) -> dict[str, list[dict[str, Any]]]:
    labels = {s.id: s.label for s in state.studies.values()}
    if reviewer is None:
        return {"studies": [{"study_id": label} for label in sorted(labels.values())]}
    out: dict[str, list[dict[str, Any]]] = {"studies": [], "arms": [], "outcomes": []}
    for study_id, label in sorted(labels.items(), key=lambda x: x[1]):
        mine = {k: i.reviewers[reviewer] for k, i in state.study_items(study_id).items()
                if reviewer in i.reviewers}  # fmt: skip
        out["studies"].append({"study_id": label, **_with_source(mine)})
        for arm in (a for a in state.arms.values() if a.study_id == study_id):
            given = {k: i.reviewers[reviewer] for k, i in state.arm_items(arm.id).items()
                     if reviewer in i.reviewers}  # fmt: skip
            if given:
                out["arms"].append({"study_id": label, "arm": arm.name, **_with_source(given)})
    for (arm_id, measure_id, weeks), item in sorted(state.outcomes.items()):
        g = item.reviewers.get(reviewer)
        if g is None:
            continue
        m, arm = state.measures[measure_id], state.arms[arm_id]
        numbers = dict(g.value)
        if "ci_level" in numbers:
            numbers["ci_level"] = round(numbers["ci_level"] * 100, 9)  # 0.9 * 100 != 90.0
        out["outcomes"].append(
            {"study_id": labels[arm.study_id], "arm": arm.name, "domain": m.domain,
             "measure": m.instrument, "weeks_after_end": weeks, "timepoint_label": g.label,
             **numbers, "report": g.report, "location": g.location, "note": g.note}
        )  # fmt: skip
    return out


def _with_source(given: Mapping[str, Given]) -> dict[str, Any]:
    values: dict[str, Any] = {k: g.value for k, g in given.items()}
    first = next(iter(given.values()), None)
    if first is not None:
        values.update(report=first.report, location=first.location)
    return values


def write_template(
    store: Store, protocol: Protocol, path: PathLike, reviewer: str | None = None
) -> Path:
    """Write an extraction template; with ``reviewer``, pre-filled with their current values.

    Without a reviewer the studies sheet lists the project's studies.
    """
    form = extraction_form(protocol)
    if reviewer is not None:
        check_reviewer(protocol, reviewer, Role.EXTRACTOR)
    with store.session(readonly=True) as session:  # the identity first: see export_sheet
        identity = identity_for(session, protocol, stage=STAGE, reviewer=reviewer,
                                tables=[ExtractionValue, OutcomeData])  # fmt: skip
        rows = _prefill(read_state(session), reviewer)
    return extraction_sheets.write_template(form, path, rows, identity)


class _Resolver:
    def __init__(self, state: State, unresolved: str) -> None:
        if unresolved not in UNRESOLVED:
            raise InputError(
                f"Invalid unresolved={unresolved!r}; must be one of {', '.join(UNRESOLVED)}"
            )
        self.state, self.mode = state, unresolved
        self.open: list[str] = []

    def __call__(self, item: Item | Resolved, what: str) -> Resolved:
        found = (
            item
            if isinstance(item, Resolved)
            else resolve(item, self.state.extractors.get(item.study_id, set()))
        )
        if found.status == "unresolved":
            self.open.append(what)
        return found


def _study_entry(state: State, study: Study, pick: _Resolver, form: ExtractionForm) -> StudyEntry:
    targets = {f.name: f.target for f in form.studies.fields}
    attributes: dict[str, Any] = {}
    characteristics: dict[str, Any] = {}
    for name, item in state.study_items(study.id).items():
        value = pick(item, f"{study.label} / {name}").value
        if value is not None:
            where = attributes if targets.get(name) is Target.ATTRIBUTE else characteristics
            where[name] = value
    arms = [a for a in state.arms.values() if a.study_id == study.id]
    attributes["n_arms"] = len(arms)
    structured = {
        state.arm_value(a, "structured").value
        for a in arms
        if state.arm_value(a, "arm_type").value == "intervention"
    }
    if len(structured) == 1 and None not in structured:
        attributes["intervention_structured"] = structured.pop()
    arm_n = [state.arm_value(a, "n_randomised").value for a in arms]
    if "n_randomised" not in attributes and arm_n and None not in arm_n:
        attributes["n_randomised"] = sum(int(n) for n in arm_n)
    reference = state.references.get(study.id)
    return StudyEntry(study.label, attributes, characteristics, reference)


def _arm_entry(state: State, arm: Arm, label: str, pick: _Resolver) -> ArmEntry:
    value = {n: pick(state.arm_value(arm, n), f"{label} / {arm.name} / {n}").value
             for n in ARM_FIELDS}  # fmt: skip
    description = "; ".join(
        str(v)
        for v in (value["description"], value["delivery"] and f"delivery: {value['delivery']}")
        if v
    )
    return ArmEntry(
        label, arm.name, str(value["arm_type"] or arm.arm_type),
        None if value["n_randomised"] is None else int(value["n_randomised"]),
        description or None, value["structured"],
    )  # fmt: skip


def _outcome_entry(state: State, key: tuple[int, int, float], item: Item, pick: _Resolver,
                   label: str) -> tuple[OutcomeEntry, dict[str, float]]:  # fmt: skip
    found = pick(item, f"{label} / {outcome_label(state, key)}")
    chosen = found.chosen
    assert chosen is not None
    numbers: dict[str, float] = found.value
    n = None if "n" not in numbers else int(numbers["n"])
    mean, sd, flags = convert_outcome(numbers, n)
    if found.status == "unresolved":
        flags = (*flags, "unresolved discrepancy between reviewers: latest value used")
    arm, measure = state.arms[key[0]], state.measures[key[1]]
    events = numbers.get("events")
    entry = OutcomeEntry(
        label, arm.name, measure.domain, measure.instrument, key[2], mean=mean, sd=sd, n=n,
        events=None if events is None else int(events), timepoint_label=chosen.label,
        source=found.describe(), flags=flags, reported_p=numbers.get("reported_p"),
    )  # fmt: skip
    return entry, numbers


def _sds_from_tests(
    outcomes: Sequence[tuple[OutcomeEntry, Mapping[str, float]]],
) -> list[OutcomeEntry]:
    """The entries, with both arms' SD from a ``t`` or ``p`` given on either arm's row.

    Pairs the arms of one study, measure and timepoint as the sheets do
    (:func:`~sysreview.extraction.mean_sd.sds_from_test`).
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, (e, _) in enumerate(outcomes):
        groups.setdefault((e.study_id, e.domain, e.measure, e.weeks_after_end), []).append(i)
    out = [e for e, _ in outcomes]
    for members in groups.values():
        entries = [outcomes[i][0] for i in members]
        try:
            found = sds_from_test([outcomes[i][1] for i in members], [e.n for e in entries],
                                  [e.flags for e in entries])  # fmt: skip
        except InputError as exc:
            at = entries[exc.line or 0]
            raise InputError(
                f"{at.study_id} / {at.arm} / {at.measure} at {at.weeks_after_end:g} weeks, "
                f"column {exc.column!r}: {exc.message}"
            ) from None
        for k, (sd, flag) in found.items():
            kept = tuple(f for f in entries[k].flags if f != FLAG_NO_SPREAD)
            out[members[k]] = replace(entries[k], sd=sd, flags=(flag, *kept))
    return out


def review_data(store: Store, protocol: Protocol, *, unresolved: str = "error") -> ReviewData:
    """The analysis-ready extracted data of the project.

    Each value is the consensus when there is one, else the value every reviewer who
    extracted the study gave (``OutcomeEntry.source`` says which, and where it was
    found); SE, CI and median inputs are converted to mean/SD (``flags`` says how).

    Parameters
    ----------
    unresolved
        ``"error"`` (default): raise while reviewers disagree without a consensus;
        ``"latest"``: use the latest value and flag the outcome entry.

    Raises
    ------
    ExtractionError
        Listing the unresolved discrepancies (with ``unresolved="error"``).
    """
    form = extraction_form(protocol)
    with store.session() as session:
        state = read_state(session)
        pick = _Resolver(state, unresolved)
        studies, arms, entered = [], [], []
        used = {i.study_id for i in (*state.values.values(), *state.outcomes.values())}
        used |= {a.study_id for a in state.arms.values()}
        for study in sorted((state.studies[i] for i in used), key=lambda s: s.label):
            studies.append(_study_entry(state, study, pick, form))
            for arm in sorted((a for a in state.arms.values() if a.study_id == study.id),
                              key=lambda a: a.id):  # fmt: skip
                arms.append(_arm_entry(state, arm, study.label, pick))
        for key, item in sorted(state.outcomes.items()):
            label = state.studies[item.study_id].label
            entered.append(_outcome_entry(state, key, item, pick, label))
        outcomes = _sds_from_tests(entered)
    if pick.open and unresolved == "error":
        shown = "; ".join(pick.open[:3]) + (" ..." if len(pick.open) > 3 else "")
        raise ExtractionError(
            f"{len(pick.open)} values differ between reviewers without a consensus ({shown}); "
            "list them with 'sysreview extract discrepancies' and load the agreed values "
            "with 'sysreview extract load FILE --reviewer R --consensus'"
        )
    return ReviewData(tuple(studies), tuple(arms), tuple(outcomes))


# --- the project's use cases (directory + optional database URL) ----------------------


def project_template(
    directory: PathLike, out: PathLike, reviewer: str | None = None, db_url: str | None = None
) -> Path:
    """Write the project's extraction template (see :func:`write_template`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (project, store):
        return write_template(store, project.protocol, out, reviewer)


def project_load(
    directory: PathLike,
    path: PathLike,
    reviewer: str,
    *,
    consensus: bool = False,
    force: bool = False,
    db_url: str | None = None,
) -> ImportResult:
    """Load a filled template into the project (see :func:`load_template`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (project, store):
        return load_template(
            store, project.protocol, path, reviewer, consensus=consensus, force=force
        )


def project_discrepancies(directory: PathLike, db_url: str | None = None) -> Discrepancies:
    """The project's unresolved discrepancies (see :func:`discrepancies`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (_, store):
        return discrepancies(store)


def project_review_data(
    directory: PathLike, db_url: str | None = None, *, unresolved: str = "error"
) -> ReviewData:
    """The project's analysis-ready data (see :func:`review_data`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (project, store):
        return review_data(store, project.protocol, unresolved=unresolved)


__all__ = [
    "Discrepancies",
    "Discrepancy",
    "ExtractionError",
    "ImportResult",
    "LoadResult",
    "add_values",
    "discrepancies",
    "load_template",
    "project_discrepancies",
    "project_load",
    "project_review_data",
    "project_template",
    "review_data",
    "store_rows",
    "write_template",
]
