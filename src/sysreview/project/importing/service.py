"""Importing use cases: search-result files into the project, then the assignments due."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sysreview.errors import InputError
from sysreview.project.importing.files import ImportedFile, ImportProgress, import_into
from sysreview.project.opening import PathLike, Service, open_project
from sysreview.project.selection.service import assign_records
from sysreview.text import storable


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
