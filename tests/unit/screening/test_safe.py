"""SAFE (Boetje & van de Schoot 2024, Syst Rev 13:81): each criterion of phases A and F.

The paper states its rules in words and has no numeric worked example; these histories are
built so that each rule is exactly at its threshold.
"""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.screening.safe import estimated_relevant, safe_check

RANDOM_SET = [1] + [0] * 19  # 1 relevant of 20 at random: 5% of 1,000 = 50 expected


def history(n_relevant: int, run: int, total: int) -> list[int]:
    """``n_relevant`` relevant records, then irrelevant ones up to ``total``, ending in a
    run of ``run`` irrelevant records."""
    head = total - run
    y = [0] * head
    for i in range(n_relevant):
        y[head - 1 - 2 * i] = 1
    return y + [0] * run


def test_estimate_from_random_set() -> None:
    assert estimated_relevant(RANDOM_SET, 1000) == 50.0


def test_twice_rule_threshold() -> None:
    y = history(10, 50, 200)
    assert safe_check(y, 1000, random_set=[1, 1] + [0] * 18).met


def test_all_four_rules_at_their_thresholds() -> None:
    y = history(10, 50, 100)  # 100 screened = 2 x 50 = 10% of 1,000; 50 in a row
    check = safe_check(y, 1000, random_set=RANDOM_SET, key_papers_found=True)
    assert check.phase == "A" and check.met
    assert check.advice.startswith("switch to a different model")
    assert len(check.to_frame()) == 4


@pytest.mark.parametrize(
    ("y", "random_set", "key", "failing"),
    [
        (history(10, 49, 100), RANDOM_SET, True, "the last 50 screened irrelevant"),
        # 2 of 20 at random: 100 expected, so 200 must be screened
        (
            history(10, 50, 199),
            [1, 1] + [0] * 18,
            True,
            "twice the estimated relevant records screened",
        ),
        (history(10, 50, 100), RANDOM_SET, False, "every key paper found"),
    ],
)
def test_one_rule_short(y: list[int], random_set: list[int], key: bool, failing: str) -> None:
    check = safe_check(y, 1000, random_set=random_set, key_papers_found=key)
    assert not check.met
    assert [c.name for c in check.criteria if not c.met] == [failing]


def test_ten_percent_rule() -> None:
    # estimate 0 relevant: only the 10% and the run of 50 matter
    y = history(2, 60, 199)
    check = safe_check(y, 2000, random_set=[0] * 20)
    assert [c.name for c in check.criteria if not c.met] == ["at least 10% screened"]
    assert safe_check([*y, 0], 2000, random_set=[0] * 20).met


def test_phase_f_counts_only_after_the_switch() -> None:
    y = history(5, 50, 200) + [0] * 30  # 80 in a row, 30 of them after the switch at 200
    check = safe_check(y, 1000, random_set=RANDOM_SET, switched_at=200)
    assert check.phase == "F" and not check.met
    y += [0] * 20
    check = safe_check(y, 1000, random_set=RANDOM_SET, switched_at=200)
    assert check.met and check.advice.startswith("stop screening")
    assert "50 in a row since the switch after 200" in check.summary()


def test_bad_input() -> None:
    with pytest.raises(InputError, match="random set is empty"):
        safe_check([0, 1], 10, random_set=[])
    with pytest.raises(InputError, match="0 or 1"):
        safe_check([0, 2], 10, random_set=[0])
    with pytest.raises(InputError, match="switched_at"):
        safe_check([0, 1], 10, random_set=[0], switched_at=5)
