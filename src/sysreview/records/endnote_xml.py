"""EndNote XML (``<xml><records><record>``), parsed with :mod:`defusedxml` only.

Every text value may be wrapped in ``<style face=... font=... size=...>`` elements; the
text of an element is the concatenation of all text inside it.
"""

from __future__ import annotations

import re
from typing import Any
from xml.etree.ElementTree import Element, ParseError

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.records.normalise import Fields, to_citation

_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>")


def parse_xml(text: str, source: str) -> Element:
    r"""Parse XML safely (no entities, no external references).

    Raises
    ------
    InputError
        For invalid XML, naming its line (and column in the message), or for XML that
        uses entity declarations or external references.

    Examples
    --------
    >>> parse_xml("<a>\n<b></a>", "x.xml")
    Traceback (most recent call last):
    ...
    sysreview.errors.InputError: x.xml, line 2: invalid XML: mismatched tag: line 2, column 5
    """
    try:
        root: Element = SafeET.fromstring(_DECLARATION.sub("", text))
    except ParseError as exc:
        line, column = exc.position
        raise InputError(
            f"invalid XML: {str(exc).split(':')[0]}: line {line}, column {column}",
            source=source,
            line=line,
            unit="line",
        ) from exc
    except DefusedXmlException as exc:
        raise InputError(f"XML refused for safety: {exc}", source=source) from exc
    return root


def text_of(element: Element | None) -> str | None:
    """All text inside ``element`` (``<style>`` wrappers flattened), or ``None``."""
    if element is None:
        return None
    text = "".join(element.itertext()).strip()
    return text or None


def _all(record: Element, path: str) -> list[str]:
    return [t for t in (text_of(e) for e in record.findall(path)) if t]


def endnote_fields(record: Element) -> Fields:
    """Map one EndNote ``<record>`` onto :class:`Fields`."""

    def one(*paths: str) -> str | None:
        for path in paths:
            value = text_of(record.find(path))
            if value:
                return value
        return None

    ref_type = record.find("ref-type")
    return Fields(
        record_id=one("accession-num", "rec-number"),
        title=one("titles/title"),
        authors=_all(record, "contributors/authors/author"),
        year=[("year", one("dates/year"), None), ("date", one("dates/pub-dates/date"), None)],
        journal=one("periodical/full-title", "titles/secondary-title", "titles/full-title"),
        journal_abbrev=one("periodical/abbr-1", "titles/alt-title", "alt-periodical/abbr-1"),
        volume=one("volume"),
        issue=one("number", "issue"),
        pages=one("pages"),
        doi=one("electronic-resource-num"),
        doi_text=_all(record, "urls/related-urls/url"),
        pmid_text=_all(record, "urls/related-urls/url"),
        abstract=one("abstract"),
        issn=one("isbn"),
        keywords=_all(record, "keywords/keyword"),
        language=one("language"),
        publication_type=ref_type.get("name") if ref_type is not None else None,
        url=one("urls/related-urls/url"),
        database=one("remote-database-name", "remote-database-provider"),
    )


def _raw(record: Element) -> dict[str, Any]:
    raw: dict[str, Any] = {}
    for element in record.iter():
        if len(element) == 0 or element.tag in {"title", "author", "year", "keyword"}:
            value = text_of(element)
            if value and element.tag != "style":
                raw.setdefault(element.tag, []).append(value)
    return raw


def read_endnote_xml(text: str, source: str = "<text>") -> tuple[list[Citation], list[str]]:
    """Read EndNote XML into citations (``line`` is ``None``: EndNote writes one line).

    Examples
    --------
    >>> xml = ('<xml><records><record><rec-number>7</rec-number><contributors><authors>'
    ...        '<author><style>Ziegler, T. R.</style></author></authors></contributors>'
    ...        '<titles><title><style>Perioperative support</style></title></titles>'
    ...        '<dates><year><style>1996</style></year></dates></record></records></xml>')
    >>> c = read_endnote_xml(xml)[0][0]
    >>> c.record_id, c.authors, c.title, c.year
    ('7', ('Ziegler, T. R.',), 'Perioperative support', 1996)
    """
    root = parse_xml(text, source)
    warnings: list[str] = []
    citations = [
        to_citation(
            endnote_fields(record),
            position=position,
            line=None,
            raw=_raw(record),
            source=source,
            warnings=warnings,
        )
        for position, record in enumerate(root.iter("record"), start=1)
    ]
    return citations, warnings
