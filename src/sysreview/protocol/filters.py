"""A small, safe filter language over study attributes (no ``eval``).

A filter is a list of conditions that must all hold. Each condition names a study
attribute, an operator and a value::

    where = [
      { attribute = "overall_rob", operator = "==", value = "low" },
      { attribute = "population", operator = "in", value = ["severe"] },
    ]

Filters are evaluated per study comparison, after the multi-arm rule has chosen or
combined arms (so a three-arm trial reduced to its TAU arm has ``comparator == "TAU"``).
The attributes a filter may name, and their kinds, are declared in
:data:`STUDY_ATTRIBUTES`; values are checked against the kind when the protocol loads.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Annotated, Any

from pydantic import PlainSerializer, PlainValidator, model_validator

from sysreview.protocol._base import Checker, Frozen, Problems, Text, choice

Scalar = bool | int | float | str
Value = Scalar | tuple[Scalar, ...]


class Kind(StrEnum):
    """The kind of a study attribute's values."""

    TEXT = "text"
    NUMBER = "number"
    BOOL = "bool"


class Operator(StrEnum):
    """Comparison operators of a condition."""

    EQ = "=="
    NE = "!="
    IN = "in"
    NOT_IN = "not_in"
    LT = "<"
    LE = "<="
    GT = ">"
    GE = ">="

    @property
    def takes_list(self) -> bool:
        """Whether the value is a list (``in``, ``not_in``)."""
        return self in (Operator.IN, Operator.NOT_IN)

    @property
    def orders(self) -> bool:
        """Whether the operator compares order (numbers only)."""
        return self in (Operator.LT, Operator.LE, Operator.GT, Operator.GE)


@dataclass(frozen=True)
class StudyAttribute:
    """A study attribute that filters may name.

    ``choices`` lists the allowed values when they are fixed; ``declared_by`` names the
    protocol section whose declarations give the allowed values instead.
    """

    kind: Kind
    description: str
    choices: tuple[str, ...] = ()
    declared_by: str | None = None


ROB_JUDGEMENTS = ("low", "unclear", "some_concerns", "high")
TIMEPOINTS = ("post_intervention", "short_term", "long_term")

STUDY_ATTRIBUTES: Mapping[str, StudyAttribute] = {
    "study_id": StudyAttribute(Kind.TEXT, "the study's identifier"),
    "year": StudyAttribute(Kind.NUMBER, "year of the study's main report"),
    "published": StudyAttribute(Kind.BOOL, "reported in a published article"),
    "country": StudyAttribute(Kind.TEXT, "country where the study was run"),
    "setting": StudyAttribute(Kind.TEXT, "setting, e.g. 'community' or 'inpatient'"),
    "population": StudyAttribute(Kind.TEXT, "population category, e.g. 'severe' or 'other'"),
    "intervention_type": StudyAttribute(Kind.TEXT, "e.g. 'mutual_support', 'peer_facilitated'"),
    "intervention_structured": StudyAttribute(Kind.BOOL, "structured (manualised) intervention"),
    "comparator": StudyAttribute(
        Kind.TEXT, "comparator type code", declared_by="comparators.types"
    ),
    "n_arms": StudyAttribute(Kind.NUMBER, "number of arms randomised"),
    "n_randomised": StudyAttribute(Kind.NUMBER, "number of participants randomised"),
    "attrition": StudyAttribute(Kind.NUMBER, "overall attrition as a fraction (0-1)"),
    "dropouts_described": StudyAttribute(
        Kind.BOOL, "the report describes the drop-outs (numbers and reasons per arm)"
    ),
    "duration_weeks": StudyAttribute(Kind.NUMBER, "intervention duration in weeks"),
    "overall_rob": StudyAttribute(
        Kind.TEXT, "overall risk of bias", ROB_JUDGEMENTS, declared_by="risk_of_bias.tool"
    ),
    "measure": StudyAttribute(
        Kind.TEXT, "instrument name of the outcome measure", declared_by="outcomes"
    ),
    "measure_validated": StudyAttribute(Kind.BOOL, "the outcome measure is fully validated"),
    "timepoint": StudyAttribute(Kind.TEXT, "analysis timepoint", TIMEPOINTS),
}
"""Attributes a filter may name: ``name -> StudyAttribute``."""


def _kind_of(value: Scalar) -> Kind:
    if isinstance(value, bool):
        return Kind.BOOL
    return Kind.NUMBER if isinstance(value, int | float) else Kind.TEXT


def _value(value: Any) -> Value:
    if isinstance(value, bool | int | float | str):
        return value
    if isinstance(value, list | tuple) and all(
        isinstance(v, bool | int | float | str) for v in value
    ):
        return tuple(value)
    raise ValueError("must be a string, number, boolean or an array of them")


def _dump(value: Value) -> Value | list[Scalar]:
    return list(value) if isinstance(value, tuple) else value


def _show(value: Value) -> str:
    if isinstance(value, tuple):
        return "[" + ", ".join(_show(v) for v in value) + "]"
    if isinstance(value, bool):
        return "true" if value else "false"
    return repr(value)


class Condition(Frozen):
    """One condition: ``attribute operator value``.

    Examples
    --------
    >>> c = Condition(attribute="overall_rob", operator="==", value="low")
    >>> c.holds({"overall_rob": "low"}), c.holds({"overall_rob": "high"}), str(c)
    (True, False, "overall_rob == 'low'")
    >>> Condition(attribute="population", operator="in", value=["severe"]).holds(
    ...     {"population": "severe"})
    True
    """

    attribute: Text
    operator: Annotated[Operator, choice(Operator)]
    value: Annotated[Value, PlainValidator(_value), PlainSerializer(_dump)]

    @model_validator(mode="after")
    def _check(self) -> Condition:
        check = Checker()
        spec = STUDY_ATTRIBUTES.get(self.attribute)
        if spec is None:
            names = ", ".join(STUDY_ATTRIBUTES)
            raise Problems([(("attribute",), self.attribute, f"must be one of {names}")])
        op, value = self.operator, self.value
        if op.takes_list:
            check.that(
                isinstance(value, tuple) and len(value) > 0,
                ("value",),
                value,
                f"'{op.value}' needs a non-empty array of values",
            )
        else:
            check.that(
                not isinstance(value, tuple), ("value",), value, f"'{op.value}' needs one value"
            )
        check.raise_if_any()
        check.that(
            not op.orders or spec.kind is Kind.NUMBER,
            ("operator",),
            op.value,
            f"'{self.attribute}' is {spec.kind.value}; order comparisons need a number",
        )
        for v in self.values:
            check.that(
                _kind_of(v) is spec.kind,
                ("value",),
                self.value,
                f"'{self.attribute}' takes {spec.kind.value} values",
            )
            if spec.choices and spec.declared_by is None and _kind_of(v) is Kind.TEXT:
                ok = v in spec.choices
                check.that(ok, ("value",), self.value, f"must be one of {', '.join(spec.choices)}")
        check.raise_if_any()
        return self

    @property
    def values(self) -> tuple[Scalar, ...]:
        """The condition's value(s) as a tuple."""
        return self.value if isinstance(self.value, tuple) else (self.value,)

    def holds(self, study: Mapping[str, object]) -> bool:
        """Whether the condition holds for a study's attributes.

        A missing or ``None`` attribute never satisfies a condition (unknown is not a match).
        """
        actual = study.get(self.attribute)
        if actual is None:
            return False
        op, want = self.operator, self.value
        if op is Operator.EQ:
            return actual == want
        if op is Operator.NE:
            return actual != want
        if op is Operator.IN:
            return actual in self.values
        if op is Operator.NOT_IN:
            return actual not in self.values
        if not isinstance(actual, int | float) or isinstance(want, tuple | str | bool):
            return False
        return {
            Operator.LT: actual < want,
            Operator.LE: actual <= want,
            Operator.GT: actual > want,
            Operator.GE: actual >= want,
        }[op]

    def __str__(self) -> str:
        return f"{self.attribute} {self.operator.value} {_show(self.value)}"


def matches(where: tuple[Condition, ...], study: Mapping[str, object]) -> bool:
    """Whether every condition of a filter holds (an empty filter matches every study).

    Examples
    --------
    >>> where = (Condition(attribute="comparator", operator="==", value="TAU"),
    ...          Condition(attribute="measure_validated", operator="==", value=True))
    >>> matches(where, {"comparator": "TAU", "measure_validated": True})
    True
    >>> matches(where, {"comparator": "TAU", "measure_validated": False})
    False
    """
    return all(c.holds(study) for c in where)


def describe(where: tuple[Condition, ...]) -> str:
    """A filter as text, e.g. ``comparator == 'TAU' and n_arms >= 2`` (``all studies``)."""
    return " and ".join(str(c) for c in where) if where else "all studies"


__all__ = [
    "ROB_JUDGEMENTS",
    "STUDY_ATTRIBUTES",
    "TIMEPOINTS",
    "Condition",
    "Kind",
    "Operator",
    "StudyAttribute",
    "describe",
    "matches",
]
