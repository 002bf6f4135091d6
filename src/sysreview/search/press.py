"""PRESS peer review of a search strategy: the six elements and their assessments.

McGowan J, Sampson M, Salzwedel DM, Cogo E, Foerster V, Lefebvre C. PRESS Peer Review of
Electronic Search Strategies: 2015 Guideline Statement. J Clin Epidemiol 2016;75:40-46.
Each element is assessed as needing no revision, a suggested revision or a required
revision, with comments; a review is of one strategy version.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated

from pydantic import Field, model_validator

from sysreview.protocol._base import Checker, Day, Frozen, Name, Text, choice

ELEMENTS: tuple[tuple[str, str], ...] = (
    ("translation", "Translation of the research question"),
    ("operators", "Boolean and proximity operators"),
    ("subject_headings", "Subject headings"),
    ("text_words", "Text word searching (free text)"),
    ("syntax", "Spelling, syntax and line numbers"),
    ("limits_filters", "Limits and filters"),
)
"""The six PRESS 2015 elements: key and name."""


class Assessment(StrEnum):
    """An element's (or the whole review's) verdict."""

    NO_REVISION = "no_revision"
    SUGGESTED = "revision_suggested"
    REQUIRED = "revision_required"


class ElementReview(Frozen):
    """The assessment of one element, with the reviewer's comments."""

    element: Name
    assessment: Annotated[Assessment, choice(Assessment)]
    comment: Text | None = None

    @model_validator(mode="after")
    def _check(self) -> ElementReview:
        check = Checker()
        keys = [k for k, _ in ELEMENTS]
        check.that(
            self.element in keys, ("element",), self.element, f"must be one of {', '.join(keys)}"
        )
        check.that(
            self.assessment is Assessment.NO_REVISION or bool(self.comment),
            ("comment",),
            self.comment,
            "a suggested or required revision needs a comment saying what to change",
        )
        check.raise_if_any()
        return self


class PressReview(Frozen):
    """A PRESS review of one strategy version by one reviewer.

    Examples
    --------
    >>> from datetime import date
    >>> ok = [{"element": k, "assessment": "no_revision"} for k, _ in ELEMENTS]
    >>> r = PressReview(strategy="s", version="abc", reviewer="Librarian",
    ...                 reviewed=date(2019, 7, 1),
    ...                 elements=ok)
    >>> r.overall
    <Assessment.NO_REVISION: 'no_revision'>
    """

    strategy: Name
    version: Text
    reviewer: Text
    reviewed: Day
    elements: tuple[ElementReview, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> PressReview:
        check = Checker()
        given = [e.element for e in self.elements]
        check.unique(given, ("elements",), "element", "element")
        missing = [k for k, _ in ELEMENTS if k not in given]
        check.that(not missing, ("elements",), given, f"assess every element; missing {missing}")
        check.raise_if_any()
        return self

    @property
    def overall(self) -> Assessment:
        """The strongest verdict over the elements."""
        order = list(Assessment)
        return max((e.assessment for e in self.elements), key=order.index)

    def summary(self) -> str:
        """The review as text, one element a line."""
        names = dict(ELEMENTS)
        lines = [
            f"PRESS review of {self.strategy} (version {self.version}) by {self.reviewer}, "
            f"{self.reviewed.isoformat()}: {self.overall.value.replace('_', ' ')}"
        ]
        for e in self.elements:
            note = f" — {e.comment}" if e.comment else ""
            lines.append(f"  {names[e.element]}: {e.assessment.value.replace('_', ' ')}{note}")
        return "\n".join(lines)


__all__ = ["ELEMENTS", "Assessment", "ElementReview", "PressReview"]
