"""PRISMA 2020 flow diagram: every count shown, text inside its box, no overlaps, columns.

Boxes and wording: Page et al. BMJ 2021;372:n71, Fig. 1. The counts are hand-made and
balance (PrismaCounts checks that on construction).
"""

from __future__ import annotations

import dataclasses
import itertools
from pathlib import Path

import defusedxml.ElementTree as ET
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.transforms import Bbox

from sysreview.plots import prisma_flow, save
from sysreview.prisma import PrismaCounts

LONG = "Not a randomised controlled trial, or quasi-randomised with alternation by date of birth"
COUNTS = PrismaCounts(
    records_databases=1234,
    records_databases_by_source=(("MEDLINE (Ovid)", 700), ("Embase", 434), ("CENTRAL", 100)),
    records_registers=56,
    records_registers_by_source=(("ClinicalTrials.gov", 40), ("WHO ICTRP", 16)),
    records_other_methods=12,
    records_other_methods_by_source=(("Citation searching", 9), ("Websites", 3)),
    duplicates_removed=302,
    duplicate_groups=250,
    removed_by_automation=7,
    removed_other_reasons=3,
    records_screened=990,
    records_excluded=865,
    awaiting_screening=4,
    conflicts_screening=1,
    reports_sought=120,
    reports_not_retrieved=4,
    reports_assessed=116,
    reports_excluded=88,
    reports_excluded_by_reason=((LONG, 41), ("Wrong population", 30), ("Wrong comparator", 17)),
    awaiting_full_text=2,
    conflicts_full_text=1,
    reports_included=25,
    studies_included=21,
    reports_included_without_study=2,
)


def _layout(fig: Figure) -> tuple[dict[str, Bbox], dict[str, list[tuple[str, Bbox]]]]:
    canvas = FigureCanvasAgg(fig)
    canvas.draw()
    renderer = canvas.get_renderer()
    ax = fig.axes[0]
    boxes = {
        str(p.get_gid())[4:]: p.get_window_extent(renderer)
        for p in ax.patches
        if str(p.get_gid()).startswith("box:")
    }
    texts: dict[str, list[tuple[str, Bbox]]] = {}
    for t in ax.texts:
        gid = str(t.get_gid())
        if gid.startswith("text:"):
            texts.setdefault(gid.split(":")[1], []).append(
                (t.get_text(), t.get_window_extent(renderer))
            )
    return boxes, texts


def _box_text(texts: dict[str, list[tuple[str, Bbox]]], name: str) -> list[str]:
    return [t for t, _ in texts[name]]


def test_every_count_is_shown_in_its_box() -> None:
    _, texts = _layout(prisma_flow(COUNTS))
    assert _box_text(texts, "identified") == [
        "Records identified from:",
        "Databases (n = 1234)",
        "MEDLINE (Ovid) (n = 700)",
        "Embase (n = 434)",
        "CENTRAL (n = 100)",
        "Registers (n = 56)",
        "ClinicalTrials.gov (n = 40)",
        "WHO ICTRP (n = 16)",
    ]
    assert _box_text(texts, "other") == [
        "Records identified from:",
        "Citation searching (n = 9)",
        "Websites (n = 3)",
    ]
    assert " ".join(_box_text(texts, "removed")) == (
        "Records removed before screening: Duplicate records removed (n = 302) "
        "Records marked as ineligible by automation tools (n = 7) "
        "Records removed for other reasons (n = 3)"
    )
    assert _box_text(texts, "screened") == ["Records screened (n = 990)"]
    assert _box_text(texts, "excluded_screening") == [
        "Records excluded (n = 865)",
        "Awaiting title/abstract decision (n = 4)",
        "Unresolved title/abstract conflicts (n = 1)",
    ]
    assert _box_text(texts, "sought") == ["Reports sought for retrieval (n = 120)"]
    assert _box_text(texts, "not_retrieved") == ["Reports not retrieved (n = 4)"]
    assert _box_text(texts, "assessed") == ["Reports assessed for eligibility (n = 116)"]
    full_text = _box_text(texts, "excluded_full_text")
    assert full_text[0] == "Reports excluded (n = 88):"
    assert " ".join(full_text[1:]) == (
        f"{LONG} (n = 41) Wrong population (n = 30) Wrong comparator (n = 17) "
        "Awaiting full-text decision (n = 2) Unresolved full-text conflicts (n = 1)"
    )
    assert len(full_text) > 7  # the long reason was wrapped
    assert _box_text(texts, "included") == [
        "Studies included in review (n = 21)",
        "Reports of included studies (n = 25)",
        "Included reports not linked to a study (n = 2)",
    ]
    assert _box_text(texts, "header_main") == [
        "Identification of studies via databases and registers"
    ]
    assert [_box_text(texts, s) for s in ("Identification", "Screening", "Included")] == [
        ["Identification"],
        ["Screening"],
        ["Included"],
    ]


def test_text_inside_boxes_and_boxes_apart() -> None:
    boxes, texts = _layout(prisma_flow(COUNTS, title="Figure 1"))
    assert set(texts) == set(boxes)
    for name, lines in texts.items():
        for text, bbox in lines:
            assert boxes[name].contains(bbox.x0, bbox.y0), (name, text)
            assert boxes[name].contains(bbox.x1, bbox.y1), (name, text)
        for (_, a), (_, b) in itertools.combinations(lines, 2):
            assert not a.overlaps(b), name
    for (m, a), (n, b) in itertools.combinations(boxes.items(), 2):
        assert not a.overlaps(b), (m, n)


def test_other_methods_column_only_with_such_records() -> None:
    fewer = dataclasses.replace(
        COUNTS,
        records_other_methods=0,
        records_other_methods_by_source=(),
        records_screened=978,
        records_excluded=853,
    )
    wide = prisma_flow(COUNTS)
    narrow = prisma_flow(fewer)
    boxes, _ = _layout(narrow)
    assert "other" not in boxes and "header_other" not in boxes
    assert "other" in {str(p.get_gid())[4:] for p in wide.axes[0].patches}
    assert narrow.get_figwidth() < wide.get_figwidth()


def test_saved_reproducibly(tmp_path: Path) -> None:
    """SVG written twice is identical (all formats are checked in test_forest)."""
    first = save(prisma_flow(COUNTS), tmp_path / "a.svg").read_bytes()
    assert ET.fromstring(first).tag.endswith("svg")
    assert save(prisma_flow(COUNTS), tmp_path / "b.svg").read_bytes() == first


def test_other_methods_get_their_own_column() -> None:
    from sysreview.prisma import PrismaInputs, SourceCount, derive_counts
    from sysreview.prisma.arms import OtherMethodsFlow
    from sysreview.prisma.decisions import ScreeningEvent as E

    counts = derive_counts(PrismaInputs(
        sources=(SourceCount("database", "MEDLINE", 2), SourceCount("other", "Citations", 2)),
        ta_events=(E(1, 9, "include"), E(2, 9, "exclude"), E(3, 9, "include"),
                   E(4, 9, "exclude")),
        ft_events=(E(1, 9, "include"), E(3, 9, "exclude", "Wrong design")),
        study_reports=((7, 1),),
    ))  # fmt: skip
    arm = OtherMethodsFlow((("Citations", 2),), ta_excluded=1, sought=1,
                           excluded=(("Wrong design", 1),))  # fmt: skip
    fig = prisma_flow(counts, other=arm)
    texts = {t.get_gid(): t.get_text() for t in fig.axes[0].texts}
    assert texts["text:other:1"] == "Citations (n = 2)"
    assert texts["text:other_sought:0"] == "Reports sought for retrieval (n = 1)"
    assert texts["text:other_excluded:1"] == "Wrong design (n = 1)"
    assert texts["text:screened:0"] == "Records screened (n = 2)"
    assert texts["text:excluded_full_text:0"] == "Reports excluded (n = 0)"
    assert texts["text:included:0"] == "Studies included in review (n = 1)"
    assert texts["text:header_other:0"] == "Identification of studies via other methods"
    # an update with its own other-methods column: the total below the included box
    update = dataclasses.replace(counts, previous_studies=3, previous_reports=4)
    boxes, texts_by_box = _layout(prisma_flow(update, other=arm))
    assert _box_text(texts_by_box, "total")[0] == "Total studies included in review (n = 4)"
    for (m, a), (n, b) in itertools.combinations(boxes.items(), 2):
        assert not a.overlaps(b), (m, n)


def test_update_boxes_only_for_an_updated_review() -> None:
    """PRISMA 2020 template for updated reviews: previous version's studies and the total."""
    new_review = _layout(prisma_flow(COUNTS))[0]
    assert "previous" not in new_review and "total" not in new_review
    update = dataclasses.replace(COUNTS, previous_studies=12, previous_reports=15)
    boxes, texts = _layout(prisma_flow(update))
    assert _box_text(texts, "previous") == [
        "Studies included in previous version of review (n = 12)",
        "Reports of studies included in previous version of review (n = 15)",
    ] or " ".join(_box_text(texts, "previous")) == (
        "Studies included in previous version of review (n = 12) "
        "Reports of studies included in previous version of review (n = 15)"
    )
    assert _box_text(texts, "included")[:2] == [
        "New studies included in review (n = 21)",
        "Reports of new included studies (n = 25)",
    ]
    assert _box_text(texts, "total") == [
        "Total studies included in review (n = 33)",
        "Reports of total included studies (n = 40)",
    ]
    for name, lines in texts.items():  # text inside, boxes apart, as for a new review
        for _, bbox in lines:
            assert boxes[name].contains(bbox.x0, bbox.y0) and boxes[name].contains(bbox.x1, bbox.y1)
    for (m, a), (n, b) in itertools.combinations(boxes.items(), 2):
        assert not a.overlaps(b), (m, n)
    assert boxes["total"].y1 < boxes["included"].y0  # below the new studies (y up)
    assert abs(boxes["total"].y1 - boxes["previous"].y1) < 1  # side by side (tops)
    assert boxes["Included"].y0 <= boxes["total"].y0  # the section spans the total
