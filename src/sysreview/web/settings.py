"""How the web app runs: session secret and cookie policy."""

from __future__ import annotations

import os
import secrets
from dataclasses import dataclass, field
from typing import Literal

SECRET_ENV_VAR = "SYSREVIEW_WEB_SECRET"
"""Environment variable holding the session-signing secret (random per process if unset)."""


def _secret() -> str:
    return os.environ.get(SECRET_ENV_VAR, "").strip() or secrets.token_urlsafe(32)


@dataclass(frozen=True)
class WebSettings:
    """Settings of :func:`sysreview.web.create_app`.

    Parameters
    ----------
    secret_key
        Signs the session cookie (``$SYSREVIEW_WEB_SECRET``, else a random key made at
        start-up, so that a restart logs everybody out).
    https_only
        Mark the session cookie ``Secure`` (set when served over HTTPS, e.g. behind a
        reverse proxy).
    same_site
        The cookie's ``SameSite``: ``"lax"`` (default) or ``"strict"``.
    max_age
        Seconds a login lasts (default 8 hours).

    The words highlighted in titles and abstracts are the project's keywords
    (``[screening.keywords]`` and those added in the app) and each reviewer's own
    (:mod:`sysreview.project.selection.labels`).
    """

    secret_key: str = field(default_factory=_secret, repr=False)
    https_only: bool = False
    same_site: Literal["lax", "strict"] = "lax"
    max_age: int = 8 * 3600

    def __post_init__(self) -> None:
        if self.same_site not in ("lax", "strict"):
            raise ValueError(f"same_site must be 'lax' or 'strict', not {self.same_site!r}")
        if len(self.secret_key) < 16:
            raise ValueError("secret_key needs at least 16 characters")
