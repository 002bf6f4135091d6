"""Reading bibliographic exports into :class:`Citation` records (the import step).

Readers are keyed by format (:data:`READERS`); the format is detected from the content,
never the extension. Each reader parses its format (*read*), maps its tags or columns
onto shared fields and :func:`~sysreview.records.normalise.to_citation` cleans them
(*clean*, *to_records*)::

    read_file(path) -> ReadResult(format, encoding, citations, warnings)
    open_export(path) -> Export: .count() reads to the end, .citations() streams records

Supported: RIS (Ovid, Embase, Scopus, Zotero, EndNote, Rayyan, ProQuest, Lens, WoS),
PubMed/MEDLINE (.nbib), Ovid tagged, EndNote XML, BibTeX, Web of Science plain text,
CSV/TSV tables, ClinicalTrials.gov CSV and API v2 JSON, WHO ICTRP XML, PMID lists.
"""

from typing import TYPE_CHECKING

from sysreview.lazy import lazy_exports

if TYPE_CHECKING:
    from sysreview.records.detect import FORMATS, decode, detect_format
    from sysreview.records.model import Citation
    from sysreview.records.reader import (
        READERS,
        Export,
        ReadResult,
        open_export,
        read_bytes,
        read_file,
        read_text,
    )
    from sysreview.records.ris import write_ris

_EXPORTS = {
    **dict.fromkeys(("FORMATS", "decode", "detect_format"), "sysreview.records.detect"),
    "Citation": "sysreview.records.model",
    **dict.fromkeys(
        ("READERS", "Export", "ReadResult", "open_export", "read_bytes", "read_file", "read_text"),
        "sysreview.records.reader",
    ),
    "write_ris": "sysreview.records.ris",
}
"""Names imported on first use: ``import sysreview.records.links`` (a screening card's
links) need not import every reader."""
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "FORMATS",
    "READERS",
    "Citation",
    "Export",
    "ReadResult",
    "decode",
    "detect_format",
    "open_export",
    "read_bytes",
    "read_file",
    "read_text",
    "write_ris",
]
