"""``/api/docs``: the JSON API's operations in Swagger UI, behind the login.

Swagger UI (``swagger-ui-dist`` from npm, Apache-2.0, vendored in
``static/swagger-ui/`` with its licence and notice) is served by the app itself, never
from a CDN. The page is the app's own template rather than FastAPI's
``get_swagger_ui_html``: that page starts Swagger UI with an inline script (refused by
the app's Content-Security-Policy, ``script-src 'self'``), has no ``lang`` and cannot
give "Try it out" the session's CSRF token. Here a static script,
``static/swagger-ui/init.js``, starts it with the same options FastAPI uses, no
validator badge (which would send the schema to validator.swagger.io) and the CSRF token
on every write.
"""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import RedirectResponse, Response

from sysreview.web.app import render
from sysreview.web.security import LoginRequired, current_account

router = APIRouter(include_in_schema=False)
OPENAPI_URL = "/api/openapi.json"


@router.get("/api/docs")
async def api_docs(request: Request) -> Response:
    """Swagger UI on the API's schema; a visitor not logged in is sent to the login page."""
    try:
        await current_account(request)  # every role may read the API's schema
    except LoginRequired:
        return RedirectResponse("/login?next=/api/docs", status_code=303)
    return render(request, "api_docs.html", openapi_url=OPENAPI_URL)
