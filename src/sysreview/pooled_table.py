"""Pool every analysis of a table: :func:`pool_table`, the library call behind ``sysreview pool``.

The table is a pandas DataFrame or a file (CSV, or a RevMan 5 ``.rm5`` review) with the
column vocabulary of :mod:`sysreview.analysis_table`: sysreview's, metafor's, R meta's
or RevMan's names. Its analyses (one per value of ``by``, or a RevMan file's outcomes)
are pooled together by the batched core (:func:`sysreview.analysis_pool.pool_tables`,
then :func:`sysreview.meta.meta_analyses`), so thousands of analyses cost a few
vectorised passes. The result, :class:`PooledTable`, holds one
:class:`~sysreview.meta.MetaAnalysis` per analysis, in the table's order.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sysreview.errors import InputError
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method

if TYPE_CHECKING:
    import pandas as pd

    from sysreview.meta import MetaAnalysis


@dataclass(frozen=True, eq=False)
class PooledTable:
    """The pooled analyses of a table, in the table's order.

    ``labelled`` says whether the analyses are named: grouped by a column (``by``), or
    the outcomes of a RevMan file. ``source`` is the file, or ``"DataFrame"``.
    """

    analyses: tuple[MetaAnalysis, ...]
    labelled: bool
    source: str

    def __len__(self) -> int:
        return len(self.analyses)

    def __iter__(self) -> Iterator[MetaAnalysis]:
        return iter(self.analyses)

    def __getitem__(self, index: int) -> MetaAnalysis:
        return self.analyses[index]

    @property
    def labels(self) -> list[str | None]:
        """The name of each analysis (``None`` when the table is one analysis)."""
        return [res.label for res in self.analyses]

    def records(self) -> list[dict[str, Any]]:
        """The JSON-ready record of each analysis.

        As :func:`sysreview.meta.export.analysis_record` makes it, with its ``analysis``
        name when :attr:`labelled`.
        """
        from sysreview.meta.export import analysis_record

        return [analysis_record(res, res.label) for res in self.analyses]

    def to_json(self) -> str:
        """What ``sysreview pool --format json`` prints (without the final newline).

        An array of :meth:`records` when :attr:`labelled`, else the one record.

        Non-finite numbers are ``null``; floats are written at full precision.
        """
        records = self.records()
        return json.dumps(records if self.labelled else records[0], allow_nan=False)

    def to_frame(self) -> pd.DataFrame:
        """Every analysis's :meth:`~sysreview.meta.MetaAnalysis.to_frame`, one after another.

        Tidy and unrounded, with the ``analysis`` name as the last column.
        """
        import pandas as pd

        frames = [res.to_frame().assign(analysis=res.label) for res in self.analyses]
        return pd.concat(frames, ignore_index=True)

    def summary(self) -> str:
        """Each analysis's RevMan-like text table, separated by a blank line."""
        return "\n\n".join(res.summary() for res in self.analyses)

    def __repr__(self) -> str:
        """``<PooledTable 2 analyses from data.csv>``."""
        many = "analysis" if len(self.analyses) == 1 else "analyses"
        return f"<PooledTable {len(self.analyses):,} {many} from {self.source}>"


def pool_table(
    data: pd.DataFrame | str | os.PathLike[str],
    *,
    by: str | None = None,
    measure: Measure | str | None = None,
    method: Method | str | None = None,
    model: Model | str | None = None,
    tau2_method: Tau2Method | str | None = None,
    ci_method: CIMethod | str | None = None,
    level: float | None = None,
    convention: Convention | str | None = None,
    log_scale: bool | None = None,
) -> PooledTable:
    """Pool the studies of a table, one meta-analysis per analysis.

    Parameters
    ----------
    data
        A pandas DataFrame, or the path of a CSV file or a RevMan 5 file (``.rm5``,
        or XML content). One row per study: a ``study`` column (metafor's ``slab``,
        meta's ``studlab``), optionally ``subgroup``, and the data columns of one or
        more families, under any of the names :mod:`sysreview.analysis_table` lists
        (per-arm means/SDs/Ns, events/Ns, events/person-time, one group's events/N or
        correlation/N, or estimate with SE or sampling variance ``vi``). A DataFrame's
        numeric columns are taken as they are; its rows are counted in messages as in
        the CSV it would write (header = row 1).
    by
        A column whose values name the analyses: the rows of each value are pooled
        on their own. Without it the table is one analysis. A RevMan file's analyses
        are its outcomes (``by`` does not apply).
    measure, method, model, tau2_method, ci_method, level, convention, log_scale
        As in :func:`sysreview.meta.meta_analysis` and :func:`sysreview.escalc`; each
        overrides the table's column of that name (one value per analysis) or a RevMan
        file's settings. Defaults: the data family's measure (MD, RR, IRR, PLO, ZCOR,
        GIV), the measure's method, random effects, DL (REML under the metafor
        convention), Wald z, 95%, the RevMan convention, estimates not on the log
        scale. :func:`sysreview.analysis_pool.resolve_options` gives the details.

    Returns
    -------
    PooledTable
        One :class:`~sysreview.meta.MetaAnalysis` per analysis, in the table's order;
        also for an analysis with one estimable study (its total) or none (``k = 0``
        and a reason).

    Raises
    ------
    InputError
        A bad option, or a table the command would refuse, naming the row and column.

    Examples
    --------
    >>> import pandas as pd
    >>> table = pd.DataFrame({
    ...     "outcome": ["pain", "pain", "pain", "sleep", "sleep"],
    ...     "study": ["A", "B", "C", "A", "C"],
    ...     "yi": [-0.30, -0.12, -0.45, 0.10, 0.25],
    ...     "vi": [0.020, 0.015, 0.040, 0.030, 0.050],
    ... })
    >>> pooled = pool_table(table, by="outcome", tau2_method="REML")
    >>> pooled
    <PooledTable 2 analyses from DataFrame>
    >>> [(r.label, r.k, round(r.estimate, 4)) for r in pooled]
    [('pain', 3, -0.2468), ('sleep', 2, 0.1562)]
    >>> pooled.records()[0]["tau2_method"]
    'REML'
    """
    given = _options(measure, method, model, tau2_method, ci_method, level, convention, log_scale)
    from sysreview.analysis_pool import pool_tables, resolve_options
    from sysreview.analysis_table import read_frame, read_table

    chosen = given["measure"]
    if isinstance(data, str | os.PathLike):
        source = str(data)
        columns, tables = read_table(data, chosen, by)
    elif hasattr(data, "columns") and hasattr(data, "iloc"):
        source = "DataFrame"
        columns, tables = read_frame(data, chosen, by, source=source)
    else:
        raise TypeError(f"pool_table needs a DataFrame or a path, not {type(data).__name__}")
    if any(t.settings for t in tables):
        options = [resolve_options(t, given, columns, source) for t in tables]
    else:  # then every analysis has the same options
        options = [resolve_options(tables[0], given, columns, source)] * len(tables)
    analyses = pool_tables(tables, options, source)
    return PooledTable(tuple(analyses), labelled=tables[0].label is not None, source=source)


def _options(
    measure: Measure | str | None,
    method: Method | str | None,
    model: Model | str | None,
    tau2_method: Tau2Method | str | None,
    ci_method: CIMethod | str | None,
    level: float | None,
    convention: Convention | str | None,
    log_scale: bool | None,
) -> dict[str, Any]:
    """The options given, parsed (``None``: not given); a bad value is an InputError."""
    try:
        return {
            "measure": None if measure is None else Measure.parse(measure),
            "method": None if method is None else Method.parse(method),
            "model": None if model is None else Model.parse(model),
            "tau2_method": None if tau2_method is None else Tau2Method.parse(tau2_method),
            "ci_method": None if ci_method is None else CIMethod.parse(ci_method),
            "level": None if level is None else float(level),
            "convention": None if convention is None else Convention.parse(convention),
            "log_scale": log_scale,
        }
    except ValueError as exc:
        raise InputError(str(exc)) from None


__all__ = ["PooledTable", "pool_table"]
