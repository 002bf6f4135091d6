"""An arm's mean and SD from SE, confidence intervals, medians and change scores.

Conversions are checked against published worked examples (the same ones pinned in
tests/published/test_conversion_examples.py), each tolerance half a unit in the last
printed digit.
"""

from __future__ import annotations

import math

import pytest

from sysreview.errors import InputError
from sysreview.extraction.mean_sd import FLAG_CHANGE, FLAG_SE, convert_outcome, flag_ci, flag_median


def test_mean_and_sd_as_given_are_not_flagged() -> None:
    assert convert_outcome({"mean": 12.0, "sd": 3.5, "se": 9.0}, 40) == (12.0, 3.5, ())


def test_sd_from_se_is_se_times_root_n() -> None:
    """Cochrane Handbook v6.4 section 6.5.2.2: SD = SE * sqrt(N)."""
    mean, sd, flags = convert_outcome({"mean": 4.0, "se": 0.5}, 25)
    assert (mean, flags) == (4.0, (FLAG_SE,))
    assert sd == pytest.approx(2.5, rel=1e-12)


def test_sd_from_ci_handbook_divisor_for_25_participants() -> None:
    """Handbook section 6.5.2.2: a 95% CI from 25 participants uses t = 2.0639, so the
    divisor 3.92 "would be replaced by 2 x 2.0639 = 4.128"."""
    mean, sd, flags = convert_outcome({"mean": 5.0, "ci_low": 3.0, "ci_high": 7.0}, 25)
    assert sd is not None and mean == 5.0
    assert math.sqrt(25) * (7.0 - 3.0) / sd == pytest.approx(4.128, abs=5e-4)
    assert flags == (flag_ci(0.95),)
    assert flags[0] == "sd from 95% CI (Cochrane Handbook 6.5.2.2; t with n - 1 df)"


def test_median_range_luo_mean_metablue_example() -> None:
    """metaBLUE 1.0.0, Luo.mean: X = c(1, 4, 10), n = 30, type "S1" gives 4.356748."""
    mean, _, flags = convert_outcome({"median": 4.0, "minimum": 1.0, "maximum": 10.0}, 30)
    assert mean == pytest.approx(4.356748, abs=5e-7)
    assert flags == (flag_median("S1"),)
    assert "median/range" in flags[0] and "flagged" in flags[0]


def test_change_scores_are_used_as_mean_and_sd() -> None:
    assert convert_outcome({"mean_change": -2.5, "sd_change": 4.0}, 30) == (
        -2.5,
        4.0,
        (FLAG_CHANGE,),
    )


def test_conversion_needs_n() -> None:
    with pytest.raises(InputError, match="n is needed to convert se"):
        convert_outcome({"mean": 1.0, "se": 0.2}, None)
