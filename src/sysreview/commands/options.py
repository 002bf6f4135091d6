"""Option spellings shared by the commands: aliases, ``--json``/``--format``, ``-`` for stdin.

Every command spells its options the same way: ``-p/--project`` for the project folder,
``--out`` for the file or folder written, ``--format`` for the output format where a
command offers several, ``--json`` as the shorthand for ``--format json``. Older
spellings (a project folder given as an argument, ``--output``, ``--csv``) keep working
as aliases.

An alias is a second click parameter whose callback hands its value to the parameter it
stands for (the *primary*, whose callback is :func:`primary`), so the command function
receives one value whichever spelling was used; giving two spellings different values
is a usage error (exit 2). Click processes the parameters given on the command line
before the others, so when the primary is processed without a value of its own, an alias
that was given has been processed already.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import Annotated, Any

import typer

from sysreview.commands.output import stdin_names

_CHOSEN = "sysreview.chosen"


class TextOrJson(StrEnum):
    """``--format`` of commands whose output is a text summary or JSON."""

    text = "text"
    json = "json"


def _chosen(ctx: typer.Context) -> dict[str, tuple[Any, str]]:
    chosen: dict[str, tuple[Any, str]] = ctx.meta.setdefault(_CHOSEN, {})
    return chosen


def _given(ctx: typer.Context, param: typer.CallbackParam) -> bool:
    """Whether the user gave the parameter (on the command line or by its variable)."""
    source = ctx.get_parameter_source(param.name or "")
    return source is not None and source.name in ("COMMANDLINE", "ENVIRONMENT")


def _spelling(param: typer.CallbackParam) -> str:
    """How the user spelled the parameter: its option name, or the argument's name."""
    if param.opts and param.opts[0].startswith("-"):
        return param.opts[0]
    return (param.name or "").upper()


def _choose(ctx: typer.Context, target: str, value: Any, spelling: str) -> None:
    chosen = _chosen(ctx)
    if target in chosen and chosen[target][0] != value:
        raise typer.BadParameter(f"{spelling} and {chosen[target][1]} disagree: give one of them")
    chosen[target] = (value, spelling)
    if target in ctx.params:  # the primary came first on the command line
        ctx.params[target] = value


def primary(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
    """Callback of a parameter that has aliases: its own value, or the alias's."""
    if _given(ctx, param):
        _choose(ctx, param.name or "", value, _spelling(param))
        return value
    return _chosen(ctx).get(param.name or "", (value, ""))[0]


def alias(target: str, convert: Callable[[Any], Any] | None = None) -> Callable[..., Any]:
    """Callback of an alias: hand its value (``convert``-ed) to the parameter ``target``."""

    def callback(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
        if _given(ctx, param):
            _choose(ctx, target, value if convert is None else convert(value), _spelling(param))
        return value

    return callback


def required_primary(ctx: typer.Context, param: typer.CallbackParam, value: Any) -> Any:
    """:func:`primary` of a value that must be given, by the parameter or an alias."""
    chosen = primary(ctx, param, value)
    if not _given(ctx, param) and (param.name or "") not in _chosen(ctx):
        raise typer.BadParameter("missing: give the file or folder to write (OUT or --out)")
    return chosen


NO_PATH = Path()
"""The declared default of an ``OUT`` argument: never reaches a command, as
:func:`required_primary` refuses a missing ``OUT`` (and keeps the parameter a ``Path``)."""


def out_argument(help: str) -> Any:
    """The file or folder a command writes, as its argument ``OUT`` (or ``--out``)."""
    return typer.Argument(
        metavar="OUT", help=f"{help} (or --out)", callback=required_primary, show_default=False
    )


def out_alias(target: str) -> Any:
    """``--out``: the same as the command's ``OUT`` argument ``target``."""
    return typer.Option(
        "--out", help="The same as OUT.", callback=alias(target), expose_value=False
    )


def project_alias(target: str) -> Any:
    """``-p/--project`` of a command that also takes the folder as its argument ``target``."""
    return typer.Option(
        "--project",
        "-p",
        help="Project directory (holds review.toml); the folder argument is the same.",
        callback=alias(target),
        expose_value=False,
        show_default=False,
    )


def json_flag(target: str, json_value: Any) -> Any:
    """``--json``: the shorthand for ``--format json`` of a command whose format is ``target``."""
    return typer.Option(
        "--json",
        help="Print JSON (the same as --format json).",
        callback=alias(target, lambda given: json_value if given else None),
        expose_value=False,
    )


def format_of_json(target: str) -> Any:
    """``--format text|json`` of a command whose ``--json`` flag is ``target``."""
    return typer.Option(
        "--format",
        help="text or json (--json is the shorthand for --format json).",
        callback=alias(target, lambda given: given == TextOrJson.json),
        expose_value=False,
        show_default=False,
    )


def hidden_alias(name: str, target: str) -> Any:
    """An older spelling of ``target``'s option, still accepted and not listed in help."""
    return typer.Option(name, callback=alias(target), expose_value=False, hidden=True)


def stdin_file(ctx: typer.Context, param: typer.CallbackParam, value: Path | None) -> Path | None:
    """Callback of a data-file argument: ``-`` reads standard input.

    What stdin holds is written, byte for byte, to a temporary file (removed when the
    command ends) that the file's reader reads as it reads any file; messages name it
    ``<stdin>`` (:func:`sysreview.commands.output.fail`).
    """
    if value is None or str(value) != "-":
        return value
    folder = Path(tempfile.mkdtemp(prefix="sysreview-stdin-"))
    ctx.call_on_close(lambda: shutil.rmtree(folder, ignore_errors=True))
    path = folder / "stdin"
    path.write_bytes(sys.stdin.buffer.read())
    stdin_names[str(path)] = "<stdin>"
    return path


__all__ = [
    "NO_PATH",
    "FormatOfJson",
    "JsonOption",
    "TextOrJson",
    "alias",
    "format_of_json",
    "hidden_alias",
    "json_flag",
    "out_alias",
    "out_argument",
    "primary",
    "project_alias",
    "required_primary",
    "stdin_file",
]

JsonOption = Annotated[
    bool, typer.Option("--json", help="Print JSON (the same as --format json).", callback=primary)
]
"""``--json`` of a command printing a text summary or JSON (its ``as_json`` parameter)."""
FormatOfJson = Annotated[TextOrJson | None, format_of_json("as_json")]
"""``--format text|json`` of the same commands: another spelling of ``--json``."""
