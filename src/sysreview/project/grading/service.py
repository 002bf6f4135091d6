"""GRADE use cases of the web form: the Summary of findings, a rater's values, saving."""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from sysreview.project.opening import Service

if TYPE_CHECKING:
    from sysreview.grade import GradeDomain, Rating, SummaryOfFindings
    from sysreview.project.grading.ratings import RatingsStored


class GradingService(Service):
    """``project.grading``: certainty of the evidence, one outcome at a time."""

    def certainty(self) -> SummaryOfFindings:
        """The certainty and Summary of findings of every main outcome (as ``grade``)."""
        from sysreview.project.grading.ratings import certainty

        return certainty(self.project.directory, self.project.database_url)

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
