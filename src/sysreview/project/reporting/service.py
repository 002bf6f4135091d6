"""The report's use cases: the PRISMA 2020 flow's counts and how far the review has come."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.project.opening import PathLike, Service, open_project

if TYPE_CHECKING:
    from sysreview.prisma import PrismaCounts
    from sysreview.project.reporting.report import ReviewInputs
    from sysreview.project.status import ProjectStatus


class ReportService(Service):
    """``project.report``: the counts the report and the dashboard show."""

    def prisma(self) -> PrismaCounts:
        """The PRISMA 2020 flow diagram's counts.

        Derived from records and decision events, plus the counts from other sources the
        project recorded (:func:`sysreview.project.reporting.prisma_data.prisma_counts`).

        Whether a title/abstract "maybe" goes forward is the protocol's
        ``screening.maybe_goes_forward``.
        """
        from sysreview.project.reporting.prisma_data import prisma_counts

        return prisma_counts(self.store, protocol=self.protocol)

    def write_report(self, out: Path) -> None:
        """Run the analysis plan on the project's data and write the report into ``out``.

        The same as ``sysreview report``.
        """
        from sysreview.project.reporting.report import (
            analyse_inputs,
            review_inputs,
            write_review_report,
        )

        inputs = review_inputs(self.project.directory, self.project.database_url)
        synthesis, _ = analyse_inputs(inputs, out)
        write_review_report(synthesis, inputs, out)

    def inputs(self) -> ReviewInputs:
        """What the report is made from: the project's store, read in one place."""
        from sysreview.project.reporting.report import review_inputs

        return review_inputs(self.project.directory, self.project.database_url)

    def status(self) -> ProjectStatus:
        """How far the review has come: records, duplicates, screening, included studies."""
        from sysreview.project.status import status_of

        return status_of(self.project)


def prisma_flow(directory: PathLike, db_url: str | None = None) -> PrismaCounts:
    """:meth:`ReportService.prisma` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.report.prisma()


__all__ = ["ReportService", "prisma_flow"]
