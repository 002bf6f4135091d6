"""The comparators of a review and how a trial with several control arms enters.

Section ``[comparators]`` of ``review.toml``: the comparator types (codes such as
``TAU``, ``WL``, ``active``) and the multi-arm rule of the main analysis, combining
control arms into one group (Cochrane Handbook version 6.4, section 23.3.4) or using one
arm. A sensitivity analysis may name its own rule (:mod:`sysreview.protocol.analysis`).
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import BeforeValidator, Field, model_validator

from sysreview.protocol._base import Checker, Frozen, Name, Text, choice, one_or_many


class ComparatorType(Frozen):
    """A comparator type, e.g. ``code = "TAU"``, ``label = "Treatment as usual"``."""

    code: Name
    label: Text


class MultiArmStrategy(StrEnum):
    """How a trial with several eligible comparator arms enters an analysis."""

    COMBINE = "combine"
    USE_ONE_ARM = "use_one_arm"


class MultiArm(Frozen):
    """Multi-arm handling: combine control arms into one group, or use one arm.

    ``combine`` restricts which comparator types are combined (empty: all). ``arm`` names
    the comparator type used with ``use_one_arm``, or several in order of preference: a
    trial enters with its arm of the first type it has, and is left out (with the reason)
    when it has none. ``arm = ["TAU", "WL"]`` keeps the treatment-as-usual arm of a
    three-arm intervention/TAU/active trial, keeps a waiting-list trial with its
    waiting-list arm, and leaves out a trial whose only control is active.

    Examples
    --------
    >>> MultiArm(strategy="use_one_arm", arm="TAU").describe()
    'use the TAU arm only'
    >>> MultiArm(strategy="use_one_arm", arm=["TAU", "WL"]).describe()
    'use the TAU arm only, else the WL arm; a trial with neither is left out'
    """

    strategy: Annotated[MultiArmStrategy, choice(MultiArmStrategy)]
    arm: Annotated[tuple[Name, ...], BeforeValidator(one_or_many)] = ()
    combine: tuple[Name, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> MultiArm:
        check = Checker()
        one = self.strategy is MultiArmStrategy.USE_ONE_ARM
        check.that(
            not one or bool(self.arm),
            ("strategy",),
            self.strategy.value,
            "use_one_arm needs arm = '<comparator code>' (or a list in order of preference)",
        )
        check.that(one or not self.arm, ("arm",), self.arm, "only used with use_one_arm")
        check.unique(self.arm, ("arm",), "comparator code")
        check.that(
            not one or not self.combine,
            ("combine",),
            self.combine,
            "only used with strategy = 'combine'",
        )
        check.raise_if_any()
        return self

    def codes(self) -> tuple[str, ...]:
        """Comparator codes this rule names."""
        return (*self.arm, *self.combine)

    def describe(self) -> str:
        """The rule in words."""
        if self.strategy is MultiArmStrategy.USE_ONE_ARM:
            first, *rest = self.arm
            if not rest:
                return f"use the {first} arm only"
            others = ", else ".join(f"the {code} arm" for code in rest)
            neither = "neither" if len(self.arm) == 2 else "none of them"
            return f"use the {first} arm only, else {others}; a trial with {neither} is left out"
        which = " and ".join(self.combine) if self.combine else "all control"
        return f"combine {which} arms into one control group (Cochrane Handbook formula)"


class Comparators(Frozen):
    """Comparator types and the multi-arm rule of the main analysis (``[comparators]``)."""

    types: tuple[ComparatorType, ...] = Field(min_length=1)
    multi_arm: MultiArm = MultiArm(strategy=MultiArmStrategy.COMBINE)

    @model_validator(mode="after")
    def _check(self) -> Comparators:
        check = Checker()
        check.unique([t.code for t in self.types], ("types",), "comparator code", "code")
        check_codes(check, self.multi_arm, ("multi_arm",), self.codes())
        check.raise_if_any()
        return self

    def codes(self) -> tuple[str, ...]:
        """The declared comparator codes."""
        return tuple(t.code for t in self.types)


def check_codes(
    check: Checker, rule: MultiArm, loc: tuple[str | int, ...], codes: tuple[str, ...]
) -> None:
    """Record every comparator code of ``rule`` that is not declared in ``codes``."""
    msg = f"must be a declared comparator code: {', '.join(codes)}"
    for i, code in enumerate(rule.arm):
        where = (*loc, "arm") if len(rule.arm) == 1 else (*loc, "arm", i)
        check.that(code in codes, where, code, msg)
    for i, code in enumerate(rule.combine):
        check.that(code in codes, (*loc, "combine", i), code, msg)


__all__ = ["ComparatorType", "Comparators", "MultiArm", "MultiArmStrategy", "check_codes"]
