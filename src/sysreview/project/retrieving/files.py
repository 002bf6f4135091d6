"""Full texts of a project: PDFs attached to records, listed, exported and restored.

A PDF is kept once, by content, as ``DIR/fulltexts/<sha256>.pdf``; each attachment of it
to a record is a ``fulltext_file`` event (original file name, size, pages, the text
pypdf extracts, who, when, from where). Attaching a file records the report as
``retrieved`` unless it is already (its retrieval status:
:mod:`sysreview.project.retrieving.status`).

Every function here checks everything before it stores anything: a record that does not
exist, a file that is empty or not a PDF, a file the record holds already, a
``fulltexts`` folder that leads outside the project, or an unknown reviewer is an
:class:`~sysreview.errors.InputError`, and nothing is written.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.fulltext import MAX_PDF_BYTES, content_sha256, read_pdf
from sysreview.project.retrieving.status import (
    Retrieval,
    add_retrieval,
    current_retrieval,
    reviewer_row,
)
from sysreview.project.selection.views import UnknownRecord
from sysreview.project.storage import FulltextFile, Record, RetrievalEvent, Reviewer, Store
from sysreview.protocol import Protocol
from sysreview.records.links import RecordLink, record_links

PathLike = str | os.PathLike[str]
FULLTEXT_DIR = "fulltexts"
"""The project sub-folder holding full texts by content (``<sha256>.pdf``)."""
_SHA_NAME = re.compile(r"[0-9a-f]{64}\.pdf")


@dataclass(frozen=True)
class AttachedFile:
    """A full text attached to a record."""

    id: int
    record_id: int
    sha256: str
    file_name: str
    size: int
    page_count: int | None
    reviewer: str
    source: str
    created_at: datetime

    @property
    def stored_as(self) -> str:
        """The file's place in the project folder, ``fulltexts/<sha256>.pdf``."""
        return f"{FULLTEXT_DIR}/{self.sha256}.pdf"

    def summary(self) -> str:
        """One line: record, file, size, pages, who."""
        pages = f", {self.page_count} page(s)" if self.page_count is not None else ""
        return (f"record {self.record_id}: {self.file_name} ({self.size:,} bytes{pages}) "
                f"as {self.stored_as}, by {self.reviewer}")  # fmt: skip


def fulltext_folder(directory: PathLike) -> Path:
    """``DIR/fulltexts``, refused when it leads outside the project (a symbolic link).

    Raises
    ------
    InputError
        When ``DIR/fulltexts`` is a link or resolves outside ``DIR``.
    """
    root = Path(directory).resolve()
    folder = Path(directory) / FULLTEXT_DIR
    if folder.is_symlink() or (folder.exists() and not folder.resolve().is_relative_to(root)):
        raise InputError(
            f"{FULLTEXT_DIR}/ leads outside the project ({folder.resolve()}); full texts are "
            "kept inside the project folder",
            source=str(folder),
        )
    if folder.exists() and not folder.is_dir():
        raise InputError(f"{FULLTEXT_DIR} is not a folder", source=str(folder))
    return folder


def _keep(folder: Path, sha: str, data: bytes) -> bool:
    """Write ``data`` as ``folder/<sha>.pdf`` unless it is there; whether it was written."""
    target = folder / f"{sha}.pdf"
    if target.is_symlink():
        raise InputError("is a link; full texts are kept as plain files", source=str(target))
    if target.is_file() and content_sha256(target.read_bytes()) == sha:
        return False
    folder.mkdir(exist_ok=True)
    partial = folder / f".{sha}.{os.getpid()}.partial"
    partial.write_bytes(data)
    os.replace(partial, target)
    return True


def attached_file(row: FulltextFile, names: dict[int, str]) -> AttachedFile:
    """An attachment row as an :class:`AttachedFile` (``names``: reviewer names by id)."""
    return AttachedFile(row.id, row.record_id, row.sha256, row.file_name, row.size,
                        row.page_count, names.get(row.reviewer_id, "?"), row.source,
                        row.created_at)  # fmt: skip


def attach_in(
    session: Session,
    store: Store,
    folder: Path,
    record_id: int,
    data: bytes,
    *,
    file_name: str,
    reviewer: Reviewer,
    source: str,
) -> AttachedFile:
    """Attach the PDF ``data`` to ``record_id`` inside the caller's transaction.

    The file is written to ``folder`` (content-addressed) only after every check passed,
    and removed again if this call wrote it and the row cannot be added.
    """
    if session.get(Record, record_id) is None:
        raise UnknownRecord(f"no record {record_id} in this project")
    name = Path(file_name).name or "full text.pdf"
    pdf = read_pdf(data, source=name)
    sha = content_sha256(data)
    held = session.scalar(select(FulltextFile).where(FulltextFile.record_id == record_id,
                                                     FulltextFile.sha256 == sha))  # fmt: skip
    if held is not None:
        raise InputError(
            f"record {record_id} already holds this file (attached as {held.file_name!r} "
            f"on {held.created_at:%Y-%m-%d})",
            source=name,
        )
    written = _keep(folder, sha, data)
    try:
        row = FulltextFile(record_id=record_id, sha256=sha, file_name=name[:500],
                           size=len(data), page_count=pdf.page_count, text=pdf.text or None,
                           source=source[:2000], reviewer_id=reviewer.id)  # fmt: skip
        session.add(row)
        session.flush()
        current = current_retrieval(session).get(record_id)
        if current is None or current.status != "retrieved":
            add_retrieval(session, record_id, "retrieved", None, reviewer)
        store.audit(reviewer.name, "fulltext attach", "fulltext_file", row.id,
                    {"record_id": record_id, "sha256": sha, "file_name": name,
                     "source": source}, session=session)  # fmt: skip
    except BaseException:
        if written:
            (folder / f"{sha}.pdf").unlink(missing_ok=True)
        raise
    return attached_file(row, {reviewer.id: reviewer.name})


def read_input(path: PathLike) -> bytes:
    """The bytes of a file the user named, refused before reading when it is too large."""
    file = Path(path)
    if not file.is_file():
        raise InputError("no such file" if not file.exists() else "not a file", source=str(file))
    size = file.stat().st_size
    if size > MAX_PDF_BYTES:
        limit = MAX_PDF_BYTES // 1024 // 1024
        raise InputError(
            f"the file has {size:,} bytes; full texts of at most {limit} MiB are accepted",
            source=str(file),
        )
    return file.read_bytes()


def attach_file(
    store: Store, protocol: Protocol, directory: PathLike, record_id: int, file: PathLike,
    reviewer: str,
) -> AttachedFile:  # fmt: skip
    """Attach the PDF ``file`` to a record of the project in ``directory``, in one transaction.

    ``sysreview fulltext add``: the file is read and checked before anything is stored.
    """
    data = read_input(file)
    folder = fulltext_folder(directory)
    with store.session() as session:
        who = reviewer_row(session, protocol, reviewer)
        return attach_in(session, store, folder, record_id, data, file_name=Path(file).name,
                         reviewer=who, source="cli")  # fmt: skip


@dataclass(frozen=True)
class FulltextRow:
    """A report at full text: its card, links, retrieval status and files."""

    record_id: int
    title: str | None
    year: int | None
    doi: str | None
    pmid: str | None
    links: tuple[RecordLink, ...]
    retrieval: Retrieval | None
    files: tuple[AttachedFile, ...]

    def summary(self) -> str:
        """Lines: record, title, links, status, files."""
        status = self.retrieval.summary() if self.retrieval else "no status"
        lines = [f"record {self.record_id} ({self.year or 'n.d.'}) [{status}] "
                 f"{self.title or '(no title)'}"]  # fmt: skip
        lines += [f"  {link.label}: {link.url}" for link in self.links]
        lines += [f"  file: {f.file_name} ({f.stored_as})" for f in self.files]
        return "\n".join(lines)


def fulltext_rows(store: Store, record_ids: list[int]) -> tuple[FulltextRow, ...]:
    """The reports ``record_ids`` with links, retrieval status and files."""
    with store.session(readonly=True) as session:
        names = {i: v for i, v in session.execute(select(Reviewer.id, Reviewer.name))}
        status = current_retrieval(session)
        files: dict[int, list[AttachedFile]] = {}
        for row in session.scalars(select(FulltextFile).order_by(FulltextFile.id)):
            files.setdefault(row.record_id, []).append(attached_file(row, names))
        records = {
            r.id: r for r in session.scalars(select(Record).where(Record.id.in_(record_ids)))
        }
        out = []
        for rid in record_ids:
            rec = records.get(rid)
            if rec is None:
                continue
            event = status.get(rid)
            retrieval = None if event is None else Retrieval(
                rid, event.status, event.reason, names.get(event.reviewer_id, "?"),
                event.created_at)  # fmt: skip
            out.append(FulltextRow(rid, rec.title, rec.year, rec.doi, rec.pmid,
                                   record_links(rec.doi, rec.pmid, rec.url), retrieval,
                                   tuple(files.get(rid, ()))))  # fmt: skip
        return tuple(out)


def at_full_text(store: Store, protocol: Protocol) -> list[int]:
    """The reports at full text, in record order.

    Units sought (title/abstract settled onward), and any record that has a retrieval
    status or a file.
    """
    from sysreview.project.selection.state import screening_state

    units = set(screening_state(store, protocol).ft.units)
    with store.session(readonly=True) as session:
        units |= set(session.scalars(select(RetrievalEvent.record_id)))
        units |= set(session.scalars(select(FulltextFile.record_id)))
    return sorted(units)


def export_fulltexts(directory: PathLike, out: PathLike) -> int:
    """Copy the project's full texts (``fulltexts/<sha256>.pdf``) into ``out``; how many.

    The project's export (:func:`sysreview.project.opening.export_project`) carries
    them, so a restored project has its files.
    """
    files = _stored_files(fulltext_folder(directory))
    if files:
        (Path(out) / FULLTEXT_DIR).mkdir()
        for path in files:
            shutil.copyfile(path, Path(out) / FULLTEXT_DIR / path.name)
    return len(files)


def check_exported_fulltexts(dump: PathLike) -> list[Path]:
    """The full texts of an export, each checked against its name (its SHA-256).

    Raises
    ------
    InputError
        Naming a file whose content does not match its name, or a stray file.
    """
    folder = Path(dump) / FULLTEXT_DIR
    if not folder.is_dir():
        return []
    found = sorted(folder.iterdir())
    for path in found:
        if not _SHA_NAME.fullmatch(path.name) or not path.is_file() or path.is_symlink():
            raise InputError("not a full text of an export (<sha256>.pdf)", source=str(path))
        if content_sha256(path.read_bytes()) != path.name[:64]:
            raise InputError("the file's content does not match its name (SHA-256)",
                             source=str(path))  # fmt: skip
    return found


def restore_fulltexts(files: list[Path], directory: PathLike) -> None:
    """Copy checked export files (:func:`check_exported_fulltexts`) into the project."""
    folder = fulltext_folder(directory)
    for path in files:
        folder.mkdir(exist_ok=True)
        shutil.copyfile(path, folder / path.name)


def _stored_files(folder: Path) -> list[Path]:
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.iterdir() if _SHA_NAME.fullmatch(p.name) and p.is_file())


__all__ = [
    "FULLTEXT_DIR",
    "AttachedFile",
    "FulltextRow",
    "at_full_text",
    "attach_file",
    "attach_in",
    "attached_file",
    "check_exported_fulltexts",
    "export_fulltexts",
    "fulltext_folder",
    "fulltext_rows",
    "read_input",
    "restore_fulltexts",
]
