"""RoB 2's signalling questions: the guidance's boxes, and the protocol's vocabulary.

Source: Higgins JPT et al. (eds), RoB 2 full guidance document, 22 August 2019.
"""

from __future__ import annotations

from sysreview.appraisal.rob2_questions import JUDGEMENTS, Effect, questions
from sysreview.protocol.appraisal import ROB2_DOMAINS, Tool

D1, D2, D3, D4, D5 = ROB2_DOMAINS


def test_vocabulary_matches_protocol() -> None:
    assert Tool.ROB2.judgements == JUDGEMENTS
    ids = {d: [q.id for q in questions(d)] for d in ROB2_DOMAINS}
    assert ids[D1] == ["1.1", "1.2", "1.3"]
    assert ids[D2] == [f"2.{i}" for i in range(1, 8)]
    assert [q.id for q in questions(D2, Effect.ADHERING)] == [f"2.{i}" for i in range(1, 7)]
    assert ids[D3] == ["3.1", "3.2", "3.3", "3.4"]
    assert ids[D4] == ["4.1", "4.2", "4.3", "4.4", "4.5"]
    assert ids[D5] == ["5.1", "5.2", "5.3"]
