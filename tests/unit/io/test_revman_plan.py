"""A RevMan review as a sysreview plan (``io.revman_plan``): domains, settings, mapping."""

from __future__ import annotations

import dataclasses

import pytest

from sysreview.errors import InputError
from sysreview.io.revman_plan import COMPARATOR, derived_mapping, plan_review, protocol_text
from sysreview.protocol import parse_protocol
from sysreview.revman import read_rm5
from tests.conftest import shared_path

pytestmark = pytest.mark.shared


def _review(name: str = "antibiotics-for-sore-throat.rm5"):  # type: ignore[no-untyped-def]
    return read_rm5(shared_path("golden", "revman", name))


def test_protocol_carries_revman_settings_per_analysis() -> None:
    review = _review("CD011564StatsDataOnly.rm5")
    plan = plan_review(review)
    protocol = parse_protocol(protocol_text(plan))
    domains = {d.name: d for _, d in protocol.outcomes.domains()}
    assert [a.domain for a in plan.analyses] == list(domains)
    for a in plan.analyses:
        d = domains[a.domain]
        assert d.label == a.label
        assert d.analysis is not None
        settings = (d.analysis.measure, d.analysis.method, d.analysis.model)
        assert tuple(str(x) for x in settings) == (a.measure, a.method, a.model)
        assert [m.higher_is_better for m in d.measures] == [True]  # RevMan's direction kept
    assert protocol.comparators.codes() == (COMPARATOR,)
    assert protocol.analysis.min_studies == 2
    assert protocol.review.title == review.title
    vitamin = plan.planned("1.15 Vitamin D status (ng/mL)")
    assert vitamin is not None and (vitamin.measure, vitamin.method, vitamin.model) == (
        "MD",
        "IV",
        "random",
    )


def test_title_is_escaped() -> None:
    plan = dataclasses.replace(plan_review(_review()), title='A "quoted" title \\ with\ttab')
    assert parse_protocol(protocol_text(plan)).review.title == 'A "quoted" title \\ with\ttab'


def test_subgroups_are_domains_and_left_out_parts_say_why() -> None:
    review = _review()
    plan = plan_review(review)
    fever = plan.planned("2.3.1 Symptom of fever on day 3: children")
    assert fever is not None and fever.domain == "c2_o3_s1" and fever.subgroup is not None
    assert fever.note == "1 estimable study: sysreview pools two or more"
    reasons = {x.label: x.reason for x in plan.left_out}
    assert reasons["2.3 Symptom of fever on day 3: children compared with adults"].startswith(
        "test for subgroup differences"
    )
    whole = "1.4 Symptom of sore throat on day 3: GABHS-positive throat swab, negative swab, "
    whole += "untested/inseparable"
    assert plan.planned(whole) is None  # Chapple 1956 is in two of its subgroups
    assert next(x.reason for x in plan.left_out if x.label == whole) == (
        "study 'Chapple 1956' appears twice (RevMan counts it twice; sysreview compares a "
        "study once per domain)"
    )


def test_generic_inverse_variance_is_left_out() -> None:
    plan = plan_review(_review("CD007419StatsDataOnly.rm5"))
    assert plan.analyses == ()
    assert [x.reason for x in plan.left_out] == [
        "generic inverse variance: an estimate and its SE per study, no per-arm data"
    ]
    with pytest.raises(InputError, match="no analysis of the review has per-arm data"):
        protocol_text(plan)


def test_derived_mapping_refuses_what_it_cannot_decide() -> None:
    review = _review("Fleiss1993.rm5")
    text = protocol_text(plan_review(review))
    mapping = derived_mapping(review, parse_protocol(text), "f.rm5")
    assert set(mapping.targets) == {a.label for a in plan_review(review).analyses}
    two_codes = text.replace(
        'label = "Control (RevMan\'s group 2)" },',
        'label = "Control (RevMan\'s group 2)" },\n  { code = "WL", label = "Wait" },',
    )
    assert derived_mapping(review, parse_protocol(two_codes), "f.rm5").comparator == COMPARATOR
    other = two_codes.replace(f'code = "{COMPARATOR}"', 'code = "TAU"')
    with pytest.raises(InputError, match=r"several comparator codes \(TAU, WL\)"):
        derived_mapping(review, parse_protocol(other), "f.rm5")
    measures = text.replace(
        "higher_is_better = true, validated = true }]",
        'higher_is_better = true, validated = true }, { name = "X", higher_is_better = true, '
        "validated = true }]",
        1,
    )
    with pytest.raises(InputError, match="declares 2 measures"):
        derived_mapping(review, parse_protocol(measures), "f.rm5")
