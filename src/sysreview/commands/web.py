"""sysreview serve and sysreview user: the team web app and its accounts."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, fail, reported
from sysreview.commands.options import primary, project_alias

RoleOption = Annotated[
    str, typer.Option("--role", help="reviewer, adjudicator (resolves conflicts) or admin.")
]
PasswordStdinOption = Annotated[
    bool,
    typer.Option("--password-stdin", help="Read the password from the first line of stdin."),
]


def _password(from_stdin: bool) -> str:
    """The new password: stdin's first line, or asked twice without echo."""
    if from_stdin:
        line = sys.stdin.readline()
        return line[:-1] if line.endswith("\n") else line
    password = str(typer.prompt("Password", hide_input=True, confirmation_prompt=True))
    return password


def serve(
    directory: Annotated[
        Path,
        typer.Argument(
            help="The project directory; the same as -p.", callback=primary, show_default=False
        ),
    ] = Path("."),
    project_option: Annotated[Path | None, project_alias("directory")] = None,
    host: Annotated[str, typer.Option(help="Interface to listen on.")] = "127.0.0.1",
    port: Annotated[int, typer.Option(help="Port to listen on.")] = 8000,
    db: DatabaseOption = None,
    secure_cookies: Annotated[
        bool, typer.Option("--secure-cookies", help="Send the session cookie over HTTPS only.")
    ] = False,
) -> None:
    """Start the team web app (log in with an account made by 'sysreview user add')."""
    import uvicorn

    from sysreview.web import WebSettings, create_app

    with reported():
        app = create_app(directory, db, settings=WebSettings(https_only=secure_cookies))
    print(f"sysreview: serving {directory} on http://{host}:{port}/ (Ctrl+C stops)")
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False)


user_app = typer.Typer(help="Web app accounts.", no_args_is_help=True)


@user_app.command("add")
def user_add(
    name: Annotated[str, typer.Argument(help="Account name: the reviewer's protocol id, e.g. R1.")],
    role: RoleOption = "reviewer",
    password_stdin: PasswordStdinOption = False,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Add a web account (the password is asked for, or read from stdin)."""
    from sysreview.project.opening import open_project

    password = _password(password_stdin)
    with reported(), open_project(project, db) as review:
        account = review.accounts.add(name, role=role, password=password)
    print(f"added account {account.name} ({account.role})")


@user_app.command("set")
def user_set(
    name: Annotated[str, typer.Argument(help="Account name.")],
    role: Annotated[str | None, typer.Option("--role", help="New role.")] = None,
    password: Annotated[
        bool, typer.Option("--password", help="Set a new password (asked for).")
    ] = False,
    password_stdin: PasswordStdinOption = False,
    active: Annotated[
        bool | None, typer.Option("--active/--inactive", help="Allow or stop logging in.")
    ] = None,
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """Change an account's role or password, or stop it logging in.

    Every change ends the account's web sessions at once (in every browser).
    """
    from sysreview.project.opening import open_project

    if role is None and active is None and not (password or password_stdin):
        fail("nothing to change: give --role, --password, --password-stdin or --active/--inactive")
    secret = _password(password_stdin) if password or password_stdin else None
    with reported(), open_project(project, db) as review:
        account = review.accounts.change(name, role=role, password=secret, active=active)
    state = "active" if account.active else "inactive"
    print(f"account {account.name}: {account.role}, {state}")


@user_app.command("logout")
def user_logout(
    name: Annotated[str, typer.Argument(help="Account name.")],
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
) -> None:
    """End every web session of an account now (e.g. a lost laptop); it may log in again."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        account = review.accounts.change(name, end_sessions=True)
    print(f"account {account.name}: every web session ended")


@user_app.command("list")
def user_list(project: ProjectOption = Path("."), db: DatabaseOption = None) -> None:
    """List the web accounts."""
    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        accounts = review.accounts.list()
    for account in accounts:
        state = "active" if account.active else "inactive"
        print(f"{account.name}\t{account.role}\t{state}")


def register(app: typer.Typer) -> None:
    """Add ``serve`` and the ``user`` group to ``app``."""
    app.command("serve")(serve)
    app.add_typer(user_app, name="user")
