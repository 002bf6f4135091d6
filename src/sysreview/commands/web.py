"""sysreview serve: the team web app (issue 8)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app`` (none yet)."""
