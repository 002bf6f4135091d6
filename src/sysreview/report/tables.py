"""The report's tables as labelled pandas DataFrames (values formatted for reading).

- :func:`main_results_table` — Table 2, results of the main analyses;
- :func:`other_analyses_table` — sensitivity and subgroup analyses, run or not (and why);
- :func:`narrative_table` — one study per row for an outcome summarised narratively;
- :func:`rob_table` — risk-of-bias judgements per study and domain, and overall.

Missing values are ``NR`` (not reported). The tables only format inputs; nothing is
computed except sums of arm sizes when a study gives no total.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Mapping

import pandas as pd

from sysreview.appraisal.rob1 import DOMAINS as ROB1_DOMAINS
from sysreview.extraction.dataset import Scalar

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


def cell_text(value: Scalar | None) -> str:
    """A value as a report table shows it: NR when missing, yes/no, floats by ``%g``."""
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
        "Trials": cell_text(rec.k),
        "Participants": NR if rec.participants is None else fmt_count(rec.participants),
        "Measure": cell_text(rec.measure),
        EFFECT: _effect(rec),
        "p": _p(inputs, rec.p),
        "I²": NR if rec.i2 is None else f"{rec.i2:.0f}%",
        "Evidence": cell_text(rec.evidence),
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
        chi = "" if test.q is None else f"Chi² = {fmt_num(test.q)}, df = {cell_text(test.df)}, "
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
    Direction.INTERVENTION: "Intervention",
    Direction.CONTROL: "Control",
    Direction.NONE: "No clear difference",
    Direction.UNKNOWN: "Not determined",
    Direction.NOT_USABLE: "Reported, not usable",
}


NARRATIVE_NOTE = (
    "As reported: the effect in the direction of the study's own instrument. Aligned: the same "
    "effect in the review's direction (the sign reversed for instruments on which lower "
    "scores are better), as the synthesis used it. Effects are computed from each arm's "
    "numbers; the significance is the study's own reported test."
)


def narrative_table(
    rows: Iterable[NarrativeRow],
    aligned: Mapping[str, tuple[bool, bool | None] | None] | None = None,
    level: float = 95.0,
    cite: Callable[[str], str] | None = None,
) -> pd.DataFrame:
    """One row per study of a narrative summary.

    The measure and its direction, the effect as reported (the authors' direction) and
    aligned to the review's, whom it favours, and the reported significance.

    ``aligned`` maps a study to ``(flipped, higher_is_better)`` of its measure (from the
    project's record); without it the effect is shown as computed, its direction unknown.
    """
    from .transparency import as_reported

    out = []
    for r in rows:
        how = (aligned or {}).get(r.study)
        flipped = bool(how and how[0])
        if how is None or how[1] is None:
            scale = "counts" if how is not None else NR
        else:
            scale = "higher is better" if how[1] else "lower is better"
        out.append({
            "Study": cite(r.study) if cite else r.study,
            "Measure": (r.measure or NR) + ("" if scale == NR else f" ({scale})"),
            "As reported": as_reported(r, flipped, level),
            "Aligned to the review": r.effect,
            "Favours": _DIRECTIONS[r.direction],
            "Reported significance": r.significance,
        })  # fmt: skip
    columns = ["Study", "Measure", "As reported", "Aligned to the review", "Favours",
               "Reported significance"]  # fmt: skip
    return pd.DataFrame(out, columns=columns)


def rob_table(
    rob: RobSummary, domains: tuple[str, ...], cite: Callable[[str], str] | None = None
) -> pd.DataFrame:
    """Judgements per study (rows) and domain (columns, in the tool's order), and overall."""
    names = {d.id: d.name for d in ROB1_DOMAINS}
    names.update(rob.domain_labels)
    labels = [names.get(d, d.replace("_", " ").capitalize()) for d in domains]
    rows = []
    for s in rob.studies:
        row = {"Study": cite(s.study) if cite else s.study}
        for d, label in zip(domains, labels, strict=True):
            j = s.judgements.get(d)
            row[label] = NR if j is None else JUDGEMENT_LABELS.get(j, j)
        row["Overall"] = JUDGEMENT_LABELS.get(s.overall, s.overall)
        rows.append(row)
    return pd.DataFrame(rows, columns=["Study", *labels, "Overall"])


__all__ = [
    "NA",
    "NARRATIVE_NOTE",
    "NONE",
    "NR",
    "RESULTS_NOTE",
    "cell_text",
    "main_results_table",
    "narrative_table",
    "other_analyses_table",
    "participants",
    "rob_table",
]
