"""Logins, roles and CSRF: the dependencies every route uses, and the security headers.

Sessions are Starlette's signed cookies (``itsdangerous``; HttpOnly, ``SameSite`` Lax or
Strict, ``Secure`` on request) holding only the account id, the account's session
generation when the session began, and the session's CSRF token. Every request reloads
the account, so a deactivated account or a changed role takes effect at once, and a
cookie whose generation is not the account's any more is refused: logging out (in any
browser), a new password, role or active flag, from a page or from ``sysreview user``,
end every session of the account at once, copies of its cookie included
(:func:`sysreview.project.accounts.users.end_sessions`).

Logins are throttled per account name and per client address, and the passwords of at
most a few are checked at once (:mod:`sysreview.web.throttle`).

CSRF: a synchronizer token per session (OWASP CSRF Prevention Cheat Sheet), sent back
in the ``csrf_token`` form field or the ``X-CSRF-Token`` header on every ``POST``, ``PUT``,
``PATCH`` and ``DELETE``; compared in constant time.
"""

from __future__ import annotations

import hmac
import secrets
from collections.abc import Callable, Coroutine, Iterable
from typing import Any

from fastapi import Depends, HTTPException, Request
from fastapi.routing import APIRoute
from starlette.concurrency import run_in_threadpool
from starlette.types import ASGIApp, Message, Receive, Scope, Send

from sysreview.project.accounts.users import AccountInfo
from sysreview.project.opening import Project
from sysreview.protocol.review import Role
from sysreview.web.throttle import LoginThrottle

CSRF_HEADER = "X-CSRF-Token"
CSRF_FIELD = "csrf_token"
LOGIN_PATHS = frozenset({"/login", "/api/login"})
LOGIN_BODY_BYTES = 16 * 1024
"""Largest login request accepted (a name, a password, the CSRF token and the next page)."""
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
ID_RANGE = (1, 2**31 - 1)
"""Database ids are SQL ``INTEGER``: an integer a route takes outside this range names
nothing (see :func:`bounded_ids`)."""


class LoginRequired(Exception):
    """No valid login in this request's session."""


def project_of(request: Request) -> Project:
    """The project the app serves (one for the server's life)."""
    project: Project = request.app.state.project
    return project


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
    request.session["gen"] = account.generation
    request.session["csrf"] = secrets.token_urlsafe(32)


async def log_in(request: Request, name: str, password: str) -> AccountInfo | None:
    """Check a login and start its session; the account, or ``None`` for a wrong one.

    Admitted by the app's :class:`~sysreview.web.throttle.LoginThrottle` first
    (:class:`~sysreview.web.throttle.LoginRefused` when refused); the password is
    checked in the thread pool, in turn.
    """
    throttle: LoginThrottle = request.app.state.login_throttle
    address = request.client.host if request.client else None
    throttle.admit(name, address)
    account = None
    try:
        async with throttle.turn():
            accounts = project_of(request).accounts
            account = await run_in_threadpool(accounts.authenticate, name, password)
    finally:
        throttle.done(name, address, succeeded=account is not None)
    if account is not None:
        start_session(request, account)
    return account


def end_session(request: Request) -> None:
    """Log out: end every session of the account (other browsers too), forget this one."""
    aid, generation = request.session.get("aid"), request.session.get("gen")
    if isinstance(aid, int) and isinstance(generation, int):
        project_of(request).accounts.end_sessions(aid, generation)
    request.session.clear()


def _is_form(request: Request) -> bool:
    return request.headers.get("content-type", "").startswith(
        ("application/x-www-form-urlencoded", "multipart/form-data")
    )


async def check_csrf(request: Request) -> None:
    """Refuse a state-changing request without the session's CSRF token (403)."""
    if request.method in SAFE_METHODS:
        return
    if "aid" not in request.session and request.url.path not in LOGIN_PATHS:
        raise LoginRequired  # say "log in" before "CSRF token missing"
    expected = request.session.get("csrf")
    sent = request.headers.get(CSRF_HEADER)
    if sent is None and _is_form(request):
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
    accounts = project_of(request).accounts
    if not isinstance(aid, int):
        account = None
    elif accounts.store.backend == "sqlite":
        account = accounts.get(aid)
    else:
        account = await run_in_threadpool(accounts.get, aid)
    if account is None or not account.active or request.session.get("gen") != account.generation:
        request.session.clear()
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


def check_protocol_role(
    request: Request, account: AccountInfo, roles: Iterable[Role], called: str
) -> AccountInfo:
    """``account``, which must have one of ``roles`` in the project's protocol (else 403).

    ``called`` names the roles in the refusal: "``R1`` is not ``called`` in the protocol".
    """
    person = project_of(request).protocol.review.reviewer(account.name)
    if person is None or not any(person.has(role) for role in roles):
        raise HTTPException(403, f"{account.name} is not {called} in the protocol")
    return account


def require_protocol_role(*roles: Role, called: str) -> Callable[..., AccountInfo]:
    """A dependency: the logged-in reviewer, who must have one of ``roles`` in the protocol.

    See :func:`check_protocol_role`.
    """

    def dependency(
        request: Request,
        account: AccountInfo = Depends(require("reviewer")),  # noqa: B008
    ) -> AccountInfo:
        return check_protocol_role(request, account, roles, called)

    return dependency


def _unbounded_ints(fields: Iterable[Any]) -> list[Any]:
    """The integer parameters among FastAPI's ``ModelField`` s that have no bounds."""
    return [f for f in fields if f.field_info.annotation is int and not f.field_info.metadata]


def _int_parameters(route: APIRoute) -> tuple[list[str], list[str]]:
    """Integer parameters of ``route`` without bounds of their own: ``(path, query or form)``."""
    dependant = route.dependant
    path = [f.name for f in _unbounded_ints(dependant.path_params)]
    other = [f.alias for f in _unbounded_ints((*dependant.query_params, *dependant.body_params))]
    return path, other


def _out_of_range(text: object) -> int | None:
    """``text`` as an integer outside :data:`ID_RANGE`; ``None`` when inside or not one."""
    if not isinstance(text, str):
        return None
    try:
        value = int(text)
    except ValueError:
        return None  # not an integer: the route's own validation answers 422
    low, high = ID_RANGE
    return None if low <= value <= high else value


async def bounded_ids(request: Request) -> None:
    """Refuse an integer parameter outside :data:`ID_RANGE`: 404 in the path, else 422.

    An app-wide dependency: each integer a route takes names a database row (a record,
    a study), whose id is an SQL ``INTEGER``. Outside that range a database cannot
    compare or store it (PostgreSQL: "integer out of range"; SQLite: beyond 64 bits),
    so no route gets such a value. A parameter with bounds of its own (the JSON API's,
    which its OpenAPI schema shows) is left to them.
    """
    route = request.scope.get("route")
    if not isinstance(route, APIRoute):
        return
    path, other = _int_parameters(route)
    for name in path:
        value = _out_of_range(request.path_params.get(name))
        if value is not None:
            raise HTTPException(404, f"no {name.removesuffix('_id')} {value}")
    if not other:
        return
    values = dict(request.query_params)
    if _is_form(request):
        values.update((k, v) for k, v in (await request.form()).items() if isinstance(v, str))
    low, high = ID_RANGE
    for name in other:
        value = _out_of_range(values.get(name))
        if value is not None:
            raise HTTPException(422, f"{name}: {value} is not an id ({low} to {high})")


class SecurityHeaders:
    """ASGI middleware adding :data:`SECURITY_HEADERS` to every HTTP response."""

    def __init__(self, app: ASGIApp) -> None:
        self.app = app

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        """Pass the request on; add the headers to an HTTP response's start."""
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
