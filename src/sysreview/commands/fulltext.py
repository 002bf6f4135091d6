"""``sysreview fulltext``, ``sysreview contact`` and ``sysreview study status``.

Full texts: attach a PDF to a record, match a folder of PDFs to the reports at full text,
look up open-access copies by DOI (downloading only with ``--download``), record a
report's retrieval status, list the reports with their links, status and files.
Studies: list one as awaiting classification or ongoing, with its data. Authors: log a
message to a study's author and its reply. Every command is one service call; bad input
is one line on stderr, exit 2, and nothing is stored.
"""

from __future__ import annotations

import json
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported

if TYPE_CHECKING:
    from sysreview.search.live import ApiClient

fulltext_app = typer.Typer(
    help="Full texts: attach PDFs, match a folder, find open-access copies, retrieval status.",
    no_args_is_help=True,
)
contact_app = typer.Typer(
    help="The author-contact log: messages to studies' authors and their replies.",
    no_args_is_help=True,
)
ReviewerOption = Annotated[str, typer.Option("--reviewer", help="Protocol reviewer id, e.g. R1.")]
JsonOption = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def _say(text: str) -> None:
    from sysreview.text import terminal_safe

    print(terminal_safe(text))


def _day(value: str | None, option: str) -> date | None:
    if value is None:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        fail(f"{option}: {value!r} is not a date (YYYY-MM-DD)")


def _json(value: Any) -> str:
    def plain(obj: Any) -> Any:
        if isinstance(obj, date | datetime):
            return obj.isoformat()
        return vars(obj) if hasattr(obj, "__dataclass_fields__") else str(obj)

    return json.dumps(value, default=plain, indent=2, ensure_ascii=False)


@fulltext_app.command("add")
def add_command(
    record: Annotated[int, typer.Argument(help="The record (report) id.")],
    file: Annotated[Path, typer.Argument(help="The PDF to attach.")],
    reviewer: ReviewerOption,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Attach a PDF to a record.

    The file is kept once by content in fulltexts/; the report is marked retrieved.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        attached = review.retrieval.attach(record, file, reviewer)
    _say(f"attached {attached.summary()}")


@fulltext_app.command("match")
def match_command(
    folder: Annotated[Path, typer.Argument(help="A folder of PDFs.")],
    reviewer: ReviewerOption,
    threshold: Annotated[
        float, typer.Option(help="Least title similarity (0-100) that counts as a match.")
    ] = 95.0,
    every_record: Annotated[
        bool, typer.Option("--all-records", help="Match every record, not only those at FT.")
    ] = False,
    dry_run: Annotated[bool, typer.Option("--dry-run", help="Report, attach nothing.")] = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Match the PDFs of a folder to the reports at full text and attach them.

    By DOI or PMID in the file's information, name or first page, then by title.
    Ambiguous matches are listed with every candidate and never attached.
    """
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        run = review.retrieval.match_folder(folder, reviewer, threshold=threshold,
                                            every_record=every_record,
                                            dry_run=dry_run)  # fmt: skip
    _say(run.summary())


def _client(email: str | None) -> ApiClient:
    from sysreview.search.live import ApiClient as Client

    return Client(email=email)


@fulltext_app.command("find-oa")
def find_oa_command(
    records: Annotated[
        list[int] | None, typer.Argument(help="Records to look up (default: those at FT).")
    ] = None,
    email: Annotated[
        str | None,
        typer.Option(envvar="SYSREVIEW_EMAIL", help="Your e-mail (Unpaywall requires one)."),
    ] = None,
    download: Annotated[
        bool, typer.Option("--download", help="Download the first PDF found and attach it.")
    ] = False,
    reviewer: Annotated[
        str | None, typer.Option("--reviewer", help="Who attaches (with --download).")
    ] = None,
    as_json: JsonOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """List open-access copies of the reports at full text that have a DOI and no file.

    From Unpaywall, OpenAlex and Europe PMC; nothing is downloaded without --download.
    """
    from sysreview.project.opening import open_project

    with reported(), _client(email) as client, open_project(project, db) as review:
        found = review.retrieval.find_open_access(client, records=records, download=download,
                                                  reviewer=reviewer)  # fmt: skip
    if as_json:
        print(_json([vars(f) for f in found]))
    else:
        _say("\n".join(f.summary() for f in found) or "no report at full text needs a copy")


@fulltext_app.command("status")
def status_command(
    record: Annotated[int, typer.Argument(help="The record (report) id.")],
    status: Annotated[str, typer.Argument(help="sought, retrieved or not-retrieved.")],
    reviewer: ReviewerOption,
    reason: Annotated[
        str | None, typer.Option(help="Why it was not retrieved (required then).")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Record a report's retrieval status (PRISMA's "reports not retrieved" counts it)."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        now, changed = review.retrieval.set_status(record, status, reviewer, reason=reason)
    _say(f"record {record}: {now.summary()}" + ("" if changed else " (unchanged)"))


@fulltext_app.command("list")
def list_command(
    as_json: JsonOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """The reports at full text with their DOI / PubMed / URL links, status and files."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        rows = review.retrieval.fulltexts()
    if as_json:
        print(_json([vars(r) for r in rows]))
    else:
        _say("\n".join(r.summary() for r in rows) or "no report at full text yet")


def study_status_command(
    study: Annotated[str, typer.Argument(help="The study's label.")],
    status: Annotated[str, typer.Argument(help="awaiting, ongoing, or none (take back).")],
    reviewer: ReviewerOption,
    study_name: Annotated[str | None, typer.Option(help="Ongoing: the trial's name.")] = None,
    methods: Annotated[str | None, typer.Option()] = None,
    participants: Annotated[str | None, typer.Option()] = None,
    interventions: Annotated[str | None, typer.Option()] = None,
    outcomes: Annotated[str | None, typer.Option()] = None,
    notes: Annotated[str | None, typer.Option()] = None,
    reason: Annotated[
        str | None, typer.Option(help="Awaiting: why it cannot be classified.")
    ] = None,
    starting_date: Annotated[str | None, typer.Option(help="Ongoing: when it started.")] = None,
    contact: Annotated[str | None, typer.Option(help="Ongoing: contact information.")] = None,
    registration: Annotated[str | None, typer.Option(help="Ongoing: e.g. NCT01234567.")] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """List a study as awaiting classification or ongoing, with its data."""
    from sysreview.project.opening import open_project

    data = {"study_name": study_name, "methods": methods, "participants": participants,
            "interventions": interventions, "outcomes": outcomes, "notes": notes,
            "reason": reason, "starting_date": starting_date, "contact": contact,
            "registration": registration}  # fmt: skip
    with reported(), open_project(project, db) as review:
        result = review.retrieval.list_study(study, status, reviewer, data)
    _say(result.summary())


def study_statuses_command(
    as_json: JsonOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """The studies awaiting classification and the ongoing studies, with their data."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        found = review.retrieval.study_statuses()
    if as_json:
        print(_json([vars(s) for s in found]))
    else:
        _say("\n".join(s.summary() for s in found) or "no study awaiting classification or ongoing")


@contact_app.command("add")
def contact_add_command(
    study: Annotated[str, typer.Argument(help="The study's label.")],
    to: Annotated[str, typer.Option("--to", help="Who was contacted (name, e-mail).")],
    asked: Annotated[str, typer.Option(help="What was asked.")],
    reviewer: ReviewerOption,
    on: Annotated[str | None, typer.Option(help="When (YYYY-MM-DD; default today).")] = None,
    reply: Annotated[str | None, typer.Option(help="The reply, if it came already.")] = None,
    replied_on: Annotated[str | None, typer.Option(help="When the reply came.")] = None,
    outcome: Annotated[
        str | None, typer.Option(help="awaiting-reply, answered, no-reply or declined.")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Log a message to a study's author."""
    from sysreview.project.opening import open_project

    contacted_on, reply_date = _day(on, "--on"), _day(replied_on, "--replied-on")
    with reported(), open_project(project, db) as review:
        ident = review.retrieval.add_contact(study, reviewer, contact=to, asked=asked,
                                             contacted_on=contacted_on, reply=reply,
                                             replied_on=reply_date, outcome=outcome)  # fmt: skip
    _say(f"contact {ident} logged for {study}")


@contact_app.command("reply")
def contact_reply_command(
    contact_id: Annotated[int, typer.Argument(help="The contact's id ('contact list').")],
    reviewer: ReviewerOption,
    reply: Annotated[str | None, typer.Option(help="The reply.")] = None,
    replied_on: Annotated[str | None, typer.Option(help="When it came (YYYY-MM-DD).")] = None,
    outcome: Annotated[
        str | None, typer.Option(help="awaiting-reply, answered, no-reply or declined.")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Log the reply to a contact, or its outcome (no reply, declined)."""
    from sysreview.project.opening import open_project

    reply_date = _day(replied_on, "--replied-on")
    with reported(), open_project(project, db) as review:
        root = review.retrieval.follow_contact(contact_id, reviewer, reply=reply,
                                               replied_on=reply_date, outcome=outcome)  # fmt: skip
    _say(f"contact {root} updated")


@contact_app.command("list")
def contact_list_command(
    study: Annotated[str | None, typer.Option(help="Only this study's contacts.")] = None,
    as_json: JsonOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """The author-contact log, each contact in its current state."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        found = review.retrieval.contacts(study)
    if as_json:
        print(_json([vars(c) for c in found]))
    else:
        _say("\n".join(c.summary() for c in found) or "no author contacted yet")


def register(app: typer.Typer) -> None:
    """Add ``sysreview fulltext`` and ``sysreview contact`` to ``app``.

    ``sysreview study status`` and ``statuses`` are added by :mod:`.study`.
    """
    app.add_typer(fulltext_app, name="fulltext")
    app.add_typer(contact_app, name="contact")
