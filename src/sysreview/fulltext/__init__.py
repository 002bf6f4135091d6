"""Full texts: content hashes, text from PDFs, and PDFs matched to records.

The core knows nothing of the database or the project folder: it reads the bytes it is
given and the records it is shown.

::

    content_sha256(data) -> str                        # the file's identity
    read_pdf(data, source=name) -> PdfText             # pages' text and the document info
    RecordKeys(unit, dois, pmids, titles)              # what a record can be matched by
    match_pdf(name, pdf, keys) -> PdfMatch             # matched / ambiguous / unmatched

A record's links (doi.org, PubMed, its URL) are :mod:`sysreview.records.links`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from sysreview.lazy import lazy_exports

if TYPE_CHECKING:
    from sysreview.fulltext.matching import (
        MATCH_STATUSES,
        TITLE_THRESHOLD,
        PdfMatch,
        RecordKeys,
        dois_in,
        match_pdf,
        pmids_in,
    )
    from sysreview.fulltext.pdf import (
        MAX_PDF_BYTES,
        PdfText,
        content_sha256,
        is_pdf,
        read_pdf,
    )

_MATCHING, _PDF = (f"sysreview.fulltext.{m}" for m in ("matching", "pdf"))
_EXPORTS = {
    **dict.fromkeys(("MATCH_STATUSES", "TITLE_THRESHOLD", "PdfMatch", "RecordKeys", "dois_in",
                     "match_pdf", "pmids_in"), _MATCHING),
    **dict.fromkeys(("MAX_PDF_BYTES", "PdfText", "content_sha256", "is_pdf", "read_pdf"), _PDF),
}  # fmt: skip
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "MATCH_STATUSES",
    "MAX_PDF_BYTES",
    "TITLE_THRESHOLD",
    "PdfMatch",
    "PdfText",
    "RecordKeys",
    "content_sha256",
    "dois_in",
    "is_pdf",
    "match_pdf",
    "pmids_in",
    "read_pdf",
]
