"""Score ``sysreview dedup FILE`` on the bib-dedupe benchmark sets.

The sets are described in ``../shared/data/dedup/README.md``: ``records_pre_merged.csv``
(one row per record, every field quoted, empty = missing) and ``merged_record_ids.csv``
(one true duplicate group per row, IDs joined by ``;``).  The records are read by the
command itself (the reader a user's ``sysreview dedup FILE`` and ``sysreview import``
use); this module only parses the command's output, the truth and bib-dedupe's published
counts.  Used by ``tests/unit/dedup/test_accuracy.py`` and ``benchmarks/bench_dedup.py``.
"""

from __future__ import annotations

import csv
import io
import itertools
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

SETS = (
    "respiratory",
    "haematology",
    "stroke",
    "cytology_screening",
    "digital_work",
    "special_cases",
)


def read_groups(text: str) -> tuple[list[str], list[list[str]]]:
    """Parse what ``sysreview dedup FILE`` writes (``record_id,group_id,rule,score``).

    Returns every record id in file order and the predicted groups of two or more.
    """
    rows = list(csv.DictReader(io.StringIO(text)))
    groups: dict[str, list[str]] = {}
    for row in rows:
        groups.setdefault(row["group_id"], []).append(row["record_id"])
    return [row["record_id"] for row in rows], [g for g in groups.values() if len(g) > 1]


def load_truth(path: Path) -> list[list[str]]:
    """Read ``merged_record_ids.csv``: the true duplicate groups as lists of IDs."""
    frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    return [ids.split(";") for ids in frame["merged_ids"]]


@dataclass(frozen=True)
class Confusion:
    """Confusion counts under two conventions.

    ``pair_*`` count record pairs (a predicted pair is positive when the two records are
    in one predicted group).  ``rec_*`` follow bib-dedupe's ``compare_dedupe_id``: one
    record is kept per predicted group; TP = duplicates correctly removed, FP = records
    wrongly removed, FN = duplicates kept, TN = correctly kept originals.
    """

    pair_tp: int
    pair_fp: int
    pair_fn: int
    pair_tn: int
    rec_tp: int
    rec_fp: int
    rec_fn: int
    rec_tn: int

    @property
    def pair_sensitivity(self) -> float:
        return self.pair_tp / max(self.pair_tp + self.pair_fn, 1)

    @property
    def pair_specificity(self) -> float:
        return self.pair_tn / max(self.pair_tn + self.pair_fp, 1)

    @property
    def rec_sensitivity(self) -> float:
        return self.rec_tp / max(self.rec_tp + self.rec_fn, 1)

    @property
    def rec_specificity(self) -> float:
        return self.rec_tn / max(self.rec_tn + self.rec_fp, 1)


def _pairs(groups: Iterable[Sequence[str]]) -> set[tuple[str, str]]:
    return {(a, b) for g in groups for a, b in itertools.combinations(sorted(set(g)), 2)}


def confusion(ids: Sequence[str], truth: list[list[str]], predicted: list[list[str]]) -> Confusion:
    """Count pairwise and bib-dedupe-style record-level confusion for one set."""
    n = len(ids)
    true_pairs, pred_pairs = _pairs(truth), _pairs(predicted)
    tp = len(true_pairs & pred_pairs)
    fp = len(pred_pairs - true_pairs)
    fn = len(true_pairs - pred_pairs)
    tn = n * (n - 1) // 2 - tp - fp - fn
    # bib-dedupe convention: keep the first ID (file order) of every predicted group.
    order = {rid: k for k, rid in enumerate(ids)}
    kept = set(ids)
    for group in predicted:
        first = min(group, key=order.__getitem__)
        kept -= set(group) - {first}
    in_truth = {rid for g in truth for rid in g}
    r_tp = r_fp = r_fn = r_tn = 0
    for rid in ids:
        if rid not in in_truth:
            r_tn += rid in kept
            r_fp += rid not in kept
    for group in truth:
        n_kept = sum(rid in kept for rid in group)
        if n_kept == 0:
            r_fp += 1
            r_tp += len(group) - 1
        else:
            r_tn += 1
            r_fn += n_kept - 1
            r_tp += len(group) - n_kept
    return Confusion(tp, fp, fn, tn, r_tp, r_fp, r_fn, r_tn)


REFERENCE_FILE = "reference_results_bib_dedupe_eval.csv"


def reference_results(path: Path) -> dict[str, dict[str, float]]:
    """bib-dedupe's published counts per set (``package == 'bib-dedupe'`` rows)."""
    frame = pd.read_csv(path)
    frame = frame[frame["package"] == "bib-dedupe"]
    return {
        str(r["dataset"]): {k: float(r[k]) for k in ("TP", "FP", "FN", "TN", "sensitivity")}
        for r in frame.to_dict("records")
    }
