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

from __future__ import annotations

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
