"""Use case ``sysreview run DIR``: import → de-duplicate → screening status → analyse → report.

The search exports of a project are listed in ``DIR/imports.toml``, one table per file::

    [[import]]
    file = "searches/medline-2024-03-01.ris"   # relative to DIR
    source = "MEDLINE"                         # the database or register searched
    kind = "database"                          # database (default), register or other
    interface = "Ovid"                         # optional
    date = 2024-03-01                          # optional search date (TOML date or text)
    query-file = "searches/medline.txt"        # optional: the search strategy as run

:func:`pending_imports` lists the files whose contents (SHA-256) are not in the project
yet; a file already imported, or listed twice, is skipped (not an error), so running
``sysreview run`` again only adds what is new. The other steps are the use cases of
:mod:`sysreview.project.services` and :mod:`sysreview.project.reporting`.
"""

from __future__ import annotations

import tomllib
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sysreview.errors import InputError
from sysreview.project.services import PathLike
from sysreview.protocol.loader import toml_loads

IMPORTS_FILE = "imports.toml"
KEYS = ("file", "source", "kind", "interface", "date", "query-file")
KINDS = ("database", "register", "other")


@dataclass(frozen=True)
class PlannedImport:
    """One entry of ``imports.toml`` (paths resolved against the project folder)."""

    number: int
    file: Path
    source: str
    kind: str = "database"
    interface: str | None = None
    date: date | None = None
    query_file: Path | None = None

    def summary(self) -> str:
        """The file and where it came from."""
        via = f" via {self.interface}" if self.interface else ""
        when = f", searched {self.date.isoformat()}" if self.date else ""
        return f"{self.file} ({self.source}{via}{when})"


def _text(value: Any, where: str, key: str, *, required: bool = False) -> str | None:
    if value is None:
        if required:
            raise InputError(f"{where}: '{key}' is required")
        return None
    if not isinstance(value, str) or not value.strip():
        raise InputError(f"{where}: '{key}' must be non-empty text, not {value!r}")
    return value.strip()


def _date(value: Any, where: str) -> date | None:
    if value is None or isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise InputError(f"{where}: 'date' must be a date (YYYY-MM-DD), not {value!r}")


def _entry(directory: Path, number: int, item: Any, source: str) -> PlannedImport:
    where = f"{source}, import {number}"
    if not isinstance(item, dict):
        raise InputError(f"{where}: must be a table with file and source")
    unknown = sorted(set(item) - set(KEYS))
    if unknown:
        raise InputError(f"{where}: unknown key {unknown[0]!r}; must be one of {', '.join(KEYS)}")
    file = _text(item.get("file"), where, "file", required=True)
    kind = _text(item.get("kind"), where, "kind") or "database"
    if kind not in KINDS:
        raise InputError(f"{where}: kind {kind!r}; must be one of {', '.join(KINDS)}")
    query = _text(item.get("query-file"), where, "query-file")
    path = directory / str(file)
    if not path.is_file():
        raise InputError(f"{where}: no such file {path}")
    return PlannedImport(
        number=number,
        file=path,
        source=str(_text(item.get("source"), where, "source", required=True)),
        kind=kind,
        interface=_text(item.get("interface"), where, "interface"),
        date=_date(item.get("date"), where),
        query_file=None if query is None else directory / query,
    )


def read_imports(directory: PathLike) -> tuple[PlannedImport, ...]:
    """The entries of ``DIR/imports.toml`` (none when the file does not exist).

    Raises
    ------
    InputError
        Not TOML (with its line), an unknown key, a missing file or source, a bad kind
        or date — naming the entry (``import 2``).

    Examples
    --------
    >>> read_imports("no-such-folder")
    ()
    """
    folder = Path(directory)
    path = folder / IMPORTS_FILE
    if not path.is_file():
        return ()
    try:
        doc = toml_loads(path.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as exc:
        raise InputError(f"not valid TOML: {exc}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=str(path)) from None
    extra = sorted(set(doc) - {"import"})
    if extra:
        raise InputError(f"unknown table {extra[0]!r}; list files as [[import]]", source=str(path))
    items = doc.get("import", [])
    if not isinstance(items, list):
        raise InputError("'import' must be an array of tables ([[import]])", source=str(path))
    return tuple(_entry(folder, i, item, str(path)) for i, item in enumerate(items, start=1))


def pending_imports(
    directory: PathLike, planned: tuple[PlannedImport, ...], db_url: str | None = None
) -> tuple[tuple[PlannedImport, ...], tuple[tuple[PlannedImport, str], ...]]:
    """``(to import, skipped with the reason)``: files already in the project (same
    SHA-256) or listed twice are skipped."""
    from sqlalchemy import select

    from sysreview.project.importing import file_sha256
    from sysreview.project.services import opened
    from sysreview.project.store import ImportBatch

    with opened(directory, db_url) as (_, store), store.session(readonly=True) as session:
        known = {
            sha: batch_id
            for sha, batch_id in session.execute(select(ImportBatch.file_sha256, ImportBatch.id))
        }
    todo: list[PlannedImport] = []
    skipped: list[tuple[PlannedImport, str]] = []
    seen: dict[str, PlannedImport] = {}
    for item in planned:
        sha = file_sha256(item.file)
        if sha in known:
            skipped.append((item, f"already imported as batch {known[sha]}"))
        elif sha in seen:
            skipped.append((item, f"same contents as import {seen[sha].number}"))
        else:
            seen[sha] = item
            todo.append(item)
    return tuple(todo), tuple(skipped)


def import_planned(
    directory: PathLike, item: PlannedImport, db_url: str | None = None
) -> tuple[int, int]:
    """Import one planned file; ``(batch id, records)``."""
    from sysreview.project.services import import_files

    done = import_files(
        directory,
        [item.file],
        source=item.source,
        source_kind=item.kind,
        interface=item.interface,
        search_date=item.date,
        query_file=item.query_file,
        db_url=db_url,
    )
    return done[0].batch_id, done[0].records


__all__ = [
    "IMPORTS_FILE",
    "PlannedImport",
    "import_planned",
    "pending_imports",
    "read_imports",
]
