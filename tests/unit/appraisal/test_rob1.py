"""RoB 1: domains and the overall rule (SEED §5; Handbook v5.1 section 8.7)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.appraisal.rob1 import (
    DOMAINS,
    JUDGEMENTS,
    KEY_DOMAINS,
    BiasType,
    DomainJudgement,
    Rob1Assessment,
    overall_rob1,
)
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB1_DOMAINS, OverallRule, Scope, Tool

LOW = dict.fromkeys(ROB1_DOMAINS, "low")


def test_domains_are_the_protocol_ids_with_bias_types() -> None:
    """Higgins et al. 2011 Table 2 / Handbook v5.1 Table 8.5.a: seven domains, six bias types."""
    assert tuple(d.id for d in DOMAINS) == ROB1_DOMAINS
    assert [d.bias for d in DOMAINS].count(BiasType.SELECTION) == 2
    assert KEY_DOMAINS == (
        "random_sequence_generation",
        "allocation_concealment",
        "incomplete_outcome_data",
        "selective_reporting",
    )
    assert Tool.ROB1.judgements == JUDGEMENTS


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, "low"),
        ({"allocation_concealment": "unclear"}, "unclear"),
        ({"incomplete_outcome_data": "high"}, "high"),
        ({"selective_reporting": "unclear", "random_sequence_generation": "high"}, "high"),
        ({"blinding_participants_personnel": "high"}, "unclear"),
        ({"other_bias": "unclear"}, "unclear"),
    ],
)
def test_overall_rule_of_the_seed(changes: dict[str, str], expected: str) -> None:
    """SEED §5: low only if all low; key high/unclear → high/unclear (high wins)."""
    assert overall_rob1({**LOW, **changes}) == expected


def test_otherwise_is_configurable() -> None:
    """Non-key problems with all key domains low give ``otherwise``."""
    j = {**LOW, "blinding_outcome_assessment": "high"}
    assert overall_rob1(j, otherwise="high") == "high"
    assert overall_rob1(j, rule=OverallRule(otherwise="low")) == "low"
    all_scope = OverallRule(worst_of=Scope.ALL_DOMAINS)
    assert overall_rob1(j, rule=all_scope) == "high"


def test_invalid_input_raises_input_error() -> None:
    with pytest.raises(InputError, match="other_bias"):
        overall_rob1({**LOW, "other_bias": "moderate"})
    with pytest.raises(InputError, match="must be a RoB1 domain"):
        overall_rob1(LOW, key_domains=["sequence"])
    with pytest.raises(InputError, match="column 'other_bias'"):
        DomainJudgement("other_bias", "some_concerns")
    with pytest.raises(InputError, match="Invalid domain"):
        DomainJudgement("blinding", "low")


@given(st.fixed_dictionaries({d: st.sampled_from(JUDGEMENTS) for d in ROB1_DOMAINS}))
def test_overall_between_best_and_worst(j: dict[str, str]) -> None:
    """Overall is low iff all low and never worse than the worst domain."""
    overall = overall_rob1(j)
    worst = max(j.values(), key=JUDGEMENTS.index)
    assert (overall == "low") == (worst == "low")
    assert JUDGEMENTS.index(overall) <= JUDGEMENTS.index(worst)
    if any(j[d] == "high" for d in KEY_DOMAINS):
        assert overall == "high"


def test_assessment_frame_and_summary() -> None:
    judgements = tuple(
        DomainJudgement(d, "unclear" if d == "selective_reporting" else "low", "quote", "p. 2")
        for d in reversed(ROB1_DOMAINS)
    )
    a = Rob1Assessment("Doe 2015", judgements)
    assert a.overall == "unclear"
    frame = a.to_frame()
    assert list(frame["domain"]) == list(ROB1_DOMAINS)
    assert list(frame.columns) == ["study", "domain", "bias", "judgement", "support", "location"]
    text = a.summary()
    assert "Doe 2015" in text
    assert text.splitlines()[-1].split() == ["Overall", "unclear"]
    assert a.judgement("selective_reporting") == "unclear"


def test_assessment_needs_each_domain_once() -> None:
    with pytest.raises(InputError, match="Doe 2015"):
        Rob1Assessment("Doe 2015", (DomainJudgement("other_bias", "low"),))
