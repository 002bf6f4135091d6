"""The ``sysreview`` console script and ``python -m sysreview``.

The Typer app of :mod:`sysreview.cli`, every command alike. A command that needs an
optional dependency the installation lacks (``pip install sysreview`` brings only the
statistics library) ends with one line naming the extra to install, not a traceback.
"""

from __future__ import annotations

import sys

EXTRAS = {
    "typer": "cli",
    "rich": "cli",
    "click": "cli",
    "sqlalchemy": "project",
    "alembic": "project",
    "rispy": "project",
    "bibtexparser": "project",
    "rapidfuzz": "project",
    "sklearn": "project",
    "openpyxl": "project",
    "jinja2": "project",
    "docx": "project",
    "argon2": "project",
    "ftfy": "project",
    "citeproc": "project",
    "weasyprint": "project",
    "pypdf": "project",
    "fastapi": "web",
    "starlette": "web",
    "uvicorn": "web",
    "multipart": "web",
    "itsdangerous": "web",
    "psycopg": "postgres",
    "httpx": "search",
}
"""Top-level module -> the extra of ``pyproject.toml`` that installs it."""


def missing_extra(exc: ModuleNotFoundError) -> str | None:
    """The line to print for a module an extra would install; ``None`` for any other.

    Examples
    --------
    >>> print(missing_extra(ModuleNotFoundError("No module named 'fastapi'", name="fastapi")))
    sysreview: this needs fastapi, which comes with the 'web' extra: pip install 'sysreview[web]'
    >>> missing_extra(ModuleNotFoundError("No module named 'nope'", name="nope")) is None
    True
    """
    top = (exc.name or "").split(".")[0]
    extra = EXTRAS.get(top)
    if extra is None:
        return None
    return (
        f"sysreview: this needs {top}, which comes with the {extra!r} extra: "
        f"pip install 'sysreview[{extra}]'"
    )


def main() -> None:
    """Console-script entry point."""
    try:
        from sysreview.cli import app

        app()
    except ModuleNotFoundError as exc:
        line = missing_extra(exc)
        if line is None:
            raise
        print(line, file=sys.stderr)
        sys.exit(1)


__all__ = ["EXTRAS", "main", "missing_extra"]
