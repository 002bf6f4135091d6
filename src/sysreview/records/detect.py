"""Decoding bytes and recognising an export format from its content (never its extension)."""

from __future__ import annotations

import re

from sysreview.errors import InputError
from sysreview.records.source import choose_encoding

#: Format names with a short description, in the order detection tries them.
FORMATS: dict[str, str] = {
    "ovid": "Ovid tagged export ('<1. >' record headers, 'TI  - ' tags)",
    "endnote_xml": "EndNote XML ('<xml><records><record>')",
    "ictrp_xml": "WHO ICTRP XML ('<Trial>' with '<TrialID>')",
    "ctgov_json": "ClinicalTrials.gov API v2 JSON ('protocolSection')",
    "wos": "Web of Science plain text ('FN'/'PT J' ... 'ER')",
    "medline": "PubMed/MEDLINE format, .nbib ('PMID- ')",
    "ris": "RIS ('TY  - ' ... 'ER  - ')",
    "bibtex": "BibTeX ('@article{')",
    "pmid_list": "a list of PMIDs, one per line",
    "ctgov_csv": "ClinicalTrials.gov CSV (an 'NCT Number' column)",
    "csv": "CSV/TSV/semicolon table with a header row",
}

_OVID_HEADER = re.compile(r"^<\d+\.?\s*>\s*$", re.MULTILINE)
_RIS_TY = re.compile(r"^[Tt][Yy](?:  | ?\t)-", re.MULTILINE)
_WOS_START = re.compile(r"^(?:FN |VR |PT [A-Z]\s*$)", re.MULTILINE)
_MEDLINE = re.compile(r"^PMID- ?\d", re.MULTILINE)
_BIBTEX = re.compile(r"^\s*@[A-Za-z]+\s*[{(]", re.MULTILINE)
_PMID_LINE = re.compile(r"^\s*\d{1,9}\s*$")


def decode(data: bytes) -> tuple[str, str, list[str]]:
    r"""Decode an export file and normalise its line endings to ``\n``.

    UTF-8 (with or without BOM) and UTF-16 (BOM, or the zero bytes of ASCII text) are
    recognised; anything else is read as cp1252 (or latin-1) with a warning; invalid
    UTF-16 keeps UTF-16 with the bad parts replaced (see
    :func:`~sysreview.records.source.choose_encoding`). BOMs (also those of concatenated
    files in the middle of the text) are removed.

    Returns
    -------
    tuple
        ``(text, encoding name, warnings)``.

    Examples
    --------
    >>> decode(b"\xef\xbb\xbfTY  - JOUR\r\nER  -\r\n")[:2]
    ('TY  - JOUR\nER  -\n', 'utf-8-sig')
    >>> decode("TI  - Café".encode("cp1252"))[1:]
    ('cp1252', ['not valid UTF-8; decoded as cp1252 (check accented characters)'])
    """
    encoding, errors, warning = choose_encoding(lambda: iter((data,)), data[:4])
    text = data.decode(encoding, errors)
    text = text.replace("\ufeff", "").replace("\r\n", "\n").replace("\r", "\n")
    return text, encoding, [warning] if warning else []


def _head(text: str, lines: int = 200) -> str:
    return "\n".join(text.split("\n", lines)[:lines])


def _looks_like_json(text: str) -> bool:
    stripped = text.lstrip()
    return stripped.startswith(("{", "[")) and (
        '"protocolSection"' in text or '"studies"' in text or '"nctId"' in text
    )


def _looks_like_pmids(text: str) -> bool:
    lines = [ln for ln in _head(text).split("\n") if ln.strip()]
    return bool(lines) and all(_PMID_LINE.match(ln) for ln in lines)


def detect_format(text: str, source: str = "<text>") -> str:
    r"""The name (a key of :data:`FORMATS`) of the export format ``text`` is written in.

    Raises
    ------
    InputError
        When the content matches no supported format; the message quotes the first line
        and lists the supported formats.

    Examples
    --------
    >>> detect_format("1.\nTY  - JOUR\nTI  - A\nER  - \n")
    'ris'
    >>> detect_format("<3001. >\nVN  - Ovid Technologies\n")
    'ovid'
    >>> detect_format("PMID- 1\nTI  - A\n"), detect_format("123\n456")
    ('medline', 'pmid_list')
    >>> detect_format("title;abstract\na;b\n")
    'csv'
    """
    head = _head(text)
    stripped = head.lstrip()
    if _OVID_HEADER.search(head):
        return "ovid"
    if stripped.startswith("<"):
        if "<TrialID" in head or "<Trials_downloaded" in head:
            return "ictrp_xml"
        if "<record" in head or "<records" in head:
            return "endnote_xml"
    if _looks_like_json(text):
        return "ctgov_json"
    if _WOS_START.search(stripped.split("\n", 1)[0] + "\n") or head.startswith("PT J\n"):
        return "wos"
    if _MEDLINE.search(head):
        return "medline"
    if _RIS_TY.search(text):
        return "ris"
    if _BIBTEX.search(head):
        return "bibtex"
    if _looks_like_pmids(text):
        return "pmid_list"
    header = stripped.split("\n", 1)[0]
    if "nct number" in header.lower():
        return "ctgov_csv"
    if any(d in header for d in (",", ";", "\t", "|")) or "title" in header.lower():
        return "csv"
    shown = header[:80] if header else "(empty)"
    supported = "; ".join(FORMATS.values())
    raise InputError(
        f"unrecognised export format: the first line is {shown!r}; supported formats: {supported}",
        source=source,
    )
