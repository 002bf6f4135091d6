"""``sysreview screen label`` and ``sysreview screen keyword``: labels and highlighted words.

The same service calls as the web app (``project.screening``): an administrator defines
labels, reviewers put them on records; keywords are the project's list or one
reviewer's own. Everything is recorded as an event (who, when).
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported

label_app = typer.Typer(help="Labels on records: define (administrators), add, remove, list.")
keyword_app = typer.Typer(help="Highlighted keywords: the project's list or a reviewer's own.")
ByOption = Annotated[str, typer.Option("--by", help="Who does it (recorded), e.g. R1.")]
KindOption = Annotated[str, typer.Option(help="include (green) or exclude (red).")]
OwnerOption = Annotated[
    str | None,
    typer.Option("--reviewer", help="This reviewer's own list (default: the project's)."),
]


def _safe(text: str) -> str:
    from sysreview.text import terminal_safe

    return terminal_safe(text)


@label_app.command("define")
def label_define(
    name: Annotated[str, typer.Argument(help="The label, e.g. RCT.")],
    by: ByOption,
    description: Annotated[str | None, typer.Option(help="What the label means.")] = None,
    retire: Annotated[bool, typer.Option("--retire", help="Take the label out of use.")] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Define a project label (or retire one)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        found = review.screening.define_label(name, who=by, description=description, retire=retire)
    print(_safe(f"label {found.name!r} {'retired' if retire else 'defined'} by {by}"))


def _apply(record: int, name: str, by: str, applied: bool, project: Path, db: str | None) -> None:
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        now = review.screening.label(record_id=record, label=name, who=by, applied=applied)
    print(_safe(f"record {record}: labels {', '.join(now) or '(none)'}"))


@label_app.command("add")
def label_add(
    record: Annotated[int, typer.Argument(help="Record id.")],
    name: Annotated[str, typer.Argument(help="A defined label.")],
    by: ByOption,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Put a label on a record."""
    _apply(record, name, by, True, project, db)


@label_app.command("remove")
def label_remove(
    record: Annotated[int, typer.Argument(help="Record id.")],
    name: Annotated[str, typer.Argument(help="A label on the record.")],
    by: ByOption,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Take a label off a record."""
    _apply(record, name, by, False, project, db)


@label_app.command("list")
def label_list(project: ProjectOption = Path("."), db: DatabaseOption = None) -> None:
    """The project's labels, with who defined them."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        labels = review.screening.labels()
    if not labels:
        print("no labels yet")
    for found in labels:
        about = f": {found.description}" if found.description else ""
        print(_safe(f"{found.name}{about} (defined by {found.defined_by})"))


def _keyword(
    word: str, kind: str, by: str, owner: str | None, project: Path, db: str | None
) -> None:
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        review.screening.set_keyword(word=word, kind=kind, who=by, owner=owner)
    whose = f"{owner}'s" if owner else "the project's"
    done = "taken off" if kind == "none" else f"added as {kind} to"
    print(_safe(f"{word!r} {done} {whose} keywords"))


@keyword_app.command("add")
def keyword_add(
    word: Annotated[str, typer.Argument(help="A word or phrase.")],
    kind: KindOption,
    by: ByOption,
    reviewer: OwnerOption = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Highlight a word: in the project's list, or in a reviewer's own (``--reviewer``)."""
    if kind not in ("include", "exclude"):
        fail(f"invalid --kind {kind!r}; must be include or exclude")
    _keyword(word, kind, by, reviewer, project, db)


@keyword_app.command("remove")
def keyword_remove(
    word: Annotated[str, typer.Argument(help="A listed word or phrase.")],
    by: ByOption,
    reviewer: OwnerOption = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Take a word off the project's list, or off a reviewer's own (``--reviewer``)."""
    _keyword(word, "none", by, reviewer, project, db)


@keyword_app.command("list")
def keyword_list(
    reviewer: Annotated[
        str, typer.Option("--reviewer", help="Whose highlighting to show (with the project's).")
    ] = "",
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """The words highlighted (for a reviewer: their own list over the project's)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        found = review.screening.keywords(reviewer)
    print(_safe(f"include: {', '.join(found.include) or '(none)'}"))
    print(_safe(f"exclude: {', '.join(found.exclude) or '(none)'}"))


def register_labels(screen_app: typer.Typer) -> None:
    """Add ``label`` and ``keyword`` to ``sysreview screen``."""
    screen_app.add_typer(label_app, name="label")
    screen_app.add_typer(keyword_app, name="keyword")
