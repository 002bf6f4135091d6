"""``sysreview search``: strategies as data, rendered per database; pilots, PRESS, the log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported

search_app = typer.Typer(
    help="Search strategies (searches/NAME.toml): render per database, pilot, PRESS, log.",
    no_args_is_help=True,
)


@search_app.command("list")
def list_command(project: ProjectOption = Path(".")) -> None:
    """The project's strategies with their versions."""
    from sysreview.project.searching import project_strategy, strategy_names

    with reported():
        names = strategy_names(project)
        for name in names:
            print(f"{name}  version {project_strategy(project, name).version}")
    if not names:
        print(f"no strategies yet: write {project / 'searches'}/NAME.toml")


@search_app.command("check")
def check_command(name: str, project: ProjectOption = Path(".")) -> None:
    """Validate a strategy and summarise its blocks."""
    from sysreview.project.searching import project_strategy

    with reported():
        s = project_strategy(project, name)
    print(f"{s.name} (version {s.version}): {s.combine}")
    for block in s.blocks:
        terms = f"{len(block.terms)} term(s)"
        what = f"filter {', '.join(block.filter)}" if block.filter else terms
        print(f"  {block.name}: {block.label or ''} {what}".rstrip())


@search_app.command("render")
def render_command(
    name: str,
    database: Annotated[str | None, typer.Option(help="e.g. MEDLINE, PsycINFO, CENTRAL")] = None,
    interface: Annotated[str | None, typer.Option(help="e.g. Ovid, PubMed, Wiley")] = None,
    out: Annotated[Path | None, typer.Option(help="Write one file per database here.")] = None,
    expanded: Annotated[
        bool, typer.Option("--expanded", help="Also print the search as one line.")
    ] = False,
    project: ProjectOption = Path("."),
) -> None:
    """Render a strategy in a database's syntax (all supported databases by default)."""
    from sysreview.project.searching import render_strategy

    with reported():
        items = render_strategy(project, name, database=database, interface=interface, out_dir=out)
        for item in items:
            print(item.text())
            if expanded and item.target.syntax != "ovid":
                print(item.expanded() + "\n")


@search_app.command("pilot")
def pilot_command(
    paper: Annotated[
        list[str] | None, typer.Option(help="A model paper's DOI or PMID (repeatable).")
    ] = None,
    batch: Annotated[int | None, typer.Option(help="Import batch to check (default: all).")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Which of the model papers (protocol's search.model_papers) the imported results hold."""
    from sysreview.project.searching import pilot_batch
    from sysreview.project.services import opened

    with reported(), opened(project, db) as (proj, store):
        papers = list(paper or proj.protocol.search.model_papers)
        if not papers:
            fail("no model papers: give --paper or list them in review.toml [search] model_papers")
        report = pilot_batch(store, papers, batch)
    print(report.summary())
    if not report.complete:
        raise typer.Exit(1)


@search_app.command("press")
def press_command(
    name: str,
    review: Annotated[Path, typer.Argument(help="TOML: reviewer, reviewed, [[elements]].")],
    project: ProjectOption = Path("."),
) -> None:
    """Record a PRESS 2015 peer review of the strategy's current version."""
    import tomllib

    from pydantic import ValidationError

    from sysreview.project.searching import add_press_review, project_strategy
    from sysreview.search import PressReview

    with reported():
        data = tomllib.loads(review.read_text(encoding="utf-8"))
        data.setdefault("strategy", name)
        data.setdefault("version", project_strategy(project, name).version)
        try:
            item = PressReview.model_validate(data)
        except ValidationError as exc:
            fail("\n".join(f"{review}: {e['msg']}" for e in exc.errors()))
        path = add_press_review(project, item)
    print(item.summary())
    print(f"recorded in {path}")


@search_app.command("log")
def log_command(
    csv: Annotated[Path | None, typer.Option(help="Write the log as CSV here.")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """The search log: database, interface, date, hits and strategy version per import."""
    from sysreview.project.searching import search_log
    from sysreview.project.services import opened

    with reported(), opened(project, db) as (_, store):
        frame = search_log(store)
        if csv is not None:
            frame.to_csv(csv, index=False)
    print(frame.to_string(index=False) if not frame.empty else "no searches imported yet")


def register(app: typer.Typer) -> None:
    """Add ``sysreview search`` to ``app``."""
    app.add_typer(search_app, name="search")
