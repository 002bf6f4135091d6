"""CSV, TSV and semicolon tables, with column names as other tools write them.

Column names are matched case-insensitively, ignoring surrounding spaces and treating
``_``/``.``/runs of spaces alike (``Abstract Note`` = ``abstract_note`` = ``abstract ``).
The delimiter is the most frequent of ``,``, ``;``, tab and ``|`` in the header line.
A table without any title column is an error (there would be nothing to screen).
"""

from __future__ import annotations

import csv
import io
import re
from typing import Any

from sysreview.cells import QUOTE, restore
from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import (
    Fields,
    find_doi,
    join_pages,
    split_authors,
    to_citation,
)

#: Canonical field -> accepted column names (normalised), in order of preference.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": (
        "title",
        "primary title",
        "article title",
        "document title",
        "ti",
        "t1",
        "study title",
        "public title",
        "scientific title",
    ),
    "abstract": ("abstract", "abstract note", "ab", "n2", "notes abstract", "brief summary"),
    "authors": (
        "authors",
        "author",
        "au",
        "first authors",
        "author names",
        "author full names",
        "af",
        "creators",
        "a1",
    ),
    "year": (
        "publication year",
        "year",
        "py",
        "published year",
        "pubyear",
        "date",
        "publication date",
        "y1",
        "da",
    ),
    "journal": (
        "journal",
        "source title",
        "publication title",
        "journal name",
        "journal title",
        "secondary title",
        "journal/book",
        "booktitle",
        "book title",
        "journaltitle",
        "jf",
        "jo",
        "t2",
        "so",
        "alternate title3",
    ),
    "journal_abbrev": (
        "journal abbreviation",
        "abbreviated source title",
        "journal abbrev",
        "j2",
        "ja",
        "ji",
        "j9",
        "alternate title2",
        "alternate title1",
    ),
    "volume": ("volume", "vol", "vl"),
    "issue": ("issue", "number", "is"),
    "pages": ("pages", "page", "page range", "pg"),
    "start_page": ("start page", "page start", "sp", "bp"),
    "end_page": ("end page", "page end", "ep"),
    "doi": ("doi", "di", "do"),
    "pmid": ("pmid", "pubmed id", "pubmed_id", "pubmed", "pm", "medline pmid"),
    "record_id": (
        "record id",
        "id",
        "key",
        "covidence #",
        "ref",
        "eid",
        "ut",
        "accession number",
        "an",
        "ut (unique wos id)",
    ),
    "keywords": ("keywords", "author keywords", "kw", "manual tags", "de", "index keywords"),
    "language": ("language", "la", "language of original document"),
    "publication_type": (
        "type of reference",
        "document type",
        "item type",
        "publication type",
        "pt",
        "dt",
        "ty",
        "type",
        "entrytype",
        "entry type",
    ),
    "issn": ("issn", "sn"),
    "url": ("url", "link", "ur", "study url"),
    "database": ("database", "db", "source database"),
}

#: Cells that stand for "no value": CoLRev (and so bib-dedupe's benchmark sets) writes
#: ``UNKNOWN`` in BibTeX fields it could not fill.
PLACEHOLDERS = frozenset({"UNKNOWN"})
_ENTRYTYPE = frozenset({"entrytype", "entry type"})
_CLOSERS = {")": "(", "]": "[", "}": "{", ">": "<"}
_BIBTEX_AND = re.compile(r"\s+and\s+")
_DATABASES = frozenset({"Scopus", "Embase", "MEDLINE", "PubMed", "Web of Science", "CINAHL"})
_EMBASE_SOURCE = re.compile(
    r"^(?P<journal>.+?) \((?P<year>\d{4})\)(?: (?P<volume>[^:\s(]+)(?::(?P<issue>[^\s(]+))?)?"
    r"(?: \((?P<pages>[^)]*)\))?"
)


def column_key(name: str) -> str:
    """Normalise a column name for matching.

    >>> column_key("  Abstract_Note "), column_key("Publication.Year")
    ('abstract note', 'publication year')
    """
    return re.sub(r"[\s_.]+", " ", name).strip().lower()


def sniff_delimiter(header: str) -> str:
    r"""The delimiter of a header line: the most frequent of ``,``, ``;``, tab and ``|``.

    >>> sniff_delimiter("title;abstract;doi"), sniff_delimiter("title\tabstract")
    (';', '\t')
    """
    counts = {d: header.count(d) for d in (",", ";", "\t", "|")}
    best = max(counts, key=lambda d: counts[d])
    return best if counts[best] else ","


def read_rows(text: str, source: str) -> tuple[list[str], list[tuple[int, list[str]]]]:
    """Header (names stripped) and ``(line, cells)`` of every non-empty row.

    A cell that starts with an apostrophe before ``=``, ``+``, ``-`` or ``@`` (how
    sysreview, and OWASP's advice, protect text from spreadsheets: :mod:`sysreview.cells`)
    is read without the apostrophe.

    Raises
    ------
    InputError
        For a row with more cells than the header, or a CSV syntax error.
    """
    header_line = text.lstrip("\n").split("\n", 1)[0]
    reader = csv.reader(io.StringIO(text), delimiter=sniff_delimiter(header_line))
    quoted = QUOTE in text
    rows: list[tuple[int, list[str]]] = []
    header: list[str] | None = None
    try:
        start = 1
        for cells in reader:
            if header is None:
                if any(c.strip() for c in cells):
                    header = [c.strip() for c in cells]
                start = reader.line_num + 1
                continue
            if not any(c.strip() for c in cells):
                start = reader.line_num + 1
                continue
            if len(cells) > len(header):
                raise InputError(
                    f"row has {len(cells)} cells but the header has {len(header)} columns",
                    source=source,
                    line=start,
                )
            if quoted:  # text a tool protected from spreadsheets ('=...) reads as written
                cells = [restore(cell) for cell in cells]
            rows.append((start, cells + [""] * (len(header) - len(cells))))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise InputError(f"CSV syntax error: {exc}", source=source, line=reader.line_num) from exc
    return header or [], rows


def _embase_source(value: str) -> dict[str, Any]:
    match = _EMBASE_SOURCE.match(value)
    if not match:
        return {"journal": value}
    return {k: v for k, v in match.groupdict().items() if v}


def map_columns(header: list[str]) -> dict[str, list[int]]:
    """Canonical field -> indexes of the matching columns, in order of preference."""
    keys = [column_key(h) for h in header]
    return {
        name: [keys.index(alias) for alias in aliases if alias in keys]
        for name, aliases in COLUMNS.items()
    }


def bibtex_style(header: list[str]) -> bool:
    """Whether the table is BibTeX written as CSV.

    It is when it has an ``ENTRYTYPE`` column, as CoLRev, bib-dedupe and pandas'
    ``bibtexparser`` frames write; names are then joined by ``and``, as in BibTeX, whatever
    other punctuation they carry.

    >>> bibtex_style(["ID", "ENTRYTYPE", "title"]), bibtex_style(["Title", "Type"])
    (True, False)
    """
    return any(column_key(h) in _ENTRYTYPE for h in header)


def row_fields(
    header: list[str], columns: dict[str, list[int]], cells: list[str], *, bibtex: bool = False
) -> Fields:
    """Map one table row onto :class:`Fields`.

    A cell that is only a placeholder (:data:`PLACEHOLDERS`, e.g. CoLRev's ``UNKNOWN``)
    counts as empty. With ``bibtex`` (see :func:`bibtex_style`) the author cell is split
    on ``and`` only, as BibTeX's ``author`` field is.
    """
    cells = ["" if c.strip() in PLACEHOLDERS else c for c in cells]

    def get(name: str) -> str | None:
        for index in columns[name]:
            if cells[index].strip():
                return cells[index]
        return None

    source_col = next((i for i, h in enumerate(header) if column_key(h) == "source"), None)
    extra: dict[str, Any] = {}
    if source_col is not None and cells[source_col].strip():
        value = cells[source_col].strip()
        extra = {"database": value} if value in _DATABASES else _embase_source(value)
    keywords = get("keywords")
    author_cell = get("authors")
    if bibtex:
        authors = [a for a in _BIBTEX_AND.split(author_cell or "") if a.strip()]
    else:
        authors = split_authors(author_cell)
    return Fields(
        record_id=get("record_id"),
        title=get("title"),
        authors=authors,
        year=[(header[i], cells[i], None) for i in columns["year"]]
        + [("Source", extra.get("year"), None)],
        journal=get("journal") or extra.get("journal"),
        journal_abbrev=get("journal_abbrev"),
        volume=get("volume") or extra.get("volume"),
        issue=get("issue") or extra.get("issue"),
        pages=get("pages") or join_pages(get("start_page"), get("end_page")) or extra.get("pages"),
        doi=_without_stray_closer(get("doi")),
        doi_text=[
            _without_stray_closer(find_doi(text))
            for text in (get("url"), *(c for c in cells if "doi" in c.lower()))
        ],
        pmid=get("pmid"),
        pmid_text=[get("url")],
        abstract=get("abstract"),
        issn=get("issn"),
        keywords=split_authors(keywords) if keywords and "[" in keywords else _split(keywords),
        language=get("language"),
        publication_type=get("publication_type"),
        url=get("url"),
        database=get("database") or extra.get("database"),
    )


def _without_stray_closer(doi: str | None) -> str | None:
    """A DOI without the closing brackets it does not open (text around it: ``[URL: …/10.1/x]``).

    DOIs may hold balanced brackets (``10.1016/S0140-6736(20)30183-5``); a closer with no
    opener in the DOI is the end of the sentence or bracket the DOI was found in.

    >>> _without_stray_closer("10.1086/688850]"), _without_stray_closer("10.1016/s0-6(20)3-5")
    ('10.1086/688850', '10.1016/s0-6(20)3-5')
    """
    if doi is None:
        return None
    text = doi.strip()
    while text and text[-1] in _CLOSERS and text.count(text[-1]) > text.count(_CLOSERS[text[-1]]):
        text = text[:-1].rstrip(" .,;")
    return text or None


def _split(value: str | None) -> list[str]:
    """Split a keyword cell on ``;`` (else ``,``) outside parentheses.

    >>> _split("cyst (diagnosis, surgery), colonoscopy")
    ['cyst (diagnosis, surgery)', 'colonoscopy']
    """
    if not value:
        return []
    separator = ";" if ";" in value else ","
    parts, depth, start = [], 0, 0
    for i, char in enumerate(value):
        depth += (char == "(") - (char == ")")
        if char == separator and depth <= 0:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return [part.strip() for part in parts if part.strip()]


def read_csv(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    r"""Read a CSV/TSV/semicolon table into citations; ``raw`` keeps every column.

    Raises
    ------
    InputError
        If no column is a title column (listing the columns found and those accepted).

    Examples
    --------
    >>> citations, _ = read_csv(
    ...     "Title;Authors;Publication Year;DOI\nA trial;Liu R., Adler D.G.;2014;doi:10.4103/X\n"
    ... )
    >>> c = citations[0]
    >>> c.line, c.title, c.authors, c.year, c.doi
    (2, 'A trial', ('Liu, R.', 'Adler, D.G.'), 2014, '10.4103/x')
    """
    header, rows = read_rows(text, source)
    columns = map_columns(header)
    warnings: list[str] = []
    if not columns["title"]:
        named = f"a title column is named one of {', '.join(COLUMNS['title'])} (any case)"
        if not columns["abstract"]:
            raise InputError(
                f"no title or abstract column; the columns are "
                f"{', '.join(map(repr, header))}; {named}",
                source=source,
                line=1,
            )
        # ASReview reads such files too: an abstract alone can be screened.
        warnings.append(f"{source}:1: no title column, so records have abstracts only ({named})")
    citations: list[Citation] = []
    seen_ids: dict[str, int] = {}
    bibtex = bibtex_style(header)
    for position, (line, cells) in enumerate(rows, start=1):
        citation = to_citation(
            row_fields(header, columns, cells, bibtex=bibtex),
            position=position,
            line=line,
            raw=dict(zip(header, cells, strict=True)),
            source=source,
            warnings=warnings,
        )
        if citation.record_id is not None and columns["record_id"]:
            if citation.record_id in seen_ids:
                warnings.append(
                    f"{source}:{line}: record_id {citation.record_id!r} repeats the one on line "
                    f"{seen_ids[citation.record_id]}"
                )
            seen_ids.setdefault(citation.record_id, line)
        citations.append(citation)
    return citations, warnings
