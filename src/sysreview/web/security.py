"""Logins, roles and CSRF: the dependencies every route uses, and the security headers.

Sessions are Starlette's signed cookies (``itsdangerous``; HttpOnly, ``SameSite`` Lax or
Strict, ``Secure`` on request) holding only the account id and the session's CSRF
token. Every request reloads the account, so a deactivated account or a changed role
takes effect at once.

CSRF: a synchronizer token per session (OWASP CSRF Prevention Cheat Sheet), sent back
in the ``csrf_token`` form field or the ``X-CSRF-Token`` header on every ``POST``, ``PUT``,
``PATCH`` and ``DELETE``; compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine
from typing import Any

from fastapi import Depends, HTTPException, Request
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sysreview.project.accounts import AccountInfo, get_account
from sysreview.web.workspace import Workspace

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
LOGIN_PATHS = frozenset({"/login", "/api/login"})
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "TRACE"})
SECURITY_HEADERS = (
    (
        b"content-security-policy",
        b"default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
        b"object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'",
    ),
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    (b"referrer-policy", b"same-origin"),
    (b"cache-control", b"no-store"),
)


class LoginRequired(Exception):
    """No valid login in this request's session."""


def workspace(request: Request) -> Workspace:
    """The app's open project."""
    ws: Workspace = request.app.state.workspace
    return ws


def csrf_token(request: Request) -> str:
    """The session's CSRF token (made on first use)."""
    token = request.session.get("csrf")
    if not isinstance(token, str) or len(token) < 32:
        token = secrets.token_urlsafe(32)
        request.session["csrf"] = token
    return token


def start_session(request: Request, account: AccountInfo) -> None:
    """Log ``account`` in: a fresh session with a new CSRF token."""
    request.session.clear()
    request.session["aid"] = account.id
    request.session["csrf"] = secrets.token_urlsafe(32)


def end_session(request: Request) -> None:
    """Log out: forget everything in the session."""
    request.session.clear()


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token (403)."""
    if request.method in SAFE_METHODS:
        return
    if "aid" not in request.session and request.url.path not in LOGIN_PATHS:
        raise LoginRequired  # say "log in" before "CSRF token missing"
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    ):
        value = (await request.form()).get(CSRF_FIELD)
        sent = value if isinstance(value, str) else None
    if not isinstance(expected, str) or not sent or not hmac.compare_digest(sent, expected):
        raise HTTPException(403, "CSRF token missing or wrong: reload the page and try again")


async def current_account(request: Request) -> AccountInfo:
    """The logged-in, active account; :class:`LoginRequired` otherwise.

    The account is read afresh on every request. On SQLite that read (one row by key
    from a local file, never blocked by a writer in WAL mode) runs here, in the event
    loop: it costs less than the trip to the thread pool and back, which was a fifth
    of the server's time under load (``benchmarks/WEB.md``). A PostgreSQL server may
    be across a network, so there it runs in the thread pool.
    """
    aid = request.session.get("aid")
    store = workspace(request).store
    if not isinstance(aid, int):
        account = None
    elif store.backend == "sqlite":
        account = get_account(store, aid)
    else:
        account = await run_in_threadpool(get_account, store, aid)
    if account is None or not account.active:
        request.session.pop("aid", None)
        raise LoginRequired
    request.state.account = account
    return account


def require(role: str) -> Callable[..., Coroutine[Any, Any, AccountInfo]]:
    """A dependency: the logged-in account, which must have ``role`` or above (else 403)."""

    async def dependency(account: AccountInfo = Depends(current_account)) -> AccountInfo:  # noqa: B008
        # async: a check in memory, not worth a trip to the thread pool
        if not account.allows(role):
            raise HTTPException(403, f"this needs the {role} role (you are {account.role})")
        return account

    return dependency


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_with_headers(message: Message) -> None:
            if message["type"] == "http.response.start":
                headers: list[Any] = list(message.get("headers", []))
                present = {name.lower() for name, _ in headers}
                headers.extend(h for h in SECURITY_HEADERS if h[0] not in present)
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_headers)
