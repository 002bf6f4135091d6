"""The analysis-ready types (``comparisons``): selection by domain and timepoint, text, rows.

Built directly here; :mod:`tests.unit.extraction.test_analysis_ready` checks how
:func:`~sysreview.extraction.analysis_ready.analysis_ready` fills them.
"""

from __future__ import annotations

import pytest

from sysreview.extraction.comparisons import AnalysisReady, Comparison, Exclusion
from sysreview.protocol.analysis import MultiArm


def _comparison(study: str, domain: str, timepoint: str, **numbers: float) -> Comparison:
    return Comparison(
        study, domain, timepoint, 0.0, "CES-D", False, True, ("peer",), ("usual",), "TAU",
        **numbers,  # type: ignore[arg-type]
    )  # fmt: skip


@pytest.fixture
def ready() -> AnalysisReady:
    comparisons = (
        _comparison("A", "depression", "post_intervention", n_e=40, n_c=42, mean_e=-20,
                    sd_e=8, mean_c=-24, sd_c=9),
        _comparison("B", "depression", "long_term", n_e=30, n_c=31, events_e=5, events_c=9),
    )  # fmt: skip
    exclusions = (
        Exclusion("C", "depression", "post_intervention", "no SD reported"),
        Exclusion("D", "depression", None, "no arm of comparator type 'TAU'"),
        Exclusion("E", "hope", "post_intervention", "no numbers"),
    )
    return AnalysisReady(comparisons, exclusions, MultiArm(strategy="combine"))


def test_select_and_excluded_by_domain_and_timepoint(ready: AnalysisReady) -> None:
    assert [c.study_id for c in ready.select("depression", "post_intervention")] == ["A"]
    assert [c.study_id for c in ready.select("depression", "long_term")] == ["B"]
    assert ready.select("hope", "post_intervention") == ()
    # an exclusion without a timepoint applies at every timepoint
    assert [e.study_id for e in ready.excluded("depression", "post_intervention")] == ["C", "D"]
    assert [e.study_id for e in ready.excluded("depression", "long_term")] == ["D"]


def test_comparison_counts_and_kind(ready: AnalysisReady) -> None:
    continuous, dichotomous = ready.comparisons
    assert (continuous.participants, continuous.is_dichotomous) == (82, False)
    assert (dichotomous.participants, dichotomous.is_dichotomous) == (61, True)
    with pytest.raises(TypeError):
        continuous.attributes["year"] = 2020  # type: ignore[index]


def test_exclusion_and_summary_text(ready: AnalysisReady) -> None:
    assert str(ready.exclusions[0]) == (
        "C excluded from depression (post intervention): no SD reported"
    )
    assert str(ready.exclusions[1]) == "D excluded from depression: no arm of comparator type 'TAU'"
    lines = ready.summary().splitlines()
    assert lines[0].startswith("2 comparisons (") and lines[0].endswith("; 3 exclusions")
    assert lines[1:] == [f"  {e}" for e in ready.exclusions]


def test_to_frame_has_one_unrounded_row_per_comparison(ready: AnalysisReady) -> None:
    frame = ready.to_frame()
    assert list(frame["study"]) == ["A", "B"]
    assert list(frame.columns) == list(ready.comparisons[0].row())
    first = frame.iloc[0]
    assert (first["mean_e"], first["sd_c"], first["intervention_arms"]) == (-20, 9, "peer")
    assert frame.iloc[1]["events_c"] == 9
