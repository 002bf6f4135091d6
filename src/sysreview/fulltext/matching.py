"""Matching full-text PDFs to records: by DOI or PMID first, then by title; never a guess.

Evidence is tried from the strongest to the weakest, and the first kind that points at
any record decides:

1. a DOI or PMID in the PDF's document information (``/doi``, ``/Subject``...);
2. a DOI or PMID in the file name (``10.1000_abc123.pdf``, ``pmid_12345678.pdf``);
3. a DOI or PMID on the first page (the article's own DOI is printed there; later pages
   hold the references, whose DOIs would point at other records);
4. the title in the document information, compared with each record's title
   (``rapidfuzz.fuzz.ratio`` of the normalised titles);
5. the record's title found on the first page (``rapidfuzz.fuzz.partial_ratio``, for
   titles of at least :data:`MIN_TITLE_WORDS` words).

When that evidence points at exactly one record (a duplicate group counts as one), the
PDF is *matched*; when it points at several, it is *ambiguous* and every candidate is
reported; a PDF pointing nowhere is *unmatched*. Title scores must reach the threshold
(:data:`TITLE_THRESHOLD`, 0-100); titles are normalised as de-duplication normalises
them (:func:`sysreview.dedup.normalise.normalise_title`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from sysreview.dedup.normalise import normalise_text, normalise_title
from sysreview.fulltext.pdf import PdfText
from sysreview.records.normalise import clean_doi

MATCH_STATUSES = ("matched", "ambiguous", "unmatched")
TITLE_THRESHOLD = 95.0
"""The least title similarity (0-100) that counts as a match."""
MIN_TITLE_WORDS = 5
"""Titles shorter than this are not searched for in page text (too many chance hits)."""
PAGE_CHARS = 6000
"""Characters of the first page compared with titles."""

_DOI = re.compile(r"10\.\d{4,9}/[^\s\"<>]+")
_PMID = re.compile(r"\bPMID\s*:?\s*(\d{1,9})\b", re.IGNORECASE)
_PMID_NAME = re.compile(r"(?:pmid[\s_-]*)?(\d{1,9})", re.IGNORECASE)
_COPY_MARK = re.compile(r"[\s_-]*\(\d+\)$")


def dois_in(text: str) -> tuple[str, ...]:
    """The DOIs in ``text``, cleaned (lower case, no trailing punctuation), in order.

    >>> dois_in("Trials 2020;21:5. doi:10.1186/S13063-020-1.  (see 10.1000/x(1)2).")
    ('10.1186/s13063-020-1', '10.1000/x(1)2')
    """
    found: dict[str, None] = {}
    for match in _DOI.finditer(text):
        raw = match.group(0)
        while raw.endswith(")") and raw.count(")") > raw.count("("):
            raw = raw[:-1]
        doi = clean_doi(raw)
        if doi:
            found.setdefault(doi.rstrip(".,;:)]"), None)
    return tuple(found)


def pmids_in(text: str) -> tuple[str, ...]:
    """The PubMed IDs written as ``PMID: n`` in ``text``, in order.

    >>> pmids_in("PMID: 31234567; PMCID: PMC123. pmid 0042")
    ('31234567', '42')
    """
    found = (m.group(1).lstrip("0") for m in _PMID.finditer(text))
    return tuple(dict.fromkeys(p for p in found if p))


@dataclass(frozen=True)
class RecordKeys:
    """What one screening unit can be matched by.

    ``unit`` is the record id the full text is attached to (a duplicate group's
    representative); ``dois``, ``pmids`` and ``titles`` are those of every copy.
    """

    unit: int
    dois: frozenset[str] = frozenset()
    pmids: frozenset[str] = frozenset()
    titles: tuple[str, ...] = ()


@dataclass(frozen=True)
class PdfMatch:
    """How one PDF matched: its status, the record(s), by what, and the evidence.

    ``units`` holds the one matched record, or every candidate of an ambiguous match.
    ``by`` names the evidence (``"doi in file name"``, ``"title on first page"``...);
    ``evidence`` the identifier or title score that decided.
    """

    name: str
    status: str
    units: tuple[int, ...] = ()
    by: str | None = None
    evidence: str | None = None

    @property
    def unit(self) -> int | None:
        """The matched record, or ``None`` unless matched."""
        return self.units[0] if self.status == "matched" else None

    def summary(self) -> str:
        """One line, e.g. ``"a.pdf: matched record 12 by doi in file name (10.1/x)"``."""
        if self.status == "unmatched":
            return f"{self.name}: no record matched"
        ids = ", ".join(map(str, self.units))
        what = f"record {ids}" if self.status == "matched" else f"records {ids}"
        return f"{self.name}: {self.status} {what} by {self.by} ({self.evidence})"


class RecordIndex:
    """The records' identifiers and titles, indexed once for matching many PDFs."""

    def __init__(self, keys: Iterable[RecordKeys]) -> None:
        self.by_doi: dict[str, set[int]] = {}
        self.by_name: dict[str, set[int]] = {}
        self.by_pmid: dict[str, set[int]] = {}
        self.titles: dict[tuple[int, int], str] = {}
        self.long_titles: dict[tuple[int, int], str] = {}
        for key in keys:
            for doi in key.dois:
                self.by_doi.setdefault(doi, set()).add(key.unit)
                for sep in ("_", "-", "%2f", "+"):
                    self.by_name.setdefault(doi.replace("/", sep), set()).add(key.unit)
            for pmid in key.pmids:
                self.by_pmid.setdefault(pmid, set()).add(key.unit)
            for i, title in enumerate(key.titles):
                norm = normalise_title(title)
                if norm:
                    self.titles[key.unit, i] = norm
                    if len(norm.split()) >= MIN_TITLE_WORDS:
                        self.long_titles[key.unit, i] = norm

    def identifiers(self, dois: Iterable[str], pmids: Iterable[str]) -> tuple[set[int], str]:
        """The units the identifiers point at, and the identifiers that did."""
        units: set[int] = set()
        hits: list[str] = []
        for doi in dois:
            if doi in self.by_doi:
                units |= self.by_doi[doi]
                hits.append(doi)
        for pmid in pmids:
            if pmid in self.by_pmid:
                units |= self.by_pmid[pmid]
                hits.append(f"PMID {pmid}")
        return units, ", ".join(hits)

    def file_name(self, name: str) -> tuple[set[int], str]:
        """The units a file name's DOI (``/`` written as ``_``, ``-``...) or PMID names."""
        stem = _COPY_MARK.sub("", PurePath(name).stem.strip().lower())
        units: set[int] = set()
        hits: list[str] = []
        for start in (m.start() for m in re.finditer(r"10\.\d", stem)):
            for candidate in (stem[start:], stem[start:].replace("_", "/", 1)):
                if candidate in self.by_name or candidate in self.by_doi:
                    units |= self.by_name.get(candidate, set()) | self.by_doi.get(candidate, set())
                    hits.append(candidate)
                    break
        pmid = _PMID_NAME.fullmatch(stem)
        if pmid and pmid.group(1).lstrip("0") in self.by_pmid:
            units |= self.by_pmid[pmid.group(1).lstrip("0")]
            hits.append(f"PMID {pmid.group(1).lstrip('0')}")
        return units, ", ".join(hits)

    def title(self, text: str, *, partial: bool, threshold: float) -> tuple[set[int], str]:
        """The units whose title scores at least ``threshold`` against ``text``."""
        from rapidfuzz import fuzz, process

        query = normalise_text(text) if partial else normalise_title(text)
        choices = self.long_titles if partial else self.titles
        if not query or not choices:
            return set(), ""
        scorer = fuzz.partial_ratio if partial else fuzz.ratio
        found = process.extract(query, choices, scorer=scorer, score_cutoff=threshold,
                                limit=None)  # fmt: skip
        units = {key[0] for _, _, key in found}
        best = max((score for _, score, _ in found), default=0.0)
        return units, f"title similarity {best:.0f}" if units else ""


def _page_one(pdf: PdfText) -> str:
    text = pdf.pages[0] if pdf.pages else ""
    return re.sub(r"(?<=[a-z])-\n(?=[a-z])", "", text[:PAGE_CHARS])


def _evidence(
    records: RecordIndex, name: str, pdf: PdfText, threshold: float
) -> Iterator[tuple[str, tuple[set[int], str]]]:
    """Each kind of evidence, strongest first, computed only when asked for."""
    info = " ".join(pdf.info.values())
    page = _page_one(pdf)
    yield "doi or pmid in document info", records.identifiers(dois_in(info), pmids_in(info))
    yield "doi or pmid in file name", records.file_name(name)
    yield "doi or pmid on first page", records.identifiers(dois_in(page), pmids_in(page))
    title = pdf.info.get("Title", "")
    yield "title in document info", records.title(title, partial=False, threshold=threshold)
    yield "title on first page", records.title(page, partial=True, threshold=threshold)


def match_pdf(
    name: str,
    pdf: PdfText,
    index: RecordIndex | Sequence[RecordKeys],
    *,
    threshold: float = TITLE_THRESHOLD,
) -> PdfMatch:
    """Match one PDF (its file ``name`` and text) to the records of ``index``.

    Parameters
    ----------
    name
        The file's name (its DOI or PMID may be written there).
    pdf
        Its text (:func:`sysreview.fulltext.read_pdf`, the first pages suffice).
    index
        The records (a :class:`RecordIndex`, or the :class:`RecordKeys` to build one).
    threshold
        The least title similarity (0-100) that counts.

    Returns
    -------
    PdfMatch
        Matched (one record), ambiguous (several, all listed) or unmatched.

    Examples
    --------
    >>> keys = [RecordKeys(1, frozenset({"10.1000/a1"})),
    ...         RecordKeys(2, titles=("Group peer support for depression in older adults",))]
    >>> blank = PdfText(("",), {}, 1)
    >>> match_pdf("10.1000_a1.pdf", blank, keys).summary()
    '10.1000_a1.pdf: matched record 1 by doi or pmid in file name (10.1000_a1)'
    >>> page = PdfText(("Group peer support for depression in older adults: a trial",), {}, 1)
    >>> match_pdf("x.pdf", page, keys).unit
    2
    """
    if not 0 < threshold <= 100:
        raise ValueError(f"threshold must be in (0, 100], not {threshold}")
    records = index if isinstance(index, RecordIndex) else RecordIndex(index)
    for by, (units, evidence) in _evidence(records, name, pdf, threshold):
        if units:
            status = "matched" if len(units) == 1 else "ambiguous"
            return PdfMatch(name, status, tuple(sorted(units)), by, evidence)
    return PdfMatch(name, "unmatched")


__all__ = [
    "MATCH_STATUSES",
    "MIN_TITLE_WORDS",
    "TITLE_THRESHOLD",
    "PdfMatch",
    "RecordIndex",
    "RecordKeys",
    "dois_in",
    "match_pdf",
    "pmids_in",
]
