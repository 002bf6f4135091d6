"""Read a per-study analysis table (CSV) into effect sizes, one set per analysis.

The table has a ``study`` column, optionally ``subgroup`` and a grouping column,
and one family of data columns:

* continuous: ``mean_e, sd_e, n_e, mean_c, sd_c, n_c``
* dichotomous: ``events_e, n_e, events_c, n_c``
* generic inverse variance: ``estimate, se``

Every problem is reported as an :class:`~sysreview.errors.InputError` naming the
file, the row (the line number in the file, header = 1) and the column.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from sysreview.effects import (
    EffectSizes,
    dichotomous_effects,
    generic_effects,
    mean_difference,
    standardized_mean_difference,
)
from sysreview.effects.base import FloatArray
from sysreview.errors import InputError
from sysreview.vocab import Convention, Measure

CONTINUOUS = ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")
DICHOTOMOUS = ("events_e", "n_e", "events_c", "n_c")
GENERIC = ("estimate", "se")
MISSING = {"", "na", "nan", "n/a", "."}
NON_NEGATIVE = {"n_e", "n_c", "events_e", "events_c", "sd_e", "sd_c", "se"}


@dataclass(frozen=True)
class TableAnalysis:
    """The rows of one analysis: its label, studies, subgroups and numeric columns."""

    label: str | None
    studies: tuple[str, ...]
    subgroups: tuple[str, ...] | None
    columns: dict[str, FloatArray]
    rows: tuple[int, ...]


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


def data_columns(header: Sequence[str], measure: Measure | None, source: str) -> tuple[str, ...]:
    """The data columns the table provides (and the measure needs)."""
    present = set(header)
    if "study" not in present:
        raise InputError("missing required column 'study'", source=source, line=1, column="study")
    families = [f for f in (CONTINUOUS, DICHOTOMOUS, GENERIC) if set(f) <= present]
    if measure is not None:
        wanted = (
            CONTINUOUS
            if measure.is_continuous
            else DICHOTOMOUS
            if measure.is_dichotomous
            else GENERIC
        )
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
        raise InputError(
            "no data columns: expected mean_e,sd_e,n_e,mean_c,sd_c,n_c or "
            "events_e,n_e,events_c,n_c or estimate,se",
            source=source,
            line=1,
        )
    return families[0]


def default_measure(columns: tuple[str, ...]) -> Measure:
    """RevMan's default measure for the data type: MD, RR or generic."""
    if columns == CONTINUOUS:
        return Measure.MD
    return Measure.RR if columns == DICHOTOMOUS else Measure.GIV


def read_table(
    path: str | Path, measure: Measure | None = None, by: str | None = None
) -> tuple[tuple[str, ...], list[TableAnalysis]]:
    """Read the CSV at ``path``: the data columns used and one entry per analysis."""
    source = str(path)
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            reader = csv.reader(handle)
            header = [h.strip() for h in next(reader, [])]
            rows, lines = _data_rows(reader, len(header), source)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=source) from None
    except UnicodeDecodeError as exc:
        raise InputError(f"not UTF-8 text ({exc.reason})", source=source) from None
    if not header:
        raise InputError("empty file", source=source)
    columns = data_columns(header, measure, source)
    if by is not None and by not in header:
        raise InputError(
            f"--by column {by!r} not found; columns are {', '.join(header)}", source=source, line=1
        )
    index = {name: i for i, name in enumerate(header)}
    if not rows:
        raise InputError("no data rows", source=source)
    studies = [row[index["study"]].strip() for row in rows]
    for study, line in zip(studies, lines, strict=True):
        if not study:
            raise InputError("empty study label", source=source, line=line, column="study")
    values = {c: _column(rows, lines, index[c], c, source) for c in columns}
    subgroups = [row[index["subgroup"]].strip() for row in rows] if "subgroup" in index else None
    keys = [row[index[by]].strip() for row in rows] if by is not None else [None] * len(rows)
    first: dict[str | None, int] = {}
    codes = np.fromiter((first.setdefault(k, len(first)) for k in keys), np.intp, len(keys))
    order = np.argsort(codes, kind="stable")
    analyses = []
    for key, take in zip(first, np.split(order, np.cumsum(np.bincount(codes))[:-1]), strict=True):
        idx = take.tolist()
        analyses.append(
            TableAnalysis(
                label=key,
                studies=tuple(studies[i] for i in idx),
                subgroups=None if subgroups is None else tuple(subgroups[i] for i in idx),
                columns={c: values[c][take] for c in columns},
                rows=tuple(lines[i] for i in idx),
            )
        )
    return columns, analyses


def _data_rows(reader: Any, width: int, source: str) -> tuple[list[list[str]], list[int]]:
    """Non-blank rows with the file line each ends on; each must have ``width`` fields."""
    rows: list[list[str]] = []
    lines: list[int] = []
    add_row, add_line = rows.append, lines.append
    for row in reader:
        if len(row) == width and any(row):
            add_row(row)
            add_line(reader.line_num)
        elif "".join(row).strip():
            message = f"{len(row)} fields but the header has {width}"
            raise InputError(message, source=source, line=reader.line_num)
    return rows, lines


def _column(
    rows: list[list[str]], lines: list[int], position: int, name: str, source: str
) -> FloatArray:
    """One numeric column: parsed by numpy in one pass, cell by cell only on trouble."""
    cells = [row[position] for row in rows]
    try:
        values = np.array(cells, dtype=float)
    except ValueError:
        values = np.array(
            [_number(cell, source, line, name) for cell, line in zip(cells, lines, strict=True)]
        )
    if name in NON_NEGATIVE:
        for i in np.flatnonzero(values < 0):
            raise InputError(
                f"must not be negative: {cells[i]!r}", source=source, line=lines[i], column=name
            )
    return values


def effects_of(
    table: TableAnalysis, measure: Measure, convention: Convention, log_scale: bool, source: str
) -> EffectSizes:
    """Compute the effect sizes of one analysis of the table."""
    c = table.columns
    try:
        if measure is Measure.MD or measure is Measure.SMD:
            f = mean_difference if measure is Measure.MD else standardized_mean_difference
            return f(*(c[n] for n in CONTINUOUS), studies=table.studies, convention=convention)
        if measure.is_dichotomous:
            _check_events(table, source)
            ai, n1i, ci, n2i = (c[n] for n in DICHOTOMOUS)
            return dichotomous_effects(
                ai, n1i, ci, n2i, measure, studies=table.studies, convention=convention
            )
        return generic_effects(
            c["estimate"],
            c["se"],
            log_scale=log_scale,
            studies=table.studies,
            convention=convention,
        )
    except InputError as exc:
        raise InputError(exc.message, source=source, line=exc.line, column=exc.column) from None


def _check_events(table: TableAnalysis, source: str) -> None:
    c = table.columns
    for i, line in enumerate(table.rows):
        for events, total in (("events_e", "n_e"), ("events_c", "n_c")):
            if c[events][i] > c[total][i]:
                raise InputError(
                    f"{c[events][i]:g} events but only {c[total][i]:g} participants",
                    source=source,
                    line=line,
                    column=events,
                )
