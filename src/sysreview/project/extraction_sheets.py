"""Extraction templates as files: an XLSX workbook, or one CSV file per form part.

``OUT.xlsx`` holds a README sheet, one sheet per part (``studies``, ``arms``,
``outcomes``) with the field names in row 1 (each with its help text as a comment) and
drop-down lists for fields with choices, and a hidden ``lists`` sheet feeding the
drop-downs. ``OUT.csv`` means three files next to each other: ``OUT.studies.csv``,
``OUT.arms.csv`` and ``OUT.outcomes.csv`` (plus ``OUT.README.txt``); reading ``OUT.csv``
(or any one of the three) reads every part that exists.

Row numbers are those a spreadsheet shows: the header is row 1, data start at row 2.
"""

from __future__ import annotations

import csv
import os
from collections.abc import Mapping, Sequence
from pathlib import Path

from sysreview.errors import InputError
from sysreview.extraction.forms import PARTS, ExtractionForm, FieldType, FormPart
from sysreview.extraction.validate import MISSING, Cell, Row
from sysreview.project.sheet_io import is_excel

PathLike = str | os.PathLike[str]
Table = Sequence[Mapping[str, Cell]]
README_SHEET = "README"
LISTS_SHEET = "lists"


def readme_lines(form: ExtractionForm) -> list[str]:
    """The README: how to fill the template, then every field with its help text."""
    missing = ", ".join(repr(m) for m in sorted(MISSING) if m)
    return [
        "sysreview data extraction template",
        "",
        "One row per study (studies), per arm (arms) and per arm, measure and time (outcomes).",
        "Times are weeks after the END of the intervention: 0 = post-intervention.",
        "Give numbers as reported: mean/sd, or mean with se or ci_low/ci_high (converted to",
        "SD), or median with q1/q3 and/or minimum/maximum (converted to mean/SD and flagged),",
        "or mean_change/sd_change, or events (dichotomous); always with n.",
        "report = record id of the report the row comes from; location = page/table/figure.",
        f"Empty cells (or {missing}) mean 'not reported'.",
        "Load with: sysreview extract load FILE --reviewer R1",
        "",
        *form.summary().splitlines(),
    ]


def csv_parts(path: Path) -> dict[str, Path]:
    """The CSV file of each part for a template named ``path`` (``OUT.csv``)."""
    stem = path.name[: -len(path.suffix)] if path.suffix.lower() == ".csv" else path.name
    for part in PARTS:
        if stem.endswith(f".{part}"):
            stem = stem[: -len(part) - 1]
    return {part: path.with_name(f"{stem}.{part}.csv") for part in PARTS}


def _column_letter(index: int) -> str:
    from openpyxl.utils import get_column_letter

    return str(get_column_letter(index))


def _write_xlsx(form: ExtractionForm, path: Path, rows: Mapping[str, Table]) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    for line in readme_lines(form):
        readme.append([line])
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    for part in form.parts:
        sheet = book.create_sheet(part.name)
        sheet.append(list(part.names))
        for cell, spec in zip(sheet[1], part.fields, strict=True):
            cell.font = Font(bold=True)
            need = "required" if spec.required else "optional"
            cell.comment = Comment(f"{spec.help} ({spec.type.value}, {need})", "sysreview")
        sheet.freeze_panes = "A2"
        for row in rows.get(part.name, ()):
            sheet.append([_cell_out(row.get(name)) for name in part.names])
        for index, spec in enumerate(part.fields, start=1):
            choices = spec.choices or (("yes", "no") if spec.type is FieldType.BOOLEAN else ())
            if not choices:
                continue
            list_column += 1
            letter = _column_letter(list_column)
            for i, choice in enumerate(choices, start=1):
                lists[f"{letter}{i}"] = choice
            rule = DataValidation(
                type="list",
                formula1=f"{LISTS_SHEET}!${letter}$1:${letter}${len(choices)}",
                allow_blank=not spec.required,
                showErrorMessage=True,
                error=f"{spec.name}: choose from the list",
            )
            sheet.add_data_validation(rule)
            column = _column_letter(index)
            rule.add(f"{column}2:{column}5000")
    book.move_sheet(LISTS_SHEET, offset=len(form.parts))
    book.save(path)
    book.close()


def _cell_out(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_template(form: ExtractionForm, path: PathLike, rows: Mapping[str, Table]) -> Path:
    """Write a template (``.xlsx`` workbook or ``.csv`` files), pre-filled with ``rows``.

    Returns the workbook's path, or the studies file's path for CSV.
    """
    out = Path(path)
    if is_excel(out):
        _write_xlsx(form, out, rows)
        return out
    if out.suffix.lower() != ".csv":
        raise InputError(f"{out}: a template must be .xlsx or .csv")
    files = csv_parts(out)
    for part in form.parts:
        with files[part.name].open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(part.names)
            for row in rows.get(part.name, ()):
                writer.writerow(["" if (v := _cell_out(row.get(n))) is None else v
                                 for n in part.names])  # fmt: skip
    readme = files["studies"].with_name(
        files["studies"].name.replace(".studies.csv", ".README.txt")
    )
    readme.write_text("\n".join(readme_lines(form)) + "\n", encoding="utf-8")
    return files["studies"]


def _to_rows(part: FormPart, values: list[list[Cell]], source: str) -> list[Row]:
    if not values:
        return []
    header = [str(h).strip().lower() if h is not None else "" for h in values[0]]
    unknown = [h for h in header if h and h not in part.names]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r} in sheet {part.name}; the columns are "
            f"{', '.join(part.names)}",
            source=source,
            line=1,
        )
    for field in part.fields:
        if field.required and field.name not in header:
            raise InputError(f"sheet {part.name} lacks column {field.name!r}", source=source)
    out: list[Row] = []
    for number, row in enumerate(values[1:], start=2):
        cells = {h: v for h, v in zip(header, row, strict=False) if h}
        if any(v is not None and str(v).strip() for v in cells.values()):
            out.append((number, cells))
    return out


def read_template(form: ExtractionForm, path: PathLike) -> dict[str, list[Row]]:
    """The rows of each part found in a filled template (XLSX, or the CSV files).

    Raises
    ------
    InputError
        When the file is missing, has none of the parts, or a sheet has unknown columns.
    """
    source = Path(path)
    found: dict[str, tuple[list[list[Cell]], str]] = {}
    if is_excel(source):
        from openpyxl import load_workbook

        if not source.is_file():
            raise InputError(f"{source}: no such file")
        book = load_workbook(source, read_only=True, data_only=True)
        try:  # read-only workbooks keep the file open until closed
            for part in PARTS:
                if part in book.sheetnames:
                    values = [list(r) for r in book[part].iter_rows(values_only=True)]
                    found[part] = (values, str(source))
        finally:
            book.close()
    else:
        for part, file in csv_parts(source).items():
            if file.is_file():
                with file.open(newline="", encoding="utf-8-sig") as handle:
                    found[part] = ([list(r) for r in csv.reader(handle)], str(file))
    if not found:
        raise InputError(
            f"{source}: no extraction sheets found (expected {', '.join(PARTS)}); "
            "write a template with 'sysreview extract template'"
        )
    return {part: _to_rows(form.part(part), *found[part]) for part in found}


__all__ = ["csv_parts", "read_template", "readme_lines", "write_template"]
