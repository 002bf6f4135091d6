"""What happened to the data on the way to each result, in the report's words.

- :func:`preparation_paragraph` — the methods' summary of every conversion, imputation and
  arm combination applied, with its source (Cochrane Handbook 6.5.2.2 for SDs from SEs
  and confidence intervals, 6.5.2.3 for SDs from the t statistic or P value of a
  difference in means, Wan et al. 2014 and Luo et al. 2018 for means and SDs from
  medians, Handbook 6.5.2.10 for combining groups), naming the studies;
- :func:`footnotes` — the footnote letters of one analysis, per study, and their texts
  (the same letters on the forest plot and in the table rows);
- :func:`left_out_sentence` — every study left out of a pooled analysis, with its reason;
- :func:`data_table` — the values each main and narrative analysis used, one row per
  study, with its footnote letters;
- :func:`as_reported` — a narrative effect in the authors' direction (the instrument's
  own), from the aligned one the synthesis computed.

The notes are the project's record of the synthesis (:class:`~.record.DataNote`); nothing
here converts or recomputes a value.
"""

from __future__ import annotations

import re
from collections.abc import Callable

import pandas as pd

from .inputs import ReportInputs, ResultRecord
from .narrative_rows import NarrativeRow
from .record import DataNote
from .words import fmt_num, join_words, lower_first, outcome_label, timepoint_label

SOURCES = {
    "sd_from_se": "standard deviations obtained from standard errors (SD = SE × √n; Cochrane "
    "Handbook section 6.5.2.2)",
    "sd_from_ci": "standard deviations obtained from confidence intervals of a mean (Cochrane "
    "Handbook section 6.5.2.2, t distribution with n − 1 degrees of freedom)",
    "sd_from_t": "standard deviations obtained from the t statistic of the difference in means "
    "(SE = MD / t, SD = SE / √(1/n₁ + 1/n₂), the same SD in both groups; Cochrane Handbook "
    "section 6.5.2.3)",
    "sd_from_p": "standard deviations obtained from the two-sided P value of the difference in "
    "means (t from the t distribution with n₁ + n₂ − 2 degrees of freedom, SE = MD / t, "
    "SD = SE / √(1/n₁ + 1/n₂), the same SD in both groups; Cochrane Handbook section 6.5.2.3)",
    "median": "means and standard deviations estimated from medians with the interquartile "
    "range and/or range (means by Luo et al. 2018, standard deviations by Wan et al. 2014; "
    "both assume roughly normal data)",
    "change": "means and standard deviations of changes from baseline used instead of final values",
    "combined": "several arms combined into one group (Cochrane Handbook section 6.5.2.10, "
    "Table 6.5.a)",
    "one_arm": "one control arm used and the others left out, as the multi-arm rule of the "
    "analysis requires",
}
LETTERS = "abcdefghijklmnopqrstuvwxyz"


def preparation_paragraph(inputs: ReportInputs) -> str:
    """How data were prepared for synthesis (PRISMA item 13b), from the record's notes."""
    record = inputs.conduct
    if record is None:
        return ("The report was given no record of how the values analysed were obtained "
                "(conversions, combined arms), so none is described.")  # fmt: skip
    by_kind: dict[str, dict[str, None]] = {}
    for note in record.notes:
        if note.kind in SOURCES:
            by_kind.setdefault(note.kind, {})[note.study] = None
    if not by_kind:
        return (
            "No value analysed was converted or imputed and no arms were combined: every "
            "study contributed each arm's mean, standard deviation and number analysed (or "
            "events and number analysed) as its report gave them."
        )
    parts = [f"{SOURCES[kind]} for {join_words(list(studies))}"
             for kind, studies in by_kind.items()]  # fmt: skip
    return (
        "Before pooling, values were prepared as follows: " + "; ".join(parts) + ". Each such "
        "value is marked by a footnote on the forest plot and in the table of data where it "
        "is used."
    )


def footnotes(
    inputs: ReportInputs, analysis: str
) -> tuple[dict[str, tuple[str, ...]], tuple[tuple[str, str], ...]]:
    """The footnote letters per study and the footnotes of one analysis.

    ``({study: letters}, ((letter, text), ...))``: one letter per distinct note, in study
    order.
    """
    record = inputs.conduct
    if record is None:
        return {}, ()
    letters: dict[str, str] = {}
    marks: dict[str, list[str]] = {}
    for note in record.notes_of(analysis):
        text = _note_text(note)
        if text not in letters:
            letters[text] = LETTERS[len(letters) % len(LETTERS)]
        marks.setdefault(note.study, [])
        if letters[text] not in marks[note.study]:
            marks[note.study].append(letters[text])
    notes = tuple((letter, text) for text, letter in letters.items())
    return {s: tuple(v) for s, v in marks.items()}, notes


_SD = re.compile(r"^(mean/sd|sd)\b")


def _note_text(note: DataNote) -> str:
    """The note as a footnote: a sentence, with SD in capitals ("SD from SE")."""
    text = _SD.sub(lambda m: {"sd": "SD", "mean/sd": "Mean/SD"}[m.group(1)], note.text)
    text = text[:1].upper() + text[1:]
    return text.rstrip(".") + "."


def left_out_sentence(
    inputs: ReportInputs, rec: ResultRecord, cite: Callable[[str], str] | None = None
) -> str | None:
    """The studies a pooled analysis left out, each with the synthesis's reason.

    Studies reporting means without a measure of spread are not among them (they are said
    separately).
    """
    shown = {u.study for u in rec.not_usable}
    items = [(s, r) for s, r in rec.left_out if s not in shown]
    if not items or (rec.reason is not None and rec.kind != "narrative"):
        return None
    what = (f"{lower_first(outcome_label(inputs.protocol, rec.outcome))} at "
            f"{timepoint_label(rec.timepoint)}")  # fmt: skip
    listed = "; ".join(f"{cite(s) if cite else s} ({r.rstrip('. ')})" for s, r in items)
    return f"Left out of the analysis of {what}: {listed}."


_ARMS = {
    "continuous": (("mean_e", "Mean (I)"), ("sd_e", "SD (I)"), ("n_e", "N (I)"),
                   ("mean_c", "Mean (C)"), ("sd_c", "SD (C)"), ("n_c", "N (C)")),
    "dichotomous": (("events_e", "Events (I)"), ("n_e", "N (I)"), ("events_c", "Events (C)"),
                    ("n_c", "N (C)")),
}  # fmt: skip


def data_table(
    inputs: ReportInputs, cite: dict[str, str] | None = None
) -> tuple[pd.DataFrame, tuple[tuple[str, ...], ...], tuple[tuple[str, str], ...]]:
    """The values each main and narrative analysis used, one row per study.

    The values are aligned to the review's direction; each row has its footnote letters
    (numbered across the table).
    """
    record = inputs.conduct
    rows: list[dict[str, str]] = []
    marks: list[tuple[str, ...]] = []
    letters: dict[str, str] = {}
    if record is None:
        return pd.DataFrame(), (), ()
    columns = ["Analysis", "Study", "Measure", "Direction"]
    columns += [h for _, h in _ARMS["continuous"]] + ["Events (I)", "Events (C)"]
    for rec in inputs.results:
        if rec.kind not in ("main", "narrative"):
            continue
        what = f"{outcome_label(inputs.protocol, rec.outcome)}, {timepoint_label(rec.timepoint)}"
        notes = record.notes_of(rec.analysis)
        for study in rec.studies:
            a = record.alignment(rec.analysis, study)
            if a is None:
                continue
            kind = "dichotomous" if "events_e" in a.values else "continuous"
            row = {c: "" for c in columns}
            row.update({
                "Analysis": what,
                "Study": (cite or {}).get(study, study),
                "Measure": a.measure,
                "Direction": _direction(a.higher_is_better, a.flipped),
            })  # fmt: skip
            for key, head in _ARMS[kind]:
                value = a.values.get(key)
                row[head] = "" if value is None else f"{value:.4g}"
            mine = []
            for note in notes:
                if note.study != study:
                    continue
                text = _note_text(note)
                letters.setdefault(text, LETTERS[len(letters) % len(LETTERS)])
                mine.append(letters[text])
            rows.append(row)
            marks.append(tuple(dict.fromkeys(mine)))
    used = [c for c in columns if any(r[c] for r in rows)]
    frame = pd.DataFrame(rows, columns=used)
    return frame, tuple(marks), tuple((v, k) for k, v in letters.items())


def _direction(higher_is_better: bool | None, flipped: bool) -> str:
    if higher_is_better is None:
        return "counts"
    own = "higher is better" if higher_is_better else "lower is better"
    return own + ("; sign reversed" if flipped else "")


def as_reported(row: NarrativeRow, flipped: bool, level: float) -> str:
    """The effect in the authors' direction.

    The aligned effect with its sign restored when the synthesis reversed the instrument's
    direction (differences only; counts are never reversed).

    Examples
    --------
    >>> from sysreview.report.narrative_rows import Direction
    >>> row = NarrativeRow("A", Direction.INTERVENTION, "MD 2.70 (95% CI -2.40 to 7.80)",
    ...                    "p not reported", "CES-D", "MD", 2.7, -2.4, 7.8)
    >>> as_reported(row, True, 95)
    'MD −2.70 (95% CI −7.80 to 2.40)'
    """
    if not flipped or row.estimate is None:
        return row.effect
    est = -row.estimate
    if row.ci_low is None or row.ci_high is None:
        return f"{row.effect_measure} {fmt_num(est)}"
    low, high = -row.ci_high, -row.ci_low
    return f"{row.effect_measure} {fmt_num(est)} ({level:g}% CI {fmt_num(low)} to {fmt_num(high)})"


__all__ = [
    "SOURCES",
    "as_reported",
    "data_table",
    "footnotes",
    "left_out_sentence",
    "preparation_paragraph",
]
