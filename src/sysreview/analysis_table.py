"""Read the data of ``sysreview pool``: a per-study table (CSV, DataFrame) or a RevMan 5 file.

:func:`read_table` reads a CSV file (with :mod:`csv`) or a RevMan file, :func:`read_frame`
a pandas DataFrame; both give the same analyses for the same table. The table has a
``study`` column, optionally ``subgroup`` and a grouping column, and one family of data
columns (:data:`sysreview.effects.registry.FAMILIES`):

* continuous: ``mean_e, sd_e, n_e, mean_c, sd_c, n_c`` (MD, SMD, SMDH, ROM)
* dichotomous: ``events_e, n_e, events_c, n_c`` (RR, OR, RD, PETO_OR)
* rates: ``events_e, time_e, events_c, time_c`` (IRR)
* proportions: ``events, n`` (PR, PLO, PFT)
* correlations: ``r, n`` (ZCOR)
* generic inverse variance: ``estimate, se``

The data columns may also carry metafor's names (``m1i, sd1i, n1i, m2i, sd2i, n2i``;
``ai, n1i, ci, n2i`` or ``ai, bi, ci, di``; ``x1i, t1i, x2i, t2i``; ``xi, ni`` or
``xi, mi``; ``ri, ni``; ``yi`` with ``sei`` or ``vi``; ``slab`` for the study), those of
R's meta package (``studlab``, ``n.e, mean.e, sd.e, n.c, mean.c, sd.c``, ``event.e,
event.c``, ``time.e, time.c``, ``event, n``, ``cor``, ``TE, seTE``) or RevMan's
(``mean_1 ... total_2``, ``events_1``, ``se``), in any case: see :data:`ALIASES`.
Non-events (metafor's ``bi, di, mi``) stand in for a missing group size: ``n = events
+ non-events``. Several families may be present (e.g. ``sysreview analyse``'s
``analysis_data.csv``, which holds continuous and dichotomous analyses in one table).
Optional settings columns (:data:`SETTINGS`: ``measure, method, model, tau2_method,
ci_method, level, convention, log_scale``) give each analysis its own options; they
must hold one value per analysis, and an option given by the caller overrides them.

A RevMan 5 review (``.rm5``, recognised by its name or its XML content) is read by
:mod:`sysreview.revman`: every analysis (outcome) of the review becomes one analysis,
with RevMan's data, subgroups and settings (:func:`sysreview.revman.tables.review_tables`).

Every problem is reported as an :class:`~sysreview.errors.InputError` naming the
file, the row (the line number in the file, header = 1; a DataFrame's rows are counted
as in the CSV it would write) and the column. A text cell
(study, subgroup, grouping or settings) starting with an apostrophe before ``=``, ``+``,
``-``, ``@`` (how the tool protects text from spreadsheets, :mod:`sysreview.cells`) is
read without it, as a spreadsheet would show it.

The column vocabulary lives in :mod:`sysreview.analysis_columns`, the parsing of cells in
:mod:`sysreview.analysis_cells`; the vocabulary's names are importable from here too.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from sysreview.analysis_cells import (
    Cells,
    blank_rows,
    frame_texts,
    numeric_column,
    stripped,
    take,
)
from sysreview.analysis_columns import (
    ALIASES,
    CONTINUOUS,
    DATA_FAMILIES,
    DICHOTOMOUS,
    GENERIC,
    MISSING,
    NON_NEGATIVE,
    SETTINGS,
    TOTALS,
    canonical_header,
    data_columns,
    with_totals,
)
from sysreview.effects.base import FloatArray
from sysreview.errors import InputError
from sysreview.vocab import Measure

if TYPE_CHECKING:
    import pandas as pd

__all__ = [
    "ALIASES",
    "CONTINUOUS",
    "DATA_FAMILIES",
    "DICHOTOMOUS",
    "GENERIC",
    "MISSING",
    "NON_NEGATIVE",
    "SETTINGS",
    "TOTALS",
    "TableAnalysis",
    "canonical_header",
    "data_columns",
    "is_revman",
    "read_frame",
    "read_table",
]


@dataclass(frozen=True)
class TableAnalysis:
    """The rows of one analysis: its label, studies, subgroups and numeric columns.

    ``rows`` holds the file line of each study (empty for a RevMan file, whose
    studies are named by their analysis and study instead); ``settings`` the analysis's
    :data:`SETTINGS` as written.
    """

    label: str | None
    studies: tuple[str, ...]
    subgroups: tuple[str, ...] | None
    columns: dict[str, FloatArray]
    rows: tuple[int, ...]
    settings: dict[str, str] = field(default_factory=dict)
    extra: dict[str, tuple[str, ...]] = field(default_factory=dict)
    """Other columns asked for by name (e.g. moderators), as the text of each cell."""


def read_table(
    path: str | os.PathLike[str],
    measure: Measure | None = None,
    by: str | None = None,
    extra: Sequence[str] = (),
) -> tuple[tuple[str, ...], list[TableAnalysis]]:
    """Read the CSV (or RevMan file) at ``path``: default data columns, one entry per analysis.

    The default data columns are those ``measure`` needs, else the first complete
    family of the header; every complete family is read into each analysis's
    ``columns``, and the :data:`SETTINGS` columns into its ``settings``. The
    ``extra`` columns (named as in the file, e.g. moderators) are kept as text in
    ``TableAnalysis.extra``. A RevMan 5 file gives one analysis per outcome, labelled
    ``"<comparison>.<outcome> <name>"`` as RevMan numbers its analyses; ``by`` and
    ``extra`` do not apply to it. The CSV is read by :mod:`csv`; rows are numbered by
    the file line each ends on (header = 1).
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=source) from None
    if is_revman(path, data):
        if by is not None:
            raise InputError(
                "--by groups the rows of a CSV table; the analyses of a RevMan file are "
                "its outcomes",
                source=source,
            )
        if extra:
            raise InputError("a RevMan file has no moderator columns", source=source)
        from sysreview.revman.tables import read_review_tables

        return read_review_tables(data, source)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", source=source) from None
    reader = csv.reader(io.StringIO(text, newline=""))
    header = [h.strip() for h in next(reader, [])]
    rows, lines = _data_rows(reader, len(header), source)
    cells: list[Cells] = [list(column) for column in zip(*rows, strict=True)] if rows else []
    return _analyses(header, cells, lines, source, measure, by, extra)


def read_frame(
    frame: pd.DataFrame,
    measure: Measure | None = None,
    by: str | None = None,
    extra: Sequence[str] = (),
    source: str = "DataFrame",
) -> tuple[tuple[str, ...], list[TableAnalysis]]:
    """:func:`read_table` for a pandas DataFrame holding the columns a CSV would.

    Numeric columns are taken as they are (NaN is missing); any other column is read
    as text, cell by cell, as the CSV reader reads it (``None`` and NaN are blank). Rows
    are numbered as in the CSV the frame would write (``frame.to_csv(index=False)``):
    the header is row 1, the frame's first row is row 2. Rows whose every cell is
    blank are skipped, as blank lines of a CSV are.

    Examples
    --------
    >>> import pandas as pd
    >>> frame = pd.DataFrame({"slab": ["A", "B"], "yi": [0.1, 0.3], "vi": [0.01, 0.02]})
    >>> columns, (table,) = read_frame(frame)
    >>> columns, table.studies, table.rows
    (('estimate', 'se'), ('A', 'B'), (2, 3))
    """
    header = [str(name).strip() for name in frame.columns]
    cells: list[Cells] = []
    for j in range(frame.shape[1]):
        column = frame.iloc[:, j]
        if column.dtype.kind in "iuf":
            cells.append(column.to_numpy(dtype=float))
        else:
            cells.append(frame_texts(column))
    kept = np.flatnonzero(~blank_rows(cells, len(frame)))
    if len(kept) < len(frame):
        cells = [take(column, kept) for column in cells]
    lines = (kept + 2).tolist()
    return _analyses(header, cells, lines, source, measure, by, extra)


def _analyses(
    header: list[str],
    cells: list[Cells],
    lines: list[int],
    source: str,
    measure: Measure | None,
    by: str | None,
    extra: Sequence[str],
) -> tuple[tuple[str, ...], list[TableAnalysis]]:
    """The analyses of a table given column by column (cells as text, or numbers).

    ``lines`` holds the row number of each row, for messages.
    """
    if not header:
        raise InputError("empty file", source=source)
    header, shown = canonical_header(header, source)
    columns = data_columns(header, measure, source)
    index = _column_index(header, shown, by, extra, source)
    if not lines:
        raise InputError("no data rows", source=source)
    text = {name: stripped(cells[index[name]], protected=True)
            for name in ("study", "subgroup", by or "", *SETTINGS) if name in index}  # fmt: skip
    text.update({name: stripped(cells[index[name]], protected=False) for name in extra})
    studies = text["study"]
    if not all(studies):
        line = lines[studies.index("")]
        raise InputError(
            "empty study label", source=source, line=line, column=shown[index["study"]]
        )
    values = _numbers(header, shown, index, cells, lines, columns, source)
    keys: list[str | None] = list(text[by]) if by is not None else [None] * len(lines)
    first = dict(zip(dict.fromkeys(keys), itertools.count()))  # keys in order of appearance
    codes = np.fromiter(map(first.__getitem__, keys), np.intp, len(keys))
    bounds = np.concatenate(([0], np.cumsum(np.bincount(codes)))).tolist()
    if not bool((codes[1:] >= codes[:-1]).all()):  # put each analysis's rows together
        order = np.argsort(codes, kind="stable")
        perm = order.tolist()
        text = {name: [column[i] for i in perm] for name, column in text.items()}
        values = {c: v[order] for c, v in values.items()}
        lines = [lines[i] for i in perm]
    options = [c for c in SETTINGS if c in index]
    subgroups = text.get("subgroup")
    analyses = []
    for key, a, b in zip(first, bounds[:-1], bounds[1:], strict=True):
        analyses.append(
            TableAnalysis(
                label=key,
                studies=tuple(text["study"][a:b]),
                subgroups=_subgroups(subgroups, a, b),
                columns={c: v[a:b] for c, v in values.items()},
                rows=tuple(lines[a:b]),
                settings=_settings(
                    {name: text[name][a:b] for name in options}, lines[a:b], key, source
                ),
                extra={name: tuple(text[name][a:b]) for name in extra},
            )
        )
    return columns, analyses


def _column_index(
    header: list[str], shown: list[str], by: str | None, extra: Sequence[str], source: str
) -> dict[str, int]:
    """Where each column is.

    By its own name, and each ``extra`` column by its name as written; refuses a ``by`` or
    ``extra`` column the table lacks.
    """
    if by is not None and by not in header:
        raise InputError(
            f"--by column {by!r} not found; columns are {', '.join(shown)}", source=source, line=1
        )
    index = {name: i for i, name in enumerate(header)}
    where = {name: i for i, name in enumerate(shown)}
    for name in extra:
        if name not in index:
            if name not in where:
                raise InputError(
                    f"column {name!r} not found; columns are {', '.join(shown)}",
                    source=source,
                    line=1,
                )
            index[name] = where[name]
    return index


def _numbers(
    header: list[str],
    shown: list[str],
    index: dict[str, int],
    cells: list[Cells],
    lines: list[int],
    columns: tuple[str, ...],
    source: str,
) -> dict[str, FloatArray]:
    """The numeric columns.

    ``columns`` and those of every complete data family, group sizes given as events and
    non-events added up, metafor's ``vi`` as ``se``.
    """
    present = with_totals(set(header))
    families = [f for f in DATA_FAMILIES if set(f) <= present]
    read = tuple(dict.fromkeys((*columns, *(c for f in families for c in f))))
    values = {c: numeric_column(cells[index[c]], lines, c, source, shown[index[c]]) for c in read
              if c in index}  # fmt: skip
    for total, (events, others) in TOTALS.items():
        if total in read and total not in index:  # given as events and non-events
            values[total] = values[events] + numeric_column(
                cells[index[others]], lines, others, source, shown[index[others]]
            )
    if "se" in values and shown[index["se"]].strip().lower() == "vi":
        values["se"] = np.sqrt(values["se"])  # metafor's sampling variance
    return {c: values[c] for c in read}


def is_revman(path: str | os.PathLike[str], data: bytes) -> bool:
    """Whether the file is a RevMan 5 review: named ``*.rm5``, or XML.

    A CSV never starts with ``<``.
    """
    return Path(path).suffix.lower() == ".rm5" or data.lstrip(b"\xef\xbb\xbf \t\r\n")[:1] == b"<"


def _subgroups(labels: list[str] | None, a: int, b: int) -> tuple[str, ...] | None:
    """The analysis's subgroup labels; ``None`` when it has none (every cell blank)."""
    if labels is None or not any(labels[a:b]):
        return None
    return tuple(labels[a:b])


def _settings(
    cells: dict[str, list[str]],
    lines: list[int],
    analysis: str | None,
    source: str,
) -> dict[str, str]:
    """The settings columns of one analysis: one value each (blank cells ignored)."""
    out: dict[str, str] = {}
    for name, column in cells.items():
        seen: dict[str, int] = {}
        for cell, line in zip(column, lines, strict=True):
            value = cell.strip()
            if value:
                seen.setdefault(value, line)
        if len(seen) > 1:
            (a, la), (b, lb) = list(seen.items())[:2]
            where = "" if analysis is None else f"analysis {analysis!r} "
            raise InputError(
                f"{where}needs one {name}; it has {a!r} (row {la}) and {b!r} (row {lb})",
                source=source,
                line=lb,
                column=name,
            )
        if seen:
            out[name] = next(iter(seen))
    return out


def _data_rows(reader: Any, width: int, source: str) -> tuple[list[list[str]], list[int]]:
    """Non-blank rows with the file line each ends on; each must have ``width`` fields."""
    rows: list[list[str]] = []
    lines: list[int] = []
    add_row, add_line = rows.append, lines.append
    try:
        for row in reader:
            if len(row) == width and any(row):
                add_row(row)
                add_line(reader.line_num)
            elif "".join(row).strip():
                message = f"{len(row)} fields but the header has {width}"
                raise InputError(message, source=source, line=reader.line_num)
    except csv.Error as exc:  # e.g. a field over csv.field_size_limit()
        raise InputError(f"unreadable CSV: {exc}", source=source, line=reader.line_num) from None
    return rows, lines
