"""Live searches against stored responses (httpx.MockTransport): paging, identity, retries.

The stored responses (tests/fixtures/live/, see its README) follow each service's
documented format. A smoke test against the real services runs only with
SYSREVIEW_LIVE_TESTS=1 and a network.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

import httpx
import pytest

from sysreview.records.reader import read_text
from sysreview.search import live

FIXTURES = Path(__file__).resolve().parents[2] / "fixtures" / "live"


def _file(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


class Services:
    """A fake of the five services, recording every request."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.failures: list[httpx.Response | Exception] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        if self.failures:
            failure = self.failures.pop(0)
            if isinstance(failure, Exception):
                raise failure
            return failure
        url, q = request.url, request.url.params
        if url.path.endswith("esearch.fcgi"):
            return httpx.Response(200, text=_file("pubmed_esearch.json"))
        if url.path.endswith("efetch.fcgi"):
            name = "pubmed_efetch_1.txt" if q["retstart"] == "0" else "pubmed_efetch_2.txt"
            return httpx.Response(200, text=_file(name))
        if "europepmc" in url.path:
            page = {"*": 1, "AoIIP4AAAC": 2}.get(q["cursorMark"], 3)
            return httpx.Response(200, text=_file(f"europepmc_{page}.json"))
        if url.path == "/api/v2/studies":
            return httpx.Response(
                200, text=_file("ctgov_2.json" if "pageToken" in q else "ctgov_1.json")
            )
        if url.path.startswith("/works/doi:") and url.host == "api.openalex.org":
            return httpx.Response(200, text=_file("openalex_work.json"))
        if url.host == "api.openalex.org" and url.path == "/works":
            if q["cursor"] != "*":
                return httpx.Response(
                    200, json={"meta": {"count": 1, "next_cursor": None}, "results": []}
                )
            name = (
                "openalex_cites.json" if q["filter"].startswith("cites:") else "openalex_refs.json"
            )
            return httpx.Response(200, text=_file(name))
        if url.host == "api.crossref.org":
            return httpx.Response(200, text=_file("crossref_work.json"))
        return httpx.Response(404, text=f"no fake for {url}")


def _client(services: Services, **kwargs: Any) -> tuple[live.ApiClient, list[float]]:
    waits: list[float] = []
    client = live.ApiClient(
        email="reviewer@example.org",
        transport=httpx.MockTransport(services),
        sleep=waits.append,
        **kwargs,
    )
    return client, waits


def test_pubmed_pages_through_history_and_sends_identity() -> None:
    services = Services()
    client, waits = _client(services, api_keys={"ncbi": "KEY"})
    seen: list[tuple[int, int]] = []
    with client:
        result = live.pubmed(
            client, "peer support[tiab]", batch=2, progress=lambda d, t: seen.append((d, t))
        )
    assert result.hits == 3
    assert [r.pmid for r in result.records] == ["90000001", "90000002", "90000003"]
    assert result.records[0].doi == "10.5555/synthetic.a"
    assert result.records[0].authors == ("Alpha, A", "Beta, B")
    assert seen == [(2, 3), (3, 3)]
    search = services.requests[0].url.params
    assert (search["term"], search["usehistory"], search["api_key"], search["email"]) == (
        "peer support[tiab]", "y", "KEY", "reviewer@example.org"
    )  # fmt: skip
    fetch = services.requests[2].url.params
    assert (fetch["WebEnv"], fetch["query_key"], fetch["retstart"], fetch["retmax"]) == (
        "MCID_synthetic_webenv", "1", "2", "1"
    )  # fmt: skip
    # the saved payload is MEDLINE text that the importer reads back identically
    again = read_text(result.payload, source="pubmed.nbib")
    assert [c.pmid for c in again.citations] == ["90000001", "90000002", "90000003"]
    assert all(w <= 0.1 for w in waits)  # with a key: 10 requests per second


def test_europe_pmc_follows_the_cursor_until_it_stops() -> None:
    services = Services()
    client, _ = _client(services)
    with client:
        result = live.europe_pmc(client, "peer support")
    assert result.hits == 3
    assert [r.record_id for r in result.records] == ["MED:90000001", "PPR:PPR900", "MED:90000003"]
    assert result.records[0].journal == "Synthetic journal of psychiatry"
    assert result.records[1].pmid is None
    assert result.records[0].authors == ("Alpha, A", "Beta, B")
    cursors = [r.url.params["cursorMark"] for r in services.requests]
    assert cursors == ["*", "AoIIP4AAAC", "AoIIP4AAAD"]
    back = read_text(result.payload, source="europepmc.csv")
    assert [c.doi for c in back.citations] == [r.doi for r in result.records]


def test_clinicaltrials_gov_pages_by_token_and_keeps_api_json() -> None:
    services = Services()
    client, _ = _client(services)
    with client:
        result = live.clinicaltrials_gov(client, "peer support AND group")
    assert result.source_kind == "register"
    assert [r.record_id for r in result.records] == ["NCT90000001", "NCT90000002"]
    assert services.requests[1].url.params["pageToken"] == "NF0g5JGBlPMh"
    assert (
        json.loads(result.payload)["studies"][0]["protocolSection"]["identificationModule"]["nctId"]
        == "NCT90000001"
    )


def test_openalex_forward_and_backward_citations() -> None:
    services = Services()
    client, _ = _client(services)
    with client:
        forward = live.citations(
            client, ["https://doi.org/10.5555/SYNTHETIC.A"], direction="forward"
        )
        backward = live.citations(client, ["10.5555/synthetic.a"], direction="backward")
    citing = forward.records[0]
    assert (citing.doi, citing.pmid, citing.pages, citing.journal) == (
        "10.5555/synthetic.citing", "90000020", "1-9", "Synthetic mental health"
    )  # fmt: skip
    assert citing.abstract == "Synthetic abstract here"
    assert services.requests[1].url.params["filter"] == "cites:W9000000001"
    assert services.requests[1].url.params["mailto"] == "reviewer@example.org"
    assert [r.title for r in backward.records] == [
        "Synthetic reference one",
        "Synthetic reference two",
    ]
    refs = [r for r in services.requests if r.url.params.get("filter", "").startswith("openalex:")]
    assert refs[0].url.params["filter"] == "openalex:W9000000010|W9000000011"
    with pytest.raises(live.LiveSearchError, match="direction must be forward or backward"):
        live.citations(client, ["10.5555/x"], direction="sideways")


def test_crossref_lookup() -> None:
    services = Services()
    client, _ = _client(services)
    with client:
        result = live.crossref(client, ["10.5555/synthetic.a"])
    record = result.records[0]
    assert (record.authors, record.year, record.journal) == (
        ("Alpha, Ann", "Beta, Ben"), 2019, "Synthetic Journal of Psychiatry"
    )  # fmt: skip
    assert "mailto:reviewer@example.org" in services.requests[0].headers["User-Agent"]


def test_retries_back_off_and_honour_retry_after() -> None:
    services = Services()
    services.failures = [
        httpx.Response(429, headers={"Retry-After": "7"}, text="slow down"),
        httpx.ConnectError("connection refused"),
        httpx.Response(503, text="maintenance"),
    ]
    client, waits = _client(services, backoff=0.5)
    with client:
        result = live.crossref(client, ["10.5555/synthetic.a"])
    assert result.records[0].doi == "10.5555/synthetic.a"
    backoffs = [w for w in waits if w >= 0.5]
    assert backoffs == [7.0, 1.0, 2.0]  # max(0.5, Retry-After 7), then 0.5*2, 0.5*4


def test_errors_name_the_service_and_give_up() -> None:
    services = Services()
    services.failures = [httpx.Response(400, text="Invalid query syntax")]
    client, _ = _client(services)
    with pytest.raises(live.LiveSearchError, match="europepmc: HTTP 400: Invalid query syntax"):
        live.europe_pmc(client, "((")
    services.failures = [httpx.Response(500, text="boom")] * 3
    client, _ = _client(services, retries=2)
    with pytest.raises(
        live.LiveSearchError, match=r"crossref: HTTP 500: boom \(gave up after 3 attempts\)"
    ):
        live.crossref(client, ["10.5555/synthetic.a"])


@pytest.mark.skipif(
    os.environ.get("SYSREVIEW_LIVE_TESTS") != "1",
    reason="live smoke test against the real services: set SYSREVIEW_LIVE_TESTS=1 (needs network)",
)
def test_live_smoke() -> None:  # pragma: no cover - network
    with live.ApiClient(email=os.environ.get("SYSREVIEW_EMAIL")) as client:
        result = live.pubmed(client, "group peer support[tiab] AND randomized[tiab]", limit=5)
    assert result.hits > 0 and len(result.records) <= 5
