"""Certainty of the evidence (GRADE) and the Summary of findings table: ``[grade]``.

The protocol fixes, before the results are known, how each GRADE domain is *suggested*
from the data (:mod:`sysreview.grade`), which outcomes the Summary of findings table lists,
how its assumed control risk is chosen, and how the report words the findings. Reviewers
then confirm or override each domain with a justification; the rules only suggest.

Every threshold has a default with its source (see each model). A review that states its
own thresholds (e.g. a minimal important difference per outcome) writes them here.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from sysreview.protocol._base import (
    Checker,
    Fraction,
    Frozen,
    Name,
    Number,
    Positive,
    Text,
    choice,
)
from sysreview.protocol.filters import TIMEPOINTS


class Wording(StrEnum):
    """How the report words a finding.

    ``p_value``: the strength of evidence from the protocol's p-value bands (the seed
    review's wording: "strong evidence for a small effect"). ``grade``: GRADE's informative
    statements, which combine the size of the effect with its certainty ("probably
    improves", "may improve", "the evidence is very uncertain"; Santesso N, et al. GRADE
    guidelines 26: informative statements to communicate the findings of systematic
    reviews of interventions. J Clin Epidemiol 2020;119:126-135).
    """

    P_VALUE = "p_value"
    GRADE = "grade"


class Level(StrEnum):
    """A level of certainty, highest first.

    GRADE guidelines 3, Balshem H, et al. J Clin Epidemiol 2011;64:401-406.
    """

    HIGH = "high"
    MODERATE = "moderate"
    LOW = "low"
    VERY_LOW = "very_low"


class AssumedRisk(StrEnum):
    """Where the assumed (control) risk of a dichotomous outcome comes from.

    ``median``: the median of the control groups' risks across the studies (the Cochrane
    Handbook's usual choice, version 5.1 section 11.5.5 and version 6 section 14.1.5);
    ``pooled``: all control-group events over all control-group participants (GRADEpro's
    "study population" risk).
    """

    MEDIAN = "median"
    POOLED = "pooled"


class RiskOfBiasRule(Frozen):
    """Suggesting the risk-of-bias domain from the analysis weights.

    GRADE rates risk of bias across studies by how much of the evidence comes from studies
    with limitations, not by counting studies (GRADE guidelines 4, Guyatt GH, et al. J Clin
    Epidemiol 2011;64:407-415; Cochrane Handbook 5.1 Table 8.7.a: "most information is from
    studies at low risk of bias" / "the proportion of information from studies at high
    risk of bias is sufficient to affect the interpretation of results"). sysreview reads
    "most" as more than half of the weight: serious when more than ``serious_share`` of
    the weight comes from studies at high *or* unclear (RoB 2: some concerns) overall risk,
    very serious when more than ``very_serious_share`` comes from studies at high risk.
    """

    serious_share: Fraction = 0.5
    very_serious_share: Fraction = 0.5


class InconsistencyRule(Frozen):
    """Suggesting the inconsistency domain.

    GRADE guidelines 7, Guyatt GH, et al. J Clin Epidemiol 2011;64:1294-1302.

    I² above the analysis plan's ``substantial_i2`` is necessary but, on its own, not
    sufficient: it must come with a Q test below ``q_p`` (0.10, as GRADE 7 and the
    Cochrane Handbook advise because the test has little power), a prediction interval
    reaching the other side of the null, or studies whose confidence intervals do not
    overlap. I² of at least ``considerable_i2`` (the Handbook's "considerable", section
    10.10.2) with both a small Q p and a prediction interval across the null is very
    serious.
    """

    considerable_i2: Number = 75.0
    q_p: Fraction = 0.10


class ImprecisionRule(Frozen):
    """Suggesting the imprecision domain.

    GRADE guidelines 6, Guyatt GH, et al. J Clin Epidemiol 2011;64:1283-1293; GRADE guidance
    34, Zeng L, et al. J Clin Epidemiol 2022;150:216-224.

    The confidence interval is compared with the null and with the thresholds of an
    appreciable effect: a risk ratio below ``1 - appreciable_rr`` or above
    ``1 + appreciable_rr`` (GRADE 6's rough guide, RR 0.75 and 1.25); a
    standardised mean difference beyond ``smd_mid`` (0.5 SD, the GRADE Handbook's default
    when no minimal important difference is known, section 5.2.4.1); a mean difference
    beyond the outcome's ``mid``. The optimal information size (OIS) is the sample size of
    one adequately powered trial (two-sided ``alpha``, power ``1 - beta``): for
    dichotomous outcomes from the assumed control risk and a relative risk reduction of
    ``ois_rrr`` (GRADE 6 uses 25%); for continuous outcomes from the outcome's ``mid`` and
    ``sd``, else a standardised difference of ``ois_smd`` (0.2 SD, a small effect).
    """

    alpha: Fraction = 0.05
    beta: Fraction = 0.20
    ois_rrr: Fraction = 0.25
    appreciable_rr: Fraction = 0.25
    smd_mid: Positive = 0.5
    ois_smd: Positive = 0.2

    @model_validator(mode="after")
    def _check(self) -> ImprecisionRule:
        check = Checker()
        for key in ("alpha", "beta", "ois_rrr", "appreciable_rr"):
            value = getattr(self, key)
            check.that(0 < value < 1, (key,), value, "must be between 0 and 1 (exclusive)")
        check.raise_if_any()
        return self


class PublicationBiasRule(Frozen):
    """Suggesting the publication-bias domain.

    GRADE guidelines 5, Guyatt GH, et al. J Clin Epidemiol 2011;64:1277-1282. Only when the
    synthesis ran small-study tests (at least the analysis plan's ``funnel_min_studies``, 10
    by the Cochrane Handbook's advice, section 13.3.5.4); Egger's test below ``egger_p``
    (0.10, as Egger et al., BMJ 1997;315:629-634) makes it suspected (serious).
    """

    egger_p: Fraction = 0.10


class NamedRisk(Frozen):
    """An assumed control risk stated by the protocol, e.g. a low-risk population."""

    label: Text
    risk: Fraction


class OutcomeThresholds(Frozen):
    """One outcome domain's own numbers (``[[grade.outcome]]``).

    ``mid``: the minimal important difference in the units of the domain's instrument
    (mean differences); ``sd``: the instrument's standard deviation in the population,
    for the OIS and to re-express a standardised mean difference on ``instrument``
    (Cochrane Handbook section 15.5.3.2); ``assumed_risks``: illustrative control risks of
    dichotomous outcomes (one Summary of findings line each, as the Handbook's low- and
    high-risk populations) used instead of the one from the studies.
    """

    domain: Name
    mid: Positive | None = None
    sd: Positive | None = None
    instrument: Text | None = None
    assumed_risks: tuple[NamedRisk, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> OutcomeThresholds:
        check = Checker()
        check.that(
            self.instrument is None or self.sd is not None,
            ("instrument",),
            self.instrument,
            "re-expressing on an instrument needs its sd",
        )
        check.unique([r.label for r in self.assumed_risks], ("assumed_risks",), "label", "label")
        check.raise_if_any()
        return self


class Grade(Frozen):
    """The ``[grade]`` section: wording, outcomes of the Summary of findings, the rules.

    Examples
    --------
    >>> g = Grade()
    >>> g.wording, g.start.value, g.assumed_risk.value
    ((<Wording.P_VALUE: 'p_value'>,), 'high', 'median')
    >>> g.uses(Wording.GRADE)
    False
    """

    wording: tuple[Annotated[Wording, choice(Wording)], ...] = Field(
        default=(Wording.P_VALUE,), min_length=1
    )
    start: Annotated[Level, choice(Level)] = Level.HIGH
    sof_outcomes: tuple[Name, ...] = ()
    sof_timepoints: tuple[Name, ...] = ()
    assumed_risk: Annotated[AssumedRisk, choice(AssumedRisk)] = AssumedRisk.MEDIAN
    risk_of_bias: RiskOfBiasRule = RiskOfBiasRule()
    inconsistency: InconsistencyRule = InconsistencyRule()
    imprecision: ImprecisionRule = ImprecisionRule()
    publication_bias: PublicationBiasRule = PublicationBiasRule()
    outcome: tuple[OutcomeThresholds, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> Grade:
        check = Checker()
        check.unique([w.value for w in self.wording], ("wording",), "wording")
        check.unique(self.sof_outcomes, ("sof_outcomes",), "outcome")
        check.unique(self.sof_timepoints, ("sof_timepoints",), "timepoint")
        for i, t in enumerate(self.sof_timepoints):
            check.that(t in TIMEPOINTS, ("sof_timepoints", i), t,
                       f"must be one of {', '.join(TIMEPOINTS)}")  # fmt: skip
        check.unique([o.domain for o in self.outcome], ("outcome",), "domain", "domain")
        check.raise_if_any()
        return self

    def uses(self, wording: Wording) -> bool:
        """Whether the report uses this wording."""
        return wording in self.wording

    def thresholds(self, domain: str) -> OutcomeThresholds:
        """The outcome's own numbers (none given: an empty entry)."""
        found = next((o for o in self.outcome if o.domain == domain), None)
        return found if found is not None else OutcomeThresholds(domain=domain)

    def describe(self) -> str:
        """One line for the protocol summary."""
        words = " and ".join(w.value for w in self.wording)
        rob, inc, imp = self.risk_of_bias, self.inconsistency, self.imprecision
        return (
            f"GRADE: start {self.start.value}; wording {words}; assumed risk "
            f"{self.assumed_risk.value}; risk of bias serious > {rob.serious_share:g} of weight "
            f"at high/unclear, very serious > {rob.very_serious_share:g} at high; "
            f"inconsistency considerable I² {inc.considerable_i2:g}%, Q p < {inc.q_p:g}; "
            f"imprecision alpha {imp.alpha:g}, beta {imp.beta:g}, OIS RRR {imp.ois_rrr:g}, "
            f"appreciable RR {1 - imp.appreciable_rr:g}/{1 + imp.appreciable_rr:g}, "
            f"SMD {imp.smd_mid:g}; Egger p < {self.publication_bias.egger_p:g}"
        )


__all__ = [
    "AssumedRisk",
    "Grade",
    "ImprecisionRule",
    "InconsistencyRule",
    "Level",
    "NamedRisk",
    "OutcomeThresholds",
    "PublicationBiasRule",
    "RiskOfBiasRule",
    "Wording",
]
