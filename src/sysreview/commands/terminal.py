"""Plain or styled output: what the command line prints depends on where it goes.

On a terminal, ``--help`` is Typer's rich layout (panels, colour). When standard output
is not a terminal (a pipe, a file, a test runner), when ``NO_COLOR`` is set
(https://no-color.org) or when ``TERM=dumb``, help and usage errors are click's plain
text: no ANSI escapes, no box drawing. Help texts are the commands' docstrings with the
lines of each paragraph joined, so either layout wraps them to the width it has.
"""

from __future__ import annotations

import inspect
import os
import re
import sys
from typing import Any, TextIO

import typer


def plain_output(stream: TextIO | None = None) -> bool:
    """Whether output to ``stream`` (default: stdout) should be plain text.

    Plain when ``NO_COLOR`` is set to anything non-empty, when ``TERM`` is ``dumb``, or
    when the stream is not a terminal.
    """
    if os.environ.get("NO_COLOR") or os.environ.get("TERM") == "dumb":
        return True
    stream = sys.stdout if stream is None else stream
    isatty = getattr(stream, "isatty", None)
    return not (callable(isatty) and isatty())


def table_box() -> Any:
    """The border of rich tables: rounded on a terminal, none in plain output."""
    from rich import box

    return None if plain_output() else box.ROUNDED


_LIST_ITEM = re.compile(r"^\s*(?:[-*] |\d+\. )")


def reflow(text: str) -> str:
    r"""Join the lines of each paragraph of ``text`` (paragraphs end at blank lines).

    A docstring's hard line breaks are for the source file; the help is wrapped again
    to the terminal's width. Lines of a list (``- item``, ``1. item``) and indented
    lines stay on their own.

    Examples
    --------
    >>> reflow("Pool the studies.\n\nDATA holds means\nand SDs.\n- one\n- two")
    'Pool the studies.\n\nDATA holds means and SDs.\n- one\n- two'
    """
    paragraphs = []
    for paragraph in text.split("\n\n"):
        lines: list[str] = []
        for line in paragraph.splitlines():
            if lines and not _LIST_ITEM.match(line) and not line.startswith(" "):
                lines[-1] = f"{lines[-1]} {line.strip()}"
            else:
                lines.append(line.rstrip())
        paragraphs.append("\n".join(lines))
    return "\n\n".join(paragraphs)


def reflow_help(app: typer.Typer) -> None:
    """Give every command and group of ``app`` its docstring reflowed as help.

    Only where no ``help=`` was given; groups' own ``help=`` texts are one line.
    """
    for info in app.registered_commands:
        if info.help is None and info.callback is not None:
            doc = inspect.getdoc(info.callback)
            if doc:
                info.help = reflow(doc)
    callback = app.registered_callback
    if callback is not None and callback.help is None and callback.callback is not None:
        doc = inspect.getdoc(callback.callback)
        if doc:
            callback.help = reflow(doc)
    for group in app.registered_groups:
        if group.typer_instance is not None:
            reflow_help(group.typer_instance)


class SysreviewTyper(typer.Typer):
    """The root Typer app: rich help on a terminal, plain help anywhere else.

    Typer reads ``rich_markup_mode`` of the root app each time it builds the click
    command (on every call, and when a test runner invokes it), and gives it to every
    sub-command: here it is ``"rich"`` on a terminal and ``None`` (click's plain help and
    error messages) otherwise (:func:`plain_output`).
    """

    def __init__(self, **kwargs: Any) -> None:
        kwargs.pop("rich_markup_mode", None)
        super().__init__(**kwargs)

    @property
    def rich_markup_mode(self) -> Any:
        """``"markdown"`` on a terminal (paragraphs wrapped, ``[x]`` shown as written)."""
        return None if plain_output() else "markdown"

    @rich_markup_mode.setter
    def rich_markup_mode(self, value: Any) -> None:
        """Typer's constructor sets it; the mode is decided at each call instead."""


__all__ = ["SysreviewTyper", "plain_output", "reflow", "reflow_help", "table_box"]
