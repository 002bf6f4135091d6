"""Web of Science plain text ("Other reference software" / "Plain text file").

The file opens with ``FN Clarivate Analytics Web of Science`` and ``VR 1.0``; each record
runs from ``PT`` to ``ER`` and the file ends with ``EF``. A tag is two characters and a
space; continuation lines start with three spaces. For list fields (``AU``, ``AF``, ``C1``,
``CR`` ...) each continuation line is one more value, for the others it is appended.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, first, join_pages, tagged_citations
from sysreview.records.ris import RisRecord

_TAG = re.compile(r"^([A-Z][A-Z0-9])(?: (.*))?$")
_LIST_TAGS = frozenset({"AU", "AF", "BA", "BF", "CA", "GP", "C1", "C3", "CR", "ED", "RI", "OI"})
_HEADER_TAGS = frozenset({"FN", "VR", "EF"})


def iter_wos(lines: Iterable[str], source: str, warnings: list[str]) -> Iterator[RisRecord]:
    """Split Web of Science plain text into records, one at a time.

    Raises
    ------
    InputError
        For a tag line outside a ``PT`` ... ``ER`` record, naming line and tag.
    """
    current: RisRecord | None = None
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        if line.startswith("   "):
            if current is not None:
                current.extend_last(line.strip(), _LIST_TAGS)
            continue
        match = _TAG.match(line)
        if match is None or match.group(1) in _HEADER_TAGS:
            continue
        tag, value = match.group(1), (match.group(2) or "").strip()
        if tag == "PT":
            if current is not None:
                warnings.append(f"{source}:{current.line}: record has no ER before line {number}")
                yield current.close()
            current = RisRecord(line=number)
            current.add(tag, value, number)
        elif current is None:
            raise InputError(
                f"tag {tag!r} outside any record (a Web of Science record starts with 'PT ')",
                source=source,
                line=number,
                unit="line",
                column=tag,
            )
        elif tag == "ER":
            yield current.close()
            current = None
        else:
            current.add(tag, value, number)
    if current is not None:
        warnings.append(f"{source}:{current.line}: record not terminated by ER; accepted")
        yield current.close()


def parse_wos(text: str, source: str = "<text>") -> tuple[list[RisRecord], list[str]]:
    """Split Web of Science plain text into records (:func:`iter_wos` over its lines)."""
    warnings: list[str] = []
    return list(iter_wos(text.split("\n"), source, warnings)), warnings


def wos_fields(record: RisRecord) -> Fields:
    """Map Web of Science tags onto :class:`Fields`."""
    g = record.get
    return Fields(
        record_id=g("UT"),
        title=g("TI"),
        authors=g("AF") or g("AU"),
        year=[(t, first(g(t)), record.lines.get(t)) for t in ("PY", "EA", "PD")],
        journal=g("SO"),
        journal_abbrev=g("JI") or g("J9"),
        volume=g("VL"),
        issue=g("IS"),
        pages=join_pages(first(g("BP")), first(g("EP"))) or first(g("AR")),
        doi=g("DI"),
        doi_text=g("DL"),
        pmid=g("PM"),
        abstract=g("AB"),
        issn=g("SN") or g("EI"),
        keywords=_split(g("DE")) + _split(g("ID")),
        language=g("LA"),
        publication_type=g("DT"),
        database="Web of Science",
    )


def _split(values: list[str]) -> list[str]:
    return [part.strip() for value in values for part in value.replace("\n", " ").split(";")]


def read_wos(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read Web of Science plain text into citations.

    Examples
    --------
    >>> text = ("FN Clarivate Analytics Web of Science\nVR 1.0\nPT J\nAU Delea, MG\n"
    ...         "   Solomon, H\nTI Facial cleanliness and\n   trachoma\nPY 2018\n"
    ...         "DI 10.1371/X\nPM 29377890\nER\n\nEF")
    >>> c = read_wos(text)[0][0]
    >>> c.authors, c.title, c.year, c.doi, c.pmid
    (('Delea, MG', 'Solomon, H'), 'Facial cleanliness and trachoma', 2018, '10.1371/x', '29377890')
    """
    records, warnings = parse_wos(text, source)
    return tagged_citations(records, wos_fields, source, warnings), warnings
