"""Command groups of the ``sysreview`` CLI, one module per area.

Each module listed in :data:`MODULES` has ``register(app)``, adding its commands to the
main Typer app; heavy imports stay inside the command functions so that ``sysreview
pool`` starts fast.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import typer

MODULES = (
    "imports", "dedup", "prisma", "screen", "project", "pool",
    "study", "extract", "data", "rob", "synthesis", "grade", "report", "web", "search",
    "audit", "metareg", "references", "fulltext",
)  # fmt: skip
"""The command modules, in the order their commands are listed."""


def register_all(app: typer.Typer) -> None:
    """Add every command group's commands to ``app``."""
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        module.register(app)
