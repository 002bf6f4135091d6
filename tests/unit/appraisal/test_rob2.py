"""RoB 2 assessments: the algorithm's judgements per domain and overall, as frame and text.

The algorithms themselves are tested branch by branch in test_rob2_algorithms.py.
"""

from __future__ import annotations

import pytest

from sysreview.appraisal.rob2 import Effect, Rob2Assessment
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB2_DOMAINS

D1, D2, D3, D4, D5 = ROB2_DOMAINS
SC = "some_concerns"


def _a(spec: str) -> dict[str, str]:
    """``"1.1=Y 1.2=PN"`` → ``{"1.1": "Y", "1.2": "PN"}``."""
    return dict(pair.split("=") for pair in spec.split())


def _assessment(effect: Effect = Effect.ASSIGNMENT) -> Rob2Assessment:
    answers = {
        D1: _a("1.1=Y 1.2=Y 1.3=N"),
        D2: _a("2.1=Y 2.2=Y 2.3=NI 2.6=Y"),
        D3: _a("3.1=Y"),
        D4: _a("4.1=N 4.2=N 4.3=N"),
        D5: _a("5.1=NI 5.2=N 5.3=N"),
    }
    return Rob2Assessment("Roe 2018", "recovery, post-intervention", answers, effect)


def test_assessment() -> None:
    a = _assessment()
    assert a.domain_judgements == {D1: "low", D2: SC, D3: "low", D4: "low", D5: SC}
    assert a.overall == SC
    frame = a.to_frame()
    assert len(frame) == 3 + 7 + 4 + 5 + 3
    assert set(frame.columns) == {
        "study", "result", "domain", "question", "answer", "domain_judgement",
    }  # fmt: skip
    assert frame.loc[frame["question"] == "2.7", "answer"].item() == "NA"
    assert "some_concerns" in a.summary().splitlines()[-1]
    adhering = _assessment(Effect.ADHERING)
    assert adhering.domain_judgements[D2] == SC  # 2.3 NI is a problem; 2.6 Y rescues it
    assert len(adhering.to_frame()) == 3 + 6 + 4 + 5 + 3


def test_assessment_validates_eagerly() -> None:
    with pytest.raises(InputError, match="missing"):
        Rob2Assessment("Roe 2018", "x", {D1: _a("1.1=Y 1.2=Y 1.3=N")})
    with pytest.raises(InputError, match=r"column '1\.3'"):
        Rob2Assessment("Roe 2018", "x", {**{d: {} for d in ROB2_DOMAINS}, D1: _a("1.2=Y")})
