"""Importing search results into a project: one import batch per file, one transaction each.

All files are read (and every problem reported) before anything is written; each file
is then stored in its own transaction, so an interrupted import leaves whole files or
nothing. A file whose checksum is already in the project is refused.

Files are streamed, so a 200 MB export is never in memory at once: a first pass reads
every file to the end (the *read* step of its format: every error, and the record count
the import batch is created with, since batches are append-only); a second pass reads
each file again and cleans its records into rows, staged in a temporary file; only then
does the file's transaction begin, inserting the staged rows in chunks of
:data:`INSERT_CHUNK` (one multi-row ``INSERT``, not one ORM object per record). A
malformed record anywhere is found by the first pass, before anything is written; any
failure while storing rolls back the file's whole transaction. The transaction, which
on SQLite holds the database's one write lock, lasts as long as the inserts only: the
reading and cleaning are done before, so a web server's decisions wait no longer.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import IO, Any

from sqlalchemy import Connection, insert, select

from sysreview.errors import InputError
from sysreview.project.storage import SOURCE_KINDS, ImportBatch, Record, Store
from sysreview.records import Export, open_export
from sysreview.records.model import Citation

PathLike = str | os.PathLike[str]

#: Rows per ``INSERT`` (and per progress report) while storing a file.
INSERT_CHUNK = 2000

#: ``progress(stage, path, done, total)``: stage ``"reading"`` counts bytes of the file,
#: ``"storing"`` counts its records.
ImportProgress = Callable[[str, str, int, int], None]


@dataclass(frozen=True)
class ImportedFile:
    """What one imported file added: its batch, format and record count, with warnings."""

    path: str
    batch_id: int
    format: str
    records: int
    warnings: tuple[str, ...]


def file_sha256(path: PathLike) -> str:
    """The SHA-256 checksum of a file (how re-imports are recognised)."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for chunk in iter(lambda: handle.read(1 << 20), b""):
            digest.update(chunk)
    return digest.hexdigest()


def record_row(citation: Citation) -> dict[str, Any]:
    """The ``record`` row of a citation, as column values without the batch.

    Every normalised field, and ``raw`` as read.
    """
    return {
        "position": citation.position,
        "line": citation.line,
        "record_key": citation.record_id,
        "title": citation.title,
        "authors": "\n".join(citation.authors) or None,
        "year": citation.year,
        "journal": citation.journal,
        "journal_abbrev": citation.journal_abbrev,
        "volume": citation.volume,
        "issue": citation.issue,
        "pages": citation.pages,
        "doi": citation.doi,
        "pmid": citation.pmid,
        "issn": citation.issn,
        "abstract": citation.abstract,
        "keywords": list(citation.keywords) or None,
        "language": citation.language,
        "publication_type": citation.publication_type,
        "url": citation.url,
        "database": citation.database,
        "raw": citation.raw,
    }


def _stage(citations: Iterable[Citation], staged: IO[str]) -> int:
    """Write each citation's row to ``staged`` (one JSON line each); how many."""
    count = 0
    for citation in citations:
        staged.write(json.dumps(record_row(citation), ensure_ascii=False))
        staged.write("\n")
        count += 1
    staged.flush()
    staged.seek(0)
    return count


def _store_records(
    conn: Connection,
    batch_id: int,
    staged: IO[str],
    report: Callable[[int], None] | None,
) -> int:
    """Insert the staged rows as records of ``batch_id``, in chunks; how many were stored."""
    statement = insert(Record)
    rows: list[dict[str, Any]] = []
    stored = 0
    for line in staged:
        row = json.loads(line)
        row["batch_id"] = batch_id
        rows.append(row)
        if len(rows) == INSERT_CHUNK:
            conn.execute(statement, rows)
            stored += len(rows)
            rows = []
            if report is not None:
                report(stored)
    if rows:
        conn.execute(statement, rows)
        stored += len(rows)
    if report is not None:
        report(stored)
    return stored


@dataclass(frozen=True)
class _Checked:
    path: Path
    sha256: str
    export: Export
    records: int


def _check(
    store: Store, paths: Sequence[PathLike], progress: ImportProgress | None
) -> list[_Checked]:
    """Every file read to the end (pass one); nothing written. Raises on the first problem."""
    found: list[tuple[Path, str]] = []
    seen: dict[str, Path] = {}
    with store.session(readonly=True) as session:
        for raw_path in paths:
            path = Path(raw_path)
            if not path.is_file():
                raise InputError("no such file", source=str(path))
            sha = file_sha256(path)
            if sha in seen:
                raise InputError(
                    f"the same file as {seen[sha]} (identical contents)", source=str(path)
                )
            seen[sha] = path
            earlier = session.scalar(select(ImportBatch).where(ImportBatch.file_sha256 == sha))
            if earlier is not None:
                raise InputError(
                    f"already imported as batch {earlier.id} ({earlier.file_name}, "
                    f"{earlier.record_count} records, {earlier.imported_at:%Y-%m-%d})",
                    source=str(path),
                )
            found.append((path, sha))
    checked = []
    for path, sha in found:
        export = open_export(path)
        size, done = path.stat().st_size, 0

        def read(n: int, path: Path = path, size: int = size) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress("reading", str(path), done, size)

        checked.append(_Checked(path, sha, export, export.count(read)))
    return checked


def import_into(
    store: Store,
    paths: Sequence[PathLike],
    *,
    source: str,
    source_kind: str = "database",
    interface: str | None = None,
    search_date: date | None = None,
    query_text: str | None = None,
    who: str = "sysreview",
    progress: ImportProgress | None = None,
) -> list[ImportedFile]:
    """Import export files into ``store`` as import batches.

    Raises
    ------
    InputError
        For an unreadable or malformed file (naming file and line), a file given twice,
        or a file already imported (naming the batch) — before anything is written; or
        for a file that changed while it was being imported (nothing of it is kept).
    """
    if not source.strip():
        raise InputError("--source must name the database or register searched")
    if source_kind not in SOURCE_KINDS:
        raise InputError(
            f"invalid source kind {source_kind!r}; must be one of {', '.join(SOURCE_KINDS)}"
        )
    imported = []
    for item in _check(store, paths, progress):
        name = str(item.path)
        warnings: list[str] = []

        def report(stored: int, item: _Checked = item, name: str = name) -> None:
            if progress is not None:
                progress("storing", name, stored, item.records)

        with tempfile.TemporaryFile("w+", encoding="utf-8") as staged:
            staged_count = _stage(item.export.citations(warnings), staged)
            if staged_count != item.records:
                raise InputError(
                    f"the file changed while it was being imported ({item.records} records "
                    f"when checked, {staged_count} when read again); nothing of it was kept",
                    source=name,
                )
            batch_id = _store_file(store, item, staged, report, who=who, source=source,
                                   source_kind=source_kind, interface=interface,
                                   search_date=search_date, query_text=query_text)  # fmt: skip
        imported.append(ImportedFile(name, batch_id, item.export.format, item.records,
                                     tuple(warnings)))  # fmt: skip
    return imported


def _store_file(
    store: Store,
    item: _Checked,
    staged: IO[str],
    report: Callable[[int], None],
    *,
    who: str,
    source: str,
    source_kind: str,
    interface: str | None,
    search_date: date | None,
    query_text: str | None,
) -> int:
    """One file's transaction: its import batch and its staged records; the batch id."""
    name = str(item.path)
    with store.session() as session:
        batch = ImportBatch(
            source_database=source.strip(),
            source_kind=source_kind,
            interface=interface,
            search_date=search_date,
            query_text=query_text,
            file_name=item.path.name,
            file_sha256=item.sha256,
            record_count=item.records,
        )
        session.add(batch)
        session.flush()
        stored = _store_records(session.connection(), batch.id, staged, report)
        if stored != item.records:
            raise InputError(
                f"{item.records} records were checked but {stored} stored; nothing of "
                "the file was kept",
                source=name,
            )
        store.audit(
            who,
            "import",
            "import_batch",
            batch.id,
            {"file": item.path.name, "format": item.export.format, "records": stored},
        )
        return batch.id
