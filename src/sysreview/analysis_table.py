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
"""

from __future__ import annotations

import csv
import io
import itertools
import math
import os
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sysreview.cells import QUOTE, restore
from sysreview.effects.base import BoolArray, FloatArray
from sysreview.effects.registry import FAMILIES, MEASURES
from sysreview.errors import InputError
from sysreview.vocab import Measure

if TYPE_CHECKING:
    import pandas as pd

IntArray = NDArray[np.intp]
Cells = list[str] | FloatArray
"""A column's cells: text (a CSV's), or numbers (a DataFrame's numeric column)."""

CONTINUOUS = FAMILIES["continuous"].columns
DICHOTOMOUS = FAMILIES["dichotomous"].columns
GENERIC = FAMILIES["generic"].columns
DATA_FAMILIES = tuple(f.columns for f in FAMILIES.values())
"""The families of data columns, in the order a header is matched against them."""
MISSING = {"", "na", "nan", "n/a", "."}
NON_NEGATIVE = {
    "n_e", "n_c", "events_e", "events_c", "sd_e", "sd_c", "se", "events", "n", "time_e",
    "time_c", "nonevents_e", "nonevents_c", "nonevents",
}  # fmt: skip
TOTALS = {"n_e": ("events_e", "nonevents_e"), "n_c": ("events_c", "nonevents_c"),
          "n": ("events", "nonevents")}  # fmt: skip
"""A group size the table may give as events and non-events instead."""
SETTINGS = (
    "measure", "method", "model", "tau2_method", "ci_method", "level", "convention", "log_scale",
)  # fmt: skip
"""Optional per-analysis settings columns, named as in ``sysreview pool --format json``."""
ALIASES: dict[str, str] = {
    # metafor's escalc arguments
    "m1i": "mean_e", "sd1i": "sd_e", "n1i": "n_e", "m2i": "mean_c", "sd2i": "sd_c",
    "n2i": "n_c", "ai": "events_e", "ci": "events_c", "bi": "nonevents_e",
    "di": "nonevents_c", "x1i": "events_e", "x2i": "events_c", "t1i": "time_e",
    "t2i": "time_c", "xi": "events", "mi": "nonevents", "ni": "n", "ri": "r",
    "yi": "estimate", "sei": "se", "slab": "study",
    # R meta's arguments (metacont, metabin, metainc, metaprop, metacor, metagen)
    "studlab": "study", "n.e": "n_e", "mean.e": "mean_e", "sd.e": "sd_e", "n.c": "n_c",
    "mean.c": "mean_c", "sd.c": "sd_c", "event.e": "events_e", "event.c": "events_c",
    "time.e": "time_e", "time.c": "time_c", "event": "events", "cor": "r",
    "te": "estimate", "sete": "se",
    # RevMan 5's data attributes (MEAN_1, TOTAL_1, EVENTS_1, ESTIMATE, SE, ...)
    "mean_1": "mean_e", "sd_1": "sd_e", "total_1": "n_e", "mean_2": "mean_c",
    "sd_2": "sd_c", "total_2": "n_c", "events_1": "events_e", "events_2": "events_c",
}  # fmt: skip
"""Other names of the data columns (matched in any case), and the column each one is.

metafor's ``vi`` (a sampling variance) is read as ``se = sqrt(vi)`` when the table has
no standard error column."""


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


def _number(text: str, source: str, line: int, column: str) -> float:
    value = text.strip()
    if value.lower() in MISSING:
        return math.nan
    try:
        number = float(value)
    except ValueError:
        raise InputError(
            f"not a number: {text!r}", source=source, line=line, column=column
        ) from None
    return number


def _with_totals(present: set[str]) -> set[str]:
    """The columns present, and the group sizes given as events and non-events."""
    derived = {n for n, parts in TOTALS.items() if n not in present and set(parts) <= present}
    return present | derived


def data_columns(header: Sequence[str], measure: Measure | None, source: str) -> tuple[str, ...]:
    """The data columns the table provides (and the measure needs)."""
    present = _with_totals(set(header))
    if "study" not in present:
        raise InputError("missing required column 'study'", source=source, line=1, column="study")
    families = [f for f in DATA_FAMILIES if set(f) <= present]
    if measure is not None:
        wanted = MEASURES[measure].family.columns
        missing = [c for c in wanted if c not in present]
        if missing:
            raise InputError(
                f"measure {measure.value} needs columns {', '.join(wanted)}; "
                f"missing {', '.join(missing)}",
                source=source,
                line=1,
            )
        return wanted
    if not families:
        expected = " or ".join(",".join(f) for f in DATA_FAMILIES)
        raise InputError(f"no data columns: expected {expected}", source=source, line=1)
    return families[0]


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
            cells.append(_frame_texts(column))
    kept = np.flatnonzero(~_blank_rows(cells, len(frame)))
    if len(kept) < len(frame):
        cells = [_take(column, kept) for column in cells]
    lines = (kept + 2).tolist()
    return _analyses(header, cells, lines, source, measure, by, extra)


def _frame_texts(column: pd.Series[Any]) -> list[str]:
    """A non-numeric column's cells as text.

    Strings as they are, numbers as :func:`_texts` writes them, other values by ``str``,
    missing ones (None, NaN, NA) blank.
    """
    from pandas.api.types import infer_dtype

    values = column.tolist()
    if infer_dtype(column, skipna=False) == "string":  # all str: the usual case
        return values
    missing = column.isna().tolist()
    return [
        "" if gone else x if isinstance(x, str) else _number_text(x) if isinstance(x, float)
        else str(x)
        for x, gone in zip(values, missing, strict=True)
    ]  # fmt: skip


def _blank_rows(cells: list[Cells], n: int) -> BoolArray:
    """Rows whose every cell is blank (NaN, or text of white space)."""
    blank = np.ones(n, dtype=bool)
    for column in cells:
        if isinstance(column, np.ndarray):
            blank &= np.isnan(column)
    rows = np.flatnonzero(blank).tolist()
    for column in cells:
        if not isinstance(column, np.ndarray):
            rows = [i for i in rows if not column[i].strip()]
    blank[:] = False
    blank[rows] = True
    return blank


def _take(column: Cells, rows: IntArray) -> Cells:
    if isinstance(column, np.ndarray):
        return column[rows]
    return [column[i] for i in rows.tolist()]


def _texts(column: Cells) -> list[str]:
    """A column's cells as text: numbers as ``str`` writes them, NaN blank."""
    if isinstance(column, np.ndarray):
        return ["" if math.isnan(x) else _number_text(x) for x in column.tolist()]
    return column


def _stripped(column: Cells, protected: bool) -> list[str]:
    """A text column's cells without surrounding white space.

    ``protected``: text the tool wrote as ``'=...`` (safe in a spreadsheet,
    :func:`sysreview.cells.restore`) is ``=...`` again.
    """
    texts = _texts(column)
    joined = "\0".join(texts)
    if protected and (joined.startswith(QUOTE) or "\0" + QUOTE in joined):
        return [restore(cell).strip() for cell in texts]
    return [cell.strip() for cell in texts]


def _number_text(x: float) -> str:
    return str(int(x)) if x.is_integer() and abs(x) < 2**53 else repr(x)


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
    text = {name: _stripped(cells[index[name]], protected=True)
            for name in ("study", "subgroup", by or "", *SETTINGS) if name in index}  # fmt: skip
    text.update({name: _stripped(cells[index[name]], protected=False) for name in extra})
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
    present = _with_totals(set(header))
    families = [f for f in DATA_FAMILIES if set(f) <= present]
    read = tuple(dict.fromkeys((*columns, *(c for f in families for c in f))))
    values = {c: _column(cells[index[c]], lines, c, source, shown[index[c]]) for c in read
              if c in index}  # fmt: skip
    for total, (events, others) in TOTALS.items():
        if total in read and total not in index:  # given as events and non-events
            values[total] = values[events] + _column(
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


_KNOWN = frozenset(
    (*(c for f in DATA_FAMILIES for c in f), *(c for parts in TOTALS.values() for c in parts),
     "study", "subgroup", *SETTINGS)
)  # fmt: skip


def canonical_header(header: Sequence[str], source: str) -> tuple[list[str], list[str]]:
    """The header with every data column under its own name (:data:`ALIASES`).

    Returns the renamed header and the header as written (for messages). Names of
    data, study, subgroup and settings columns are matched in any case; other columns
    (e.g. the ``--by`` column) keep their name. metafor's ``vi`` stands in for ``se``
    when there is no standard-error column.

    Examples
    --------
    >>> canonical_header(["Study", "yi", "VI", "outcome"], "t.csv")[0]
    ['study', 'estimate', 'se', 'outcome']
    """
    keys = [h.strip().lower() for h in header]
    has_se = any(ALIASES.get(k, k) == "se" for k in keys)
    names: list[str] = []
    for name, key in zip(header, keys, strict=True):
        if key == "vi" and not has_se:
            key = "se"
        names.append(ALIASES.get(key, key) if key in ALIASES or key in _KNOWN else name)
    seen: dict[str, str] = {}
    for name, written in zip(names, header, strict=True):
        if name in _KNOWN and name in seen:
            raise InputError(
                f"columns {seen[name]!r} and {written!r} are both the {name} column",
                source=source,
                line=1,
                column=written,
            )
        seen.setdefault(name, written)
    return names, list(header)


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


def _column(
    cells: Cells, lines: list[int], name: str, source: str, shown: str | None = None
) -> FloatArray:
    """One numeric column: text parsed by numpy in one pass, cell by cell only on trouble.

    ``name`` is the column's own name, ``shown`` the name in the file (for messages).
    """
    shown = name if shown is None else shown
    if isinstance(cells, np.ndarray):
        values = cells
    else:
        try:
            values = np.array(cells, dtype=float)
        except ValueError:
            pairs = zip(cells, lines, strict=True)
            values = np.array([_number(cell, source, line, shown) for cell, line in pairs])
    if name in NON_NEGATIVE:
        for i in np.flatnonzero(values < 0):
            raise InputError(
                f"must not be negative: {_texts(cells[i : i + 1])[0]!r}",
                source=source,
                line=lines[i],
                column=shown,
            )
    return values
