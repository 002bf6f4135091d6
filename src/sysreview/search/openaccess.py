"""Open-access copies of a record's full text, looked up by DOI.

Three services are asked, each through the polite :class:`~sysreview.search.live.ApiClient`
(rate limits, retries with backoff, the reviewer's contact e-mail):

- **Unpaywall** ``GET https://api.unpaywall.org/v2/{doi}?email=...``: ``oa_locations``,
  each with ``url``, ``url_for_pdf``, ``host_type`` (publisher, repository), ``version``
  (submittedVersion, acceptedVersion, publishedVersion) and ``license``. Unpaywall asks
  for an e-mail address with every request and answers 404 for a DOI it does not know.
- **OpenAlex** ``GET https://api.openalex.org/works/doi:{doi}?mailto=...``: the work's
  ``locations`` with ``is_oa``, ``landing_page_url``, ``pdf_url``, ``source.display_name``,
  ``version`` and ``license``; 404 for an unknown DOI.
- **Europe PMC** ``GET .../rest/search?query=DOI:"{doi}"&resultType=core&format=json``:
  the result's ``fullTextUrlList.fullTextUrl`` entries whose ``availabilityCode`` is
  ``OA`` or ``F`` (free), with ``documentStyle`` (pdf, html) and ``site``.

Only ``http``/``https`` URLs are kept (a ``javascript:`` link in an answer is dropped),
each URL once. A service that fails is named in :attr:`OaLookup.problems`; the others
still answer. Downloading is a separate, explicit step (:func:`download_pdf`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from urllib.parse import quote

from sysreview.records.links import web_url
from sysreview.records.normalise import clean_doi
from sysreview.search.live import EUROPEPMC, OPENALEX, ApiClient
from sysreview.search.responses import Answer, LiveSearchError

UNPAYWALL = "https://api.unpaywall.org/v2"
OA_SERVICES = ("unpaywall", "openalex", "europepmc")
"""The open-access services by name, in the order they are asked."""
_NAMES = {"unpaywall": "Unpaywall", "openalex": "OpenAlex", "europepmc": "Europe PMC"}


@dataclass(frozen=True)
class OaLocation:
    """One place a free full text can be read.

    ``url`` is the landing page (or the PDF itself when that is all there is),
    ``pdf_url`` a direct PDF link if the service gives one; ``host`` the publisher,
    repository or site; ``version`` the manuscript version; ``license`` e.g. ``cc-by``.
    """

    service: str
    url: str
    pdf_url: str | None = None
    host: str | None = None
    version: str | None = None
    license: str | None = None

    def summary(self) -> str:
        """One line: the PDF (or page) URL with what is known about it."""
        about = ", ".join(x for x in (self.service, self.host, self.version, self.license) if x)
        return f"{self.pdf_url or self.url}  ({about})"


@dataclass(frozen=True)
class OaLookup:
    """What the services said about one DOI: the locations, and services that failed."""

    doi: str
    locations: tuple[OaLocation, ...]
    problems: tuple[str, ...] = ()

    @property
    def pdf_urls(self) -> tuple[str, ...]:
        """The direct PDF links, each once, in the services' order."""
        return tuple(dict.fromkeys(loc.pdf_url for loc in self.locations if loc.pdf_url))

    def summary(self) -> str:
        """Lines: the DOI, then one per location (or that none was found)."""
        lines = [f"{self.doi}: {len(self.locations)} open-access location(s)"]
        lines += [f"  {loc.summary()}" for loc in self.locations]
        lines += [f"  problem: {p}" for p in self.problems]
        return "\n".join(lines)


def _location(service: str, url: str | None, pdf: str | None, host: str | None,
              version: str | None, license_: str | None) -> OaLocation | None:  # fmt: skip
    page, pdf = web_url(url), web_url(pdf)
    if not page and not pdf:
        return None
    return OaLocation(_NAMES[service], page or pdf or "", pdf, host, version, license_)


def unpaywall(client: ApiClient, doi: str) -> list[OaLocation]:
    """Unpaywall's OA locations of ``doi`` (best first); none for an unknown DOI."""
    if not client.email:
        raise LiveSearchError(
            "unpaywall: Unpaywall needs a contact e-mail (give --email or set SYSREVIEW_EMAIL)"
        )
    url = f"{UNPAYWALL}/{quote(doi, safe='/')}"
    response = client.get("unpaywall", url, {"email": client.email}, accept=(404,))
    if response.status_code == 404:
        return []
    work = Answer.of(response, "Unpaywall")
    best = work.node("best_oa_location")
    places = [best, *work.nodes("oa_locations")] if best.data else work.nodes("oa_locations")
    found = (
        _location("unpaywall", p.text("url_for_landing_page") or p.text("url"),
                  p.text("url_for_pdf"), p.text("host_type"), p.text("version"),
                  p.text("license"))
        for p in places
    )  # fmt: skip
    return [loc for loc in found if loc]


def openalex(client: ApiClient, doi: str) -> list[OaLocation]:
    """OpenAlex's open-access locations of ``doi``; none for an unknown DOI."""
    params = {"mailto": client.email} if client.email else {}
    url = f"{OPENALEX}/works/doi:{quote(doi, safe='/')}"
    response = client.get("openalex", url, params, accept=(404,))
    if response.status_code == 404:
        return []
    work = Answer.of(response, "OpenAlex")
    found = (
        _location("openalex", p.text("landing_page_url"), p.text("pdf_url"),
                  p.node("source").text("display_name"), p.text("version"), p.text("license"))
        for p in work.nodes("locations")
        if p.raw("is_oa") is True
    )  # fmt: skip
    return [loc for loc in found if loc]


def europe_pmc(client: ApiClient, doi: str) -> list[OaLocation]:
    """Europe PMC's free full-text links of ``doi`` (open access or free to read)."""
    answer = Answer.of(
        client.get("europepmc", EUROPEPMC, {"query": f'DOI:"{doi}"', "format": "json",
                                            "resultType": "core", "pageSize": 5}),
        "Europe PMC",
    )  # fmt: skip
    found: list[OaLocation] = []
    for item in answer.node("resultList").nodes("result"):
        if clean_doi(item.text("doi")) != doi:
            continue
        license_ = item.text("license")
        for link in item.node("fullTextUrlList").nodes("fullTextUrl"):
            if link.text("availabilityCode") not in ("OA", "F"):
                continue
            style, target = link.text("documentStyle"), link.text("url")
            loc = _location("europepmc", target, target if style == "pdf" else None,
                            link.text("site"), None, license_)  # fmt: skip
            if loc:
                found.append(loc)
    return found


_LOOKUPS = {"unpaywall": unpaywall, "openalex": openalex, "europepmc": europe_pmc}


def find_open_access(
    client: ApiClient, doi: str, services: Sequence[str] = OA_SERVICES
) -> OaLookup:
    """Ask each of ``services`` for open-access copies of ``doi``.

    Raises
    ------
    LiveSearchError
        For a value that is not a DOI or an unknown service name (a service that fails
        is reported in :attr:`OaLookup.problems` instead).

    Examples
    --------
    >>> find_open_access(ApiClient(), "not a doi")
    Traceback (most recent call last):
    ...
    sysreview.search.responses.LiveSearchError: 'not a doi' is not a DOI
    """
    cleaned = clean_doi(doi)
    if cleaned is None or not cleaned.startswith("10."):
        raise LiveSearchError(f"{doi!r} is not a DOI")
    unknown = [s for s in services if s not in _LOOKUPS]
    if unknown:
        raise LiveSearchError(
            f"unknown open-access service {unknown[0]!r}; must be one of {', '.join(OA_SERVICES)}"
        )
    locations: list[OaLocation] = []
    problems: list[str] = []
    for service in services:
        try:
            locations += _LOOKUPS[service](client, cleaned)
        except LiveSearchError as exc:
            problems.append(str(exc))
    return OaLookup(cleaned, tuple(_unique(locations)), tuple(problems))


def _unique(locations: Iterable[OaLocation]) -> list[OaLocation]:
    seen: set[str] = set()
    kept: list[OaLocation] = []
    for loc in locations:
        key = loc.pdf_url or loc.url
        if key not in seen:
            seen.add(key)
            kept.append(loc)
    return kept


def download_pdf(client: ApiClient, url: str) -> bytes:
    """The bytes at ``url`` (an http(s) link a lookup gave); the caller checks it is a PDF.

    Raises
    ------
    LiveSearchError
        For a URL that is not http(s), or a failed request.
    """
    if web_url(url) is None:
        raise LiveSearchError(f"download: {url!r} is not an http(s) URL")
    return client.get("download", url, {}).content


__all__ = [
    "OA_SERVICES",
    "OaLocation",
    "OaLookup",
    "download_pdf",
    "europe_pmc",
    "find_open_access",
    "openalex",
    "unpaywall",
]
