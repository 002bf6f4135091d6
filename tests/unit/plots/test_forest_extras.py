"""Forest plot extras: cited study labels, footnote letters, RevMan 5.3 risk-of-bias columns."""

from __future__ import annotations

import pytest

from sysreview.effects import dichotomous_effects
from sysreview.errors import InputError
from sysreview.meta import meta_analysis
from sysreview.plots import RobColumns, forest_plot

ES = dichotomous_effects([4, 9, 7], [50, 60, 40], [10, 12, 9], [50, 61, 41], "RR",
                         studies=["Ames 2001", "Bell 2004", "Cole 2010"])  # fmt: skip
ROB = RobColumns(
    (("A", "Random sequence generation"), ("B", "Allocation concealment")),
    {"Ames 2001": {"A": "low", "B": "unclear"}, "Bell 2004": {"A": "high"}},
)


def _texts(fig: object, gid: str) -> list[str]:
    return [t.get_text() for t in fig.axes[0].texts if t.get_gid() == gid]  # type: ignore[attr-defined]


def test_labels_footnotes_and_risk_of_bias_are_drawn() -> None:
    fig = forest_plot(
        meta_analysis(ES),
        study_labels={"Ames 2001": "Ames 2001 [1]", "Bell 2004": "Bell 2004 [2,3]"},
        notes={"Ames 2001": ["arms combined"], "Cole 2010": ["sd from SE", "arms combined"]},
        rob=ROB,
    )
    assert _texts(fig, "study:study") == ["Ames 2001 [1] ᵃ", "Bell 2004 [2,3]", "Cole 2010 ᵇᵃ"]
    assert _texts(fig, "footnote") == [
        "Footnotes", "(a) arms combined", "(b) sd from SE", "Risk of bias legend",
        "(A) Random sequence generation", "(B) Allocation concealment",
    ]  # fmt: skip
    circles = sorted(
        p.get_gid() for p in fig.axes[0].patches if (p.get_gid() or "").startswith("rob:")
    )
    assert circles == ["rob:Ames 2001:A:low", "rob:Ames 2001:B:unclear", "rob:Bell 2004:A:high"]
    assert _texts(fig, "rob:header") == ["Risk of Bias"]
    width = fig.get_size_inches()[0]
    plain = forest_plot(meta_analysis(ES))
    assert width > plain.get_size_inches()[0]  # the columns add room; nothing overlaps


def test_bad_risk_of_bias_columns_are_refused() -> None:
    with pytest.raises(InputError, match="no domain 'C'"):
        RobColumns((("A", "x"),), {"S": {"C": "low"}})
    with pytest.raises(InputError, match="must be one of low, unclear, some_concerns, high"):
        RobColumns((("A", "x"),), {"S": {"A": "fine"}})
    with pytest.raises(InputError, match="at least one domain"):
        RobColumns(())
