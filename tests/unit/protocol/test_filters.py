"""The filter language: what each operator means, and what a condition refuses."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from sysreview.protocol import STUDY_ATTRIBUTES, Condition, Kind, Operator, describe, matches
from tests.unit.protocol.util import assign

TEXTS = st.text(alphabet="abcTAU_", min_size=1, max_size=4)
NUMBERS = st.integers(min_value=-5, max_value=5) | st.floats(-5, 5, allow_nan=False)


def cond(attribute: str, operator: str, value: object) -> Condition:
    return Condition.model_validate({"attribute": attribute, "operator": operator, "value": value})


@pytest.mark.parametrize(
    ("operator", "value", "expected"),
    [
        ("==", 3, [False, True, False]),
        ("!=", 3, [True, False, True]),
        ("<", 3, [True, False, False]),
        ("<=", 3, [True, True, False]),
        (">", 3, [False, False, True]),
        (">=", 3, [False, True, True]),
        ("in", [2, 4], [True, False, True]),
        ("not_in", [2, 4], [False, True, False]),
    ],
)
def test_operators(operator: str, value: object, expected: list[bool]) -> None:
    c = cond("n_arms", operator, value)
    assert [c.holds({"n_arms": n}) for n in (2, 3, 4)] == expected


def test_unknown_attribute_values_never_match() -> None:
    for op in Operator:
        value: object = [1] if op.takes_list else 1
        c = cond("year", op.value, value)
        assert not c.holds({}) and not c.holds({"year": None})


def test_every_attribute_is_documented() -> None:
    assert all(spec.description for spec in STUDY_ATTRIBUTES.values())
    assert {spec.kind for spec in STUDY_ATTRIBUTES.values()} == set(Kind)


@pytest.mark.parametrize(
    ("attribute", "operator", "value", "message"),
    [
        ("year", "==", "2019", "'year' takes number values"),
        ("published", "in", [True, "yes"], "'published' takes bool values"),
        ("country", ">=", "UK", "'country' is text; order comparisons need a number"),
        ("year", "in", [], "'in' needs a non-empty array of values"),
        ("year", "==", [2019], "'==' needs one value"),
        ("timepoint", "==", "follow-up", "must be one of post_intervention, short_term, long_term"),
        ("year", "==", {"a": 1}, "must be a string, number, boolean or an array of them"),
    ],
)
def test_refused_conditions(attribute: str, operator: str, value: object, message: str) -> None:
    with pytest.raises(ValidationError, match=message):
        cond(attribute, operator, value)


def test_frozen() -> None:
    c = cond("year", ">=", 2000)
    with pytest.raises(ValidationError):
        assign(c, "value", 1990)


@given(TEXTS, st.lists(TEXTS, min_size=1, max_size=4))
def test_in_is_any_equal_and_not_in_its_negation(actual: str, values: list[str]) -> None:
    study = {"setting": actual}
    in_ = cond("setting", "in", values).holds(study)
    assert in_ == any(cond("setting", "==", v).holds(study) for v in values)
    assert cond("setting", "not_in", values).holds(study) == (not in_)


@given(NUMBERS, NUMBERS)
def test_order_operators_partition(actual: float, bound: float) -> None:
    study = {"attrition": actual}
    lt, eq, gt = (cond("attrition", op, bound).holds(study) for op in ("<", "==", ">"))
    assert lt + eq + gt == 1
    assert cond("attrition", "<=", bound).holds(study) == (lt or eq)
    assert cond("attrition", "!=", bound).holds(study) == (not eq)


@given(st.lists(st.booleans(), max_size=5))
def test_a_filter_is_a_conjunction(flags: list[bool]) -> None:
    where = tuple(cond("published", "==", True) for _ in flags)
    study = {"published": True}
    assert matches(where, study)
    where = tuple(cond("published", "==", f) for f in flags)
    assert matches(where, study) == all(flags)
    assert describe(()) == "all studies"
