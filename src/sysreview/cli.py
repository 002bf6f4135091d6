"""The ``sysreview`` command line: thin wrappers over the library.

Every expected failure prints one line ``sysreview: error: …`` naming the file, row
and column, and exits with status 2 — never a traceback.

Here are the root app and its ``--version`` option; the commands live in the modules of
:mod:`sysreview.commands`, each loaded when one of its commands is run
(:class:`~sysreview.commands.group.LazyGroup`, listed as ``COMMANDS`` says).
"""

from __future__ import annotations

from typing import Annotated

import typer

from sysreview.commands.group import LazyGroup
from sysreview.commands.terminal import SysreviewTyper, reflow_help

app = SysreviewTyper(
    name="sysreview",
    help="Cochrane-style systematic reviews: RevMan-exact and metafor-exact statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    cls=LazyGroup,
)


@app.callback()
def main_callback(
    version: Annotated[
        bool,
        typer.Option(
            "--version",
            help="Print sysreview's version and exit.",
            is_eager=True,
            callback=lambda given: _print_version(given),
        ),
    ] = False,
) -> None:
    """sysreview: run a systematic review of randomised trials, end to end."""


def _print_version(given: bool) -> None:
    if given:
        from sysreview import __version__

        print(f"sysreview {__version__}")
        raise typer.Exit(0)


reflow_help(app)


def main() -> None:
    """Entry point of ``python -m sysreview.cli``: as the console script (exit codes alike)."""
    from sysreview.entry import main as entry_main

    entry_main()


if __name__ == "__main__":
    main()
