"""Writing the reviewers' sheets (XLSX or CSV) so that every cell is safe to open.

Every text cell is safe to open: CSV cells starting with a formula character get a
protective apostrophe (:func:`sysreview.cells.neutralise`); XLSX text cells are written
as text (never formulas), those that would look like formulas with Excel's own
"quote prefix" mark, so the value is exactly the text. Numbers stay numbers.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from sysreview.cells import needs_quote, neutralise
from sysreview.project.sheets.identity import IDENTITY_SHEET, MARKER, MARKER_NOTE, SheetIdentity
from sysreview.project.sheets.reading import PathLike, is_excel

__all__ = ["add_identity_sheet", "write_csv_rows", "write_sheet", "xlsx_cell"]

_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def xlsx_cell(sheet: Any, value: Any) -> Any:
    """An openpyxl cell for ``value``: text as text (never a formula), numbers as numbers.

    Control characters XML cannot hold are replaced by U+FFFD; text is cut at Excel's
    32,767 characters a cell.
    """
    from openpyxl.cell import Cell as XCell

    if isinstance(value, str):
        clean = _ILLEGAL.sub("\ufffd", value)
        cell = XCell(sheet, row=1, column=1, value=clean)  # placed by append()
        cell.data_type = "s"  # openpyxl makes '=...' a formula and '#N/A' an error: text
        if needs_quote(clean):
            cell.quotePrefix = True  # Excel keeps it text when the cell is edited
        return cell
    return XCell(sheet, row=1, column=1, value=value)


def write_sheet(
    path: PathLike,
    header: Sequence[str],
    rows: Sequence[Sequence[Any]],
    *,
    title: str,
    identity: SheetIdentity | None = None,
) -> None:
    """Write a header and rows as CSV, or as an XLSX sheet called ``title`` (by extension).

    With ``identity``, a CSV file starts with the identity block and a workbook gets a
    hidden sheet holding it (see :mod:`sysreview.project.sheets.identity`).
    """
    if is_excel(path):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(_sheet_title(title))
        sheet.append([xlsx_cell(sheet, h) for h in header])
        for row in rows:
            sheet.append([xlsx_cell(sheet, v) for v in row])
        if identity is not None:
            add_identity_sheet(book, identity)
        book.save(path)
        return
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        write_csv_rows(handle, header, rows, identity)


def write_csv_rows(
    handle: Any, header: Sequence[str], rows: Sequence[Sequence[Any]],
    identity: SheetIdentity | None = None,
) -> None:  # fmt: skip
    """The identity block (if any), the header and the rows, every text cell made safe."""
    writer = csv.writer(handle)
    if identity is not None:
        writer.writerow([MARKER, MARKER_NOTE])
        writer.writerows([f"#{k}", neutralise(v)] for k, v in identity.to_pairs())
    writer.writerow([neutralise(h) for h in header])
    writer.writerows([neutralise(v) for v in row] for row in rows)


def add_identity_sheet(book: Any, identity: SheetIdentity) -> None:
    """Add the hidden identity sheet (``key, value`` rows) to an openpyxl workbook."""
    sheet = book.create_sheet(IDENTITY_SHEET)
    sheet.sheet_state = "hidden"
    for key, value in identity.to_pairs():
        sheet.append([xlsx_cell(sheet, key), xlsx_cell(sheet, value)])


def _sheet_title(title: str) -> str:
    r"""A valid Excel sheet name: 31 characters, none of ``[]:*?/\``."""
    return re.sub(r"[\[\]:*?/\\]", " ", title)[:31].strip() or "sheet"
