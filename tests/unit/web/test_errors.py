"""Internal errors keep the security headers; ids beyond the database's range are 404/422."""

from __future__ import annotations

import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from fastapi import FastAPI
from fastapi.routing import APIRoute

from sysreview.web import WebSettings, create_app
from sysreview.web.app import ROUTERS
from sysreview.web.security import SECURITY_HEADERS
from tests.unit.web.conftest import SECRET, TestClient, login, make_project

OUT_OF_RANGE = ["0", "-1", str(2**31), str(2**63), str(10**30)]


def _security_headers_present(headers: object) -> None:
    for name, value in SECURITY_HEADERS:
        assert headers[name.decode()] == value.decode(), name  # type: ignore[index]


@pytest.fixture
def failing_app(app: FastAPI) -> FastAPI:
    """The app with two routes that fail: a page and an API route."""

    @app.get("/boom")
    def boom() -> None:
        raise RuntimeError("secret detail of a bug")

    @app.get("/api/boom")
    def api_boom() -> None:
        raise RuntimeError("secret detail of a bug")

    return app


def test_an_internal_error_has_the_security_headers(failing_app: FastAPI) -> None:
    with TestClient(failing_app, raise_server_exceptions=False) as client:
        page = client.get("/boom")
        api = client.get("/api/boom")
    assert page.status_code == api.status_code == 500
    _security_headers_present(page.headers)
    _security_headers_present(api.headers)
    assert "Something went wrong" in page.text and "secret detail" not in page.text
    assert page.headers["content-type"].startswith("text/html")
    assert api.json() == {"detail": "internal server error"}


@pytest.fixture
def admin(tmp_path: Path, store_url: str) -> Iterator[tuple[TestClient, str]]:
    """An admin logged in to the seeded project on each backend."""
    project = make_project(tmp_path / "review", store_url)
    application = create_app(project, store_url, settings=WebSettings(secret_key=SECRET))
    with TestClient(application, base_url="https://testserver") as client:
        yield client, login(client, "boss")
    application.state.project.close()


def _int_routes() -> list[tuple[APIRoute, str, str]]:
    """Every page route's (route, parameter, where) with an integer in the path, query or form."""
    modules = [importlib.import_module(f"sysreview.web.routers.{name}") for name in ROUTERS]
    found = []
    for route in (r for m in modules for r in m.router.routes):
        if not isinstance(route, APIRoute) or route.path.startswith("/api/"):
            continue
        d = route.dependant
        for where, fields in (("path", d.path_params), ("query", d.query_params)):
            found += [(route, f.name, where) for f in fields if f.field_info.annotation is int]
        found += [(route, f.alias, "form") for f in d.body_params if f.field_info.annotation is int]
    return found


def test_every_integer_a_page_takes_is_bounded_like_the_api(
    admin: tuple[TestClient, str],
) -> None:
    client, token = admin
    routes = _int_routes()
    paths = {route.path for route, _, _ in routes}
    assert {"/records/{record_id}", "/screen/{stage}/decide", "/studies/link"} <= paths
    checked = 0
    for route, name, where in routes:
        method = sorted(route.methods or ())[0]
        for value in OUT_OF_RANGE:
            path = route.path.replace("{stage}", "ta")
            form = {"csrf_token": token, "decision": "include", "study": "S1"}
            params = {}
            if where == "path":
                path = path.replace(f"{{{name}}}", value)
            elif where == "query":
                params[name] = value
            else:
                form[name] = value
            if method == "GET":
                answer = client.get(path, params=params, follow_redirects=False)
            else:
                answer = client.post(path, data=form, params=params, follow_redirects=False)
            expected = 404 if where == "path" else 422
            assert answer.status_code == expected, (method, path, name, value, answer.text)
            _security_headers_present(answer.headers)
            checked += 1
    assert checked >= 3 * len(OUT_OF_RANGE)


def test_api_ids_beyond_the_range_are_422_and_the_largest_id_is_a_clean_404(
    admin: tuple[TestClient, str],
) -> None:
    client, token = admin
    body = {"stage": "ta", "record_id": 2**63, "decision": "include"}
    assert (
        client.post("/api/decisions", json=body, headers={"X-CSRF-Token": token}).status_code == 422
    )
    assert client.get(f"/api/records/{2**31}").status_code == 422
    assert client.get(f"/api/records/{2**31 - 1}").status_code == 404
    assert client.get(f"/records/{2**31 - 1}").status_code in (400, 404)
    decided = client.post(
        "/screen/ta/decide", data={"csrf_token": token, "record_id": "1", "decision": "include"}
    )
    assert decided.status_code in (200, 303, 422)  # boss is not a screener; never a 500
