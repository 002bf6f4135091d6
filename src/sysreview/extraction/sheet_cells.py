"""A filled-in extraction sheet's cells: typed by the form's fields, problems collected.

Each row is read through :class:`RowCells`, which gives its cells as the form's types
(text, choice, yes/no, number, whole number within limits) and records a
:class:`Problem` naming the sheet, row and column for each cell that is not, instead of
stopping at the first. :func:`~sysreview.extraction.validate.validate_rows` checks the
rows built from them against each other.

Pure: cells in, values out; no files, no database.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from sysreview.errors import InputError
from sysreview.extraction.dataset import Scalar
from sysreview.extraction.forms import FieldSpec, FieldType, FormPart, Target

Cell = str | int | float | bool | None
Row = tuple[int, Mapping[str, Cell]]
"""A sheet row: its number (as the user sees it) and its cells by column name."""

MISSING = frozenset({"", "na", "n/a", "nr", "-", "."})
"""Cell texts read as "not reported" (case-insensitive)."""
_TRUE = frozenset({"yes", "y", "true", "1"})
_FALSE = frozenset({"no", "n", "false", "0"})


@dataclass(frozen=True)
class Problem:
    """One problem, located by sheet, row and column."""

    sheet: str
    row: int
    column: str | None
    message: str

    def __str__(self) -> str:
        where = f"sheet {self.sheet}, row {self.row}"
        if self.column is not None:
            where += f", column {self.column!r}"
        return f"{where}: {self.message}"


class ExtractionInputError(InputError):
    """Extraction rows that cannot be stored; ``problems`` lists every one of them."""

    def __init__(self, problems: Sequence[Problem], source: str | None = None) -> None:
        self.problems = tuple(problems)
        prefix = f"{source}, " if source else ""
        super().__init__("\n".join(prefix + str(p) for p in self.problems))


class RowCells:
    """Typed access to one row's cells, collecting problems instead of raising."""

    def __init__(self, part: FormPart, number: int, cells: Mapping[str, Cell]) -> None:
        self.part, self.row, self.cells = part, number, cells
        self.problems: list[Problem] = []

    def problem(self, column: str | None, message: str) -> None:
        """Record a problem with ``column`` of this row (``None``: the whole row)."""
        self.problems.append(Problem(self.part.name, self.row, column, message))

    def get(self, name: str) -> Scalar | None:
        """The cell as its field's type; ``None`` when empty or wrong (a problem recorded)."""
        spec = self.part.field(name)
        raw = self.cells.get(name)
        if raw is None or (isinstance(raw, str) and raw.strip().casefold() in MISSING):
            if spec.required:
                self.problem(name, "is required")
            return None
        try:
            return _typed(spec, raw)
        except ValueError as exc:
            self.problem(name, str(exc))
            return None

    def text(self, name: str) -> str | None:
        """The cell as text (``None`` when empty or wrong)."""
        value = self.get(name)
        return None if value is None else str(value)

    def number(self, name: str) -> float | None:
        """The cell as a number (``None`` when empty, wrong or not numeric)."""
        value = self.get(name)
        return None if value is None or isinstance(value, str) else float(value)


def _typed(spec: FieldSpec, raw: Cell) -> Scalar:
    """``raw`` as the field's type, or ``ValueError`` saying why not."""
    if spec.type in (FieldType.TEXT, FieldType.CHOICE):
        value = str(raw).strip()
        if spec.choices and value not in spec.choices:
            raise ValueError(f"{value!r} must be one of {', '.join(spec.choices)}")
        return value
    if spec.type is FieldType.BOOLEAN:
        word = str(raw).strip().casefold()
        if isinstance(raw, bool) or word in _TRUE | _FALSE:
            return raw if isinstance(raw, bool) else word in _TRUE
        raise ValueError(f"{raw!r} must be yes or no")
    if raw is None or isinstance(raw, bool):
        raise ValueError(f"{raw!r} is not a number")
    try:
        number = float(raw.strip()) if isinstance(raw, str) else float(raw)
    except ValueError:
        raise ValueError(f"{raw!r} is not a number") from None
    if not math.isfinite(number):
        raise ValueError(f"{raw!r} is not a finite number")
    if spec.type is FieldType.INTEGER and not number.is_integer():
        raise ValueError(f"{raw!r} is not a whole number")
    if spec.minimum is not None and number < spec.minimum:
        raise ValueError(f"{raw!r} must be at least {spec.minimum:g}")
    if spec.maximum is not None and number > spec.maximum:
        raise ValueError(f"{raw!r} must be at most {spec.maximum:g}")
    return int(number) if spec.type is FieldType.INTEGER else number


def provenance(cells: RowCells) -> tuple[int | None, str | None]:
    """The row's ``report`` (a record id) and ``location`` in it."""
    report = cells.get("report")
    return (None if report is None else int(report)), cells.text("location")


def row_values(cells: RowCells, skip: tuple[str, ...]) -> dict[str, Scalar]:
    """The row's non-empty values by field, leaving out ``skip``, keys and provenance."""
    out: dict[str, Scalar] = {}
    for spec in cells.part.fields:
        if spec.name in skip or spec.target in (Target.KEY, Target.PROVENANCE):
            continue
        value = cells.get(spec.name)
        if value is not None:
            out[spec.name] = value
    return out


def is_duplicate(
    seen: dict[tuple[object, ...], int], key: tuple[object, ...], cells: RowCells
) -> bool:
    """Whether ``key`` was in an earlier row (a problem recorded); else remember this row."""
    if key in seen:
        cells.problem(
            None, f"duplicate row: {' / '.join(map(str, key))} is also in row {seen[key]}"
        )
        return True
    seen[key] = cells.row
    return False


__all__ = [
    "MISSING",
    "Cell",
    "ExtractionInputError",
    "Problem",
    "Row",
    "RowCells",
    "is_duplicate",
    "provenance",
    "row_values",
]
