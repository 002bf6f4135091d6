"""GRADE's informative statements: a finding in words that carry its size and certainty.

Santesso N, Glenton C, Dahm P, et al. GRADE guidelines 26: informative statements to
communicate the findings of systematic reviews of interventions. J Clin Epidemiol
2020;119:126-135, Table 2 (as Cochrane's plain-language guidance words it); "..." is
"results in little to no difference"::

    certainty   large effect                        important effect    trivial or no effect
    high        results in a large improvement      improves            ...
    moderate    probably results in a large ...     probably improves   probably ...
    low         may result in a large improvement   may improve         may ...
    very low    the evidence is very uncertain about the effect of X on the outcome

Where the analysis knows whether the pooled estimate favours the intervention, the verb
says so (improves / worsens); otherwise it says the direction of the measure (increases /
reduces, for events whose direction the protocol does not declare).

Examples
--------
>>> from sysreview.protocol.certainty import Level
>>> statement(Level.MODERATE, "important", True, "group peer support", "recovery")
'Group peer support probably improves recovery'
>>> statement(Level.LOW, "trivial", False, "group peer support", "hope")
'Group peer support may result in little to no difference in hope'
>>> statement(Level.VERY_LOW, "large", True, "group peer support", "depression")
'The evidence is very uncertain about the effect of group peer support on depression'
"""

from __future__ import annotations

from sysreview.protocol.certainty import Level

HEDGE = {Level.HIGH: "", Level.MODERATE: "probably ", Level.LOW: "may ", Level.VERY_LOW: ""}
"""The word that carries the certainty (Santesso 2020, Table 2)."""
VERBS = {
    "result": "results", "improve": "improves", "worsen": "worsens", "increase": "increases",
    "reduce": "reduces",
}  # fmt: skip
"""Third-person forms; after "may" the base form is used."""


def _capital(text: str) -> str:
    return text[:1].upper() + text[1:]


def statement(
    level: Level,
    size: str | None,
    benefit: bool | None,
    intervention: str,
    outcome: str,
    *,
    increase: bool | None = None,
) -> str:
    """The informative statement (no final full stop).

    Parameters
    ----------
    level
        The certainty of the evidence.
    size
        ``"large"``, ``"important"`` or ``"trivial"``; ``None`` when there is no pooled
        effect (then only a very low certainty has a statement: otherwise ``ValueError``).
    benefit
        Whether the effect favours the intervention (``None``: unknown; ``increase``
        then says whether the measure goes up).
    intervention, outcome
        As written in running text.
    """
    if level is Level.VERY_LOW:
        return f"The evidence is very uncertain about the effect of {intervention} on {outcome}"
    if size is None:
        raise ValueError("an informative statement needs the size of the effect")
    hedge = HEDGE[level]

    def verb(base: str) -> str:
        return hedge + (base if level is Level.LOW else VERBS[base])

    if size == "trivial":
        return _capital(f"{intervention} {verb('result')} in little to no difference in {outcome}")
    if benefit is None:
        noun, base = ("increase", "increase") if increase else ("reduction", "reduce")
    else:
        noun, base = ("improvement", "improve") if benefit else ("worsening", "worsen")
    if size == "large":
        return _capital(f"{intervention} {verb('result')} in a large {noun} in {outcome}")
    return _capital(f"{intervention} {verb(base)} {outcome}")


__all__ = ["HEDGE", "VERBS", "statement"]
