"""The numbers of a Summary of findings row: relative effect, anticipated absolute effects.

Dichotomous outcomes (Cochrane Handbook 5.1 section 11.5.5, Figure 11.5.a; version 6
section 14.1.5): the *assumed* risk is the control groups' risk (their median, or the
pooled risk, as the protocol says; or the protocol's illustrative risks, such as low- and
high-risk populations); the *corresponding* risk is what that risk becomes under the
intervention, with the confidence interval of the relative effect carried through::

    RR        CR = AR × RR
    OR        CR = OR × AR / (1 − AR + OR × AR)        (Handbook 5.1 section 12.5.4.4)
    RD        CR = AR + RD                               (clipped to 0 and 1)

Continuous outcomes (Handbook 5.1 section 11.5.5; GRADE guidelines 13, Guyatt GH, et al.
J Clin Epidemiol 2013;66:173-183): a mean difference with the range of the control
groups' means, in the instrument's own direction; a standardised mean difference in SD
units with Cohen's rule of thumb (0.2 small, 0.5 moderate, 0.8 large; Handbook version 6
section 15.5.3.1) and, when the protocol gives an instrument and its SD, re-expressed on
that instrument (SMD × SD, Handbook version 6 section 15.5.3.2).

Examples
--------
>>> [round(1000 * x) for x in corresponding_risks(0.010, "RR", 0.10, 0.04, 0.26)]
[1, 0, 3]
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sysreview.grade.assess import OutcomeCertainty
from sysreview.protocol.analysis import Magnitude
from sysreview.protocol.certainty import Grade


def corresponding_risk(assumed: float, measure: str, effect: float) -> float:
    """The intervention group's risk for an assumed control risk and an effect.

    The effect is relative (or absolute, RD); see the module notes.

    Raises
    ------
    ValueError
        For a measure that is not dichotomous.
    """
    if measure == "RR":
        return assumed * effect
    if measure in ("OR", "PETO_OR"):
        return effect * assumed / (1 - assumed + effect * assumed)
    if measure == "RD":
        return min(1.0, max(0.0, assumed + effect))
    raise ValueError(f"no corresponding risk for {measure}")


def corresponding_risks(
    assumed: float, measure: str, estimate: float, low: float, high: float
) -> tuple[float, float, float]:
    """The corresponding risk and its confidence limits."""
    return tuple(corresponding_risk(assumed, measure, x) for x in (estimate, low, high))  # type: ignore[return-value]


@dataclass(frozen=True)
class RiskLine:
    """One assumed control risk and the corresponding intervention risk with its CI."""

    label: str
    assumed: float
    corresponding: float
    low: float
    high: float


@dataclass(frozen=True)
class ContinuousEffect:
    """The anticipated effect of a continuous outcome.

    ``difference`` and its CI are the pooled MD in the instrument's own direction (``MD``)
    or the pooled SMD as analysed (``SMD``: positive favours the side the analysis's
    ``favours`` labels say); ``control_means`` are the control groups' means in the
    instrument's direction (MD only); ``reexpressed`` is ``(instrument, sd, estimate, low,
    high)`` of an SMD on a familiar instrument.
    """

    measure: str
    instrument: str | None
    difference: float
    low: float
    high: float
    control_means: tuple[float, ...] = ()
    reexpressed: tuple[str, float, float, float, float] | None = None


@dataclass(frozen=True)
class SofRow:
    """A Summary of findings row: the certainty and the effects to show.

    ``size`` is ``"large"``, ``"important"`` or ``"trivial"`` (Santesso 2020's categories
    for the wording; ``None`` when not pooled); ``benefit`` whether the pooled estimate
    favours the intervention (``None`` when the analysis cannot tell, e.g. events whose
    direction is not declared).
    """

    certainty: OutcomeCertainty
    risks: tuple[RiskLine, ...] = ()
    continuous: ContinuousEffect | None = None
    size: str | None = None
    benefit: bool | None = None
    size_basis: str = ""

    @property
    def analysis(self) -> str:
        """The analysis id of the outcome's main (or narrative) analysis."""
        return self.certainty.evidence.analysis

    def record(self) -> dict[str, object]:
        """A JSON-ready dict."""
        ev = self.certainty.evidence
        c = self.continuous
        return {
            **self.certainty.record(),
            "measure": ev.measure, "k": ev.k, "participants": ev.participants,
            "estimate": ev.estimate, "ci_low": ev.ci_low, "ci_high": ev.ci_high,
            "risks": [vars(r) for r in self.risks],
            "continuous": None if c is None else {**vars(c), "control_means":
                                                   list(c.control_means)},
            "size": self.size, "benefit": self.benefit,
        }  # fmt: skip


def _benefit(certainty: OutcomeCertainty) -> bool | None:
    ev = certainty.evidence
    if ev.estimate is None or ev.estimate == ev.null:
        return None
    side = ev.favours[0 if ev.estimate < ev.null else 1].strip().lower()
    if side == "favours intervention":
        return True
    if side == "favours control":
        return False
    return None


def effect_size(
    certainty: OutcomeCertainty, grade: Grade, magnitude: Magnitude
) -> tuple[str | None, str]:
    """The size of the pooled effect for the wording, and on what it was judged.

    Notes
    -----
    Santesso N, et al. (J Clin Epidemiol 2020;119:126-135) word findings by certainty and
    by whether the effect is large, important (moderate or small) or trivial. sysreview
    decides the size as follows: SMD by the protocol's magnitude bands (below the first:
    trivial; at or above the last: large); ratios by the imprecision rule's appreciable
    thresholds (between them: trivial) and GRADE's large effect, RR below 0.5 or above 2
    (GRADE guidelines 9, Guyatt GH, et al. J Clin Epidemiol 2011;64:1311-1316); an MD by
    the outcome's MID (below it: trivial), else by MD / SD of the control arms against the
    magnitude bands; an RD by the appreciable share of the assumed risk.
    """
    ev = certainty.evidence
    est = ev.estimate
    if est is None:
        return None, ""
    rule = grade.imprecision
    if ev.ratio:
        if est <= 0.5 or est >= 2:
            return "large", "a ratio of at most 0.5 or at least 2"
        trivial = 1 - rule.appreciable_rr < est < 1 + rule.appreciable_rr
        return ("trivial" if trivial else "important"), "the appreciable ratio thresholds"
    if ev.measure == "RD":
        assumed = certainty.assumed_risk
        if assumed is None:
            return None, ""
        trivial = abs(est) < rule.appreciable_rr * assumed
        return ("trivial" if trivial else "important"), "the appreciable share of the risk"
    own = grade.thresholds(ev.outcome)
    if ev.measure == "MD" and own.mid is not None:
        return ("trivial" if abs(est) < own.mid else "important"), f"the MID {own.mid:g}"
    sd_units = est
    basis = "the protocol's magnitude bands"
    if ev.measure == "MD":
        sd = own.sd if own.sd is not None else ev.control_sd()
        if sd is None:
            return None, ""
        sd_units, basis = est / sd, f"MD / SD ({sd:.3g}) against the magnitude bands"
    band = magnitude.labels.index(magnitude.band(sd_units))
    if band == 0:
        return "trivial", basis
    return ("large" if band == len(magnitude.labels) - 1 else "important"), basis


def _continuous(certainty: OutcomeCertainty, grade: Grade) -> ContinuousEffect | None:
    ev = certainty.evidence
    if ev.estimate is None or ev.ci_low is None or ev.ci_high is None:
        return None
    if ev.measure == "MD":
        flips = {s.flipped for s in ev.studies}
        sign = -1.0 if flips == {True} else 1.0
        lo, hi = sorted((sign * ev.ci_low, sign * ev.ci_high))
        means = tuple(sign * s.control_mean for s in ev.studies if s.control_mean is not None)
        names = {s.instrument for s in ev.studies}
        return ContinuousEffect("MD", names.pop() if len(names) == 1 else None,
                                sign * ev.estimate, lo, hi, means)  # fmt: skip
    own = grade.thresholds(ev.outcome)
    again = None
    if own.instrument is not None and own.sd is not None:
        sd = own.sd
        again = (own.instrument, sd, ev.estimate * sd, ev.ci_low * sd, ev.ci_high * sd)
    return ContinuousEffect("SMD", None, ev.estimate, ev.ci_low, ev.ci_high, (), again)


def _risks(certainty: OutcomeCertainty, grade: Grade) -> tuple[RiskLine, ...]:
    ev = certainty.evidence
    if ev.estimate is None or ev.ci_low is None or ev.ci_high is None or ev.measure is None:
        return ()
    given = grade.thresholds(ev.outcome).assumed_risks
    lines: Sequence[tuple[str, float]]
    if given:
        lines = [(r.label, r.risk) for r in given]
    elif certainty.assumed_risk is not None:
        how = "median control group risk" if grade.assumed_risk.value == "median" else (
            "pooled control group risk")  # fmt: skip
        lines = [(f"Study population ({how})", certainty.assumed_risk)]
    else:
        return ()
    return tuple(
        RiskLine(label, a, *corresponding_risks(a, ev.measure, ev.estimate, ev.ci_low, ev.ci_high))
        for label, a in lines
    )


def sof_row(certainty: OutcomeCertainty, grade: Grade, magnitude: Magnitude) -> SofRow:
    """The Summary of findings row of one outcome."""
    ev = certainty.evidence
    size, basis = effect_size(certainty, grade, magnitude)
    if ev.dichotomous:
        return SofRow(certainty, _risks(certainty, grade), None, size, _benefit(certainty),
                      basis)  # fmt: skip
    return SofRow(certainty, (), _continuous(certainty, grade), size, _benefit(certainty), basis)


__all__ = [
    "ContinuousEffect",
    "RiskLine",
    "SofRow",
    "corresponding_risk",
    "corresponding_risks",
    "effect_size",
    "sof_row",
]
