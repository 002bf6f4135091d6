"""Cleaning shared by every reader: DOI, PMID, year, author, page and whitespace rules.

Each reader maps its own tags or columns onto :class:`Fields` (the *read* step); then
:func:`to_citation` cleans those values into a :class:`~sysreview.records.model.Citation`
(the *clean* and *to_records* steps), so every format is normalised the same way.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol, TypeVar
from urllib.parse import unquote

from sysreview.records.model import Citation
from sysreview.text import UNSAFE as _UNSAFE
from sysreview.text import needs_storing, repair_mojibake, storable, strip_controls

R = TypeVar("R", bound="TaggedRecord")

_DOI_PREFIX = re.compile(
    r"^(?:https?://(?:dx\.|www\.)?doi\.org/|doi\.org/|doi\s*[:=]\s*|doi\s+)", re.IGNORECASE
)
_DOI_IN_TEXT = re.compile(r"10\.\d{4,9}/[^\s\"<>&?#]+")
_PMID_IN_URL = re.compile(
    r"(?:pubmed\.ncbi\.nlm\.nih\.gov/|ncbi\.nlm\.nih\.gov/pubmed/|/pubmed/|list_uids=)(\d{1,9})"
)
_YEAR = re.compile(r"(?<!\d)(1[5-9]\d\d|20\d\d)(?!\d)")
_COMPACT_DATE = re.compile(r"^(1[5-9]\d\d|20\d\d)(?:0[1-9]|1[0-2])(?:\d\d)?$")
_INITIALS = re.compile(r"^(?P<surname>.+?)\s+(?P<initials>(?:[A-Z]\.?-?){1,4})$")
_PARTICLES = frozenset({"van", "von", "de", "der", "den", "da", "di", "du", "la", "le", "dos"})
_LITERAL_LIMIT = 100_000  # longer cells are not parsed as list literals
_NO_PAGES = re.compile(r"^(?:no[- ]?pagination|no[- ]specified|n/?a)$", re.IGNORECASE)


def clean_text(value: Any) -> str | None:
    r"""Clean a field's text; ``None`` if nothing is left.

    Collapse runs of whitespace (including line breaks) and strip; remove escape sequences,
    control and bidi characters (:func:`~sysreview.text.strip_controls`); repair mojibake
    (:func:`~sysreview.text.repair_mojibake`).

    >>> clean_text("  A  title\n split ")
    'A title split'
    >>> clean_text("\x1b[1mBold\x1b[0m \u202eclaim\x07 ")
    'Bold claim'
    >>> clean_text("   ") is None
    True
    >>> clean_text("RÃ¼sch N, Corrigan PW")
    'Rüsch N, Corrigan PW'
    """
    if value is None:
        return None
    text = " ".join(str(value).split())
    if _UNSAFE.search(text) is not None:  # first: ftfy would read C1 controls as cp1252
        text = " ".join(strip_controls(text).split())
    text = repair_mojibake(text)
    if _UNSAFE.search(text) is not None:  # repaired bytes can decode to controls or bidi
        text = strip_controls(text)
    text = " ".join(text.split())
    if needs_storing(text):  # a lone surrogate, from an escape decoded upstream
        text = storable(text)
    return text or None


def clean_doi(value: Any) -> str | None:
    """Lower-case a DOI and remove ``https://doi.org/``, ``dx.doi.org`` and ``doi:`` prefixes.

    Idempotent: cleaning a cleaned DOI returns it unchanged.

    >>> clean_doi("https://doi.org/10.1002/JRSM.1")
    '10.1002/jrsm.1'
    >>> clean_doi("doi: http://dx.doi.org/10.1186%2Fs12919-018-0099-8.")
    '10.1186/s12919-018-0099-8'
    >>> clean_doi("   ") is None
    True
    """
    text = clean_text(value)
    if text is None:
        return None
    text = clean_text(unquote(text))  # %1b, %00 ... decode to controls
    if text is None:
        return None
    previous = None
    while previous != text:
        previous = text
        text = _DOI_PREFIX.sub("", text).strip().rstrip(".,;").strip()
    text = text.removesuffix(" [doi]").lower()
    return text or None


def find_doi(text: Any) -> str | None:
    """The first DOI inside free text or a URL (URL-encoded DOIs included).

    >>> find_doi("https://www.scopus.com/record.uri?eid=2-s2.0-1&doi=10.15598%2faeee.v16i3.2698&x=1")
    '10.15598/aeee.v16i3.2698'
    >>> find_doi("http://ovidsp.ovid.com/ovidweb.cgi?T=JS") is None
    True
    """
    if text is None:
        return None
    match = _DOI_IN_TEXT.search(unquote(str(text)))
    return clean_doi(match.group(0)) if match else None


def clean_pmid(value: Any) -> str | None:
    """Digits of a PubMed ID (``PMID: 123``, ``123 [pmid]``); ``None`` if it is not one.

    >>> clean_pmid(" PMID: 29377890 ")
    '29377890'
    >>> clean_pmid("2214991469; 51887") is None
    True
    """
    text = clean_text(value)
    if text is None:
        return None
    match = re.fullmatch(r"(?:PMID:?\s*)?(\d{1,9})(?:\s*\[pmid\])?", text, re.IGNORECASE)
    return match.group(1).lstrip("0") or None if match else None


def find_pmid(text: Any) -> str | None:
    """The PMID inside a PubMed URL.

    >>> find_pmid("https://pubmed.ncbi.nlm.nih.gov/22752652/")
    '22752652'
    >>> find_pmid("http://www.ncbi.nlm.nih.gov/pubmed/22752652")
    '22752652'
    """
    if text is None:
        return None
    match = _PMID_IN_URL.search(str(text))
    return match.group(1) if match else None


def parse_year(value: Any) -> int | None:
    """The publication year inside a date as exporters write it; ``None`` if there is none.

    >>> [parse_year(v) for v in ["2019///", "2019 Jul 13", "2012/07/03", "20180327", "10 15"]]
    [2019, 2019, 2012, 2018, None]
    """
    text = clean_text(value)
    if text is None:
        return None
    if isinstance(value, int):
        return value if 1500 <= value <= 2099 else None
    compact = _COMPACT_DATE.match(text)
    if compact:
        return int(compact.group(1))
    match = _YEAR.search(text)
    return int(match.group(1)) if match else None


def normalise_author(value: Any) -> str | None:
    """One author as ``"Surname, Given"`` from the common ways exporters write names.

    >>> [normalise_author(a) for a in ["Liu R.", "Lucas J.S.", "Smith JA", "Asampong, E"]]
    ['Liu, R.', 'Lucas, J.S.', 'Smith, JA', 'Asampong, E']
    >>> normalise_author("Rens van de Schoot")
    'van de Schoot, Rens'
    """
    text = clean_text(value)
    if text is None:
        return None
    text = " ".join(text.replace("{", "").replace("}", "").split()).strip(" ;,")
    if "," in text:
        surname, _, given = text.partition(",")
        return f"{surname.strip()}, {given.strip()}".strip(" ,") or None
    match = _INITIALS.match(text)
    if match:
        return f"{match.group('surname')}, {match.group('initials')}"
    tokens = text.split(" ")
    if len(tokens) < 2 or len(tokens) > 4 or not any(c.isalpha() for c in tokens[-1]):
        return text or None
    cut = len(tokens) - 1
    while cut > 1 and tokens[cut - 1].lower() in _PARTICLES:
        cut -= 1
    return f"{' '.join(tokens[cut:])}, {' '.join(tokens[:cut])}".strip(" ;,")


def split_authors(value: Any) -> list[str]:
    """Split one cell holding several authors (list literal, ``;``, `` and ``, Embase style).

    >>> split_authors("['Marx, Karl', 'Lindgren, Astrid']")
    ['Marx, Karl', 'Lindgren, Astrid']
    >>> split_authors("Liu R., Adler D.G.")
    ['Liu R.', 'Adler D.G.']
    >>> split_authors("Asampong, E; Gyeke, MDP")
    ['Asampong, E', 'Gyeke, MDP']
    """
    if isinstance(value, list | tuple):
        return [cleaned for v in value if (cleaned := clean_text(v))]
    text = clean_text(value)
    if text is None:
        return []
    if text.startswith("[") and text.endswith("]") and len(text) < _LITERAL_LIMIT:
        try:
            parsed = ast.literal_eval(text)
        except (ValueError, TypeError, SyntaxError, MemoryError, RecursionError):
            # the errors ast.literal_eval documents for malformed input: not a list literal
            parsed = None
        if isinstance(parsed, list):  # escapes in the literal can decode to anything
            return [cleaned for v in parsed if (cleaned := clean_text(v))]
    for separator in (";", " and ", "|"):
        if separator in text:
            return [p.strip() for p in text.split(separator) if p.strip()]
    pieces = [p.strip() for p in text.split(",") if p.strip()]
    if len(pieces) > 1 and all(_INITIALS.match(p) for p in pieces):
        return pieces
    return [text]


def join_pages(start: Any, end: Any = None) -> str | None:
    """``SP`` and ``EP`` as one page range; Ovid's ``No``/``Specified`` becomes ``None``.

    >>> join_pages("123", "130"), join_pages("1-5"), join_pages("No", "Specified")
    ('123-130', '1-5', None)
    """
    first, last = clean_text(start), clean_text(end)
    joined = " ".join(p for p in (first, last) if p)
    if not joined or _NO_PAGES.match(joined):
        return None
    if first and last and first != last and "-" not in first:
        return f"{first}-{last}".replace("--", "-")
    return (first or last or "").replace("--", "-") or None


@dataclass
class Fields:
    """Values a reader took from one record, before cleaning.

    ``year`` holds ``(tag, value, line)`` candidates in order of preference; ``doi_text`` and
    ``pmid_text`` hold free text or URLs searched when no explicit DOI or PMID is given.
    """

    record_id: Any = None
    title: Any = None
    authors: Sequence[Any] = ()
    year: list[tuple[str, Any, int | None]] = field(default_factory=list)
    journal: Any = None
    journal_abbrev: Any = None
    volume: Any = None
    issue: Any = None
    pages: Any = None
    doi: Any = None
    doi_text: Sequence[Any] = ()
    pmid: Any = None
    pmid_text: Sequence[Any] = ()
    abstract: Any = None
    issn: Any = None
    keywords: Iterable[Any] = ()
    language: Any = None
    publication_type: Any = None
    url: Any = None
    database: Any = None


def first(*values: Any) -> Any:
    """The first value that is not empty after cleaning (lists: their first element).

    >>> first(None, "", ["  ", "x"], "y")
    'x'
    """
    for value in values:
        items = value if isinstance(value, list | tuple) else [value]
        for item in items:
            if clean_text(item) is not None:
                return item
    return None


def first_text(*values: Any) -> str | None:
    """:func:`clean_text` of :func:`first` (each value cleaned once).

    >>> first_text(None, ["  ", " x  y "], "z")
    'x y'
    """
    for value in values:
        items = value if isinstance(value, list | tuple) else (value,)
        for item in items:
            text = clean_text(item)
            if text is not None:
                return text
    return None


def _year(fields: Fields, source: str, line: int | None, warnings: list[str]) -> int | None:
    for tag, value, tag_line in fields.year:
        if clean_text(value) is None:
            continue
        year = parse_year(value)
        if year is None:
            where = f"{source}:{tag_line or line}" if (tag_line or line) else source
            text = clean_text(value)
            warnings.append(f"{where}: {tag} {text!r} is not a year; year left empty")
        return year
    return None


def _doi(fields: Fields) -> str | None:
    doi = clean_doi(first(fields.doi))
    if doi is not None and not doi.startswith("10."):
        doi = find_doi(first(fields.doi)) or doi
    for text in fields.doi_text:
        if doi is not None:
            break
        doi = find_doi(text)
    return doi


def _pmid(fields: Fields) -> str | None:
    pmid = clean_pmid(first(fields.pmid))
    for text in fields.pmid_text:
        if pmid is not None:
            break
        pmid = find_pmid(text)
    return pmid


def to_citation(
    fields: Fields,
    *,
    position: int,
    line: int | None,
    raw: dict[str, Any],
    source: str,
    warnings: list[str],
) -> Citation:
    """Clean a reader's :class:`Fields` into a :class:`Citation`.

    Parameters
    ----------
    fields
        Values as the reader found them.
    position, line
        1-based place of the record in its file and the line where it starts.
    raw
        Every tag or column of the record, kept as read (control characters included;
        the normalised fields have them removed, see :func:`clean_text`).
    source
        The file name, used with ``line`` in warnings (e.g. an unparseable year).
    warnings
        List the warnings are appended to.

    Examples
    --------
    >>> c = to_citation(Fields(title=" A  trial. ", year=[("PY", "2019///", 2)],
    ...                        doi="DOI: 10.1/X"),
    ...                 position=1, line=1, raw={}, source="f.ris", warnings=[])
    >>> c.title, c.year, c.doi
    ('A trial.', 2019, '10.1/x')
    """
    authors = tuple(a for a in (normalise_author(v) for v in fields.authors) if a)
    keywords = tuple(dict.fromkeys(k for k in (clean_text(v) for v in fields.keywords) if k))
    return Citation(
        position=position,
        line=line,
        record_id=first_text(fields.record_id),
        title=first_text(fields.title),
        authors=authors,
        year=_year(fields, source, line, warnings),
        journal=first_text(fields.journal),
        journal_abbrev=first_text(fields.journal_abbrev),
        volume=first_text(fields.volume),
        issue=first_text(fields.issue),
        pages=join_pages(first(fields.pages)),
        doi=_doi(fields),
        pmid=_pmid(fields),
        abstract=first_text(fields.abstract),
        issn=first_text(fields.issn),
        keywords=keywords,
        language=first_text(fields.language),
        publication_type=first_text(fields.publication_type),
        url=first_text(fields.url),
        database=first_text(fields.database),
        raw=raw,
    )


class TaggedRecord(Protocol):
    """A record of a tagged format (RIS, MEDLINE, WoS): its first line and its tags."""

    @property
    def line(self) -> int:
        """The line the record starts on."""

    @property
    def tags(self) -> Mapping[str, Sequence[str]]:
        """Tag -> values as read."""


def tagged_citation(
    record: R, mapper: Callable[[R], Fields], position: int, source: str, warnings: list[str]
) -> Citation:
    """The citation of one tagged record: fields by ``mapper``, every tag kept in ``raw``."""
    return to_citation(
        mapper(record),
        position=position,
        line=record.line,
        raw=dict(record.tags),
        source=source,
        warnings=warnings,
    )


def tagged_citations(
    records: Iterable[R], mapper: Callable[[R], Fields], source: str, warnings: list[str]
) -> list[Citation]:
    """Citations of tagged records (:func:`tagged_citation` of each, in order)."""
    return [
        tagged_citation(record, mapper, position, source, warnings)
        for position, record in enumerate(records, start=1)
    ]
