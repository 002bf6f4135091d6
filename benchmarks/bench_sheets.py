"""Benchmark: how fast ``sysreview screen import`` refuses hostile workbooks, against
reading an honest one.

In one temporary folder, a project with ``--records`` records (RIS, imported) and three
workbooks:

* ``honest.xlsx``: ``sysreview screen export`` of every record for R1, every row then
  decided in openpyxl (the baseline: what a reviewer's import costs);
* ``bomb.xlsx``: a worksheet of 300 MiB of spaces in a zip of ~0.3 MiB;
* ``rows.xlsx``: a worksheet of 2,000,000 rows (57 MB of XML, no ``dimension`` element).

Each is imported ``--repeats`` times through the service ``sysreview screen import`` calls
(:func:`sysreview.project.selection.service.screen_import`: opening the project, reading and
checking the sheet, storing; the honest one stores its decisions once, then is
``unchanged``), in this process after one untimed run; the median wall times and the ratios
to the honest import are printed, then one whole ``sysreview screen import`` process per
file (startup included) for scale.

Run with ``nice -n 10 .venv/bin/python benchmarks/bench_sheets.py``.
"""

from __future__ import annotations

import argparse
import io
import statistics
import subprocess
import sys
import tempfile
import time
import zipfile
from pathlib import Path

from openpyxl import Workbook, load_workbook

SYSREVIEW = Path(sys.executable).with_name("sysreview")


def _workbook(path: Path, chunks: list[bytes]) -> Path:
    buffer = io.BytesIO()
    Workbook().save(buffer)
    with (
        zipfile.ZipFile(io.BytesIO(buffer.getvalue())) as src,
        zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as out,
    ):
        for item in src.infolist():
            if item.filename != "xl/worksheets/sheet1.xml":
                out.writestr(item.filename, src.read(item))
                continue
            with out.open(item.filename, "w", force_zip64=True) as stream:
                for chunk in chunks:
                    stream.write(chunk)
    return path


def _run(*args: str) -> tuple[float, int, str]:
    start = time.perf_counter()
    done = subprocess.run([str(SYSREVIEW), *args], capture_output=True, text=True, check=False)
    return time.perf_counter() - start, done.returncode, (done.stdout + done.stderr).strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--repeats", type=int, default=5)
    options = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        project = folder / "p"
        subprocess.run([str(SYSREVIEW), "init", str(project), "--template",
                        "group-peer-support"], check=True, capture_output=True)  # fmt: skip
        ris = "".join(f"TY  - JOUR\nTI  - Trial {i} of peer support groups\nAB  - Abstract "
                      f"{i} " + "words " * 150 + "\nPY  - 2020\nER  -\n"
                      for i in range(options.records))  # fmt: skip
        (project / "s.ris").write_text(ris, encoding="utf-8")
        _run("import", str(project / "s.ris"), "--source", "MEDLINE", "-p", str(project))
        honest = folder / "honest.xlsx"
        _run("screen", "export", str(honest), "--reviewer", "R1", "-p", str(project))
        book = load_workbook(honest)
        for row in book.worksheets[0].iter_rows(min_row=2):
            row[6].value = "include" if row[0].value % 7 == 0 else "exclude"
        book.save(honest)
        head = b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        spaces = [b" " * 2**20] * 300
        bomb = _workbook(folder / "bomb.xlsx", [head, b"<sheetData/>", *spaces, b"</worksheet>"])
        rows = "".join(f"<row><c><v>{i}</v></c></row>" for i in range(2_000_000)).encode()
        many = _workbook(folder / "rows.xlsx", [head, b"<sheetData>", rows, b"</sheetData>",
                                                b"</worksheet>"])  # fmt: skip
        print(f"honest.xlsx {honest.stat().st_size / 2**20:.1f} MiB ({options.records} rows), "
              f"bomb.xlsx {bomb.stat().st_size / 2**20:.2f} MiB, "
              f"rows.xlsx {many.stat().st_size / 2**20:.1f} MiB")  # fmt: skip
        from sysreview.errors import SysreviewError
        from sysreview.project.selection.directory import screen_import

        files = {"honest": honest, "bomb": bomb, "rows": many}
        times: dict[str, list[float]] = {name: [] for name in files}
        for repeat in range(options.repeats + 1):
            for name, path in files.items():
                start = time.perf_counter()
                try:
                    said = screen_import(project, path, stage="ta", reviewer="R1").summary()
                except SysreviewError as exc:
                    said = f"refused: {exc}"
                if repeat:
                    times[name].append(time.perf_counter() - start)
                else:
                    print(f"  {name}: {said.splitlines()[-1][:110]}")
        base = statistics.median(times["honest"])
        for name, values in times.items():
            median = statistics.median(values)
            print(f"{name:>7}: median {median * 1000:9.1f} ms  ({median / base:.4f}x the honest "
                  "import)")  # fmt: skip
        for name, path in files.items():
            seconds, code, _ = _run("screen", "import", str(path), "--reviewer", "R1", "-p",
                                    str(project))  # fmt: skip
            print(f"{name:>7}: whole process {seconds:.2f} s, exit {code}")


if __name__ == "__main__":
    main()
