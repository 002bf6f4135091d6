"""MkDocs hook: the command-line reference, generated from the Typer app at build time.

The page ``reference/cli.md`` holds the marker ``<!-- sysreview-cli -->``; this hook
replaces it with what Typer's own documentation generator writes for ``sysreview``
(:func:`typer.cli.get_docs_for_click`, the function behind ``typer sysreview.cli utils
docs``). We call Typer's generator rather than a plugin because:

- it is maintained with Typer itself and reads Typer's parameters as Typer declares them
  (metavars, defaults, enum choices, ``-p/--project``), for the Typer version installed;
- mkdocs-typer (0.0.3, 2023) is unmaintained, and mkdocs-click needs a module-level
  ``click.Command`` object, which would mean adding documentation-only code to
  ``sysreview.cli``;
- it runs in-process and offline: nothing is fetched, no subprocess.

So the reference cannot drift from the commands: every build reads the app as it is.
"""

from __future__ import annotations

from typing import Any

MARKER = "<!-- sysreview-cli -->"


def _cli_markdown() -> str:
    import click
    import typer.main
    from typer.cli import get_docs_for_click

    from sysreview.cli import app

    command = typer.main.get_command(app)
    ctx = click.Context(command, info_name="sysreview")
    text = get_docs_for_click(obj=command, ctx=ctx, name="sysreview")
    # Typer writes a level-1 title with the app's help first; the page has its own title,
    # so the generated headings start at level 2 ("## `sysreview init`").
    lines = text.splitlines()
    if lines and lines[0].startswith("# "):
        lines = lines[1:]
    return "\n".join(lines).strip() + "\n"


def on_page_markdown(markdown: str, page: Any, **kwargs: Any) -> str:
    """Replace the marker on the CLI reference page with the generated reference."""
    if MARKER not in markdown:
        return markdown
    return markdown.replace(MARKER, _cli_markdown())
