"""Counts from another source: read from a mapping of boxes, added to the derived ones."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import InputError
from sysreview.prisma import (
    OtherSourceCounts,
    PrismaInputs,
    ScreeningEvent,
    SourceCount,
    combine_counts,
    counts_from_dict,
    derive_counts,
)

EARLIER = {
    "records_databases": 100,
    "records_databases_by_source": {"MEDLINE": 60, "Embase": 40},
    "duplicates_removed": 10,
    "records_screened": 90,
    "records_excluded": 80,
    "reports_sought": 10,
    "reports_not_retrieved": 1,
    "reports_assessed": 9,
    "reports_excluded": 6,
    "reports_excluded_by_reason": {"Not randomised": 4, "Wrong population": 2},
    "reports_included": 3,
    "studies_included": 3,
}


def _own():  # type: ignore[no-untyped-def]
    e = ScreeningEvent
    return derive_counts(
        PrismaInputs(
            sources=(SourceCount("database", "MEDLINE", 3), SourceCount("other", "Citations", 1)),
            ta_events=(e(1, 9, "include"), e(2, 9, "exclude"), e(3, 9, "include"),
                       e(4, 9, "include")),
            ft_events=(e(1, 9, "include"), e(3, 9, "exclude", "Not randomised"),
                       e(4, 9, "exclude", "Wrong comparator")),
            study_reports=((100, 1),),
        )
    )  # fmt: skip


def test_counts_from_a_dict_of_boxes() -> None:
    counts = counts_from_dict({**EARLIER, "records_identified": 100})
    assert counts.records_identified == 100 and counts.duplicate_groups == 0
    assert counts.records_databases_by_source == (("MEDLINE", 60), ("Embase", 40))
    boxes = {
        k: v
        for k, v in counts.to_dict().items()
        if k not in ("maybe_goes_forward", "other_sources")
    }
    assert counts_from_dict(boxes, source="x") == counts  # to_dict and back


def test_the_own_and_other_counts_add_up_box_by_box() -> None:
    own = _own()
    earlier = OtherSourceCounts("Earlier search (Covidence)", counts_from_dict(EARLIER), "2024")
    both = combine_counts(own, [earlier])
    assert both.records_identified == own.records_identified + 100
    assert both.records_databases_by_source == (("MEDLINE", 63), ("Embase", 40))
    assert both.records_other_methods_by_source == (("Citations", 1),)
    assert dict(both.reports_excluded_by_reason) == {
        "Not randomised": 5, "Wrong population": 2, "Wrong comparator": 1,
    }  # fmt: skip
    assert (both.studies_included, both.reports_included) == (4, 4)
    assert both.other_sources == ("Earlier search (Covidence) (2024)",)
    assert "Counts from another source included:\n  Earlier search (Covidence) (2024)" in (
        both.summary()
    )
    assert both.to_dict()["other_sources"] == ["Earlier search (Covidence) (2024)"]
    assert set(both.to_frame()["box"]) >= {"records_databases", "studies_included"}
    assert combine_counts(own, []) is own


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"records_found": 3}, "unknown PRISMA box 'records_found'; the boxes are"),
        ({"records_screened": -1}, "records_screened: must be a whole number of at least 0"),
        ({"records_screened": 90.0}, "records_screened: must be a whole number"),
        ({"records_screened": True}, "records_screened: must be a whole number"),
        ({"reports_excluded_by_reason": 6}, "reports_excluded_by_reason: must be a table"),
        ({"reports_excluded_by_reason": {"Not randomised": 6, "x": "2"}},
         "reports_excluded_by_reason.x: must be a whole number"),
        ({"records_excluded": 81}, "PRISMA boxes do not balance: records_screened (90)"),
        ({"records_identified": 99}, "records_identified is 99, but its boxes add up to 100"),
    ],
)  # fmt: skip
def test_bad_boxes_are_refused_naming_them(change: dict[str, object], message: str) -> None:
    with pytest.raises(
        InputError, match="^flow.toml: " + message.replace("(", r"\(").replace(")", r"\)")
    ):
        counts_from_dict({**EARLIER, **change}, source="flow.toml")


def test_a_source_must_be_named() -> None:
    with pytest.raises(InputError, match="need the source that reported them"):
        OtherSourceCounts(" ", counts_from_dict(EARLIER))


@given(st.integers(0, 50), st.integers(0, 50), st.integers(0, 50), st.integers(0, 50))
def test_previous_version_counts_add_to_the_totals(
    studies: int, reports: int, previous_studies: int, previous_reports: int
) -> None:
    """Total studies (reports) = new + previous version's, through a file and a sum."""
    new = counts_from_dict({"records_databases": reports, "records_screened": reports,
                            "reports_sought": reports, "reports_assessed": reports,
                            "reports_included": reports, "studies_included": studies,
                            "records_databases_by_source": {"MEDLINE": reports}})  # fmt: skip
    previous = counts_from_dict({"previous_studies": previous_studies,
                                 "previous_reports": previous_reports})  # fmt: skip
    both = combine_counts(new, [OtherSourceCounts("Previous version", previous)])
    assert (both.studies_included, both.reports_included) == (studies, reports)
    assert (both.previous_studies, both.previous_reports) == (previous_studies, previous_reports)
    assert both.total_studies == studies + previous_studies
    assert both.total_reports == reports + previous_reports
    assert both.is_update is bool(previous_studies or previous_reports)
    boxes = {k: v for k, v in both.to_dict().items() if k not in ("maybe_goes_forward",
                                                                  "other_sources")}  # fmt: skip
    again = counts_from_dict(boxes)  # the stored form, its totals checked
    assert again.total_studies == both.total_studies and again.is_update is both.is_update
    assert not new.is_update and new.total_studies == studies
