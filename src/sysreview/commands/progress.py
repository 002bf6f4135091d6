"""Progress bars of the command line: rich, on standard error, only on a terminal.

A bar is shown only when both standard output and standard error are terminals (and
``TERM`` is not ``dumb``): output piped to a file or another program stays exactly what
the command prints, and nothing is drawn in logs or CI. Bars are transient (gone when
the job ends). Jobs that report how far they are get a bar (:func:`progress_bar`);
jobs that do not get a spinner with the elapsed time (:func:`busy`, :func:`with_busy`).
"""

from __future__ import annotations

import functools
import os
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import TYPE_CHECKING, ParamSpec, TypeVar

if TYPE_CHECKING:
    from rich.progress import Progress, ProgressColumn

P = ParamSpec("P")
R = TypeVar("R")


def show_progress() -> bool:
    """Whether to draw progress: stdout and stderr are terminals and ``TERM`` is not dumb.

    As rich decides it (:attr:`rich.console.Console.is_terminal`, which also honours
    ``FORCE_COLOR`` and ``TTY_COMPATIBLE``).
    """
    from rich.console import Console

    if os.environ.get("TERM") == "dumb":
        return False
    return Console(stderr=True).is_terminal and Console().is_terminal


def progress_bar(*columns: str | ProgressColumn) -> Progress:
    """A transient rich :class:`~rich.progress.Progress` on stderr (disabled off a terminal).

    ``columns`` as rich takes them (default: rich's description, bar, percentage, time).
    """
    from rich.console import Console
    from rich.progress import Progress

    return Progress(
        *columns, console=Console(stderr=True), transient=True, disable=not show_progress()
    )


@contextmanager
def busy(description: str) -> Iterator[None]:
    """A spinner with the elapsed time while a job that cannot count its steps runs."""
    from rich.progress import SpinnerColumn, TextColumn, TimeElapsedColumn

    columns = (SpinnerColumn(), TextColumn("{task.description}"), TimeElapsedColumn())
    with progress_bar(*columns) as bar:
        bar.add_task(description, total=None)
        yield


def with_busy(description: str) -> Callable[[Callable[P, R]], Callable[P, R]]:
    """Decorate a command: :func:`busy` while it runs (its signature and help unchanged)."""

    def decorate(command: Callable[P, R]) -> Callable[P, R]:
        @functools.wraps(command)
        def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
            with busy(description):
                return command(*args, **kwargs)

        return wrapper

    return decorate


@contextmanager
def import_progress() -> Iterator[Callable[[str, str, int, int], None]]:
    """A progress bar per file (on a terminal): bytes while reading, records while storing."""
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        TaskID,
        TaskProgressColumn,
        TextColumn,
        TimeRemainingColumn,
    )

    from sysreview.text import terminal_safe

    columns = (TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(),
               TextColumn("{task.fields[counted]}"), TimeRemainingColumn())  # fmt: skip
    with progress_bar(*columns) as bar:
        tasks: dict[str, TaskID] = {}

        def update(stage: str, path: str, done: int, total: int) -> None:
            name = escape(terminal_safe(Path(path).name))
            if path not in tasks:
                tasks[path] = bar.add_task(name, total=total, counted="")
            if stage == "reading":
                counted = f"{done / 1e6:,.1f}/{total / 1e6:,.1f} MB"
            else:
                counted = f"{done:,}/{total:,} records"
            bar.update(
                tasks[path], description=f"{stage} {name}", completed=done, total=total,
                counted=counted,
            )  # fmt: skip

        yield update


__all__ = ["busy", "import_progress", "progress_bar", "show_progress", "with_busy"]
