"""The extraction form generated from the protocol (issue 6)."""

from __future__ import annotations

import pytest

from sysreview.extraction.forms import PARTS, FieldType, Target, extraction_form
from sysreview.protocol import Protocol, parse_protocol, template_text


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    return parse_protocol(template_text("group-peer-support"))


def test_parts_and_keys(protocol: Protocol) -> None:
    form = extraction_form(protocol)
    assert tuple(p.name for p in form.parts) == PARTS
    assert form.studies.key == ("study_id",)
    assert form.arms.key == ("study_id", "arm")
    assert form.outcomes.key == ("study_id", "arm", "domain", "measure", "weeks_after_end")
    for part in form.parts:
        for name in part.key:
            assert part.field(name).required, (part.name, name)
        assert {"report", "location"} <= set(part.names)


def test_study_fields_cover_the_cochrane_form(protocol: Protocol) -> None:
    names = set(extraction_form(protocol).studies.names)
    wanted = {
        "aims",
        "setting",
        "country",
        "duration_weeks",
        "eligibility",
        "n_randomised",
        "age",
        "gender",
        "ethnicity",
        "diagnoses",
        "baseline_imbalance",
        "attrition",
        "dropouts_described",  # the seed's attrition rule: drop-outs described or not
    }
    assert wanted <= names


def test_study_attributes_use_the_filter_vocabulary(protocol: Protocol) -> None:
    from sysreview.protocol.filters import STUDY_ATTRIBUTES

    form = extraction_form(protocol)
    attributes = [f.name for f in form.studies.fields if f.target is Target.ATTRIBUTE]
    assert attributes and set(attributes) <= set(STUDY_ATTRIBUTES)


def test_arm_types_are_intervention_plus_the_protocol_comparator_codes(protocol: Protocol) -> None:
    spec = extraction_form(protocol).arms.field("arm_type")
    assert spec.type is FieldType.CHOICE and spec.required
    assert spec.choices == ("intervention", *protocol.comparators.codes())
    assert spec.choices == ("intervention", "TAU", "WL", "active")


def test_outcome_choices_and_scales_come_from_the_protocol(protocol: Protocol) -> None:
    form = extraction_form(protocol)
    domains = [d.name for _, d in protocol.outcomes.domains()]
    assert form.outcomes.field("domain").choices == tuple(domains)
    assert set(form.outcomes.field("measure").choices) == protocol.outcomes.measure_names()
    assert form.measures["depression"] == ("CES-D", "BDI-II")
    assert form.scale("hope", "Herth Hope Index") == (12.0, 48.0)
    assert form.scale("recovery", "Study-specific recovery items") is None


def test_numeric_groups_of_an_outcome_row(protocol: Protocol) -> None:
    form = extraction_form(protocol)
    groups: dict[str, list[str]] = {}
    for f in form.outcomes.fields:
        if f.group:
            groups.setdefault(f.group, []).append(f.name)
    assert groups == {
        "mean_sd": ["mean", "sd"],
        "mean_se": ["se"],
        "mean_ci": ["ci_low", "ci_high", "ci_level"],
        "mean_test": ["t", "p"],
        "median": ["median", "q1", "q3", "minimum", "maximum"],
        "change": ["mean_change", "sd_change"],
        "events": ["events"],
    }
    weeks = form.outcomes.field("weeks_after_end")
    assert weeks.required and weeks.minimum == 0 and "END" in weeks.help


def test_every_field_has_help_and_frame_and_summary_list_them(protocol: Protocol) -> None:
    form = extraction_form(protocol)
    frame = form.to_frame()
    assert len(frame) == sum(len(p.fields) for p in form.parts)
    assert frame["help"].str.len().min() > 5
    text = form.summary()
    assert "arm_type: choice, required [intervention, TAU, WL, active]" in text


def test_unknown_part_and_field_are_key_errors(protocol: Protocol) -> None:
    form = extraction_form(protocol)
    with pytest.raises(KeyError, match="must be one of studies, arms, outcomes"):
        form.part("rob")
    with pytest.raises(KeyError, match="the arms form has no field 'dose'"):
        form.arms.field("dose")


def test_form_is_immutable(protocol: Protocol) -> None:
    form = extraction_form(protocol)
    with pytest.raises(TypeError):
        form.measures["x"] = ()  # type: ignore[index]
