"""``sysreview metareg``: meta-regression of the studies of a table on moderator columns."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from sysreview.commands.common import OutputFormat, fail, reported
from sysreview.commands.options import json_flag, primary, stdin_file


def metareg(
    data: Annotated[
        Path,
        typer.Argument(
            help="CSV with study, data and moderator columns; - reads stdin.", callback=stdin_file
        ),
    ],
    mods: Annotated[
        str,
        typer.Option(
            "--mods",
            help="Moderators: columns 'ablat,year' or a formula '~ ablat + factor(alloc)'.",
        ),
    ],
    measure: Annotated[str | None, typer.Option(help="Effect measure (default by data).")] = None,
    model: Annotated[str | None, typer.Option(help="random|fixed (default: random)")] = None,
    tau2: Annotated[str | None, typer.Option(help="REML|ML|DL|PM|EB|SJ|HE (default: REML)")] = None,
    ci: Annotated[str | None, typer.Option(help="z|hksj (Knapp-Hartung; default: z)")] = None,
    level: Annotated[float | None, typer.Option(help="confidence level in percent")] = None,
    convention: Annotated[str | None, typer.Option(help="revman|metafor (default: revman)")] = None,
    by: Annotated[str | None, typer.Option(help="one regression per value of this column")] = None,
    output_format: Annotated[
        OutputFormat, typer.Option("--format", help="text|json|csv", callback=primary)
    ] = OutputFormat.text,
    as_json: Annotated[bool, json_flag("output_format", OutputFormat.json)] = False,
) -> None:
    """Meta-regression: regress each study's effect on moderator columns of DATA.

    DATA is read as by `sysreview pool` (the same data and settings columns, metafor's,
    meta's and RevMan's names). Moderator columns of numbers are covariates; other
    columns, and columns in factor(), are factors, coded against their first level (or
    ref="level"). Prints the coefficients, the omnibus test of the moderators (QM, or F
    with --ci hksj), the test for residual heterogeneity (QE), tau², I², H² and R².
    """
    import json

    from sysreview.analysis_pool import moderator_columns, regress_tables, resolve_options
    from sysreview.analysis_table import read_table
    from sysreview.vocab import CIMethod, Convention, Measure, Model, Tau2Method

    try:
        chosen = None if measure is None else Measure.parse(measure)
        given: dict[str, object] = {
            "measure": chosen,
            "model": None if model is None else Model.parse(model),
            "tau2_method": Tau2Method.parse(tau2 or "REML"),
            "ci_method": None if ci is None else CIMethod.parse(ci),
            "level": level,
            "convention": None if convention is None else Convention.parse(convention),
        }
    except ValueError as exc:
        fail(str(exc))
    with reported():
        formula, columns = moderator_columns(mods)
        families, tables = read_table(data, chosen, by, extra=columns)
        options = [resolve_options(t, given, families, str(data)) for t in tables]
        done = regress_tables(tables, options, formula, str(data))
    labelled = tables[0].label is not None
    if output_format is OutputFormat.json:
        records = [{"analysis": r.label, **r.record()} if labelled else r.record() for r in done]
        print(json.dumps(records if labelled else records[0], allow_nan=False))
    elif output_format is OutputFormat.csv:
        import pandas as pd

        from sysreview.cells import safe_frame

        frame = pd.concat([r.to_frame().assign(analysis=r.label) for r in done])
        print(safe_frame(frame).to_csv(index=False), end="")
    else:
        print("\n\n".join(r.summary() for r in done))


def register(app: typer.Typer) -> None:
    """Add ``metareg`` to the main app."""
    app.command("metareg")(metareg)
