"""``/api/docs``: the JSON API's operations in Swagger UI, behind the login.

Swagger UI (``swagger-ui-dist`` from npm, Apache-2.0, vendored in
``static/swagger-ui/`` with its licence and notice) is served by the app itself, never
from a CDN. The page is the app's own template rather than FastAPI's
``get_swagger_ui_html``: that page starts Swagger UI with an inline script (refused by
the app's Content-Security-Policy, ``script-src 'self'``), has no ``lang`` and cannot
give "Try it out" the session's CSRF token. Here a static script,
``static/swagger-ui/init.js``, starts it with FastAPI's options but no deep links, no
validator badge (which would send the schema to validator.swagger.io) and the CSRF
token on every write. Like every ``/api/`` route, it answers 401 to a visitor who is
not logged in.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Request
from fastapi.responses import Response

from sysreview.project.accounts.users import AccountInfo
from sysreview.web.app import render
from sysreview.web.security import require

router = APIRouter(include_in_schema=False)
OPENAPI_URL = "/api/openapi.json"


@router.get("/api/docs")
def api_docs(
    request: Request,
    account: Annotated[AccountInfo, Depends(require("reviewer"))],
) -> Response:
    """Swagger UI on the API's schema (any logged-in account, as the schema itself)."""
    return render(request, "api_docs.html", openapi_url=OPENAPI_URL)
