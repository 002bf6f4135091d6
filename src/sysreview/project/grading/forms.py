"""GRADE ratings from the web form: one outcome's domains at a time, the reviewer's own.

The rule is :func:`sysreview.project.grading.ratings.check_entry`, as for the command line and the
sheets; problems come back by form field (:class:`GradeFormError`) so the page can show
each next to its field, and nothing is stored when any domain is refused.
"""

from __future__ import annotations

from collections.abc import Mapping

from sysreview.errors import InputError
from sysreview.grade import GradeDomain, Rating
from sysreview.project.grading.ratings import (
    RatingEntry,
    RatingsStored,
    check_entry,
    own_ratings,
    rater,
    store_ratings,
)
from sysreview.project.storage import Store
from sysreview.protocol import Protocol


def own_form_values(
    store: Store, protocol: Protocol, reviewer: str, outcome: str, timepoint: str
) -> dict[GradeDomain, tuple[Rating, str]]:
    """``reviewer``'s own current ratings of one outcome (for their form)."""
    with store.session() as session:
        who = rater(session, protocol, reviewer, consensus=False)
        mine = own_ratings(session, who.id, "reviewer")
    return {GradeDomain(d): (Rating(r.rating), r.reason)
            for (o, t, d), r in mine.items() if (o, t) == (outcome, timepoint)}  # fmt: skip


def save_form(
    store: Store,
    protocol: Protocol,
    *,
    reviewer: str,
    outcome: str,
    timepoint: str,
    values: Mapping[str, tuple[str, str]],
    known: Mapping[str, tuple[str, ...]],
) -> RatingsStored:
    """Store a web form's ratings of one outcome: ``{domain: (rating, reason)}``.

    Domains left without a rating are not stored. ``known`` is
    :func:`~sysreview.grade.known_outcomes` of the current Summary of findings.

    Raises
    ------
    GradeFormError
        Every problem, by form field (``rating.<domain>``, ``reason.<domain>``); nothing is
        stored then.
    """
    entries: list[RatingEntry] = []
    problems: dict[str, str] = {}
    for domain, (rating, reason) in values.items():
        if not rating and not reason.strip():
            continue
        if not rating:
            problems[f"rating.{domain}"] = "choose a rating for this justification"
            continue
        try:
            entries.append(check_entry(known, outcome, timepoint, domain, rating, reason,
                                       where="form"))  # fmt: skip
        except InputError as exc:
            field = exc.column if exc.column in ("rating", "reason") else None
            problems[f"{field}.{domain}" if field else "form"] = exc.message
    if problems:
        raise GradeFormError(problems)
    return store_ratings(store, protocol, entries, reviewer, "reviewer", "web")


class GradeFormError(InputError):
    """A form that cannot be stored; ``problems`` maps form field names to messages."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        self.problems = dict(problems)
        super().__init__("; ".join(f"{k}: {v}" for k, v in self.problems.items()))


__all__ = ["GradeFormError", "own_form_values", "save_form"]
