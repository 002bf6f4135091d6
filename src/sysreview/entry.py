"""The ``sysreview`` console script and ``python -m sysreview``.

The Typer app of :mod:`sysreview.cli`, every command alike.
"""

from __future__ import annotations


def main() -> None:
    """Console-script entry point."""
    from sysreview.cli import app

    app()


__all__ = ["main"]
