"""The whole protocol: every section, cross-section checks, a readable summary, JSON."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from pydantic import model_validator

from sysreview.protocol._base import NO_VALUE, Checker, Frozen, Int, Loc
from sysreview.protocol.analysis import AnalysisPlan
from sysreview.protocol.appraisal import RiskOfBias, Screening
from sysreview.protocol.certainty import Grade
from sysreview.protocol.comparators import Comparators, check_codes
from sysreview.protocol.filters import Condition
from sysreview.protocol.outcomes import Outcomes, Timepoints
from sysreview.protocol.review import Eligibility, Review, Role, Search

SCHEMA_VERSION = 1


class Protocol(Frozen):
    """A review protocol (``review.toml``), validated and frozen.

    Build one with :func:`~sysreview.protocol.load_protocol` or
    :func:`~sysreview.protocol.parse_protocol`; :meth:`summary` gives readable text and
    :meth:`to_json` the validated content as JSON.

    Examples
    --------
    >>> from sysreview.protocol import parse_protocol, template_text
    >>> p = parse_protocol(template_text("group-peer-support"))
    >>> p.review.registration.id, p.analysis.min_studies
    ('CRD42019145217', 3)
    """

    schema_version: Int = SCHEMA_VERSION
    review: Review
    eligibility: Eligibility
    search: Search
    outcomes: Outcomes
    timepoints: Timepoints = Timepoints()
    comparators: Comparators
    analysis: AnalysisPlan = AnalysisPlan()
    risk_of_bias: RiskOfBias
    screening: Screening
    grade: Grade = Grade()

    @model_validator(mode="after")
    def _check(self) -> Protocol:
        check = Checker()
        check.that(
            self.schema_version == SCHEMA_VERSION,
            ("schema_version",),
            self.schema_version,
            f"must be {SCHEMA_VERSION}",
        )
        self._check_team(check)
        self._check_filters(check)
        self._check_grade(check)
        codes = self.comparators.codes()
        for i, sens in enumerate(self.analysis.sensitivity):
            if sens.multi_arm is not None:
                check_codes(
                    check, sens.multi_arm, ("analysis", "sensitivity", i, "multi_arm"), codes
                )
        check.raise_if_any()
        return self

    def _check_team(self, check: Checker) -> None:
        review = self.review
        stages = (
            ("title_abstract", self.screening.title_abstract),
            ("full_text", self.screening.full_text),
        )
        for key, stage in stages:
            loc: Loc = ("screening", key)
            for ref, rid in stage.named_reviewers().items():
                role = Role.ARBITER if ref == "arbiter" else Role.SCREENER
                person = review.reviewer(rid)
                ids = ", ".join(r.id for r in review.reviewers)
                check.that(person is not None, (*loc, ref), rid, f"must be a reviewer id: {ids}")
                if person is not None:
                    check.that(
                        person.has(role),
                        (*loc, ref),
                        rid,
                        f"reviewer {rid} needs the role '{role.value}'",
                    )
        ta, ft = self.screening.title_abstract, self.screening.full_text
        dual = self.screening.dual()
        screeners = len(review.with_role(Role.SCREENER))
        check.that(
            not dual or screeners >= 2,
            ("review", "reviewers"),
            NO_VALUE,
            f"dual screening needs two reviewers with the role 'screener' ({screeners} found)",
        )
        arbiter_needed = (ta.dual_fraction > 0 and ta.resolution == "arbiter") or (
            ft.resolution == "arbiter"
            and ft.second_reviewer_included + ft.second_reviewer_excluded > 0
        )
        check.that(
            not arbiter_needed or bool(review.with_role(Role.ARBITER)),
            ("review", "reviewers"),
            NO_VALUE,
            "resolution = 'arbiter' needs a reviewer with the role 'arbiter'",
        )
        appraisers = len(review.with_role(Role.APPRAISER))
        check.that(
            self.risk_of_bias.second_reviewer_fraction == 0 or appraisers >= 2,
            ("risk_of_bias", "second_reviewer_fraction"),
            self.risk_of_bias.second_reviewer_fraction,
            "a second risk-of-bias reviewer needs two reviewers with the role 'appraiser'",
        )

    def _check_grade(self, check: Checker) -> None:
        domains = [d.name for _, d in self.outcomes.domains()]
        msg = f"must be an outcome domain: {', '.join(domains)}"
        for i, name in enumerate(self.grade.sof_outcomes):
            check.that(name in domains, ("grade", "sof_outcomes", i), name, msg)
        for i, entry in enumerate(self.grade.outcome):
            loc: Loc = ("grade", "outcome", i, "domain")
            check.that(entry.domain in domains, loc, entry.domain, msg)

    def filters(self) -> Iterator[tuple[Loc, Condition]]:
        """Every condition of every sensitivity and subgroup analysis, with its key path."""
        for i, sens in enumerate(self.analysis.sensitivity):
            for j, cond in enumerate(sens.where):
                yield ("analysis", "sensitivity", i, "where", j), cond
        for i, sub in enumerate(self.analysis.subgroups):
            for k, level in enumerate(sub.levels):
                for j, cond in enumerate(level.where):
                    yield ("analysis", "subgroups", i, "levels", k, "where", j), cond

    def _check_filters(self, check: Checker) -> None:
        declared = {
            "comparator": self.comparators.codes(),
            "measure": tuple(sorted(self.outcomes.measure_names())),
            "overall_rob": self.risk_of_bias.tool.judgements,
        }
        for loc, cond in self.filters():
            allowed = declared.get(cond.attribute)
            if allowed is None:
                continue
            for v in cond.values:
                check.that(
                    v in allowed,
                    (*loc, "value"),
                    cond.value,
                    f"must be one of {', '.join(allowed) or '(none declared)'}",
                )

    def to_json(self, indent: int | None = 2) -> str:
        """The protocol as JSON (``model_dump_json``; enums as codes, dates ISO 8601)."""
        return self.model_dump_json(indent=indent)

    def to_dict(self) -> dict[str, Any]:
        """The protocol as JSON-compatible Python data (``model_dump(mode="json")``)."""
        return self.model_dump(mode="json")

    def summary(self) -> str:
        """The protocol as readable text, one fact per line."""
        return "\n".join(_summary_lines(self))


def _summary_lines(p: Protocol) -> Iterator[str]:
    r, a, t = p.review, p.analysis, p.timepoints
    yield r.title
    if r.registration is not None:
        yield f"Registered: {r.registration.registry} {r.registration.id}"
    q = r.question
    yield f"Question: P {q.population}; I {q.intervention}; C {q.comparator}; O {q.outcomes}"
    yield "Reviewers: " + "; ".join(
        f"{x.id} {x.name} ({', '.join(role.value for role in x.roles)})" for x in r.reviewers
    )
    yield "Search: " + "; ".join(
        f"{d.name} ({d.interface}, {d.coverage} to {d.searched.isoformat()})"
        for d in p.search.databases
    )
    yield f"Full-text exclusion reasons: {len(p.eligibility.exclusion_reasons)}"
    for group in p.outcomes.groups:
        yield f"Outcomes, {group.label}: " + ", ".join(d.name for d in group.domains)
    post = "post-intervention; " if t.post_intervention else ""
    yield (
        f"Timepoints: {post}short-term <= {t.short_term_max_weeks:g} weeks after the end "
        f"({t.short_term_pick.value}); long-term > {t.long_term_after_weeks:g} weeks "
        f"({t.long_term_pick.value})"
    )
    yield (
        f"Comparators: {', '.join(p.comparators.codes())}; multi-arm: "
        f"{p.comparators.multi_arm.describe()}"
    )
    em = a.effect_measure
    yield (
        f"Analysis: {a.model.value} effects, tau2 {a.tau2_method.value}, CI {a.ci_method.value} "
        f"{a.level:g}%, {a.convention.value} conventions; {em.same_instrument.value} when all "
        f"studies share a measure, else {em.different_instruments.value}; "
        f"{em.dichotomous.value} for dichotomous outcomes"
    )
    yield (
        f"Pool when >= {a.min_studies} studies; I² > {a.substantial_i2:g}% substantial; "
        f"funnel tests when >= {a.funnel_min_studies} studies"
    )
    cuts = ", ".join(f"{c:g}" for c in a.evidence.p_thresholds)
    yield f"Evidence bands at p = {cuts}: {', '.join(a.evidence.labels)}"
    cuts = ", ".join(f"{c:g}" for c in a.magnitude.thresholds)
    yield f"Magnitude bands at |effect| = {cuts}: {', '.join(a.magnitude.labels)}"
    for sens in a.sensitivity:
        yield f"Sensitivity {sens.name}: {sens.label} [{sens.describe()}]"
    for sub in a.subgroups:
        yield f"Subgroup {sub.name}: {sub.label} [{sub.describe()}]"
    rob = p.risk_of_bias
    rule = rob.overall
    yield (
        f"Risk of bias: {rob.tool.value}; key domains: {', '.join(rob.key_domains) or 'none'}; "
        f"overall low when {rule.low_requires.value} are low, else worst of "
        f"{rule.worst_of.value}, else {rule.otherwise}"
    )
    ta, ft = p.screening.title_abstract, p.screening.full_text
    yield (
        f"Title/abstract: {ta.dual_fraction:.0%} dual-screened ({ta.selection.value}"
        f"{'' if ta.seed is None else f', seed {ta.seed}'}), "
        f"{'blind' if ta.blind else 'not blind'}, resolution by {ta.resolution.value}"
    )
    yield (
        f"Full text: second reviewer checks {ft.second_reviewer_included:.0%} of included and "
        f"{ft.second_reviewer_excluded:.0%} of excluded, {'blind' if ft.blind else 'not blind'}, "
        f"resolution by {ft.resolution.value}"
    )
    yield p.grade.describe()


__all__ = ["SCHEMA_VERSION", "Protocol"]
