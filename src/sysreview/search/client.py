"""The polite HTTP client of the live searches and full-text look-ups.

:class:`ApiClient` wraps httpx with timeouts, retries with exponential backoff on
connection errors, 429 and 5xx (honouring ``Retry-After``), a minimum interval between
requests per service (its published rate limit: NCBI 3 per second, 10 with an API key)
and the identity the services ask for (an email in ``mailto``/the User-Agent, API keys).
Tests pass an ``httpx.MockTransport`` serving stored responses and a recorder for
``sleep``.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, field
from typing import Any

import httpx

from sysreview.search.responses import LiveSearchError

USER_AGENT = "sysreview (systematic review toolkit; https://pypi.org/project/sysreview)"


@dataclass
class ApiClient:
    """HTTP for the live searches: timeouts, retries with backoff, rate limits, identity.

    Parameters
    ----------
    email
        Sent to NCBI (``email``), OpenAlex (``mailto``) and Crossref (in the User-Agent),
        as their usage policies ask.
    api_keys
        ``{"ncbi": key}``; an NCBI key raises the rate limit from 3 to 10 requests/s.
    transport
        An httpx transport (tests use ``httpx.MockTransport``); default: the network.
    retries, backoff, timeout
        Attempts after the first, the first wait in seconds (doubling), per-request timeout.
    sleep
        The waiting function (tests pass a recorder instead of ``time.sleep``).
    """

    email: str | None = None
    api_keys: Mapping[str, str] = field(default_factory=dict)
    transport: httpx.BaseTransport | None = None
    retries: int = 4
    backoff: float = 1.0
    timeout: float = 30.0
    sleep: Callable[[float], None] = time.sleep
    _last: dict[str, float] = field(default_factory=dict, init=False, repr=False)
    _client: httpx.Client | None = field(default=None, init=False, repr=False)

    def _http(self) -> httpx.Client:
        if self._client is None:
            agent = USER_AGENT + (f" mailto:{self.email}" if self.email else "")
            self._client = httpx.Client(
                transport=self.transport,
                timeout=self.timeout,
                headers={"User-Agent": agent},
                follow_redirects=True,
            )
        return self._client

    def close(self) -> None:
        """Close the connection pool."""
        if self._client is not None:
            self._client.close()
            self._client = None

    def __enter__(self) -> ApiClient:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def min_interval(self, service: str) -> float:
        """Seconds between two requests to ``service`` (its published rate limit)."""
        if service == "ncbi":
            return 0.1 if self.api_keys.get("ncbi") else 1 / 3
        return {
            "europepmc": 0.1,
            "ctgov": 0.2,
            "openalex": 0.1,
            "crossref": 0.05,
            "unpaywall": 0.1,
        }.get(service, 0.2)

    def get(
        self,
        service: str,
        url: str,
        params: Mapping[str, Any],
        *,
        accept: Collection[int] = (),
    ) -> httpx.Response:
        """GET with the rate limit and retries; the successful response.

        A status in ``accept`` (e.g. 404 from a service whose "not found" is an answer)
        is returned as it is, not raised.

        Raises
        ------
        LiveSearchError
            After the last retry, or at once on a 4xx other than 429, naming the service,
            the status and the service's message.
        """
        for attempt in range(self.retries + 1):
            wait = self._last.get(service, -1e9) + self.min_interval(service) - time.monotonic()
            if wait > 0:
                self.sleep(wait)
            self._last[service] = time.monotonic()
            try:
                response = self._http().get(url, params=dict(params))
            except httpx.TransportError as exc:
                problem = f"{service}: cannot reach {url}: {exc}"
                retry_after = None
            else:
                if response.status_code < 400 or response.status_code in accept:
                    return response
                problem = f"{service}: HTTP {response.status_code}: {response.text[:200].strip()}"
                if response.status_code != 429 and response.status_code < 500:
                    raise LiveSearchError(problem)
                retry_after = response.headers.get("Retry-After")
            if attempt == self.retries:
                raise LiveSearchError(f"{problem} (gave up after {self.retries + 1} attempts)")
            delay = self.backoff * 2**attempt
            if retry_after is not None and retry_after.isdigit():
                delay = max(delay, float(retry_after))
            self.sleep(delay)
        raise AssertionError("unreachable")


__all__ = ["USER_AGENT", "ApiClient"]
