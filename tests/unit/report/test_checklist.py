"""The PRISMA 2020 checklist: all 27 items (42 entries), honest about what is covered."""

from __future__ import annotations

import dataclasses

from sysreview.report import ReportInputs, build_document, prisma_checklist
from sysreview.report.checklist import ITEMS, NOT_REPORTED, checklist_frame

SUB_ITEMS = {"10": "ab", "13": "abcdef", "16": "ab", "20": "abcd", "23": "abcd", "24": "abc"}


def test_all_27_items_with_their_sub_items() -> None:
    expected = []
    for n in range(1, 28):
        expected += [f"{n}{s}" for s in SUB_ITEMS[str(n)]] if str(n) in SUB_ITEMS else [str(n)]
    assert [item[0] for item in ITEMS] == expected
    assert len(expected) == 42


def test_nothing_is_claimed_without_a_section() -> None:
    rows = prisma_checklist(set())
    assert all(r.location is None and r.where == NOT_REPORTED for r in rows)


def test_checklist_points_at_sections_of_the_report(inputs: ReportInputs) -> None:
    doc = build_document(inputs)
    anchors = set(doc.anchors)
    where = {r.item: r.location for r in doc.checklist}
    for item, location in where.items():
        assert location is None or location in anchors | {"title"}, item
    assert where["16a"] == "study-selection"
    assert where["19"] == "forest-plots"
    assert where["20d"] == "sensitivity-analyses"
    assert where["13e"] == "subgroup-methods"
    for item in ("3", "15", "22", "23a", "23b", "23c", "23d", "25", "26"):
        assert where[item] is None, item  # the team's own text; 15 and 22 need GRADE
    assert where["9"] == "data-collection"
    assert where["13b"] == "synthesis-methods"
    assert where["14"] == "reporting-bias-methods"
    assert where["16b"] == "characteristics-excluded"
    assert where["17"] == "included-studies"
    assert where["24c"] == "deviations"
    assert where["27"] == "availability"
    assert where["20c"] == "subgroup-analyses"
    titles = {r.item: r.where for r in doc.checklist}
    assert titles["16b"] == "Characteristics of excluded studies"
    assert titles["1"] == "Title" and titles["3"] == NOT_REPORTED


def test_items_depend_on_what_the_inputs_give(inputs: ReportInputs) -> None:
    main = tuple(r for r in inputs.results if r.kind in ("main", "narrative"))
    bare = dataclasses.replace(inputs, prisma=None, rob=None, figures={}, results=main)
    where = {r.item: r.location for r in build_document(bare).checklist}
    assert where["20c"] is None
    assert where["20d"] is None
    assert where["16a"] is None
    assert where["18"] is None
    assert where["19"] == "narrative-syntheses"


def test_frame() -> None:
    frame = checklist_frame(prisma_checklist({"summary"}, {"summary": "Summary"}))
    assert list(frame.columns) == [
        "Section", "Item", "Topic", "Checklist item", "Location in this report",
    ]  # fmt: skip
    assert frame.loc[frame["Item"] == "2", "Location in this report"].item() == "Summary"
