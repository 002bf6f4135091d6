"""The attrition rule's suggestions for the project's studies, from the extracted numbers.

For each study, :func:`attrition_suggestions` gathers what the extraction holds (the
consensus value, else the extractors' common value, else the latest one, as
:func:`~sysreview.project.extracting.values.review_data` resolves them) and asks the pure rule
(:func:`sysreview.appraisal.attrition.suggest_attrition`) for a suggested "incomplete
outcome data" judgement with its reason. The sheet template, ``sysreview rob show`` and
the web form show it beside the domain; nothing here is stored, so a suggestion never
becomes a judgement unless an appraiser enters it.

Numbers used
------------
* overall attrition: the study's extracted ``attrition`` (a fraction), else computed from
  the arms;
* per arm: the extracted ``n_randomised``, and as the number analysed the largest ``n``
  of the arm's outcome rows at the earliest time after the end of the intervention at
  which every arm has one (post-intervention when reported);
* ``dropouts_described``: the study's extracted yes/no.

Only with RoB 1 and an ``attrition_threshold`` in the protocol; otherwise no study has a
suggestion (RoB 2 judges missing outcome data from its signalling questions).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import select

from sysreview.appraisal.attrition import DOMAIN, ArmCounts, AttritionSuggestion, suggest_attrition
from sysreview.errors import InputError
from sysreview.extraction.dataset import ReviewData
from sysreview.project.storage import Store, Study
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool

__all__ = [
    "DOMAIN",
    "RobOverview",
    "attrition_suggestion",
    "attrition_suggestions",
    "rob_overview",
    "study_suggestion",
]


def _rule(protocol: Protocol) -> tuple[float, float] | None:
    rob = protocol.risk_of_bias
    if rob is None or rob.tool is not Tool.ROB1:
        return None
    return rob.attrition_rule


_DISPUTED = "unresolved discrepancy"  # the flag review_data(unresolved="latest") sets


def _when(weeks: float) -> str:
    return " at post-intervention" if weeks == 0 else f" at {weeks:g} weeks after the end"


def _arm_counts(data: ReviewData, study: str) -> tuple[list[ArmCounts], str]:
    """Randomised and analysed per arm at the earliest time every arm has an N, and when.

    Raises
    ------
    InputError
        Numbers that cannot be right (more analysed than randomised), naming the arm.
    """
    arms = data.arms_of(study)
    randomised = {a.arm: a.n_randomised for a in arms}
    if len(arms) < 2 or any(n is None for n in randomised.values()):
        return [], ""
    outcomes = [(o, o.n) for o in data.outcomes_of(study) if o.n is not None]
    for weeks in sorted({o.weeks_after_end for o, _ in outcomes}):
        at = [o for o, _ in outcomes if o.weeks_after_end == weeks]
        analysed: dict[str, int] = {}
        for o, n in outcomes:
            if o.weeks_after_end == weeks:
                analysed[o.arm] = max(analysed.get(o.arm, 0), n)
        if set(analysed) == set(randomised):
            counts = [ArmCounts(a.arm, int(randomised[a.arm] or 0), analysed[a.arm]) for a in arms]
            disputed = any(f.startswith(_DISPUTED) for o in at for f in o.flags)
            note = "; an extracted N still differs between extractors, the latest used"
            return counts, _when(weeks) + (note if disputed else "")
    return [], ""


def study_suggestion(
    data: ReviewData, study: str, threshold: float, imbalance: float
) -> AttritionSuggestion:
    """The rule's suggestion for one study of ``data`` (see the module notes)."""
    try:
        entry = data.study(study)
    except KeyError:
        return suggest_attrition([], threshold=threshold, imbalance=imbalance)
    try:
        counts, where = _arm_counts(data, study)
    except InputError as exc:
        reason = f"the extracted numbers do not fit: {exc.message}"
        return AttritionSuggestion(None, reason, None, None, (), threshold, imbalance)
    overall = entry.attributes.get("attrition")
    described = entry.attributes.get("dropouts_described")
    return suggest_attrition(
        counts,
        overall=None if overall is None else float(overall),
        dropouts_described=None if described is None else bool(described),
        threshold=threshold,
        imbalance=imbalance,
        where=where,
    )


def attrition_suggestions(store: Store, protocol: Protocol) -> Mapping[str, AttritionSuggestion]:
    """``{study label: suggestion}`` for every study of the project, in creation order.

    Empty when the protocol has no attrition rule or its tool is RoB 2.
    """
    rule = _rule(protocol)
    if rule is None:
        return {}
    from sysreview.project.extracting.values import review_data

    with store.session(readonly=True) as session:
        labels = list(session.scalars(select(Study.label).order_by(Study.id)))
    data = review_data(store, protocol, unresolved="latest")
    return {label: study_suggestion(data, label, *rule) for label in labels}


def attrition_suggestion(
    store: Store, protocol: Protocol, study: str
) -> AttritionSuggestion | None:
    """The suggestion for one study (the web form's), ``None`` without an attrition rule."""
    rule = _rule(protocol)
    if rule is None:
        return None
    from sysreview.project.extracting.values import review_data

    return study_suggestion(review_data(store, protocol, unresolved="latest"), study, *rule)


@dataclass(frozen=True)
class RobOverview:
    """The current judgements of fully judged studies and the attrition rule's suggestions.

    ``frame`` has one row per fully judged study (or result), as
    :func:`~sysreview.project.appraising.assessments.rob_frame`, plus
    ``suggested_incomplete_outcome_data``
    and ``suggestion_reason`` when the protocol has an attrition rule; ``suggestions``
    covers every study, judged or not.
    """

    frame: pd.DataFrame
    suggestions: Mapping[str, AttritionSuggestion]

    def records(self) -> list[dict[str, Any]]:
        """The rows as JSON-ready dicts."""
        return [
            {str(k): (None if isinstance(v, float) and v != v else v) for k, v in row.items()}
            for row in self.frame.to_dict(orient="records")
        ]

    def summary(self) -> str:
        """The judgements table, then each study's suggestion with its reason."""
        lines = [
            "no study has a judgement for every domain yet"
            if self.frame.empty
            else self.frame.drop(columns=["suggestion_reason"], errors="ignore").to_string(
                index=False
            )
        ]
        if self.suggestions:
            lines += ["", "Attrition rule (protocol) for incomplete outcome data: a suggestion, "
                      "the appraiser decides"]  # fmt: skip
            lines += [f"  {study}: {s.summary()}" for study, s in self.suggestions.items()]
        return "\n".join(lines)


def rob_overview(store: Store, protocol: Protocol) -> RobOverview:
    """What ``sysreview rob show`` prints: judgements, overall ratings and suggestions."""
    from sysreview.project.appraising.assessments import rob_assessments, rob_frame

    frame = rob_frame(rob_assessments(store, protocol))
    suggestions = attrition_suggestions(store, protocol)
    if suggestions and not frame.empty:
        frame["suggested_incomplete_outcome_data"] = [
            suggestions[s].judgement if s in suggestions else None for s in frame["study"]
        ]
        frame["suggestion_reason"] = [
            suggestions[s].reason if s in suggestions else None for s in frame["study"]
        ]
    return RobOverview(frame, suggestions)
