"""``sysreview search``: strategies as data, rendered per database; pilots, PRESS, the log."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported
from sysreview.commands.options import hidden_alias, primary

if TYPE_CHECKING:
    from sysreview.search.live import ApiClient

search_app = typer.Typer(
    help="Search strategies (searches/NAME.toml): render per database, pilot, PRESS, log.",
    no_args_is_help=True,
)


@search_app.command("list")
def list_command(project: ProjectOption = Path(".")) -> None:
    """The project's strategies with their versions."""
    from sysreview.project.importing.searches import project_strategy, strategy_names

    with reported():
        names = strategy_names(project)
        for name in names:
            print(f"{name}  version {project_strategy(project, name).version}")
    if not names:
        print(f"no strategies yet: write {project / 'searches'}/NAME.toml")


@search_app.command("check")
def check_command(name: str, project: ProjectOption = Path(".")) -> None:
    """Validate a strategy and summarise its blocks."""
    from sysreview.project.importing.searches import project_strategy

    with reported():
        s = project_strategy(project, name)
    from sysreview.search.filters import missing_text

    print(f"{s.name} (version {s.version}): {s.combine}")
    for block in s.blocks:
        terms = f"{len(block.terms)} term(s)"
        what = f"filter {', '.join(block.filter)}" if block.filter else terms
        where = f" (in {', '.join(block.databases)} only)" if block.databases else ""
        print(f"  {block.name}: {block.label or ''} {what}{where}".rstrip())
        for spec in missing_text(block):
            print(f"  warning: {block.name}: filter {spec.name} ({spec.citation}): "
                  f"{spec.text_missing}")  # fmt: skip


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
    from sysreview.project.importing.searches import render_strategy

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
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        papers = list(paper or review.protocol.search.model_papers)
        if not papers:
            fail("no model papers: give --paper or list them in review.toml [search] model_papers")
        report = review.records.pilot(papers, batch)
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

    from sysreview.project.importing.searches import add_press_review, project_strategy
    from sysreview.protocol.loader import toml_loads
    from sysreview.search import PressReview

    with reported():
        try:
            data = toml_loads(review.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeDecodeError) as exc:
            fail(f"{review}: not valid TOML: {exc}")
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
    csv: Annotated[
        Path | None, typer.Option("--out", help="Write the log as CSV here.", callback=primary)
    ] = None,
    old_csv: Annotated[Path | None, hidden_alias("--csv", "csv")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """The search log: database, interface, date, hits and strategy version per import."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        frame = review.records.search_log()
        if csv is not None:
            from sysreview.cells import safe_frame

            safe_frame(frame).to_csv(csv, index=False)
    print(frame.to_string(index=False) if not frame.empty else "no searches imported yet")


EmailOption = Annotated[
    str | None,
    typer.Option(
        "--email", envvar="SYSREVIEW_EMAIL", help="Your email, sent to NCBI/OpenAlex/Crossref."
    ),
]
NcbiKeyOption = Annotated[
    str | None, typer.Option("--ncbi-api-key", envvar="NCBI_API_KEY", help="NCBI API key.")
]


def _client(email: str | None, ncbi_key: str | None) -> ApiClient:
    from sysreview.search.live import ApiClient as Client

    return Client(email=email, api_keys={"ncbi": ncbi_key} if ncbi_key else {})


@contextmanager
def _bar(label: str) -> Iterator[Callable[[int, int], None]]:
    """A rich progress bar fed by ``(done, total)`` calls."""
    from rich.progress import BarColumn, MofNCompleteColumn, TextColumn

    from sysreview.commands.progress import progress_bar

    with progress_bar(TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn()) as bar:
        task = bar.add_task(label, total=None)

        def update(done: int, total: int) -> None:
            bar.update(task, completed=done, total=total)

        yield update


@search_app.command("run")
def run_command(
    name: Annotated[str, typer.Argument(help="A saved live search of searches/live.toml.")],
    email: EmailOption = None,
    ncbi_api_key: NcbiKeyOption = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Run one saved live search now and import what it finds."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        saved = {s.name: s for s in review.records.live_searches()}
        if name not in saved:
            known = ", ".join(saved) or "none"
            fail(f"no live search {name!r} in searches/live.toml (saved: {known})")
        with _client(email, ncbi_api_key) as client, _bar(name) as progress:
            run = review.records.run_live_search(saved[name], client, progress)
    print(run.summary())


def update_command(
    files: Annotated[
        list[Path] | None, typer.Argument(help="New export files to import as well.")
    ] = None,
    source: Annotated[str | None, typer.Option(help="Database the new files come from.")] = None,
    date_: Annotated[str | None, typer.Option("--date", help="Their search date.")] = None,
    offline: Annotated[
        bool, typer.Option("--offline", help="Do not run the saved live searches.")
    ] = False,
    email: EmailOption = None,
    ncbi_api_key: NcbiKeyOption = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    analyse: Annotated[
        bool,
        typer.Option(
            "--analyse",
            help="Then re-run the analysis plan, print what changed in each result "
            "(against DIR/out/results.json) and write the new results.",
        ),
    ] = False,
) -> None:
    """Living update: re-run saved live searches, import new exports, de-duplicate.

    De-duplicate against everything in the project, and count the new records queued for
    screening; with --analyse, re-run the analysis and report what changed.
    """
    from datetime import date

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        try:
            day = date.fromisoformat(date_) if date_ else None
        except ValueError:
            fail(f"--date must be YYYY-MM-DD, not {date_!r}")
        client = None if offline else _client(email, ncbi_api_key)
        try:
            with _bar("update") as progress:
                report = review.records.update(client, files=files or [], file_source=source,
                                               searched=day, progress=progress)  # fmt: skip
        finally:
            if client is not None:
                client.close()
    print(report.summary())
    if analyse:
        with reported(), open_project(project, db) as review:
            print(review.analysis.reanalyse().summary())


def register(app: typer.Typer) -> None:
    """Add ``sysreview search`` and ``sysreview update`` to ``app``."""
    app.add_typer(search_app, name="search")
    app.command("update")(update_command)
