"""Extraction flags become note kinds: each conversion counted as what it is."""

from __future__ import annotations

import pytest

from sysreview.extraction.mean_sd import (
    FLAG_CHANGE,
    FLAG_NO_SPREAD,
    FLAG_P,
    FLAG_SE,
    FLAG_T,
    flag_ci,
    flag_median,
)
from sysreview.project.reporting.notes import _note_kind
from sysreview.report.record import NOTE_KINDS


@pytest.mark.parametrize(
    ("flag", "kind"),
    [
        (FLAG_SE, "sd_from_se"),
        (flag_ci(0.95), "sd_from_ci"),
        (flag_ci(0.9), "sd_from_ci"),
        (flag_ci(0.999), "sd_from_ci"),
        (FLAG_T, "sd_from_t"),
        (FLAG_P, "sd_from_p"),
        (flag_median("S2"), "median"),
        (FLAG_CHANGE, "change"),
    ],
)
def test_each_conversion_flag_has_its_own_kind(flag: str, kind: str) -> None:
    assert _note_kind(flag) == kind
    assert kind in NOTE_KINDS


def test_an_unknown_sd_conversion_is_a_footnote_but_not_counted_as_a_ci() -> None:
    assert _note_kind("sd from a regression coefficient (x)") == "other"
    assert _note_kind(FLAG_NO_SPREAD) is None
    assert _note_kind("unresolved discrepancy between reviewers: latest value used") is None
