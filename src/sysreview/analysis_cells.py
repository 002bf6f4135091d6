"""The cells of a per-study table: text or numbers, parsed and checked column by column.

A column arrives as text (a CSV's cells) or as numbers (a DataFrame's numeric column);
:func:`numeric_column` makes it numbers, :func:`stripped` text, with every problem an
:class:`~sysreview.errors.InputError` naming the file, row and column.
"""

from __future__ import annotations

import math
from typing import TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from sysreview.analysis_columns import MISSING, NON_NEGATIVE
from sysreview.cells import QUOTE, restore
from sysreview.effects.base import BoolArray, FloatArray
from sysreview.errors import InputError

if TYPE_CHECKING:
    import pandas as pd


IntArray = NDArray[np.intp]
Cells = list[str] | FloatArray
"""A column's cells: text (a CSV's), or numbers (a DataFrame's numeric column)."""


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


def frame_texts(column: pd.Series[Any]) -> list[str]:
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


def blank_rows(cells: list[Cells], n: int) -> BoolArray:
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


def take(column: Cells, rows: IntArray) -> Cells:
    """The cells of ``rows``, of either kind."""
    if isinstance(column, np.ndarray):
        return column[rows]
    return [column[i] for i in rows.tolist()]


def _texts(column: Cells) -> list[str]:
    """A column's cells as text: numbers as ``str`` writes them, NaN blank."""
    if isinstance(column, np.ndarray):
        return ["" if math.isnan(x) else _number_text(x) for x in column.tolist()]
    return column


def stripped(column: Cells, protected: bool) -> list[str]:
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


def numeric_column(
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
