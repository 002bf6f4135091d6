"""Links to a record's full text: its DOI, its PubMed entry and its own URL.

A DOI resolves at ``https://doi.org/`` (DOI Handbook 3.8: the proxy server takes the
DOI as the URL path, with characters outside the URL syntax percent-encoded), a PMID at
``https://pubmed.ncbi.nlm.nih.gov/<PMID>/``. A record's own URL is kept only when it is
an ``http``/``https`` URL with a host, so no ``javascript:`` or ``file:`` link from an
imported file ever reaches a card or a sheet.

References
----------
International DOI Foundation. DOI Handbook, section 3.8.3 (DOI proxy server), 2023.
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, urlsplit

from sysreview.records.normalise import clean_doi


@dataclass(frozen=True)
class RecordLink:
    """A labelled link: ``label`` is ``DOI``, ``PubMed`` or ``URL``."""

    label: str
    url: str


def web_url(url: str | None) -> str | None:
    """``url`` if it is an http(s) URL with a host (and no spaces), else ``None``.

    >>> web_url("https://example.org/a.pdf"), web_url("javascript:alert(1)"), web_url(None)
    ('https://example.org/a.pdf', None, None)
    """
    if not url:
        return None
    text = url.strip()
    parts = urlsplit(text)
    if (
        parts.scheme.lower() not in ("http", "https")
        or not parts.netloc
        or any(c.isspace() or ord(c) < 32 for c in text)
    ):
        return None
    return text


def doi_url(doi: str | None) -> str | None:
    """The resolver URL of a DOI (``None`` when it is not one).

    >>> doi_url("doi:10.1002/(SICI)1097-0258<3.0.CO;2-#")
    'https://doi.org/10.1002/(SICI)1097-0258%3C3.0.CO;2-%23'
    """
    cleaned = clean_doi(doi)
    if cleaned is None or not cleaned.startswith("10."):
        return None
    # clean_doi lower-cases; DOIs are case-insensitive (Handbook 2.4), so either resolves
    original = doi.strip() if doi else cleaned
    start = original.lower().find(cleaned)
    shown = original[start : start + len(cleaned)] if start >= 0 else cleaned
    return "https://doi.org/" + quote(shown, safe="/;:()._-")


def pubmed_url(pmid: str | None) -> str | None:
    """The PubMed page of a PMID (digits only).

    >>> pubmed_url("31234567"), pubmed_url("PMC123")
    ('https://pubmed.ncbi.nlm.nih.gov/31234567/', None)
    """
    if not pmid or not pmid.strip().isdigit():
        return None
    return f"https://pubmed.ncbi.nlm.nih.gov/{pmid.strip()}/"


def record_links(doi: str | None, pmid: str | None, url: str | None) -> tuple[RecordLink, ...]:
    """A record's links, DOI first; the record's URL left out when it is one of them.

    >>> [link.label for link in record_links("10.5555/a", "123", "https://x.org/a")]
    ['DOI', 'PubMed', 'URL']
    >>> record_links(None, None, "https://doi.org/10.5555/a")[0].label
    'URL'
    """
    links = [
        RecordLink(label, target)
        for label, target in (("DOI", doi_url(doi)), ("PubMed", pubmed_url(pmid)))
        if target
    ]
    own = web_url(url)
    if own and own not in {link.url for link in links}:
        links.append(RecordLink("URL", own))
    return tuple(links)


__all__ = ["RecordLink", "doi_url", "pubmed_url", "record_links", "web_url"]
