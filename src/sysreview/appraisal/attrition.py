"""The seed review's attrition rule: a *suggested* RoB 1 "incomplete outcome data" judgement.

Lyons, Cooper & Lloyd-Evans (BMC Psychiatry 2021;21:315) judged attrition bias with an
explicit rule: overall attrition above 20% with no description of the drop-outs is at
*unclear* risk; attrition imbalanced between arms is at *high* risk. sysreview applies it
to the extracted numbers and shows the result beside the domain, with the numbers that
led to it; the appraiser still decides, and a suggestion is never stored as a judgement.

The rule, in order (``threshold`` and ``imbalance`` are the protocol's
``attrition_threshold`` and ``attrition_imbalance``):

1. **high** when the arms' attrition proportions differ by more than ``imbalance``
   (largest minus smallest: *differential attrition*, What Works Clearinghouse Standards
   Handbook v4.1, 2020; the seed review does not quantify "imbalance", so the protocol
   states it, 10 percentage points by default);
2. **unclear** when overall attrition is above ``threshold`` and the report does not
   describe the drop-outs (the extracted ``dropouts_described`` is no);
3. **low** when overall attrition is at most ``threshold`` and the arms are balanced
   (Cochrane Handbook v5.1 Table 8.5.d: missing outcome data balanced in numbers across
   groups);
4. otherwise no suggestion, saying why: attrition above the threshold with the drop-outs
   described (the rule leaves the reasons to the appraiser), or numbers not extracted.

Attrition of an arm is ``(randomised - analysed) / randomised``; overall attrition is the
study's extracted value when there is one, else ``sum(lost) / sum(randomised)`` over arms.

The rule is for RoB 1 only: RoB 2 judges "missing outcome data" from its signalling
questions 3.1-3.4 through the tool's algorithm (:func:`sysreview.appraisal.rob2.judge_domain`),
and the protocol refuses an attrition rule with RoB 2.

Pure: numbers in, a suggestion out.

Examples
--------
>>> arms = [ArmCounts("peer group", 100, 70), ArmCounts("usual care", 100, 74)]
>>> s = suggest_attrition(arms, dropouts_described=False)
>>> s.judgement
'unclear'
>>> print(s.reason)
overall attrition 28.0% is above 20%, the arms are balanced (peer group 30 of 100 not analysed, 30.0%; usual care 26 of 100, 26.0%; a difference of 4.0 percentage points, at most 10) and the drop-outs are not described
"""  # noqa: E501

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sysreview.errors import InputError

DOMAIN = "incomplete_outcome_data"
"""The RoB 1 domain the rule suggests a judgement for."""

__all__ = ["DOMAIN", "ArmCounts", "AttritionSuggestion", "suggest_attrition"]


@dataclass(frozen=True)
class ArmCounts:
    """Participants randomised to an arm and analysed in it.

    Raises
    ------
    InputError
        When the counts are impossible (analysed above randomised, negative, no one
        randomised), naming the arm.
    """

    arm: str
    randomised: int
    analysed: int

    def __post_init__(self) -> None:
        if self.randomised < 1 or not 0 <= self.analysed <= self.randomised:
            raise InputError(
                f"arm {self.arm!r}: need 0 <= analysed ({self.analysed}) <= randomised "
                f"({self.randomised}) and at least one randomised"
            )

    @property
    def lost(self) -> int:
        """Randomised but not analysed."""
        return self.randomised - self.analysed

    @property
    def attrition(self) -> float:
        """``lost / randomised``."""
        return self.lost / self.randomised


@dataclass(frozen=True)
class AttritionSuggestion:
    """What the attrition rule suggests for "incomplete outcome data", and why.

    ``judgement`` is ``"low"``, ``"unclear"``, ``"high"`` or ``None`` (the rule does not
    decide); ``reason`` names the numbers. ``overall`` is the overall attrition used,
    ``difference`` the largest minus the smallest arm attrition (``None`` when not known).
    """

    judgement: str | None
    reason: str
    overall: float | None
    difference: float | None
    arms: tuple[ArmCounts, ...]
    threshold: float
    imbalance: float
    domain: str = DOMAIN

    def summary(self) -> str:
        """``"unclear: overall attrition ..."`` or ``"no suggestion: ..."``."""
        return f"{self.judgement or 'no suggestion'}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (fractions unrounded)."""
        return {
            "domain": self.domain,
            "judgement": self.judgement,
            "reason": self.reason,
            "overall": self.overall,
            "difference": self.difference,
            "threshold": self.threshold,
            "imbalance": self.imbalance,
            "arms": [
                {"arm": a.arm, "randomised": a.randomised, "analysed": a.analysed}
                for a in self.arms
            ],
        }


def _pct(x: float) -> str:
    return f"{x:.1%}"


def _points(x: float) -> str:
    return f"{x * 100:.1f} percentage points"


def _arms_text(arms: Sequence[ArmCounts]) -> str:
    first, *rest = arms
    parts = [
        f"{first.arm} {first.lost} of {first.randomised} not analysed, {_pct(first.attrition)}"
    ]
    parts += [f"{a.arm} {a.lost} of {a.randomised}, {_pct(a.attrition)}" for a in rest]
    return "; ".join(parts)


def _check_fraction(name: str, value: float | None) -> None:
    if value is not None and not (math.isfinite(value) and 0 <= value <= 1):
        raise InputError(f"{name} must be a fraction between 0 and 1, not {value!r}")


def suggest_attrition(
    arms: Sequence[ArmCounts],
    *,
    overall: float | None = None,
    dropouts_described: bool | None = None,
    threshold: float = 0.20,
    imbalance: float = 0.10,
    where: str = "",
) -> AttritionSuggestion:
    """The attrition rule's suggestion for one study (see the module notes).

    Parameters
    ----------
    arms
        Randomised and analysed counts per arm (empty when they were not extracted).
    overall
        The study's overall attrition as extracted (a fraction); computed from ``arms``
        when ``None``.
    dropouts_described
        Whether the report describes the drop-outs (numbers and reasons per arm);
        ``None`` when not extracted.
    threshold
        Overall attrition above which undescribed drop-outs make the domain unclear.
    imbalance
        Differential attrition (absolute difference of arm proportions) above which the
        arms are imbalanced, making the domain high.
    where
        Words appended to the arm counts, e.g. ``" (post-intervention)"``.

    Returns
    -------
    AttritionSuggestion

    Raises
    ------
    InputError
        A threshold or the overall attrition that is not a fraction.

    Examples
    --------
    >>> suggest_attrition([ArmCounts("a", 100, 90), ArmCounts("b", 100, 75)]).judgement
    'high'
    >>> suggest_attrition([ArmCounts("a", 100, 92), ArmCounts("b", 100, 88)]).judgement
    'low'
    >>> suggest_attrition([], overall=0.3, dropouts_described=True).judgement is None
    True
    """
    for name, value in (("threshold", threshold), ("imbalance", imbalance), ("overall", overall)):
        _check_fraction(name, value)
    arms = tuple(arms)
    computed = sum(a.lost for a in arms) / sum(a.randomised for a in arms) if arms else None
    rate = overall if overall is not None else computed
    source = " (extracted)" if overall is not None and arms else ""
    difference = None
    balance = "arm numbers not extracted, so balance between arms is not known"
    if len(arms) >= 2:
        rates = [a.attrition for a in arms]
        difference = max(rates) - min(rates)
        balanced = difference <= imbalance + 1e-12
        state = "balanced" if balanced else "imbalanced"
        limit = "at most" if balanced else "more than"
        balance = (
            f"the arms are {state} ({_arms_text(arms)}{where}; a difference of "
            f"{_points(difference)}, {limit} {imbalance * 100:g})"
        )

    def result(judgement: str | None, reason: str) -> AttritionSuggestion:
        return AttritionSuggestion(judgement, reason, rate, difference, arms, threshold, imbalance)

    if difference is not None and difference > imbalance + 1e-12:
        lead = "" if rate is None else f"overall attrition {_pct(rate)}{source}; "
        return result("high", f"{lead}{balance}")
    if rate is None:
        return result(None, "no attrition extracted (the study's attrition, or each arm's "
                      "randomised and analysed numbers)")  # fmt: skip
    over = rate > threshold + 1e-12
    level = f"overall attrition {_pct(rate)}{source} is {'above' if over else 'at most'} " \
        f"{threshold:.0%}"  # fmt: skip
    if not over:
        if difference is None:
            return result(None, f"{level}, but {balance}")
        return result("low", f"{level} and {balance}")
    if dropouts_described is None:
        return result(None, f"{level} and {balance}; whether the drop-outs are described "
                      "was not extracted (dropouts_described)")  # fmt: skip
    if dropouts_described:
        return result(None, f"{level} and {balance}; the drop-outs are described, so the "
                      "rule leaves the judgement to their reasons")  # fmt: skip
    return result("unclear", f"{level}, {balance} and the drop-outs are not described")
