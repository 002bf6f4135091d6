"""Use case: notes on the values each analysis used, for the report (footnotes, methods).

:func:`with_analysis` adds to the project's record (:mod:`sysreview.project.reporting.record`)
what the synthesis did to the values it used, read from its per-study inputs (never
recomputed): conversions recorded by extraction (SD from SE, a confidence interval, or the
t statistic or P value of a difference in means, mean and SD from a median, changes from
baseline), arms combined into one group, the one
control arm used under a use-one-arm rule, each measure's alignment to the review's
direction with the numbers used, and the outcomes of the protocol no study reported.
"""

from __future__ import annotations

import re
from dataclasses import replace

from sysreview import __version__
from sysreview.extraction.dataset import INTERVENTION, ReviewData
from sysreview.protocol import Protocol
from sysreview.report.record import Alignment, DataNote, ReviewRecord
from sysreview.synthesis import Synthesis
from sysreview.synthesis.result import CONTINUOUS_COLUMNS, DICHOTOMOUS_COLUMNS

_KINDS = (
    (re.compile(r"sd from SE\b"), "sd_from_se"),
    (re.compile(r"sd from \d+(\.\d+)?% CI\b"), "sd_from_ci"),
    (re.compile(r"sd from t statistic\b"), "sd_from_t"),
    (re.compile(r"sd from P value\b"), "sd_from_p"),
    (re.compile(r"mean/sd from\b"), "median"),
    (re.compile(r"change from baseline\b"), "change"),
    (re.compile(r"sd from\b"), "other"),
)
"""Note kind of an extraction flag (:mod:`sysreview.extraction.mean_sd`), first match wins;
an SD conversion this list does not know is still a footnote (``other``), never counted as
another kind."""


def _note_kind(flag: str) -> str | None:
    return next((kind for pattern, kind in _KINDS if pattern.match(flag)), None)


def analysis_notes(
    synthesis: Synthesis, data: ReviewData, protocol: Protocol
) -> tuple[tuple[DataNote, ...], tuple[Alignment, ...]]:
    """The notes on the values each analysis used, and each measure's alignment.

    Conversions are the extraction's flags on the numbers used; arms combined are
    comparisons of several intervention (or control) arms; "one arm used" a study with
    more control arms than the comparison used.
    """
    labels = {c.code: c.label for c in protocol.comparators.types}
    notes: list[DataNote] = []
    aligned: list[Alignment] = []
    for res in synthesis.results:
        for c in res.used:
            keys = DICHOTOMOUS_COLUMNS if c.is_dichotomous else CONTINUOUS_COLUMNS
            values = {k: float(v) for k in keys if (v := getattr(c, k)) is not None}
            aligned.append(Alignment(res.analysis, c.study_id, c.flipped, c.higher_is_better,
                                     c.measure, values))  # fmt: skip
            for flag in c.flags:
                kind = _note_kind(flag)
                if kind is not None:
                    notes.append(DataNote(res.analysis, c.study_id, kind, flag))
            if len(c.intervention_arms) > 1:
                text = (f"intervention arms combined ({' + '.join(c.intervention_arms)}; "
                        "Cochrane Handbook 6.5.2.10, Table 6.5.a)")  # fmt: skip
                notes.append(DataNote(res.analysis, c.study_id, "combined", text))
            if len(c.control_arms) > 1:
                text = (f"control arms combined ({' + '.join(c.control_arms)}; "
                        "Cochrane Handbook 6.5.2.10, Table 6.5.a)")  # fmt: skip
                notes.append(DataNote(res.analysis, c.study_id, "combined", text))
            controls = [a for a in data.arms_of(c.study_id) if a.arm_type != INTERVENTION]
            left = [a for a in controls if a.arm not in c.control_arms]
            if left and len(controls) > 1:
                unused = "; ".join(f"{a.arm} ({labels.get(a.arm_type, a.arm_type)})" for a in left)
                text = f"only the {', '.join(c.control_arms)} arm used; not used: {unused}"
                notes.append(DataNote(res.analysis, c.study_id, "one_arm", text))
    return tuple(notes), tuple(aligned)


def with_analysis(
    record: ReviewRecord | None, synthesis: Synthesis, data: ReviewData, protocol: Protocol
) -> ReviewRecord:
    """The record with the notes on the values analysed and the outcomes without data.

    ``record`` if given, else a record of this version alone.
    """
    if record is None:
        from sysreview.versions import library_versions

        record = ReviewRecord(__version__, libraries=library_versions())
    notes, aligned = analysis_notes(synthesis, data, protocol)
    return replace(record, notes=notes, alignments=aligned, without_data=synthesis.without_data)


__all__ = ["analysis_notes", "with_analysis"]
