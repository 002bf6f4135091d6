"""Piloting a search: which of the review's known "model" papers a result set contains.

The seed review checked its PsycINFO strategy against model papers it already knew; a
strategy that misses one of them is revised. Papers are named by DOI or PMID; a record
matches by either (DOIs compared case-insensitively without ``https://doi.org/``).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

import pandas as pd

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import clean_pmid, find_doi, find_pmid


@dataclass(frozen=True)
class ModelPaper:
    """A known relevant paper: its identifier as given, and its DOI or PMID."""

    given: str
    doi: str | None
    pmid: str | None


def model_paper(identifier: str) -> ModelPaper:
    """Parse ``10.1000/xyz``, ``https://doi.org/...``, ``PMID: 123`` or ``123``.

    Examples
    --------
    >>> model_paper("https://doi.org/10.1186/S12888-021-03321-Z").doi
    '10.1186/s12888-021-03321-z'
    >>> model_paper("PMID: 36066104").pmid
    '36066104'

    Raises
    ------
    InputError
        When the text is neither a DOI nor a PMID.
    """
    text = identifier.strip()
    doi = find_doi(text)
    if doi is not None:
        return ModelPaper(text, doi, None)
    pmid = clean_pmid(text) or find_pmid(text)
    if pmid is None:
        raise InputError(f"model paper {identifier!r} is neither a DOI nor a PMID")
    return ModelPaper(text, None, pmid)


@dataclass(frozen=True)
class PilotReport:
    """Which model papers a result set found (with the matching record) and which it missed."""

    found: tuple[tuple[ModelPaper, Citation], ...]
    missed: tuple[ModelPaper, ...]

    @property
    def complete(self) -> bool:
        """Whether every model paper was found."""
        return not self.missed

    def to_frame(self) -> pd.DataFrame:
        """One row per model paper: identifier, found, record position and title."""
        rows = [
            {"paper": p.given, "found": True, "record": c.position, "title": c.title}
            for p, c in self.found
        ] + [{"paper": p.given, "found": False, "record": None, "title": None} for p in self.missed]
        return pd.DataFrame(rows, columns=["paper", "found", "record", "title"])

    def summary(self) -> str:
        """``found n of m`` and the missed papers, one a line."""
        total = len(self.found) + len(self.missed)
        lines = [f"found {len(self.found)} of {total} model papers"]
        lines += [f"  missed: {p.given}" for p in self.missed]
        return "\n".join(lines)


def pilot(papers: Sequence[str], records: Iterable[Citation]) -> PilotReport:
    """Check a result set against the model papers.

    Examples
    --------
    >>> recs = [Citation(position=1, title="A trial", doi="10.1000/abc"),
    ...         Citation(position=2, title="B trial", pmid="123")]
    >>> pilot(["10.1000/ABC", "PMID 123", "10.9999/zzz"], recs).summary().splitlines()
    ['found 2 of 3 model papers', '  missed: 10.9999/zzz']
    """
    wanted = [model_paper(p) for p in papers]
    if not wanted:
        raise InputError("no model papers given: list their DOIs or PMIDs")
    by_doi: dict[str, Citation] = {}
    by_pmid: dict[str, Citation] = {}
    for record in records:
        if record.doi:
            by_doi.setdefault(record.doi.casefold(), record)
        if record.pmid:
            by_pmid.setdefault(record.pmid, record)
    found: list[tuple[ModelPaper, Citation]] = []
    missed: list[ModelPaper] = []
    for paper in wanted:
        hit = by_doi.get(paper.doi or "") if paper.doi else by_pmid.get(paper.pmid or "")
        if hit is None:
            missed.append(paper)
        else:
            found.append((paper, hit))
    return PilotReport(tuple(found), tuple(missed))


__all__ = ["ModelPaper", "PilotReport", "model_paper", "pilot"]
