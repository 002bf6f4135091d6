"""Reading the live services' answers: strict JSON, expected shapes, cleaned records.

An answer is parsed as JSON by :func:`~sysreview.records.jsontext.parse_json` (no ``NaN``,
no 4,300-digit numbers, no absurd nesting) and made storable
(:func:`~sysreview.text.storable_tree`: no NUL, no lone surrogate), so a saved payload
can always be written and imported. :class:`Answer` reads nodes by path: an object or a
list where the service documents one, else a :class:`LiveSearchError` naming the service
and the node; a leaf of an unexpected type counts as missing. Records are built through
:func:`~sysreview.records.normalise.to_citation`, so their text is cleaned exactly as an
imported file's is.
"""

from __future__ import annotations

from typing import Any

import httpx

from sysreview.errors import InputError, SysreviewError
from sysreview.records.jsontext import json_kind, parse_json
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, normalise_author, to_citation
from sysreview.text import storable_tree


class LiveSearchError(SysreviewError):
    """A service that could not be reached or answered with an error (names the service)."""


class Answer:
    """One JSON node of a service's answer, read by path.

    >>> a = Answer({"meta": {"count": 3}, "results": [{"id": "W1"}]}, "OpenAlex")
    >>> a.node("meta").number("count"), [r.text("id") for r in a.nodes("results")]
    (3, ['W1'])
    """

    def __init__(self, data: Any, service: str, where: str = "") -> None:
        self.data, self.service, self.where = data, service, where

    @classmethod
    def of(cls, response: httpx.Response, service: str) -> Answer:
        """The parsed body of a response."""
        try:
            data = parse_json(response.text, service)
        except InputError as exc:
            raise LiveSearchError(f"{service}: the answer is not valid JSON ({exc})") from None
        return cls(storable_tree(data)[0], service)

    def _path(self, key: str) -> str:
        return f"{self.where}.{key}" if self.where else key

    def _fail(self, key: str, value: Any, expected: str) -> LiveSearchError:
        return LiveSearchError(
            f"{self.service}: unexpected answer: {self._path(key) or 'the answer'} is "
            f"{json_kind(value)}, not {expected}"
        )

    def _get(self, key: str) -> Any:
        if not isinstance(self.data, dict):
            raise self._fail("", self.data, "an object")
        return self.data.get(key)

    def node(self, key: str) -> Answer:
        """An object (empty when absent)."""
        value = self._get(key)
        if value is not None and not isinstance(value, dict):
            raise self._fail(key, value, "an object")
        return Answer(value or {}, self.service, self._path(key))

    def nodes(self, key: str) -> list[Answer]:
        """A list of objects (empty when absent)."""
        value = self._get(key)
        if value is None:
            return []
        if not isinstance(value, list) or not all(isinstance(v, dict) for v in value):
            raise self._fail(key, value, "a list of objects")
        return [Answer(v, self.service, f"{self._path(key)}[{i}]") for i, v in enumerate(value)]

    def raw(self, key: str) -> Any:
        """The value as it is (``None`` when absent)."""
        return self._get(key)

    def text(self, key: str) -> str | None:
        """A string (a number as text); ``None`` for anything else."""
        value = self._get(key)
        if isinstance(value, bool):
            return None
        return str(value) if isinstance(value, str | int | float) else None

    def texts(self, key: str) -> list[str]:
        """The strings of a list (or the string itself); other items left out."""
        value = self._get(key)
        items = value if isinstance(value, list) else [value]
        return [v for v in items if isinstance(v, str)]

    def number(self, key: str) -> int | None:
        """A whole number (``"12"`` too); ``None`` when absent or not one."""
        value = self._get(key)
        if isinstance(value, bool):
            return None
        if isinstance(value, int):
            return value
        if isinstance(value, str) and value.strip().isdigit() and len(value) < 20:
            return int(value)
        return None


def citation(fields: Fields, position: int, service: str) -> Citation:
    """A record of a service's answer, cleaned as an imported record is."""
    return to_citation(fields, position=position, line=None, raw={}, source=service, warnings=[])


def europepmc_citation(item: Answer, position: int) -> Citation:
    """One Europe PMC ``core`` result."""
    journal = item.node("journalInfo")
    authors = [
        normalise_author(a) or a.strip()
        for a in (item.text("authorString") or "").rstrip(".").split(",")
        if a.strip()
    ]
    source, ident = item.text("source") or "", item.text("id") or ""
    fields = Fields(
        record_id=f"{source}:{ident}",
        title=item.text("title"),
        authors=authors,
        year=[
            ("pubYear", item.text("pubYear"), None),
            ("yearOfPublication", journal.text("yearOfPublication"), None),
        ],
        journal=journal.node("journal").text("title"),
        volume=journal.text("volume"),
        issue=journal.text("issue"),
        pages=item.text("pageInfo"),
        doi=item.text("doi"),
        pmid=item.text("pmid"),
        abstract=item.text("abstractText"),
    )
    return citation(fields, position, "Europe PMC")


def _abstract(inverted: Any) -> str | None:
    """OpenAlex's inverted index (word -> positions) as text; odd entries left out."""
    if not isinstance(inverted, dict):
        return None
    spots = sorted(
        (i, word)
        for word, places in inverted.items()
        if isinstance(places, list)
        for i in places
        if isinstance(i, int) and not isinstance(i, bool)
    )
    return " ".join(word for _, word in spots) or None


def openalex_citation(work: Answer, position: int) -> Citation:
    """One OpenAlex work."""
    biblio = work.node("biblio")
    first, last = biblio.text("first_page"), biblio.text("last_page")
    pages = f"{first}-{last}" if first and last and first != last else first
    authors = [a.node("author").text("display_name") for a in work.nodes("authorships")]
    ident = (work.text("id") or "").rsplit("/", 1)[-1]
    fields = Fields(
        record_id=ident or None,
        title=work.text("title") or work.text("display_name"),
        authors=[a for a in authors if a],
        year=[("publication_year", work.text("publication_year"), None)],
        journal=work.node("primary_location").node("source").text("display_name"),
        volume=biblio.text("volume"),
        issue=biblio.text("issue"),
        pages=pages,
        doi=work.text("doi"),
        pmid_text=[work.node("ids").text("pmid")],
        abstract=_abstract(work.raw("abstract_inverted_index")),
    )
    return citation(fields, position, "OpenAlex")


def crossref_citation(item: Answer, position: int) -> Citation:
    """One Crossref work (the ``message`` of ``/works/{doi}``)."""
    authors = [
        f"{a.text('family')}, {a.text('given')}" if a.text("given") else a.text("family")
        for a in item.nodes("author")
        if a.text("family")
    ]
    parts = item.node("issued").raw("date-parts")  # [[year, month, day]]
    first = parts[0] if isinstance(parts, list) and parts else None
    year = first[0] if isinstance(first, list) and first else None
    fields = Fields(
        title=" ".join(item.texts("title")) or None,
        authors=authors,
        year=[("issued", year if isinstance(year, int) else None, None)],
        journal=" ".join(item.texts("container-title")) or None,
        volume=item.text("volume"),
        issue=item.text("issue"),
        pages=item.text("page"),
        doi=item.text("DOI"),
    )
    return citation(fields, position, "Crossref")


__all__ = [
    "Answer",
    "LiveSearchError",
    "crossref_citation",
    "europepmc_citation",
    "openalex_citation",
]
