"""Start-up latency of everyday commands, as whole processes, against ``import numpy``.

Usage::

    .venv/bin/python benchmarks/bench_latency.py                 # 5,000 records, 7 runs
    .venv/bin/python benchmarks/bench_latency.py --records 5000 --runs 11

The project is made as a team makes it, with ``sysreview`` commands only: the seed
protocol (``sysreview init --template group-peer-support``: R1 screens every title and
abstract, R2 the first 10% blind, R3 arbitrates), one generated RIS export of
``--records`` records (``sysreview import``), ``sysreview dedup``, and both reviewers'
sheets screened and imported (``sysreview screen export`` / ``screen import``), R2
disagreeing with R1 on a fifth of the dual-screened records so that there are conflicts.

Then each command below is run ``--runs`` times as a new process (the console script
the user types, through :mod:`subprocess`, output to a pipe) and its median wall time is
compared with the median of ``python -c "import numpy"`` measured in the same command,
alternating, so that both see the same machine load. The target (issue: commands lean
and fast) is at most 5 times ``import numpy`` for each.
"""

from __future__ import annotations

import argparse
import csv
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

BIN = Path(sys.executable).parent
SYSREVIEW = str(BIN / "sysreview")
WORDS = [
    "peer",
    "support",
    "group",
    "recovery",
    "mental",
    "health",
    "trial",
    "randomised",
    "depression",
    "anxiety",
    "psychosis",
    "hope",
    "empowerment",
    "community",
    "statins",
    "knee",
    "hip",
    "dental",
    "surgery",
    "cohort",
]
TARGET = 5.0


def run(*args: str) -> str:
    """Run a command; fail loudly with its output when it fails."""
    done = subprocess.run(args, capture_output=True, text=True, check=False)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({done.returncode}):\n{done.stderr}")
    return done.stdout


def write_ris(path: Path, records: int, seed: int = 1) -> None:
    """``records`` journal articles with generated titles and abstracts."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as out:
        for i in range(records):
            title = " ".join(rng.choice(WORDS) for _ in range(9))
            abstract = " ".join(rng.choice(WORDS) for _ in range(60))
            out.write(
                f"TY  - JOUR\nTI  - {title} {i}\nAU  - Author{i}, A\nPY  - {2000 + i % 25}\n"
                f"AB  - {abstract}\nJO  - Journal {i % 80}\nER  - \n\n"
            )


def screen(project: Path, reviewer: str, work: Path, disagree: float, seed: int) -> None:
    """Export the reviewer's sheet, decide every row, import it."""
    sheet = work / f"{reviewer}.csv"
    run(SYSREVIEW, "screen", "export", str(sheet), "--reviewer", reviewer, "-p", str(project))
    lines = sheet.read_text(encoding="utf-8").splitlines(keepends=True)
    start = next(i for i, line in enumerate(lines) if line.startswith("record_id,"))
    rows = list(csv.DictReader(lines[start:]))
    rng = random.Random(seed)
    for row in rows:
        include = int(row["record_id"]) % 7 == 0
        if rng.random() < disagree:
            include = not include
        row["decision"] = "include" if include else "exclude"
        row["reason"] = "" if include else "wrong population"
    with sheet.open("w", encoding="utf-8", newline="") as out:
        out.writelines(lines[:start])
        writer = csv.DictWriter(out, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    run(SYSREVIEW, "screen", "import", str(sheet), "--reviewer", reviewer, "-p", str(project))


def make_project(project: Path, records: int) -> None:
    """The seed protocol, ``records`` imported records, dedup, both reviewers' sheets."""
    run(SYSREVIEW, "init", str(project), "--template", "group-peer-support")
    work = project.parent
    write_ris(work / "medline.ris", records)
    run(SYSREVIEW, "import", str(work / "medline.ris"), "--source", "MEDLINE", "-p", str(project))
    run(SYSREVIEW, "dedup", "-p", str(project))
    screen(project, "R1", work, disagree=0.0, seed=1)
    screen(project, "R2", work, disagree=0.2, seed=2)


USER_ENV = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
"""The environment a user's shell gives: Python writes and reuses its bytecode caches (a
run with ``PYTHONDONTWRITEBYTECODE`` set would time compiling every source file)."""


def timed(args: list[str]) -> float:
    """Wall time of one process, output discarded to a pipe."""
    start = time.perf_counter()
    done = subprocess.run(args, capture_output=True, check=False, env=USER_ENV)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{done.stderr.decode()}")
    return elapsed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=7)
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="sysreview-latency-") as tmp:
        project = Path(tmp) / "review"
        print(f"making a project of {options.records:,} records ...", flush=True)
        make_project(project, options.records)
        p = str(project)
        commands = {
            "--help": [SYSREVIEW, "--help"],
            "status": [SYSREVIEW, "status", "-p", p],
            "validate": [SYSREVIEW, "validate", "-p", p],
            "prisma": [SYSREVIEW, "prisma", "-p", p],
            "screen conflicts": [SYSREVIEW, "screen", "conflicts", "-p", p],
        }
        baseline_args = [sys.executable, "-c", "import numpy"]
        baseline: list[float] = []
        times: dict[str, list[float]] = {name: [] for name in commands}
        for args in commands.values():  # warm the file and bytecode caches once
            timed(args)
        for _ in range(options.runs):
            for name, args in commands.items():
                baseline.append(timed(baseline_args))
                times[name].append(timed(args))
        base = statistics.median(baseline)
        print(f"\nimport numpy: median {base * 1000:.0f} ms over {len(baseline)} runs\n")
        print(f"{'command':<18} {'median ms':>10} {'x numpy':>8}  target <= {TARGET:g}x")
        worst = 0.0
        for name, values in times.items():
            median = statistics.median(values)
            ratio = median / base
            worst = max(worst, ratio)
            mark = "ok" if ratio <= TARGET else "SLOW"
            print(f"{name:<18} {median * 1000:>10.0f} {ratio:>8.1f}  {mark}")
        print(f"\nworst: {worst:.1f}x import numpy")


if __name__ == "__main__":
    main()
