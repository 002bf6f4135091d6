"""sysreview rob: risk-of-bias entry, agreement and figures (issue 6)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add this group's commands to ``app`` (none yet)."""
