"""Guidance text covers every RoB 1 domain and every RoB 2 signalling question (both
variants of domain 2), and unknown names are refused with the allowed values."""

from __future__ import annotations

import pytest

from sysreview.appraisal import guidance, rob2
from sysreview.appraisal.rob2_questions import Effect
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB1_DOMAINS, ROB2_DOMAINS


def test_every_rob1_domain_has_criteria_for_each_judgement() -> None:
    assert tuple(guidance.ROB1_GUIDANCE) == ROB1_DOMAINS
    for domain in ROB1_DOMAINS:
        g = guidance.rob1_guidance(domain)
        assert all(len(text) > 30 for text in (g.question, g.low, g.high, g.unclear))
        assert len({g.low, g.high, g.unclear}) == 3


@pytest.mark.parametrize("effect", list(Effect))
def test_every_rob2_question_has_guidance(effect: Effect) -> None:
    for domain in ROB2_DOMAINS:
        assert len(guidance.rob2_domain_guidance(domain)) > 50
        for q in rob2.questions(domain, effect):
            assert len(guidance.rob2_question_guidance(domain, q.id, effect)) > 30


def test_the_adhering_variant_differs_for_domain_2() -> None:
    d2 = ROB2_DOMAINS[1]
    assignment = guidance.rob2_question_guidance(d2, "2.6")
    adhering = guidance.rob2_question_guidance(d2, "2.6", Effect.ADHERING)
    assert "Intention-to-treat" in assignment and "adhering" in adhering


def test_unknown_names_are_refused() -> None:
    with pytest.raises(InputError, match="must be one of random_sequence_generation"):
        guidance.rob1_guidance("blinding")
    with pytest.raises(InputError, match=r"no signalling question '1\.4'; its questions are 1\.1"):
        guidance.rob2_question_guidance("randomisation_process", "1.4")
    with pytest.raises(InputError, match="must be one of randomisation_process"):
        guidance.rob2_domain_guidance("d1")
