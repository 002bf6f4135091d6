"""sysreview report: the review's report as HTML, DOCX and figures (issue 7)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app`` (none yet)."""
