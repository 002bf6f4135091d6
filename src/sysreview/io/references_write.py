"""Records and their screening decisions written as RIS, BibTeX or CSV.

One :class:`Reference` per screening unit (a record with its duplicates counted once):
its bibliographic fields, the settled decision and exclusion reason of each stage and a
status in words (``included``, ``excluded at title/abstract``, ``excluded at full text``,
``awaiting full text``, ``in screening``). The decisions travel with the record the way
reference managers keep them: RIS ``N1`` notes and ``KW`` keywords
(``sysreview:included``, ``sysreview:excluded``, ``sysreview:reason:<reason>``), BibTeX
``note`` and ``keywords``, CSV columns. RIS is written by :mod:`rispy` (its header line
left out, which no other RIS writer puts there), BibTeX by :mod:`bibtexparser`, CSV by
:mod:`csv` with every cell through :func:`sysreview.cells.safe_row` (no spreadsheet
formula from a record's text). Text is made one line where the format needs it, and
control characters are left out. Pure: text out, no files.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from dataclasses import dataclass

import rispy
from bibtexparser.bibdatabase import BibDatabase
from bibtexparser.bwriter import BibTexWriter

from sysreview.cells import safe_row
from sysreview.text import strip_controls

__all__ = ["CSV_COLUMNS", "FORMATS", "PlainRisWriter", "Reference", "ris_text", "write_references"]

FORMATS = ("ris", "bibtex", "csv")
CSV_COLUMNS = (
    "record_id", "status", "ta_decision", "ta_reason", "ft_decision", "ft_reason", "title",
    "authors", "year", "journal", "volume", "issue", "pages", "doi", "pmid", "issn",
    "abstract", "keywords", "url", "database",
)  # fmt: skip
_SPACES = re.compile(r"\s+")
_BIB_UNSAFE = re.compile(r"[{}\\]")


@dataclass(frozen=True)
class Reference:
    """A record (one screening unit) and where screening left it."""

    record_id: int
    title: str | None
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    issn: str | None = None
    abstract: str | None = None
    keywords: tuple[str, ...] = ()
    url: str | None = None
    database: str | None = None
    ta_decision: str | None = None
    ta_reason: str | None = None
    ft_decision: str | None = None
    ft_reason: str | None = None
    status: str = "in screening"

    @property
    def reason(self) -> str | None:
        """The reason of the exclusion that decided the status (full text first)."""
        if self.ft_decision == "exclude":
            return self.ft_reason
        return self.ta_reason if self.ta_decision == "exclude" else None

    def note(self) -> str:
        """The decisions in words.

        E.g. ``"sysreview: excluded at full text (reason: wrong population);
        title/abstract include"``.
        """
        text = f"sysreview: {self.status}"
        if self.reason:
            text += f" (reason: {self.reason})"
        stages = [(s, d) for s, d in (("title/abstract", self.ta_decision),
                                      ("full text", self.ft_decision)) if d]  # fmt: skip
        if stages:
            text += "; " + ", ".join(f"{s} {d}" for s, d in stages)
        return _line(text)

    def tags(self) -> list[str]:
        """Keywords carrying the status.

        ``sysreview:included`` or ``sysreview:excluded`` (with
        ``sysreview:reason:<reason>``), else ``sysreview:undecided``.
        """
        if self.status == "included":
            return ["sysreview:included"]
        if self.status.startswith("excluded"):
            why = [f"sysreview:reason:{_line(self.reason)}"] if self.reason else []
            return ["sysreview:excluded", *why]
        return ["sysreview:undecided"]


def _line(text: str | None) -> str:
    return "" if text is None else _SPACES.sub(" ", strip_controls(text)).strip()


def _pages(pages: str | None) -> tuple[str | None, str | None]:
    if not pages:
        return None, None
    first, _, last = _line(pages).partition("-")
    return first.strip() or None, last.strip() or None


class PlainRisWriter(rispy.RisWriter):  # type: ignore[misc]  # rispy ships no types
    """rispy's writer without the ``1.`` line it puts before each reference."""

    def set_header(self, count: int) -> str:
        """No header line before a reference (rispy writes ``1.``)."""
        return ""


def _ris(refs: Sequence[Reference]) -> str:
    entries: list[dict[str, object]] = []
    for r in refs:
        start, end = _pages(r.pages)
        entry: dict[str, object] = {
            "type_of_reference": "JOUR",
            "id": str(r.record_id),
            "title": _line(r.title),
            "authors": [_line(a) for a in r.authors if _line(a)],
            "year": str(r.year) if r.year else None,
            "secondary_title": _line(r.journal) or None,
            "volume": _line(r.volume) or None,
            "number": _line(r.issue) or None,
            "start_page": start,
            "end_page": end,
            "doi": _line(r.doi) or None,
            "accession_number": _line(r.pmid) or None,
            "issn": _line(r.issn) or None,
            "abstract": _line(r.abstract) or None,
            "keywords": [k for k in (_line(k) for k in r.keywords) if k] + r.tags(),
            "urls": [_line(r.url)] if r.url else None,
            "name_of_database": _line(r.database) or None,
            "notes": [r.note()],
        }
        entries.append({k: v for k, v in entry.items() if v not in (None, "", [])})
    return ris_text(entries)


def ris_text(entries: list[dict[str, object]]) -> str:
    """Rispy's RIS of ``entries`` without its numbering and blank lines."""
    text: str = rispy.dumps(entries, implementation=PlainRisWriter)
    return "\n".join(line for line in text.split("\n") if line.strip() != "") + "\n"


def _bib(text: str | None) -> str:
    """Braces and backslashes would change BibTeX's grouping: left out."""
    return _BIB_UNSAFE.sub("", _line(text))


def _bibtex(refs: Sequence[Reference]) -> str:
    db = BibDatabase()
    for r in refs:
        entry = {
            "ENTRYTYPE": "article",
            "ID": f"record{r.record_id}",
            "title": _bib(r.title),
            "author": " and ".join(_bib(a) for a in r.authors if _bib(a)),
            "year": str(r.year) if r.year else "",
            "journal": _bib(r.journal),
            "volume": _bib(r.volume),
            "number": _bib(r.issue),
            "pages": _bib(r.pages),
            "doi": _bib(r.doi),
            "pmid": _bib(r.pmid),
            "issn": _bib(r.issn),
            "abstract": _bib(r.abstract),
            "url": _bib(r.url),
            "keywords": ", ".join([_bib(k) for k in r.keywords if _bib(k)] + r.tags()),
            "note": _bib(r.note()),
        }
        db.entries.append({k: v for k, v in entry.items() if v})
    writer = BibTexWriter()
    writer.order_entries_by = None
    out: str = writer.write(db)
    return out


def _csv(refs: Sequence[Reference]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\r\n")
    w.writerow(CSV_COLUMNS)
    for r in refs:
        w.writerow(
            safe_row(
                [r.record_id, r.status, r.ta_decision or "", _line(r.ta_reason),
                 r.ft_decision or "", _line(r.ft_reason), _line(r.title),
                 "; ".join(_line(a) for a in r.authors), r.year or "", _line(r.journal),
                 _line(r.volume), _line(r.issue), _line(r.pages), _line(r.doi),
                 _line(r.pmid), _line(r.issn), _line(r.abstract),
                 "; ".join(_line(k) for k in r.keywords), _line(r.url),
                 _line(r.database)]
            )
        )  # fmt: skip
    return buf.getvalue()


def write_references(refs: Sequence[Reference], fmt: str) -> str:
    """``refs`` as text of format ``fmt`` (one of :data:`FORMATS`).

    Examples
    --------
    >>> ref = Reference(7, "=HYPERLINK(1)", ("Doe, J",), 2020, ft_decision="exclude",
    ...                 ft_reason="wrong population", status="excluded at full text")
    >>> write_references([ref], "csv").splitlines()[1][:40]
    '7,excluded at full text,,,exclude,wrong '
    >>> "'=HYPERLINK(1)" in write_references([ref], "csv")
    True
    >>> print(write_references([ref], "ris").splitlines()[0])
    TY  - JOUR

    Raises
    ------
    ValueError
        ``fmt`` is not one of :data:`FORMATS`.
    """
    writers = {"ris": _ris, "bibtex": _bibtex, "csv": _csv}
    if fmt not in writers:
        raise ValueError(f"format {fmt!r}: must be one of {', '.join(FORMATS)}")
    return writers[fmt](refs)
