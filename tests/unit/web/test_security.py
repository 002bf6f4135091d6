"""Security of the web app: logins everywhere, CSRF, blinding, roles, inert markup."""

from __future__ import annotations

import importlib
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from sysreview.web import WebSettings, create_app
from sysreview.web.app import ROUTERS, SESSION_COOKIE
from tests.unit.web.conftest import PASSWORDS, SECRET, TestClient, form_token, login

Clients = Callable[[str], tuple[TestClient, str]]


def _path(route: APIRoute) -> str:
    return route.path.replace("{stage}", "ta").replace("{record_id}", "1")


def _routes() -> list[APIRoute]:
    modules = [importlib.import_module(f"sysreview.web.routers.{name}") for name in ROUTERS]
    return [r for m in modules for r in m.router.routes if isinstance(r, APIRoute)]


def test_every_route_but_the_login_page_needs_a_login(client: TestClient) -> None:
    routes = _routes()
    checked = 0
    for route in routes:
        for method in route.methods or ():
            if route.path in ("/login", "/api/login"):
                continue
            answer = client.request(method, _path(route), follow_redirects=False)
            if route.path.startswith("/api/"):
                assert answer.status_code == 401, (method, route.path, answer.text)
            else:
                assert answer.status_code == 303, (method, route.path)
                assert answer.headers["location"].startswith("/login")
            checked += 1
    assert checked >= 15
    assert client.get("/login").status_code == 200


def test_unauthenticated_api_is_refused_with_401(client: TestClient) -> None:
    assert client.get("/api/queue").status_code == 401
    assert client.get("/api/openapi.json").status_code == 401
    assert client.get("/api/records/1").json() == {"detail": "login required"}


def test_no_docs_pages_that_would_load_assets_from_a_cdn(client: TestClient) -> None:
    for path in ("/docs", "/redoc", "/openapi.json"):
        assert client.get(path).status_code == 404


def test_session_cookie_is_httponly_samesite_and_optionally_secure(project: Path) -> None:
    cases: list[tuple[bool, Literal["lax", "strict"]]] = [(False, "lax"), (True, "strict")]
    for https_only, same_site in cases:
        settings = WebSettings(secret_key=SECRET, https_only=https_only, same_site=same_site)
        application = create_app(project, settings=settings)
        with TestClient(application, base_url="https://testserver") as c:
            token = form_token(c.get("/login").text)
            answer = c.post(
                "/login",
                data={"name": "R1", "password": PASSWORDS["R1"], "csrf_token": token},
                follow_redirects=False,
            )
        cookie = answer.headers["set-cookie"].lower()
        assert cookie.startswith(SESSION_COOKIE)
        assert "httponly" in cookie and f"samesite={same_site}" in cookie
        assert ("secure" in cookie.split("; ")) is https_only


def test_wrong_password_and_unknown_name_look_the_same(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    answers = [
        client.post("/login", data={"name": n, "password": "wrong-password", "csrf_token": token})
        for n in ("R1", "nobody")
    ]
    assert [a.status_code for a in answers] == [401, 401]
    assert all("Wrong name or password." in a.text for a in answers)
    assert SESSION_COOKIE not in client.cookies or client.get("/dashboard").url.path == "/login"


def test_login_needs_the_csrf_token(client: TestClient) -> None:
    client.get("/login")
    answer = client.post(
        "/login", data={"name": "R1", "password": PASSWORDS["R1"]}, follow_redirects=False
    )
    assert answer.status_code == 403
    assert "CSRF" in answer.text


def test_login_from_another_site_as_text_plain_is_refused(client: TestClient) -> None:
    """A cross-site <form enctype="text/plain"> can forge a JSON-looking body: not parsed."""
    body = '{"name": "R1", "password": "r1-password", "x": "="}'
    answer = client.post("/api/login", content=body, headers={"Content-Type": "text/plain"})
    assert answer.status_code == 422
    assert SESSION_COOKIE not in answer.headers.get("set-cookie", "")


def test_login_page_keeps_the_page_asked_for(client: TestClient) -> None:
    answer = client.get("/records/2?stage=ft", follow_redirects=False)
    assert answer.headers["location"] == "/login?next=/records/2%3Fstage%3Dft"
    assert 'name="next" value="/records/2?stage=ft"' in client.get(answer.headers["location"]).text


def test_login_redirects_only_to_local_paths(client: TestClient) -> None:
    token = form_token(client.get("/login").text)
    for target, expected in (
        ("//evil.example/x", "/"),
        ("https://evil.example", "/"),
        ("/screen/ft", "/screen/ft"),
    ):
        answer = client.post(
            "/login",
            data={"name": "R1", "password": PASSWORDS["R1"], "csrf_token": token, "next": target},
            follow_redirects=False,
        )
        assert answer.headers["location"] == expected
        token = form_token(client.get("/login").text)


def test_forms_and_api_writes_without_the_csrf_token_are_refused(clients: Clients) -> None:
    client, token = clients("R1")
    form = {"record_id": "1", "decision": "include"}
    assert client.post("/screen/ta/decide", data=form).status_code == 403
    wrong = client.post("/screen/ta/decide", data={**form, "csrf_token": "x" * 43})
    assert wrong.status_code == 403
    body = {"stage": "ta", "record_id": 1, "decision": "include"}
    assert client.post("/api/decisions", json=body).status_code == 403
    bad = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token[::-1]})
    assert bad.status_code == 403
    assert client.get("/api/queue").json()["pending"] == 6
    ok = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert ok.status_code == 201


def test_another_sessions_token_is_refused(clients: Clients) -> None:
    r1, _ = clients("R1")
    _, r2_token = clients("R2")
    body = {"stage": "ta", "record_id": 1, "decision": "include"}
    assert (
        r1.post("/api/decisions", json=body, headers={"X-CSRF-Token": r2_token}).status_code == 403
    )


def test_logout_ends_the_session(clients: Clients) -> None:
    client, token = clients("R1")
    assert client.get("/api/me").status_code == 200
    client.post("/logout", data={"csrf_token": token}, follow_redirects=False)
    assert client.get("/api/me").status_code == 401


def test_a_deactivated_account_is_logged_out_at_once(clients: Clients, app: FastAPI) -> None:
    from sysreview.project.accounts.users import update_account

    client, _ = clients("R2")
    assert client.get("/api/me").json()["name"] == "R2"
    update_account(app.state.project.store, "R2", active=False)
    assert client.get("/api/me").status_code == 401


def _decide(client: TestClient, token: str, record: int, decision: str) -> None:
    body = {"stage": "ta", "record_id": record, "decision": decision}
    answer = client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token})
    assert answer.status_code == 201, answer.text


def test_blinding_hides_the_other_decision_until_both_decided(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    _decide(r1, t1, 3, "include")
    assert [d["reviewer"] for d in r1.get("/api/records/3").json()["decisions"]] == ["R1"]
    assert r2.get("/api/records/3").json()["decisions"] == []
    page = r2.get("/records/3").text
    assert "R1" not in page.split("Decisions you may see")[1]
    _decide(r2, t2, 3, "exclude")
    seen = {d["reviewer"]: d["decision"] for d in r2.get("/api/records/3").json()["decisions"]}
    assert seen == {"R1": "include", "R2": "exclude"}


def test_conflicts_are_for_adjudicators_only(clients: Clients) -> None:
    r1, t1 = clients("R1")
    r2, t2 = clients("R2")
    _decide(r1, t1, 4, "include")
    _decide(r2, t2, 4, "exclude")
    assert r1.get("/api/conflicts").status_code == 403
    assert r1.get("/conflicts/ta").status_code == 403
    body = {"stage": "ta", "record_id": 4, "decision": "include"}
    refused = r1.post("/api/resolutions", json=body, headers={"X-CSRF-Token": t1})
    assert refused.status_code == 403
    r3, _ = clients("R3")
    assert [c["record_id"] for c in r3.get("/api/conflicts").json()] == [4]


def test_markup_in_records_is_escaped_in_every_page(clients: Clients) -> None:
    client, _ = clients("R1")
    for path in ("/screen/ta", "/records/1", "/records/2"):
        page = client.get(path).text
        assert "<script>window" not in page and "<img src=x" not in page
    page = client.get("/screen/ta").text
    assert "&lt;script&gt;window.__pwned = 1&lt;/script&gt;" in page
    assert "&lt;img src=x onerror=" in page and "&amp; &lt;b&gt;bold&lt;/b&gt;" in page


def test_security_headers_forbid_inline_scripts_and_framing(client: TestClient) -> None:
    headers = client.get("/login").headers
    assert "script-src 'self'" in headers["content-security-policy"]
    assert "frame-ancestors 'none'" in headers["content-security-policy"]
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["x-frame-options"] == "DENY"


@pytest.mark.parametrize("path", ["/static/htmx.min.js", "/static/app.js", "/static/app.css"])
def test_assets_are_served_locally(client: TestClient, path: str) -> None:
    answer = client.get(path)
    assert answer.status_code == 200 and len(answer.content) > 500


def test_htmx_is_vendored_with_its_licence(client: TestClient) -> None:
    body = client.get("/static/htmx.min.js").text
    assert body.startswith("/*! htmx 2.") and "Zero-Clause BSD" in body.splitlines()[0]
    assert "Zero-Clause BSD" in client.get("/static/htmx.LICENSE.txt").text
    assert "http" not in client.get("/login").text.split("<body")[0].replace("http-equiv", "")


def test_htmx_request_without_login_is_told_to_go_to_the_login_page(client: TestClient) -> None:
    answer = client.post("/screen/ta/decide", headers={"HX-Request": "true"})
    assert answer.status_code == 401 and answer.headers["HX-Redirect"] == "/login"


def test_login_helper_gives_a_working_token(client: TestClient) -> None:
    token = login(client, "R3")
    assert client.get("/api/me").json() == {
        "name": "R3",
        "role": "adjudicator",
        "csrf_token": token,
    }
