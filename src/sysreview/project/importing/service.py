"""Use case ``sysreview import``: search-result files into the project, then assignments."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from pathlib import Path

from sysreview.errors import InputError
from sysreview.project.importing.files import ImportedFile, ImportProgress, import_into
from sysreview.project.opening import PathLike, opened
from sysreview.project.selection.service import assign_records
from sysreview.text import storable


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
    """Import search-result files into the project, one import batch per file.

    Every file is read and checked before anything is written; each file is then stored
    in its own transaction. See :mod:`sysreview.project.importing.files`.
    """
    query_text = None
    if query_file is not None:
        try:
            query_text = Path(query_file).read_text(encoding="utf-8")
        except OSError as exc:
            raise InputError(
                f"cannot read the query file: {exc.strerror}", source=str(query_file)
            ) from None
        except UnicodeDecodeError as exc:
            raise InputError(
                f"the query file is not UTF-8 text (byte {exc.start + 1})", source=str(query_file)
            ) from None
        query_text = storable(query_text)
    with opened(directory, db_url) as (project, store):
        imported = import_into(
            store,
            files,
            source=source,
            source_kind=source_kind,
            interface=interface,
            search_date=search_date,
            query_text=query_text,
            progress=progress,
        )
        assign_records(store, project.protocol)
        from sysreview.project.selection.prioritising import after_import

        after_import(store)  # embeddings, when the ranking model reads them
        return imported


__all__ = ["ImportedFile", "import_files"]
