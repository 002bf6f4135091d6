"""A full-text file's identity (SHA-256 of its bytes) and its text, read with pypdf.

Only PDF files are full texts here: a file is a PDF when its first kilobyte holds the
``%PDF-`` header (ISO 32000-2:2020, 7.5.2; readers accept it anywhere in that
kilobyte). Text comes from :mod:`pypdf` (maintained, pure Python): the text of each page
(``PageObject.extract_text``) and the document information dictionary (``/Title``,
``/Subject``, ``/Keywords``, ``/doi``...). A file pypdf cannot parse, an encrypted one
that an empty password does not open, a 0-byte file or a file that is not a PDF is an
:class:`~sysreview.errors.InputError` naming the file; a page whose text cannot be
extracted (a scanned image, a broken font) gives empty text, not an error.

References
----------
ISO 32000-2:2020 Document management -- Portable document format -- Part 2: PDF 2.0,
7.5.2 (file header) and 14.3.3 (document information dictionary).
"""

from __future__ import annotations

import hashlib
import io
import logging
from dataclasses import dataclass
from typing import Any

from sysreview.errors import InputError
from sysreview.text import storable

MAX_PDF_BYTES = 200 * 1024 * 1024
"""The largest full text accepted (200 MiB): larger files are refused, not read."""
HEADER_WINDOW = 1024
"""Bytes in which the ``%PDF-`` header must appear."""


def content_sha256(data: bytes) -> str:
    """The SHA-256 of ``data``, as 64 lower-case hex digits (the file's identity).

    >>> content_sha256(b"")
    'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855'
    """
    return hashlib.sha256(data).hexdigest()


def is_pdf(data: bytes) -> bool:
    r"""Whether ``data`` starts like a PDF (``%PDF-`` within its first kilobyte).

    >>> is_pdf(b"%PDF-1.7\n..."), is_pdf(b"PK\x03\x04 a zip"), is_pdf(b"")
    (True, False, False)
    """
    return b"%PDF-" in data[:HEADER_WINDOW]


def check_pdf(data: bytes, *, source: str) -> None:
    """Refuse what cannot be a full text: an empty file, a huge one, or not a PDF.

    Raises
    ------
    InputError
        Naming ``source`` and what is wrong.
    """
    if not data:
        raise InputError("the file is empty (0 bytes), not a PDF", source=source)
    if len(data) > MAX_PDF_BYTES:
        raise InputError(
            f"the file has {len(data):,} bytes; full texts of at most "
            f"{MAX_PDF_BYTES // 1024 // 1024} MiB are accepted",
            source=source,
        )
    if not is_pdf(data):
        raise InputError("not a PDF (no %PDF- header in its first kilobyte)", source=source)


@dataclass(frozen=True)
class PdfText:
    """The text of a PDF: one string per page, and its document information.

    ``info`` maps the information dictionary's keys without the slash (``"Title"``,
    ``"Subject"``, ``"doi"``) to their text; ``pages`` holds the pages read (all, or the
    first ``max_pages``) and ``page_count`` how many the file has.
    """

    pages: tuple[str, ...]
    info: dict[str, str]
    page_count: int

    @property
    def text(self) -> str:
        """The pages' text, separated by form feeds."""
        return "\f".join(self.pages)

    def summary(self) -> str:
        """One line: pages, characters of text, title if the document names one."""
        title = f"; title {self.info['Title']!r}" if self.info.get("Title") else ""
        return f"{self.page_count} page(s), {sum(map(len, self.pages)):,} characters{title}"


def _info(reader: Any) -> dict[str, str]:
    try:
        meta = reader.metadata
    except Exception:  # a broken /Info object: the pages may still be readable
        return {}
    found: dict[str, str] = {}
    for key, value in dict(meta or {}).items():
        if isinstance(value, str | bytes) and str(key).startswith("/"):
            text = value.decode("latin-1") if isinstance(value, bytes) else str(value)
            text = " ".join(storable(text).split())
            if text:
                found[str(key)[1:]] = text
    return found


def _page_text(reader: Any, index: int) -> str:
    try:
        return storable(reader.pages[index].extract_text() or "")
    except Exception:  # pypdf raises many types on odd content streams: keep the page
        return ""


def read_pdf(data: bytes, *, source: str, max_pages: int | None = None) -> PdfText:
    """The text of a PDF given as bytes.

    Parameters
    ----------
    data
        The file's bytes.
    source
        The file's name, for messages.
    max_pages
        Read only the first pages (matching needs the first one or two); ``None``: all.

    Raises
    ------
    InputError
        For an empty file, a file that is not a PDF, one pypdf cannot parse, or an
        encrypted one that opens only with a password.
    """
    from pypdf import PdfReader

    check_pdf(data, source=source)
    quiet = logging.getLogger("pypdf")
    level = quiet.level
    quiet.setLevel(logging.ERROR)  # pypdf logs every repaired xref table as a warning
    try:
        try:
            reader = PdfReader(io.BytesIO(data), strict=False)
            if reader.is_encrypted and not reader.decrypt(""):
                raise InputError("the PDF is encrypted with a password", source=source)
            count = len(reader.pages)
        except InputError:
            raise
        except Exception as exc:  # pypdf has no single error type for malformed files
            raise InputError(f"not a readable PDF ({type(exc).__name__}: {exc})",
                             source=source) from None  # fmt: skip
        wanted = count if max_pages is None else min(count, max_pages)
        pages = tuple(_page_text(reader, i) for i in range(wanted))
        return PdfText(pages, _info(reader), count)
    finally:
        quiet.setLevel(level)


__all__ = ["MAX_PDF_BYTES", "PdfText", "check_pdf", "content_sha256", "is_pdf", "read_pdf"]
