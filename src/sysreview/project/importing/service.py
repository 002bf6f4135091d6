"""Importing use cases: search-result files into the project, then the assignments due."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from sysreview.errors import InputError
from sysreview.project.importing.files import ImportedFile, ImportProgress, import_into
from sysreview.project.opening import PathLike, Service, open_project
from sysreview.project.selection.service import assign_records
from sysreview.text import storable

if TYPE_CHECKING:
    import pandas as pd

    from sysreview.project.importing.updates import LiveRun, LiveSearch, UpdateReport
    from sysreview.search.live import ApiClient
    from sysreview.search.pilot import PilotReport


class RecordsService(Service):
    """``project.records``: search results imported into the project."""

    def import_files(
        self,
        files: Sequence[PathLike],
        *,
        source: str,
        source_kind: str = "database",
        interface: str | None = None,
        search_date: date | None = None,
        query_file: PathLike | None = None,
        progress: ImportProgress | None = None,
    ) -> list[ImportedFile]:
        """Import search-result files into the project, one import batch per file.

        Every file is read and checked before anything is written; each file is then
        stored in its own transaction. See :mod:`sysreview.project.importing.files`.
        """
        query_text = None if query_file is None else _query_text(query_file)
        with self.project.write_lock:
            imported = import_into(
                self.store, files, source=source, source_kind=source_kind,
                interface=interface, search_date=search_date, query_text=query_text,
                progress=progress,
            )  # fmt: skip
            assign_records(self.store, self.protocol)
        from sysreview.project.selection.prioritising import after_import

        after_import(self.store)  # embeddings, when the ranking model reads them
        return imported

    def pilot(self, papers: list[str], batch: int | None = None) -> PilotReport:
        """Which of the model papers the imported results (of ``batch``, or all) hold."""
        from sysreview.project.importing.searches import pilot_batch

        return pilot_batch(self.store, papers, batch)

    def search_log(self) -> pd.DataFrame:
        """The search log: database, interface, date, hits and strategy version per import."""
        from sysreview.project.importing.searches import search_log

        return search_log(self.store)

    def live_searches(self) -> tuple[LiveSearch, ...]:
        """The saved live searches (``searches/live.toml``)."""
        from sysreview.project.importing.updates import live_searches

        return live_searches(self.project.directory)

    def run_live_search(
        self, search: LiveSearch, client: ApiClient,
        progress: Callable[[int, int], None] | None = None,
    ) -> LiveRun:  # fmt: skip
        """Run one saved live search now, import what it finds, assign the new records."""
        from sysreview.project.importing.updates import run_live_search

        with self.project.write_lock:
            run = run_live_search(
                self.project.directory, self.store, search, client, progress=progress
            )
            assign_records(self.store, self.protocol)  # the new records' screening round
        return run

    def update(
        self, client: ApiClient | None, *, files: Sequence[PathLike] = (),
        file_source: str | None = None, searched: date | None = None,
        progress: Callable[[int, int], None] | None = None,
    ) -> UpdateReport:  # fmt: skip
        """Living update: re-run the saved live searches and import new exports.

        The new records are de-duplicated against everything in the project and assigned
        for screening.
        """
        from sysreview.project.importing.updates import update_project

        with self.project.write_lock:
            report = update_project(
                self.project.directory, self.store, client, files=files,
                file_source=file_source, searched=searched, progress=progress,
            )  # fmt: skip
            assign_records(self.store, self.protocol)  # the new records' screening round
        return report


def _query_text(query_file: PathLike) -> str:
    """The search's query, read from its file (UTF-8), made storable."""
    try:
        text = Path(query_file).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(
            f"cannot read the query file: {exc.strerror}", source=str(query_file)
        ) from None
    except UnicodeDecodeError as exc:
        raise InputError(
            f"the query file is not UTF-8 text (byte {exc.start + 1})", source=str(query_file)
        ) from None
    return storable(text)


def import_files(
    directory: PathLike,
    files: Sequence[PathLike],
    *,
    source: str,
    source_kind: str = "database",
    interface: str | None = None,
    search_date: date | None = None,
    query_file: PathLike | None = None,
    db_url: str | None = None,
    progress: ImportProgress | None = None,
) -> list[ImportedFile]:
    """:meth:`RecordsService.import_files` on the project in ``directory``."""
    with open_project(directory, db_url) as project:
        return project.records.import_files(
            files, source=source, source_kind=source_kind, interface=interface,
            search_date=search_date, query_file=query_file, progress=progress,
        )  # fmt: skip


__all__ = ["ImportedFile", "RecordsService", "import_files"]
