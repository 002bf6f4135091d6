"""The ``sysreview`` console script: ``pool`` starts without building the whole CLI.

``sysreview pool …`` is often scripted over many files, so its startup counts: it goes
straight to :func:`sysreview.commands.pool_fast.fast_main`, which runs the same command
as :mod:`sysreview.cli` does (same output, same errors) without importing the other
commands. Every other command, and any ``pool`` command line the fast path does not fully
understand (``--help``, usage errors), goes to the Typer app in :mod:`sysreview.cli`.
"""

from __future__ import annotations

import sys


def main() -> None:
    """Console-script entry point."""
    if len(sys.argv) > 1 and sys.argv[1] == "pool":
        from sysreview.commands.pool_fast import fast_main

        status = fast_main(sys.argv[2:])
        if status is not None:
            sys.exit(status)
    from sysreview.cli import app

    app()


__all__ = ["main"]
