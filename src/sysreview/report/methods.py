"""Drafted methods paragraphs, from the protocol alone (re-exported by :mod:`.text`).

Each function returns finished sentences for one methods subsection: the search, study
selection, risk of bias and the synthesis. The wording restates the protocol; every
threshold, date and fraction is the protocol's value.
"""

from __future__ import annotations

from datetime import date

from sysreview.appraisal.rob1 import DOMAINS as ROB1_DOMAINS
from sysreview.protocol import MultiArm, Protocol, Screening
from sysreview.protocol.analysis import MultiArmStrategy
from sysreview.protocol.appraisal import FullText, TitleAbstract

from .words import MEASURE_NAMES, TAU2_NAMES, date_text, join_words, lower_first, number_word

_ROB1_NAMES = {d.id: d.name for d in ROB1_DOMAINS}


def search_paragraph(protocol: Protocol) -> str:
    """Databases, interfaces, coverage and dates; language limits; other sources."""
    dbs = protocol.search.databases
    same = len({(d.coverage, d.searched) for d in dbs}) == 1

    def span(coverage: str, searched: date) -> str:
        return f"from {coverage} to {date_text(searched)}"

    if same:
        names = join_words([f"{d.name} ({d.interface})" for d in dbs])
        text = f"We searched {names} {span(dbs[0].coverage, dbs[0].searched)}"
    else:
        names = join_words(
            [f"{d.name} ({d.interface}, {span(d.coverage, d.searched)})" for d in dbs]
        )
        text = f"We searched {names}"
    limits = protocol.search.language_limits
    if limits:
        text += f", limited to {join_words(list(limits), 'or')}."
    else:
        text += ", with no language limits."
    if protocol.search.other_sources:
        others = join_words([lower_first(s) for s in protocol.search.other_sources])
        text += f" Other sources: {others}."
    return text + " The search strategy of each database is given in the appendix."


def _share(fraction: float) -> str:
    return "all" if fraction >= 1 else f"{fraction:.0%}"


def _sample(stage: TitleAbstract | FullText, fraction: float) -> str:
    """``"all"``, ``"10%"`` or ``"a random 10% (seed 20190713)"`` of a stage's decisions."""
    if fraction >= 1 or stage.selection.value == "first":
        return _share(fraction)
    return f"a random {_share(fraction)} (seed {stage.seed})"


def screening_paragraph(screening: Screening) -> str:
    """Who screened titles/abstracts and full texts, and how disagreements were resolved."""
    ta, ft = screening.title_abstract, screening.full_text
    by_arbiter = "by a third reviewer" if ta.resolution.value == "arbiter" else "by discussion"
    if ta.dual_fraction >= 1:
        text = "All titles and abstracts were screened by two reviewers"
        text += " independently" if ta.blind else ""
    elif ta.dual_fraction > 0:
        which = (
            f"the first {_share(ta.dual_fraction)}"
            if ta.selection.value == "first"
            else f"a random {_share(ta.dual_fraction)} (seed {ta.seed})"
        )
        text = (
            f"Titles and abstracts were screened by one reviewer; {which} were also screened "
            f"by a second reviewer{', independently' if ta.blind else ''}"
        )
    else:
        text = "Titles and abstracts were screened by one reviewer"
    if ta.dual_fraction > 0:
        text += f", and disagreements were resolved {by_arbiter}"
    text += "."
    if screening.maybe_goes_forward:
        text += " Records whose eligibility was unclear were assessed in full text."
    second = ft.second_reviewer_included + ft.second_reviewer_excluded > 0
    text += " Full texts were assessed by one reviewer"
    if second:
        blind = ", blind to the first," if ft.blind else ""
        resolve = "by a third reviewer" if ft.resolution.value == "arbiter" else "by discussion"
        text += (
            f"; a second reviewer{blind} assessed {_sample(ft, ft.second_reviewer_included)} "
            f"of the included and {_sample(ft, ft.second_reviewer_excluded)} of the excluded "
            f"reports, and disagreements were resolved {resolve}"
        )
        if ft.contact_authors:
            text += ", contacting study authors when that failed"
    return text + "."


_JUDGEMENT_WORDS = {
    "low": "low risk",
    "unclear": "unclear risk",
    "high": "high risk",
    "some_concerns": "some concerns",
}


def _domain_name(domain: str) -> str:
    name = _ROB1_NAMES.get(domain, domain.replace("_", " ").capitalize())
    return lower_first(name)


def rob_methods_paragraph(protocol: Protocol) -> str:
    """The risk-of-bias tool, its domains, the overall rule and second-reviewer checks."""
    rob = protocol.risk_of_bias
    tool = rob.tool
    name = "RoB 1" if tool.value == "RoB1" else "RoB 2"
    judgements = join_words([_JUDGEMENT_WORDS.get(j, j) for j in tool.judgements], "or")
    domains = join_words([_domain_name(d) for d in tool.domains])
    text = (
        f"Risk of bias was assessed with the Cochrane risk-of-bias tool ({name}) in "
        f"{number_word(len(tool.domains))} domains: {domains}; each was judged {judgements}."
    )
    rule = rob.overall
    key = f"the key domains ({join_words([_domain_name(d) for d in rob.key_domains])})"
    low = "every domain" if rule.low_requires.value == "all_domains" else "every key domain"
    worst = key if rule.worst_of.value == "key_domains" else "all domains"
    middle = _JUDGEMENT_WORDS.get(tool.judgements[1], tool.judgements[1])
    text += (
        f" Overall risk of bias was low only when {low} was at low risk; otherwise it was the "
        f"worst judgement among {worst}, high risk taking precedence over {middle}"
    )
    if rule.low_requires != rule.worst_of:
        otherwise = _JUDGEMENT_WORDS.get(rule.otherwise, rule.otherwise)
        text += f"; it was {otherwise} when those were all at low risk"
    text += "."
    attrition = rob.attrition_rule
    if attrition is not None:
        threshold, imbalance = attrition
        text += (
            " For incomplete outcome data, attrition imbalanced between arms (arm attrition "
            f"differing by more than {imbalance * 100:g} percentage points) was judged at high "
            f"risk, and overall attrition above {threshold:.0%} with no description of "
            "drop-outs at unclear risk."
        )
    if rob.outcome_level_domains:
        per = join_words([_domain_name(d) for d in rob.outcome_level_domains])
        text += (
            f" {per[0].upper()}{per[1:]} {'was' if len(rob.outcome_level_domains) == 1 else 'were'}"
            " also judged for each outcome where the study's judgement did not apply to all "
            "outcomes; an outcome's analyses and certainty rating used its own overall rating."
        )
    if rob.second_reviewer_fraction > 0:
        share = _share(rob.second_reviewer_fraction)
        if rob.second_reviewer_fraction < 1 and rob.second_reviewer_selection.value == "random":
            share = f"a random {share} (seed {rob.second_reviewer_seed})"
        text += f" A second reviewer checked {share} of the assessments."
    return text


def _model(protocol: Protocol) -> str:
    a = protocol.analysis
    method = {"IV": "inverse-variance", "MH": "Mantel-Haenszel", "PETO": "Peto"}[
        (a.method.value if a.method is not None else "IV")
    ]
    ci = (
        "Hartung-Knapp-Sidik-Jonkman confidence intervals"
        if a.ci_method.value == "hksj"
        else f"{a.level:g}% confidence intervals from the normal distribution"
    )
    if a.model.value == "random":
        what = (
            f"a random-effects meta-analysis ({method} method, {TAU2_NAMES[a.tau2_method.value]}"
            f" estimator of the between-study variance, {ci})"
        )
    else:
        what = f"a fixed-effect meta-analysis ({method} method, {ci})"
    conv = "RevMan 5" if a.convention.value == "revman" else "R metafor"
    return (
        f"When at least {number_word(a.min_studies)} studies had usable data for an outcome "
        f"domain at a timepoint, we pooled them in {what}, following {conv} conventions; "
        "otherwise each study's findings were summarised narratively."
    )


def _measures(protocol: Protocol) -> str:
    em = protocol.analysis.effect_measure

    def named(code: str) -> str:
        extra = ", Hedges' g" if code == "SMD" else ""
        return f"the {MEASURE_NAMES[code]} ({code}{extra})"

    sign = protocol.analysis.benefit_sign.value
    return (
        f"We used {named(em.same_instrument.value)} when all studies measured an outcome with "
        f"the same instrument, {named(em.different_instruments.value)} otherwise, and "
        f"{named(em.dichotomous.value)} for dichotomous outcomes. Directions were aligned so "
        f"that {sign} effects favour the intervention."
    )


def _timepoints(protocol: Protocol) -> str:
    t = protocol.timepoints
    parts = ["at post-intervention"] if t.post_intervention else []
    parts.append(
        f"at short-term follow-up (up to {t.short_term_max_weeks:g} weeks after the end of "
        f"the intervention; the {t.short_term_pick.value} such timepoint)"
    )
    parts.append(
        f"at long-term follow-up (more than {t.long_term_after_weeks:g} weeks after the end; "
        f"the {t.long_term_pick.value})"
    )
    return f"Each outcome was analysed separately {join_words(parts)}."


def _multi_arm(protocol: Protocol, rule: MultiArm) -> str:
    labels = {c.code: lower_first(c.label) for c in protocol.comparators.types}
    if rule.strategy is MultiArmStrategy.USE_ONE_ARM:
        first, *rest = (labels.get(code, code) for code in rule.arm)
        text = f"used only the {first} arm"
        if rest:
            others = ", else the ".join(rest)
            text += f", else the {others} arm, leaving out trials with none of these"
        return text
    which = join_words([labels.get(c, c) for c in rule.combine]) if rule.combine else "all"
    return (
        f"combined the {which} arms into one control group with the Cochrane Handbook "
        "formula for combining groups"
    )


def _bands(protocol: Protocol) -> str:
    a = protocol.analysis
    ev, mag = a.evidence, a.magnitude
    cuts, labels = ev.p_thresholds, ev.labels
    parts = [f"p ≥ {cuts[0]:g} {labels[0]} evidence"]
    parts += [f"{cuts[i]:g} ≤ p < {cuts[i - 1]:g} {labels[i]}" for i in range(1, len(cuts))]
    parts.append(f"p < {cuts[-1]:g} {labels[-1]} evidence")
    cuts, labels = mag.thresholds, mag.labels
    sizes = [f"{labels[0]} (below {cuts[0]:g})"]
    sizes += [f"{labels[i]} ({cuts[i - 1]:g} to below {cuts[i]:g})" for i in range(1, len(cuts))]
    sizes.append(f"{labels[-1]} ({cuts[-1]:g} or more)")
    return (
        f"Heterogeneity was assessed with the Chi² test and the I² statistic; I² above "
        f"{a.substantial_i2:g}% was taken as substantial. The strength of evidence was "
        f"judged from the p value of the z test: {join_words(parts)}. Standardised effects "
        f"were described as {join_words(sizes, 'or')}."
    )


def synthesis_paragraphs(protocol: Protocol) -> tuple[str, ...]:
    """The synthesis methods: model, measures, timepoints, multi-arm rule and thresholds.

    The planned sensitivity, subgroup and reporting-bias analyses are separate.
    """
    return (
        f"{_model(protocol)} {_measures(protocol)}",
        f"{_timepoints(protocol)} In trials with several eligible comparator arms, the main "
        f"analysis {_multi_arm(protocol, protocol.comparators.multi_arm)}.",
        _bands(protocol),
    )


def sensitivity_paragraph(protocol: Protocol) -> str | None:
    """The planned sensitivity analyses, or ``None`` when none were planned."""
    plans = protocol.analysis.sensitivity
    if not plans:
        return None
    items = []
    for s in plans:
        text = lower_first(s.label)
        if s.multi_arm is not None:
            text += f" (multi-arm trials: {_multi_arm(protocol, s.multi_arm)})"
        items.append(text)
    n = number_word(len(plans))
    return f"We planned {n} sensitivity analyses of the main analyses: {'; '.join(items)}."


def subgroup_paragraph(protocol: Protocol) -> str | None:
    """The planned subgroup analyses, or ``None`` when none were planned."""
    plans = protocol.analysis.subgroups
    if not plans:
        return None
    items = [f"{lower_first(s.label)} ({' vs '.join(lv.label for lv in s.levels)})" for s in plans]
    n = number_word(len(plans))
    return f"We planned {n} subgroup analyses to explore heterogeneity: {'; '.join(items)}."


__all__ = [
    "rob_methods_paragraph",
    "screening_paragraph",
    "search_paragraph",
    "sensitivity_paragraph",
    "subgroup_paragraph",
    "synthesis_paragraphs",
]
