"""Certainty of the evidence in the project.

The ratings reviewers record, and the GRADE assessment of every main outcome
(:mod:`sysreview.grade`) from the project's results.

::

    certainty(DIR)                   -> SummaryOfFindings   # analysis plan + ratings
    set_rating(DIR, outcome, domain, rating, reason=..., reviewer=...)   # CLI, web form
    reviewer_ratings(session)        -> each reviewer's current ratings

One rule, every route: a rating names an outcome the Summary of findings has (the
protocol's outcome domain at a timepoint with a main or narrative analysis), one of the
five domains, ``no``/``serious``/``very_serious``, and a justification (never empty, at
most :data:`MAX_REASON` characters); only the protocol's appraisers and analysts rate
(an arbiter too, for a consensus). :func:`check_entry` is that rule for the command line,
the web form and the sheets (:mod:`sysreview.project.grading.sheets`). A rating equal to
the reviewer's current one is not stored again; a changed one is a new event
(``grade_rating``), the latest being current.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.grade import (
    GradeDomain,
    Rating,
    ReviewerRating,
    SummaryOfFindings,
    known_outcomes,
    rob_entries,
    summary_of_findings,
)
from sysreview.project.opening import PathLike, opened
from sysreview.project.selection.decisions import sync_reviewers
from sysreview.project.sheets.results import Tally
from sysreview.project.storage import GradeRating, Reviewer, Store
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

CONSENSUS = "consensus"
TABLE = "grade_rating"
MAX_REASON = 5000
"""The longest justification accepted (characters)."""
RATER_ROLES = (Role.APPRAISER, Role.ANALYST)
"""Who rates certainty: the protocol's appraisers and analysts (and arbiters, by consensus)."""


@dataclass(frozen=True)
class RatingEntry:
    """A checked rating, before storage; ``row``/``column`` locate it in a sheet."""

    outcome: str
    timepoint: str
    domain: GradeDomain
    rating: Rating
    reason: str
    row: int = 0
    column: str = "rating"

    @property
    def key(self) -> tuple[str, str, str]:
        """``(outcome, timepoint, domain)``."""
        return (self.outcome, self.timepoint, self.domain.value)


@dataclass(frozen=True)
class RatingsStored:
    """What a command or form stored: ratings for whom, and how many were unchanged."""

    reviewer: str
    kind: str
    stored: int
    unchanged: int

    def summary(self) -> str:
        """One line for the command line."""
        if not self.stored:
            return f"unchanged: {self.unchanged} rating(s) of {self.reviewer} as stored"
        return (f"{self.stored} rating(s) stored for {self.reviewer} ({self.kind}); "
                f"{self.unchanged} unchanged")  # fmt: skip


def rater(session: Session, protocol: Protocol, reviewer: str, *, consensus: bool) -> Reviewer:
    """The store row of a reviewer who may rate certainty (see :data:`RATER_ROLES`).

    Raises
    ------
    InputError
        An unknown reviewer, or one without the role.
    """
    person = protocol.review.reviewer(reviewer)
    if person is None:
        ids = ", ".join(r.id for r in protocol.review.reviewers)
        raise InputError(f"unknown reviewer {reviewer!r}; the protocol's reviewers are {ids}")
    roles = (*RATER_ROLES, Role.ARBITER) if consensus else RATER_ROLES
    if not any(person.has(role) for role in roles):
        what = "an appraiser, analyst or arbiter" if consensus else "an appraiser or analyst"
        held = ", ".join(r.value for r in person.roles)
        raise InputError(f"reviewer {reviewer!r} is not {what} (roles: {held}): only they "
                         "rate the certainty of the evidence")  # fmt: skip
    return sync_reviewers(session, protocol)[reviewer]


def _outcomes_text(known: Mapping[str, tuple[str, ...]]) -> str:
    return "; ".join(f"{o} ({', '.join(t)})" for o, t in known.items()) or "none yet"


def check_entry(
    known: Mapping[str, tuple[str, ...]],
    outcome: str,
    timepoint: str | None,
    domain: str,
    rating: str,
    reason: str,
    *,
    where: str | None = None,
    row: int | None = None,
) -> RatingEntry:
    """The one rule for a rating (module docstring).

    ``known`` is :func:`~sysreview.grade.known_outcomes` of the current Summary of findings.

    ``outcome`` may be ``domain.timepoint``; without a timepoint, the outcome's only one.

    Raises
    ------
    InputError
        Located at ``where``/``row`` with the column that is wrong.
    """

    def bad(column: str, message: str) -> InputError:
        return InputError(message, source=where, line=row, column=column if where else None)

    name, _, tail = outcome.strip().partition(".")
    when = (timepoint or tail or "").strip()
    if name not in known:
        raise bad("outcome", f"no Summary of findings row for outcome {name!r}; the rows are: "
                  f"{_outcomes_text(known)}")  # fmt: skip
    if not when:
        if len(known[name]) > 1:
            raise bad("timepoint", f"{name} has rows at {', '.join(known[name])}: name the "
                      f"timepoint ({name}.<timepoint>)")  # fmt: skip
        when = known[name][0]
    if when not in known[name]:
        raise bad("timepoint", f"{name} has no Summary of findings row at {when!r}; its "
                  f"timepoints: {', '.join(known[name])}")  # fmt: skip
    try:
        which = GradeDomain.parse(domain)
    except InputError as exc:
        raise bad("domain", exc.message) from None
    try:
        level = Rating.parse(rating)
    except InputError as exc:
        raise bad("rating", exc.message) from None
    text = reason.strip()
    if not text:
        raise bad("reason", f"a rating needs a justification ({name}, {which.value})")
    if len(text) > MAX_REASON:
        raise bad("reason", f"the justification is longer than {MAX_REASON} characters")
    return RatingEntry(name, when, which, level, text, row or 0)


def _latest(session: Session) -> list[GradeRating]:
    """Each reviewer's (and the consensus) latest rating per outcome, timepoint, domain."""
    newest = (
        select(func.max(GradeRating.id))
        .group_by(GradeRating.outcome, GradeRating.timepoint, GradeRating.domain,
                  GradeRating.reviewer_id, GradeRating.kind)
    )  # fmt: skip
    rows = session.scalars(select(GradeRating).where(GradeRating.id.in_(newest))
                           .order_by(GradeRating.id))  # fmt: skip
    return list(rows)


def reviewer_ratings(session: Session) -> tuple[ReviewerRating, ...]:
    """Every reviewer's current ratings (and the consensus ones), oldest first."""
    names = {r.id: r.name for r in session.scalars(select(Reviewer))}
    return tuple(
        ReviewerRating(
            r.outcome,
            r.timepoint,
            GradeDomain(r.domain),
            Rating(r.rating),
            r.reason,
            names[r.reviewer_id],
            r.kind == CONSENSUS,
        )
        for r in _latest(session)
    )


def own_ratings(session: Session, who: int, kind: str) -> dict[tuple[str, str, str], GradeRating]:
    """One reviewer's (or the consensus) current rating per ``(outcome, timepoint, domain)``."""
    return {(r.outcome, r.timepoint, r.domain): r for r in _latest(session)
            if r.reviewer_id == who and r.kind == kind}  # fmt: skip


def _show(value: Any) -> str:
    rating, reason = value
    return f"{Rating(rating).label} ({reason!r})"


def store_entries(
    session: Session,
    entries: Sequence[RatingEntry],
    who: int,
    kind: str,
    source: str,
    *,
    tally: Tally | None = None,
    where: str = "form",
) -> tuple[int, int]:
    """Store checked ratings as events; ``(stored, unchanged)``.

    Each is compared with the reviewer's current one by ``tally`` (new, unchanged,
    corrected or stale; unchecked by default: a command or form is entered now).
    """
    tally = tally or Tally.unchecked()
    current = own_ratings(session, who, kind)
    before, stored = tally.unchanged, 0
    for e in entries:
        found = current.get(e.key)
        now = None if found is None else ((found.rating, found.reason), TABLE, found.id)
        place = (where, e.row, e.column, f"{e.outcome}.{e.timepoint}, {e.domain.value}")
        if not tally.judge(now, (e.rating.value, e.reason), place, _show):
            continue
        row = GradeRating(outcome=e.outcome, timepoint=e.timepoint, domain=e.domain.value,
                          rating=e.rating.value, reason=e.reason, reviewer_id=who, kind=kind,
                          source=source[:200])  # fmt: skip
        session.add(row)
        session.flush()
        tally.keep(TABLE, row)
        stored += 1
    return stored, tally.unchanged - before


def certainty(directory: PathLike, db_url: str | None = None) -> SummaryOfFindings:
    """The certainty and Summary of findings of every main outcome.

    From the analysis plan run on the project's data (as ``sysreview analyse``), the
    risk-of-bias judgements and the reviewers' ratings.

    Raises
    ------
    InputError
        No extracted data yet (from :func:`~sysreview.project.reporting.report.review_inputs`).
    """
    from sysreview.project.reporting.report import review_inputs
    from sysreview.synthesis import run_plan

    inputs = review_inputs(directory, db_url)
    synthesis = run_plan(inputs.data, inputs.protocol)
    return summary_of_findings(synthesis, inputs.protocol, rob_entries(inputs.rob or ()),
                               inputs.grade_ratings)  # fmt: skip


def set_ratings(
    directory: PathLike,
    given: Iterable[tuple[str, str | None, str, str, str]],
    *,
    reviewer: str,
    consensus: bool = False,
    source: str = "cli",
    db_url: str | None = None,
) -> RatingsStored:
    """Check rating items and store them for ``reviewer`` in one transaction (all or nothing).

    Items are ``(outcome, timepoint, domain, rating, reason)``.

    Raises
    ------
    InputError
        A rating the rule refuses (:func:`check_entry`), or a reviewer who may not rate.
    """
    known = known_outcomes(certainty(directory, db_url))
    entries = [check_entry(known, *item) for item in given]
    kind = CONSENSUS if consensus else "reviewer"
    with opened(directory, db_url) as (project, store):
        return store_ratings(store, project.protocol, entries, reviewer, kind, source)


def store_ratings(
    store: Store,
    protocol: Protocol,
    entries: Sequence[RatingEntry],
    reviewer: str,
    kind: str,
    source: str,
) -> RatingsStored:
    """Store checked ratings for ``reviewer`` in one transaction, audited (command, form)."""
    with store.session() as session:
        who = rater(session, protocol, reviewer, consensus=kind == CONSENSUS)
        stored, unchanged = store_entries(session, entries, who.id, kind, source)
        if stored:
            store.audit(reviewer, "grade rating", TABLE, None,
                        {"source": source, "kind": kind, "stored": stored,
                         "ratings": [[*e.key, e.rating.value] for e in entries]},
                        session=session)  # fmt: skip
    return RatingsStored(reviewer, kind, stored, unchanged)


def set_rating(
    directory: PathLike,
    outcome: str,
    domain: str,
    rating: str,
    *,
    reason: str,
    reviewer: str,
    timepoint: str | None = None,
    consensus: bool = False,
    source: str = "cli",
    db_url: str | None = None,
) -> RatingsStored:
    """Store one rating (``sysreview grade set``); see :func:`set_ratings`."""
    return set_ratings(directory, [(outcome, timepoint, domain, rating, reason)],
                       reviewer=reviewer, consensus=consensus, source=source,
                       db_url=db_url)  # fmt: skip


__all__ = [
    "CONSENSUS",
    "MAX_REASON",
    "RATER_ROLES",
    "RatingEntry",
    "RatingsStored",
    "certainty",
    "check_entry",
    "own_ratings",
    "rater",
    "reviewer_ratings",
    "set_rating",
    "set_ratings",
    "store_entries",
    "store_ratings",
]
