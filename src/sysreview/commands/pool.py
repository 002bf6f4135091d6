"""``sysreview pool``: pool the studies of a data file (CSV or RevMan 5), no project needed."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import OutputFormat, fail
from sysreview.commands.options import json_flag, primary, stdin_file


def pool(
    data: Annotated[
        Path,
        typer.Argument(
            help="CSV with study and data columns, or a RevMan 5 file (.rm5); - reads stdin.",
            callback=stdin_file,
        ),
    ],
    measure: Annotated[
        str | None,
        typer.Option(help="MD|SMD|SMDH|ROM|RR|OR|RD|PETO_OR|IRR|PR|PLO|PFT|ZCOR|GIV"),
    ] = None,
    method: Annotated[
        str | None, typer.Option(help="IV|MH|PETO (default: the convention's)")
    ] = None,
    model: Annotated[str | None, typer.Option(help="random|fixed (default: random)")] = None,
    tau2: Annotated[
        str | None,
        typer.Option(help="DL|REML|ML|PM|EB|SJ|HE (default: DL; REML with metafor's convention)"),
    ] = None,
    ci: Annotated[str | None, typer.Option(help="z|hksj (default: z)")] = None,
    level: Annotated[
        float | None, typer.Option(help="confidence level in percent (default: 95)")
    ] = None,
    convention: Annotated[str | None, typer.Option(help="revman|metafor (default: revman)")] = None,
    log_scale: Annotated[
        bool, typer.Option("--log-scale", help="GIV estimates are log ratios")
    ] = False,
    by: Annotated[str | None, typer.Option(help="one analysis per value of this column")] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text|json|csv", callback=primary)
    ] = OutputFormat.text,
    as_json: Annotated[bool, json_flag("output_format", OutputFormat.json)] = False,
) -> None:
    """Pool the studies of DATA.

    DATA holds per-arm means/SDs/Ns, events/Ns, events/person-time, one group's events/N or
    correlation/N, or estimate/SE.

    Data columns may carry sysreview's, metafor's, meta's or RevMan's names (m1i, n.e,
    mean_1, ...). Columns measure, method, model, tau2_method, ci_method, level,
    convention and log_scale, when present, set each analysis's options (one value per
    analysis); an option given here overrides them. A RevMan 5 file is pooled analysis by
    analysis with RevMan's settings, which options given here override in the same way.
    Random-effects results give Q-profile confidence limits for tau², I² and H².
    """
    from sysreview.errors import SysreviewError
    from sysreview.pooled_table import pool_table

    try:
        pooled = pool_table(
            data,
            by=by,
            measure=measure,
            method=method,
            model=model,
            tau2_method=tau2,
            ci_method=ci,
            level=level,
            convention=convention,
            log_scale=True if log_scale else None,
        )
    except (SysreviewError, ValueError) as exc:
        fail(str(exc))
    if output_format is OutputFormat.json:
        sys.stdout.write(pooled.to_json() + "\n")
    elif output_format is OutputFormat.csv:
        from sysreview.cells import safe_frame

        safe_frame(pooled.to_frame()).to_csv(sys.stdout, index=False)
    else:
        sys.stdout.write(pooled.summary() + "\n")


def register(app: typer.Typer) -> None:
    """Add ``sysreview pool`` to ``app``."""
    app.command()(pool)
