"""Importing search results into a project: one import batch per file, one transaction each.

All files are read (and every problem reported) before anything is written; each file
is then stored in its own transaction, so an interrupted import leaves whole files or
nothing. A file whose checksum is already in the project is refused.

A file's rows are made before its transaction begins, and inserted in a few
multi-row statements: the transaction, which on SQLite holds the database's one write
lock, lasts as long as the inserts only (a web server's decisions wait that long).
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

from sqlalchemy import insert, select

from sysreview.errors import InputError
from sysreview.project.store import SOURCE_KINDS, ImportBatch, Record, Store
from sysreview.records import ReadResult, read_file
from sysreview.records.model import Citation

PathLike = str | os.PathLike[str]


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


RECORD_CHUNK = 1000
"""Records inserted per statement."""


def record_row(citation: Citation) -> dict[str, Any]:
    """The database row of a citation (every normalised field, and ``raw`` as read)."""
    return dict(
        position=citation.position,
        line=citation.line,
        record_key=citation.record_id,
        title=citation.title,
        authors="\n".join(citation.authors) or None,
        year=citation.year,
        journal=citation.journal,
        journal_abbrev=citation.journal_abbrev,
        volume=citation.volume,
        issue=citation.issue,
        pages=citation.pages,
        doi=citation.doi,
        pmid=citation.pmid,
        issn=citation.issn,
        abstract=citation.abstract,
        keywords=list(citation.keywords) or None,
        language=citation.language,
        publication_type=citation.publication_type,
        url=citation.url,
        database=citation.database,
        raw=dict(citation.raw),
    )


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
    progress: Callable[[str, int], None] | None = None,
) -> list[ImportedFile]:
    """Import export files into ``store`` as import batches.

    Raises
    ------
    InputError
        For an unreadable or malformed file (naming file and line), a file given twice,
        or a file already imported (naming the batch) — before anything is written.
    """
    if not source.strip():
        raise InputError("--source must name the database or register searched")
    if source_kind not in SOURCE_KINDS:
        raise InputError(
            f"invalid source kind {source_kind!r}; must be one of {', '.join(SOURCE_KINDS)}"
        )
    checked: list[tuple[Path, str, ReadResult]] = []
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
            checked.append((path, sha, read_file(path)))
    imported = []
    for path, sha, result in checked:
        rows = [record_row(c) for c in result.citations]
        with store.session() as session:
            batch = ImportBatch(
                source_database=source.strip(),
                source_kind=source_kind,
                interface=interface,
                search_date=search_date,
                query_text=query_text,
                file_name=path.name,
                file_sha256=sha,
                record_count=len(result.citations),
            )
            session.add(batch)
            session.flush()
            for start in range(0, len(rows), RECORD_CHUNK):
                chunk = rows[start : start + RECORD_CHUNK]
                session.execute(insert(Record), [{**row, "batch_id": batch.id} for row in chunk])
            store.audit(
                who,
                "import",
                "import_batch",
                batch.id,
                {"file": path.name, "format": result.format, "records": len(result.citations)},
            )
            imported.append(
                ImportedFile(
                    str(path), batch.id, result.format, len(result.citations), result.warnings
                )
            )
        if progress is not None:
            progress(str(path), len(result.citations))
    return imported
