"""The ``sysreview`` command line: thin wrappers over the library.

Every expected failure prints one line ``sysreview: error: …`` naming the file, row
and column, and exits with status 2 — never a traceback.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import Annotated, NoReturn

import typer

from sysreview.errors import SysreviewError

app = typer.Typer(
    name="sysreview",
    help="Cochrane-style systematic reviews: RevMan-exact and metafor-exact statistics.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


class OutputFormat(StrEnum):
    text = "text"
    json = "json"
    csv = "csv"


def fail(message: str) -> NoReturn:
    """Print a one-line error and exit with status 2."""
    print(f"sysreview: error: {message}", file=sys.stderr)
    raise typer.Exit(2)


@app.callback()
def main_callback() -> None:
    """sysreview: run a systematic review of randomised trials, end to end."""


@app.command()
def pool(
    data: Annotated[Path, typer.Argument(help="CSV with study and data columns.")],
    measure: Annotated[str | None, typer.Option(help="MD|SMD|RR|OR|RD|PETO_OR|GIV")] = None,
    method: Annotated[str | None, typer.Option(help="IV|MH|PETO (default: RevMan's)")] = None,
    model: Annotated[str, typer.Option(help="random|fixed")] = "random",
    tau2: Annotated[str, typer.Option(help="DL|REML|ML|PM|EB|SJ|HE")] = "DL",
    ci: Annotated[str, typer.Option(help="z|hksj")] = "z",
    level: Annotated[float, typer.Option(help="confidence level in percent")] = 95.0,
    convention: Annotated[str, typer.Option(help="revman|metafor")] = "revman",
    log_scale: Annotated[
        bool, typer.Option("--log-scale", help="GIV estimates are log ratios")
    ] = False,
    by: Annotated[str | None, typer.Option(help="one analysis per value of this column")] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text|json|csv")
    ] = OutputFormat.text,
) -> None:
    """Pool the studies of DATA (per-arm means/SDs/Ns, events/Ns, or estimate/SE)."""
    from sysreview.analysis_table import default_measure, effects_of, read_table
    from sysreview.meta import meta_analyses
    from sysreview.meta.export import records_json
    from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method

    try:
        chosen = None if measure is None else Measure.parse(measure)
        options = {
            "method": None if method is None else Method.parse(method),
            "model": Model.parse(model),
            "tau2_method": Tau2Method.parse(tau2),
            "ci_method": CIMethod.parse(ci),
            "level": level,
        }
        conv = Convention.parse(convention)
    except ValueError as exc:
        fail(str(exc))
    try:
        columns, tables = read_table(data, chosen, by)
        chosen = chosen or default_measure(columns)
        effects = [effects_of(t, chosen, conv, log_scale, str(data)) for t in tables]
        for t, es in zip(tables, effects, strict=True):
            if int(es.estimable.sum()) < 2:
                where = f"analysis {t.label!r}: " if t.label is not None else ""
                not_ok = [f"{s} ({r})" for s, r in zip(es.studies, es.reasons, strict=True) if r]
                detail = f"; not estimable: {', '.join(not_ok)}" if not_ok else ""
                fail(f"{data}: {where}fewer than 2 estimable studies{detail}")
        results = meta_analyses(
            effects,
            subgroups=[t.subgroups for t in tables],
            labels=[t.label for t in tables],
            tau2_ci=False,  # not part of the output
            **options,  # type: ignore[arg-type]
        )
    except (SysreviewError, ValueError) as exc:
        fail(str(exc))
    if output_format is OutputFormat.json:
        sys.stdout.write(records_json(results, by=by is not None) + "\n")
    elif output_format is OutputFormat.csv:
        import pandas as pd

        frames = [r.to_frame().assign(analysis=r.label) for r in results]
        pd.concat(frames, ignore_index=True).to_csv(sys.stdout, index=False)
    else:
        sys.stdout.write("\n\n".join(r.summary() for r in results) + "\n")


def main() -> None:
    """Console-script entry point."""
    app()


if __name__ == "__main__":
    main()
