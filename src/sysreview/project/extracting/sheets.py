"""Extraction templates as files: an XLSX workbook, or one CSV file per form part.

``OUT.xlsx`` holds a README sheet, one sheet per part (``studies``, ``arms``,
``outcomes``) with the field names in row 1 (each with its help text as a comment) and
drop-down lists for fields with choices, a hidden ``lists`` sheet feeding the
drop-downs and a hidden ``sysreview`` sheet with the template's identity
(:mod:`sysreview.project.sheets.identity`). ``OUT.csv`` means three files next to each
other: ``OUT.studies.csv``, ``OUT.arms.csv`` and ``OUT.outcomes.csv`` (plus
``OUT.README.txt``), each starting with the identity rows; reading ``OUT.csv`` (or any
one of the three) reads every part that exists.

Files are written and read as :mod:`sysreview.project.sheets.reading` does: text cells are
safe to open (never formulas), CSV files may come back in any encoding Excel saves.
Row numbers are those a spreadsheet shows.
"""

from __future__ import annotations

import os
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from sysreview.errors import InputError
from sysreview.extraction.forms import PARTS, ExtractionForm, FieldType, FormPart
from sysreview.extraction.validate import MISSING, Cell, Row
from sysreview.project.sheets.identity import SheetIdentity
from sysreview.project.sheets.reading import Sheet, is_excel, read_csv, read_workbook
from sysreview.project.sheets.writing import add_identity_sheet, write_csv_rows, xlsx_cell

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
        "or mean_change/sd_change, or events (dichotomous); always with n. Two arms with",
        "means and n but no SD: t (or the two-sided p) of their difference on either arm's",
        "row gives both the same SD (Cochrane Handbook 6.5.2.3, flagged).",
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


def _write_xlsx(
    form: ExtractionForm, path: Path, rows: Mapping[str, Table], identity: SheetIdentity
) -> None:
    from openpyxl import Workbook
    from openpyxl.comments import Comment
    from openpyxl.styles import Font
    from openpyxl.worksheet.datavalidation import DataValidation

    book = Workbook()
    readme = book.active
    assert readme is not None
    readme.title = README_SHEET
    for line in readme_lines(form):
        readme.append([xlsx_cell(readme, line)])
    lists = book.create_sheet(LISTS_SHEET)
    lists.sheet_state = "hidden"
    list_column = 0
    for part in form.parts:
        sheet = book.create_sheet(part.name)
        sheet.append([xlsx_cell(sheet, name) for name in part.names])
        for cell, spec in zip(sheet[1], part.fields, strict=True):
            cell.font = Font(bold=True)
            need = "required" if spec.required else "optional"
            cell.comment = Comment(f"{spec.help} ({spec.type.value}, {need})", "sysreview")
        sheet.freeze_panes = "A2"
        for row in rows.get(part.name, ()):
            sheet.append([xlsx_cell(sheet, _cell_out(row.get(name))) for name in part.names])
        for index, spec in enumerate(part.fields, start=1):
            choices = spec.choices or (("yes", "no") if spec.type is FieldType.BOOLEAN else ())
            if not choices:
                continue
            list_column += 1
            letter = _column_letter(list_column)
            for i, choice in enumerate(choices, start=1):
                cell = lists.cell(row=i, column=list_column, value=choice)
                cell.data_type = "s"  # a choice is text, whatever it starts with
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
    add_identity_sheet(book, identity)
    book.save(path)
    book.close()


def _cell_out(value: Cell) -> Cell:
    if isinstance(value, bool):
        return "yes" if value else "no"
    return value


def write_template(
    form: ExtractionForm, path: PathLike, rows: Mapping[str, Table], identity: SheetIdentity
) -> Path:
    """Write a template (``.xlsx`` workbook or ``.csv`` files), pre-filled with ``rows``.

    Returns the workbook's path, or the studies file's path for CSV.
    """
    out = Path(path)
    if is_excel(out):
        _write_xlsx(form, out, rows, identity)
        return out
    if out.suffix.lower() != ".csv":
        raise InputError(f"{out}: a template must be .xlsx or .csv")
    files = csv_parts(out)
    for part in form.parts:
        body = [["" if (v := _cell_out(row.get(n))) is None else v for n in part.names]
                for row in rows.get(part.name, ())]  # fmt: skip
        with files[part.name].open("w", newline="", encoding="utf-8") as handle:
            write_csv_rows(handle, part.names, body, identity)
    readme = files["studies"].with_name(
        files["studies"].name.replace(".studies.csv", ".README.txt")
    )
    readme.write_text("\n".join(readme_lines(form)) + "\n", encoding="utf-8")
    return files["studies"]


def _to_rows(part: FormPart, sheet: Sheet) -> list[Row]:
    unknown = [h for h in sheet.header if h and h not in part.names]
    if unknown:
        raise InputError(
            f"unknown column {unknown[0]!r} in sheet {part.name}; the columns are "
            f"{', '.join(part.names)}",
            source=sheet.where,
            line=sheet.header_row,
        )
    for field in part.fields:
        if field.required and field.name not in sheet.header:
            raise InputError(f"sheet {part.name} lacks column {field.name!r}", source=sheet.where)
    return [(number, dict(cells)) for number, cells in sheet.rows]


@dataclass(frozen=True)
class FilledTemplate:
    """A filled template as read: rows per part, the identity, where each part came from."""

    rows: Mapping[str, list[Row]]
    identity: SheetIdentity | None
    where: Mapping[str, str]
    warnings: tuple[str, ...]


def read_template(form: ExtractionForm, path: PathLike) -> FilledTemplate:
    """The rows of each part found in a filled template (XLSX, or the CSV files).

    Raises
    ------
    InputError
        When the file is missing, has none of the parts, a sheet has unknown columns, or
        the CSV files come from different exports.
    """
    source = Path(path)
    if is_excel(source):
        sheets = {s.name or "": s for s in read_workbook(source, PARTS)}
    else:
        sheets = {part: read_csv(file) for part, file in csv_parts(source).items()
                  if file.is_file()}  # fmt: skip
    if not sheets:
        raise InputError(
            f"{source}: no extraction sheets found (expected {', '.join(PARTS)}); "
            "write a template with 'sysreview extract template'"
        )
    exports = {(s.identity.sheet if s.identity else None) for s in sheets.values()}
    if len(exports) > 1:
        listed = "; ".join(f"{s.where}: {s.identity.describe() if s.identity else 'no identity'}"
                           for s in sheets.values())  # fmt: skip
        raise InputError(f"{source}: the parts come from different exports ({listed}); "
                         "load files of one export together")  # fmt: skip
    first = next(iter(sheets.values()))
    warnings = tuple(w for s in sheets.values() for w in s.warnings)
    return FilledTemplate(
        {part: _to_rows(form.part(part), sheet) for part, sheet in sheets.items()},
        first.identity,
        {part: sheet.where for part, sheet in sheets.items()},
        warnings,
    )


__all__ = ["FilledTemplate", "csv_parts", "read_template", "readme_lines", "write_template"]
