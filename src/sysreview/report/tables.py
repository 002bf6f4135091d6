"""The report's tables as labelled pandas DataFrames (values formatted for reading).

- :func:`characteristics_table` — Table 1, study characteristics;
- :func:`main_results_table` — Table 2, results of the main analyses;
- :func:`other_analyses_table` — sensitivity and subgroup analyses, run or not (and why);
- :func:`narrative_table` — one study per row for an outcome summarised narratively;
- :func:`rob_table` — risk-of-bias judgements per study and domain, and overall.

Missing values are ``NR`` (not reported). The tables only format inputs; nothing is
computed except sums of arm sizes when a study gives no total.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Iterable

import pandas as pd

from sysreview.appraisal.rob1 import DOMAINS as ROB1_DOMAINS
from sysreview.extraction.dataset import INTERVENTION, Scalar, StudyEntry

from .inputs import Direction, NarrativeRow, ReportInputs, ResultRecord, RobSummary
from .words import (
    analysis_label,
    fmt_count,
    fmt_num,
    fmt_p,
    outcome_label,
    timepoint_label,
)

NR = "NR"
"""Shown for a value the study did not report."""
NA = "n/a"
"""Shown for a value that does not apply (magnitude of an unstandardised effect)."""
NONE = "–"
"""Shown for the numbers of a planned analysis that was not possible."""
RESULTS_NOTE = (
    "NR: not reported; n/a: not applicable (magnitude bands apply to standardised effects); "
    "–: analysis not possible."
)

JUDGEMENT_LABELS = {"low": "Low", "unclear": "Unclear", "some_concerns": "Some concerns",
                    "high": "High"}  # fmt: skip


def _show(value: Scalar | None) -> str:
    if value is None or value == "":
        return NR
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def participants(inputs: ReportInputs) -> dict[str, int | None]:
    """``study id -> N randomised``.

    The study's ``n_randomised`` attribute, else the sum of its arms' sizes when every arm
    gives one, else ``None``.
    """
    out: dict[str, int | None] = {}
    for study in inputs.data.studies:
        n = study.attributes.get("n_randomised")
        if isinstance(n, int | float) and not isinstance(n, bool):
            out[study.study_id] = int(n)
            continue
        arms = inputs.data.arms_of(study.study_id)
        sizes = [a.n_randomised for a in arms]
        ok = bool(arms) and all(s is not None for s in sizes)
        out[study.study_id] = sum(s for s in sizes if s is not None) if ok else None
    return out


def _arms(inputs: ReportInputs, study: StudyEntry, intervention: bool) -> str:
    labels = {c.code: c.label for c in inputs.protocol.comparators.types}
    parts = []
    for arm in inputs.data.arms_of(study.study_id):
        if (arm.arm_type == INTERVENTION) != intervention:
            continue
        text = arm.description or arm.arm
        if not intervention:
            text = f"{text} ({labels.get(arm.arm_type, arm.arm_type)})"
        if arm.n_randomised is not None:
            text += f", n = {arm.n_randomised}"
        parts.append(text)
    return "; ".join(parts) or NR


def _outcomes(inputs: ReportInputs, study: StudyEntry) -> str:
    order = [d.name for _, d in inputs.protocol.outcomes.domains()]
    found = {o.domain for o in inputs.data.outcomes_of(study.study_id)}
    names = [outcome_label(inputs.protocol, d) for d in order if d in found]
    names += sorted(found - set(order))
    return ", ".join(names) or NR


def _characteristic_keys(studies: Iterable[StudyEntry]) -> list[str]:
    keys: list[str] = []
    for s in studies:
        keys += [k for k in s.characteristics if k not in keys]
    return keys


def characteristics_table(inputs: ReportInputs) -> pd.DataFrame:
    """Table 1: one row per included study.

    Columns: Study, Country, Setting, Population, N randomised, Intervention, Comparator,
    Duration, Outcomes, then every descriptive characteristic given for any study (age,
    gender, diagnoses, ...) in the order first seen.
    """
    n = participants(inputs)
    extra = _characteristic_keys(inputs.data.studies)
    rows = []
    for s in inputs.data.studies:
        weeks = s.attributes.get("duration_weeks")
        row = {
            "Study": s.study_id,
            "Country": _show(s.attributes.get("country")),
            "Setting": _show(s.attributes.get("setting")),
            "Population": _show(s.attributes.get("population")),
            "N randomised": _show(n[s.study_id]),
            "Intervention": _arms(inputs, s, True),
            "Comparator": _arms(inputs, s, False),
            "Duration": NR if weeks is None else f"{_show(weeks)} weeks",
            "Outcomes": _outcomes(inputs, s),
        }
        for key in extra:
            row[key.replace("_", " ").capitalize()] = _show(s.characteristics.get(key))
        rows.append(row)
    columns = ["Study", "Country", "Setting", "Population", "N randomised", "Intervention",
               "Comparator", "Duration", "Outcomes"]  # fmt: skip
    columns += [k.replace("_", " ").capitalize() for k in extra]
    return pd.DataFrame(rows, columns=columns)


def _effect(rec: ResultRecord) -> str:
    """``0.22 (0.07 to 0.37)``: the column header names the measure's CI level."""
    if rec.estimate is None or rec.ci_low is None or rec.ci_high is None:
        return NR
    return f"{fmt_num(rec.estimate)} ({fmt_num(rec.ci_low)} to {fmt_num(rec.ci_high)})"


EFFECT = "Effect (95% CI)"
RESULT_COLUMNS = ["Outcome", "Timepoint", "Trials", "Participants", "Measure", EFFECT, "p",
                  "I²", "Evidence", "Magnitude"]  # fmt: skip


def _p(inputs: ReportInputs, p: float | None) -> str:
    if p is None:
        return NR
    text = fmt_p(p, inputs.protocol.analysis.evidence.p_thresholds)
    return text.removeprefix("p = ").removeprefix("p ")


def _result_row(inputs: ReportInputs, rec: ResultRecord) -> dict[str, str]:
    if rec.reason is not None:
        return {
            "Outcome": outcome_label(inputs.protocol, rec.outcome),
            "Timepoint": timepoint_label(rec.timepoint),
            **dict.fromkeys(RESULT_COLUMNS[2:], NONE),
        }
    return {
        "Outcome": outcome_label(inputs.protocol, rec.outcome),
        "Timepoint": timepoint_label(rec.timepoint),
        "Trials": _show(rec.k),
        "Participants": NR if rec.participants is None else fmt_count(rec.participants),
        "Measure": _show(rec.measure),
        EFFECT: _effect(rec),
        "p": _p(inputs, rec.p),
        "I²": NR if rec.i2 is None else f"{rec.i2:.0f}%",
        "Evidence": _show(rec.evidence),
        "Magnitude": NA if rec.magnitude is None else rec.magnitude,
    }


def _with_level(inputs: ReportInputs, frame: pd.DataFrame) -> pd.DataFrame:
    level = f"Effect ({inputs.protocol.analysis.level:g}% CI)"
    return frame.rename(columns={EFFECT: level})


def main_results_table(inputs: ReportInputs) -> pd.DataFrame:
    """Table 2: the pooled main analyses, one row per outcome and timepoint."""
    rows = [_result_row(inputs, r) for r in inputs.of_kind("main") if r.pooled]
    return _with_level(inputs, pd.DataFrame(rows, columns=RESULT_COLUMNS))


def _subgroup_rows(inputs: ReportInputs, rec: ResultRecord, name: str) -> list[dict[str, str]]:
    """One row per subgroup level; the test for subgroup differences as the first note."""
    test = rec.subgroup_test
    note = ""
    if test is not None and test.p is not None:
        chi = "" if test.q is None else f"Chi² = {fmt_num(test.q)}, df = {_show(test.df)}, "
        note = f"Test for subgroup differences: {chi}{fmt_p(test.p)}"
    rows = []
    for sub in rec.subgroups:
        level = dataclasses.replace(
            rec, k=sub.k, participants=None, estimate=sub.estimate, ci_low=sub.ci_low,
            ci_high=sub.ci_high, p=sub.p, i2=sub.i2, evidence=None, magnitude=None,
        )  # fmt: skip
        row = {"Analysis": f"{name} — {sub.subgroup}", **_result_row(inputs, level)}
        row.update(Evidence="", Magnitude="", Participants="", Note=note)
        rows.append(row)
        note = ""
    return rows


def other_analyses_table(inputs: ReportInputs, kind: str | None = None) -> pd.DataFrame:
    """Sensitivity and subgroup analyses (or only ``kind``).

    Results, one row per subgroup level, or why a planned analysis was not possible.
    """
    rows = []
    for rec in inputs.results:
        if rec.kind not in ("sensitivity", "subgroup") or kind not in (None, rec.kind):
            continue
        name = f"{rec.kind.capitalize()}: {analysis_label(inputs.protocol, rec)}"
        if rec.subgroups and rec.reason is None:
            rows += _subgroup_rows(inputs, rec, name)
            continue
        row = {"Analysis": name, **_result_row(inputs, rec), "Note": rec.reason or ""}
        rows.append(row)
    return _with_level(inputs, pd.DataFrame(rows, columns=["Analysis", *RESULT_COLUMNS, "Note"]))


_DIRECTIONS = {
    Direction.INTERVENTION: "Favours intervention",
    Direction.CONTROL: "Favours control",
    Direction.NONE: "No clear difference",
    Direction.UNKNOWN: "Not determined",
    Direction.NOT_USABLE: "Reported, not usable",
}


def narrative_table(rows: Iterable[NarrativeRow]) -> pd.DataFrame:
    """One row per study of a narrative summary: measure, direction, effect, significance."""
    return pd.DataFrame(
        [
            {
                "Study": r.study,
                "Measure": r.measure or NR,
                "Direction": _DIRECTIONS[r.direction],
                "Effect as reported": r.effect,
                "Reported significance": r.significance,
            }
            for r in rows
        ],
        columns=["Study", "Measure", "Direction", "Effect as reported", "Reported significance"],
    )


def rob_table(rob: RobSummary, domains: tuple[str, ...]) -> pd.DataFrame:
    """Judgements per study (rows) and domain (columns, in the tool's order), and overall."""
    names = {d.id: d.name for d in ROB1_DOMAINS}
    names.update(rob.domain_labels)
    labels = [names.get(d, d.replace("_", " ").capitalize()) for d in domains]
    rows = []
    for s in rob.studies:
        row = {"Study": s.study}
        for d, label in zip(domains, labels, strict=True):
            j = s.judgements.get(d)
            row[label] = NR if j is None else JUDGEMENT_LABELS.get(j, j)
        row["Overall"] = JUDGEMENT_LABELS.get(s.overall, s.overall)
        rows.append(row)
    return pd.DataFrame(rows, columns=["Study", *labels, "Overall"])


__all__ = [
    "NA",
    "NONE",
    "NR",
    "RESULTS_NOTE",
    "characteristics_table",
    "main_results_table",
    "narrative_table",
    "other_analyses_table",
    "participants",
    "rob_table",
]
