"""The bibliographic record every reader produces and every later step consumes."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Citation:
    """One bibliographic record as read from an export file, before de-duplication.

    Attributes
    ----------
    position
        1-based place of the record in its file.
    line
        Line of the file where the record starts (for error messages and review).
    record_id
        An identifier the file itself carries (``ID``/``record_id`` column, accession
        number, RIS ``ID``), if any.
    title, authors, year, journal, volume, issue, pages, doi, pmid, abstract
        The fields used for screening and de-duplication; ``authors`` as written
        ("Surname, Given"), ``doi`` lower-cased without ``https://doi.org/``.
    journal_abbrev, issn, keywords, language, publication_type, url, database
        Further fields where the export has them.
    raw
        Every field as read (tag or column name -> value or list of values), so nothing
        in the file is lost.
    """

    position: int
    line: int | None = None
    record_id: str | None = None
    title: str | None = None
    authors: tuple[str, ...] = ()
    year: int | None = None
    journal: str | None = None
    journal_abbrev: str | None = None
    volume: str | None = None
    issue: str | None = None
    pages: str | None = None
    doi: str | None = None
    pmid: str | None = None
    abstract: str | None = None
    issn: str | None = None
    keywords: tuple[str, ...] = ()
    language: str | None = None
    publication_type: str | None = None
    url: str | None = None
    database: str | None = None
    raw: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)
