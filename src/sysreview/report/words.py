"""Numbers and names as the report writes them: number words, p values, effects, labels.

Examples
--------
>>> number_word(5, capital=True), number_word(23)
('Five', '23')
>>> fmt_num(-0.3449), fmt_p(0.0042), fmt_p(0.0996), fmt_p(0.0004)
('−0.34', 'p = 0.004', 'p = 0.0996', 'p < 0.001')
>>> join_words(["PsycINFO", "MEDLINE", "Embase"])
'PsycINFO, MEDLINE and Embase'
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from sysreview.protocol import Protocol

from .inputs import ResultRecord

STUDY = "trial"
"""What an included study is called in running text (the seed includes RCTs only)."""

MINUS = "\u2212"
"""The minus sign used for negative numbers in text and tables."""

_WORDS = (
    "zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten",
    "eleven", "twelve", "thirteen", "fourteen", "fifteen", "sixteen", "seventeen",
    "eighteen", "nineteen", "twenty",
)  # fmt: skip

TIMEPOINT_LABELS = {
    "post_intervention": "post-intervention",
    "short_term": "short-term follow-up",
    "long_term": "long-term follow-up",
}
"""Timepoint code → words."""

TAU2_NAMES = {
    "DL": "DerSimonian and Laird",
    "REML": "restricted maximum likelihood",
    "ML": "maximum likelihood",
    "PM": "Paule and Mandel",
    "EB": "empirical Bayes",
    "SJ": "Sidik and Jonkman",
    "HE": "Hedges",
}
"""τ² estimator code → name (metafor's codes)."""

MEASURE_NAMES = {
    "MD": "mean difference",
    "SMD": "standardised mean difference",
    "RR": "risk ratio",
    "OR": "odds ratio",
    "RD": "risk difference",
    "PETO_OR": "Peto odds ratio",
    "GIV": "generic inverse-variance effect",
}
"""Measure code → name."""


def number_word(n: int, capital: bool = False) -> str:
    """``n`` in words up to twenty (digits beyond), capitalised to open a sentence."""
    word = _WORDS[n] if 0 <= n < len(_WORDS) else str(n)
    return word[:1].upper() + word[1:] if capital else word


def plural(n: int, noun: str, capital: bool = False, nouns: str | None = None) -> str:
    """``"five trials"``, ``"one trial"`` (``nouns``: an irregular plural)."""
    return f"{number_word(n, capital)} {noun if n == 1 else (nouns or noun + 's')}"


def fmt_num(x: float, decimals: int = 2) -> str:
    """A number rounded to ``decimals``, with a true minus sign (never ``−0.00``)."""
    text = f"{x:.{decimals}f}"
    if text.startswith("-"):
        text = text[1:] if float(text) == 0 else MINUS + text[1:]
    return text


def fmt_count(x: float) -> str:
    """A count such as participants: ``1076`` (one decimal when not whole)."""
    return f"{x:.0f}" if float(x).is_integer() else f"{x:.1f}"


def fmt_p(p: float, thresholds: Sequence[float] = (0.1, 0.01, 0.001)) -> str:
    """A p value: ``p < 0.001``, else 3 decimals below 0.01 and 2 above.

    A decimal is added while rounding would carry p across one of the evidence
    ``thresholds`` (so 0.0996 is not shown as 0.10, which would read as "no evidence").
    """
    if p < 0.001:
        return "p < 0.001"
    decimals = 3 if p < 0.01 else 2
    while decimals < 6 and any(p < t <= round(p, decimals) for t in thresholds):
        decimals += 1
    return f"p = {p:.{decimals}f}"


def fmt_i2(i2: float) -> str:
    """I² as a whole percentage."""
    return f"I² = {i2:.0f}%"


def fmt_ci(low: float, high: float, level: float = 95.0) -> str:
    """``"95% CI 0.07 to 0.37"``."""
    return f"{level:g}% CI {fmt_num(low)} to {fmt_num(high)}"


def fmt_effect(rec: ResultRecord, level: float = 95.0) -> str:
    """``"SMD 0.22, 95% CI 0.07 to 0.37"`` for a pooled record."""
    if rec.estimate is None or rec.ci_low is None or rec.ci_high is None:
        raise ValueError(f"results record {rec.analysis!r} has no pooled estimate")
    return f"{rec.measure} {fmt_num(rec.estimate)}, {fmt_ci(rec.ci_low, rec.ci_high, level)}"


def lower_first(text: str) -> str:
    """Lower-case the first letter unless the first word has other capitals.

    Such as ``"CES-D"``, ``"ClinicalTrials.gov"``.
    """
    first = text.split(" ", 1)[0]
    return text if any(c.isupper() for c in first[1:]) else text[:1].lower() + text[1:]


def article(word: str) -> str:
    """``"a"`` or ``"an"`` before ``word`` (by its first letter)."""
    return "an" if word[:1].lower() in "aeiou" else "a"


def join_words(items: Sequence[str], conj: str = "and") -> str:
    """``"a, b and c"``."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {conj} {items[-1]}"


def outcome_label(protocol: Protocol, name: str) -> str:
    """The protocol's label of an outcome domain (the name when not declared)."""
    try:
        return protocol.outcomes.domain(name).label
    except KeyError:
        return name


def timepoint_label(code: str) -> str:
    """A timepoint code in words."""
    return TIMEPOINT_LABELS.get(code, code.replace("_", " "))


def analysis_label(protocol: Protocol, rec: ResultRecord) -> str:
    """The analysis in words.

    ``main analysis``, or the protocol's sensitivity or subgroup label, found by the
    record's ``name`` or among the parts of its id (a subgroup level, when the id goes on to
    name one, is added); else the record's ``label``.
    """
    if rec.kind == "main":
        return "main analysis"
    parts = rec.analysis.split(".") + ([rec.name] if rec.name else [])
    plan = protocol.analysis
    if rec.kind == "sensitivity":
        for sens in plan.sensitivity:
            if sens.name in parts:
                return sens.label
    if rec.kind == "subgroup":
        for sub in plan.subgroups:
            if sub.name in parts:
                after = parts[parts.index(sub.name) + 1 :]
                levels = [lv.label for lv in sub.levels if lv.label in after]
                return f"{sub.label}: {levels[0]}" if levels else sub.label
    if rec.kind == "metaregression":
        for reg in plan.metaregression:
            if reg.name in parts:
                return reg.label
    if rec.label:
        return rec.label
    return rec.analysis.split(".", 2)[-1].replace("_", " ")


_MONTHS = (
    "January", "February", "March", "April", "May", "June", "July", "August", "September",
    "October", "November", "December",
)  # fmt: skip


def date_text(day: date) -> str:
    """A date as ``13 July 2019`` (English month names, whatever the locale)."""
    return f"{day.day} {_MONTHS[day.month - 1]} {day.year}"


__all__ = [
    "MEASURE_NAMES",
    "MINUS",
    "STUDY",
    "TAU2_NAMES",
    "TIMEPOINT_LABELS",
    "analysis_label",
    "article",
    "date_text",
    "fmt_ci",
    "fmt_count",
    "fmt_effect",
    "fmt_i2",
    "fmt_num",
    "fmt_p",
    "join_words",
    "lower_first",
    "number_word",
    "outcome_label",
    "plural",
    "timepoint_label",
]
