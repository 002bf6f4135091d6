"""Command groups of the ``sysreview`` CLI, one module per area.

Each module has ``register(app)``, adding its commands to a Typer app; heavy imports
stay inside the command functions. A module is imported, and its commands' parameters
read, only when one of its commands is run (:class:`sysreview.commands.group.LazyGroup`);
``sysreview --help`` lists the commands from :data:`COMMANDS` without importing any.
"""

from __future__ import annotations

from typing import NamedTuple


class Listed(NamedTuple):
    """A top-level command as ``sysreview --help`` lists it."""

    module: str
    """The module of :mod:`sysreview.commands` whose ``register`` adds the command."""
    help: str
    """The first paragraph of the command's help, as its ``--help`` shows it."""


COMMANDS: dict[str, Listed] = {
    "init": Listed(
        "basics", "Create a review project: review.toml from a template and its database."
    ),
    "validate": Listed("basics", "Check the protocol (review.toml) and print its summary."),
    "status": Listed(
        "basics", "Counts per stage so far: records, duplicates, screening, included studies."
    ),
    "import": Listed(
        "imports", "Import search results into the project, one import batch per file."
    ),
    "dedup": Listed(
        "dedup",
        "Find duplicate records: link them (never delete), queue uncertain pairs for review.",
    ),
    "prisma": Listed(
        "prisma",
        "The PRISMA 2020 flow diagram's counts, computed from the records and decisions.",
    ),
    "simulate": Listed(
        "screen",
        "Simulate prioritised screening of a labelled set: the order records would be seen in.",
    ),
    "export": Listed(
        "project",
        "Write the whole project as plain files (review.toml and one JSONL file per table).",
    ),
    "load": Listed("project", "Restore an exported project into a new project folder."),
    "pool": Listed("pool", "Pool the studies of DATA."),
    "analyse": Listed(
        "synthesis",
        "Run the protocol's analysis plan: pooled, narrative, sensitivity and subgroup analyses.",
    ),
    "report": Listed(
        "report",
        "Run the analysis plan and write the report: report.html, report.docx, figures/.",
    ),
    "run": Listed(
        "report",
        "The whole review: import → data → dedup → screening status → analyse → report.",
    ),
    "serve": Listed(
        "web", "Start the team web app (log in with an account made by 'sysreview user add')."
    ),
    "update": Listed(
        "search",
        "Living update: re-run saved live searches, import new exports, de-duplicate.",
    ),
    "log": Listed(
        "audit",
        "Print the audit trail: every decision, undo, resolution, assignment, link and load.",
    ),
    "metareg": Listed(
        "metareg",
        "Meta-regression: regress each study's effect on moderator columns of DATA.",
    ),
    "db": Listed("basics", "The project database."),
    "screen": Listed("screen", "Screening: decisions, conflicts, agreement."),
    "study": Listed(
        "study", "Studies: list them, or add one that no included report is linked to yet."
    ),
    "extract": Listed(
        "extract",
        "Data extraction: templates from the protocol, loading, discrepancies, data.",
    ),
    "data": Listed(
        "data",
        "Data files of outside formats: extracted data, risk of bias, PRISMA counts.",
    ),
    "rob": Listed(
        "rob",
        "Risk of bias (the protocol's tool, RoB 1 or RoB 2): sheets, agreement, figures.",
    ),
    "grade": Listed(
        "grade",
        "Certainty of the evidence (GRADE): suggested ratings, reviewers' ratings, sheets.",
    ),
    "user": Listed("web", "Web app accounts."),
    "search": Listed(
        "search",
        "Search strategies (searches/NAME.toml): render per database, pilot, PRESS, log.",
    ),
    "references": Listed(
        "references",
        "Records and screening decisions as files for reference managers and other tools.",
    ),
    "fulltext": Listed(
        "fulltext",
        "Full texts: attach PDFs, match a folder, find open-access copies, retrieval status.",
    ),
    "contact": Listed(
        "fulltext",
        "The author-contact log: messages to studies' authors and their replies.",
    ),
}
"""Every top-level command, in the order ``--help`` lists them: its module and help line.

A test builds each module's commands and checks this table against them (names,
modules, help lines, order), so it cannot drift from the commands.
"""

__all__ = ["COMMANDS", "Listed"]
