"""GRADE use cases of the web form: the Summary of findings, a rater's values, saving."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sysreview.project.opening import PathLike, Service

if TYPE_CHECKING:
    from sysreview.grade import GradeDomain, Rating, SummaryOfFindings
    from sysreview.project.grading.ratings import RatingsStored
    from sysreview.project.sheets.results import ImportResult


class GradingService(Service):
    """``project.grading``: certainty of the evidence, one outcome at a time."""

    def certainty(self) -> SummaryOfFindings:
        """The certainty and Summary of findings of every main outcome (as ``grade``)."""
        from sysreview.project.grading.ratings import certainty

        return certainty(self.project.directory, self.project.database_url)

    def set_rating(
        self, outcome: str, domain: str, rating: str, *, reason: str, reviewer: str,
        timepoint: str | None = None, consensus: bool = False,
    ) -> RatingsStored:  # fmt: skip
        """Store one rating with its justification (``sysreview grade set``)."""
        from sysreview.project.grading.ratings import set_rating

        with self.project.write_lock:
            return set_rating(
                self.project.directory, outcome, domain, rating, reason=reason,
                reviewer=reviewer, timepoint=timepoint, consensus=consensus,
                db_url=self.project.database_url,
            )  # fmt: skip

    def write_template(self, output: PathLike, *, reviewer: str | None = None) -> int:
        """Write the GRADE sheet (one row per main outcome and domain); the row count."""
        from sysreview.project.grading.sheets import write_grade_template

        return write_grade_template(
            self.project.directory, output, reviewer=reviewer, db_url=self.project.database_url
        )

    def load_sheet(
        self, sheet: PathLike, *, reviewer: str, consensus: bool = False, force: bool = False
    ) -> ImportResult:
        """Check a GRADE sheet and store its new and changed ratings (all rows, or none)."""
        from sysreview.project.grading.sheets import load_grade_sheet

        with self.project.write_lock:
            return load_grade_sheet(
                self.project.directory, sheet, reviewer=reviewer, consensus=consensus,
                force=force, db_url=self.project.database_url,
            )  # fmt: skip

    def own_values(
        self, reviewer: str, outcome: str, timepoint: str
    ) -> dict[GradeDomain, tuple[Rating, str]]:
        """The rater's current ratings of one outcome, by domain."""
        from sysreview.project.grading.forms import own_form_values

        return own_form_values(self.store, self.protocol, reviewer, outcome, timepoint)

    def save_form(
        self, *, reviewer: str, outcome: str, timepoint: str,
        values: Mapping[str, tuple[str, str]], known: Mapping[str, tuple[str, ...]],
    ) -> RatingsStored:  # fmt: skip
        """Store a form's ratings of one outcome (``known``: the current Summary's rows)."""
        from sysreview.project.grading.forms import save_form

        with self.project.write_lock:
            return save_form(
                self.store, self.protocol, reviewer=reviewer, outcome=outcome,
                timepoint=timepoint, values=values, known=known,
            )  # fmt: skip


__all__ = ["GradingService"]
