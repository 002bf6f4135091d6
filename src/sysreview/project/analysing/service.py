"""Analysis use cases: the protocol's analysis plan run on the project's data."""

from __future__ import annotations

from typing import TYPE_CHECKING

from sysreview.project.opening import PathLike, Service

if TYPE_CHECKING:
    from sysreview.project.analysing.plan import Analysed
    from sysreview.project.reporting.report import Reanalysed, ReviewInputs


class AnalysisService(Service):
    """``project.analysis``: what the analysis reads, and the analysis plan run."""

    def analyse(
        self, *, data: PathLike | None = None, data_format: str | None = None,
        mapping: PathLike | None = None, out: PathLike | None = None,
    ) -> Analysed:  # fmt: skip
        """Run the analysis plan on the project's data (or a data file's); write the results.

        See :func:`sysreview.project.analysing.plan.analyse`.
        """
        from sysreview.project.analysing.plan import analyse

        return analyse(
            self.project.directory, db_url=self.project.database_url, data=data,
            data_format=data_format, mapping=mapping, out=out,
        )  # fmt: skip

    def inputs(self) -> ReviewInputs:
        """The inputs held in the project's store: extracted data, PRISMA counts, RoB."""
        from sysreview.project.analysing.inputs import store_inputs

        return store_inputs(self.project.directory, self.project.database_url)

    def reanalyse(self, out: PathLike | None = None) -> Reanalysed:
        """Re-run the analysis plan and compare with the results written before."""
        from sysreview.project.reporting.report import reanalyse_project

        return reanalyse_project(self.project.directory, self.project.database_url, out)


__all__ = ["AnalysisService"]
