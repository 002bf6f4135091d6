"""De-duplication accuracy of ``sysreview dedup FILE`` on the bib-dedupe sets, and speed.

Usage::

    .venv/bin/python benchmarks/bench_dedup.py              # accuracy table + 100k speed
    .venv/bin/python benchmarks/bench_dedup.py --n 20000    # smaller speed run
    .venv/bin/python benchmarks/bench_dedup.py --n 1000000 --no-accuracy

Accuracy: every set in ``../shared/data/dedup/`` goes through the installed console
script, ``sysreview dedup records_pre_merged.csv --output groups.csv``, exactly as a user
runs it (its reader, format detection and field mapping); the groups it writes are
compared with the true groups (pairwise TP/FP/FN and bib-dedupe's record-level
convention), next to bib-dedupe's published counts
(``reference_results_bib_dedupe_eval.csv``); ``secs`` is the command's wall time, start-up
included.  Speed: the real records (read by the same reader) plus new papers recombined
from them, each exported 1-4 times with perturbations (title typos, author formats,
dropped DOIs, abbreviated journals, missing pages; about 35% duplicates,
:mod:`tests.unit.dedup.synthetic`), up to ``--n`` records, timed in-process with
:func:`sysreview.dedup.find_duplicates` and scored against the ground truth; peak RSS is
reported.  See DEDUP.md.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sysreview.dedup import find_duplicates  # noqa: E402
from sysreview.records import read_file  # noqa: E402
from sysreview.records.model import Citation  # noqa: E402
from tests.unit.dedup.benchdata import (  # noqa: E402
    REFERENCE_FILE,
    SETS,
    confusion,
    load_truth,
    read_groups,
    reference_results,
)
from tests.unit.dedup.synthetic import pair_confusion, synthetic_set  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "dedup"


def console_script() -> str:
    """The installed ``sysreview`` command (next to this interpreter, else on PATH)."""
    beside = Path(sys.executable).with_name("sysreview")
    found = str(beside) if beside.exists() else shutil.which("sysreview")
    if found is None:
        sys.exit("the sysreview command is not installed: run `make .venv/.installed`")
    return found


def dedup_command(path: Path, out: Path) -> tuple[str, float]:
    """Run ``sysreview dedup PATH --output OUT``; its output and wall time."""
    start = time.perf_counter()
    done = subprocess.run(
        [console_script(), "dedup", str(path), "--output", str(out)],
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"sysreview dedup {path} failed ({done.returncode}):\n{done.stderr}")
    return out.read_text(encoding="utf-8"), seconds


def accuracy() -> None:
    """Print the accuracy table of ``sysreview dedup FILE`` on every set."""
    ref = reference_results(DATA / REFERENCE_FILE)
    print(
        f"{'set':<20}{'n':>6}{'pairTP':>8}{'pairFP':>7}{'pairFN':>7}{'pairSens':>9}"
        f"{'TP':>6}{'FP':>4}{'FN':>5}{'TN':>6}{'sens':>8}{'spec':>7}"
        f"{'bd TP':>7}{'bd FP':>6}{'bd sens':>8}{'secs':>6}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        for name in SETS:
            text, seconds = dedup_command(DATA / name / "records_pre_merged.csv", Path(tmp) / name)
            ids, predicted = read_groups(text)
            c = confusion(ids, load_truth(DATA / name / "merged_record_ids.csv"), predicted)
            bd = ref.get(name, {})
            print(
                f"{name:<20}{len(ids):>6}{c.pair_tp:>8}{c.pair_fp:>7}{c.pair_fn:>7}"
                f"{c.pair_sensitivity:>9.4f}{c.rec_tp:>6}{c.rec_fp:>4}{c.rec_fn:>5}"
                f"{c.rec_tn:>6}{c.rec_sensitivity:>8.4f}{c.rec_specificity:>7.4f}"
                f"{bd.get('TP', float('nan')):>7.0f}{bd.get('FP', float('nan')):>6.0f}"
                f"{bd.get('sensitivity', float('nan')):>8.4f}{seconds:>6.2f}"
            )


def real_records() -> tuple[list[Citation], list[tuple[str, int]]]:
    """Every set's records, read by the command's reader, and ``(set, size)`` per set."""
    everything: list[Citation] = []
    sizes: list[tuple[str, int]] = []
    for name in SETS:
        records = list(read_file(DATA / name / "records_pre_merged.csv").citations)
        everything += records
        sizes.append((name, len(records)))
    return everything, sizes


def _real_labels(records: list[Citation], sets: list[tuple[str, int]]) -> list[int]:
    """Ground truth of the concatenated real sets: one label per record."""
    labels: list[int] = []
    offset = 0
    for name, size in sets:
        ids = [str(c.record_id) for c in records[offset : offset + size]]
        index = {rid: k for k, rid in enumerate(ids)}
        local = list(range(size))
        for group in load_truth(DATA / name / "merged_record_ids.csv"):
            members = [index[rid] for rid in group if rid in index]
            for k in members:
                local[k] = members[0]
        labels += [offset + x for x in local]
        offset += size
    return labels


def _peak_rss_mb() -> float:
    """Peak resident memory of this process so far (``ru_maxrss`` is in KiB on Linux)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def speed(records: list[Citation], labels: list[int], n: int, seed: int = 1) -> None:
    """Time ``find_duplicates`` on ``n`` records built from real ones; score it on the truth."""
    start = time.perf_counter()
    data = synthetic_set(records, labels, n, seed=seed)
    built = time.perf_counter() - start
    rss_before = _peak_rss_mb()
    print(
        f"\nspeed: {n} records ({data.n_real} real), {data.n_duplicates} duplicates "
        f"({data.n_duplicates / n:.0%}), built in {built:.1f} s; peak RSS {rss_before:.0f} MB"
    )
    stages: dict[str, float] = {}
    cpu = _cpu_seconds()
    start = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        stages.setdefault(stage, time.perf_counter() - start)

    result = find_duplicates(data.citations, progress=progress)
    seconds = time.perf_counter() - start
    cpu = _cpu_seconds() - cpu
    counts = pair_confusion(data.labels, result.labels)
    print(
        f"  {result.n_candidates} candidate pairs, {len(result.links)} duplicate links, "
        f"{len(result.uncertain)} uncertain, {len(result.groups)} groups: {seconds:.1f} s "
        f"(CPU {cpu:.1f} s; load average {os.getloadavg()[0]:.1f})"
    )
    print("  stage start times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in stages.items()))
    print(
        f"  pairs: TP {counts.tp}, FP {counts.fp}, FN {counts.fn}; "
        f"precision {counts.precision:.5f}, recall {counts.recall:.4f}"
    )
    print(f"  peak RSS {_peak_rss_mb():.0f} MB (before de-duplication {rss_before:.0f} MB)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="records in the speed run")
    parser.add_argument("--seed", type=int, default=1, help="seed of the synthetic set")
    parser.add_argument("--no-speed", action="store_true", help="accuracy table only")
    parser.add_argument("--no-accuracy", action="store_true", help="speed run only")
    args = parser.parse_args()
    if not args.no_accuracy:
        accuracy()
    if not args.no_speed:
        records, sizes = real_records()
        speed(records, _real_labels(records, sizes), args.n, args.seed)


if __name__ == "__main__":
    main()
