"""Reading and writing the reviewers' sheets (XLSX or CSV) the way spreadsheets do.

Reading
-------
CSV files are read as Excel and LibreOffice save them: UTF-8 with or without a byte-order
mark, UTF-16 with one (Excel's "Unicode text", tab-separated), or Windows-1252 (cp1252,
Excel's "CSV" on Western Windows; read with a warning, since it cannot be told apart
from other 8-bit encodings for sure). The delimiter is the most frequent of ``,``, ``;``
and tab in the header line (Excel uses ``;`` where the decimal mark is a comma). A text
cell the tool wrote with a protective apostrophe (:mod:`sysreview.cells`) is read back
without it.

XLSX workbooks are checked before :mod:`openpyxl` opens them, so that a hostile or broken
file is refused at once with one line: not a zip archive; more than :data:`MAX_BYTES`
once uncompressed (the sizes a zip declares bound what :mod:`zipfile` will inflate); a
member inflating more than :data:`MAX_RATIO` times (a decompression bomb); a worksheet
with more than :data:`MAX_ROWS` rows (counted in the compressed stream, stopping at the
limit). XML entity tricks are refused by :mod:`defusedxml`, which openpyxl uses.

Writing
-------
Every text cell is safe to open: CSV cells starting with a formula character get a
protective apostrophe (:func:`sysreview.cells.neutralise`); XLSX text cells are written
as text (never formulas), those that would look like formulas with Excel's own
"quote prefix" mark, so the value is exactly the text. Numbers stay numbers.

Row numbers are those a spreadsheet shows (row 1 is the first row of the file).
"""

from __future__ import annotations

import codecs
import csv
import io
import os
import re
import warnings
import zipfile
import zlib
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sysreview.cells import needs_quote, neutralise, restore
from sysreview.errors import InputError
from sysreview.project.sheet_identity import IDENTITY_SHEET, MARKER, MARKER_NOTE, SheetIdentity

PathLike = str | os.PathLike[str]
Cell = str | int | float | bool | None
"""A cell as read: text from CSV; text, number or boolean from XLSX; ``None`` if empty."""

MAX_BYTES = 256 * 1024 * 1024
"""Largest CSV file, and largest XLSX content once uncompressed (256 MiB)."""
MAX_ROWS = 200_000
"""Most rows a sheet may have (a reviewer's share of a large review fits easily)."""
MAX_RATIO = 200
"""Largest compression ratio of an XLSX member over 1 MiB (real sheets stay under ~30)."""
MAX_MEMBERS = 10_000
"""Most files inside an XLSX archive."""
_ROW_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?row[\s/>]")


def is_excel(path: PathLike) -> bool:
    """Whether ``path`` names an Excel workbook (by extension)."""
    return Path(path).suffix.lower() in (".xlsx", ".xlsm")


@dataclass(frozen=True)
class Sheet:
    """One sheet as read: its rows (numbered as a spreadsheet shows), identity, warnings.

    ``header`` is the first row after the identity block (lower-cased, stripped) and
    ``rows`` the non-empty rows below it as ``(row number, {column: cell})``.
    """

    source: str
    name: str | None
    header: tuple[str, ...]
    header_row: int
    rows: tuple[tuple[int, dict[str, Cell]], ...]
    identity: SheetIdentity | None
    warnings: tuple[str, ...] = ()

    @property
    def where(self) -> str:
        """``"file.xlsx, sheet 'studies'"``, or the CSV file's name: for messages."""
        return self.source if self.name is None else f"{self.source}, sheet {self.name!r}"

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> str:
        """A located message: ``"file, sheet 'x', row 3, column 'y': message"``."""
        return str(InputError(message, source=self.where, line=row, column=column))


def text(cell: Cell) -> str:
    """A cell as stripped text (``""`` for an empty cell; ``5`` for the number 5.0)."""
    if cell is None:
        return ""
    if isinstance(cell, float) and cell.is_integer():
        return str(int(cell))
    return str(cell).strip()


def record_id(cell: Cell) -> int:
    """A record id: a whole number, as digits (``5``), never ``5.9``, ``1e3`` or ``inf``.

    Raises
    ------
    ValueError
        Saying what the cell holds instead.
    """
    if isinstance(cell, int) and not isinstance(cell, bool) and cell > 0:
        return cell
    if isinstance(cell, float) and cell.is_integer() and cell > 0:
        return int(cell)  # an XLSX number cell
    shown = text(cell) if not isinstance(cell, str) else cell.strip()
    if isinstance(cell, str) and shown.isascii() and shown.isdigit() and int(shown) > 0:
        return int(shown)
    raise ValueError(f"record id {shown!r} is not a whole number such as 12")


# ---- reading -----------------------------------------------------------------------------


def read_first_sheet(path: PathLike) -> Sheet:
    """The CSV file, or the XLSX workbook's first visible sheet (see the module docstring).

    Raises
    ------
    InputError
        For a missing, unreadable, oversized or malformed file, in one line.
    """
    if is_excel(path):
        return read_workbook(path, None)[0]
    return read_csv(path)


def read_csv(path: PathLike) -> Sheet:
    """A CSV file as one :class:`Sheet` (encoding and delimiter as Excel saves them)."""
    source = str(path)
    raw = _read_bytes(Path(path))
    content, notes = decode(raw, source)
    header_line = next((ln for ln in io.StringIO(content) if ln.strip() and ln[0] != "#"), "")
    counts = {d: header_line.count(d) for d in (",", ";", "\t")}
    delimiter = max(counts, key=lambda d: counts[d]) if any(counts.values()) else ","
    reader = csv.reader(io.StringIO(content, newline=""), delimiter=delimiter)
    try:
        table: list[list[Cell]] = [[restore(c) for c in row] for row in _limited(reader, source)]
    except csv.Error as exc:
        line = reader.line_num
        raise InputError(f"not a readable CSV file: {exc}", source=source, line=line) from None
    return _sheet(source, None, table, None, tuple(notes))


def decode(raw: bytes, source: str) -> tuple[str, list[str]]:
    """The text of a CSV file's bytes and any warning (cp1252)."""
    if raw.startswith(codecs.BOM_UTF8):
        encoding = "utf-8-sig"
    elif raw.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        encoding = "utf-16"
    elif b"\0" in raw[:4096]:  # no text file holds NULs, but UTF-16 text does
        raise InputError(
            "looks like UTF-16 text without a byte-order mark; save it as 'CSV UTF-8'",
            source=source,
        )
    else:
        encoding = "utf-8"
    try:
        return raw.decode(encoding), []
    except UnicodeDecodeError as exc:
        if encoding != "utf-8":
            raise InputError(f"not valid {encoding} text ({exc.reason})", source=source) from None
    try:
        content = raw.decode("cp1252")
    except UnicodeDecodeError:
        raise InputError(
            "neither UTF-8 nor Windows-1252 (cp1252) text; save it as 'CSV UTF-8'", source=source
        ) from None
    return content, [f"{source}: not UTF-8; read as Windows-1252 (cp1252): check accented "
                     "letters, or save it as 'CSV UTF-8'"]  # fmt: skip


def _read_bytes(path: Path) -> bytes:
    try:
        size = path.stat().st_size
        if size > MAX_BYTES:
            raise InputError(f"{size:,} bytes: larger than the {MAX_BYTES:,} a sheet may have",
                             source=str(path))  # fmt: skip
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read the file: {exc.strerror}", source=str(path)) from None


def _limited(rows: Iterator[Sequence[Any]], where: str) -> Iterator[Sequence[Any]]:
    for number, row in enumerate(rows, start=1):
        if number > MAX_ROWS:
            raise InputError(f"more than {MAX_ROWS:,} rows: not a sheet of this review",
                             source=where)  # fmt: skip
        yield row


def _sheet(
    source: str,
    name: str | None,
    table: list[list[Cell]],
    identity: SheetIdentity | None,
    notes: tuple[str, ...],
) -> Sheet:
    """Split a table into its identity block (CSV), header and non-empty rows."""
    start = 0
    if table and table[0] and text(table[0][0]) == MARKER:
        start = 1
        while start < len(table) and table[start] and text(table[start][0]).startswith("#"):
            start += 1
        pairs = [(text(r[0])[1:], text(r[1]) if len(r) > 1 else "") for r in table[1:start]]
        identity = SheetIdentity.from_pairs(pairs, source)
    while start < len(table) and not any(text(c) for c in table[start]):
        start += 1  # blank rows above the header
    if start >= len(table):
        raise InputError("empty sheet: no header row", source=_where(source, name))
    header = tuple(text(h).lower() for h in table[start])
    rows = []
    for number, row in enumerate(table[start + 1 :], start=start + 2):
        cells = {h: c for h, c in zip(header, row, strict=False) if h}
        if any(text(c) for c in cells.values()):
            rows.append((number, cells))
    return Sheet(source, name, header, start + 1, tuple(rows), identity, notes)


def _where(source: str, name: str | None) -> str:
    return source if name is None else f"{source}, sheet {name!r}"


def read_workbook(path: PathLike, names: Sequence[str] | None) -> list[Sheet]:
    """The sheets called ``names`` of an XLSX workbook (those present), with its identity.

    ``names=None`` reads the first visible sheet. Raises :class:`InputError` for a file
    that is missing, not a workbook, too large, a decompression bomb or malformed.
    """
    source = str(path)
    check_workbook(Path(path))
    from openpyxl import load_workbook

    try:
        with Path(path).open("rb") as handle, warnings.catch_warnings():
            warnings.simplefilter("ignore")  # openpyxl's notes on unsupported Excel features
            book = load_workbook(handle, read_only=True, data_only=True)
            try:
                return _sheets(book, source, names)
            finally:
                book.close()
    except InputError:
        raise
    except Exception as exc:  # openpyxl raises many kinds for a broken workbook
        first = str(exc).strip().splitlines()[:1] or [""]
        raise InputError(f"not a readable XLSX workbook ({type(exc).__name__}: {first[0]})",
                         source=source) from None  # fmt: skip


def _sheets(book: Any, source: str, names: Sequence[str] | None) -> list[Sheet]:
    identity = None
    if IDENTITY_SHEET in book.sheetnames:
        pairs = [(text(k), text(v)) for k, v, *_ in _values(book[IDENTITY_SHEET], source, 2)]
        identity = SheetIdentity.from_pairs(pairs, source)
    if names is None:
        visible = [ws.title for ws in book.worksheets
                   if ws.sheet_state == "visible" and ws.title != IDENTITY_SHEET]  # fmt: skip
        if not visible:
            raise InputError("the workbook has no visible sheet", source=source)
        names = visible[:1]
    return [
        _sheet(source, name, _values(book[name], source), identity, ())
        for name in names
        if name in book.sheetnames
    ]


def _values(sheet: Any, source: str, width: int | None = None) -> list[list[Cell]]:
    out: list[list[Cell]] = []
    for row in _limited(sheet.iter_rows(values_only=True), source):
        cells = [_plain(v) for v in (row if width is None else (*row, None, None)[:width])]
        out.append(cells)
    return out


def _plain(value: Any) -> Cell:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if value is None or isinstance(value, str | int | float | bool):
        return value
    return str(value)


def check_workbook(path: Path) -> None:
    """Refuse, quickly, a workbook that is not a zip, too big, a bomb or has too many rows."""
    source = str(path)
    try:
        archive = zipfile.ZipFile(path)
    except FileNotFoundError:
        raise InputError("no such file", source=source) from None
    except (zipfile.BadZipFile, OSError) as exc:
        raise InputError(f"not an XLSX workbook ({exc}); save it as .xlsx or CSV",
                         source=source) from None  # fmt: skip
    with archive:
        members = archive.infolist()
        if len(members) > MAX_MEMBERS:
            raise InputError(f"not a sheet: {len(members):,} files in the archive", source=source)
        total = sum(m.file_size for m in members)
        if total > MAX_BYTES:
            raise InputError(f"would expand to {total:,} bytes (at most {MAX_BYTES:,}): refused",
                             source=source)  # fmt: skip
        for m in members:
            if m.file_size > 2**20 and m.file_size > MAX_RATIO * max(m.compress_size, 1):
                raise InputError(
                    f"{m.filename} inflates {m.file_size // max(m.compress_size, 1):,} times "
                    "(a decompression bomb?): refused",
                    source=source,
                )
        for m in members:
            if m.filename.startswith("xl/worksheets/") and m.filename.endswith(".xml"):
                _count_rows(archive, m, source)


def _count_rows(archive: zipfile.ZipFile, member: zipfile.ZipInfo, source: str) -> None:
    """Count ``<row`` tags in the compressed stream, stopping past :data:`MAX_ROWS`."""
    rows, tail = 0, b""
    try:
        with archive.open(member) as stream:
            while chunk := stream.read(1 << 20):
                block = tail + chunk
                cut = max(len(block) - 64, 0)  # a tag starting after cut is counted next time
                rows += sum(1 for m in _ROW_TAG.finditer(block) if m.start() < cut)
                tail = block[cut:]
                if rows > MAX_ROWS:
                    break
            rows += len(_ROW_TAG.findall(tail))
    except (zipfile.BadZipFile, OSError, EOFError, zlib.error) as exc:
        raise InputError(f"not a readable XLSX workbook ({exc})", source=source) from None
    if rows > MAX_ROWS:
        raise InputError(f"{member.filename} has more than {MAX_ROWS:,} rows: refused",
                         source=source)  # fmt: skip


# ---- writing -----------------------------------------------------------------------------

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
    hidden sheet holding it (see :mod:`sysreview.project.sheet_identity`).
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


__all__ = [
    "MAX_BYTES",
    "MAX_RATIO",
    "MAX_ROWS",
    "Cell",
    "Sheet",
    "add_identity_sheet",
    "check_workbook",
    "decode",
    "is_excel",
    "read_csv",
    "read_first_sheet",
    "read_workbook",
    "record_id",
    "text",
    "write_csv_rows",
    "write_sheet",
    "xlsx_cell",
]
