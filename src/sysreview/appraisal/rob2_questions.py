"""RoB 2's vocabulary: the judgements, the answers and the signalling questions of each domain.

References
----------
Higgins JPT, Savović J, Page MJ, Sterne JAC (eds). Revised Cochrane risk-of-bias tool for
randomized trials (RoB 2), full guidance document, 22 August 2019: the signalling questions
(Boxes) with their response options.

Answers are ``Y`` (yes), ``PY`` (probably yes), ``PN`` (probably no), ``N`` (no), ``NI``
(no information) and ``NA`` (not applicable, only for conditional questions). Domain ids
are the protocol's (:data:`sysreview.protocol.appraisal.ROB2_DOMAINS`).
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB2_DOMAINS

LOW, SOME_CONCERNS, HIGH = "low", "some_concerns", "high"
JUDGEMENTS: tuple[str, ...] = (LOW, SOME_CONCERNS, HIGH)
"""RoB 2 judgements, best first (the protocol's ``Tool.ROB2.judgements``)."""

YES = frozenset({"Y", "PY"})
NO = frozenset({"N", "PN"})
NI = "NI"
_FULL = ("Y", "PY", "PN", "N", "NI")
_COND = ("NA", *_FULL)


class Effect(StrEnum):
    """The effect of interest, which selects the variant of domain 2."""

    ASSIGNMENT = "assignment"
    ADHERING = "adhering"


@dataclass(frozen=True)
class SignallingQuestion:
    """A signalling question: id (``"1.2"``), short text and the allowed answers."""

    id: str
    text: str
    allowed: tuple[str, ...] = _FULL


def _q(qid: str, text: str, allowed: tuple[str, ...] = _FULL) -> SignallingQuestion:
    return SignallingQuestion(qid, text, allowed)


_D1 = (
    _q("1.1", "Was the allocation sequence random?"),
    _q(
        "1.2",
        "Was the allocation sequence concealed until participants were enrolled and "
        "assigned to interventions?",
    ),
    _q(
        "1.3",
        "Did baseline differences between intervention groups suggest a problem with "
        "the randomization process?",
    ),
)
_D2_COMMON = (
    _q("2.1", "Were participants aware of their assigned intervention during the trial?"),
    _q(
        "2.2",
        "Were carers and people delivering the interventions aware of participants' "
        "assigned intervention during the trial?",
    ),
)
_D2_ASSIGNMENT = (
    *_D2_COMMON,
    _q(
        "2.3",
        "Were there deviations from the intended intervention that arose because of "
        "the trial context?",
        _COND,
    ),
    _q("2.4", "Were these deviations likely to have affected the outcome?", _COND),
    _q("2.5", "Were these deviations from intended intervention balanced between groups?", _COND),
    _q(
        "2.6",
        "Was an appropriate analysis used to estimate the effect of assignment to intervention?",
    ),
    _q(
        "2.7",
        "Was there potential for a substantial impact (on the result) of the failure to "
        "analyse participants in the group to which they were randomized?",
        _COND,
    ),
)
_D2_ADHERING = (
    *_D2_COMMON,
    _q(
        "2.3",
        "Were important non-protocol interventions balanced across intervention groups?",
        _COND,
    ),
    _q(
        "2.4",
        "Were there failures in implementing the intervention that could have affected "
        "the outcome?",
        _COND,
    ),
    _q(
        "2.5",
        "Was there non-adherence to the assigned intervention regimen that could have "
        "affected participants' outcomes?",
        _COND,
    ),
    _q(
        "2.6",
        "Was an appropriate analysis used to estimate the effect of adhering to the intervention?",
        _COND,
    ),
)
_D3 = (
    _q(
        "3.1",
        "Were data for this outcome available for all, or nearly all, participants randomized?",
    ),
    _q(
        "3.2",
        "Is there evidence that the result was not biased by missing outcome data?",
        ("NA", "Y", "PY", "PN", "N"),
    ),
    _q("3.3", "Could missingness in the outcome depend on its true value?", _COND),
    _q("3.4", "Is it likely that missingness in the outcome depended on its true value?", _COND),
)
_D4 = (
    _q("4.1", "Was the method of measuring the outcome inappropriate?"),
    _q(
        "4.2",
        "Could measurement or ascertainment of the outcome have differed between "
        "intervention groups?",
    ),
    _q(
        "4.3",
        "Were outcome assessors aware of the intervention received by study participants?",
        _COND,
    ),
    _q(
        "4.4",
        "Could assessment of the outcome have been influenced by knowledge of "
        "intervention received?",
        _COND,
    ),
    _q(
        "4.5",
        "Is it likely that assessment of the outcome was influenced by knowledge of "
        "intervention received?",
        _COND,
    ),
)
_D5 = (
    _q(
        "5.1",
        "Were the data that produced this result analysed in accordance with a "
        "pre-specified analysis plan that was finalized before unblinded outcome data were "
        "available for analysis?",
    ),
    _q(
        "5.2",
        "Is the numerical result being assessed likely to have been selected from "
        "multiple eligible outcome measurements within the outcome domain?",
    ),
    _q(
        "5.3",
        "Is the numerical result being assessed likely to have been selected from "
        "multiple eligible analyses of the data?",
    ),
)


def questions(domain: str, effect: Effect = Effect.ASSIGNMENT) -> tuple[SignallingQuestion, ...]:
    """The signalling questions of ``domain`` (domain 2 depends on ``effect``).

    Examples
    --------
    >>> [q.id for q in questions("missing_outcome_data")]
    ['3.1', '3.2', '3.3', '3.4']
    >>> len(questions("deviations_from_intended_interventions", Effect.ADHERING))
    6
    """
    table = dict(zip(ROB2_DOMAINS, (_D1, _D2_ASSIGNMENT, _D3, _D4, _D5), strict=True))
    if domain not in table:
        raise InputError(f"Invalid domain {domain!r}; must be one of {', '.join(ROB2_DOMAINS)}")
    if domain == ROB2_DOMAINS[1] and Effect(effect) is Effect.ADHERING:
        return _D2_ADHERING
    return table[domain]
