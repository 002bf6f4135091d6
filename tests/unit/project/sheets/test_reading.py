"""Reading sheets as Excel and LibreOffice write them, refusing hostile or broken files
before openpyxl parses them, and writing text that never becomes a formula."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from sysreview.errors import InputError
from sysreview.project.sheets import reading as sheet_io
from sysreview.project.sheets.identity import SheetIdentity
from sysreview.project.sheets.reading import read_csv, read_first_sheet, read_workbook, record_id
from sysreview.project.sheets.writing import write_sheet

HEADER = ["record_id", "title", "decision"]
ROWS = [[1, "Café au lait — “quoted”", "include"], [2, "=SUM(A1:A2)", "exclude"]]
TEXT = "record_id,title,decision\n1,Café au lait — “quoted”,include\n2,'=SUM(A1:A2),exclude\n"


def cells(path: Path) -> list[list[object]]:
    sheet = read_first_sheet(path)
    return [[row[1].get(h) for h in sheet.header] for row in sheet.rows]


EXPECTED = [["1", "Café au lait — “quoted”", "include"], ["2", "=SUM(A1:A2)", "exclude"]]


def test_utf8_with_and_without_bom(tmp_path: Path) -> None:
    plain, bom = tmp_path / "plain.csv", tmp_path / "bom.csv"
    plain.write_text(TEXT, encoding="utf-8")
    bom.write_text(TEXT, encoding="utf-8-sig")
    assert cells(plain) == cells(bom) == EXPECTED
    assert read_csv(bom).warnings == () and read_csv(bom).header[0] == "record_id"


def test_utf16_unicode_text_as_excel_saves_it(tmp_path: Path) -> None:
    path = tmp_path / "unicode.csv"  # Excel's "Unicode text": UTF-16 LE, BOM, tab-separated
    path.write_bytes(TEXT.replace(",", "\t").replace("\n", "\r\n").encode("utf-16"))
    assert cells(path) == EXPECTED
    big = tmp_path / "be.csv"
    big.write_bytes(b"\xfe\xff" + TEXT.encode("utf-16-be"))
    assert cells(big) == EXPECTED


def test_cp1252_is_read_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "western.csv"  # Excel's "CSV (comma delimited)" on Western Windows
    path.write_bytes(TEXT.replace(";", ",").encode("cp1252"))
    assert cells(path) == EXPECTED
    (warning,) = read_csv(path).warnings
    assert "not UTF-8; read as Windows-1252 (cp1252)" in warning and str(path) in warning


def test_semicolons_where_the_decimal_mark_is_a_comma(tmp_path: Path) -> None:
    path = tmp_path / "de.csv"
    path.write_text("record_id;title;decision\n1;Gruppen, Peers;include\n", encoding="utf-8")
    assert cells(path) == [["1", "Gruppen, Peers", "include"]]


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"\x81\x8d\x8f\x90\x9d", "neither UTF-8 nor Windows-1252"),
        ("a,b\n".encode("utf-16-le"), "UTF-16 text without a byte-order mark"),
        (b"\xff\xfe" + b"\x00\xd8", "not valid utf-16 text"),
    ],
)
def test_undecodable_text_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "bad.csv"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_csv(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


def test_xlsx_text_cells_stay_text_and_numbers_numbers(tmp_path: Path) -> None:
    path = tmp_path / "s.xlsx"
    hostile = ['=HYPERLINK("http://evil","x")', "+1", "-2 mg", "@SUM(1)", "\tx", "#N/A"]
    write_sheet(path, ["value", "n"], [[h, -1.5] for h in hostile] + [["a\x0bb", 3]], title="t")
    ws = load_workbook(path).worksheets[0]
    got = [(c.value, c.data_type) for c in ws["A"][1:]]
    assert got == [(h, "s") for h in hostile] + [("a\ufffdb", "s")]  # never "f" nor "e"
    assert [c.quotePrefix for c in ws["A"][1:]] == [True] * 5 + [False, False]
    assert [c.value for c in ws["B"][1:]] == [-1.5] * 6 + [3]
    assert [r[1]["value"] for r in read_first_sheet(path).rows][:6] == hostile


def test_csv_text_is_neutralised_and_read_back_exactly(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    hostile = ["=1+1", "+1", "-2 mg", "@x", "\tx", "\rx", "'=x", "plain", "-"]
    write_sheet(path, ["value", "n"], [[h, -1] for h in hostile], title="t")
    lines = path.read_text(encoding="utf-8").splitlines()
    assert lines[1:5] == ["'=1+1,-1", "'+1,-1", "'-2 mg,-1", "'@x,-1"]  # -1: a number
    assert [r[1]["value"] for r in read_csv(path).rows] == hostile


def test_identity_rows_round_trip_in_both_formats(tmp_path: Path) -> None:
    identity = SheetIdentity("p-id", "=Evil title", "ta", "R1", "2026-01-02T03:04:05Z",
                             "0.1.0", {"decision_event": 7}, "s-id")  # fmt: skip
    for name in ("s.csv", "s.xlsx"):
        write_sheet(tmp_path / name, HEADER, ROWS, title="ta R1", identity=identity)
        sheet = read_first_sheet(tmp_path / name)
        assert sheet.identity == identity
        assert sheet.header == tuple(HEADER) and len(sheet.rows) == 2
    csv_sheet = read_first_sheet(tmp_path / "s.csv")
    assert csv_sheet.header_row == 11 and csv_sheet.rows[0][0] == 12  # as a spreadsheet shows


def test_damaged_identity_rows_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "s.csv"
    path.write_text("#sysreview sheet,x\n#format,1\n#stage,ta\nrecord_id\n1\n", encoding="utf-8")
    with pytest.raises(InputError, match="identity rows are damaged \\(no 'project'\\)"):
        read_csv(path)
    path.write_text("#sysreview sheet,x\n#format,9\n#project,p\n#stage,ta\n#exported_at,x\n"
                    "record_id\n", encoding="utf-8")  # fmt: skip
    with pytest.raises(InputError, match="sheet format '9' is newer"):
        read_csv(path)


@pytest.mark.parametrize("bad", ["5.9", "inf", "1e3", "-1", "0", "", "x", "٣", "1_000"])
def test_record_ids_are_digits_only(bad: str) -> None:
    with pytest.raises(ValueError, match="is not a whole number such as 12"):
        record_id(bad)


def test_record_ids_from_number_cells() -> None:
    assert [record_id(5), record_id(5.0), record_id(" 12 "), record_id("007")] == [5, 5, 12, 7]
    for bad in (5.9, float("inf"), True, 0, None):
        with pytest.raises(ValueError):
            record_id(bad)


# ---- hostile and broken workbooks -------------------------------------------------------


@pytest.fixture
def no_openpyxl(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fail if openpyxl is asked to parse: the cheap checks must refuse the file first."""

    def refuse(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl was asked to parse a file the checks must refuse")

    monkeypatch.setattr("openpyxl.load_workbook", refuse)


def _workbook(path: Path, sheet_xml: bytes | list[bytes], level: int = 9) -> Path:
    """A minimal XLSX whose first worksheet is ``sheet_xml`` (written by hand, in chunks)."""
    buffer = io.BytesIO()
    Workbook().save(buffer)
    chunks = [sheet_xml] if isinstance(sheet_xml, bytes) else sheet_xml
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=level) as out,
    ):
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item.filename, src.read(item))
                continue
            with out.open(item.filename, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return path


def test_a_zip_bomb_is_refused_before_parsing(tmp_path: Path, no_openpyxl: None) -> None:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    spaces = b" " * 2**20
    body = [head + b"<sheetData/>", *[spaces] * 300, b"</worksheet>"]  # 300 MiB of spaces
    path = _workbook(tmp_path / "bomb.xlsx", body, level=1)
    assert path.stat().st_size < 2 * 2**20  # a small file ...
    with pytest.raises(InputError) as info:
        read_workbook(path, None)  # ... that would expand past the limit
    assert "would expand to" in str(info.value) and "\n" not in str(info.value)


def test_a_highly_compressed_member_is_refused(tmp_path: Path, no_openpyxl: None) -> None:
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    body = head + b"<sheetData/>" + b" " * (20 * 2**20) + b"</worksheet>"  # 20 MiB, ~1000x
    path = _workbook(tmp_path / "ratio.xlsx", body)
    with pytest.raises(InputError, match=r"xl/worksheets/sheet1.xml inflates [\d,]+ times"):
        read_first_sheet(path)


def test_millions_of_rows_are_refused_without_reading_them(
    tmp_path: Path, no_openpyxl: None, monkeypatch: pytest.MonkeyPatch
) -> None:
    rows = "".join(f"<row><c><v>{i}</v></c></row>" for i in range(2_000_000)).encode()
    head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
    path = _workbook(
        tmp_path / "rows.xlsx", head + b"<sheetData>" + rows + b"</sheetData></worksheet>"
    )
    assert len(rows) < sheet_io.MAX_BYTES  # 57 MB: within the size limit; the rows are not
    read: list[int] = []
    original = zipfile.ZipExtFile.read

    def counting(self: zipfile.ZipExtFile, n: int = -1) -> bytes:
        data = original(self, n)
        read.append(len(data))
        return data

    monkeypatch.setattr(zipfile.ZipExtFile, "read", counting)
    with pytest.raises(InputError, match=r"xl/worksheets/sheet1\.xml has more than 200,000 rows"):
        read_workbook(path, None)
    assert sum(read) < len(rows) / 5  # stopped at the limit, far from the end


def test_too_many_csv_rows_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sheet_io, "MAX_ROWS", 10)
    path = tmp_path / "many.csv"
    path.write_text("record_id\n" + "1\n" * 20, encoding="utf-8")
    with pytest.raises(InputError, match="more than 10 rows"):
        read_csv(path)


def test_a_file_too_large_is_refused_unread(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(sheet_io, "MAX_BYTES", 100)
    path = tmp_path / "big.csv"
    path.write_text("record_id\n" + "1\n" * 100, encoding="utf-8")
    with pytest.raises(InputError, match="larger than the 100 a sheet may have"):
        read_csv(path)


def test_xml_entity_expansion_is_refused(tmp_path: Path) -> None:
    laughs = (b'<?xml version="1.0"?><!DOCTYPE lolz [<!ENTITY lol "lol">'
              b'<!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">]>'
              b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
              b'<sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>&lol2;</t></is></c></row>'
              b"</sheetData></worksheet>")  # fmt: skip
    path = _workbook(tmp_path / "laughs.xlsx", laughs)
    with pytest.raises(InputError, match="not a readable XLSX workbook") as info:
        read_first_sheet(path)
    assert "\n" not in str(info.value)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        (b"record_id,decision\n1,include\n", "not an XLSX workbook"),  # a CSV named .xlsx
        (b"PK\x03\x04 truncated", "not an XLSX workbook"),
    ],
)
def test_not_a_workbook_is_one_line(tmp_path: Path, content: bytes, message: str) -> None:
    path = tmp_path / "x.xlsx"
    path.write_bytes(content)
    with pytest.raises(InputError, match=message) as info:
        read_first_sheet(path)
    assert "\n" not in str(info.value)


def test_a_workbook_with_broken_xml_is_one_line(tmp_path: Path) -> None:
    path = _workbook(tmp_path / "broken.xlsx", b"<worksheet><sheetData><row>")
    with pytest.raises(InputError, match="not a readable XLSX workbook") as info:
        read_first_sheet(path)
    assert "\n" not in str(info.value)


def test_a_missing_file_is_one_line(tmp_path: Path) -> None:
    for name in ("none.xlsx", "none.csv"):
        with pytest.raises(InputError, match=r"no such file|cannot read the file"):
            read_first_sheet(tmp_path / name)
