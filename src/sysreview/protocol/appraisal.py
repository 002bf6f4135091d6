"""Risk of bias (``[risk_of_bias]``) and screening policy (``[screening]``).

The risk-of-bias tool fixes the domains and judgements; the protocol chooses the key
domains and the rule that turns domain judgements into an overall rating.
"""

from __future__ import annotations

import math
import random
from collections.abc import Mapping, Sequence
from enum import StrEnum
from typing import Annotated, TypeVar

from pydantic import model_validator

from sysreview.protocol._base import Checker, Flag, Fraction, Frozen, Int, Name, Text, choice

T = TypeVar("T")


class Tool(StrEnum):
    """Cochrane risk-of-bias tools."""

    ROB1 = "RoB1"
    ROB2 = "RoB2"

    @property
    def domains(self) -> tuple[str, ...]:
        """The tool's domains, in the order of the tool."""
        return ROB1_DOMAINS if self is Tool.ROB1 else ROB2_DOMAINS

    @property
    def judgements(self) -> tuple[str, ...]:
        """The tool's judgements, best first."""
        return ("low", "unclear", "high") if self is Tool.ROB1 else ("low", "some_concerns", "high")


DEFAULT_ATTRITION_IMBALANCE = 0.10
"""Arms whose attrition differs by more than this (absolute) are imbalanced, by default.

The seed review does not quantify "imbalance between arms"; sysreview measures it as
differential attrition, the absolute difference between the arms' attrition proportions
(What Works Clearinghouse Standards Handbook, version 4.1, 2020: "differential
attrition"; cf. Dumville JC, Torgerson DJ, Hewitt CE. Reporting attrition in randomised
controlled trials. BMJ 2006;332:969-71, on attrition that differs between arms), and
takes 10 percentage points unless the protocol sets ``attrition_imbalance`` (see
:mod:`sysreview.appraisal.attrition`).
"""

ROB1_DOMAINS = (
    "random_sequence_generation",
    "allocation_concealment",
    "blinding_participants_personnel",
    "blinding_outcome_assessment",
    "incomplete_outcome_data",
    "selective_reporting",
    "other_bias",
)
ROB2_DOMAINS = (
    "randomisation_process",
    "deviations_from_intended_interventions",
    "missing_outcome_data",
    "measurement_of_the_outcome",
    "selection_of_the_reported_result",
)


class Scope(StrEnum):
    """Which domains a part of the overall rule looks at."""

    ALL_DOMAINS = "all_domains"
    KEY_DOMAINS = "key_domains"


class OverallRule(Frozen):
    """How domain judgements become the overall risk of bias.

    1. ``low`` if every domain in ``low_requires`` is low;
    2. otherwise the worst judgement among ``worst_of`` (high beats unclear), if not low;
    3. otherwise ``otherwise``.
    """

    low_requires: Annotated[Scope, choice(Scope)] = Scope.ALL_DOMAINS
    worst_of: Annotated[Scope, choice(Scope)] = Scope.KEY_DOMAINS
    otherwise: Text = "unclear"


class Selection(StrEnum):
    """How a fraction of records is chosen: the first ones, or at random with a seed."""

    FIRST = "first"
    RANDOM = "random"


def draw(
    selection: Selection, seed: int | None, fraction: float, items: Sequence[T]
) -> tuple[T, ...]:
    """``ceil(fraction * len(items))`` of ``items``: the first ones, or a seeded random sample.

    A random sample is :meth:`random.Random.sample` of the positions, seeded with ``seed``
    (Python's Mersenne Twister: the same seed and list give the same sample on every
    platform), returned in the list's order.

    Examples
    --------
    >>> draw(Selection.FIRST, None, 0.25, "abcdefgh")
    ('a', 'b')
    >>> draw(Selection.RANDOM, 7, 0.25, "abcdefgh") == draw(Selection.RANDOM, 7, 0.25, "abcdefgh")
    True
    """
    n = min(len(items), math.ceil(fraction * len(items) - 1e-9))
    if selection is Selection.FIRST:
        return tuple(items[:n])
    chosen = sorted(random.Random(seed).sample(range(len(items)), n))
    return tuple(items[i] for i in chosen)


def check_selection(
    check: Checker, selection: Selection, seed: int | None, keys: tuple[str, str]
) -> None:
    """Record a random selection without a seed, or a seed without random selection."""
    rand = selection is Selection.RANDOM
    check.that(
        not rand or seed is not None,
        (keys[0],),
        selection.value,
        f"random selection needs {keys[1]} = <integer>",
    )
    check.that(rand or seed is None, (keys[1],), seed, f"only used with {keys[0]} = 'random'")


class RiskOfBias(Frozen):
    """The risk-of-bias tool, key domains, overall rule and second-reviewer checks.

    ``second_reviewer_fraction`` of the studies are assessed by a second appraiser as
    well: the first ones, or with ``second_reviewer_selection = "random"`` a sample drawn
    with ``second_reviewer_seed`` (:meth:`second_reviewer_sample`). ``attrition_threshold``
    (RoB 1 only) turns on the seed review's attrition rule, which *suggests* a judgement
    for "incomplete outcome data" from the extracted numbers
    (:func:`sysreview.appraisal.attrition.suggest_attrition`); ``attrition_imbalance`` is
    the difference in arm attrition counted as imbalance (default
    :data:`DEFAULT_ATTRITION_IMBALANCE`). ``outcome_level_domains`` (RoB 1 only) are the
    domains judged per outcome as well as per study, as RevMan allows (typically
    ``blinding_outcome_assessment`` and ``incomplete_outcome_data``): a judgement for one
    of the protocol's outcome domains is used for that outcome's analyses, the study's
    judgement elsewhere.

    Examples
    --------
    >>> rob = RiskOfBias(tool="RoB1", key_domains=["random_sequence_generation",
    ...                  "allocation_concealment"])
    >>> low = dict.fromkeys(rob.tool.domains, "low")
    >>> rob.overall_judgement(low)
    'low'
    >>> rob.overall_judgement({**low, "allocation_concealment": "unclear",
    ...                        "random_sequence_generation": "high"})
    'high'
    >>> rob.overall_judgement({**low, "other_bias": "high"})
    'unclear'
    """

    tool: Annotated[Tool, choice(Tool)]
    key_domains: tuple[Text, ...] = ()
    overall: OverallRule = OverallRule()
    second_reviewer_fraction: Fraction = 0.0
    second_reviewer_selection: Annotated[Selection, choice(Selection)] = Selection.FIRST
    second_reviewer_seed: Int | None = None
    attrition_threshold: Fraction | None = None
    attrition_imbalance: Fraction | None = None
    outcome_level_domains: tuple[Text, ...] = ()

    @model_validator(mode="after")
    def _check(self) -> RiskOfBias:
        check = Checker()
        domains = self.tool.domains
        for i, d in enumerate(self.key_domains):
            check.that(
                d in domains,
                ("key_domains", i),
                d,
                f"must be a {self.tool.value} domain: {', '.join(domains)}",
            )
        check.unique(self.key_domains, ("key_domains",), "key domain")
        for i, d in enumerate(self.outcome_level_domains):
            check.that(
                self.tool is Tool.ROB1,
                ("outcome_level_domains", i),
                d,
                "only for RoB 1: RoB 2 is judged per result (name the result in the sheet)",
            )
            check.that(
                self.tool is not Tool.ROB1 or d in domains,
                ("outcome_level_domains", i),
                d,
                f"must be a {self.tool.value} domain: {', '.join(domains)}",
            )
        check.unique(self.outcome_level_domains, ("outcome_level_domains",), "domain")
        rule = self.overall
        uses_key = Scope.KEY_DOMAINS in (rule.low_requires, rule.worst_of)
        check.that(
            not uses_key or bool(self.key_domains),
            ("key_domains",),
            self.key_domains,
            "the overall rule uses key domains; name at least one",
        )
        check.that(
            rule.otherwise in self.tool.judgements,
            ("overall", "otherwise"),
            rule.otherwise,
            f"must be one of {', '.join(self.tool.judgements)}",
        )
        check_selection(
            check,
            self.second_reviewer_selection,
            self.second_reviewer_seed,
            ("second_reviewer_selection", "second_reviewer_seed"),
        )
        if self.attrition_threshold is not None:
            check.that(
                self.tool is Tool.ROB1,
                ("attrition_threshold",),
                self.attrition_threshold,
                "the attrition rule suggests RoB 1 'incomplete outcome data' judgements; RoB 2 "
                "judges missing outcome data from its signalling questions 3.1-3.4",
            )
        check.that(
            self.attrition_imbalance is None or self.attrition_threshold is not None,
            ("attrition_imbalance",),
            self.attrition_imbalance,
            "only used with attrition_threshold (the attrition rule)",
        )
        check.raise_if_any()
        return self

    @property
    def attrition_rule(self) -> tuple[float, float] | None:
        """``(threshold, imbalance)`` of the attrition rule, or ``None`` without one.

        The imbalance defaults to :data:`DEFAULT_ATTRITION_IMBALANCE` (10 percentage
        points of difference in attrition between arms).
        """
        if self.attrition_threshold is None:
            return None
        imbalance = self.attrition_imbalance
        return (
            self.attrition_threshold,
            DEFAULT_ATTRITION_IMBALANCE if imbalance is None else imbalance,
        )

    def second_reviewer_sample(self, studies: Sequence[T]) -> tuple[T, ...]:
        """The studies the second appraiser also assesses.

        ``second_reviewer_fraction`` of ``studies`` (rounded up), the first ones or a seeded
        random sample (:func:`draw`).
        """
        return draw(
            self.second_reviewer_selection,
            self.second_reviewer_seed,
            self.second_reviewer_fraction,
            studies,
        )

    def _scope(self, scope: Scope) -> tuple[str, ...]:
        return self.tool.domains if scope is Scope.ALL_DOMAINS else self.key_domains

    def overall_judgement(self, judgements: Mapping[str, str]) -> str:
        """The overall rating of a study from its domain judgements (see :class:`OverallRule`).

        Raises
        ------
        ValueError
            When a domain is missing or a judgement is not one of the tool's.
        """
        levels = self.tool.judgements
        for domain in self.tool.domains:
            if judgements.get(domain) not in levels:
                raise ValueError(
                    f"Invalid judgement {judgements.get(domain)!r} for {domain}; "
                    f"must be one of {', '.join(levels)}"
                )
        if all(judgements[d] == "low" for d in self._scope(self.overall.low_requires)):
            return "low"
        worst = max(
            (judgements[d] for d in self._scope(self.overall.worst_of)),
            key=levels.index,
            default="low",
        )
        return worst if worst != "low" else self.overall.otherwise


class Resolution(StrEnum):
    """How disagreements between two reviewers are resolved."""

    ARBITER = "arbiter"
    DISCUSSION = "discussion"


class _Stage(Frozen):
    selection: Annotated[Selection, choice(Selection)] = Selection.FIRST
    seed: Int | None = None
    blind: Flag = True
    resolution: Annotated[Resolution, choice(Resolution)] = Resolution.ARBITER
    first_reviewer: Name | None = None
    second_reviewer: Name | None = None
    arbiter: Name | None = None

    @model_validator(mode="after")
    def _check_seed(self) -> _Stage:
        check = Checker()
        check_selection(check, self.selection, self.seed, ("selection", "seed"))
        check.raise_if_any()
        return self

    def sample(self, fraction: float, items: Sequence[T]) -> tuple[T, ...]:
        """``ceil(fraction * len(items))`` items: the first ones, or a seeded random sample."""
        return draw(self.selection, self.seed, fraction, items)

    def named_reviewers(self) -> dict[str, str]:
        """``{key: reviewer id}`` of the reviewers this stage names."""
        keys = ("first_reviewer", "second_reviewer", "arbiter")
        return {k: v for k in keys if (v := getattr(self, k)) is not None}


class TitleAbstract(_Stage):
    """Title/abstract screening: which fraction is screened by two reviewers.

    Examples
    --------
    >>> TitleAbstract(dual_fraction=0.1).dual_screened(list(range(25)))
    (0, 1, 2)
    """

    dual_fraction: Fraction

    def dual_screened(self, records: Sequence[T]) -> tuple[T, ...]:
        """The records (in screening order) that a second reviewer also screens."""
        return self.sample(self.dual_fraction, records)


class FullText(_Stage):
    """Full-text screening: what the second reviewer assesses (fractions of decisions)."""

    second_reviewer_included: Fraction = 1.0
    second_reviewer_excluded: Fraction = 0.0
    contact_authors: Flag = False

    def second_screened(self, excluded: Sequence[T]) -> tuple[T, ...]:
        """The excluded reports that the second reviewer also assesses."""
        return self.sample(self.second_reviewer_excluded, excluded)


class Keywords(Frozen):
    """Words highlighted for every screener (``[screening.keywords]``).

    ``include`` words are marked green, ``exclude`` words red, in titles and abstracts
    (a word or a short phrase, matched whole and case-insensitively). Administrators may
    add to the list in the web app, and each reviewer keeps a list of their own
    (:mod:`sysreview.project.selection.labels`).
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()


class Screening(Frozen):
    """Screening policy for both stages (``[screening]``).

    ``maybe_goes_forward``: a final title/abstract "maybe" is sought in full text (else it
    waits). Reviewers who differ, "maybe" against "include" included, always disagree and
    need resolving (as PRISMA counts them).
    """

    maybe_goes_forward: Flag = True
    title_abstract: TitleAbstract
    full_text: FullText
    keywords: Keywords = Keywords()

    def dual(self) -> bool:
        """Whether any decision is made by two reviewers."""
        ft = self.full_text
        return self.title_abstract.dual_fraction > 0 or (
            ft.second_reviewer_included + ft.second_reviewer_excluded > 0
        )


__all__ = [
    "DEFAULT_ATTRITION_IMBALANCE",
    "ROB1_DOMAINS",
    "ROB2_DOMAINS",
    "FullText",
    "Keywords",
    "OverallRule",
    "Resolution",
    "RiskOfBias",
    "Scope",
    "Screening",
    "Selection",
    "TitleAbstract",
    "Tool",
    "check_selection",
    "draw",
]
