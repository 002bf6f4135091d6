"""sysreview analyse: the protocol's analysis plan, executed."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from sysreview.commands.common import DatabaseOption, ProjectOption, reported
from sysreview.commands.options import hidden_alias, primary
from sysreview.commands.progress import with_busy

if TYPE_CHECKING:
    from sysreview.synthesis import Synthesis


def _table(synthesis: Synthesis) -> object:
    """A rich table: one row per analysis, the result in words or the reason."""
    from rich.table import Table

    from sysreview.commands.terminal import table_box

    table = Table(title="Analyses", show_lines=False, box=table_box())
    for name in ("analysis", "k", "N", "measure", "estimate [CI]", "p", "I²", "result"):
        table.add_column(name, justify="right" if name in ("k", "N", "p", "I²") else "left")
    for res in synthesis.results:
        m = res.meta
        reg = res.regression
        if reg is not None:
            r2 = "" if reg.r2 is None else f"; R² = {reg.r2:.0f}%"
            name = "QM" if reg.df_inference is None else "F"
            table.add_row(
                res.analysis, str(res.k), f"{res.participants:g}", reg.effects.measure.value,
                reg.design.formula, f"{reg.qm_p:.3g}", f"{reg.i2:.0f}%",
                f"{name} = {reg.qm:.2f}{r2} ({res.evidence} evidence)",
            )  # fmt: skip
            continue
        if m is None:
            table.add_row(
                res.analysis, str(res.k), f"{res.participants:g}", "", "", "", "", res.reason or ""
            )
            continue
        est, lo, hi = (float(m.display(x)) for x in (m.estimate, m.ci_low, m.ci_high))
        words = f"{res.evidence} evidence" + (f", {res.magnitude}" if res.magnitude else "")
        if res.substantial_heterogeneity:
            words += "; substantial heterogeneity"
        if m.subgroup_test is not None:
            words += f"; subgroup differences p = {m.subgroup_test.p:.3g}"
        table.add_row(
            res.analysis,
            str(res.k),
            f"{res.participants:g}",
            m.measure.value,
            f"{est:.2f} [{lo:.2f}, {hi:.2f}]",
            f"{m.p:.3g}",
            f"{m.i2:.0f}%",
            words,
        )
    return table


def analyse(
    project: ProjectOption = Path("."),
    db: DatabaseOption = None,
    data: Annotated[
        Path | None,
        typer.Option(
            "--data",
            help="A data file to analyse instead of the project's data: Metapsy (with "
            "--mapping), RevMan .rm5 (with --mapping), or a CSV with metafor's column names.",
        ),
    ] = None,
    data_format: Annotated[
        str | None,
        typer.Option(
            "--data-format",
            help="Format of --data: metapsy, revman or metafor-csv (default: from the file).",
            callback=primary,
        ),
    ] = None,
    old_format: Annotated[str | None, hidden_alias("--format", "data_format")] = None,
    mapping: Annotated[
        Path | None,
        typer.Option(
            "--mapping", help="Mapping file of --data: its outcomes' domains and measures."
        ),
    ] = None,
    out: Annotated[
        Path | None, typer.Option("--out", help="Output folder (default: DIR/out).")
    ] = None,
) -> None:
    """Run the protocol's analysis plan: pooled, narrative, sensitivity and subgroup analyses.

    Writes results.json, results.csv and analysis_data.csv (the exact inputs of every
    pooled analysis: `sysreview pool analysis_data.csv --by analysis` reproduces them).
    With --data, the file is read by its adapter and analysed as if it were the
    project's extracted data (nothing is stored; 'sysreview data load' stores it).
    """
    from rich.console import Console

    from sysreview.project.opening import open_project

    with reported(), open_project(project, db) as review:
        done = review.analysis.analyse(data=data, data_format=data_format, mapping=mapping,
                                       out=out)  # fmt: skip
    console = Console()
    console.print(_table(done.synthesis))
    for name, path in done.files.items():
        console.print(f"wrote {name}: {path}", highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add ``analyse`` to ``app``."""
    app.command("analyse")(with_busy("analysing")(analyse))
