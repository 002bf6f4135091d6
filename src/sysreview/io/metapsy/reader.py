"""Reader for the Metapsy data standard (one row per study x outcome x comparison).

The Metapsy databases (https://docs.metapsy.org/data-standard/) are exported from R as
``;``-separated CSV with decimal commas, ``NA`` for missing values and an unnamed first
column holding the R row number. :func:`read_metapsy` parses such a file into frozen,
typed :class:`MetapsyRow` records and keeps the raw text of every cell so that
:func:`sysreview.io.metapsy.quality.quality_report` can point at exactly what it finds::

    read_metapsy(path) -> MetapsyData(source, columns, rows, references)

Text is read as every record is (:func:`cell`): stripped, ``NA`` as missing, mojibake
repaired by :func:`sysreview.text.repair_mojibake` (``RÃ¼sch`` is ``Rüsch``); the raw
text stays in :attr:`MetapsyRow.raw`, so the quality report and the conversion's notes can
show what was repaired. Displaced values and sign conventions are reported by the quality
report, never silently fixed.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd

from sysreview.errors import InputError
from sysreview.records.jsontext import parse_json
from sysreview.text import repair_mojibake

__all__ = [
    "MISSING",
    "NUMBER_FIELDS",
    "TEXT_FIELDS",
    "MetapsyData",
    "MetapsyRow",
    "cell",
    "clean_text",
    "parse_number",
    "read_metapsy",
    "read_metapsy_text",
]

#: Cell texts read as a missing value (``NR`` = not reported).
MISSING = frozenset({"", "NA", "NaN", "NR", "nr", "n/a", "N/A"})

#: Attribute name -> Metapsy column, for text fields.
TEXT_FIELDS: dict[str, str] = {
    "study": "study",
    "outcome_category": "outcome_category",
    "outcome_subcategory": "outcome_subcategory",
    "outcome_type": "outcome_type",
    "instrument": "instrument",
    "time": "time",
    "condition_arm1": "condition_arm1",
    "condition_arm2": "condition_arm2",
    "multi_arm1": "multi_arm1",
    "multi_arm2": "multi_arm2",
    "dich": "dich",
    "rating": "rating",
    "country": "country",
    "disorder": "disorder",
    "format": "format",
    "delivery": "delivery",
    "duration": "duration_int",
    "structure": "structure_intervention",
    "rob_d1": "RoB_D1",
    "rob_d2": "RoB_D2",
    "rob_d3": "RoB_D3",
    "rob_d4": "RoB_D4",
    "rob_d5": "RoB_D5",
    "rob_overall": "overall_RoB",
    "id": ".id",
}

#: Attribute name -> Metapsy column, for numeric fields (floats, ``None`` when missing).
NUMBER_FIELDS: dict[str, str] = {
    "time_weeks": "time_weeks",
    "g": ".g",
    "g_se": ".g_se",
    "m1i": "mean_arm1",
    "sd1i": "sd_arm1",
    "n1i": "n_arm1",
    "m2i": "mean_arm2",
    "sd2i": "sd_arm2",
    "n2i": "n_arm2",
    "mean_change1": "mean_change_arm1",
    "mean_change2": "mean_change_arm2",
    "sd_change1": "sd_change_arm1",
    "sd_change2": "sd_change_arm2",
    "n_change1": "n_change_arm1",
    "n_change2": "n_change_arm2",
    "ai": "event_arm1",
    "ci": "event_arm2",
    "n1i_events": "totaln_arm1",
    "n2i_events": "totaln_arm2",
    "precalc_g": "precalc_g",
    "precalc_g_se": "precalc_g_se",
    "precalc_log_rr": "precalc_log_rr",
    "precalc_log_rr_se": "precalc_log_rr_se",
    "year": "year",
    "percent_women": "percent_women",
    "mean_age": "mean_age",
}

REQUIRED = ("study",)


def parse_number(text: str) -> float | None:
    """Parse a Metapsy number (decimal comma or point); ``None`` when missing or not numeric.

    Examples
    --------
    >>> parse_number("0,17"), parse_number("12"), parse_number("NA"), parse_number("NR")
    (0.17, 12.0, None, None)

    """
    text = text.strip()
    if text in MISSING:
        return None
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        return None
    return value if math.isfinite(value) else None


@dataclass(frozen=True)
class MetapsyRow:
    """One Metapsy row: a study x outcome x comparison, as typed values plus raw text.

    Attributes follow :data:`TEXT_FIELDS` and :data:`NUMBER_FIELDS` (metafor names for the
    arm data: ``m1i, sd1i, n1i`` ...; ``ai, ci`` events; ``g, g_se`` the stored ``.g``,
    ``.g_se``). ``row`` is the file's row number (its first column), ``line`` the 1-based
    line in the file, ``raw`` every cell's text keyed by column name.
    """

    row: int
    line: int
    raw: Mapping[str, str] = field(repr=False)
    study: str | None = None
    outcome_category: str | None = None
    outcome_subcategory: str | None = None
    outcome_type: str | None = None
    instrument: str | None = None
    time: str | None = None
    condition_arm1: str | None = None
    condition_arm2: str | None = None
    multi_arm1: str | None = None
    multi_arm2: str | None = None
    dich: str | None = None
    rating: str | None = None
    country: str | None = None
    disorder: str | None = None
    format: str | None = None
    delivery: str | None = None
    duration: str | None = None
    structure: str | None = None
    rob_d1: str | None = None
    rob_d2: str | None = None
    rob_d3: str | None = None
    rob_d4: str | None = None
    rob_d5: str | None = None
    rob_overall: str | None = None
    id: str | None = None
    time_weeks: float | None = None
    g: float | None = None
    g_se: float | None = None
    m1i: float | None = None
    sd1i: float | None = None
    n1i: float | None = None
    m2i: float | None = None
    sd2i: float | None = None
    n2i: float | None = None
    mean_change1: float | None = None
    mean_change2: float | None = None
    sd_change1: float | None = None
    sd_change2: float | None = None
    n_change1: float | None = None
    n_change2: float | None = None
    ai: float | None = None
    ci: float | None = None
    n1i_events: float | None = None
    n2i_events: float | None = None
    precalc_g: float | None = None
    precalc_g_se: float | None = None
    precalc_log_rr: float | None = None
    precalc_log_rr_se: float | None = None
    year: float | None = None
    percent_women: float | None = None
    mean_age: float | None = None

    @property
    def has_means(self) -> bool:
        """Whether mean, SD and N are present for both arms."""
        arms = (self.m1i, self.sd1i, self.n1i, self.m2i, self.sd2i, self.n2i)
        return all(value is not None for value in arms)

    @property
    def has_events(self) -> bool:
        """Whether any event count or event total is present."""
        return any(v is not None for v in (self.ai, self.ci, self.n1i_events, self.n2i_events))


@dataclass(frozen=True)
class MetapsyData:
    """A parsed Metapsy file.

    Attributes
    ----------
    source
        Where the rows came from (a path or a label).
    columns
        The header, in file order (the first, unnamed column as ``""``).
    rows
        One :class:`MetapsyRow` per data line.
    references
        Study labels of the sibling ``metadata/references.json`` (``None`` when absent).
    """

    source: str
    columns: tuple[str, ...]
    rows: tuple[MetapsyRow, ...]
    references: frozenset[str] | None = None

    @property
    def studies(self) -> tuple[str, ...]:
        """Distinct study labels, in order of first appearance."""
        return tuple(dict.fromkeys(r.study for r in self.rows if r.study is not None))

    def to_frame(self) -> pd.DataFrame:
        """The typed rows as a tidy DataFrame (one row per Metapsy row, unrounded)."""
        names = ["row", *TEXT_FIELDS, *NUMBER_FIELDS]
        return pd.DataFrame([{n: getattr(r, n) for n in names} for r in self.rows], columns=names)

    def summary(self) -> str:
        """One line: rows, studies and the source."""
        return f"Metapsy data {self.source}: {len(self.rows)} rows, {len(self.studies)} studies"


def clean_text(value: str | None) -> str | None:
    """A cell's text: stripped, mojibake repaired; ``None`` when missing (:data:`MISSING`).

    Examples
    --------
    >>> clean_text("  RÃ¼sch, 2014 "), clean_text("Rüsch"), clean_text(" NA "), clean_text(None)
    ('Rüsch, 2014', 'Rüsch', None, None)
    """
    if value is None or value.strip() in MISSING:
        return None
    return repair_mojibake(value.strip())


def cell(row: MetapsyRow, column: str) -> str | None:
    """The :func:`clean_text` of one of the row's cells, by column name.

    ``None`` when the file has no such column or the cell is empty.
    """
    return clean_text(row.raw.get(column))


def _row(cells: Mapping[str, str], *, line: int, index_column: str, source: str) -> MetapsyRow:
    number = parse_number(cells.get(index_column, ""))
    values: dict[str, Any] = {
        name: clean_text(cells.get(column, "")) for name, column in TEXT_FIELDS.items()
    }
    values.update(
        {name: parse_number(cells.get(column, "")) for name, column in NUMBER_FIELDS.items()}
    )
    row = int(number) if number is not None else line - 1
    return MetapsyRow(row=row, line=line, raw=dict(cells), **values)


def read_metapsy_text(
    text: str, *, source: str = "<text>", references: frozenset[str] | None = None
) -> MetapsyData:
    r"""Parse Metapsy CSV text (see :func:`read_metapsy`).

    Examples
    --------
    >>> text = '"";"study";".g"\n"1";"A, 2020";0,5\n"2";"B, 2021";NA\n'
    >>> data = read_metapsy_text(text)
    >>> data.rows[0].g, data.rows[1].g, data.studies
    (0.5, None, ('A, 2020', 'B, 2021'))

    """
    reader = csv.reader(io.StringIO(text), delimiter=";", quotechar='"')
    try:
        header = next(reader)
    except StopIteration:
        raise InputError("empty file, no header", source=source) from None
    header = [h.strip().lstrip("\ufeff") for h in header]
    for name in REQUIRED:
        if name not in header:
            raise InputError(f"no {name!r} column in the header", source=source, line=1)
    rows = []
    for line, cells in enumerate(reader, start=2):
        if not any(c.strip() for c in cells):
            continue
        if len(cells) != len(header):
            raise InputError(
                f"{len(cells)} cells but the header has {len(header)}", source=source, line=line
            )
        raw = dict(zip(header, cells, strict=True))
        rows.append(_row(raw, line=line, index_column=header[0], source=source))
    return MetapsyData(source, tuple(header), tuple(rows), references)


def read_metapsy(path: str | Path, *, encoding: str = "utf-8") -> MetapsyData:
    """Read a Metapsy CSV file, keeping every cell's raw text.

    Parameters
    ----------
    path
        The ``data.csv`` file. A sibling ``metadata/references.json`` (a JSON object keyed by
        study label), when present, is read into :attr:`MetapsyData.references`.
    encoding
        The file's encoding. Text that was already mis-decoded before it was written
        (mojibake) is repaired in the typed fields and kept as it is in ``raw``.

    Returns
    -------
    MetapsyData

    Raises
    ------
    InputError
        When the file has no header, lacks a ``study`` column or a line has the wrong
        number of cells.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding=encoding)
    except UnicodeDecodeError as exc:
        raise InputError(f"not {encoding} text ({exc.reason})", source=str(path)) from None
    references = None
    ref_path = path.parent / "metadata" / "references.json"
    if ref_path.is_file():
        loaded = parse_json(ref_path.read_text(encoding="utf-8"), str(ref_path))
        if isinstance(loaded, dict):
            references = frozenset(str(key) for key in loaded)
    return read_metapsy_text(text, source=str(path), references=references)
