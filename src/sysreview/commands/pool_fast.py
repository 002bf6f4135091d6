"""``sysreview pool``: the work of the command, and a lean way in that skips Typer's parsing.

:func:`run_pool` is the body of the ``pool`` command (``sysreview.cli.pool`` calls it).
:func:`fast_main` parses a plain ``sysreview pool`` command line itself, without
building Typer's command tree (which imports pydantic and inspects every command), and
runs :func:`run_pool` with what Typer would have passed. Anything it does not fully
understand — ``--help``, an unknown or repeated option, a missing value, a value Typer
would have to convert or reject — makes it return ``None``, and the caller hands the
command line to Typer, so help and usage errors are Typer's own and the behaviour is the
same either way.
"""

from __future__ import annotations

import errno
import gc
import os
import re
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from sysreview.commands.output import OutputFormat, exit_status, fail
from sysreview.errors import SysreviewError

if TYPE_CHECKING:
    from sysreview.meta import MetaAnalysis

VALUED = {
    "--measure": "measure",
    "--method": "method",
    "--model": "model",
    "--tau2": "tau2",
    "--ci": "ci",
    "--level": "level",
    "--convention": "convention",
    "--by": "by",
    "--format": "output_format",
}
"""The ``pool`` options that take a value, and the parameter each one sets."""

PARALLEL_JSON_MIN = 200
"""From this many analyses on, ``--format json`` is written by two processes."""

_PLAIN_NUMBER = re.compile(r"[0-9]+(\.[0-9]*)?|\.[0-9]+")


def run_pool(
    data: Path,
    measure: str | None = None,
    method: str | None = None,
    model: str | None = None,
    tau2: str | None = None,
    ci: str | None = None,
    level: float | None = None,
    convention: str | None = None,
    log_scale: bool = False,
    by: str | None = None,
    output_format: OutputFormat = OutputFormat.text,
    out: TextIO | None = None,
) -> None:
    """Pool the studies of ``data`` and write the results to ``out`` (default stdout).

    Failures are reported by :func:`~sysreview.commands.output.fail` (one line per
    problem on stderr, :class:`typer.Exit` with status 2).
    """
    from sysreview.analysis_pool import pool_tables, resolve_options
    from sysreview.analysis_table import read_table
    from sysreview.meta.export import records_json
    from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method

    stream = sys.stdout if out is None else out
    try:
        chosen = None if measure is None else Measure.parse(measure)
        given: dict[str, object] = {
            "measure": chosen,
            "method": None if method is None else Method.parse(method),
            "model": None if model is None else Model.parse(model),
            "tau2_method": None if tau2 is None else Tau2Method.parse(tau2),
            "ci_method": None if ci is None else CIMethod.parse(ci),
            "level": level,
            "convention": None if convention is None else Convention.parse(convention),
            "log_scale": True if log_scale else None,
        }
    except ValueError as exc:
        fail(str(exc))
    try:
        columns, tables = read_table(data, chosen, by)
        if any(t.settings for t in tables):
            options = [resolve_options(t, given, columns, str(data)) for t in tables]
        else:  # then every analysis has the same options
            options = [resolve_options(tables[0], given, columns, str(data))] * len(tables)
        done = pool_tables(tables, options, str(data))
    except (SysreviewError, ValueError) as exc:
        fail(str(exc))
    labelled = tables[0].label is not None  # --by, or the outcomes of a RevMan file
    if output_format is OutputFormat.json:
        if not labelled or len(done) < PARALLEL_JSON_MIN or _cpus() < 2:
            stream.write(records_json(done, by=labelled))
        else:
            head, rest = _analyses_json_in_two(done)
            stream.write("[")
            stream.write(head)
            stream.write(", ")
            stream.write(rest)
            stream.write("]")
        stream.write("\n")
    elif output_format is OutputFormat.csv:
        import pandas as pd

        from sysreview.cells import safe_frame

        frames = [r.to_frame().assign(analysis=r.label) for r in done]
        safe_frame(pd.concat(frames, ignore_index=True)).to_csv(stream, index=False)
    else:
        stream.write("\n\n".join(r.summary() for r in done) + "\n")


def _cpus() -> int:
    """The number of CPUs this process may run on."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # pragma: no cover - not Linux
        return os.cpu_count() or 1


def _analyses_json_in_two(results: Sequence[MetaAnalysis]) -> tuple[str, str]:
    """:func:`~sysreview.meta.export.analyses_json` of both halves of ``results``.

    Formatting ~10^5 floats at full precision is most of ``--format json``'s time, so a
    forked child formats the second half of the analyses while this process formats the
    first; the child sends its text through a pipe. The text is the same as one
    process's: each analysis's text depends on that analysis alone. If the child fails
    (or cannot be forked), this process formats the second half itself.
    """
    from sysreview.meta.export import analyses_json

    half = len(results) // 2
    first, second = results[:half], results[half:]
    read_end, write_end = os.pipe()
    try:
        with warnings.catch_warnings():
            # Python >= 3.12 warns about fork() in a multi-threaded process (numpy's
            # BLAS threads); the child only formats text and leaves by os._exit.
            warnings.simplefilter("ignore", DeprecationWarning)
            pid = os.fork()
    except OSError:
        os.close(read_end)
        os.close(write_end)
        return analyses_json(first), analyses_json(second)
    if pid == 0:  # the child
        status = 1
        try:
            os.close(read_end)
            with open(write_end, "wb") as pipe:
                pipe.write(analyses_json(second).encode())
            status = 0
        finally:
            os._exit(status)
    os.close(write_end)
    with open(read_end, "rb") as pipe:
        try:
            head = analyses_json(first)
            tail = pipe.read()
        finally:
            pipe.close()  # a child still writing (we failed) gets EPIPE and exits
            _, status = os.waitpid(pid, 0)
    return head, tail.decode() if status == 0 else analyses_json(second)


def parse_pool_args(args: list[str]) -> dict[str, object] | None:
    """The keyword arguments of :func:`run_pool` for ``sysreview pool ARGS``.

    ``None`` unless ``args`` is a command line that Typer would accept as it stands:
    one DATA argument, known options each given once (``--opt value`` or
    ``--opt=value``), values that need no conversion beyond Typer's own (a plain
    decimal ``--level``, ``--format`` one of text, json and csv).

    Examples
    --------
    >>> parse_pool_args(["d.csv", "--by=analysis", "--format", "json"])["by"]
    'analysis'
    >>> parse_pool_args(["d.csv", "--help"]) is None
    True
    """
    kwargs: dict[str, object] = {}
    positional: list[str] = []
    i = 0
    while i < len(args):
        token = args[i]
        i += 1
        if not token.startswith("-"):
            positional.append(token)
            continue
        name, eq, value = token.partition("=")
        parsed: object
        if name == "--log-scale" and not eq:
            key, parsed = "log_scale", True
        elif name in VALUED:
            if not eq:
                if i >= len(args):
                    return None
                value = args[i]
                i += 1
            if not value or value.startswith("-"):
                return None
            key = VALUED[name]
            if key == "level":
                if not _PLAIN_NUMBER.fullmatch(value):
                    return None
                parsed = float(value)
            elif key == "output_format":
                if value not in OutputFormat.__members__:
                    return None
                parsed = OutputFormat(value)
            else:
                parsed = value
        else:
            return None  # --help, --, an unknown option, a short option, ...
        if key in kwargs:
            return None
        kwargs[key] = parsed
    if len(positional) != 1 or not positional[0]:
        return None
    kwargs["data"] = Path(positional[0])
    return kwargs


def fast_main(args: list[str]) -> int | None:
    """Run ``sysreview pool ARGS`` without Typer's parser; ``None`` if Typer must.

    Returns the exit status Typer would give: 0, 2 after a reported error, 1 on a
    broken pipe, 130 on Ctrl-C.
    """
    if any(name.endswith("_COMPLETE") for name in os.environ):
        return None  # shell completion: Typer's business
    kwargs = parse_pool_args(args)
    if kwargs is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # a short run that makes no reference cycles worth collecting
    try:
        run_pool(**kwargs)  # type: ignore[arg-type]
    except KeyboardInterrupt:
        return 130
    except OSError as exc:
        if exc.errno != errno.EPIPE:
            raise
        from typer._click.utils import PacifyFlushWrapper

        sys.stdout = PacifyFlushWrapper(sys.stdout)
        sys.stderr = PacifyFlushWrapper(sys.stderr)
        return 1
    except Exception as exc:
        status = exit_status(exc)
        if status is None:
            raise
        return status
    finally:
        if collecting:
            gc.enable()
    return 0
