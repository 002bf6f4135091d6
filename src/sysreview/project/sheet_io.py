"""Reading and recognising the spreadsheets reviewers fill in: XLSX or CSV."""

from __future__ import annotations

import csv
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

PathLike = str | os.PathLike[str]


def is_excel(path: PathLike) -> bool:
    """Whether ``path`` names an Excel workbook (by extension)."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


def read_first_sheet(path: PathLike) -> list[list[str]]:
    """Every row of a CSV file, or of an XLSX file's first sheet, as text (empty for none).

    Raises
    ------
    OSError
        When the file cannot be read.
    """
    if is_excel(path):
        from openpyxl import load_workbook

        book = load_workbook(path, read_only=True, data_only=True)
        try:  # read-only workbooks keep the file open until closed
            return [
                ["" if v is None else str(v) for v in row]
                for row in book.worksheets[0].iter_rows(values_only=True)
            ]
        finally:
            book.close()
    with Path(path).open(newline="", encoding="utf-8-sig") as handle:
        return list(csv.reader(handle))


def write_sheet(
    path: PathLike, header: Sequence[str], rows: Sequence[Sequence[Any]], *, title: str
) -> None:
    """Write a header and rows as CSV, or as an XLSX sheet called ``title`` (by extension)."""
    if is_excel(path):
        from openpyxl import Workbook

        book = Workbook(write_only=True)
        sheet = book.create_sheet(title[:31] or "sheet")  # Excel's limit on sheet names
        sheet.append(list(header))
        for row in rows:
            sheet.append(list(row))
        book.save(path)
        return
    with Path(path).open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


__all__ = ["is_excel", "read_first_sheet", "write_sheet"]
