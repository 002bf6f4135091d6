"""sysreview search / update: strategies, live searches and living updates (issue 9)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app`` (none yet)."""
