"""``sysreview pool`` over the 17 golden RevMan files: how many analyses match RevMan.

Usage::

    .venv/bin/python benchmarks/bench_pool_golden.py          # the table; exit 1 on a mismatch
    .venv/bin/python benchmarks/bench_pool_golden.py --show 5 # and the first 5 mismatches

Every ``.rm5`` file in ``../shared/golden/revman/`` goes through the installed console
script exactly as a user runs it, ``sysreview pool FILE.rm5 --format json``: the
command reads the file itself (:mod:`sysreview.revman`), and pools every analysis
(outcome) with RevMan's settings for it (measure, method, model, CI level,
subgroups). Each analysis the command writes is compared with the results RevMan
stored in the file, by :mod:`tests.reference.revman_records` (the comparison the golden
tests use, with their tolerances: 1e-9 relative, p-values 1e-6 absolute): per-study
estimates, CIs, SEs and weights; the total; the subtotals; the test for subgroup
differences. Analyses are counted as the golden tests count them: 482 analyses with
study rows and stored results, of which 451 are poolable (the other 31 are
``TOTALS="SUB"`` outcomes of a single study, where RevMan pools nothing). See
benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.reference.revman_records import (  # noqa: E402
    compared,
    golden_outcomes,
    kind,
    mismatches,
    poolable,
)

GOLDEN = ROOT.parent / "shared" / "golden" / "revman"
KINDS = ("two or more studies", "subgroups", "one estimable study", "no estimable study")


def console_script() -> str:
    """The installed ``sysreview`` command (next to this interpreter, else on PATH)."""
    beside = Path(sys.executable).with_name("sysreview")
    found = str(beside) if beside.exists() else shutil.which("sysreview")
    if found is None:
        sys.exit("the sysreview command is not installed: run `make .venv/.installed`")
    return found


def pool(path: Path) -> tuple[list[dict[str, object]], float]:
    """``sysreview pool PATH --format json``: the records and the command's wall time."""
    start = time.perf_counter()
    done = subprocess.run(
        [console_script(), "pool", str(path), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"sysreview pool {path.name} failed ({done.returncode}):\n{done.stderr}")
    records: list[dict[str, object]] = json.loads(done.stdout)
    return records, seconds


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--show", type=int, default=0, help="print this many mismatches")
    args = parser.parse_args()
    if not GOLDEN.is_dir():
        sys.exit(f"{GOLDEN} is absent (../shared/ holds the golden files)")
    print(f"{'file':<34}{'analyses':>9}{'compared':>9}{'poolable':>9}{'match':>7}{'secs':>6}")
    totals: Counter[str] = Counter()
    by_kind: Counter[tuple[str, bool]] = Counter()
    failures: list[str] = []
    for path, outcomes in golden_outcomes(GOLDEN):
        records, seconds = pool(path)
        if len(records) != len(outcomes):
            sys.exit(f"{path.name}: {len(records)} analyses written, {len(outcomes)} in the file")
        row: Counter[str] = Counter(analyses=len(outcomes))
        for record, outcome in zip(records, outcomes, strict=True):
            if not compared(outcome):
                continue
            bad = mismatches(record, outcome)
            row["compared"] += 1
            row["compared_ok"] += not bad
            if poolable(outcome):
                row["poolable"] += 1
                row["match"] += not bad
                by_kind[(kind(outcome), not bad)] += 1
            failures += [f"{path.name} {outcome.id}: {b}" for b in bad]
        totals.update(row)
        print(
            f"{path.name:<34}{row['analyses']:>9}{row['compared']:>9}{row['poolable']:>9}"
            f"{row['match']:>7}{seconds:>6.2f}"
        )
    print(
        f"{'all 17 files':<34}{totals['analyses']:>9}{totals['compared']:>9}"
        f"{totals['poolable']:>9}{totals['match']:>7}"
    )
    print("\npoolable analyses by kind (matching / all):")
    for name in KINDS:
        ok, all_ = by_kind[(name, True)], by_kind[(name, True)] + by_kind[(name, False)]
        print(f"  {name:<24}{ok:>4} / {all_}")
    print(
        f"\nsysreview pool reproduces {totals['match']}/{totals['poolable']} poolable analyses "
        f"({totals['compared_ok']}/{totals['compared']} analyses with stored results)"
    )
    for line in failures[: args.show]:
        print(f"  {line}")
    return 0 if not failures else 1


if __name__ == "__main__":
    sys.exit(main())
