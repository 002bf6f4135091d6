"""Importing one large RIS export through ``sysreview import``: wall time and peak memory.

Usage::

    .venv/bin/python benchmarks/bench_import.py                  # ~200 MB, ~77,000 records
    .venv/bin/python benchmarks/bench_import.py --mb 20           # a smaller run
    .venv/bin/python benchmarks/bench_import.py --db postgresql://...   # another database

The file is built from the real RIS exports in ``../shared/fixtures/exports/`` (Lens,
Lens via Zotero, Embase, Ovid PsycInfo, Ovid via Zotero, ProQuest, PubMed via Zotero and
EndNote, Scopus, Rayyan, Web of Science; ``scopus.ris`` is left out, its cited-reference
lists make its records ten times the usual size): their records are repeated in turn,
each copy with its title, identifiers and DOI made distinct (``… [copy 17]``, ``ID-17``,
``10.x/…-c17``), until the file reaches ``--mb`` megabytes. A fresh project is created
with ``sysreview init`` and the file imported with ``sysreview import`` run under
``/usr/bin/time -v``, exactly as a user runs it; the script prints the wall time and the
peak resident memory next to the numbers measured before streaming (issue 15: 154 s and
1.65 GB for 200 MB / about 77,000 records), and checks the record count in the database.
See IMPORT.md for the latest numbers.
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXPORTS = ROOT.parent / "shared" / "fixtures" / "exports"
SOURCES = (
    "_baseline.ris",
    "baseline_zotero.ris",
    "embase.ris",
    "ovid_psycinfo.ris",
    "ovid_zotero.ris",
    "proquest.ris",
    "pubmed_zotero.ris",
    "pubmed_endnote.txt",
    "ris_issue_1099.txt",
    "ris_issue_992.txt",
    "web_of_science.txt",
)
#: Measured before streaming (issue 15): 200 MB, ~77,000 records.
OLD_SECONDS, OLD_PEAK_GB = 154.0, 1.65

_TAG = re.compile(r"^([A-Za-z][A-Za-z0-9])  - ?(.*)$")
_ID_TAGS = frozenset({"ID", "AN", "U2", "PM"})


def real_records() -> list[list[str]]:
    """The records of the real RIS exports, each as its lines (``TY`` .. ``ER``)."""
    records: list[list[str]] = []
    for name in SOURCES:
        text = (EXPORTS / name).read_text(encoding="utf-8-sig").replace("\r\n", "\n")
        current: list[str] | None = None
        for line in text.split("\n"):
            if line.startswith("TY  -"):
                current = [line]
            elif current is not None:
                current.append(line)
                if line.startswith("ER  -"):
                    records.append(current)
                    current = None
    return records


def varied(record: list[str], copy: int) -> Iterator[str]:
    """One copy of a record, its title, identifiers and DOI made distinct."""
    for line in record:
        match = _TAG.match(line)
        if match is None:
            yield line
            continue
        tag, value = match.groups()
        if tag in ("TI", "T1") and copy:
            yield f"{tag}  - {value} [copy {copy}]"
        elif tag in _ID_TAGS and copy:
            yield f"{tag}  - {value}-{copy}" if tag != "PM" else f"{tag}  - {copy}"
        elif tag in ("DO", "DI") and copy:
            yield f"{tag}  - {value}-c{copy}"
        else:
            yield line


def build(path: Path, megabytes: float) -> tuple[int, int]:
    """Write the benchmark file; return ``(records, bytes)``."""
    records = real_records()
    target = int(megabytes * 1_000_000)
    written = count = 0
    with path.open("w", encoding="utf-8", newline="\n") as out:
        while written < target:
            record = records[count % len(records)]
            text = "\n".join(varied(record, count // len(records))) + "\n\n"
            out.write(text)
            written += len(text.encode("utf-8"))
            count += 1
    return count, path.stat().st_size


def timed_import(
    sysreview: Path, project: Path, data: Path, db: str | None
) -> tuple[float, float, str]:
    """Run ``sysreview import`` under ``/usr/bin/time -v``; wall seconds, peak GB, output."""
    command = [str(sysreview), "import", str(data), "--source", "Bench", "-p", str(project)]
    if db:
        command += ["--db", db]
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        sys.exit(f"sysreview import failed ({done.returncode}):\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    assert wall is not None and rss is not None, done.stderr
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return seconds, int(rss.group(1)) / 1024**2, done.stdout.strip()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the RIS file (MB)")
    parser.add_argument("--db", help="database URL (default: SQLite in the project folder)")
    parser.add_argument("--keep", type=Path, help="keep the built file here")
    args = parser.parse_args()
    if not EXPORTS.is_dir():
        sys.exit(f"{EXPORTS} is missing (../shared/ holds the real exports)")
    sysreview = Path(sys.executable).parent / "sysreview"
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        data = Path(tmp) / "big.ris"
        start = time.perf_counter()
        records, size = build(data, args.mb)
        print(f"built {data.name}: {size / 1e6:.1f} MB, {records} records "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        project = Path(tmp) / "project"
        init = [str(sysreview), "init", str(project)] + (["--db", args.db] if args.db else [])
        subprocess.run(init, check=True, capture_output=True)
        seconds, peak_gb, output = timed_import(sysreview, project, data, args.db)
        print(output)
        if not args.db:
            with sqlite3.connect(project / "review.db") as conn:
                stored = conn.execute("SELECT count(*) FROM record").fetchone()[0]
            print(f"records stored: {stored} (expected {records})")
            if stored != records:
                sys.exit("record count differs")
        scale = size / 200e6
        print(f"sysreview import: {seconds:.1f} s, peak RSS {peak_gb:.2f} GB "
              f"(load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        print(f"before streaming (issue 15, 200 MB): {OLD_SECONDS:.0f} s, {OLD_PEAK_GB} GB; "
              f"this file is {scale:.2f}x that size")  # fmt: skip
        print(f"ratio: {OLD_SECONDS * scale / seconds:.1f}x faster (size-scaled), "
              f"{OLD_PEAK_GB / peak_gb:.1f}x less memory")  # fmt: skip
        if args.keep:
            shutil.copyfile(data, args.keep)


if __name__ == "__main__":
    main()
