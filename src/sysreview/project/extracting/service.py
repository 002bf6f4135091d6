"""Extraction use cases of the web form: the extractor's studies, rows, saving, retracting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sysreview.project.opening import PathLike, Service

if TYPE_CHECKING:
    from sysreview.extraction.dataset import ReviewData
    from sysreview.extraction.validate import Cell
    from sysreview.project.extracting.datasets import DatasetLoad
    from sysreview.project.extracting.grid import ExtractionGrid
    from sysreview.project.extracting.retracting import Retracted
    from sysreview.project.extracting.state import Discrepancies
    from sysreview.project.extracting.writer import LoadResult
    from sysreview.project.sheets.identity import SheetIdentity
    from sysreview.project.sheets.results import ImportResult


class ExtractionService(Service):
    """``project.extraction``: data extraction, one extractor and one study at a time."""

    def studies(self, reviewer: str) -> tuple[str, ...]:
        """The studies an extractor may extract (every study of the project)."""
        from sysreview.project.extracting.forms import extraction_studies

        return extraction_studies(self.store, self.protocol, reviewer)

    def own_rows(self, *, reviewer: str, study: str) -> dict[str, list[dict[str, Any]]]:
        """The extractor's current values of ``study``, as the form's rows by part."""
        from sysreview.project.extracting.forms import own_extraction_rows

        return own_extraction_rows(self.store, self.protocol, reviewer=reviewer, study=study)

    def save_form(
        self, *, reviewer: str, study: str,
        rows: Mapping[str, Sequence[tuple[int, Mapping[str, Cell]]]],
    ) -> LoadResult:  # fmt: skip
        """Store a form's rows of one study (validated as a sheet's rows are)."""
        from sysreview.project.extracting.forms import save_extraction_form

        with self.project.write_lock:
            return save_extraction_form(
                self.store, self.protocol, reviewer=reviewer, study=study, rows=rows
            )

    def grid(self, *, reviewer: str, study: str) -> ExtractionGrid:
        """The extractor's grid of one study: own values, consensus values, its reports."""
        from sysreview.project.extracting.grid import read_grid

        return read_grid(self.store, self.protocol, reviewer=reviewer, study=study)

    def save_grid(
        self, *, reviewer: str, study: str,
        rows: Mapping[str, Sequence[tuple[int, Mapping[str, Cell]]]], page: SheetIdentity,
    ) -> ImportResult:  # fmt: skip
        """Store a grid's rows of one study, refused when stale since ``page`` was read."""
        from sysreview.project.extracting.grid import save_grid

        with self.project.write_lock:
            return save_grid(self.store, self.protocol, reviewer=reviewer, study=study,
                             rows=rows, page=page)  # fmt: skip

    def retract_value(
        self, *, reviewer: str, study: str, field: str, arm: str | None = None,
        consensus: bool = False,
    ) -> Retracted:  # fmt: skip
        """Take back a value of a study's (or an arm's) field.

        The value taken back is the extractor's, or the consensus.
        """
        from sysreview.project.extracting.retracting import retract_value

        with self.project.write_lock:
            return retract_value(
                self.store, self.protocol, reviewer=reviewer, study=study, field=field, arm=arm,
                consensus=consensus,
            )  # fmt: skip

    def retract_outcome(
        self, *, reviewer: str, study: str, arm: str, measure: str, weeks: float,
        consensus: bool = False,
    ) -> Retracted:  # fmt: skip
        """Take back the numbers of an arm's outcome at a time point.

        The numbers taken back are the extractor's, or the consensus.
        """
        from sysreview.project.extracting.retracting import retract_outcome

        with self.project.write_lock:
            return retract_outcome(
                self.store, self.protocol, reviewer=reviewer, study=study, arm=arm,
                measure=measure, weeks=weeks, consensus=consensus,
            )  # fmt: skip

    def write_template(self, out: PathLike, reviewer: str | None = None) -> Path:
        """Write the extraction template (pre-filled with ``reviewer``'s values)."""
        from sysreview.project.extracting.values import write_template

        return write_template(self.store, self.protocol, out, reviewer)

    def load_template(
        self, path: PathLike, reviewer: str, *, consensus: bool = False, force: bool = False
    ) -> ImportResult:
        """Check every row of a filled template, then store its new and changed values."""
        from sysreview.project.extracting.values import load_template

        with self.project.write_lock:
            return load_template(
                self.store, self.protocol, path, reviewer, consensus=consensus, force=force
            )

    def discrepancies(self) -> Discrepancies:
        """Values on which reviewers differ and no consensus has been entered."""
        from sysreview.project.extracting.values import discrepancies

        return discrepancies(self.store)

    def load_dataset(
        self, path: PathLike, reviewer: str, *, format: str | None = None,
        mapping: PathLike | None = None, consensus: bool = False, add_studies: bool = False,
    ) -> DatasetLoad:  # fmt: skip
        """Store a data file as extracted values, risk-of-bias judgements and PRISMA counts.

        The file is read by its format's adapter (``sysreview data load``).
        """
        from sysreview.project.extracting.datasets import project_load_dataset

        with self.project.write_lock:
            return project_load_dataset(
                self.project.directory, path, reviewer, format=format, mapping=mapping,
                consensus=consensus, add_studies=add_studies, db_url=self.project.database_url,
            )  # fmt: skip

    def withdraw_counts(self, source: str, reviewer: str) -> None:
        """Take back the PRISMA counts from another source (``sysreview data withdraw-counts``)."""
        from sysreview.project.extracting.datasets import project_withdraw_counts

        with self.project.write_lock:
            project_withdraw_counts(
                self.project.directory, source, reviewer, self.project.database_url
            )

    def review_data(self, *, unresolved: str = "error") -> ReviewData:
        """The analysis-ready extracted data (consensus values, else agreed ones)."""
        from sysreview.project.extracting.values import review_data

        return review_data(self.store, self.protocol, unresolved=unresolved)


__all__ = ["ExtractionService"]
