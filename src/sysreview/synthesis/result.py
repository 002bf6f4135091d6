"""The results of running an analysis plan: one :class:`AnalysisResult` per analysis.

An analysis is one outcome domain at one timepoint, of one kind: ``main`` (pooled),
``narrative`` (too few studies to pool: each study's own effect and reported p),
``sensitivity`` or ``subgroup`` (pooled, or not run with a ``reason``). Each result
holds what a report needs without recomputing anything: the
:class:`~sysreview.meta.MetaAnalysis` (forest plots), the per-study inputs after
timepoint selection, arm combination and direction alignment
(:class:`~sysreview.extraction.comparisons.Comparison`), the evidence and magnitude
words, tests for small-study effects, and the reason for anything not done.

:meth:`Synthesis.records` is the ``results.json`` list; :meth:`Synthesis.analysis_data`
the rows of ``analysis_data.csv`` from which ``sysreview pool --by analysis``
reproduces every pooled analysis.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sysreview.extraction.comparisons import Comparison, Exclusion
from sysreview.meta.bias import SmallStudyTest
from sysreview.meta.metareg_result import MetaRegression
from sysreview.meta.result import MetaAnalysis
from sysreview.meta.trimfill import TrimAndFill
from sysreview.synthesis import wording
from sysreview.synthesis.result_records import (
    bias_record,
    finite,
    pooled_record,
    regression_text,
    subgroup_record,
    trimfill_record,
)
from sysreview.vocab import Measure

if TYPE_CHECKING:
    import pandas as pd

KINDS = ("main", "sensitivity", "subgroup", "metaregression", "narrative")
"""Kinds of analysis, in the order a report lists them."""

CONTINUOUS_COLUMNS = ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")
DICHOTOMOUS_COLUMNS = ("events_e", "n_e", "events_c", "n_c")
SETTINGS_COLUMNS = ("measure", "method", "model", "tau2_method", "ci_method", "level", "convention")


@dataclass(frozen=True)
class NarrativeRow:
    """One study of a narrative summary: its own effect, direction and reported p.

    ``estimate``/``ci_*`` are on the reporting scale of ``measure`` (ratios for RR/OR),
    from the aligned numbers; ``direction`` is ``"favours intervention"``,
    ``"favours control"`` or ``"no difference"`` (the estimate is exactly null), or
    ``"not estimable: ..."``.
    """

    study: str
    measure: str
    effect_measure: str
    participants: float
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    direction: str
    reported_p: float | None

    def record(self) -> dict[str, Any]:
        """A JSON-ready dict."""
        return {
            "study": self.study,
            "measure": self.measure,
            "effect_measure": self.effect_measure,
            "participants": self.participants,
            "estimate": finite(self.estimate),
            "ci_low": finite(self.ci_low),
            "ci_high": finite(self.ci_high),
            "direction": self.direction,
            "reported_p": self.reported_p,
        }

    def summary(self) -> str:
        """One line: study, effect with CI, direction and the reported p."""
        p = "p not reported" if self.reported_p is None else f"reported p = {self.reported_p:g}"
        if self.estimate is None:
            return f"{self.study} ({self.measure}): {self.direction}; {p}"
        return (
            f"{self.study} ({self.measure}): {self.effect_measure} {self.estimate:.2f} "
            f"[{self.ci_low:.2f}, {self.ci_high:.2f}], {self.direction}; {p}"
        )


@dataclass(frozen=True, eq=False)
class AnalysisResult:
    """One planned analysis: pooled, narrative, or not possible (``reason``).

    Attributes
    ----------
    analysis
        Stable id, ``<domain>.<timepoint>.<kind>[.<name>]``, e.g.
        ``hope.post_intervention.sensitivity.low_rob``.
    outcome, outcome_label, timepoint, kind, name
        The domain (name and label), timepoint, kind and the sensitivity or subgroup
        analysis's name (``None`` for main and narrative).
    label
        For headings, e.g. ``"Hope, post-intervention — main analysis"``.
    description
        The filter or rule in words (sensitivity and subgroup analyses).
    comparisons
        The per-study inputs used (after alignment), in study order.
    subgroup_levels
        The subgroup level of each comparison (subgroup analyses only).
    meta
        The pooled analysis (``None`` when not pooled).
    favours
        Labels for the left and right of a forest plot's null line.
    evidence, magnitude, substantial_heterogeneity
        Words from the protocol's bands (magnitude for SMD only) and whether
        I² exceeds the protocol's threshold.
    small_study_tests, small_study_reason
        Egger's and Begg's tests when ``k`` reaches the protocol's minimum, or why not.
    narrative
        Per-study rows of a narrative summary.
    reason
        Why the analysis was not pooled (narrative or impossible).
    excluded
        Studies left out of this domain and timepoint, with reasons (and, for means
        reported without a measure of spread, the means: :attr:`not_usable`).
    not_classified
        Studies in no subgroup level (subgroup analyses only).
    evidence_subgroups
        Evidence words for the test for subgroup differences (subgroup analyses only).
    regression
        The fitted meta-regression (meta-regression analyses only; ``evidence`` then
        words the p of its test of moderators).
    trim_fill
        Duval & Tweedie's trim and fill, run with the small-study tests (main analyses
        pooled by inverse variance).
    """

    analysis: str
    outcome: str
    outcome_label: str
    timepoint: str
    kind: str
    name: str | None
    label: str
    description: str
    comparisons: tuple[Comparison, ...]
    meta: MetaAnalysis | None = None
    subgroup_levels: tuple[str, ...] | None = None
    favours: tuple[str, str] = ("Favours control", "Favours intervention")
    evidence: str | None = None
    magnitude: str | None = None
    substantial_heterogeneity: bool | None = None
    small_study_tests: tuple[SmallStudyTest, ...] = ()
    small_study_reason: str | None = None
    narrative: tuple[NarrativeRow, ...] = ()
    reason: str | None = None
    excluded: tuple[Exclusion, ...] = ()
    not_classified: tuple[str, ...] = ()
    evidence_subgroups: str | None = None
    regression: MetaRegression | None = None
    trim_fill: TrimAndFill | None = None

    @property
    def pooled(self) -> bool:
        """Whether a meta-analysis was run."""
        return self.meta is not None

    @property
    def used(self) -> tuple[Comparison, ...]:
        """The comparisons with an estimate (all of them when not pooled nor narrated)."""
        if self.meta is not None:
            ok = self.meta.effects.estimable.tolist()
        elif self.regression is not None:
            ok = self.regression.used.tolist()
        elif self.narrative:
            ok = [row.estimate is not None for row in self.narrative]
        else:
            return self.comparisons
        return tuple(c for c, e in zip(self.comparisons, ok, strict=True) if e)

    @property
    def not_usable(self) -> tuple[Exclusion, ...]:
        """Studies left out because they reported means without any measure of spread.

        ``Exclusion.reported`` holds the means, for the narrative.
        """
        return tuple(e for e in self.excluded if e.not_usable)

    @property
    def k(self) -> int:
        """Number of studies contributing."""
        return len(self.used)

    @property
    def participants(self) -> float:
        """Participants analysed in the contributing studies."""
        return sum(c.participants for c in self.used)

    @property
    def measure(self) -> Measure | None:
        """The effect measure pooled (or of the narrative rows)."""
        if self.meta is not None:
            return self.meta.measure
        if self.regression is not None:
            return self.regression.effects.measure
        return Measure.parse(self.narrative[0].effect_measure) if self.narrative else None

    def record(self) -> dict[str, Any]:
        """The ``results.json`` entry (ratio measures on the ratio scale, ``se`` on log)."""
        m = self.meta
        rec: dict[str, Any] = {
            "analysis": self.analysis,
            "outcome": self.outcome,
            "outcome_label": self.outcome_label,
            "timepoint": self.timepoint,
            "kind": self.kind,
            "name": self.name,
            "label": self.label,
            "description": self.description,
            "k": self.k,
            "participants": self.participants,
            "measure": None if self.measure is None else self.measure.value,
            "method": None if m is None else m.method.value,
            "model": None if m is None else m.model.value,
            "tau2_method": None if m is None or m.tau2_method is None else m.tau2_method.value,
            "ci_method": None if m is None else m.ci_method.value,
            "convention": None if m is None else m.convention.value,
            "level": None if m is None else m.level,
        }
        rec.update(pooled_record(m))
        rec.update(
            evidence=self.evidence,
            magnitude=self.magnitude,
            substantial_heterogeneity=self.substantial_heterogeneity,
            favours=list(self.favours),
            studies=[c.study_id for c in self.used],
            reason=self.reason,
            excluded=[e.record() for e in self.excluded],
            subgroups=[] if m is None else [subgroup_record(s) for s in m.subgroups],
            subgroup_test=self._subgroup_test(),
            not_classified=list(self.not_classified),
            small_study_tests=[bias_record(t) for t in self.small_study_tests],
            small_study_reason=self.small_study_reason,
            trim_and_fill=None if self.trim_fill is None else trimfill_record(self.trim_fill),
            narrative=[row.record() for row in self.narrative],
            metaregression=None if self.regression is None else self.regression.record(),
        )
        return rec

    def _subgroup_test(self) -> dict[str, Any] | None:
        test = None if self.meta is None else self.meta.subgroup_test
        if test is None:
            return None
        return {
            "q": finite(test.q),
            "df": test.df,
            "p": finite(test.p),
            "i2": finite(test.i2),
            "evidence": self.evidence_subgroups,
        }

    def analysis_data(self) -> list[dict[str, Any]]:
        """Rows of ``analysis_data.csv``: the exact inputs of a pooled analysis."""
        m = self.meta
        if m is None:
            return []
        settings = {
            "measure": m.measure.value,
            "method": m.method.value,
            "model": m.model.value,
            "tau2_method": "" if m.tau2_method is None else m.tau2_method.value,
            "ci_method": m.ci_method.value,
            "level": m.level,
            "convention": m.convention.value,
        }
        cols = DICHOTOMOUS_COLUMNS if m.measure.is_dichotomous else CONTINUOUS_COLUMNS
        rows = []
        for i, c in enumerate(self.comparisons):
            row: dict[str, Any] = {
                "analysis": self.analysis,
                "outcome": self.outcome,
                "timepoint": self.timepoint,
                "subgroup": "" if self.subgroup_levels is None else self.subgroup_levels[i],
                "study": c.study_id,
            }
            row.update({col: getattr(c, col) for col in cols})
            row.update(settings)
            rows.append(row)
        return rows

    def summary(self) -> str:
        """A few lines: the label, the pooled result in words, or the reason."""
        head = f"{self.label} [{self.analysis}]"
        m = self.meta
        unusable = [f"  {wording.not_usable_text(e)}" for e in self.not_usable]
        if self.regression is not None:
            body = self.regression.summary().splitlines()[1:]
            return "\n".join([head, *(f"  {line}" for line in body)])
        if m is None:
            lines = [head, f"  not pooled: {self.reason}"]
            lines += [f"  {row.summary()}" for row in self.narrative]
            return "\n".join([*lines, *unusable])
        est, lo, hi = (m.display(x) for x in (m.estimate, m.ci_low, m.ci_high))
        words = f"{self.evidence} evidence" + (
            f" of a {self.magnitude} effect" if self.magnitude else ""
        )
        lines = [
            head,
            f"  k = {self.k}, {self.participants:g} participants: {m.measure.value} "
            f"{est:.2f} [{lo:.2f}, {hi:.2f}], p = {m.p:.3g}; {words}",
            f"  I² = {m.i2:.0f}%{' (substantial)' if self.substantial_heterogeneity else ''}, "
            f"Chi² = {m.q:.2f} (df {m.df}), tau² = {m.tau2:.4g}",
        ]
        if m.subgroup_test is not None:
            t = m.subgroup_test
            lines.append(f"  subgroup differences: Chi² = {t.q:.2f} (df {t.df}), p = {t.p:.3g}")
        lines += [f"  {t.test}'s test: p = {t.p:.3g}" for t in self.small_study_tests]
        return "\n".join([*lines, *unusable])


@dataclass(frozen=True, eq=False)
class Synthesis:
    """Every analysis of a plan, in protocol order, with the review's exclusions.

    ``results`` lists, per domain and timepoint with data, the main (or narrative)
    analysis followed by its sensitivity and subgroup analyses. ``exclusions`` are the
    studies left out under the main multi-arm rule; ``without_data`` names the
    ``(domain, timepoint)`` pairs no study reported.

    Examples
    --------
    >>> s = Synthesis((), (), (("hope", "long_term"),))
    >>> s.records(), s.summary()
    ([], 'No study reported: hope')
    """

    results: tuple[AnalysisResult, ...]
    exclusions: tuple[Exclusion, ...]
    without_data: tuple[tuple[str, str], ...]

    def __getitem__(self, analysis: str) -> AnalysisResult:
        for res in self.results:
            if res.analysis == analysis:
                return res
        raise KeyError(f"no analysis {analysis!r}")

    def ids(self) -> list[str]:
        """The analysis ids, in order."""
        return [r.analysis for r in self.results]

    def records(self) -> list[dict[str, Any]]:
        """The ``results.json`` list, one record per analysis."""
        return [r.record() for r in self.results]

    def analysis_data(self) -> list[dict[str, Any]]:
        """The ``analysis_data.csv`` rows of every pooled analysis."""
        return [row for r in self.results for row in r.analysis_data()]

    def to_frame(self) -> pd.DataFrame:
        """One flat row per analysis (``results.csv``): nested fields as text."""
        import pandas as pd

        rows = []
        for rec in self.records():
            test = rec.pop("subgroup_test")
            rec["subgroup_q"] = None if test is None else test["q"]
            rec["subgroup_df"] = None if test is None else test["df"]
            rec["subgroup_p"] = None if test is None else test["p"]
            rec["studies"] = "; ".join(rec["studies"])
            rec["favours"] = " / ".join(rec["favours"])
            rec["excluded"] = "; ".join(wording.excluded_text(e) for e in rec["excluded"])
            rec["not_classified"] = "; ".join(rec["not_classified"])
            rec["subgroups"] = "; ".join(
                f"{s['subgroup']} (k = {s['k']})" for s in rec["subgroups"]
            )
            tf = rec.pop("trim_and_fill")
            rec["trim_and_fill_k0"] = None if tf is None else tf["k0"]
            tests = rec.pop("small_study_tests")
            for t in tests:
                rec[f"{t['test'].lower()}_p"] = t["p"]
            rec["narrative"] = "; ".join(
                f"{n['study']}: {n['direction']}" for n in rec["narrative"]
            )
            reg = rec.pop("metaregression")
            rec["metaregression"] = None if reg is None else regression_text(reg)
            rows.append(rec)
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Every analysis in a few lines, then the domains without data."""
        parts = [r.summary() for r in self.results]
        reported = {r.outcome for r in self.results}
        none = list(dict.fromkeys(d for d, _ in self.without_data if d not in reported))
        if none:
            parts.append(f"No study reported: {', '.join(none)}")
        return "\n\n".join(parts)


__all__ = ["KINDS", "AnalysisResult", "NarrativeRow", "Synthesis"]
