"""One outcome's certainty: the rules' suggestions, the reviewers' ratings, the footnotes.

Each domain starts as the rule's suggestion (:mod:`sysreview.grade.rules`,
:mod:`sysreview.grade.imprecision`). A reviewer's rating, always with a justification,
replaces it (:func:`resolve`: a consensus rating wins; else the one reviewer's; two
reviewers who disagree are shown as disputed with the first rater's rating, as risk of
bias is). The certainty is the protocol's starting level rated down by every domain
(:func:`~sysreview.grade.ratings.certainty_after`). Footnotes explain every downgrade and
every rating a reviewer changed from the suggestion, saying whose it is.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from sysreview.grade.evidence import OutcomeEvidence
from sysreview.grade.imprecision import imprecision
from sysreview.grade.ratings import (
    DOMAINS,
    SUGGESTED,
    DomainRating,
    GradeDomain,
    Level,
    Rating,
    certainty_after,
)
from sysreview.grade.rules import inconsistency, indirectness, publication_bias, risk_of_bias
from sysreview.protocol.certainty import Grade

CONSENSUS = "consensus"


@dataclass(frozen=True)
class ReviewerRating:
    """A reviewer's current rating of one domain of one outcome (their latest event).

    ``reviewer`` is the protocol's reviewer id; ``consensus`` marks the agreed rating.
    """

    outcome: str
    timepoint: str
    domain: GradeDomain
    rating: Rating
    reason: str
    reviewer: str
    consensus: bool = False

    @property
    def source(self) -> str:
        """``"consensus"`` or the reviewer's id."""
        return CONSENSUS if self.consensus else self.reviewer


Key = tuple[str, str, GradeDomain]
"""``(outcome domain, timepoint, GRADE domain)``."""


@dataclass(frozen=True)
class Resolved:
    """The rating that counts for one key.

    The consensus, the one reviewer's, or the first rater's when reviewers disagree
    (``disputed`` names them).
    """

    rating: ReviewerRating
    disputed: tuple[str, ...] = ()


def resolve(ratings: Iterable[ReviewerRating], order: Sequence[str] = ()) -> dict[Key, Resolved]:
    """The rating that counts per outcome, timepoint and domain.

    ``order`` lists the raters in the protocol's order (the first is preferred when two
    disagree); others follow by id.

    Examples
    --------
    >>> a = ReviewerRating("hope", "post_intervention", GradeDomain.INDIRECTNESS,
    ...                    Rating.SERIOUS, "older adults only", "R1")
    >>> b = ReviewerRating("hope", "post_intervention", GradeDomain.INDIRECTNESS,
    ...                    Rating.NO, "as asked", "R2")
    >>> got = resolve([a, b], ["R1", "R2"])[("hope", "post_intervention",
    ...                                        GradeDomain.INDIRECTNESS)]
    >>> got.rating.reviewer, got.disputed
    ('R1', ('R1', 'R2'))
    """
    grouped: dict[Key, list[ReviewerRating]] = {}
    for r in ratings:
        grouped.setdefault((r.outcome, r.timepoint, r.domain), []).append(r)
    out: dict[Key, Resolved] = {}
    for key, found in grouped.items():
        agreed = [r for r in found if r.consensus]
        if agreed:
            out[key] = Resolved(agreed[-1])
            continue
        rank = {name: i for i, name in enumerate(order)}
        people = sorted(found, key=lambda r: (rank.get(r.reviewer, len(rank)), r.reviewer))
        differ = len({r.rating for r in people}) > 1
        out[key] = Resolved(people[0], tuple(r.reviewer for r in people) if differ else ())
    return out


_WORDS = {1: "one level", 2: "two levels"}


@dataclass(frozen=True)
class OutcomeCertainty:
    """The certainty of one outcome's evidence, domain by domain.

    ``domains`` are in GRADE's order; ``level`` is ``start`` rated down by them.
    """

    evidence: OutcomeEvidence
    start: Level
    domains: tuple[DomainRating, ...]
    assumed_risk: float | None = None

    @property
    def level(self) -> Level:
        """The certainty of the evidence."""
        return certainty_after(self.start, (d.rating for d in self.domains))

    @property
    def confirmed(self) -> bool:
        """Whether a reviewer rated every domain (no rating is only a suggestion)."""
        return all(d.confirmed for d in self.domains)

    @property
    def disputed(self) -> bool:
        """Whether reviewers disagree on a domain with no consensus recorded."""
        return any(d.disputed for d in self.domains)

    def domain(self, which: GradeDomain) -> DomainRating:
        """The rating of one domain."""
        return next(d for d in self.domains if d.domain is which)

    def footnotes(self) -> tuple[tuple[GradeDomain, str], ...]:
        """``(domain, text)`` explaining each downgrade and each changed suggestion."""
        notes = []
        for d in self.domains:
            changed = d.suggestion is not None and d.suggestion.rating is not d.rating
            if not d.rating.downgrade and not changed:
                continue
            head = (f"{d.domain.label}: rated down {_WORDS[d.rating.downgrade]} ({d.rating.label}"
                    if d.rating.downgrade else f"{d.domain.label}: not rated down (")  # fmt: skip
            if d.confirmed:
                who = "by consensus" if d.source == CONSENSUS else f"by {d.source}"
                text = f"{head}{'; ' if d.rating.downgrade else ''}{who}): {d.reason.rstrip('.')}."
                if d.disputed:
                    text += f" Reviewers disagree ({', '.join(d.disputed)}); no consensus yet."
                if changed and d.suggestion is not None:
                    text += (f" The protocol's rule suggested {d.suggestion.rating.label}: "
                             f"{d.suggestion.reason.rstrip('.')}.")  # fmt: skip
            else:
                text = (f"{head}; suggested by the protocol's rule, not yet confirmed by a "
                        f"reviewer): {d.reason.rstrip('.')}.")  # fmt: skip
            notes.append((d.domain, text))
        return tuple(notes)

    def record(self) -> dict[str, object]:
        """A JSON-ready dict: the outcome, each domain, the certainty and the footnotes."""
        ev = self.evidence
        return {
            "analysis": ev.analysis, "outcome": ev.outcome, "timepoint": ev.timepoint,
            "start": self.start.value, "certainty": self.level.value,
            "confirmed": self.confirmed, "domains": [d.record() for d in self.domains],
            "footnotes": [text for _, text in self.footnotes()],
        }  # fmt: skip


def suggestions(
    ev: OutcomeEvidence, grade: Grade, substantial_i2: float, assumed_risk: float | None
) -> tuple[DomainRating, ...]:
    """The five rules' suggestions for one outcome, in GRADE's order."""
    own = grade.thresholds(ev.outcome)
    return (
        risk_of_bias(ev, grade.risk_of_bias),
        inconsistency(ev, grade.inconsistency, substantial_i2),
        indirectness(ev),
        imprecision(ev, grade.imprecision, own, assumed_risk),
        publication_bias(ev, grade.publication_bias),
    )


def _apply(suggested: DomainRating, found: Resolved | None) -> DomainRating:
    if found is None:
        return suggested
    r = found.rating
    return replace(suggested, rating=r.rating, reason=r.reason, assessed=True, source=r.source,
                   suggestion=suggested, disputed=found.disputed)  # fmt: skip


def assess(
    ev: OutcomeEvidence,
    grade: Grade,
    substantial_i2: float,
    ratings: Mapping[Key, Resolved] | None = None,
) -> OutcomeCertainty:
    """The certainty of one outcome: suggestions replaced by the reviewers' ratings."""
    ratings = ratings or {}
    assumed = ev.assumed_risk(grade.assumed_risk.value) if ev.dichotomous else None
    rated = tuple(
        _apply(s, ratings.get((ev.outcome, ev.timepoint, s.domain)))
        for s in suggestions(ev, grade, substantial_i2, assumed)
    )
    assert tuple(d.domain for d in rated) == DOMAINS
    return OutcomeCertainty(ev, grade.start, rated, assumed)


__all__ = [
    "CONSENSUS",
    "SUGGESTED",
    "Key",
    "OutcomeCertainty",
    "Resolved",
    "ReviewerRating",
    "assess",
    "resolve",
    "suggestions",
]
