"""Suggested ratings of risk of bias, inconsistency, indirectness and publication bias.

Each rule reads one outcome's evidence (:class:`~sysreview.grade.evidence.OutcomeEvidence`)
and the protocol's thresholds (:mod:`sysreview.protocol.certainty`) and returns a
:class:`~sysreview.grade.ratings.DomainRating`: the rating, the reason in words and the
numbers behind it. A rule only *suggests*; reviewers confirm or override every domain
with a justification. Imprecision is :mod:`sysreview.grade.imprecision`.

Examples
--------
>>> from sysreview.grade.evidence import OutcomeEvidence, StudyEvidence
>>> from sysreview.protocol.certainty import RiskOfBiasRule
>>> def study(name, weight, rob):
...     return StudyEvidence(name, 100, weight, rob, None, 0.2, 0.0, 0.4, "QPR", False)
>>> ev = OutcomeEvidence("a", "hope", "Hope", "post_intervention", "SMD", True, 2, 200, 95.0,
...                      (study("A", 60.0, "high"), study("B", 40.0, "low")),
...                      ("Favours control", "Favours intervention"))
>>> risk_of_bias(ev, RiskOfBiasRule()).rating
<Rating.VERY_SERIOUS: 'very_serious'>
"""

from __future__ import annotations

from collections.abc import Sequence

from sysreview.grade.evidence import OutcomeEvidence, StudyEvidence
from sysreview.grade.ratings import DomainRating, GradeDomain, Number, Rating
from sysreview.protocol.certainty import InconsistencyRule, PublicationBiasRule, RiskOfBiasRule

CONCERNS = ("high", "unclear", "some_concerns")
"""Overall judgements that are not low risk (a study not assessed counts with these)."""


def _pct(share: float) -> str:
    return f"{100 * share:.0f}%"


def _names(studies: Sequence[StudyEvidence]) -> str:
    return "; ".join(s.study for s in studies)


def risk_of_bias(ev: OutcomeEvidence, rule: RiskOfBiasRule) -> DomainRating:
    """Suggest the risk-of-bias rating from the share of the evidence at high or unclear risk.

    Notes
    -----
    Shares are of the analysis weight (of the participants in a narrative summary), with
    each study's overall judgement for this outcome (GRADE guidelines 4, Guyatt GH, et al.
    J Clin Epidemiol 2011;64:407-415: judge across studies by how much of the evidence
    has limitations; Cochrane Handbook 5.1 Table 8.7.a)::

        very serious  share(high) > very_serious_share            (default 0.5)
        serious       share(high, unclear, some concerns) > serious_share   (default 0.5)
        no            otherwise

    A study without a risk-of-bias assessment counts as unclear, and the reason says so.
    """
    d = GradeDomain.RISK_OF_BIAS
    basis = "weight" if ev.pooled else "participants"
    parts = [(s, (s.weight if ev.pooled else s.participants) or 0.0) for s in ev.studies]
    total = sum(w for _, w in parts)
    if total <= 0:
        return DomainRating(d, Rating.NO, "no study contributes to this outcome: nothing to "
                            "rate", {"basis": basis}, assessed=False)  # fmt: skip
    high = [s for s, _ in parts if s.rob == "high"]
    concern = [s for s, _ in parts if s.rob in CONCERNS or s.rob is None]
    missing = [s for s, _ in parts if s.rob is None]
    share = {s.study: w / total for s, w in parts}
    share_high = sum(share[s.study] for s in high)
    share_concern = sum(share[s.study] for s in concern)
    numbers: dict[str, Number] = {
        "basis": basis, "share_high": share_high, "share_concerns": share_concern,
        "share_low": 1 - share_concern, "not_assessed": len(missing),
        "serious_share": rule.serious_share, "very_serious_share": rule.very_serious_share,
    }  # fmt: skip
    others = [s for s in concern if s not in high]
    text = (
        f"studies at high overall risk of bias carry {_pct(share_high)} of the {basis}"
        + (f" ({_names(high)})" if high else "")
        + f", studies at unclear risk or with some concerns {_pct(share_concern - share_high)}"
        + (f" ({_names(others)})" if others else "")
        + f" and studies at low risk {_pct(1 - share_concern)}"
    )
    if missing:
        text += f" (not assessed, counted as unclear: {_names(missing)})"
    if share_high > rule.very_serious_share:
        rating = Rating.VERY_SERIOUS
        why = f"more than {_pct(rule.very_serious_share)} at high risk"
    elif share_concern > rule.serious_share:
        rating = Rating.SERIOUS
        why = f"more than {_pct(rule.serious_share)} at high or unclear risk"
    else:
        rating = Rating.NO
        why = f"at most {_pct(rule.serious_share)} at high or unclear risk"
    return DomainRating(d, rating, f"{text}: {why}", numbers)


def _no_overlap(studies: Sequence[StudyEvidence]) -> list[tuple[str, str]]:
    """Pairs of studies whose confidence intervals do not overlap."""
    cis = [(s.study, s.ci_low, s.ci_high) for s in studies
           if s.ci_low is not None and s.ci_high is not None]  # fmt: skip
    return [(a, b) for a, _, ahi in cis for b, blo, _ in cis
            if a != b and ahi is not None and blo is not None and ahi < blo]  # fmt: skip


def _opposite(studies: Sequence[StudyEvidence], null: float) -> bool:
    """Whether one study's interval lies wholly above the null and another's wholly below."""
    above = any(s.ci_low is not None and s.ci_low > null for s in studies)
    below = any(s.ci_high is not None and s.ci_high < null for s in studies)
    return above and below


def inconsistency(
    ev: OutcomeEvidence, rule: InconsistencyRule, substantial_i2: float
) -> DomainRating:
    """Suggest the inconsistency rating.

    From I², the Q test, the prediction interval and the overlap of the studies' confidence
    intervals.

    Notes
    -----
    GRADE guidelines 7 (Guyatt GH, et al. J Clin Epidemiol 2011;64:1294-1302) names four
    signs: point estimates that vary widely, confidence intervals with little or no
    overlap, a small p of the test of heterogeneity, a large I². With ``substantial_i2``
    from the analysis plan (the seed: 50%)::

        very serious  I² >= considerable_i2 (75) and Q p < q_p (0.10) and the
                      prediction interval extends to both sides of the null
        serious       I² > substantial_i2 and (Q p < q_p, or the prediction interval
                      extends to both sides of the null, or two studies' CIs do not overlap)
        no            otherwise; with one study inconsistency cannot be judged (no)

    A narrative summary has no I²: serious when two studies' confidence intervals do not
    overlap or lie on opposite sides of the null.
    """
    d = GradeDomain.INCONSISTENCY
    if ev.k < 2:
        return DomainRating(d, Rating.NO, "one study: inconsistency cannot be judged and the "
                            "evidence is not rated down for it", {"k": ev.k},
                            assessed=False)  # fmt: skip
    apart = _no_overlap(ev.studies)
    opposite = _opposite(ev.studies, ev.null)
    if not ev.pooled or ev.i2 is None:
        seen: dict[str, Number] = {"k": ev.k, "non_overlapping_pairs": len(apart),
                                   "opposite": opposite}  # fmt: skip
        if apart or opposite:
            pair = f"{apart[0][0]} and {apart[0][1]}" if apart else "two studies"
            why = ("confidence intervals that do not overlap" if apart
                   else "confidence intervals on opposite sides of the null")  # fmt: skip
            return DomainRating(d, Rating.SERIOUS, f"not pooled; {pair} have {why}", seen)
        return DomainRating(d, Rating.NO, "not pooled (no I²); the studies' confidence "
                            "intervals overlap", seen)  # fmt: skip
    i2, p_q = ev.i2, ev.p_q
    pi = ev.pi_low is not None and ev.pi_high is not None
    crosses = pi and ev.pi_low < ev.null < ev.pi_high  # type: ignore[operator]
    small_p = p_q is not None and p_q < rule.q_p
    numbers: dict[str, Number] = {
        "i2": i2, "q": ev.q, "p_q": p_q, "pi_low": ev.pi_low, "pi_high": ev.pi_high,
        "non_overlapping_pairs": len(apart), "substantial_i2": substantial_i2,
        "considerable_i2": rule.considerable_i2, "q_p": rule.q_p,
    }  # fmt: skip
    facts = [f"I² = {i2:.0f}%", "Q test p " + ("not available" if p_q is None else f"= {p_q:.3g}")]
    if pi:
        where = "extends to both sides of" if crosses else "lies on one side of"
        facts.append(f"the prediction interval ({ev.pi_low:.3g} to {ev.pi_high:.3g}) {where} "
                     f"the null")  # fmt: skip
    if apart:
        facts.append(f"{len(apart)} pair(s) of studies with non-overlapping confidence "
                     f"intervals (e.g. {apart[0][0]} and {apart[0][1]})")  # fmt: skip
    text = "; ".join(facts)
    if i2 >= rule.considerable_i2 and small_p and crosses:
        return DomainRating(d, Rating.VERY_SERIOUS, f"{text}: considerable heterogeneity "
                            f"(I² >= {rule.considerable_i2:g}%) that changes the direction of "
                            "plausible effects", numbers)  # fmt: skip
    if i2 > substantial_i2 and (small_p or crosses or apart):
        return DomainRating(d, Rating.SERIOUS, f"{text}: substantial heterogeneity "
                            f"(I² > {substantial_i2:g}%) with at least one other sign of "
                            "inconsistency", numbers)  # fmt: skip
    if i2 > substantial_i2:
        return DomainRating(d, Rating.NO, f"{text}: I² is above {substantial_i2:g}% but no "
                            "other sign of inconsistency", numbers)  # fmt: skip
    return DomainRating(d, Rating.NO, f"{text}: I² at most {substantial_i2:g}%", numbers)


def indirectness(ev: OutcomeEvidence) -> DomainRating:
    """Indirectness: shown as "no concern", marked as not assessed.

    Indirectness needs the reviewers' judgement.

    Notes
    -----
    Whether the studies' populations, interventions, comparators and outcome measures
    answer the review's question (GRADE guidelines 8, Guyatt GH, et al. J Clin Epidemiol
    2011;64:1303-1310) is not in the data; sysreview does not guess it.
    """
    return DomainRating(
        GradeDomain.INDIRECTNESS,
        Rating.NO,
        "not assessed automatically: judge whether the studies' populations, interventions, "
        "comparators and outcome measures match the review question; shown as no concern "
        "until a reviewer rates it",
        {"k": ev.k},
        assessed=False,
    )


def publication_bias(ev: OutcomeEvidence, rule: PublicationBiasRule) -> DomainRating:
    """Suggest the publication-bias rating from Egger's test, when the synthesis ran it.

    Notes
    -----
    GRADE guidelines 5 (Guyatt GH, et al. J Clin Epidemiol 2011;64:1277-1282): funnel
    plots and their tests mean little with few studies; the synthesis runs them only at
    the plan's ``funnel_min_studies`` (10) or more::

        serious (suspected)  Egger's p < egger_p (0.10)
        no (undetected)      Egger's p >= egger_p
        no, not assessed     no test (too few studies, or the test could not run)
    """
    d = GradeDomain.PUBLICATION_BIAS
    if ev.egger_p is None:
        why = ev.small_study_reason or ("not pooled" if not ev.pooled else "no Egger's test")
        return DomainRating(d, Rating.NO, f"not assessable: {why}; not rated down, but "
                            "publication bias cannot be excluded", {"k": ev.k},
                            assessed=False)  # fmt: skip
    numbers: dict[str, Number] = {"k": ev.k, "egger_p": ev.egger_p,
                                  "egger_threshold": rule.egger_p}  # fmt: skip
    if ev.egger_p < rule.egger_p:
        return DomainRating(d, Rating.SERIOUS, f"suspected: Egger's test p = {ev.egger_p:.3g} "
                            f"(below {rule.egger_p:g}) with {ev.k} studies", numbers)  # fmt: skip
    return DomainRating(d, Rating.NO, f"undetected: Egger's test p = {ev.egger_p:.3g} "
                        f"(at least {rule.egger_p:g}) with {ev.k} studies", numbers)  # fmt: skip


__all__ = ["CONCERNS", "inconsistency", "indirectness", "publication_bias", "risk_of_bias"]
