"""Certainty of the evidence (GRADE) and the Summary of findings, computed from the results.

Pure computation: no files, no database. ::

    outcome_evidence(result, rob)          -> OutcomeEvidence   # one main outcome, read
    suggestions(evidence, grade, i2, ar)   -> five DomainRating # the protocol's rules
    assess(evidence, grade, i2, ratings)   -> OutcomeCertainty  # reviewers' ratings win
    sof_row(certainty, grade, magnitude)   -> SofRow            # absolute effects
    summary_of_findings(synthesis, protocol, rob, ratings) -> SummaryOfFindings

The five domains (:class:`GradeDomain`) each get a *suggested* rating from a stated rule
with its source: risk of bias (:func:`~sysreview.grade.rules.risk_of_bias`),
inconsistency (:func:`~sysreview.grade.rules.inconsistency`), indirectness (never
suggested: it needs the reviewers' judgement), imprecision
(:func:`~sysreview.grade.imprecision.imprecision`, with the optimal information size of
:mod:`sysreview.grade.ois`) and publication bias
(:func:`~sysreview.grade.rules.publication_bias`). Reviewers' ratings, each with its
justification, replace the suggestions; the certainty is the protocol's starting level
rated down by every domain.
"""

from sysreview.grade.assess import (
    CONSENSUS,
    OutcomeCertainty,
    Resolved,
    ReviewerRating,
    assess,
    resolve,
    suggestions,
)
from sysreview.grade.evidence import OutcomeEvidence, StudyEvidence, outcome_evidence
from sysreview.grade.imprecision import appreciable, imprecision, information_size
from sysreview.grade.ois import OptimalInformationSize, ois_continuous, ois_dichotomous
from sysreview.grade.ratings import (
    DOMAINS,
    LABELS,
    LEVELS,
    MEANINGS,
    SUGGESTED,
    SYMBOLS,
    DomainRating,
    GradeDomain,
    Level,
    Rating,
    certainty_after,
)
from sysreview.grade.rules import inconsistency, indirectness, publication_bias, risk_of_bias
from sysreview.grade.sof import (
    ContinuousEffect,
    RiskLine,
    SofRow,
    corresponding_risk,
    corresponding_risks,
    effect_size,
    sof_row,
)
from sysreview.grade.statements import statement
from sysreview.grade.summary import (
    SummaryOfFindings,
    known_outcomes,
    raters,
    rob_entries,
    summary_of_findings,
)

__all__ = [
    "CONSENSUS",
    "DOMAINS",
    "LABELS",
    "LEVELS",
    "MEANINGS",
    "SUGGESTED",
    "SYMBOLS",
    "ContinuousEffect",
    "DomainRating",
    "GradeDomain",
    "Level",
    "OptimalInformationSize",
    "OutcomeCertainty",
    "OutcomeEvidence",
    "Rating",
    "Resolved",
    "ReviewerRating",
    "RiskLine",
    "SofRow",
    "StudyEvidence",
    "SummaryOfFindings",
    "appreciable",
    "assess",
    "certainty_after",
    "corresponding_risk",
    "corresponding_risks",
    "effect_size",
    "imprecision",
    "inconsistency",
    "indirectness",
    "information_size",
    "known_outcomes",
    "ois_continuous",
    "ois_dichotomous",
    "outcome_evidence",
    "publication_bias",
    "raters",
    "resolve",
    "risk_of_bias",
    "rob_entries",
    "sof_row",
    "statement",
    "suggestions",
    "summary_of_findings",
]
