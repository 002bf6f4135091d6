"""Analysis-ready comparisons: one per study, outcome domain and timepoint.

:func:`analysis_ready` turns extracted :class:`~sysreview.extraction.dataset.ReviewData`
into the comparisons a meta-analysis pools, applying the protocol's rules in order:

1. **Measure.** A study that reports several instruments for one domain contributes
   one: the first of the domain's measures *in protocol order* that the study reports
   (instruments the protocol does not declare come after the declared ones, in the
   order the data give them). The same instrument is used at every timepoint.
2. **Timepoint.** :meth:`sysreview.protocol.Timepoints.select` on the weeks after the
   end of the intervention at which the study reported that instrument: post
   intervention (week 0), short-term (the latest time up to the limit) and long-term
   (the longest beyond it), per the protocol's picks.
3. **Arms.** Several intervention arms are combined into one group. Control arms
   follow the multi-arm rule (the protocol's ``[comparators] multi_arm``, or an
   override such as a sensitivity analysis's): ``combine`` merges the control arms
   whose comparator code it names (all of them when it names none) with the
   Cochrane Handbook formula (Table 6.5.a, :func:`sysreview.effects.combine_groups`;
   events and Ns are added for dichotomous outcomes); ``use_one_arm`` keeps the arm
   of the first comparator type it names that the study has (``arm = ["TAU", "WL"]``:
   the TAU arm, else the waiting-list arm), and the study is left out when it has none.
   A study yields at most one comparison per domain and timepoint, so a control arm shared
   by several intervention arms is never counted twice.
4. **Direction.** Means are negated when the instrument's direction disagrees with
   the protocol's ``benefit_sign`` (a lower-is-better scale with ``positive``, a
   higher-is-better one with ``negative``), so that benefit has one sign in every
   analysis; SDs are unchanged. Dichotomous outcomes are kept as counted, with the
   instrument's direction recorded.

Data that cannot be right (an SD or N of zero or less, more events than
participants, a study with one arm, an arm type that is not a declared comparator,
an outcome domain the protocol does not have, a continuous instrument whose
direction the protocol does not declare) raise
:class:`~sysreview.extraction.dataset.DatasetError` naming the study, arm and domain.
Data that are merely missing (no N or mean reported, an arm without numbers at that
time, no arm of the comparator type a rule asks for) leave the study out of that domain
and timepoint with an :class:`Exclusion` saying why, for the report. Means reported
without any measure of spread (no SD, and no SE or CI to derive one: extraction flags
them, :func:`~sysreview.extraction.mean_sd.convert_outcome`) are *reported, not usable*:
the exclusion carries every arm's reported mean (``Exclusion.reported``) so the synthesis
can narrate them.

Each comparison carries the filter attributes of
:data:`sysreview.protocol.filters.STUDY_ATTRIBUTES`: the study's own attributes plus
``study_id``, ``measure``, ``measure_validated``, ``comparator`` (the code, or the
codes joined with ``+`` when arms were combined), ``timepoint`` and ``n_arms``.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from sysreview.effects.combine import combine_events, combine_groups
from sysreview.extraction.comparisons import AnalysisReady, Comparison, Exclusion, ReportedMean
from sysreview.extraction.dataset import (
    INTERVENTION,
    ArmEntry,
    DatasetError,
    OutcomeEntry,
    ReviewData,
    Scalar,
    StudyEntry,
    outcome_attributes,
)
from sysreview.protocol.analysis import BenefitSign, MultiArm, MultiArmStrategy
from sysreview.protocol.models import Protocol
from sysreview.protocol.outcomes import Domain, OutcomeMeasure


def analysis_ready(
    data: ReviewData, protocol: Protocol, multi_arm: MultiArm | None = None
) -> AnalysisReady:
    """Build the analysis-ready comparisons of a review (see the module notes).

    Parameters
    ----------
    data
        The extracted studies, arms and outcome entries.
    protocol
        The review protocol: domains and measures, timepoints, comparators, benefit sign.
    multi_arm
        A multi-arm rule replacing ``protocol.comparators.multi_arm`` (e.g. a
        sensitivity analysis's ``use_one_arm``).

    Returns
    -------
    AnalysisReady

    Raises
    ------
    DatasetError
        For data that cannot be right, naming the study, arm and domain.

    Examples
    --------
    >>> from sysreview.extraction.dataset import ArmEntry, OutcomeEntry, StudyEntry
    >>> from sysreview.protocol import parse_protocol, template_text
    >>> protocol = parse_protocol(template_text("group-peer-support"))
    >>> arms = (ArmEntry("S", "peer", "intervention"), ArmEntry("S", "usual", "TAU"))
    >>> rows = (OutcomeEntry("S", "peer", "depression", "CES-D", 0, mean=20, sd=8, n=40),
    ...         OutcomeEntry("S", "usual", "depression", "CES-D", 0, mean=24, sd=9, n=42))
    >>> ready = analysis_ready(ReviewData((StudyEntry("S"),), arms, rows), protocol)
    >>> c = ready.comparisons[0]
    >>> c.timepoint, c.mean_e, c.mean_c, c.flipped, c.comparator
    ('post_intervention', -20.0, -24.0, True, 'TAU')
    """
    rule = protocol.comparators.multi_arm if multi_arm is None else multi_arm
    domains = {d.name: d for _, d in protocol.outcomes.domains()}
    codes = protocol.comparators.codes()
    positive = protocol.analysis.benefit_sign is BenefitSign.POSITIVE
    comparisons: list[Comparison] = []
    exclusions: list[Exclusion] = []
    for study in data.studies:
        arms = data.arms_of(study.study_id)
        outcomes = data.outcomes_of(study.study_id)
        _check_arms(study.study_id, arms, codes)
        by_domain: dict[str, list[OutcomeEntry]] = {}
        for entry in outcomes:
            if entry.domain not in domains:
                raise DatasetError(
                    f"study {study.study_id!r}: outcome domain {entry.domain!r} is not in the "
                    f"protocol (domains: {', '.join(domains)})"
                )
            by_domain.setdefault(entry.domain, []).append(entry)
        if not by_domain:
            continue
        chosen = _control_arms(arms, rule)
        if not isinstance(chosen, str):  # in the protocol's order of comparator types
            chosen = tuple(sorted(chosen, key=lambda a: codes.index(a.arm_type)))
        for name, entries in by_domain.items():
            if isinstance(chosen, str):
                exclusions.append(Exclusion(study.study_id, name, None, chosen))
                continue
            made, left_out = _study_domain(
                study, arms, chosen, domains[name], entries, protocol, positive
            )
            comparisons += made
            exclusions += left_out
    return AnalysisReady(tuple(comparisons), tuple(exclusions), rule)


def _check_arms(study_id: str, arms: Sequence[ArmEntry], codes: tuple[str, ...]) -> None:
    """Two or more arms, at least one intervention and one control, declared codes."""
    if len(arms) < 2:
        raise DatasetError(
            f"study {study_id!r} has {len(arms)} arm(s); a comparison needs at least two"
        )
    for arm in arms:
        if arm.arm_type != INTERVENTION and arm.arm_type not in codes:
            raise DatasetError(
                f"study {study_id!r}: arm {arm.arm!r} has arm_type {arm.arm_type!r}; must be "
                f"'intervention' or a declared comparator code: {', '.join(codes)}"
            )
    kinds = {arm.arm_type == INTERVENTION for arm in arms}
    if kinds != {True, False}:
        missing = "an intervention" if True not in kinds else "a control"
        raise DatasetError(f"study {study_id!r} has no {missing} arm")


def _control_arms(arms: Sequence[ArmEntry], rule: MultiArm) -> tuple[ArmEntry, ...] | str:
    """The control arms the rule uses, or the reason the study cannot enter."""
    controls = [a for a in arms if a.arm_type != INTERVENTION]
    if rule.strategy is MultiArmStrategy.USE_ONE_ARM:
        for code in rule.arm:  # in order of preference
            picked = tuple(a for a in controls if a.arm_type == code)
            if picked:
                return picked
        have = ", ".join(sorted({a.arm_type for a in controls}))
        return f"no {' or '.join(rule.arm)} arm (control arms: {have})"
    if len(controls) == 1 or not rule.combine:
        return tuple(controls)
    named = tuple(a for a in controls if a.arm_type in rule.combine)
    if not named:
        have = ", ".join(a.arm_type for a in controls)
        return f"several control arms ({have}) and none of {', '.join(rule.combine)} to combine"
    return named


def _pick_measure(domain: Domain, entries: Sequence[OutcomeEntry]) -> str:
    """The first of the domain's declared measures the study reports, else its first."""
    reported = list(dict.fromkeys(e.measure for e in entries))
    for m in domain.measures:
        if m.name in reported:
            return m.name
    return reported[0]


def _study_domain(
    study: StudyEntry,
    arms: Sequence[ArmEntry],
    controls: tuple[ArmEntry, ...],
    domain: Domain,
    entries: Sequence[OutcomeEntry],
    protocol: Protocol,
    positive: bool,
) -> tuple[list[Comparison], list[Exclusion]]:
    """The comparisons of one study and domain, at each selected timepoint."""
    sid = study.study_id
    measure = _pick_measure(domain, entries)
    spec = next((m for m in domain.measures if m.name == measure), None)
    used = [e for e in entries if e.measure == measure]
    if spec is None and not all(e.is_dichotomous for e in used):
        declared = ", ".join(m.name for m in domain.measures) or "none"
        raise DatasetError(
            f"study {sid!r}: measure {measure!r} of domain {domain.name!r} is not declared in "
            f"the protocol, so its direction is unknown (declared: {declared})"
        )
    interventions = tuple(a for a in arms if a.arm_type == INTERVENTION)
    made: list[Comparison] = []
    left_out: list[Exclusion] = []
    for timepoint, weeks in protocol.timepoints.select([e.weeks_after_end for e in used]).items():
        at = [e for e in used if e.weeks_after_end == weeks]
        result = _comparison(study, arms, interventions, controls, spec, at, timepoint, positive)
        if isinstance(result, Exclusion):
            left_out.append(result)
        else:
            made.append(result)
    return made, left_out


def _entry_of(
    sid: str, arm: ArmEntry, at: Sequence[OutcomeEntry], domain: str
) -> OutcomeEntry | None:
    found = [e for e in at if e.arm == arm.arm]
    if len(found) > 1:
        raise DatasetError(
            f"study {sid!r}, arm {arm.arm!r}: {domain}/{found[0].measure} is given "
            f"{len(found)} times at {found[0].weeks_after_end:g} weeks after the end"
        )
    return found[0] if found else None


def _comparison(
    study: StudyEntry,
    arms: Sequence[ArmEntry],
    interventions: tuple[ArmEntry, ...],
    controls: tuple[ArmEntry, ...],
    spec: OutcomeMeasure | None,
    at: Sequence[OutcomeEntry],
    timepoint: str,
    positive: bool,
) -> Comparison | Exclusion:
    """One comparison, or the exclusion saying why it cannot be made."""
    sid, domain, measure = study.study_id, at[0].domain, at[0].measure

    def excluded(reason: str, reported: tuple[ReportedMean, ...] = ()) -> Exclusion:
        return Exclusion(sid, domain, timepoint, reason, measure, reported)

    groups: list[list[OutcomeEntry]] = []
    for side in (interventions, controls):
        group = []
        for arm in side:
            entry = _entry_of(sid, arm, at, domain)
            if entry is None:
                return excluded(
                    f"no {measure} data for arm {arm.arm!r} at {at[0].weeks_after_end:g} weeks"
                )
            group.append(entry)
        groups.append(group)
    spreadless = _without_spread(groups)
    if spreadless is not None:
        return excluded(spreadless, _reported(arms, [e for g in groups for e in g]))
    for group in groups:
        for entry in group:
            missing = _check_entry(sid, entry.arm, entry)
            if missing:
                return excluded(f"{missing} for arm {entry.arm!r}")
    kinds = {e.is_dichotomous for g in groups for e in g}
    if len(kinds) > 1:
        raise DatasetError(f"study {sid!r}: {domain}/{measure} mixes events and means across arms")
    dichotomous = kinds.pop()
    higher = None if spec is None else spec.higher_is_better
    flip = not dichotomous and higher is not None and higher != positive
    codes = list(dict.fromkeys(a.arm_type for a in controls))
    attributes = _attributes(study, arms, interventions, spec, measure, timepoint, domain)
    attributes["comparator"] = "+".join(codes)
    numbers = [_combine(g, flip) for g in groups]
    p_values = [e.reported_p for e in groups[0] if e.reported_p is not None]
    return Comparison(
        study_id=sid,
        domain=domain,
        timepoint=timepoint,
        weeks_after_end=float(at[0].weeks_after_end),
        measure=measure,
        higher_is_better=higher,
        flipped=flip,
        intervention_arms=tuple(a.arm for a in interventions),
        control_arms=tuple(a.arm for a in controls),
        comparator="+".join(codes),
        reported_p=p_values[0] if len(p_values) == 1 else None,
        flags=tuple(dict.fromkeys(f for g in groups for e in g for f in e.flags)),
        attributes=attributes,
        **{f"{k}_e": v for k, v in numbers[0].items()},
        **{f"{k}_c": v for k, v in numbers[1].items()},
    )


def _without_spread(groups: Sequence[Sequence[OutcomeEntry]]) -> str | None:
    """Why the arms are *reported, not usable*, else ``None``.

    Every arm has a mean and some have no measure of spread (extraction flags them with
    :data:`~sysreview.extraction.mean_sd.FLAG_NO_SPREAD`).
    """
    entries = [e for g in groups for e in g]
    if any(e.is_dichotomous or e.mean is None or not math.isfinite(e.mean) for e in entries):
        return None
    bare = [e.arm for e in entries if e.sd is None or math.isnan(e.sd)]
    if not bare:
        return None
    which = f"arm{'s' if len(bare) > 1 else ''} {' and '.join(repr(a) for a in bare)}"
    return (
        f"mean reported without a measure of spread (no SD, SE or CI) for {which}: "
        "reported, not usable for pooling"
    )


def _reported(
    arms: Sequence[ArmEntry], entries: Sequence[OutcomeEntry]
) -> tuple[ReportedMean, ...]:
    """The arms' means as reported, in the study's arm order."""
    kinds = {a.arm: a.arm_type for a in arms}
    return tuple(
        ReportedMean(e.arm, kinds[e.arm], float(e.mean), e.n, e.sd)  # type: ignore[arg-type]
        for a in arms
        for e in entries
        if e.arm == a.arm
    )


def _check_entry(sid: str, arm: str, e: OutcomeEntry) -> str | None:
    """Raise for impossible numbers; return what is missing, if anything."""
    where = f"study {sid!r}, arm {arm!r}, {e.domain}/{e.measure}"
    if e.n is None:
        return "no N reported"
    if e.is_dichotomous:
        events = float(e.events)  # type: ignore[arg-type]
        if e.n < 1 or not 0 <= events <= e.n:
            raise DatasetError(f"{where}: {events:g} events of {e.n} is impossible")
        return None
    if e.n < 2:
        raise DatasetError(f"{where}: N = {e.n}; a mean and SD need N of at least 2")
    if e.mean is None or not math.isfinite(e.mean):
        return "no mean reported"
    if e.sd is None or math.isnan(e.sd):
        return "no SD reported"
    if not e.sd > 0 or not math.isfinite(e.sd):
        raise DatasetError(f"{where}: SD = {e.sd:g}; it must be greater than 0")
    return None


def _combine(group: Sequence[OutcomeEntry], flip: bool) -> dict[str, float]:
    """One group's numbers, arms combined (Handbook Table 6.5.a) and direction aligned."""
    ns = [float(e.n) for e in group]  # type: ignore[arg-type]
    if group[0].is_dichotomous:
        events = [float(e.events) for e in group]  # type: ignore[arg-type]
        if len(group) == 1:
            return {"events": events[0], "n": ns[0]}
        both = combine_events(events, ns)
        return {"events": float(both.events), "n": float(both.n)}
    sign = -1.0 if flip else 1.0
    means = [sign * float(e.mean) for e in group]  # type: ignore[arg-type]
    sds = [float(e.sd) for e in group]  # type: ignore[arg-type]
    if len(group) == 1:
        return {"mean": means[0], "sd": sds[0], "n": ns[0]}
    combined = combine_groups(ns, means, sds)
    return {"mean": float(combined.mean), "sd": float(combined.sd), "n": float(combined.n)}


def _attributes(
    study: StudyEntry,
    arms: Sequence[ArmEntry],
    interventions: tuple[ArmEntry, ...],
    spec: OutcomeMeasure | None,
    measure: str,
    timepoint: str,
    domain: str,
) -> dict[str, Scalar]:
    """The filter attributes of a comparison (comparator is added by the caller).

    ``overall_rob`` is the outcome domain's own when the study has one
    (:func:`~sysreview.extraction.dataset.outcome_attributes`), else the study's.
    """
    out: dict[str, Scalar] = outcome_attributes(study.attributes, domain)
    structured = {a.structured for a in interventions}
    if "intervention_structured" not in out and len(structured) == 1:
        value = structured.pop()
        if value is not None:
            out["intervention_structured"] = value
    out.update(study_id=study.study_id, measure=measure, timepoint=timepoint, n_arms=len(arms))
    if spec is not None:
        out["measure_validated"] = spec.validated
    return out


__all__ = ["analysis_ready"]
