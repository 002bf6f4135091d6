"""PubMed/MEDLINE format (.nbib, ``PMID- ``) and Ovid tagged exports (``<1. >`` headers).

Both write a tag of up to four characters padded to four, then ``- `` and the value
(``PMID- 1``, ``TI  - A``, ``LID - 10.1/x [doi]``). Lines that are not tags continue the
previous value (PubMed indents them six spaces; Ovid's structured abstracts do not).
PubMed separates records by blank lines; Ovid starts each with a ``<n. >`` header.

The lines are parsed here rather than with :func:`Bio.Medline.parse` so that one parser
serves both dialects and every record and tag keeps its line number for messages.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Iterator

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, first, tagged_citations
from sysreview.records.ris import RisRecord

_TAG = re.compile(r"^([A-Z][A-Z0-9]{1,3}) {0,2}- ?(.*)$")
_OVID_HEADER = re.compile(r"^<(\d+)\.?\s*>\s*$")
_MEDLINE_DBS = re.compile(r"medline|pubmed", re.IGNORECASE)
_OVID_SOURCE = re.compile(
    r"^(?P<journal>[^.]+)\.\s*(?:(?P<volume>\d+)\s*(?:\((?P<issue>[^)]+)\))?\s*"
    r"(?::\s*(?P<pages>[\w-]+))?)?"
)


def _is_tag(line: str) -> re.Match[str] | None:
    return _TAG.match(line) if len(line) >= 5 and line[4] == "-" else None


def iter_tagged(
    lines: Iterable[str], source: str, starts: Callable[[str], bool], kind: str
) -> Iterator[RisRecord]:
    """Split tagged lines into records, one at a time.

    ``starts(line)`` says whether a line opens one.

    Raises
    ------
    InputError
        For a tag line before the first record header.
    """
    current: RisRecord | None = None
    for number, line in enumerate(lines, start=1):
        if starts(line):
            if current is not None:
                yield current.close()
            current = RisRecord(line=number)
            if _OVID_HEADER.match(line):
                continue
        elif not line.strip():
            if kind == "medline" and current is not None:
                yield current.close()
                current = None
            continue
        match = _is_tag(line)
        if match is None:
            if current is None:
                continue
            current.extend_last(line.strip())
            continue
        if current is None:
            raise InputError(
                f"tag {match.group(1)!r} outside any record (a {kind} record "
                f"starts with {'PMID- ' if kind == 'medline' else '<n. >'})",
                source=source,
                line=number,
                unit="line",
                column=match.group(1),
            )
        current.add(match.group(1), match.group(2).strip(), number)
    if current is not None:
        yield current.close()


def parse_tagged(
    text: str, source: str, starts: Callable[[str], bool], kind: str
) -> list[RisRecord]:
    """All records of tagged text (:func:`iter_tagged` over its lines)."""
    return list(iter_tagged(text.split("\n"), source, starts, kind))


def iter_medline(lines: Iterable[str], source: str, warnings: list[str]) -> Iterator[RisRecord]:
    """PubMed/MEDLINE records, one at a time (records start at ``PMID-``)."""
    return iter_tagged(lines, source, _starts_medline, "medline")


def iter_ovid(lines: Iterable[str], source: str, warnings: list[str]) -> Iterator[RisRecord]:
    """Ovid tagged records, one at a time (records start at a ``<n. >`` header)."""
    return iter_tagged(lines, source, _starts_ovid, "Ovid")


def _starts_medline(line: str) -> bool:
    return line.startswith("PMID-")


def _starts_ovid(line: str) -> bool:
    return bool(_OVID_HEADER.match(line))


def _doi_from_ids(values: list[str]) -> str | None:
    for value in values:
        if value.endswith("[doi]"):
            return value.removesuffix("[doi]").strip()
    return None


def medline_fields(record: RisRecord) -> Fields:
    """Map PubMed/MEDLINE tags onto :class:`Fields`."""
    g = record.get
    return Fields(
        record_id=g("PMID"),
        title=first(g("TI"), g("BTI"), g("VTI")),
        authors=g("FAU") or g("AU") or g("CN"),
        year=[(t, first(g(t)), record.lines.get(t)) for t in ("DP", "DEP", "EDAT")],
        journal=g("JT"),
        journal_abbrev=g("TA"),
        volume=g("VI"),
        issue=g("IP"),
        pages=g("PG"),
        doi=_doi_from_ids(g("LID") + g("AID")),
        pmid=g("PMID"),
        abstract=g("AB"),
        issn=[v.split(" ")[0] for v in g("IS")],
        keywords=g("OT") + g("MH"),
        language=g("LA"),
        publication_type=g("PT"),
        url=[f"https://pubmed.ncbi.nlm.nih.gov/{p.strip()}/" for p in g("PMID")],
        database="PubMed",
    )


def ovid_fields(record: RisRecord) -> Fields:
    """Map Ovid tagged fields (Embase, MEDLINE, PsycINFO) onto :class:`Fields`."""
    g = record.get
    database = first(g("DB"))
    source = first(g("SO"))
    parsed = _OVID_SOURCE.match(source) if source else None
    so = parsed.groupdict() if parsed else {}
    is_medline = bool(database and _MEDLINE_DBS.search(database))
    return Fields(
        record_id=first(g("UI"), g("AN")),
        title=first(g("TI"), g("OT")),
        authors=g("FA") or g("AU"),
        year=[(t, first(g(t)), record.lines.get(t)) for t in ("YR", "DP", "EP", "PY")]
        + [("SO", source, record.lines.get("SO"))],
        journal=first(g("JN"), g("JT"), so.get("journal")),
        journal_abbrev=first(g("JA"), g("TA")),
        volume=first(g("VO"), g("VI"), so.get("volume")),
        issue=first(g("IP"), g("NO"), so.get("issue")),
        pages=first(g("PG"), so.get("pages")),
        doi=g("DO") or _doi_from_ids(g("LID") + g("AID")),
        doi_text=g("UR") + g("XL"),
        pmid=g("PM") or (g("UI") if is_medline else []),
        pmid_text=g("UR"),
        abstract=g("AB"),
        issn=[v.split(" ")[0] for v in g("IS") + g("ISSN")],
        keywords=g("KW") + g("MH"),
        language=g("LG") or g("LA"),
        publication_type=g("PT") or g("ST"),
        url=g("UR") or g("XL"),
        database=database,
    )


def read_medline(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read PubMed format (Save -> PubMed format, ``.nbib``).

    Examples
    --------
    >>> text = ("PMID- 31000001\nTI  - A trial of\n      something.\nFAU - Liu, Roy\n"
    ...         "DP  - 2019 Jul 13\nLID - 10.1/ABC [doi]\n")
    >>> c = read_medline(text)[0][0]
    >>> c.pmid, c.title, c.authors, c.year, c.doi
    ('31000001', 'A trial of something.', ('Liu, Roy',), 2019, '10.1/abc')
    """
    warnings: list[str] = []
    records = iter_medline(text.split("\n"), source, warnings)
    return tagged_citations(records, medline_fields, source, warnings), warnings


def read_ovid(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read an Ovid tagged export ("EndNote"/"Citavi"/"Reference Manager" display formats).

    Examples
    --------
    >>> text = "<1. >\nDB  - Ovid MEDLINE(R)\nUI  - 31000001\nTI  - A\nAU  - Liu R.\n"
    >>> c = read_ovid(text)[0][0]
    >>> c.record_id, c.pmid, c.authors
    ('31000001', '31000001', ('Liu, R.',))
    """
    warnings: list[str] = []
    records = iter_ovid(text.split("\n"), source, warnings)
    return tagged_citations(records, ovid_fields, source, warnings), warnings
