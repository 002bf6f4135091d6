"""Extraction use cases of the web form: the extractor's studies, rows, saving, retracting."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from sysreview.project.opening import Service

if TYPE_CHECKING:
    from sysreview.extraction.validate import Cell
    from sysreview.project.extracting.retracting import Retracted
    from sysreview.project.extracting.writer import LoadResult


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

    def retract_value(
        self, *, reviewer: str, study: str, field: str, arm: str | None = None
    ) -> Retracted:
        """Take back the extractor's value of a study's (or an arm's) field."""
        from sysreview.project.extracting.retracting import retract_value

        with self.project.write_lock:
            return retract_value(
                self.store, self.protocol, reviewer=reviewer, study=study, field=field, arm=arm
            )

    def retract_outcome(
        self, *, reviewer: str, study: str, arm: str, measure: str, weeks: float
    ) -> Retracted:
        """Take back the extractor's numbers of an arm's outcome at a time point."""
        from sysreview.project.extracting.retracting import retract_outcome

        with self.project.write_lock:
            return retract_outcome(
                self.store, self.protocol, reviewer=reviewer, study=study, arm=arm,
                measure=measure, weeks=weeks,
            )  # fmt: skip


__all__ = ["ExtractionService"]
