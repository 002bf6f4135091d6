"""Exchange use cases: the files review teams exchange with other tools.

RevMan 5, references (RIS, BibTeX, CSV), PRISMA2020 counts, and screening decisions to
and from ASReview, Rayyan and Covidence.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.project.opening import PathLike, Service

if TYPE_CHECKING:
    from sysreview.project.exchanging.decisions import CovidenceExport
    from sysreview.project.exchanging.files import ReferencesExport, RevmanExport
    from sysreview.project.exchanging.revman_import import RevmanImport
    from sysreview.project.sheets.results import ImportResult


class ExchangeService(Service):
    """``project.exchange``: files written for, and read from, other tools."""

    def export_revman(self, out: PathLike) -> RevmanExport:
        """Write the project's main pooled analyses as a RevMan 5 file ``out``.

        The analysis plan runs on the data the project holds, as the report reads them
        (:meth:`~sysreview.project.analysing.service.AnalysisService.inputs`); see
        :func:`~sysreview.project.exchanging.files.export_revman`.
        """
        from sysreview.project.exchanging.files import export_revman

        data = self.project.analysis.inputs().data
        return export_revman(self.store, self.protocol, data, out)

    def import_revman(
        self, path: PathLike, *, reviewer: str | None = None, mapping: PathLike | None = None
    ) -> RevmanImport:
        """Store a RevMan 5 file's studies, per-arm data and RoB 1 judgements.

        See :func:`~sysreview.project.exchanging.revman_import.import_revman`.
        """
        from sysreview.project.exchanging.revman_import import import_revman

        return import_revman(self.project, path, reviewer=reviewer, mapping=mapping)

    def export_references(
        self, out: PathLike, *, fmt: str | None = None, stage: str | None = None,
        decision: str | None = None,
    ) -> ReferencesExport:  # fmt: skip
        """Write the records with their screening decisions as RIS, BibTeX or CSV.

        See :func:`~sysreview.project.exchanging.files.export_references`.
        """
        from sysreview.project.exchanging.files import export_references

        return export_references(self.store, self.protocol, out, fmt=fmt, stage=stage,
                                 decision=decision)  # fmt: skip

    def export_prisma2020(self, out: PathLike) -> Path:
        """Write the PRISMA flow counts as the PRISMA2020 app's CSV."""
        from sysreview.project.exchanging.files import export_prisma2020

        return export_prisma2020(self.store, self.protocol, out)

    def import_decisions(
        self, path: PathLike, *, fmt: str, stage: str, reviewer: str,
        name: str | None = None, listed: str | None = None, force: bool = False,
    ) -> ImportResult:  # fmt: skip
        """Store another tool's screening decisions as ``reviewer``'s (all or none).

        See :func:`~sysreview.project.exchanging.decisions.import_decisions`.
        """
        from sysreview.project.exchanging.decisions import import_decisions

        with self.project.write_lock:
            return import_decisions(
                self.store, self.protocol, path, fmt=fmt, stage=stage, reviewer=reviewer,
                name=name, listed=listed, force=force,
            )  # fmt: skip

    def export_decisions(
        self, out: PathLike, *, fmt: str, stage: str, reviewer: str | None = None
    ) -> int:
        """Write the stage's records and decisions for ASReview or Rayyan; the count.

        See :func:`~sysreview.project.exchanging.decisions.export_decisions`.
        """
        from sysreview.project.exchanging.decisions import export_decisions

        return export_decisions(self.store, self.protocol, out, fmt=fmt, stage=stage,
                                reviewer=reviewer)  # fmt: skip

    def export_covidence(self, out: PathLike, *, stage: str) -> CovidenceExport:
        """Write the stage's records as RIS files for Covidence, one per list, into ``out``.

        See :func:`~sysreview.project.exchanging.decisions.export_covidence`.
        """
        from sysreview.project.exchanging.decisions import export_covidence

        return export_covidence(self.store, self.protocol, out, stage=stage)


__all__ = ["ExchangeService"]
