"""The ``sysreview`` console script and ``python -m sysreview``.

The Typer app of :mod:`sysreview.cli`, every command alike. A command that needs an
optional dependency the installation lacks (``pip install sysreview`` brings only the
statistics library) ends with one line naming the extra to install, not a traceback.
"""

from __future__ import annotations

import os
import sys
from typing import NoReturn

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
    """Console-script entry point.

    Exit status: 0 success; 2 bad input or usage (the commands print ``sysreview: error:
    ...``, click prints usage errors); 1 a failure that is not the input's: an optional
    dependency not installed, a failure of sysreview itself (one line; the traceback
    with ``SYSREVIEW_TRACEBACK=1``). A reader that closed the pipe (``sysreview pool
    data.csv | head -1``) ends the command quietly.
    """
    try:
        from sysreview.cli import app

        app()
    except ModuleNotFoundError as exc:
        line = missing_extra(exc)
        if line is None:
            _internal(exc)
        print(line, file=sys.stderr)
        sys.exit(1)
    except BrokenPipeError:
        # Python's advice (signal docs, "Note on SIGPIPE"): no flush to the closed pipe
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        sys.exit(1)
    except Exception as exc:
        _internal(exc)


def _internal(exc: BaseException) -> NoReturn:
    """A failure of sysreview itself: one line (exit 1), the traceback only if asked for."""
    if os.environ.get("SYSREVIEW_TRACEBACK"):
        raise exc
    text = str(exc).strip().splitlines()
    detail = f": {text[0]}" if text else ""
    print(
        f"sysreview: internal error: {type(exc).__name__}{detail} (please report it, with "
        "the output of the command run again with SYSREVIEW_TRACEBACK=1)",
        file=sys.stderr,
    )
    sys.exit(1)


__all__ = ["EXTRAS", "main", "missing_extra"]
