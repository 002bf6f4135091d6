"""A project's analyses as a RevMan 5 review (:class:`~sysreview.revman.Review`).

Each main analysis the synthesis pooled (one per outcome domain and timepoint) becomes one
outcome of a single comparison, *intervention versus control*: per-arm data of every study
(events and totals, or means, SDs and totals; a multi-arm trial as the synthesis combined
it), RevMan's settings (effect measure, pooling method, random or fixed effects, 95%
intervals) and the results as RevMan stores them: per study the effect, its SE (on the
natural-log scale for ratios, as RevMan), interval and weight; pooled the estimate,
interval, ``Z`` and its p, ``CHI2``, ``DF`` and its p, ``I2`` (percent), ``TAU2``, and
for ratio measures the base-10 logs RevMan writes beside them.

RevMan 5 holds RR, OR, RD, Peto OR, MD and SMD only: analyses by another measure (SMDH,
ROM, proportions...) and narrative or impossible analyses are listed as left out with the
reason, never converted. :func:`sysreview.io.revman_write.rm5_bytes` writes the file.
Pure: no files, no database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from sysreview.extraction.comparisons import Comparison as StudyComparison
from sysreview.io.revman_write import study_id
from sysreview.revman.model import (
    Comparison,
    Outcome,
    Review,
    StoredPooled,
    StoredStudy,
    StudyRow,
)
from sysreview.synthesis.result import AnalysisResult, Synthesis
from sysreview.vocab import Measure, Method, Model

__all__ = ["synthesis_review"]

_DICH = {Measure.RR: "RR", Measure.OR: "OR", Measure.RD: "RD", Measure.PETO_OR: "PETO_OR"}
_CONT = {Measure.MD: "MD", Measure.SMD: "SMD"}


def _f(value: Any) -> float | None:
    """A finite-or-NaN float, ``None`` for a missing value."""
    if value is None:
        return None
    return float(value)


def _log10(value: Any, ratio: bool) -> float | None:
    if not ratio or value is None:
        return None
    x = float(value)
    return math.log10(x) if x > 0 else math.nan


def _study_row(c: StudyComparison, frame: Mapping[Any, Any], dich: bool, ratio: bool) -> StudyRow:
    estimable = bool(frame.get("estimable", False))
    stored = StoredStudy(
        effect_size=_f(frame["estimate"]),
        se=math.sqrt(frame["vi"]) if estimable else math.nan,
        ci_start=_f(frame["ci_low"]),
        ci_end=_f(frame["ci_high"]),
        weight=_f(frame["weight"]) if estimable else 0.0,
        log_effect_size=_log10(frame["estimate"], ratio),
        log_ci_start=_log10(frame["ci_low"], ratio),
        log_ci_end=_log10(frame["ci_high"], ratio),
    )
    return StudyRow(
        study_id=study_id(c.study_id),
        study_name=c.study_id,
        subgroup_no=None,
        order=None,
        events_1=_f(c.events_e) if dich else None,
        total_1=_f(c.n_e),
        events_2=_f(c.events_c) if dich else None,
        total_2=_f(c.n_c),
        mean_1=None if dich else _f(c.mean_e),
        sd_1=None if dich else _f(c.sd_e),
        mean_2=None if dich else _f(c.mean_c),
        sd_2=None if dich else _f(c.sd_c),
        estimate=None,
        se_input=None,
        estimable=estimable,
        stored=stored,
    )


def _outcome(res: AnalysisResult, no: int) -> Outcome:
    m = res.meta
    assert m is not None and res.measure is not None
    dich = res.measure in _DICH
    ratio = m.log_scale
    frame = m.to_frame().to_dict("records")
    by_study = {r["study"]: r for r in frame if r["row"] == "study"}
    total = next(r for r in frame if r["row"] == "total")
    rows = tuple(_study_row(c, by_study[c.study_id], dich, ratio) for c in res.comparisons)
    e1 = sum(r.events_1 or 0.0 for r in rows) if dich else None
    e2 = sum(r.events_2 or 0.0 for r in rows) if dich else None
    stored = StoredPooled(
        effect_size=_f(total["estimate"]),
        ci_start=_f(total["ci_low"]),
        ci_end=_f(total["ci_high"]),
        z=abs(float(total["statistic"])),  # RevMan stores |Z|
        p_z=_f(total["p"]),
        chi2=_f(total["q"]),
        df=_f(total["df"]),
        p_chi2=_f(total["p_q"]),
        i2=_f(total["i2"]),
        tau2=_f(total["tau2"]),
        weight=100.0,
        log_effect_size=_log10(total["estimate"], ratio),
        log_ci_start=_log10(total["ci_low"], ratio),
        log_ci_end=_log10(total["ci_high"], ratio),
        studies=int(total["k"]),
        total_1=sum(r.total_1 or 0.0 for r in rows),
        total_2=sum(r.total_2 or 0.0 for r in rows),
        events_1=e1,
        events_2=e2,
    )
    measure = (_DICH if dich else _CONT)[res.measure]
    method = m.method.value if dich else Method.IV.value
    return Outcome(
        id=f"CMP-001.{no:02d}",
        no=no,
        name=res.label,
        data_type="DICH" if dich else "CONT",
        measure="OR" if measure == "PETO_OR" else measure,
        iv_measure_label=None,
        method=method,
        random=m.model is Model.RANDOM,
        totals="YES",
        log_data=ratio,
        ci_study=95.0,
        ci_total=95.0,
        swap_events=False,
        subgroups_flag=False,
        subgroup_test_flag=False,
        group_label_1="Intervention",
        group_label_2="Control",
        stored=stored,
        subgroup_test=None,
        subgroups=(),
        studies=rows,
    )


def _why_not(res: AnalysisResult) -> str | None:
    if res.kind == "narrative":
        return f"narrative summary: {res.reason}" if res.reason else "narrative summary"
    if res.kind != "main":
        return "not a main analysis"
    if res.meta is None or res.measure is None:
        return res.reason or "not pooled"
    if res.measure not in _DICH and res.measure not in _CONT:
        return f"{res.measure.value}: RevMan 5 holds RR, OR, RD, Peto OR, MD and SMD only"
    level = res.meta.level if res.meta.level > 1 else 100 * res.meta.level
    if abs(level - 95) > 1e-9:
        return "RevMan 5 analyses here at 95% only"
    return None


def synthesis_review(
    synthesis: Synthesis, *, title: str, source: str = "review.rm5"
) -> tuple[Review, tuple[tuple[str, str], ...]]:
    """The main pooled analyses of ``synthesis`` as a RevMan 5 review.

    Returns
    -------
    review, left_out
        The review (one comparison, one outcome per analysis, its studies by name) and
        ``(analysis id, reason)`` of the analyses it cannot hold.
    """
    outcomes: list[Outcome] = []
    left_out: list[tuple[str, str]] = []
    for res in synthesis.results:
        why = _why_not(res)
        if why is not None:
            if res.kind in ("main", "narrative"):
                left_out.append((res.analysis, why))
            continue
        outcomes.append(_outcome(res, len(outcomes) + 1))
    names = _names(o.studies for o in outcomes)
    comparison = Comparison("CMP-001", 1, "Intervention versus control", tuple(outcomes))
    review = Review(title, source, (comparison,) if outcomes else (), names)
    return review, tuple(left_out)


def _names(groups: Any) -> dict[str, str]:
    names: dict[str, str] = {}
    rows: Sequence[StudyRow]
    for rows in groups:
        for r in rows:
            names.setdefault(r.study_id, r.study_name)
    return dict(sorted(names.items(), key=lambda kv: kv[1]))
