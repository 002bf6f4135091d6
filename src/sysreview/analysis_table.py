"""Read a per-study analysis table (CSV) into effect sizes, one set per analysis.

The table has a ``study`` column, optionally ``subgroup`` and a grouping column,
and one family of data columns:

* continuous: ``mean_e, sd_e, n_e, mean_c, sd_c, n_c``
* dichotomous: ``events_e, n_e, events_c, n_c``
* generic inverse variance: ``estimate, se``

Several families may be present (e.g. ``sysreview analyse``'s ``analysis_data.csv``,
which holds continuous and dichotomous analyses in one table). Optional settings
columns (:data:`SETTINGS`: ``measure, method, model, tau2_method, ci_method, level,
convention``) give each analysis its own options; they must hold one value per
analysis, and an option given by the caller overrides them.

Every problem is reported as an :class:`~sysreview.errors.InputError` naming the
file, the row (the line number in the file, header = 1) and the column. A text cell
(study, subgroup, grouping or settings) starting with an apostrophe before ``=``, ``+``,
``-``, ``@`` (how the tool protects text from spreadsheets, :mod:`sysreview.cells`) is
read without it, as a spreadsheet would show it.
"""

from __future__ import annotations

import csv
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from sysreview.cells import QUOTE, restore
from sysreview.effects import (
    EffectSizes,
    dichotomous_effects,
    generic_effects,
    mean_difference,
    standardized_mean_difference,
)
from sysreview.effects.base import FloatArray
from sysreview.errors import InputError
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method

CONTINUOUS = ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")
DICHOTOMOUS = ("events_e", "n_e", "events_c", "n_c")
GENERIC = ("estimate", "se")
MISSING = {"", "na", "nan", "n/a", "."}
NON_NEGATIVE = {"n_e", "n_c", "events_e", "events_c", "sd_e", "sd_c", "se"}
SETTINGS = ("measure", "method", "model", "tau2_method", "ci_method", "level", "convention")
"""Optional per-analysis settings columns, named as in ``sysreview pool --format json``."""


@dataclass(frozen=True)
class TableAnalysis:
    """The rows of one analysis: its label, studies, subgroups and numeric columns."""

    label: str | None
    studies: tuple[str, ...]
    subgroups: tuple[str, ...] | None
    columns: dict[str, FloatArray]
    rows: tuple[int, ...]
    settings: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class PoolOptions:
    """The options one analysis is pooled with (see :func:`resolve_options`)."""

    measure: Measure
    method: Method | None
    model: Model
    tau2_method: Tau2Method
    ci_method: CIMethod
    level: float
    convention: Convention

    def pooling(self) -> tuple[Method | None, Model, Tau2Method, CIMethod, float]:
        """The options :func:`sysreview.meta.meta_analyses` takes, as a hashable key."""
        return (self.method, self.model, self.tau2_method, self.ci_method, self.level)


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
    """Read the CSV at ``path``: the default data columns and one entry per analysis.

    The default data columns are those ``measure`` needs, else the first complete
    family of the header; every complete family is read into each analysis's
    ``columns``, and the :data:`SETTINGS` columns into its ``settings``.
    """
    source = str(path)
    quoted = True  # may a text cell start with a protective apostrophe (sysreview.cells)?
    try:
        with open(path, newline="", encoding="utf-8-sig") as handle:
            content = handle.read()
        fast = _plain_rows(content)
        quoted = QUOTE in content
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror}", source=source) from None
    except UnicodeDecodeError:
        fast = None  # read again below, as a stream, to report the first problem
    if fast is not None:
        header, cells, lines = fast
    else:
        try:
            with open(path, newline="", encoding="utf-8-sig") as handle:
                reader = csv.reader(handle)
                header = [h.strip() for h in next(reader, [])]
                rows, lines = _data_rows(reader, len(header), source)
        except OSError as exc:
            raise InputError(f"cannot read file: {exc.strerror}", source=source) from None
        except UnicodeDecodeError as exc:
            raise InputError(f"not UTF-8 text ({exc.reason})", source=source) from None
        cells = [list(column) for column in zip(*rows, strict=True)] if rows else []
    if not header:
        raise InputError("empty file", source=source)
    columns = data_columns(header, measure, source)
    if by is not None and by not in header:
        raise InputError(
            f"--by column {by!r} not found; columns are {', '.join(header)}", source=source, line=1
        )
    index = {name: i for i, name in enumerate(header)}
    if not lines:
        raise InputError("no data rows", source=source)
    if quoted:  # text the tool wrote as '=... (safe in a spreadsheet) is =... again
        for name in ("study", "subgroup", by or "", *SETTINGS):
            if name in index:
                cells[index[name]] = [restore(cell) for cell in cells[index[name]]]
    studies = [cell.strip() for cell in cells[index["study"]]]
    if not all(studies):
        line = lines[studies.index("")]
        raise InputError("empty study label", source=source, line=line, column="study")
    present = set(header)
    families = [f for f in (CONTINUOUS, DICHOTOMOUS, GENERIC) if set(f) <= present]
    read = tuple(dict.fromkeys((*columns, *(c for f in families for c in f))))
    values = {c: _column(cells[index[c]], lines, c, source) for c in read}
    options = [c for c in SETTINGS if c in index]
    subgroups = [cell.strip() for cell in cells[index["subgroup"]]] if "subgroup" in index else None
    keys = [cell.strip() for cell in cells[index[by]]] if by is not None else [None] * len(lines)
    first = dict(zip(dict.fromkeys(keys), itertools.count()))  # keys in order of appearance
    codes = np.fromiter(map(first.__getitem__, keys), np.intp, len(keys))
    counts = np.bincount(codes)
    bounds = np.concatenate(([0], np.cumsum(counts))).tolist()
    grouped = bool((codes[1:] >= codes[:-1]).all())  # each analysis in consecutive rows
    if not grouped:  # put every analysis's rows together, keeping their order
        order = np.argsort(codes, kind="stable")
        perm = order.tolist()
        studies = [studies[i] for i in perm]
        subgroups = None if subgroups is None else [subgroups[i] for i in perm]
        values = {c: v[order] for c, v in values.items()}
        lines = [lines[i] for i in perm]
        cells = [[column[i] for i in perm] for column in cells]
    analyses = []
    for key, a, b in zip(first, bounds[:-1], bounds[1:], strict=True):
        analyses.append(
            TableAnalysis(
                label=key,
                studies=tuple(studies[a:b]),
                subgroups=_subgroups(subgroups, a, b),
                columns={c: values[c][a:b] for c in read},
                rows=tuple(lines[a:b]),
                settings=_settings(
                    {name: cells[index[name]][a:b] for name in options},
                    lines[a:b],
                    key,
                    source,
                ),
            )
        )
    return columns, analyses


def _plain_rows(text: str) -> tuple[list[str], list[list[str]], list[int]] | None:
    """Header, columns of cells and line numbers of a CSV text without quotes.

    Gives exactly what :mod:`csv` and :func:`_data_rows` give for such text, column by
    column, without building a list per row; ``None`` (read it with :mod:`csv`) for
    anything else: quotes, carriage returns, NULs, blank or short rows, huge fields.
    """
    if '"' in text or "\0" in text:
        return None
    if "\r" in text:  # \r\n ends a line as \n does; a lone \r is left to csv
        if text.count("\r") != text.count("\r\n"):
            return None
        text = text.replace("\r\n", "\n")
    body = text.split("\n")
    if body and not body[-1]:
        body.pop()  # the newline that ends the last line
    if not body or not body[0]:
        return None
    header = [h.strip() for h in body[0].split(",")]
    width = len(header)
    body = body[1:]
    blank = "," * (width - 1)
    limit = csv.field_size_limit()
    if (
        "" in body
        or blank in body
        or (len(text) > limit and max(map(len, body), default=0) > limit)
        or (body and set(map(str.count, body, itertools.repeat(","))) != {width - 1})
    ):
        return None
    flat = ",".join(body).split(",") if body else []
    cells = [flat[j::width] for j in range(width)] if body else []
    return header, cells, list(range(2, len(body) + 2))


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


def resolve_options(
    table: TableAnalysis,
    given: dict[str, object],
    default_columns: tuple[str, ...],
    source: str,
) -> PoolOptions:
    """The options of one analysis: the caller's, else the table's column, else defaults.

    ``given`` maps :data:`SETTINGS` names to parsed values or ``None`` (not given).
    Defaults are RevMan's: the data type's measure (:func:`default_measure`), the
    measure's default method, random effects, DL, Wald z, 95% and the RevMan convention.
    """
    parsers: dict[str, Any] = {
        "measure": Measure.parse,
        "method": Method.parse,
        "model": Model.parse,
        "tau2_method": Tau2Method.parse,
        "ci_method": CIMethod.parse,
        "level": float,
        "convention": Convention.parse,
    }
    defaults: dict[str, object] = {
        "measure": default_measure(default_columns),
        "method": None,
        "model": Model.RANDOM,
        "tau2_method": Tau2Method.DL,
        "ci_method": CIMethod.Z,
        "level": 95.0,
        "convention": Convention.REVMAN,
    }
    chosen: dict[str, Any] = {}
    for name, parse in parsers.items():
        value = given.get(name)
        if value is None and name in table.settings:
            text = table.settings[name]
            try:
                value = parse(text)
            except ValueError as exc:
                raise InputError(str(exc), source=source, line=table.rows[0], column=name) from None
        chosen[name] = defaults[name] if value is None else value
    return PoolOptions(**chosen)


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


def _column(cells: list[str], lines: list[int], name: str, source: str) -> FloatArray:
    """One numeric column: parsed by numpy in one pass, cell by cell only on trouble."""
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
    wanted = (
        CONTINUOUS if measure.is_continuous else DICHOTOMOUS if measure.is_dichotomous else GENERIC
    )
    missing = [n for n in wanted if n not in c]
    if missing:
        where = "" if table.label is None else f"analysis {table.label!r}: "
        raise InputError(
            f"{where}measure {measure.value} needs columns {', '.join(wanted)}; "
            f"missing {', '.join(missing)}",
            source=source,
            line=table.rows[0],
        )
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


def effects_all(
    tables: Sequence[TableAnalysis],
    options: Sequence[PoolOptions],
    log_scale: bool,
    source: str,
) -> list[EffectSizes]:
    """:func:`effects_of` for every analysis, the same values, computed in one pass.

    When every analysis is continuous with the same measure and convention, the
    per-study formulas (elementwise, so each study's value does not depend on its
    neighbours) run once over all studies, which are then split per analysis.
    Otherwise each analysis is computed on its own.
    """
    same = {(o.measure, o.convention) for o in options}
    batched = (
        len(same) == 1
        and next(iter(same))[0] in (Measure.MD, Measure.SMD)
        and all(n in t.columns for t in tables for n in CONTINUOUS)
    )
    if not batched:
        return [
            effects_of(t, o.measure, o.convention, log_scale, source)
            for t, o in zip(tables, options, strict=True)
        ]
    measure, convention = next(iter(same))
    f = mean_difference if measure is Measure.MD else standardized_mean_difference
    arms = [np.concatenate([t.columns[n] for t in tables]) for n in CONTINUOUS]
    studies = tuple(s for t in tables for s in t.studies)
    es = f(*arms, studies=studies, convention=convention)
    bounds = np.cumsum([0, *(len(t.studies) for t in tables)]).tolist()
    return [
        EffectSizes(
            es.measure,
            es.convention,
            es.studies[a:b],
            es.yi[a:b],
            es.vi[a:b],
            es.reasons[a:b],
            log_scale=es.log_scale,
            n1i=es.n1i[a:b],
            n2i=es.n2i[a:b],
        )
        for a, b in itertools.pairwise(bounds)
    ]


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
