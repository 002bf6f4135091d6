"""sysreview analyse / report / run: the analysis plan and the report (issue 7)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app`` (none yet)."""
