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
``--baseline REF`` also runs the code of git commit ``REF`` (its ``src`` extracted, with
this environment's packages) on the same file, right after, for a ratio measured under
the same machine load. See IMPORT.md for the latest numbers.
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
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Run:
    """One timed ``sysreview import``."""

    wall: float
    cpu: float
    peak_gb: float
    output: str


def sysreview_command(src: Path | None) -> tuple[list[str], dict[str, str]]:
    """How to run sysreview: the installed console script, or the one of an extracted
    source tree ``src`` (another commit's code with this environment's packages)."""
    if src is None:
        return [str(Path(sys.executable).parent / "sysreview")], dict(os.environ)
    code = "from sysreview.entry import main; main()"
    return [sys.executable, "-c", code], {**os.environ, "PYTHONPATH": str(src)}


def timed_import(src: Path | None, project: Path, data: Path, db: str | None) -> Run:
    """A fresh project, then ``sysreview import`` under ``/usr/bin/time -v``."""
    base, env = sysreview_command(src)
    extra = ["--db", db] if db else []
    subprocess.run([*base, "init", str(project), *extra], check=True, capture_output=True, env=env)
    command = [*base, "import", str(data), "--source", "Bench", "-p", str(project), *extra]
    done = subprocess.run(
        ["/usr/bin/time", "-v", *command], capture_output=True, text=True, check=False, env=env
    )
    if done.returncode != 0:
        sys.exit(f"sysreview import failed ({done.returncode}):\n{done.stderr[-2000:]}")
    wall = re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", done.stderr)
    rss = re.search(r"Maximum resident set size \(kbytes\): (\d+)", done.stderr)
    cpu = re.findall(r"(?:User|System) time \(seconds\): ([\d.]+)", done.stderr)
    assert wall is not None and rss is not None and len(cpu) == 2, done.stderr
    seconds = 0.0
    for part in wall.group(1).split(":"):
        seconds = seconds * 60 + float(part)
    return Run(seconds, sum(map(float, cpu)), int(rss.group(1)) / 1024**2, done.stdout.strip())


def extract(ref: str, into: Path) -> Path:
    """The ``src`` folder of git commit ``ref``, extracted into ``into``."""
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", ref, "src"], capture_output=True, check=True
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(into)], input=archive, check=True)
    return into / "src"


def stored(project: Path) -> int:
    with sqlite3.connect(project / "review.db") as conn:
        return int(conn.execute("SELECT count(*) FROM record").fetchone()[0])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=float, default=200.0, help="size of the RIS file (MB)")
    parser.add_argument("--db", help="database URL (default: SQLite in the project folder)")
    parser.add_argument("--keep", type=Path, help="keep the built file here")
    parser.add_argument(
        "--baseline", help="also time this git commit's code on the same file (e.g. ab888ed)"
    )
    args = parser.parse_args()
    if not EXPORTS.is_dir():
        sys.exit(f"{EXPORTS} is missing (../shared/ holds the real exports)")
    with tempfile.TemporaryDirectory(prefix="bench_import_") as tmp:
        data = Path(tmp) / "big.ris"
        start = time.perf_counter()
        records, size = build(data, args.mb)
        print(f"built {data.name}: {size / 1e6:.1f} MB, {records} records "
              f"in {time.perf_counter() - start:.1f} s")  # fmt: skip
        runs: dict[str, Run] = {}
        versions: list[tuple[str, Path | None]] = [("this code", None)]
        if args.baseline:
            versions.append((args.baseline, extract(args.baseline, Path(tmp))))
        for n, (name, src) in enumerate(versions):
            project = Path(tmp) / f"project{n}"
            runs[name] = run = timed_import(src, project, data, args.db)
            print(run.output)
            if not args.db and stored(project) != records:
                sys.exit(f"{name}: {stored(project)} records stored, expected {records}")
            print(f"{name}: {run.wall:.1f} s wall, {run.cpu:.1f} s CPU, peak RSS "
                  f"{run.peak_gb:.2f} GB (load average {os.getloadavg()[0]:.1f})")  # fmt: skip
        new = runs["this code"]
        scale = size / 200e6
        print(f"issue 15's numbers (200 MB, before streaming): {OLD_SECONDS:.0f} s, "
              f"{OLD_PEAK_GB} GB; this file is {scale:.2f}x that size: "
              f"{OLD_SECONDS * scale / new.wall:.1f}x faster, "
              f"{OLD_PEAK_GB / new.peak_gb:.1f}x less memory")  # fmt: skip
        if args.baseline:
            old = runs[args.baseline]
            print(f"against {args.baseline} in this run: {old.wall / new.wall:.1f}x faster "
                  f"(wall), {old.cpu / new.cpu:.1f}x less CPU, "
                  f"{old.peak_gb / new.peak_gb:.1f}x less memory")  # fmt: skip
        if args.keep:
            shutil.copyfile(data, args.keep)


if __name__ == "__main__":
    main()
