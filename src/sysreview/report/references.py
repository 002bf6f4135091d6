r"""The report's references: CSL-JSON from the records, numbered and formatted by citeproc-py.

Each report of a study becomes one CSL-JSON item (:func:`csl_item`, from the record's
normalised fields: authors, title, journal, year, volume, issue, pages, DOI, PMID). The
items are formatted by citeproc-py with the bundled CSL style "NLM/Vancouver: Citing
Medicine" (citation-sequence, brackets; ``csl/``, CC BY-SA 3.0): references are numbered
in the order they are first cited, and the report cites every study it names with its
reports' numbers (``Cook 2012a [3,4]``). The lists are grouped per study, as Cochrane
reviews print them: references to included, excluded, awaiting and ongoing studies, each
study with all its reports.

A citation a data source gave only as text (no record in the project) is passed to the
style as a title-only item, so it is numbered and listed like the others, as given.

Examples
--------
>>> from sysreview.report.record import CitedStudy, Reference
>>> cook = CitedStudy("Cook 2012", (Reference(csl_item(
...     1, authors="Cook, Judith A.\nCopeland, Mary E.", title="WRAP: a randomized trial",
...     journal="Psychiatr Serv", year=2012, volume="63", issue="6", pages="541-547")),))
>>> refs = References({"included": (cook,)})
>>> refs.cite("Cook 2012")
'[1]'
>>> refs.entries("included")[0].items[0].text
'Cook JA, Copeland ME. WRAP: a randomized trial. Psychiatr Serv. 2012;63(6):541–7.'
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any

from .record import CitedStudy, Reference

STYLE = Path(__file__).with_name("csl") / "nlm-citation-sequence-brackets.csl"
"""The bundled CSL style (see ``csl/README.md`` for its source and licence)."""
GROUPS = ("included", "excluded", "awaiting", "ongoing")
"""The reference lists, in the order they are numbered."""
GROUP_TITLES = {
    "included": "References to studies included in this review",
    "excluded": "References to studies excluded from this review",
    "awaiting": "References to studies awaiting classification",
    "ongoing": "References to ongoing studies",
}

_TYPES = (
    ("thesis", "thesis"),
    ("dissertation", "thesis"),
    ("conference", "paper-conference"),
    ("congress", "paper-conference"),
    ("book", "book"),
    ("chapter", "chapter"),
    ("report", "report"),
    ("trial registr", "dataset"),
)


def _names(authors: str | None) -> list[dict[str, str]]:
    """CSL names from ``"Surname, Given"`` per line.

    A line without a comma is a literal name (a group author).
    """
    out: list[dict[str, str]] = []
    for line in (authors or "").splitlines():
        line = line.strip()
        if not line:
            continue
        family, comma, given = line.partition(",")
        if comma and family.strip():
            out.append({"family": family.strip(), "given": given.strip()})
        else:
            out.append({"literal": line})
    return out


def _type(journal: str | None, publication_type: str | None) -> str:
    kind = (publication_type or "").casefold()
    for word, csl in _TYPES:
        if word in kind:
            return csl
    return "article-journal" if journal else "article"


def csl_item(
    record_id: int,
    *,
    authors: str | None = None,
    title: str | None = None,
    journal: str | None = None,
    journal_abbrev: str | None = None,
    year: int | None = None,
    volume: str | None = None,
    issue: str | None = None,
    pages: str | None = None,
    doi: str | None = None,
    pmid: str | None = None,
    url: str | None = None,
    publication_type: str | None = None,
) -> dict[str, Any]:
    r"""A CSL-JSON item from a record's normalised fields (``id`` is ``record-<id>``).

    The journal's abbreviation is used when the record has one (NLM style abbreviates
    journal titles); a URL only when there is neither DOI nor PMID.

    Examples
    --------
    >>> item = csl_item(7, authors="Smith, Ann\nWHO Group", year=2019, doi="10.1/x")
    >>> item["author"]
    [{'family': 'Smith', 'given': 'Ann'}, {'literal': 'WHO Group'}]
    >>> item["issued"], item["DOI"], item["type"]
    ({'date-parts': [[2019]]}, '10.1/x', 'article')
    """
    item: dict[str, Any] = {"id": f"record-{record_id}", "type": _type(journal, publication_type)}
    names = _names(authors)
    if names:
        item["author"] = names
    fields = {
        "title": title,
        "container-title": journal_abbrev or journal,
        "volume": volume,
        "issue": issue,
        "page": pages,
        "DOI": doi,
        "PMID": pmid,
        "URL": url if not (doi or pmid) else None,
    }
    item.update({k: v.strip() for k, v in fields.items() if v and v.strip()})
    if year is not None:
        item["issued"] = {"date-parts": [[int(year)]]}
    return item


@dataclass(frozen=True)
class Entry:
    """One numbered reference: its number and its formatted text (plain)."""

    number: int
    text: str


@dataclass(frozen=True)
class StudyEntries:
    """One study of a reference list and its numbered reports."""

    label: str
    items: tuple[Entry, ...]


@cache
def _style() -> Any:
    from citeproc import CitationStylesStyle

    return CitationStylesStyle(str(STYLE), validate=False)


_NUMBER = re.compile(r"^\s*(\d+)\.\s*")


class References:
    """The reference lists of a report, numbered in citation order (see the module notes).

    Parameters
    ----------
    groups
        ``group -> studies`` for the groups of :data:`GROUPS`, in the order the report
        first cites them.
    """

    def __init__(self, groups: Mapping[str, Sequence[CitedStudy]]) -> None:
        from citeproc import Citation, CitationItem, CitationStylesBibliography, formatter
        from citeproc.source.json import CiteProcJSON

        self.groups = {g: tuple(groups.get(g, ())) for g in GROUPS}
        items: list[dict[str, Any]] = []
        keys: dict[tuple[str, str], list[str]] = {}
        for group, studies in self.groups.items():
            for study in studies:
                ids = keys.setdefault((group, study.label), [])
                for ref in study.references:
                    item = _item(ref, len(items))
                    items.append(item)
                    ids.append(item["id"])
        self._keys = keys
        self._bib = CitationStylesBibliography(_style(), CiteProcJSON(items), formatter.plain)
        self._citations: dict[tuple[str, str], Any] = {}
        for key, ids in keys.items():
            if ids:
                citation = Citation([CitationItem(i) for i in ids])
                self._bib.register(citation)
                self._citations[key] = citation
        self._texts = [str(e) for e in self._bib.bibliography()]

    def cite(self, label: str, group: str = "included") -> str:
        """The citation of a study (``"[3,4]"``), ``""`` when it has no reference."""
        citation = self._citations.get((group, label))
        if citation is None:
            return ""
        return str(self._bib.cite(citation, lambda _item: None))

    def cited(self, label: str, group: str = "included") -> str:
        """The study's label followed by its citation (``"Cook 2012a [3]"``)."""
        mark = self.cite(label, group)
        return f"{label} {mark}" if mark else label

    def entries(self, group: str) -> tuple[StudyEntries, ...]:
        """The studies of one group with their numbered, formatted references."""
        out = []
        for study in self.groups[group]:
            ids = self._keys.get((group, study.label), [])
            refs = []
            for item_id in ids:
                number = self._number(item_id)
                text = _NUMBER.sub("", self._texts[number - 1], count=1)
                refs.append(Entry(number, text))
            out.append(StudyEntries(study.label, tuple(refs)))
        return tuple(out)

    def _number(self, item_id: str) -> int:
        return int(self._bib.items[self._bib.keys.index(item_id)].number)

    @property
    def count(self) -> int:
        """How many references are numbered."""
        return len(self._texts)


def _item(ref: Reference, index: int) -> dict[str, Any]:
    if ref.csl is not None:
        item = dict(ref.csl)
        item["id"] = f"{item.get('id', 'item')}#{index}"
        return item
    return {"id": f"text#{index}", "type": "article", "title": ref.text}


__all__ = ["GROUPS", "GROUP_TITLES", "STYLE", "Entry", "References", "StudyEntries", "csl_item"]
