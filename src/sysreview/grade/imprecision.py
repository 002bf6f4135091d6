"""Suggesting the imprecision rating.

The confidence interval against the thresholds, and the optimal information size.

GRADE's primary criterion is the confidence interval (GRADE guidelines 6, Guyatt GH, et al.
J Clin Epidemiol 2011;64:1283-1293; updated for systematic reviews, the minimally
contextualised approach, by GRADE guidance 34, Zeng L, et al. J Clin Epidemiol
2022;150:216-224): is it compatible both with no effect and with an appreciable one? When
it is not, the optimal information size (:mod:`sysreview.grade.ois`) guards against
intervals that look narrow only because there were few events or participants.

Examples
--------
>>> from sysreview.grade.evidence import OutcomeEvidence
>>> from sysreview.protocol.certainty import ImprecisionRule, OutcomeThresholds
>>> ev = OutcomeEvidence("a", "hope", "Hope", "post_intervention", "SMD", True, 4, 900,
...                      95.0, (), ("Favours control", "Favours intervention"),
...                      estimate=0.22, ci_low=-0.1, ci_high=0.6)
>>> r = imprecision(ev, ImprecisionRule(), OutcomeThresholds(domain="hope"), None)
>>> r.rating.value, r.numbers["ois"]
('serious', 788)
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.grade.evidence import OutcomeEvidence
from sysreview.grade.ois import OptimalInformationSize, ois_continuous, ois_dichotomous
from sysreview.grade.ratings import DomainRating, GradeDomain, Number, Rating
from sysreview.protocol.certainty import ImprecisionRule, OutcomeThresholds


@dataclass(frozen=True)
class Thresholds:
    """The effects counted as appreciable: below ``low`` or above ``high``, and why."""

    low: float
    high: float
    basis: str


def appreciable(
    ev: OutcomeEvidence,
    rule: ImprecisionRule,
    own: OutcomeThresholds,
    assumed_risk: float | None,
) -> Thresholds | None:
    """The thresholds of an appreciable effect on the analysis's scale, or ``None``.

    ``None`` when the protocol states none for this measure (a mean difference without a
    ``mid``).

    Ratios (RR, OR, Peto OR): ``1 - appreciable_rr`` and ``1 + appreciable_rr`` (GRADE 6's
    rough guide, 0.75 and 1.25). Risk differences: ``appreciable_rr`` times the assumed
    control risk either way. SMD: ``smd_mid`` either way (GRADE Handbook 5.2.4.1: 0.5 SD
    when no MID is known). MD: the outcome's ``mid`` either way.
    """
    a = rule.appreciable_rr
    if ev.ratio:
        return Thresholds(1 - a, 1 + a, f"a ratio below {1 - a:g} or above {1 + a:g}")
    if ev.measure == "RD":
        if assumed_risk is None:
            return None
        rd = a * assumed_risk
        return Thresholds(-rd, rd, f"a risk difference beyond ±{rd:.3g} ({a:.0%} of the "
                          f"assumed control risk {assumed_risk:.3g})")  # fmt: skip
    if ev.measure == "SMD":
        m = rule.smd_mid
        return Thresholds(-m, m, f"an SMD beyond ±{m:g}")
    if own.mid is not None:
        return Thresholds(-own.mid, own.mid, f"a mean difference beyond the MID ±{own.mid:g}")
    return None


def information_size(
    ev: OutcomeEvidence,
    rule: ImprecisionRule,
    own: OutcomeThresholds,
    assumed_risk: float | None,
) -> tuple[OptimalInformationSize | None, str]:
    """The OIS for this outcome, or ``None`` and why it cannot be computed.

    Dichotomous: the assumed control risk and ``ois_rrr``. MD with the outcome's ``mid``:
    that difference with the outcome's ``sd``, else the control arms' pooled SD. Otherwise
    (SMD; MD without a MID): ``ois_smd`` standard deviations.
    """
    alpha, beta = rule.alpha, rule.beta
    if ev.dichotomous:
        if assumed_risk is None or not 0 < assumed_risk < 1:
            return None, "the control groups' risk is 0 or 1 (or unknown): no OIS"
        return ois_dichotomous(assumed_risk, rule.ois_rrr, alpha, beta), ""
    if ev.measure == "MD" and own.mid is not None:
        sd = own.sd if own.sd is not None else ev.control_sd()
        if sd is not None:
            return ois_continuous(own.mid, sd, alpha, beta), ""
    return ois_continuous(rule.ois_smd, 1.0, alpha, beta), ""


def _fmt(x: float) -> str:
    return f"{x:.3g}"


def imprecision(
    ev: OutcomeEvidence,
    rule: ImprecisionRule,
    own: OutcomeThresholds,
    assumed_risk: float | None,
) -> DomainRating:
    """Suggest the imprecision rating.

    Notes
    -----
    With the confidence interval ``[lo, hi]``, the null and the thresholds of
    :func:`appreciable` (``L < null < U``) and the participants ``N``::

        very serious  lo < L and hi > U: appreciable effects in both directions
        serious       lo < null < hi and (lo < L or hi > U): no effect and an appreciable one;
                      lo < null < hi with no threshold stated (a mean difference without MID);
                      or N below the optimal information size
        no            otherwise (the interval excludes the null, or stays within L and U,
                      and N reaches the OIS)

    A narrative summary has no pooled interval: only the OIS is checked.
    """
    d = GradeDomain.IMPRECISION
    thr = appreciable(ev, rule, own, assumed_risk)
    ois, why_not = information_size(ev, rule, own, assumed_risk)
    n = ev.participants
    numbers: dict[str, Number] = {
        "participants": n, "ci_low": ev.ci_low, "ci_high": ev.ci_high, "null": ev.null,
        "threshold_low": None if thr is None else thr.low,
        "threshold_high": None if thr is None else thr.high,
        "ois": None if ois is None else ois.total,
    }  # fmt: skip
    size = (f"{n:g} participants, " + (f"below the {ois.summary()}" if ois and n < ois.total
            else f"reaching the {ois.summary()}" if ois else why_not))  # fmt: skip
    short = ois is not None and n < ois.total
    if not ev.pooled or ev.ci_low is None or ev.ci_high is None:
        rating = Rating.SERIOUS if short else Rating.NO
        return DomainRating(d, rating, f"not pooled (no pooled confidence interval); {size}",
                            numbers, assessed=ois is not None)  # fmt: skip
    lo, hi = ev.ci_low, ev.ci_high
    ci = f"the {ev.level:g}% CI {_fmt(lo)} to {_fmt(hi)}"
    crosses = lo < ev.null < hi
    below = thr is not None and lo < thr.low
    above = thr is not None and hi > thr.high
    where = f" (appreciable: {thr.basis})" if thr is not None else ""
    if below and above:
        return DomainRating(d, Rating.VERY_SERIOUS, f"{ci} includes appreciable effects in "
                            f"both directions{where}; {size}", numbers)  # fmt: skip
    if crosses and (below or above):
        return DomainRating(d, Rating.SERIOUS, f"{ci} includes both no effect and an "
                            f"appreciable effect{where}; {size}", numbers)  # fmt: skip
    if crosses and thr is None:
        return DomainRating(d, Rating.SERIOUS, f"{ci} includes no effect; no minimal important "
                            f"difference is stated for this outcome ([[grade.outcome]] mid); "
                            f"{size}", numbers)  # fmt: skip
    if short:
        seen = "includes no effect but no appreciable effect" if crosses else "excludes no effect"
        return DomainRating(d, Rating.SERIOUS, f"{ci} {seen}{where}, but {size}", numbers)
    inside = "excludes no effect" if not crosses else "stays within the appreciable thresholds"
    return DomainRating(d, Rating.NO, f"{ci} {inside}{where}; {size}", numbers)


__all__ = ["Thresholds", "appreciable", "imprecision", "information_size"]
