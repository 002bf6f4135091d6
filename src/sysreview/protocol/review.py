"""The review's identity, question and team; eligibility criteria; the search.

Sections ``[review]``, ``[eligibility]`` and ``[search]`` of ``review.toml``.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from sysreview.protocol._base import NO_VALUE, Checker, Day, Frozen, Name, Text, choice

PROSPERO_ID = re.compile(r"^CRD\d{11}$")


class Registration(Frozen):
    """Where the protocol was registered before searching.

    Examples
    --------
    >>> Registration(registry="PROSPERO", id="CRD42019145217").id
    'CRD42019145217'
    """

    registry: Text
    id: Text

    @model_validator(mode="after")
    def _check(self) -> Registration:
        check = Checker()
        if self.registry.lower() == "prospero":
            ok = PROSPERO_ID.match(self.id) is not None
            check.that(
                ok, ("id",), self.id, "a PROSPERO id is CRD and 11 digits, e.g. CRD42019145217"
            )
        check.raise_if_any()
        return self


class Question(Frozen):
    """The review question in PICO form."""

    population: Text
    intervention: Text
    comparator: Text
    outcomes: Text


class Role(StrEnum):
    """What a reviewer does in the review."""

    SEARCHER = "searcher"
    SCREENER = "screener"
    EXTRACTOR = "extractor"
    APPRAISER = "appraiser"
    ARBITER = "arbiter"
    ANALYST = "analyst"


class Reviewer(Frozen):
    """A member of the review team, referenced by ``id`` elsewhere in the protocol."""

    id: Name
    name: Text
    roles: tuple[Annotated[Role, choice(Role)], ...] = Field(min_length=1)

    def has(self, role: Role) -> bool:
        """Whether the reviewer has ``role``."""
        return role in self.roles


class Review(Frozen):
    """Title, registration, question and team (``[review]``)."""

    title: Text
    registration: Registration | None = None
    question: Question
    reviewers: tuple[Reviewer, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Review:
        check = Checker()
        check.unique([r.id for r in self.reviewers], ("reviewers",), "reviewer id", "id")
        check.raise_if_any()
        return self

    def with_role(self, role: Role) -> tuple[Reviewer, ...]:
        """The reviewers who have ``role``."""
        return tuple(r for r in self.reviewers if r.has(role))

    def reviewer(self, id: str) -> Reviewer | None:
        """The reviewer with this id, if any."""
        return next((r for r in self.reviewers if r.id == id), None)


class Criteria(Frozen):
    """Include and exclude statements of one eligibility domain, shown to screeners."""

    include: tuple[Text, ...] = ()
    exclude: tuple[Text, ...] = ()


ELIGIBILITY_DOMAINS = ("design", "participants", "interventions", "comparators", "outcomes")


class Eligibility(Frozen):
    """Eligibility criteria per domain and the full-text exclusion reasons (``[eligibility]``).

    Every domain needs at least one statement; exclusion reasons must be unique.
    """

    design: Criteria
    participants: Criteria
    interventions: Criteria
    comparators: Criteria
    outcomes: Criteria
    exclusion_reasons: tuple[Text, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Eligibility:
        check = Checker()
        for name in ELIGIBILITY_DOMAINS:
            crit = self.criteria(name)
            ok = bool(crit.include or crit.exclude)
            check.that(ok, (name,), NO_VALUE, "needs at least one include or exclude statement")
        check.unique(self.exclusion_reasons, ("exclusion_reasons",), "exclusion reason")
        check.raise_if_any()
        return self

    def criteria(self, domain: str) -> Criteria:
        """The criteria of one domain (one of :data:`ELIGIBILITY_DOMAINS`)."""
        if domain not in ELIGIBILITY_DOMAINS:
            raise ValueError(f"Invalid domain {domain!r}; must be one of {ELIGIBILITY_DOMAINS}")
        crit: Criteria = getattr(self, domain)
        return crit


class Database(Frozen):
    """One bibliographic database: interface, coverage, date searched and strategy."""

    name: Text
    interface: Text
    searched: Day
    coverage: Text = "inception"
    strategy: Text
    not_searched: Text | None = None
    """Why this planned database was not searched in the end (reported as a deviation from
    the protocol, with this reason)."""


class Search(Frozen):
    """Databases searched and other sources (``[search]``)."""

    databases: tuple[Database, ...] = Field(min_length=1)
    language_limits: tuple[Text, ...] = ()
    other_sources: tuple[Text, ...] = ()
    model_papers: tuple[Text, ...] = ()
    """Known relevant papers (DOIs or PMIDs) a piloted search must find."""

    @model_validator(mode="after")
    def _check(self) -> Search:
        check = Checker()
        check.unique([d.name for d in self.databases], ("databases",), "database name", "name")
        check.raise_if_any()
        return self


__all__ = [
    "ELIGIBILITY_DOMAINS",
    "Criteria",
    "Database",
    "Eligibility",
    "Question",
    "Registration",
    "Review",
    "Reviewer",
    "Role",
    "Search",
]
