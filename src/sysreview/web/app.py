"""The app factory: one open project, sessions, CSRF, one router per area.

Areas are the modules named in :data:`ROUTERS` (each has a ``router``); a new area
(risk of bias, extraction) adds its module there, with its templates under
``templates/<area>/``. Pages render on the server (Jinja2, autoescaped); HTMX, served
from ``/static``, swaps in the next record. ``/api/`` is the same use cases as JSON,
described by the OpenAPI schema at ``/api/openapi.json`` (login required, like every
route but the login page and the static files).

Every answer carries the security headers, an internal error's (500) too; every
integer a route takes is bounded to the database's ids (:func:`~sysreview.web.security.
bounded_ids`).
"""

from __future__ import annotations

import gc
import importlib
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from importlib.resources import files
from pathlib import Path
from typing import Any
from urllib.parse import quote

from fastapi import Depends, FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse, RedirectResponse, Response
from fastapi.staticfiles import StaticFiles
from fastapi.templating import Jinja2Templates
from starlette.exceptions import HTTPException
from starlette.middleware.sessions import SessionMiddleware

import sysreview
from sysreview.errors import SysreviewError
from sysreview.project.opening import PathLike, open_project
from sysreview.project.selection.pages import STAGE_LABELS
from sysreview.web.highlight import highlight
from sysreview.web.security import (
    SECURITY_HEADERS,
    LoginRequired,
    SecurityHeaders,
    bounded_ids,
    csrf_token,
)
from sysreview.web.settings import WebSettings
from sysreview.web.throttle import LoginRefused, LoginThrottle

ROUTERS = (
    "auth",
    "screening",
    "records",
    "conflicts",
    "admin",
    "duplicates",
    "dashboard",
    "appraisal",
    "extraction",
    "extraction_grid",
    "fulltext",
    "study_status",
    "grade",
    "report",
    "audit",
    "docs",
    "api",
    "api_records",
    "api_appraisal",
    "api_admin",
    "api_study_status",
)
"""Modules of :mod:`sysreview.web.routers`, each with a ``router``, included in this order."""
SESSION_COOKIE = "sysreview_session"


def _package_dir(name: str) -> Path:
    folder = files("sysreview.web").joinpath(name)
    if not isinstance(folder, Path):  # pragma: no cover - installed as a zip
        raise RuntimeError(f"sysreview.web/{name} is not a folder on disk")
    return folder


templates = Jinja2Templates(directory=_package_dir("templates"))
templates.env.filters["highlight"] = highlight
templates.env.globals["stage_labels"] = STAGE_LABELS


def render(request: Request, name: str, status_code: int = 200, **context: Any) -> Response:
    """A page from ``templates/``, with the CSRF token and the account (if any) in context."""
    context.setdefault("account", getattr(request.state, "account", None))
    context["csrf"] = csrf_token(request)
    return templates.TemplateResponse(request, name, context, status_code=status_code)


def _is_api(request: Request) -> bool:
    return request.url.path.startswith("/api/")


async def _login_required(request: Request, exc: Exception) -> Response:
    if _is_api(request):
        return JSONResponse({"detail": "login required"}, status_code=401)
    if request.headers.get("HX-Request"):
        return Response(status_code=401, headers={"HX-Redirect": "/login"})
    target = request.url.path
    if request.url.query:
        target += f"?{request.url.query}"
    return RedirectResponse(f"/login?next={quote(target)}" if target != "/" else "/login", 303)


def error_status(exc: Exception) -> int:
    """The status a page answers a refused form with.

    403 not permitted by the protocol, 409 not allowed in the review's state, 404 no such
    record, else 422 (bad input).
    """
    status = getattr(exc, "http_status", 400)
    return 422 if status == 400 else int(status)


async def _bad_input(request: Request, exc: Exception) -> Response:
    # 400 bad input, 403 not permitted by the protocol, 409 not allowed in this state
    status = getattr(exc, "http_status", 400)
    if _is_api(request):
        return JSONResponse({"detail": str(exc)}, status_code=status)
    return render(request, "error.html", status, message=str(exc))


async def _malformed(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    if _is_api(request):
        return JSONResponse({"detail": jsonable_encoder(exc.errors())}, status_code=422)
    problems = "; ".join(
        f"{'.'.join(str(p) for p in e['loc'][1:])}: {e['msg']}" for e in exc.errors()
    )
    return render(request, "error.html", 422, message=f"malformed request: {problems}")


async def _http_error(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    if _is_api(request) or exc.status_code < 400:
        return JSONResponse({"detail": exc.detail}, exc.status_code, headers=exc.headers)
    return render(request, "error.html", exc.status_code, message=str(exc.detail))


async def _login_refused(request: Request, exc: Exception) -> Response:
    """A login refused by the throttle (429) or while too busy (503), with ``Retry-After``.

    The login page catches its own, to show the form again.
    """
    assert isinstance(exc, LoginRefused)
    headers = {"Retry-After": str(exc.retry_after)}
    return JSONResponse({"detail": exc.message}, exc.status, headers=headers)


_SERVER_ERROR_PAGE = (
    "<!doctype html><html lang=en><meta charset=utf-8><title>Server error</title>"
    "<h1>Something went wrong on the server</h1>"
    "<p>Go back and try again. If it happens again, tell the person who runs this server "
    "(the server's log holds the details).</p></html>"
)


async def _server_error(request: Request, exc: Exception) -> Response:
    """An internal error's answer (500), with the security headers.

    Starlette answers an unhandled error from outside every middleware, so
    :class:`SecurityHeaders` never sees this answer: the headers are set here. The page
    is plain HTML, not a template, so that it cannot fail in turn.
    """
    headers = {name.decode(): value.decode() for name, value in SECURITY_HEADERS}
    if _is_api(request):
        return JSONResponse({"detail": "internal server error"}, 500, headers=headers)
    return Response(_SERVER_ERROR_PAGE, 500, headers=headers, media_type="text/html")


def create_app(
    project_dir: PathLike, db_url: str | None = None, *, settings: WebSettings | None = None
) -> FastAPI:
    """The web app of the project in ``project_dir``.

    Parameters
    ----------
    project_dir
        The project directory (holds ``review.toml``); the protocol is validated and
        the database upgraded now, once.
    db_url
        The database (default: ``$SYSREVIEW_DATABASE_URL``, else ``DIR/review.db``).
    settings
        Session secret and cookie policy (:class:`WebSettings`).
    """
    settings = settings or WebSettings()
    project = open_project(project_dir, db_url)
    try:
        project.screening.start()
    except BaseException:
        project.close()
        raise

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        # Everything loaded so far (libraries, protocol, routes) lives as long as the
        # server: freezing it keeps the garbage collector's full passes, which stop
        # every request, from scanning it again and again (one took ~150-200 ms under
        # load; see benchmarks/WEB.md and the gc.freeze documentation). No collection
        # first: it would cost a full pass per start, and what little garbage is
        # frozen with the rest is freed at shutdown (gc.unfreeze).
        gc.freeze()
        try:
            yield
        finally:
            project.close()
            gc.unfreeze()

    app = FastAPI(
        title="sysreview",
        version=sysreview.__version__,
        summary="Screening, conflicts, agreement and progress of a systematic review.",
        docs_url=None,
        redoc_url=None,
        openapi_url=None,  # served by the api router, behind the login
        lifespan=lifespan,
        dependencies=[Depends(bounded_ids)],
    )
    app.state.project = project
    app.state.settings = settings
    app.state.login_throttle = LoginThrottle()
    app.add_middleware(
        SessionMiddleware,
        secret_key=settings.secret_key,
        session_cookie=SESSION_COOKIE,
        max_age=settings.max_age,
        same_site=settings.same_site,
        https_only=settings.https_only,
    )
    app.add_middleware(SecurityHeaders)
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(SysreviewError, _bad_input)
    app.add_exception_handler(HTTPException, _http_error)
    app.add_exception_handler(RequestValidationError, _malformed)
    app.add_exception_handler(LoginRefused, _login_refused)
    app.add_exception_handler(Exception, _server_error)
    app.mount("/static", StaticFiles(directory=_package_dir("static")), name="static")
    for name in ROUTERS:
        module = importlib.import_module(f"sysreview.web.routers.{name}")
        app.include_router(module.router)
    return app
