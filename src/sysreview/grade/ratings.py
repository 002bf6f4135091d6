"""GRADE's vocabulary: the five domains, the ratings of a domain, the levels of certainty.

Evidence from randomised trials starts at high certainty and is rated down one level for
each serious concern and two for each very serious one, to very low at most (GRADE
guidelines 3, Balshem H, et al. J Clin Epidemiol 2011;64:401-406; Cochrane Handbook
version 6, section 14.2). Rating *up* (large effects, dose-response, plausible
confounding; GRADE guidelines 9) applies to non-randomised studies and is not offered.

Examples
--------
>>> certainty_after(Level.HIGH, [Rating.SERIOUS, Rating.NO, Rating.VERY_SERIOUS])
<Level.VERY_LOW: 'very_low'>
>>> Rating.parse("Very serious").downgrade, Rating.parse("not serious") is Rating.NO
(2, True)
>>> SYMBOLS[Level.MODERATE], LABELS[Level.VERY_LOW]
('⊕⊕⊕⊝', 'Very low')
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType
from typing import Self

from sysreview.errors import InputError
from sysreview.protocol.certainty import Level

Number = float | int | str | None
"""A value a rule reports (``numbers``): a statistic, a count, a label, or nothing."""


class GradeDomain(StrEnum):
    """The five domains that can lower the certainty of a body of evidence."""

    RISK_OF_BIAS = "risk_of_bias"
    INCONSISTENCY = "inconsistency"
    INDIRECTNESS = "indirectness"
    IMPRECISION = "imprecision"
    PUBLICATION_BIAS = "publication_bias"

    @property
    def label(self) -> str:
        """The domain's name for people: ``"Risk of bias"``."""
        return self.value.replace("_", " ").capitalize()

    @classmethod
    def parse(cls, value: str | Self) -> Self:
        """The domain named by ``value`` (case-insensitive; spaces or underscores).

        Raises
        ------
        InputError
            Naming the value and the allowed ones.
        """
        if isinstance(value, cls):
            return value
        text = str(value).strip().lower().replace(" ", "_").replace("-", "_")
        for member in cls:
            if text == member.value:
                return member
        allowed = ", ".join(m.value for m in cls)
        raise InputError(f"unknown GRADE domain {value!r}; must be one of {allowed}")


DOMAINS = tuple(GradeDomain)
"""The domains in GRADE's order (as an evidence profile lists them)."""


class Rating(StrEnum):
    """A domain's rating: no serious concern, serious (down one), very serious (down two)."""

    NO = "no"
    SERIOUS = "serious"
    VERY_SERIOUS = "very_serious"

    @property
    def downgrade(self) -> int:
        """Levels this rating takes off the certainty."""
        return {"no": 0, "serious": 1, "very_serious": 2}[self.value]

    @property
    def label(self) -> str:
        """As an evidence profile writes it: ``not serious``, ``serious``, ``very serious``."""
        return {"no": "not serious", "serious": "serious", "very_serious": "very serious"}[
            self.value
        ]

    @classmethod
    def parse(cls, value: str | Self) -> Self:
        """The rating named by ``value``, case-insensitive.

        ``no`` (also ``not serious``, ``none``, ``0``), ``serious`` (``-1``), ``very
        serious`` (``-2``).

        Raises
        ------
        InputError
            Naming the value and the allowed ones.
        """
        if isinstance(value, cls):
            return value
        text = " ".join(str(value).strip().lower().replace("_", " ").split())
        aliases = {
            "no": cls.NO, "not serious": cls.NO, "none": cls.NO, "no concern": cls.NO,
            "0": cls.NO, "serious": cls.SERIOUS, "-1": cls.SERIOUS,
            "very serious": cls.VERY_SERIOUS, "-2": cls.VERY_SERIOUS,
        }  # fmt: skip
        if text in aliases:
            return aliases[text]
        raise InputError(f"unknown rating {value!r}; must be one of no, serious, very_serious")


LEVELS = tuple(Level)
"""The levels of certainty, highest first."""
SYMBOLS = {
    Level.HIGH: "⊕⊕⊕⊕",
    Level.MODERATE: "⊕⊕⊕⊝",
    Level.LOW: "⊕⊕⊝⊝",
    Level.VERY_LOW: "⊕⊝⊝⊝",
}
"""The symbols of a Summary of findings table (Cochrane Handbook version 6, Figure 14.1.a)."""
LABELS = {
    Level.HIGH: "High",
    Level.MODERATE: "Moderate",
    Level.LOW: "Low",
    Level.VERY_LOW: "Very low",
}
MEANINGS = {
    Level.HIGH: "We are very confident that the true effect lies close to that of the estimate "
    "of the effect",
    Level.MODERATE: "We are moderately confident in the effect estimate: the true effect is "
    "likely to be close to the estimate of the effect, but there is a possibility that it is "
    "substantially different",
    Level.LOW: "Our confidence in the effect estimate is limited: the true effect may be "
    "substantially different from the estimate of the effect",
    Level.VERY_LOW: "We have very little confidence in the effect estimate: the true effect is "
    "likely to be substantially different from the estimate of effect",
}
"""What each level means, in GRADE's words (GRADE guidelines 3, Balshem 2011, Table 2, as
quoted by Fretheim A, et al. BMC Medicine 2012;10:33, Table 1)."""


def certainty_after(start: Level, ratings: Iterable[Rating]) -> Level:
    """The level after rating down ``start`` by every rating, very low at most.

    Examples
    --------
    >>> certainty_after(Level.HIGH, [Rating.SERIOUS])
    <Level.MODERATE: 'moderate'>
    >>> certainty_after(Level.LOW, [Rating.SERIOUS, Rating.SERIOUS])
    <Level.VERY_LOW: 'very_low'>
    """
    down = sum(r.downgrade for r in ratings)
    return LEVELS[min(len(LEVELS) - 1, LEVELS.index(start) + down)]


SUGGESTED = "suggested"
"""The ``source`` of a rating no reviewer has recorded: the rule's suggestion."""


@dataclass(frozen=True)
class DomainRating:
    """One domain's rating for one outcome, with its reason in words and the numbers.

    ``source`` is :data:`SUGGESTED` (the rule's, not yet confirmed by a reviewer), a
    reviewer's id, or ``"consensus"``. ``assessed`` is False when the rule could not judge
    (indirectness; too few studies for small-study tests): the rating is then "no
    concern" only because nothing was found. ``suggestion`` keeps the rule's rating and
    reason when a reviewer's rating replaced it; ``disputed`` names the reviewers who
    disagree when no consensus is recorded.
    """

    domain: GradeDomain
    rating: Rating
    reason: str
    numbers: Mapping[str, Number] = field(default_factory=dict)
    assessed: bool = True
    source: str = SUGGESTED
    suggestion: DomainRating | None = None
    disputed: tuple[str, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "numbers", MappingProxyType(dict(self.numbers)))

    @property
    def confirmed(self) -> bool:
        """Whether a reviewer (or the consensus) recorded this rating."""
        return self.source != SUGGESTED

    def record(self) -> dict[str, object]:
        """A JSON-ready dict."""
        return {
            "domain": self.domain.value,
            "rating": self.rating.value,
            "downgrade": self.rating.downgrade,
            "reason": self.reason,
            "numbers": dict(self.numbers),
            "assessed": self.assessed,
            "source": self.source,
            "disputed": list(self.disputed),
            "suggestion": None if self.suggestion is None else self.suggestion.record(),
        }


__all__ = [
    "DOMAINS",
    "LABELS",
    "LEVELS",
    "MEANINGS",
    "SUGGESTED",
    "SYMBOLS",
    "DomainRating",
    "GradeDomain",
    "Level",
    "Number",
    "Rating",
    "certainty_after",
]
