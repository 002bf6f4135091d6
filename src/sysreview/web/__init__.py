"""The team web app (``sysreview serve``): screening, conflicts, agreement, dashboard, API.

Build it with :func:`create_app`; run it with uvicorn (``sysreview serve DIR``).
"""

from sysreview.web.app import create_app
from sysreview.web.settings import WebSettings

__all__ = ["WebSettings", "create_app"]
