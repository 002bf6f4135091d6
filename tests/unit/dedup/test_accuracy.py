"""Accuracy on the bib-dedupe benchmark sets (../shared/data/dedup/, see its README).

Each set's ``records_pre_merged.csv`` goes through ``sysreview dedup FILE`` exactly as a
user runs it (the command's reader, detection and field mapping: ``booktitle``,
``number``, ``ENTRYTYPE``, ``UNKNOWN`` placeholders), and the groups it writes are
scored.  Every set must have zero false positives (pairwise, so also under
bib-dedupe's record-level convention).  On the five sets with a published bib-dedupe
result (``reference_results_bib_dedupe_eval.csv``, counting convention of bib-dedupe's
``compare_dedupe_id``) the command must remove at least as many true duplicates as
bib-dedupe did.  The comparison uses the published counts, ``TP / (TP + FN)``, not the
sensitivity column, which is rounded to four decimals (digital_work's 368/369 =
0.99729 is printed as 0.9973).  ``special_cases`` has no published result; its floor is
the engine's own measured value.  The full table is printed by
``benchmarks/bench_dedup.py`` and discussed in benchmarks/DEDUP.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.dedup import find_duplicates
from sysreview.records import read_file
from tests.conftest import shared_path
from tests.unit.dedup.benchdata import (
    REFERENCE_FILE,
    SETS,
    confusion,
    load_truth,
    read_groups,
    reference_results,
)

#: Record-level sensitivity floors for sets without a published bib-dedupe result,
#: measured with this engine (2026-11-25).
FLOORS = {"special_cases": 1.0}

#: ``erratum_of`` links per set: the haematology errata printed in their article's
#: volume and digital_work's one in the article's own issue are linked, as the ground
#: truth links them; digital_work's notices in later volumes are not (DEDUP.md).
ERRATUM_LINKS = {"haematology": 8, "digital_work": 1}

pytestmark = pytest.mark.shared


def dedup_command(path: Path, out: Path) -> str:
    """Run ``sysreview dedup PATH --output OUT`` and return what it wrote."""
    result = CliRunner().invoke(app, ["dedup", str(path), "--output", str(out)])
    assert result.exit_code == 0, result.output
    return out.read_text(encoding="utf-8")


@pytest.mark.parametrize("name", SETS)
def test_zero_false_positives_and_sensitivity(name: str, tmp_path: Path) -> None:
    folder = shared_path("data", "dedup", name)
    ids, predicted = read_groups(dedup_command(folder / "records_pre_merged.csv", tmp_path / "g"))
    truth = load_truth(folder / "merged_record_ids.csv")
    counts = confusion(ids, truth, predicted)
    assert counts.pair_fp == 0
    assert counts.rec_fp == 0
    if name in FLOORS:
        assert counts.rec_sensitivity >= FLOORS[name]
        return
    reference = reference_results(shared_path("data", "dedup", REFERENCE_FILE))[name]
    # Same removable duplicates in both evaluations, so the counts are comparable.
    assert counts.rec_tp + counts.rec_fn == reference["TP"] + reference["FN"]
    assert counts.rec_tp >= reference["TP"]
    assert counts.rec_sensitivity >= reference["TP"] / (reference["TP"] + reference["FN"])


@pytest.mark.parametrize("name", ["haematology", "digital_work", "cytology_screening"])
def test_links_are_explained(name: str) -> None:
    """Through the command's reader: every link names its rule; errata are linked as the
    ground truth links them."""
    folder = shared_path("data", "dedup", name)
    result = find_duplicates(read_file(folder / "records_pre_merged.csv").citations)
    assert result.links
    for link in result.links:
        assert link.rule and link.decision == "duplicate" and 0.0 <= link.score <= 1.0
        assert "title" in link.agreed or "doi" in link.agreed or "pages" in link.agreed
    errata = sum(link.rule == "erratum_of" for link in result.links)
    assert errata == ERRATUM_LINKS.get(name, 0)
