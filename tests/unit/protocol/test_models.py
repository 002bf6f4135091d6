"""Frozen models, the pure rules they carry (RoB overall, timepoints, bands, sampling)."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

import sysreview.protocol as protocol_pkg
from sysreview.protocol import (
    ROB1_DOMAINS,
    Evidence,
    Magnitude,
    Pick,
    Protocol,
    RiskOfBias,
    Selection,
    Timepoints,
    TitleAbstract,
    Tool,
    parse_protocol,
)
from tests.unit.protocol.util import SEED, assign

KEY = ("random_sequence_generation", "allocation_concealment", "incomplete_outcome_data",
       "selective_reporting")  # fmt: skip
ROB = RiskOfBias(tool=Tool.ROB1, key_domains=KEY)
JUDGEMENTS = st.fixed_dictionaries(
    {d: st.sampled_from(["low", "unclear", "high"]) for d in ROB1_DOMAINS}
)


@pytest.fixture(scope="module")
def seed() -> Protocol:
    return parse_protocol(SEED)


def test_public_names_resolve() -> None:
    assert protocol_pkg.__all__ == sorted(protocol_pkg.__all__, key=lambda n: (not n.isupper(), n))
    for name in protocol_pkg.__all__:
        assert hasattr(protocol_pkg, name)


def test_frozen(seed: Protocol) -> None:
    with pytest.raises(ValidationError, match="frozen"):
        assign(seed.analysis, "min_studies", 2)
    with pytest.raises(ValidationError, match="frozen"):
        assign(seed, "review", seed.review)
    with pytest.raises(TypeError):
        seed.outcomes.groups[0].domains[0].measures[0] = None  # type: ignore[index]
    assert hash(seed.comparators.types) is not None  # tuples all the way down


def test_summary_mentions_the_plan(seed: Protocol) -> None:
    text = seed.summary()
    assert "Registered: PROSPERO CRD42019145217" in text
    assert "Title/abstract: 10% dual-screened (first), blind, resolution by arbiter" in text
    assert "Pool when >= 3 studies; I² > 50% substantial; funnel tests when >= 10 studies" in text


@given(JUDGEMENTS)
def test_rob_overall_rule(judgements: dict[str, str]) -> None:
    overall = ROB.overall_judgement(judgements)
    keys = [judgements[d] for d in KEY]
    if all(j == "low" for j in judgements.values()):
        assert overall == "low"
    elif "high" in keys:
        assert overall == "high"  # high wins
    elif "unclear" in keys:
        assert overall == "unclear"
    else:
        assert overall == ROB.overall.otherwise == "unclear"


def test_rob_overall_refuses_bad_judgements() -> None:
    with pytest.raises(ValueError, match="Invalid judgement 'medium' for other_bias"):
        ROB.overall_judgement({**dict.fromkeys(ROB1_DOMAINS, "low"), "other_bias": "medium"})
    with pytest.raises(ValueError, match="Invalid judgement None for selective_reporting"):
        ROB.overall_judgement(dict.fromkeys(ROB1_DOMAINS[:5], "low"))


def test_rob2_uses_its_own_judgements() -> None:
    rob = RiskOfBias.model_validate(
        {"tool": "rob2", "key_domains": ["randomisation_process"],
         "overall": {"worst_of": "all_domains", "otherwise": "some_concerns"}}
    )  # fmt: skip
    low = dict.fromkeys(rob.tool.domains, "low")
    assert (
        rob.overall_judgement({**low, "missing_outcome_data": "some_concerns"}) == "some_concerns"
    )


@given(st.lists(st.floats(0, 300, allow_nan=False), max_size=8), st.sampled_from([26.0, 52.0]))
def test_timepoint_selection(weeks: list[float], short: float) -> None:
    t = Timepoints(short_term_max_weeks=short, long_term_after_weeks=52)
    chosen = t.select(weeks)
    short_term = [w for w in weeks if 0 < w <= short]
    assert chosen.get("short_term") == (max(short_term) if short_term else None)
    long_term = [w for w in weeks if w > 52]
    assert chosen.get("long_term") == (max(long_term) if long_term else None)
    assert ("post_intervention" in chosen) == (0 in weeks)
    assert set(chosen) <= {"post_intervention", "short_term", "long_term"}


def test_timepoint_gap_and_earliest() -> None:
    t = Timepoints(short_term_max_weeks=26, long_term_after_weeks=52, short_term_pick=Pick.EARLIEST)
    assert t.classify(40) is None
    assert t.select([4, 12, 26]) == {"short_term": 4}
    with pytest.raises(ValueError, match=">= 0"):
        t.classify(-1)


@given(st.floats(0, 1, allow_nan=False), st.floats(0, 1, allow_nan=False))
def test_evidence_is_monotone(p1: float, p2: float) -> None:
    e = Evidence()
    lo, hi = sorted((p1, p2))
    assert e.labels.index(e.band(lo)) >= e.labels.index(e.band(hi))


@given(st.floats(-5, 5, allow_nan=False), st.floats(-5, 5, allow_nan=False))
def test_magnitude_is_monotone_in_size_and_ignores_sign(g1: float, g2: float) -> None:
    m = Magnitude()
    assert m.band(g1) == m.band(-g1)
    small, large = sorted((abs(g1), abs(g2)))
    assert m.labels.index(m.band(small)) <= m.labels.index(m.band(large))


@given(st.integers(0, 500), st.floats(0, 1, allow_nan=False), st.integers(0, 2**32))
def test_dual_screening_sample(n: int, fraction: float, seed: int) -> None:
    records = [f"rec{i}" for i in range(n)]
    first = TitleAbstract(dual_fraction=fraction)
    random_ = TitleAbstract(dual_fraction=fraction, selection=Selection.RANDOM, seed=seed)
    size = min(n, math.ceil(fraction * n - 1e-9))
    assert first.dual_screened(records) == tuple(records[:size])
    chosen = random_.dual_screened(records)
    assert len(chosen) == size and set(chosen) <= set(records)
    assert list(chosen) == sorted(chosen, key=records.index)  # screening order kept
    assert random_.dual_screened(records) == chosen  # reproducible from the seed
