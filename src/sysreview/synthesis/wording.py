"""Words for the synthesis: analysis labels and the reasons a planned analysis was not run.

Reasons follow the seed review's wording ("only two studies had low overall risk of
bias"): the count in words, then what the studies had to satisfy, phrased from the
protocol's filter conditions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from sysreview.extraction.comparisons import Exclusion
from sysreview.protocol.filters import Condition, Operator

NUMBERS = ("no", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten")

TIMEPOINT_LABELS = {
    "post_intervention": "post-intervention",
    "short_term": "short-term follow-up",
    "long_term": "long-term follow-up",
}


def number(k: int) -> str:
    """A count in words up to ten, digits beyond.

    Examples
    --------
    >>> number(0), number(2), number(12)
    ('no', 'two', '12')
    """
    return NUMBERS[k] if 0 <= k < len(NUMBERS) else str(k)


def studies(k: int) -> str:
    """``"no study"``, ``"one study"``, ``"two studies"`` ...

    Examples
    --------
    >>> studies(0), studies(1), studies(3)
    ('no study', 'one study', 'three studies')
    """
    return f"{number(k)} {'study' if k <= 1 else 'studies'}"


def only(k: int) -> str:
    """``"no study"`` or ``"only two studies"`` (the seed's wording for too few)."""
    return studies(k) if k == 0 else f"only {studies(k)}"


def _show(value: object) -> str:
    return str(value).replace("_", " ")


def _phrase(c: Condition) -> str:
    """One condition as a verb phrase about a study (``"had low overall risk of bias"``)."""
    value = c.value
    if c.operator is Operator.EQ:
        if c.attribute == "overall_rob":
            return f"had {_show(value)} overall risk of bias"
        if c.attribute == "comparator":
            return f"had a {value} comparator"
        if c.attribute == "measure_validated":
            return "used a fully validated measure" if value else "used a measure not validated"
        if c.attribute == "intervention_structured":
            return "had a structured intervention" if value else "had an unstructured intervention"
        if c.attribute == "measure":
            return f"used the {value}"
        return f"had {_show(c.attribute)} {_show(value)}"
    if c.operator is Operator.IN and len(c.values) == 1:
        return _phrase(Condition(attribute=c.attribute, operator=Operator.EQ, value=c.values[0]))
    if c.operator is Operator.IN and c.attribute == "comparator":
        codes = [str(v) for v in c.values]
        return f"had a {', '.join(codes[:-1])} or {codes[-1]} comparator"
    return f"matched {c}"


def condition_phrase(where: Sequence[Condition]) -> str:
    """A filter as a verb phrase; ``"had usable data"`` for no filter.

    Examples
    --------
    >>> condition_phrase([Condition(attribute="overall_rob", operator="==", value="low")])
    'had low overall risk of bias'
    >>> condition_phrase([])
    'had usable data'
    >>> condition_phrase([Condition(attribute="comparator", operator="in", value=["TAU", "WL"])])
    'had a TAU or WL comparator'
    """
    if not where:
        return "had usable data"
    return " and ".join(_phrase(c) for c in where)


def too_few(k: int, phrase: str, needed: int) -> str:
    """``"only two studies had low overall risk of bias (at least three needed)"``.

    Examples
    --------
    >>> too_few(2, "had usable data", 3)
    'only two studies had usable data (at least three needed)'
    """
    return f"{only(k)} {phrase} (at least {number(needed)} needed)"


def not_usable_text(e: Exclusion) -> str:
    """A study whose means had no measure of spread, with the means as reported.

    Examples
    --------
    >>> from sysreview.extraction.comparisons import Exclusion, ReportedMean
    >>> e = Exclusion("S", "depression", "post_intervention", "...", "CES-D",
    ...               (ReportedMean("peer", "intervention", 20, 40),
    ...                ReportedMean("usual", "TAU", 24, 42)))
    >>> not_usable_text(e)
    'S (CES-D): reported, not usable (no SD, SE or CI): peer 20 (n = 40); usual 24 (n = 42)'
    """
    means = "; ".join(m.summary() for m in e.reported)
    return f"{e.study_id} ({e.measure}): reported, not usable (no SD, SE or CI): {means}"


def excluded_text(e: Mapping[str, Any]) -> str:
    """One ``excluded`` entry of a record as text, with the reported means when given."""
    text = f"{e['study']}: {e['reason']}"
    if e.get("reported"):
        means = ", ".join(
            f"{m['arm']} {m['mean']:g}" + ("" if m["n"] is None else f" (n = {m['n']})")
            for m in e["reported"]
        )
        text += f" ({e.get('measure')} means as reported: {means})"
    return text


def subgroup_reason(counts: Mapping[str, int], unclassified: int) -> str:
    """Why a subgroup analysis could not compare levels."""
    parts = [f"{studies(n)} {label}" for label, n in counts.items()]
    text = f"needs studies in at least two levels; {', '.join(parts)}"
    if unclassified:
        text += f" ({studies(unclassified)} in no level)"
    return text


def timepoint_label(timepoint: str) -> str:
    """``"post-intervention"``, ``"short-term follow-up"``, ``"long-term follow-up"``."""
    return TIMEPOINT_LABELS.get(timepoint, timepoint.replace("_", " "))


__all__ = [
    "condition_phrase",
    "excluded_text",
    "not_usable_text",
    "number",
    "only",
    "studies",
    "subgroup_reason",
    "timepoint_label",
    "too_few",
]
