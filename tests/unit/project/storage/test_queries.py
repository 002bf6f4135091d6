"""Derived current state: the latest event per key wins; resolutions are kept apart."""

from __future__ import annotations

import pytest

from sysreview.project.storage import (
    DecisionEvent,
    DuplicateLink,
    ExtractionValue,
    OutcomeData,
    RobJudgement,
    Store,
    StoreError,
    current_decisions,
    current_duplicate_links,
    current_extraction_values,
    current_judgements,
    current_outcome_data,
)
from tests.unit.project.factories import add_batch, add_reviewers, populate


def test_current_decisions_latest_per_record_and_reviewer_plus_resolution(store: Store) -> None:
    with store.session() as s:
        r1, r2 = (r.id for r in add_batch(s, n=2).records)
        a, b, arb = (r.id for r in add_reviewers(s, "A", "B", "ARB"))

        def decide(record: int, who: int, decision: str, **kw: str) -> None:
            s.add(DecisionEvent(record_id=record, reviewer_id=who, decision=decision, **kw))
            s.flush()

        decide(r1, a, "include", stage="ta")
        decide(r1, a, "exclude", stage="ta", reason="not an RCT")  # a changes her mind
        decide(r1, b, "include", stage="ta")
        decide(r1, arb, "include", stage="ta", kind="resolution")
        decide(r1, arb, "exclude", stage="ta", kind="resolution")  # the arbiter corrects
        decide(r2, b, "maybe", stage="ta")
        decide(r2, a, "include", stage="ft")
    with store.session(readonly=True) as s:
        ta = [(d.record_id, d.reviewer_id, d.kind, d.decision) for d in current_decisions(s, "ta")]
        ft = [(d.record_id, d.reviewer_id, d.decision) for d in current_decisions(s, "ft")]
    assert ta == [
        (r1, a, "decision", "exclude"),
        (r1, b, "decision", "include"),
        (r1, arb, "resolution", "exclude"),
        (r2, b, "decision", "maybe"),
    ]
    assert ft == [(r2, a, "include")]


def test_unknown_stage_is_refused(store: Store) -> None:
    expected = "Invalid stage 'tiab'; must be one of ta, ft"
    with pytest.raises(StoreError, match=expected), store.session(readonly=True) as s:
        current_decisions(s, "tiab")


def test_other_current_views(store: Store) -> None:
    populate(store)
    with store.session() as s:
        links = current_duplicate_links(s)
        judgements = current_judgements(s)
        values = current_extraction_values(s, entity="study")
        numbers = current_outcome_data(s)
        study_id = judgements[0].study_id
        arm_id = numbers[0].arm_id
        s.add_all(
            [
                RobJudgement(study_id=study_id, tool="rob1", domain="random sequence generation",
                             judgement="low", kind="consensus", reviewer_id=values[0].reviewer_id),
                ExtractionValue(entity="study", entity_id=study_id, key="country", value="Sweden",
                                reviewer_id=values[0].reviewer_id),
                OutcomeData(arm_id=arm_id, outcome_measure_id=numbers[0].outcome_measure_id,
                            timepoint="post", mean=0.2, sd=1.0, n=50,
                            entered_by=numbers[0].entered_by),
            ]
        )  # fmt: skip
    assert [(link.status, link.reviewer_id is not None) for link in links] == [("confirmed", True)]
    assert sorted(j.judgement for j in judgements) == ["low", "unclear"]
    assert [v.value for v in values] == [{"name": "Norway", "sites": [1, 2.5, None, True]}]
    assert len(numbers) == 2
    with store.session(readonly=True) as s:
        assert sorted((j.kind, j.judgement) for j in current_judgements(s, study_id)) == [
            ("consensus", "low"), ("reviewer", "low"), ("reviewer", "unclear")
        ]  # fmt: skip
        assert [v.value for v in current_extraction_values(s, "study", study_id)] == ["Sweden"]
        assert [o.mean for o in current_outcome_data(s, arm_id)] == [0.2]
        assert len(current_outcome_data(s)) == 2
        assert len(s.query(DuplicateLink).all()) == 2  # history kept
