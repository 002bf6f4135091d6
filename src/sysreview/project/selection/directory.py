"""The screening use cases on a project directory: the project opened and closed around one call.

For scripts, benchmarks and tests; the command line and the web app use
:class:`~sysreview.project.selection.service.ScreeningService` of an open project.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Unpack

from sysreview.project.opening import PathLike, open_project
from sysreview.project.selection import decisions as screening

if TYPE_CHECKING:
    from sysreview.project.sheets.results import ImportResult
    from sysreview.screening.interrater import PairwiseAgreement


def screen_decision(
    directory: PathLike, *, db_url: str | None = None, **fields: Unpack[screening.DecisionFields]
) -> int:
    """:meth:`ScreeningService.decide` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.decide(**fields)


def screen_undo(
    directory: PathLike, *, stage: str, reviewer: str, record_id: int | None = None,
    db_url: str | None = None,
) -> screening.NewDecision:  # fmt: skip
    """:meth:`ScreeningService.undo` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.undo(stage=stage, reviewer=reviewer, record_id=record_id)


def screen_reassign(
    directory: PathLike, *, stage: str, from_reviewer: str, to_reviewer: str, by: str,
    records: list[int] | None = None, db_url: str | None = None,
) -> int:  # fmt: skip
    """:meth:`ScreeningService.reassign` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.reassign(
            stage=stage, from_reviewer=from_reviewer, to_reviewer=to_reviewer, by=by,
            records=records,
        )  # fmt: skip


def screen_pending(
    directory: PathLike, stage: str, reviewer: str, db_url: str | None = None
) -> list[screening.RecordCard]:
    """The records ``reviewer`` still has to screen at ``stage``, in screening order."""
    return screen_queue(directory, stage, reviewer, db_url)[0]


def screen_queue(
    directory: PathLike, stage: str, reviewer: str, db_url: str | None = None
) -> tuple[list[screening.RecordCard], str | None]:
    """:meth:`ScreeningService.queue` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.queue(stage, reviewer)


def screen_export(
    directory: PathLike, out: PathLike, *, stage: str, reviewer: str, db_url: str | None = None
) -> int:
    """:meth:`ScreeningService.export_sheet` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.export_sheet(out, stage=stage, reviewer=reviewer)


def screen_import(
    directory: PathLike, sheet: PathLike, *, stage: str, reviewer: str, force: bool = False,
    db_url: str | None = None,
) -> ImportResult:  # fmt: skip
    """:meth:`ScreeningService.import_sheet` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.import_sheet(sheet, stage=stage, reviewer=reviewer, force=force)


def link_study_report(
    directory: PathLike, record_id: int, study: str, *, primary: bool = False,
    db_url: str | None = None,
) -> tuple[int, bool]:  # fmt: skip
    """:meth:`ScreeningService.link` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.link(record_id=record_id, study=study, primary=primary)


def unlink_study_report(directory: PathLike, record_id: int, db_url: str | None = None) -> str:
    """:meth:`ScreeningService.unlink` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.unlink(record_id=record_id)


def screen_conflicts(
    directory: PathLike, stage: str, db_url: str | None = None
) -> list[screening.Conflict]:
    """:meth:`ScreeningService.conflicts` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.conflicts(stage)


def screen_agreement(
    directory: PathLike, stage: str, db_url: str | None = None
) -> PairwiseAgreement:
    """:meth:`ScreeningService.agreement` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.screening.agreement(stage)


__all__ = [
    "link_study_report",
    "screen_agreement",
    "screen_conflicts",
    "screen_decision",
    "screen_export",
    "screen_import",
    "screen_pending",
    "screen_queue",
    "screen_reassign",
    "screen_undo",
    "unlink_study_report",
]
