"""De-duplication accuracy on the bib-dedupe benchmark sets, and speed on a synthetic set.

Usage::

    .venv/bin/python benchmarks/bench_dedup.py              # accuracy table + 100k speed
    .venv/bin/python benchmarks/bench_dedup.py --n 20000    # smaller speed run

Accuracy: every set in ``../shared/data/dedup/`` is de-duplicated with
:func:`sysreview.dedup.find_duplicates`; the predicted groups are compared with the true
groups (pairwise TP/FP/FN and bib-dedupe's record-level convention), next to bib-dedupe's
published counts (``reference_results_bib_dedupe_eval.csv``).  Speed: real records are
copied with perturbations (title typos, author formats, dropped DOIs, abbreviated
journals, missing pages) up to ``--n`` records and timed end to end.  See DEDUP.md.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from sysreview.dedup import find_duplicates  # noqa: E402
from sysreview.records.model import Citation  # noqa: E402
from tests.unit.dedup.benchdata import (  # noqa: E402
    REFERENCE_FILE,
    SETS,
    confusion,
    load_citations,
    load_truth,
    reference_results,
)

DATA = ROOT.parent / "shared" / "data" / "dedup"


def accuracy() -> list[Citation]:
    """Print the accuracy table; return all records read (for the speed test)."""
    ref = reference_results(DATA / REFERENCE_FILE)
    header = (
        f"{'set':<20}{'n':>6}{'pairTP':>8}{'pairFP':>7}{'pairFN':>7}{'pairSens':>9}"
        f"{'TP':>6}{'FP':>4}{'FN':>5}{'TN':>6}{'sens':>8}{'spec':>7}"
        f"{'bd TP':>7}{'bd FP':>6}{'bd sens':>8}{'review':>7}{'secs':>6}"
    )
    print(header)
    everything: list[Citation] = []
    for name in SETS:
        records = load_citations(DATA / name / "records_pre_merged.csv")
        truth = load_truth(DATA / name / "merged_record_ids.csv")
        start = time.perf_counter()
        result = find_duplicates(records)
        seconds = time.perf_counter() - start
        ids = [str(c.record_id) for c in records]
        predicted = [[ids[k] for k in group] for group in result.groups]
        c = confusion(ids, truth, predicted)
        bd = ref.get(name, {})
        print(
            f"{name:<20}{len(records):>6}{c.pair_tp:>8}{c.pair_fp:>7}{c.pair_fn:>7}"
            f"{c.pair_sensitivity:>9.4f}{c.rec_tp:>6}{c.rec_fp:>4}{c.rec_fn:>5}{c.rec_tn:>6}"
            f"{c.rec_sensitivity:>8.4f}{c.rec_specificity:>7.4f}"
            f"{bd.get('TP', float('nan')):>7.0f}{bd.get('FP', float('nan')):>6.0f}"
            f"{bd.get('sensitivity', float('nan')):>8.4f}{len(result.uncertain):>7}{seconds:>6.2f}"
        )
        everything += records
    return everything


def _typo(text: str, rng: random.Random) -> str:
    if len(text) < 10:
        return text
    k = rng.randrange(len(text))
    return text[:k] + rng.choice("abcdefghijklmnopqrstuvwxyz") + text[k + 1 :]


def perturb(c: Citation, rng: random.Random, position: int) -> Citation:
    """A noisy copy of one record, as another database might export it."""
    title = c.title or ""
    if rng.random() < 0.3:
        title = _typo(title, rng)
    if rng.random() < 0.2:
        title = title.upper() if rng.random() < 0.5 else title.rstrip(".") + "."
    authors = c.authors
    if rng.random() < 0.5:
        authors = tuple(a.replace(".", "").replace(" ", "") for a in authors)
    journal = c.journal
    if journal and rng.random() < 0.3:
        journal = " ".join(w[:4] for w in journal.split() if w.lower() not in {"of", "the", "and"})
    return replace(
        c,
        position=position,
        record_id=f"{c.record_id}-copy{position}",
        title=title,
        authors=authors,
        journal=journal,
        doi=None if rng.random() < 0.4 else c.doi,
        pages=None if rng.random() < 0.1 else c.pages,
    )


def speed(records: list[Citation], n: int, seed: int = 1) -> None:
    """Time ``find_duplicates`` on ``n`` records built from perturbed real records."""
    rng = random.Random(seed)
    synthetic = list(records)
    while len(synthetic) < n:
        synthetic.append(perturb(rng.choice(records), rng, len(synthetic) + 1))
    synthetic = synthetic[:n]
    stages: list[tuple[str, float]] = []
    start = time.perf_counter()

    def progress(stage: str, fraction: float) -> None:
        stages.append((stage, time.perf_counter() - start))

    result = find_duplicates(synthetic, progress=progress)
    seconds = time.perf_counter() - start
    first_seen = {}
    for stage, t in stages:
        first_seen.setdefault(stage, t)
    print(
        f"\nspeed: {n} records, {result.n_candidates} candidate pairs, "
        f"{len(result.links)} duplicate links, {len(result.groups)} groups: {seconds:.1f} s"
    )
    print("  stage start times (s): " + ", ".join(f"{k} {v:.1f}" for k, v in first_seen.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="records in the speed run")
    parser.add_argument("--no-speed", action="store_true")
    args = parser.parse_args()
    records = accuracy()
    if not args.no_speed:
        speed(records, args.n)


if __name__ == "__main__":
    main()
