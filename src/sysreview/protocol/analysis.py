"""The analysis plan: model, estimator, thresholds, sensitivity, subgroups, meta-regression.

Section ``[analysis]`` of ``review.toml`` (``[comparators]`` is read by
:mod:`sysreview.protocol.comparators`, whose names this module exports too). Codes reuse
:mod:`sysreview.vocab` (``random``/``fixed``; ``DL REML ...``; ``z``/``hksj``;
``MD SMD RR ...``; ``revman``/``metafor``).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from sysreview.protocol._base import (
    NO_VALUE,
    Checker,
    Count,
    Frozen,
    Name,
    Number,
    Positive,
    Text,
    choice,
    one_or_many,
)
from sysreview.protocol.comparators import (
    Comparators,
    ComparatorType,
    MultiArm,
    MultiArmStrategy,
)
from sysreview.protocol.filters import STUDY_ATTRIBUTES, Condition, Kind, describe
from sysreview.protocol.outcomes import Domain
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method


class EffectMeasures(Frozen):
    """Effect measure policy: MD when all studies share an instrument, else SMD (Hedges' g).

    Any measure of means may be chosen (MD, SMD, SMDH, ROM: the ratio of means suits
    outcomes on a ratio scale, across instruments too); counts take RR, OR, RD or PETO_OR.
    """

    same_instrument: Annotated[Measure, choice(Measure)] = Measure.MD
    different_instruments: Annotated[Measure, choice(Measure)] = Measure.SMD
    dichotomous: Annotated[Measure, choice(Measure)] = Measure.RR

    @model_validator(mode="after")
    def _check(self) -> EffectMeasures:
        check = Checker()
        for key in ("same_instrument", "different_instruments"):
            value: Measure = getattr(self, key)
            check.that(
                value.is_continuous, (key,), value.value, "must be one of MD, SMD, SMDH, ROM"
            )
        d = self.dichotomous
        check.that(
            d.is_dichotomous, ("dichotomous",), d.value, "must be one of RR, OR, RD, PETO_OR"
        )
        check.raise_if_any()
        return self


def _bands(
    check: Checker, cuts: tuple[float, ...], labels: tuple[str, ...], key: str, rising: bool
) -> None:
    for i in range(1, len(cuts)):
        ok = cuts[i] > cuts[i - 1] if rising else cuts[i] < cuts[i - 1]
        order = "greater" if rising else "smaller"
        check.that(ok, (key, i), cuts[i], f"must be {order} than the one before ({cuts[i - 1]:g})")
    check.that(
        len(labels) == len(cuts) + 1,
        ("labels",),
        labels,
        f"needs {len(cuts) + 1} labels, one per band ({len(cuts)} thresholds)",
    )


class Evidence(Frozen):
    """Strength of evidence from the p value of the Z test.

    With thresholds ``(0.1, 0.01, 0.001)``: ``p >= 0.1`` no evidence; ``0.01 <= p < 0.1``
    weak; ``0.001 <= p < 0.01`` strong; ``p < 0.001`` very strong.

    Examples
    --------
    >>> e = Evidence()
    >>> [e.band(p) for p in (0.5, 0.1, 0.002, 0.0001)]
    ['no', 'no', 'strong', 'very strong']
    """

    p_thresholds: tuple[Positive, ...] = Field(default=(0.1, 0.01, 0.001), min_length=1)
    labels: tuple[Text, ...] = ("no", "weak", "strong", "very strong")

    @model_validator(mode="after")
    def _check(self) -> Evidence:
        check = Checker()
        for i, p in enumerate(self.p_thresholds):
            check.that(p < 1, ("p_thresholds", i), p, "must be between 0 and 1")
        _bands(check, self.p_thresholds, self.labels, "p_thresholds", rising=False)
        check.raise_if_any()
        return self

    def band(self, p: float) -> str:
        """The evidence label for a p value."""
        return self.labels[sum(p < cut for cut in self.p_thresholds)]


class Magnitude(Frozen):
    """Magnitude of a standardised effect, by its absolute size (Cohen's 0.2, 0.5, 0.8).

    Examples
    --------
    >>> m = Magnitude()
    >>> [m.band(g) for g in (0.1, -0.2, 0.49, 0.5, 1.3)]
    ['negligible', 'small', 'small', 'medium', 'large']
    """

    thresholds: tuple[Positive, ...] = Field(default=(0.2, 0.5, 0.8), min_length=1)
    labels: tuple[Text, ...] = ("negligible", "small", "medium", "large")

    @model_validator(mode="after")
    def _check(self) -> Magnitude:
        check = Checker()
        _bands(check, self.thresholds, self.labels, "thresholds", rising=True)
        check.raise_if_any()
        return self

    def band(self, effect: float) -> str:
        """The magnitude label for an effect size (sign ignored)."""
        return self.labels[sum(abs(effect) >= cut for cut in self.thresholds)]


class Sensitivity(Frozen):
    """A named sensitivity analysis: re-pool the studies matching ``where``.

    ``multi_arm`` replaces the main multi-arm rule (e.g. use only the TAU arm).
    """

    name: Name
    label: Text
    where: tuple[Condition, ...] = ()
    multi_arm: MultiArm | None = None

    @model_validator(mode="after")
    def _check(self) -> Sensitivity:
        check = Checker()
        check.that(
            bool(self.where) or self.multi_arm is not None,
            ("where",),
            NO_VALUE,
            "a sensitivity analysis needs a where filter or a multi_arm rule",
        )
        check.raise_if_any()
        return self

    def describe(self) -> str:
        """The analysis in words."""
        text = describe(self.where)
        return text if self.multi_arm is None else f"{text}; {self.multi_arm.describe()}"


class SubgroupLevel(Frozen):
    """One level of a subgroup analysis: a label and the filter selecting its studies."""

    label: Text
    where: tuple[Condition, ...] = Field(min_length=1)


class Subgroup(Frozen):
    """A named subgroup analysis comparing two or more levels."""

    name: Name
    label: Text
    levels: tuple[SubgroupLevel, ...] = Field(min_length=2)

    @model_validator(mode="after")
    def _check(self) -> Subgroup:
        check = Checker()
        check.unique([lv.label for lv in self.levels], ("levels",), "level label", "label")
        check.raise_if_any()
        return self

    def describe(self) -> str:
        """The subgroup analysis in words."""
        return " vs ".join(f"{lv.label} ({describe(lv.where)})" for lv in self.levels)


class MetaRegressionPlan(Frozen):
    """A planned meta-regression (``[[analysis.metaregression]]``).

    The main analysis's effects regressed on study attributes.

    ``moderators`` name study attributes (:data:`~sysreview.protocol.filters.
    STUDY_ATTRIBUTES`): numbers are covariates, text and yes/no attributes factors,
    coded against their first level in sorted order unless ``reference`` names another
    (``reference = { population = "other" }``). It is run only with at least
    ``studies_per_moderator`` studies per moderator with every moderator reported
    (Cochrane Handbook v6.4 section 10.11.5.1: "not ... fewer than ten studies" per
    characteristic). Defaults follow metafor: mixed-effects, REML, Wald z; ``ci_method
    = "hksj"`` asks for Knapp-Hartung tests (Viechtbauer et al. 2015).

    Examples
    --------
    >>> MetaRegressionPlan(name="year", label="Year", moderators=["year"]).describe()
    'effect by year (mixed-effects, REML, Wald z; at least 10 studies per moderator)'
    """

    name: Name
    label: Text
    moderators: Annotated[tuple[Name, ...], BeforeValidator(one_or_many)] = Field(min_length=1)
    reference: dict[Name, Text] = Field(default_factory=dict)
    model: Annotated[Model, choice(Model)] = Model.RANDOM
    tau2_method: Annotated[Tau2Method, choice(Tau2Method)] = Tau2Method.REML
    ci_method: Annotated[CIMethod, choice(CIMethod)] = CIMethod.Z
    studies_per_moderator: Count = 10

    @model_validator(mode="after")
    def _check(self) -> MetaRegressionPlan:
        check = Checker()
        allowed = [n for n in STUDY_ATTRIBUTES if n not in ("study_id", "timepoint")]
        for i, name in enumerate(self.moderators):
            where = ("moderators",) if len(self.moderators) == 1 else ("moderators", i)
            check.that(name in allowed, where, name, f"must be one of {', '.join(allowed)}")
        check.unique(self.moderators, ("moderators",), "moderator")
        for name, level in self.reference.items():
            check.that(name in self.moderators, ("reference", name), level, "must name a moderator")
            spec = STUDY_ATTRIBUTES.get(name)
            check.that(
                spec is None or spec.kind is not Kind.NUMBER,
                ("reference", name),
                level,
                "a number is a covariate: it has no reference level",
            )
        check.that(
            self.studies_per_moderator >= 2,
            ("studies_per_moderator",),
            self.studies_per_moderator,
            "must be at least 2",
        )
        check.raise_if_any()
        return self

    def formula(self) -> str:
        """The model formula (:mod:`sysreview.meta.design`), reference levels included."""
        terms = [
            f'factor({m}, ref="{self.reference[m]}")' if m in self.reference else m
            for m in self.moderators
        ]
        return "~ " + " + ".join(terms)

    def describe(self) -> str:
        """The analysis in words."""
        model = "fixed-effect" if self.model is Model.FIXED else "mixed-effects"
        fit = [model] + ([self.tau2_method.value] if self.model is Model.RANDOM else [])
        fit.append("Knapp-Hartung" if self.ci_method is CIMethod.HKSJ else "Wald z")
        return (
            f"effect by {' and '.join(self.moderators)} ({', '.join(fit)}; at least "
            f"{self.studies_per_moderator} studies per moderator)"
        )


class BenefitSign(StrEnum):
    """Sign of effects that favour the intervention once directions are aligned."""

    POSITIVE = "positive"
    NEGATIVE = "negative"


class AnalysisPlan(Frozen):
    """The analysis plan (``[analysis]``); RevMan-style random-effects defaults."""

    model: Annotated[Model, choice(Model)] = Model.RANDOM
    method: Annotated[Method, choice(Method)] | None = None
    tau2_method: Annotated[Tau2Method, choice(Tau2Method)] = Tau2Method.DL
    ci_method: Annotated[CIMethod, choice(CIMethod)] = CIMethod.Z
    level: Number = 95.0
    convention: Annotated[Convention, choice(Convention)] = Convention.REVMAN
    effect_measure: EffectMeasures = EffectMeasures()
    benefit_sign: Annotated[BenefitSign, choice(BenefitSign)] = BenefitSign.POSITIVE
    min_studies: Count = 3
    substantial_i2: Number = 50.0
    funnel_min_studies: Count = 10
    evidence: Evidence = Evidence()
    magnitude: Magnitude = Magnitude()
    sensitivity: tuple[Sensitivity, ...] = ()
    subgroups: tuple[Subgroup, ...] = ()
    metaregression: tuple[MetaRegressionPlan, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> AnalysisPlan:
        check = Checker()
        check.that(0 < self.level < 100, ("level",), self.level, "must be between 0 and 100")
        check.that(
            0 <= self.substantial_i2 < 100,
            ("substantial_i2",),
            self.substantial_i2,
            "must be a percentage, at least 0 and below 100",
        )
        check.that(
            self.min_studies >= 2,
            ("min_studies",),
            self.min_studies,
            "must be at least 2 (pooling needs two studies)",
        )
        check.that(
            self.funnel_min_studies >= max(3, self.min_studies),
            ("funnel_min_studies",),
            self.funnel_min_studies,
            f"must be at least 3 and at least min_studies ({self.min_studies})",
        )
        check.unique([s.name for s in self.sensitivity], ("sensitivity",), "name", "name")
        check.unique([s.name for s in self.subgroups], ("subgroups",), "name", "name")
        check.unique([m.name for m in self.metaregression], ("metaregression",), "name", "name")
        check.raise_if_any()
        return self

    def for_domain(self, domain: Domain) -> AnalysisPlan:
        """The plan as it applies to ``domain``.

        Its ``analysis`` settings replace the plan's measure, method and model (the plan
        itself when it has none).

        Examples
        --------
        >>> from sysreview.protocol.outcomes import DomainAnalysis
        >>> d = Domain(name="death", label="Death", analysis=DomainAnalysis(measure="OR"))
        >>> plan = AnalysisPlan().for_domain(d)
        >>> plan.effect_measure.dichotomous.value, plan.model.value
        ('OR', 'random')
        """
        own = domain.analysis
        if own is None:
            return self
        update: dict[str, object] = {}
        if own.measure is not None:
            m = own.measure
            measures = {"dichotomous": m} if m.is_dichotomous else {
                "same_instrument": m, "different_instruments": m}  # fmt: skip
            update["effect_measure"] = self.effect_measure.model_copy(update=measures)
        if own.method is not None:
            update["method"] = own.method
        if own.model is not None:
            update["model"] = own.model
        return self.model_copy(update=update)


__all__ = [
    "AnalysisPlan",
    "BenefitSign",
    "ComparatorType",
    "Comparators",
    "EffectMeasures",
    "Evidence",
    "Magnitude",
    "MetaRegressionPlan",
    "MultiArm",
    "MultiArmStrategy",
    "Sensitivity",
    "Subgroup",
    "SubgroupLevel",
]
