"""Open-access lookups by DOI against stored responses (httpx.MockTransport).

The stored responses (tests/fixtures/live/, see its README) follow Unpaywall's,
OpenAlex's and Europe PMC's documented JSON; the machine that wrote them had no network.
"""

from __future__ import annotations

from pathlib import Path

import httpx
import pytest

from sysreview.search import openaccess
from sysreview.search.live import ApiClient, LiveSearchError

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "live"


class OaServices:
    """A fake of the three services; DOIs other than the stored one are unknown (404)."""

    def __init__(self, known: str = "10.5555/synthetic.a") -> None:
        self.known = known
        self.requests: list[httpx.Request] = []
        self.failing: set[str] = set()

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        host, path = request.url.host, request.url.path
        if host in self.failing:
            return httpx.Response(500, text="synthetic outage")
        if host == "api.unpaywall.org":
            if path != f"/v2/{self.known}":
                return httpx.Response(404, json={"error": True, "message": "not found"})
            return httpx.Response(200, text=(FIXTURES / "unpaywall_oa.json").read_text())
        if host == "api.openalex.org":
            if path != f"/works/doi:{self.known}":
                return httpx.Response(404, json={"error": "not found"})
            return httpx.Response(200, text=(FIXTURES / "openalex_oa.json").read_text())
        if host == "www.ebi.ac.uk":
            if request.url.params["query"] != f'DOI:"{self.known}"':
                return httpx.Response(200, json={"hitCount": 0, "resultList": {"result": []}})
            return httpx.Response(200, text=(FIXTURES / "europepmc_oa.json").read_text())
        if host == "repository.example.org":
            return httpx.Response(200, content=b"%PDF-1.4 synthetic")
        return httpx.Response(404, text=f"no fake for {request.url}")


def _client(services: OaServices, email: str | None = "reviewer@example.org") -> ApiClient:
    return ApiClient(email=email, transport=httpx.MockTransport(services), sleep=lambda _: None,
                     retries=1)  # fmt: skip


def test_all_three_services_are_asked_and_their_locations_merged() -> None:
    services = OaServices()
    with _client(services) as client:
        found = openaccess.find_open_access(client, "https://doi.org/10.5555/SYNTHETIC.A")
    assert found.doi == "10.5555/synthetic.a" and found.problems == ()
    assert found.pdf_urls == (
        "https://repository.example.org/synthetic-a.pdf",
        "https://europepmc.org/articles/pmc9000001?pdf=render",
        "https://preprints.example.org/synthetic-a/full.pdf",
        "https://europepmc.org/articles/PMC9000001?pdf=render",
    )
    best = found.locations[0]
    assert (best.service, best.url, best.host, best.version, best.license) == (
        "Unpaywall", "https://repository.example.org/record/1", "repository",
        "acceptedVersion", "cc-by",
    )  # fmt: skip
    assert [loc.service for loc in found.locations] == [
        "Unpaywall", "Unpaywall", "OpenAlex", "Europe PMC", "Europe PMC"
    ]  # fmt: skip
    html = found.locations[3]
    assert (html.url, html.pdf_url, html.host) == (
        "https://europepmc.org/articles/PMC9000001", None, "Europe_PMC"
    )  # fmt: skip
    assert all(not loc.url.startswith("javascript") for loc in found.locations)
    assert "5 open-access location(s)" in found.summary()


def test_identity_is_sent_as_each_service_asks() -> None:
    services = OaServices()
    with _client(services) as client:
        openaccess.find_open_access(client, "10.5555/synthetic.a")
    by_host = {r.url.host: r for r in services.requests}
    assert by_host["api.unpaywall.org"].url.params["email"] == "reviewer@example.org"
    assert by_host["api.openalex.org"].url.params["mailto"] == "reviewer@example.org"
    assert by_host["www.ebi.ac.uk"].url.params["resultType"] == "core"
    assert all("mailto:reviewer@example.org" in r.headers["User-Agent"] for r in services.requests)


def test_an_unknown_doi_has_no_locations_and_no_problems() -> None:
    with _client(OaServices()) as client:
        found = openaccess.find_open_access(client, "10.5555/unknown")
    assert (found.locations, found.problems) == ((), ())


def test_a_failing_service_is_reported_and_the_others_still_answer() -> None:
    services = OaServices()
    services.failing = {"api.unpaywall.org"}
    with _client(services) as client:
        found = openaccess.find_open_access(client, "10.5555/synthetic.a")
    assert len(found.problems) == 1 and "unpaywall: HTTP 500" in found.problems[0]
    assert {loc.service for loc in found.locations} == {"OpenAlex", "Europe PMC"}


def test_unpaywall_needs_an_email() -> None:
    with _client(OaServices(), email=None) as client:
        found = openaccess.find_open_access(client, "10.5555/synthetic.a", ["unpaywall"])
    assert found.problems == (
        "unpaywall: Unpaywall needs a contact e-mail (give --email or set SYSREVIEW_EMAIL)",
    )


@pytest.mark.parametrize(
    ("doi", "services", "message"),
    [
        ("not a doi", openaccess.OA_SERVICES, "is not a DOI"),
        ("10.5555/x", ("scihub",), "unknown open-access service 'scihub'"),
    ],
)
def test_bad_requests_are_refused(doi: str, services: tuple[str, ...], message: str) -> None:
    with pytest.raises(LiveSearchError, match=message), _client(OaServices()) as client:
        openaccess.find_open_access(client, doi, services)


def test_download_takes_http_urls_only() -> None:
    with _client(OaServices()) as client:
        data = openaccess.download_pdf(client, "https://repository.example.org/synthetic-a.pdf")
        assert data.startswith(b"%PDF-")
        with pytest.raises(LiveSearchError, match="not an http"):
            openaccess.download_pdf(client, "file:///etc/passwd")
