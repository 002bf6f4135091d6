"""``/api/docs``: behind the login, under the app's strict CSP, with Swagger UI's files
(and their licence) served by the app itself."""

from __future__ import annotations

from collections.abc import Callable

from tests.unit.web.conftest import TestClient

Clients = Callable[[str], tuple[TestClient, str]]


def test_anonymous_visitor_is_refused(client: TestClient) -> None:
    answer = client.get("/api/docs", follow_redirects=False)
    assert (answer.status_code, answer.json()) == (401, {"detail": "login required"})
    assert client.get("/api/openapi.json").status_code == 401  # nor the schema behind it


def test_docs_page_is_strict_and_self_hosted(clients: Clients) -> None:
    logged_in, _ = clients("R1")
    answer = logged_in.get("/api/docs")
    assert answer.status_code == 200
    csp = answer.headers["content-security-policy"]
    assert "script-src 'self';" in csp and "style-src 'self';" in csp  # the app's own CSP
    page = answer.text
    assert "<script>" not in page and "https://" not in page.split("<main", 1)[0]
    assert '<script src="/static/swagger-ui/swagger-ui-bundle.js" defer>' in page
    for asset in (
        "swagger-ui-bundle.js",
        "swagger-ui.css",
        "sysreview.css",
        "init.js",
        "LICENSE.txt",
    ):
        assert logged_in.get(f"/static/swagger-ui/{asset}").status_code == 200
    assert "Apache License" in logged_in.get("/static/swagger-ui/LICENSE.txt").text
