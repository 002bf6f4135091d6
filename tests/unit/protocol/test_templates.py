"""Both templates load; the seed template holds the seed review's method (SEED.md)."""

from __future__ import annotations

import json
import random
import re
import typing
from datetime import date
from pathlib import Path

import pytest
from pydantic import BaseModel

from sysreview.protocol import (
    ROB1_DOMAINS,
    TEMPLATES,
    MultiArmStrategy,
    Protocol,
    Role,
    Selection,
    Tool,
    load_protocol,
    parse_protocol,
    template_text,
)
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method
from tests.unit.protocol.util import BLANK, SEED


@pytest.fixture(scope="module")
def seed() -> Protocol:
    return parse_protocol(SEED, source="group-peer-support.toml")


@pytest.mark.parametrize("name", TEMPLATES)
def test_every_template_loads(name: str, tmp_path: Path) -> None:
    path = tmp_path / "review.toml"
    path.write_text(template_text(name), encoding="utf-8")
    protocol = load_protocol(path)
    assert protocol == parse_protocol(template_text(name))
    assert protocol.summary().splitlines()[0] == protocol.review.title


def _field_names(model: type[BaseModel], seen: set[type[BaseModel]]) -> set[str]:
    names = set(model.model_fields)
    seen.add(model)
    for field in model.model_fields.values():
        stack = [field.annotation]
        while stack:
            ann = stack.pop()
            if isinstance(ann, type) and issubclass(ann, BaseModel):
                if ann not in seen:
                    names |= _field_names(ann, seen)
            else:
                stack.extend(typing.get_args(ann))
    return names


def test_blank_template_mentions_every_key() -> None:
    """Every key of every section appears in the skeleton, as a key or in a comment."""
    words = set(re.findall(r"[A-Za-z_0-9]+", BLANK))
    missing = _field_names(Protocol, set()) - words
    assert missing == set()


def test_seed_review(seed: Protocol) -> None:
    review = seed.review
    assert review.registration is not None
    assert (review.registration.registry, review.registration.id) == ("PROSPERO", "CRD42019145217")
    assert review.question.population.startswith("Adults (18 or over)")
    assert [r.id for r in review.reviewers] == ["R1", "R2", "R3"]
    assert [r.id for r in review.with_role(Role.SCREENER)] == ["R1", "R2"]
    assert [r.id for r in review.with_role(Role.ARBITER)] == ["R3"]


def test_seed_search(seed: Protocol) -> None:
    dbs = seed.search.databases
    assert [(d.name, d.interface) for d in dbs] == [
        ("PsycINFO", "Ovid"),
        ("MEDLINE", "Ovid"),
        ("Embase", "Ovid"),
        ("Cochrane CENTRAL", "Wiley"),
    ]
    assert {d.searched for d in dbs} == {date(2019, 7, 13)}
    assert {d.coverage for d in dbs} == {"inception"}
    assert seed.search.language_limits == ()
    assert "Cochrane Highly Sensitive Search Strategy" in dbs[1].strategy
    assert "Royle & Waugh" in dbs[0].strategy and "P3" in dbs[2].strategy
    assert {"ClinicalTrials.gov", "WHO ICTRP"} <= set(seed.search.other_sources)


def test_seed_eligibility(seed: Protocol) -> None:
    el = seed.eligibility
    assert "individually randomised" in el.design.include[0]
    assert el.design.exclude == (
        "Cluster-randomised trial",
        "Incomplete trial",
        "Quasi-randomised or partially randomised design",
    )
    assert "Any professional facilitation or co-facilitation" in el.interventions.exclude
    assert len(el.exclusion_reasons) == 10


def test_seed_outcomes(seed: Protocol) -> None:
    groups = {g.name: [d.name for d in g.domains] for g in seed.outcomes.groups}
    assert groups == {
        "personal_recovery": [
            "recovery", "connectedness", "hope", "identity", "meaning", "empowerment",
            "self_esteem", "confidence", "self_efficacy", "quality_of_life",
        ],
        "clinical_recovery": [
            "global_symptoms", "depression", "anxiety", "psychosis", "social_functioning",
        ],
        "acute_service_use": ["admissions", "crisis_care", "bed_days"],
        "social_outcomes": ["employment", "independent_living", "social_support"],
    }  # fmt: skip
    chime = [d.name for _, d in seed.outcomes.domains() if d.description == "CHIME component"]
    assert chime == ["connectedness", "hope", "identity", "meaning", "empowerment"]
    qpr = seed.outcomes.domain("recovery").measures[0]
    assert (qpr.name, qpr.scale_min, qpr.scale_max, qpr.higher_is_better, qpr.validated) == (
        "QPR", 0, 60, True, True,
    )  # fmt: skip
    cesd = seed.outcomes.domain("depression").measures[0]
    assert (cesd.name, cesd.higher_is_better) == ("CES-D", False)
    unvalidated = [
        m.name for _, d in seed.outcomes.domains() for m in d.measures if not m.validated
    ]
    assert unvalidated == ["Study-specific recovery items"]


def test_seed_timepoints_and_comparators(seed: Protocol) -> None:
    t = seed.timepoints
    assert (t.post_intervention, t.short_term_max_weeks, t.long_term_after_weeks) == (True, 52, 52)
    assert t.select([0, 26, 52, 60, 104]) == {
        "post_intervention": 0, "short_term": 52, "long_term": 104,
    }  # fmt: skip
    assert seed.comparators.codes() == ("TAU", "WL", "active")
    rule = seed.comparators.multi_arm
    assert (rule.strategy, rule.combine) == (MultiArmStrategy.COMBINE, ("TAU", "active"))


def test_seed_analysis_plan(seed: Protocol) -> None:
    a = seed.analysis
    assert (a.model, a.method, a.tau2_method, a.ci_method, a.level, a.convention) == (
        Model.RANDOM, Method.IV, Tau2Method.DL, CIMethod.Z, 95, Convention.REVMAN,
    )  # fmt: skip
    em = a.effect_measure
    assert (em.same_instrument, em.different_instruments) == (Measure.MD, Measure.SMD)
    assert (a.min_studies, a.substantial_i2, a.funnel_min_studies) == (3, 50, 10)
    assert a.evidence.p_thresholds == (0.1, 0.01, 0.001)
    assert a.evidence.labels == ("no", "weak", "strong", "very strong")
    assert a.magnitude.thresholds == (0.2, 0.5, 0.8)
    assert a.magnitude.labels == ("negligible", "small", "medium", "large")
    # SEED §8: recovery p = 0.002 is strong evidence; hope p = 0.50 is no evidence.
    assert a.evidence.band(0.002) == "strong" and a.evidence.band(0.50) == "no"
    # SEED §7's bands as stated: below 0.2 is negligible (global symptoms in §8).
    assert [a.magnitude.band(g) for g in (0.19, 0.2, 0.5, 0.8)] == [
        "negligible", "small", "medium", "large",
    ]  # fmt: skip
    sens = {s.name: s.describe() for s in a.sensitivity}
    assert sens == {
        "low_rob": "overall_rob == 'low'",
        "tau_only": "comparator in ['TAU', 'WL']; use the TAU arm only, else the WL arm; a "
        "trial with neither is left out",
        "validated_measures": "measure_validated == true",
    }
    subs = {s.name: s.describe() for s in a.subgroups}
    assert subs == {
        "severity": "severe (population in ['severe']) vs other (population not_in ['severe'])",
        "structure": "structured (intervention_structured == true) vs "
        "unstructured (intervention_structured == false)",
    }


def test_seed_risk_of_bias_and_screening(seed: Protocol) -> None:
    rob = seed.risk_of_bias
    assert rob.tool is Tool.ROB1 and rob.tool.domains == ROB1_DOMAINS
    assert rob.key_domains == (
        "random_sequence_generation",
        "allocation_concealment",
        "incomplete_outcome_data",
        "selective_reporting",
    )
    assert (rob.second_reviewer_fraction, rob.attrition_threshold) == (0.10, 0.20)
    # SEED §5: the second appraiser's 10% and (§3) the second screener's 10% of excluded
    # full texts are random samples, reproducible from the recorded seed
    assert (rob.second_reviewer_selection, rob.second_reviewer_seed) == (Selection.RANDOM, 20190713)
    assert rob.attrition_rule == (0.20, 0.10)  # >20% undescribed: unclear; >10 points apart: high
    ta, ft = seed.screening.title_abstract, seed.screening.full_text
    assert (ta.dual_fraction, ta.selection, ta.seed) == (0.10, Selection.FIRST, None)
    assert (ft.selection, ft.seed) == (Selection.RANDOM, 20190713)
    assert (ft.second_reviewer_included, ft.second_reviewer_excluded, ft.blind) == (1.0, 0.1, True)
    excluded = list(range(87))  # SEED §3: 87 reports excluded at full text
    assert ft.second_screened(excluded) == tuple(
        sorted(random.Random(20190713).sample(excluded, 9))
    )
    assert (ft.first_reviewer, ft.second_reviewer, ft.arbiter) == ("R1", "R2", "R3")
    assert ft.contact_authors is True
    # SEED §2: 4277 records after deduplication; the first 10% are dual-screened.
    assert len(ta.dual_screened(range(4277))) == 428


def test_json_round_trip(seed: Protocol) -> None:
    text = seed.to_json()
    data = json.loads(text)
    assert data["review"]["registration"]["id"] == "CRD42019145217"
    assert data["search"]["databases"][0]["searched"] == "2019-07-13"
    assert data["analysis"]["tau2_method"] == "DL"
    assert data == seed.to_dict()
    assert Protocol.model_validate_json(text) == seed
    assert Protocol.model_validate(seed.to_dict()) == seed
    assert Protocol.model_validate(seed.model_dump()) == seed
