"""Full texts to read: a record's (or a study's) PDFs, their stored file, their text searched.

What a PDF viewer beside a screening card or an extraction form needs
(:class:`FulltextViewer`), the stored file of an attachment for serving it
(:func:`stored_pdf`), where a term occurs in an attachment's text, page by page
(:func:`search_pages`), and which records' full texts hold a term
(:func:`records_containing`). Also the upload of a PDF given as bytes
(:func:`attach_upload`, the web's counterpart of ``sysreview fulltext add``).

Text is the text pypdf extracted when the file was attached
(:mod:`sysreview.fulltext.pdf`), one page per form feed, so page numbers are the PDF's
own page order (what a viewer shows as page 1, 2, ...). A term matches regardless of
case (:meth:`str.casefold`) and of how the text is broken into lines: runs of white
space count as one space in both the term and the text.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import defer

from sysreview.errors import InputError
from sysreview.project.retrieving.files import (
    AttachedFile,
    attach_in,
    attached_file,
    fulltext_folder,
)
from sysreview.project.retrieving.status import Retrieval, current_retrieval, reviewer_row
from sysreview.project.selection.views import UnknownRecord
from sysreview.project.storage import FulltextFile, Record, Reviewer, Store
from sysreview.project.storage.studies import Study, StudyReport
from sysreview.protocol import Protocol

PathLike = str | os.PathLike[str]
MAX_TERM = 200
"""Longest search term accepted (characters)."""
MAX_HITS = 200
"""Most pages listed for one search."""
SNIPPET = 60
"""Characters of context shown on either side of a hit."""
_SHA = re.compile(r"[0-9a-f]{64}")
_SPACE = re.compile(r"\s+")


@dataclass(frozen=True)
class FulltextViewer:
    """The PDFs to show beside a record's card or a study's extraction form.

    ``files`` are the attachments of ``record_ids``, newest first; :attr:`current` is
    the one shown first. ``label`` says whose files they are (``"record 3"``,
    ``"study Smith 2019"``); ``retrieval`` is a single record's retrieval status.
    """

    label: str
    record_ids: tuple[int, ...]
    files: tuple[AttachedFile, ...]
    retrieval: Retrieval | None = None

    @property
    def current(self) -> AttachedFile | None:
        """The file shown first (the newest), ``None`` when there is none."""
        return self.files[0] if self.files else None

    def summary(self) -> str:
        """One line: whose, how many files."""
        return f"{self.label}: {len(self.files)} full text(s)"


@dataclass(frozen=True)
class PageHit:
    """A page of a full text holding a search term: how often, and the first occurrence."""

    page: int
    count: int
    before: str
    match: str
    after: str

    def summary(self) -> str:
        """``"page 3 (2): ...before [match] after..."``."""
        return f"page {self.page} ({self.count}): ...{self.before}[{self.match}]{self.after}..."


def _files(store: Store, record_ids: Sequence[int]) -> tuple[AttachedFile, ...]:
    with store.session(readonly=True) as session:
        names = {row.id: row.name for row in session.scalars(select(Reviewer))}
        rows = session.scalars(select(FulltextFile).where(FulltextFile.record_id.in_(record_ids))
                               .options(defer(FulltextFile.text))
                               .order_by(FulltextFile.id.desc()))  # fmt: skip
        return tuple(attached_file(row, names) for row in rows)


def record_viewer(store: Store, record_id: int) -> FulltextViewer:
    """One record's full texts and retrieval status (:class:`UnknownRecord` if no record)."""
    with store.session(readonly=True) as session:
        if session.get(Record, record_id) is None:
            raise UnknownRecord(f"no record {record_id} in this project")
        event = current_retrieval(session).get(record_id)
        status = None
        if event is not None:
            who = session.get(Reviewer, event.reviewer_id)
            status = Retrieval(record_id, event.status, event.reason, who.name if who else "?",
                               event.created_at)  # fmt: skip
    files = _files(store, [record_id])
    return FulltextViewer(f"record {record_id}", (record_id,), files, status)


def study_viewer(store: Store, label: str) -> FulltextViewer:
    """The full texts of a study's reports (its primary report's first).

    Raises
    ------
    InputError
        For an unknown study label.
    """
    with store.session(readonly=True) as session:
        study = session.scalar(select(Study).where(Study.label == label))
        if study is None:
            raise InputError(f"no study {label!r} in this project")
        reports = session.execute(
            select(StudyReport.record_id, StudyReport.is_primary)
            .where(StudyReport.study_id == study.id)
            .order_by(StudyReport.id)
        ).all()
    ids = tuple(rid for rid, _ in sorted(reports, key=lambda r: not r[1]))
    files = _files(store, ids)
    ordered = tuple(f for rid in ids for f in files if f.record_id == rid)
    return FulltextViewer(f"study {label}", ids, ordered)


def _file_row(store: Store, record_id: int, file_id: int) -> FulltextFile:
    with store.session(readonly=True) as session:
        if session.get(Record, record_id) is None:
            raise UnknownRecord(f"no record {record_id} in this project")
        row = session.get(FulltextFile, file_id)
        if row is None or row.record_id != record_id:
            raise UnknownRecord(f"record {record_id} has no full text {file_id}")
        session.expunge(row)
        return row


def stored_pdf(
    store: Store, directory: PathLike, record_id: int, file_id: int
) -> tuple[AttachedFile, Path]:
    """An attachment of ``record_id`` and the path of its stored PDF.

    The path is built from the attachment's SHA-256 (64 hex digits, checked) inside the
    project's ``fulltexts`` folder (:func:`~sysreview.project.retrieving.files.
    fulltext_folder`), never from a name a user gave, so it cannot lead elsewhere.

    Raises
    ------
    UnknownRecord
        When the record does not exist, the file is not one of its attachments, or the
        stored file is missing (a 404 on the web).
    """
    row = _file_row(store, record_id, file_id)
    if not _SHA.fullmatch(row.sha256):
        raise InputError(f"full text {file_id} has a malformed SHA-256 {row.sha256!r}")
    path = fulltext_folder(directory) / f"{row.sha256}.pdf"
    if path.is_symlink() or not path.is_file():
        raise UnknownRecord(
            f"the file of full text {file_id} ({row.file_name}) is missing from the project "
            f"folder (fulltexts/{row.sha256}.pdf)"
        )
    return attached_file(row, {}), path


def _normalised(text: str) -> str:
    return _SPACE.sub(" ", text).casefold()


def check_term(term: str) -> str:
    r"""The search term with its white space collapsed; :class:`InputError` if empty or long.

    >>> check_term("  peer \n support ")
    'peer support'
    """
    cleaned = " ".join(term.split())
    if not cleaned:
        raise InputError("type a word or phrase to search for")
    if len(cleaned) > MAX_TERM:
        raise InputError(f"the search term has {len(cleaned)} characters; at most {MAX_TERM}")
    return cleaned


def find_in_pages(pages: Sequence[str], term: str) -> tuple[PageHit, ...]:
    r"""The pages (1-based) of ``pages`` that hold ``term``, with its first occurrence.

    Case and line breaks are ignored (:func:`str.casefold`; white space runs as one space).

    >>> pages = ["Peer\nsupport", "none", "peer SUPPORT"]
    >>> [h.summary() for h in find_in_pages(pages, "peer support")]
    ['page 1 (1): ...[Peer support]...', 'page 3 (1): ...[peer SUPPORT]...']
    """
    wanted = _normalised(check_term(term))
    hits = []
    for number, page in enumerate(pages, start=1):
        flat = _SPACE.sub(" ", page)
        folded = flat.casefold()
        if len(folded) != len(flat):  # casefold changed lengths (e.g. ß): no snippet offsets
            folded, flat = flat.lower(), flat
        at = folded.find(wanted)
        if at < 0:
            continue
        end = at + len(wanted)
        hits.append(PageHit(number, folded.count(wanted), flat[max(0, at - SNIPPET):at],
                            flat[at:end], flat[end:end + SNIPPET]))  # fmt: skip
        if len(hits) == MAX_HITS:
            break
    return tuple(hits)


def search_pages(store: Store, record_id: int, file_id: int, term: str) -> tuple[PageHit, ...]:
    """The pages of a record's full text ``file_id`` whose text holds ``term``."""
    row = _file_row(store, record_id, file_id)
    return find_in_pages((row.text or "").split("\f"), term)


def records_containing(store: Store, term: str) -> tuple[int, ...]:
    """The records (ids, ascending) with a full text whose text holds ``term``.

    Matched as :func:`find_in_pages` matches (within a page). When the term's longest word is plain
    ASCII, the database first narrows the files to those holding that word (``LIKE``,
    case-insensitive for ASCII on SQLite and ``ILIKE`` on PostgreSQL); each candidate is
    then checked in full.
    """
    wanted = _normalised(check_term(term))
    query = select(FulltextFile.record_id, FulltextFile.text).where(FulltextFile.text.is_not(None))
    longest = max(wanted.split(" "), key=len)
    if longest.isascii():
        query = query.where(FulltextFile.text.icontains(longest, autoescape=True))
    found: set[int] = set()
    with store.session(readonly=True) as session:
        for record_id, text in session.execute(query.execution_options(yield_per=50)):
            pages = (text or "").split("\f")
            if record_id not in found and any(wanted in _normalised(p) for p in pages):
                found.add(record_id)
    return tuple(sorted(found))


def attach_upload(
    store: Store, protocol: Protocol, directory: PathLike, record_id: int, data: bytes,
    *, file_name: str, reviewer: str, source: str = "web",
) -> AttachedFile:  # fmt: skip
    """Attach the PDF ``data`` (an upload) to a record, in one transaction.

    The checks and the storing are those of ``sysreview fulltext add``
    (:func:`~sysreview.project.retrieving.files.attach_in`): a protocol reviewer, an
    existing record, a readable PDF of at most
    :data:`~sysreview.fulltext.pdf.MAX_PDF_BYTES`, not held by the record already.
    """
    folder = fulltext_folder(directory)
    with store.session() as session:
        who = reviewer_row(session, protocol, reviewer)
        return attach_in(session, store, folder, record_id, data, file_name=file_name,
                         reviewer=who, source=source)  # fmt: skip


__all__ = [
    "MAX_HITS",
    "MAX_TERM",
    "FulltextViewer",
    "PageHit",
    "attach_upload",
    "check_term",
    "find_in_pages",
    "record_viewer",
    "records_containing",
    "search_pages",
    "stored_pdf",
    "study_viewer",
]
