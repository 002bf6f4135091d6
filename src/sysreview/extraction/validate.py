"""Checking filled-in extraction rows against the form.

:func:`validate_rows` reads the three parts (``studies``, ``arms``, ``outcomes``) as rows of
cells and either returns typed rows or raises :class:`ExtractionInputError` listing every
problem, each naming the sheet, row and column: numbers that are not numbers, SD (or SE,
SD of changes) not above 0, an arm's N larger than the number randomised to it, means
outside the measure's scale, events larger than N, unknown studies, arms, domains or
measures, the same row twice. An outcome row's SE, confidence interval or median becomes
the mean and SD for analysis by :func:`~sysreview.extraction.mean_sd.convert_outcome`,
flagged. A mean reported without any SD, SE or confidence interval is kept, flagged
*reported, not usable* (:data:`~sysreview.extraction.mean_sd.FLAG_NO_SPREAD`; its ``n`` is
optional): the synthesis narrates it instead of pooling it.

Pure: rows in, values out; no files, no database.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from types import MappingProxyType

from sysreview.errors import InputError
from sysreview.extraction.dataset import Scalar
from sysreview.extraction.forms import ExtractionForm, FieldType
from sysreview.extraction.mean_sd import convert_outcome, not_usable, sds_from_test
from sysreview.extraction.sheet_cells import (
    MISSING,
    Cell,
    ExtractionInputError,
    Problem,
    Row,
    RowCells,
    is_duplicate,
    provenance,
    row_values,
)


@dataclass(frozen=True)
class StudyRow:
    """A validated study row: non-empty values by field name, and their provenance."""

    row: int
    study_id: str
    values: Mapping[str, Scalar]
    report: int | None = None
    location: str | None = None


@dataclass(frozen=True)
class ArmRow:
    """A validated arm row (``values`` holds ``arm_type`` and any other given field)."""

    row: int
    study_id: str
    arm: str
    values: Mapping[str, Scalar]
    report: int | None = None
    location: str | None = None


@dataclass(frozen=True)
class OutcomeRow:
    """A validated outcome row: the numbers as entered, and the mean/SD used for analysis.

    ``entered`` holds every numeric field given (``n``, ``mean``, ``se``, ``median`` ...);
    ``mean``/``sd`` are the values for analysis, converted when ``flags`` says so.
    """

    row: int
    study_id: str
    arm: str
    domain: str
    measure: str
    weeks_after_end: float
    timepoint_label: str | None
    entered: Mapping[str, float]
    mean: float | None
    sd: float | None
    n: int | None
    events: int | None
    flags: tuple[str, ...] = ()
    report: int | None = None
    location: str | None = None
    note: str | None = None

    @property
    def key(self) -> tuple[str, str, str, str, float]:
        """``(study_id, arm, domain, measure, weeks_after_end)``."""
        return (self.study_id, self.arm, self.domain, self.measure, self.weeks_after_end)


@dataclass(frozen=True)
class ValidatedRows:
    """The rows of all three parts, validated."""

    studies: tuple[StudyRow, ...] = ()
    arms: tuple[ArmRow, ...] = ()
    outcomes: tuple[OutcomeRow, ...] = ()

    def counts(self) -> dict[str, int]:
        """Rows per part."""
        return {
            "studies": len(self.studies),
            "arms": len(self.arms),
            "outcomes": len(self.outcomes),
        }


@dataclass(frozen=True)
class Known:
    """What is already in the project: studies (with N randomised) and arms (with N)."""

    studies: Mapping[str, int | None] = field(default_factory=dict)
    arms: Mapping[tuple[str, str], int | None] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "studies", MappingProxyType(dict(self.studies)))
        object.__setattr__(self, "arms", MappingProxyType(dict(self.arms)))


def _studies(form: ExtractionForm, rows: Sequence[Row], problems: list[Problem]) -> list[StudyRow]:
    out: list[StudyRow] = []
    seen: dict[tuple[object, ...], int] = {}
    for number, raw in rows:
        cells = RowCells(form.studies, number, raw)
        study_id = cells.text("study_id")
        values = row_values(cells, ())
        report, location = provenance(cells)
        if study_id is not None and not is_duplicate(seen, (study_id,), cells):
            out.append(StudyRow(number, study_id, values, report, location))
        problems += cells.problems
    return out


def _arms(
    form: ExtractionForm,
    rows: Sequence[Row],
    studies: Mapping[str, int | None],
    problems: list[Problem],
) -> list[ArmRow]:
    out: list[ArmRow] = []
    seen: dict[tuple[object, ...], int] = {}
    for number, raw in rows:
        cells = RowCells(form.arms, number, raw)
        study_id, arm = cells.text("study_id"), cells.text("arm")
        values = row_values(cells, ("study_id", "arm"))
        report, location = provenance(cells)
        if study_id is not None and study_id not in studies:
            cells.problem("study_id", f"unknown study {study_id!r}: add it to the studies sheet")
        elif (
            study_id is not None
            and arm is not None
            and "arm_type" in values
            and not is_duplicate(seen, (study_id, arm), cells)
        ):
            out.append(ArmRow(number, study_id, arm, values, report, location))
        problems += cells.problems
    for study_id, total in studies.items():
        given = [a for a in out if a.study_id == study_id and "n_randomised" in a.values]
        arm_sum = sum(int(a.values["n_randomised"]) for a in given)
        if total is not None and given and arm_sum > total:
            problems.append(
                Problem(form.arms.name, given[-1].row, "n_randomised",
                        f"the arms of {study_id!r} randomise {arm_sum} in total, more than "
                        f"the study's n_randomised ({total})")
            )  # fmt: skip
    return out


_CONTINUOUS = ("mean", "sd", "se", "ci_low", "ci_high", "t", "p", "median", "q1", "q3",
               "minimum", "maximum", "mean_change", "sd_change")  # fmt: skip
_POSITIVE = ("sd", "se", "sd_change")
_ON_SCALE = ("mean", "median", "q1", "q3", "minimum", "maximum")


def _outcome_numbers(cells: RowCells, scale: tuple[float, float] | None) -> dict[str, float]:
    """The numeric fields given, with single-value checks (SD > 0, means on the scale)."""
    entered: dict[str, float] = {}
    for spec in cells.part.fields:
        if spec.type in (FieldType.NUMBER, FieldType.INTEGER) and spec.name not in (
            "weeks_after_end", "report",
        ):  # fmt: skip
            value = cells.number(spec.name)
            if value is not None:
                entered[spec.name] = value
    for name in _POSITIVE:
        if name in entered and entered[name] <= 0:
            cells.problem(name, f"must be greater than 0, not {entered[name]:g}")
            del entered[name]
    if scale is not None:
        lo, hi = scale
        for name in _ON_SCALE:
            if name in entered and not lo <= entered[name] <= hi:
                cells.problem(
                    name, f"{entered[name]:g} is outside the measure's scale [{lo:g}, {hi:g}]"
                )
        if "mean_change" in entered and abs(entered["mean_change"]) > hi - lo:
            cells.problem("mean_change", f"{entered['mean_change']:g} is larger than the "
                          f"measure's scale allows ({hi - lo:g})")  # fmt: skip
    if "ci_low" in entered and "ci_high" in entered and entered["ci_low"] >= entered["ci_high"]:
        cells.problem("ci_high", f"{entered['ci_high']:g} must be greater than ci_low "
                      f"({entered['ci_low']:g})")  # fmt: skip
        del entered["ci_high"]
    if "t" in entered and entered["t"] == 0:
        cells.problem("t", "must be non-zero (the t statistic of the difference in means)")
        del entered["t"]
    if "p" in entered and not 0 < entered["p"] < 1:
        cells.problem("p", f"must be strictly between 0 and 1, not {entered['p']:g}")
        del entered["p"]
    if "t" in entered and "p" in entered:
        cells.problem("p", "give the t statistic or the P value of the difference, not both")
    if "ci_level" in entered:
        level = entered["ci_level"]
        level = level / 100 if level > 1 else level
        if not 0 < level < 1:
            cells.problem("ci_level", f"{entered['ci_level']:g} is not a confidence level "
                          "(give a percentage such as 95)")  # fmt: skip
        entered["ci_level"] = level
    return entered


def _outcome_row(
    cells: RowCells, form: ExtractionForm, arms: Mapping[tuple[str, str], int | None]
) -> OutcomeRow | None:
    study_id, arm = cells.text("study_id"), cells.text("arm")
    domain, measure = cells.text("domain"), cells.text("measure")
    weeks = cells.number("weeks_after_end")
    if study_id is not None and arm is not None and (study_id, arm) not in arms:
        cells.problem("arm", f"unknown arm {arm!r} of study {study_id!r}: add it to the arms sheet")
        return None
    if domain is not None and measure is not None and measure not in form.measures[domain]:
        shown = ", ".join(form.measures[domain]) or "none"
        cells.problem("measure", f"{measure!r} is not a measure of domain {domain!r} "
                      f"(the protocol lists: {shown})")  # fmt: skip
        return None
    if study_id is None or arm is None or domain is None or measure is None or weeks is None:
        return None
    entered = _outcome_numbers(cells, form.scale(domain, measure))
    n = None if "n" not in entered else int(entered["n"])
    randomised = arms[(study_id, arm)]
    if n is not None and randomised is not None and n > randomised:
        cells.problem("n", f"{n} is more than the {randomised} randomised to arm {arm!r}")
    events = None if "events" not in entered else int(entered["events"])
    if events is not None and n is not None and events > n:
        cells.problem("events", f"{events} events is more than n ({n})")
    if cells.problems:
        return None
    continuous = [k for k in _CONTINUOUS if k in entered]
    if events is not None and continuous:
        cells.problem(continuous[0], "give events or continuous numbers, not both")
        return None
    try:
        mean, sd, flags = convert_outcome(entered, n)
    except InputError as exc:
        column = exc.column if exc.column in form.outcomes.names else continuous[0]
        column = "n" if exc.message.startswith("n must") else column
        cells.problem(column, exc.message)
        return None
    usable_mean = mean is not None and not not_usable(flags)
    if (usable_mean or events is not None) and n is None:
        cells.problem("n", "is required with numbers (participants analysed in this arm)")
        return None
    if mean is None and events is None and "reported_p" not in entered:
        cells.problem(None, "no numbers: give mean and sd (or se, ci_low/ci_high, median "
                      "with q1/q3 or minimum/maximum, mean_change/sd_change), events, "
                      "or at least reported_p")  # fmt: skip
        return None
    report, location = provenance(cells)
    return OutcomeRow(
        cells.row, study_id, arm, domain, measure, weeks, cells.text("timepoint_label"),
        entered, mean, sd, n, events, flags, report, location, cells.text("note"),
    )  # fmt: skip


def validate_rows(
    form: ExtractionForm,
    rows: Mapping[str, Sequence[Row]],
    known: Known | None = None,
    source: str | None = None,
) -> ValidatedRows:
    """Validate the rows of a filled-in form; every problem is reported at once.

    Parameters
    ----------
    form
        The protocol's form (:func:`~sysreview.extraction.forms.extraction_form`).
    rows
        ``{"studies": [...], "arms": [...], "outcomes": [...]}``: each a list of
        ``(row number, {column: cell})``; a missing part counts as empty.
    known
        Studies and arms already in the project, which rows may refer to.
    source
        The file the rows came from, to name in messages.

    Returns
    -------
    ValidatedRows

    Raises
    ------
    ExtractionInputError
        Listing every problem by sheet, row and column.
    """
    known = known or Known()
    problems: list[Problem] = []
    studies = _studies(form, rows.get("studies", ()), problems)
    study_n: dict[str, int | None] = dict(known.studies)
    for s in studies:
        given = s.values.get("n_randomised")
        study_n[s.study_id] = int(given) if given is not None else study_n.get(s.study_id)
    arms = _arms(form, rows.get("arms", ()), study_n, problems)
    arm_n: dict[tuple[str, str], int | None] = dict(known.arms)
    for a in arms:
        given = a.values.get("n_randomised")
        key = (a.study_id, a.arm)
        arm_n[key] = int(given) if given is not None else arm_n.get(key)
    outcomes: list[OutcomeRow] = []
    seen: dict[tuple[object, ...], int] = {}
    for number, raw in rows.get("outcomes", ()):
        cells = RowCells(form.outcomes, number, raw)
        row = _outcome_row(cells, form, arm_n)
        if row is not None and not is_duplicate(seen, row.key, cells):
            outcomes.append(row)
        problems += cells.problems
    outcomes = _sds_from_tests(form.outcomes.name, outcomes, problems)
    if problems:
        raise ExtractionInputError(problems, source)
    return ValidatedRows(tuple(studies), tuple(arms), tuple(outcomes))


def _sds_from_tests(
    sheet: str, outcomes: list[OutcomeRow], problems: list[Problem]
) -> list[OutcomeRow]:
    """The rows with SDs from a ``t`` or ``p`` of the comparison of their two arms.

    The arms of one study, measure and timepoint are paired; ``t`` or ``p`` may be on
    either arm's row (:func:`~sysreview.extraction.mean_sd.sds_from_test`).
    """
    groups: dict[tuple[object, ...], list[int]] = {}
    for i, o in enumerate(outcomes):
        groups.setdefault((o.study_id, o.domain, o.measure, o.weeks_after_end), []).append(i)
    out = list(outcomes)
    for members in groups.values():
        rows = [outcomes[i] for i in members]
        try:
            found = sds_from_test([r.entered for r in rows], [r.n for r in rows],
                                  [r.flags for r in rows])  # fmt: skip
        except InputError as exc:
            at = rows[exc.line or 0]
            problems.append(Problem(sheet, at.row, exc.column, exc.message))
            continue
        for k, (sd, flag) in found.items():
            out[members[k]] = replace(rows[k], sd=sd, flags=(flag,))
    return out


__all__ = [
    "MISSING",
    "ArmRow",
    "Cell",
    "ExtractionInputError",
    "Known",
    "OutcomeRow",
    "Problem",
    "Row",
    "StudyRow",
    "ValidatedRows",
    "validate_rows",
]
