"""The revised Cochrane risk-of-bias tool (RoB 2): signalling questions and the algorithms.

References
----------
Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898 (Table 2: overall judgement).
Higgins JPT, Savović J, Page MJ, Sterne JAC (eds). Revised Cochrane risk-of-bias tool for
randomized trials (RoB 2), full guidance document, 22 August 2019: the signalling questions
(Boxes) with their response options, the criteria for each domain and the algorithms
(tables and figures "Algorithm for suggested judgement of risk of bias ...").

Answers are ``Y`` (yes), ``PY`` (probably yes), ``PN`` (probably no), ``N`` (no), ``NI``
(no information) and ``NA`` (not applicable, only for conditional questions). A question the
algorithm does not reach may be left out. Domain ids are the protocol's
(:data:`sysreview.protocol.appraisal.ROB2_DOMAINS`), judgements ``low``, ``some_concerns``,
``high``.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from types import MappingProxyType

import pandas as pd

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


class _Answers:
    """Validated answers; ``a["1.2"]`` raises when the algorithm needs a missing/NA answer."""

    def __init__(self, domain: str, qs: tuple[SignallingQuestion, ...], raw: Mapping[str, str]):
        allowed = {q.id: q.allowed for q in qs}
        for qid, ans in raw.items():
            if qid not in allowed:
                raise InputError(
                    f"unknown signalling question for {domain}; must be one of "
                    f"{', '.join(allowed)}",
                    column=qid,
                )
            if ans not in allowed[qid]:
                raise InputError(
                    f"Invalid answer {ans!r}; must be one of {', '.join(allowed[qid])}",
                    column=qid,
                )
        self._raw = raw

    def __getitem__(self, qid: str) -> str:
        ans = self._raw.get(qid, "NA")
        if ans == "NA":
            raise InputError("the algorithm needs an answer (Y/PY/PN/N/NI) here", column=qid)
        return ans

    def get(self, qid: str) -> str:
        """The answer, ``"NA"`` when not given."""
        return self._raw.get(qid, "NA")


def _worst(*judgements: str) -> str:
    return max(judgements, key=JUDGEMENTS.index)


def _randomisation(a: _Answers) -> str:
    """Domain 1 (guidance Table 4 criteria / Figure 2 algorithm)."""
    if a["1.2"] in NO:
        return HIGH
    if a["1.2"] == NI:
        return HIGH if a["1.3"] in YES else SOME_CONCERNS
    if a["1.3"] in YES or a["1.1"] in NO:
        return SOME_CONCERNS
    return LOW


def _deviations_assignment(a: _Answers) -> str:
    """Domain 2, effect of assignment: parts 1 (2.1-2.5) and 2 (2.6-2.7), worst of both."""
    if (a["2.1"] in NO and a["2.2"] in NO) or a["2.3"] in NO:
        part1 = LOW
    elif a["2.3"] == NI or a["2.4"] in NO:
        part1 = SOME_CONCERNS
    else:
        part1 = SOME_CONCERNS if a["2.5"] in YES else HIGH
    part2 = LOW if a["2.6"] in YES else (SOME_CONCERNS if a["2.7"] in NO else HIGH)
    return _worst(part1, part2)


def _deviations_adhering(a: _Answers) -> str:
    """Domain 2, effect of adhering: any problem (2.3-2.5) is rescued only by 2.6."""
    aware = not (a["2.1"] in NO and a["2.2"] in NO)
    problem = (aware and a.get("2.3") not in (*YES, "NA")) or any(
        a.get(q) not in (*NO, "NA") for q in ("2.4", "2.5")
    )
    if not problem:
        return LOW
    return SOME_CONCERNS if a["2.6"] in YES else HIGH


def _missing_outcome_data(a: _Answers) -> str:
    """Domain 3: 3.1 → 3.2 → 3.3 → 3.4."""
    if a["3.1"] in YES or a["3.2"] in YES or a["3.3"] in NO:
        return LOW
    return SOME_CONCERNS if a["3.4"] in NO else HIGH


def _measurement(a: _Answers) -> str:
    """Domain 4: with NI to 4.2 the best reachable judgement is 'some concerns'."""
    if a["4.1"] in YES or a["4.2"] in YES:
        return HIGH
    best = SOME_CONCERNS if a["4.2"] == NI else LOW
    if a["4.3"] in NO or a["4.4"] in NO:
        return best
    return SOME_CONCERNS if a["4.5"] in NO else HIGH


def _reported_result(a: _Answers) -> str:
    """Domain 5: selection (5.2/5.3) first, then the pre-specified plan (5.1)."""
    if a["5.2"] in YES or a["5.3"] in YES:
        return HIGH
    if a["5.2"] == NI or a["5.3"] == NI:
        return SOME_CONCERNS
    return LOW if a["5.1"] in YES else SOME_CONCERNS


_ALGORITHMS: dict[str, Callable[[_Answers], str]] = dict(
    zip(
        ROB2_DOMAINS,
        (
            _randomisation,
            _deviations_assignment,
            _missing_outcome_data,
            _measurement,
            _reported_result,
        ),
        strict=True,
    )
)


def judge_domain(
    domain: str, answers: Mapping[str, str], effect: Effect = Effect.ASSIGNMENT
) -> str:
    """The judgement the RoB 2 algorithm proposes for one domain.

    Parameters
    ----------
    domain
        A protocol RoB 2 domain id (``ROB2_DOMAINS``).
    answers
        ``{question id: answer}``; questions the algorithm does not reach may be left out.
    effect
        Effect of interest; selects the variant of domain 2.

    Raises
    ------
    InputError
        Unknown question id, an answer outside the question's allowed set, or a missing
        (or ``NA``) answer the algorithm needs; the error names the question id.

    Notes
    -----
    RoB 2 guidance (22 Aug 2019), for each domain the table "Reaching risk-of-bias
    judgements" (criteria) and the "Algorithm for suggested judgement" (table and figure);
    e.g. domain 4 (measurement of the outcome): Box 10, Tables 11-12, Figure 5. The criteria
    are restated in Systematic Reviews 2021;10:171, Table 2 (PMC8191126).

    Examples
    --------
    >>> judge_domain("randomisation_process", {"1.1": "Y", "1.2": "Y", "1.3": "N"})
    'low'
    >>> judge_domain("missing_outcome_data", {"3.1": "N", "3.2": "N", "3.3": "PY", "3.4": "NI"})
    'high'
    """
    a = _Answers(domain, questions(domain, effect), answers)
    if domain == ROB2_DOMAINS[1] and Effect(effect) is Effect.ADHERING:
        return _deviations_adhering(a)
    return _ALGORITHMS[domain](a)


def overall_rob2(
    domain_judgements: Mapping[str, str], *, some_concerns_limit: int | None = None
) -> str:
    """The overall RoB 2 judgement from the five domain judgements.

    Parameters
    ----------
    domain_judgements
        ``{domain id: "low" | "some_concerns" | "high"}`` for all five domains.
    some_concerns_limit
        If given (at least 2), this many or more domains with some concerns make the result
        high: the guidance's "some concerns for multiple domains in a way that substantially
        lowers confidence in the result". Default ``None`` keeps 'some concerns'.

    Notes
    -----
    Low if all domains are low; high if any domain is high; some concerns otherwise
    (Sterne et al. 2019; RoB 2 guidance, "Overall risk of bias").

    Examples
    --------
    >>> j = dict.fromkeys(ROB2_DOMAINS, "low")
    >>> overall_rob2(j), overall_rob2({**j, "missing_outcome_data": "some_concerns"})
    ('low', 'some_concerns')
    >>> two = {**j, "randomisation_process": "some_concerns",
    ...        "missing_outcome_data": "some_concerns"}
    >>> overall_rob2(two, some_concerns_limit=2)
    'high'
    """
    for d in ROB2_DOMAINS:
        if domain_judgements.get(d) not in JUDGEMENTS:
            raise InputError(
                f"Invalid judgement {domain_judgements.get(d)!r}; must be one of "
                f"{', '.join(JUDGEMENTS)}",
                column=d,
            )
    if some_concerns_limit is not None and some_concerns_limit < 2:
        raise InputError(f"some_concerns_limit must be at least 2, got {some_concerns_limit}")
    levels = [domain_judgements[d] for d in ROB2_DOMAINS]
    n_concerns = levels.count(SOME_CONCERNS)
    if some_concerns_limit is not None and n_concerns >= some_concerns_limit:
        return HIGH
    return _worst(*levels)


@dataclass(frozen=True)
class Rob2Assessment:
    """The RoB 2 assessment of one result: answers per domain, domain and overall judgements.

    Examples
    --------
    >>> answers = {
    ...     "randomisation_process": {"1.1": "Y", "1.2": "Y", "1.3": "N"},
    ...     "deviations_from_intended_interventions": {"2.1": "N", "2.2": "N", "2.6": "Y"},
    ...     "missing_outcome_data": {"3.1": "Y"},
    ...     "measurement_of_the_outcome": {"4.1": "N", "4.2": "N", "4.3": "N"},
    ...     "selection_of_the_reported_result": {"5.1": "Y", "5.2": "N", "5.3": "N"},
    ... }
    >>> a = Rob2Assessment("Smith 2010", "depression, end of treatment", answers)
    >>> a.overall
    'low'
    >>> print(a.summary().splitlines()[0])
    Risk of bias (RoB 2, effect of assignment): Smith 2010 — depression, end of treatment

    Judgements given without signalling answers (e.g. taken from a published review) or
    overriding the algorithm's proposal, as the guidance allows with a justification:

    >>> given = dict.fromkeys(ROB2_DOMAINS, "low") | {"missing_outcome_data": "high"}
    >>> Rob2Assessment("Jones 2012", "all outcomes", {}, judged=given).overall
    'high'
    """

    study: str
    result: str
    answers: Mapping[str, Mapping[str, str]]
    effect: Effect = Effect.ASSIGNMENT
    some_concerns_limit: int | None = None
    judged: Mapping[str, str] | None = None

    def __post_init__(self) -> None:
        judged = dict(self.judged or {})
        missing = [d for d in ROB2_DOMAINS if d not in self.answers and d not in judged]
        extra = [d for d in (*self.answers, *judged) if d not in ROB2_DOMAINS]
        if missing or extra:
            raise InputError(
                f"need answers or a judgement for each domain; missing {missing}, unknown {extra}",
                source=self.study,
            )
        for d, j in judged.items():
            if j not in JUDGEMENTS:
                raise InputError(
                    f"Invalid judgement {j!r}; must be one of {', '.join(JUDGEMENTS)}",
                    source=self.study,
                    column=d,
                )
        object.__setattr__(self, "judged", judged)
        object.__setattr__(self, "effect", Effect(self.effect))
        self.domain_judgements  # noqa: B018 (validate now, not at first use)

    @property
    def domain_judgements(self) -> dict[str, str]:
        """``{domain id: judgement}``: the reviewer's where given, else the algorithm's."""
        judged = self.judged or {}
        return {
            d: judged[d] if d in judged else judge_domain(d, self.answers[d], self.effect)
            for d in ROB2_DOMAINS
        }

    @property
    def overall(self) -> str:
        """The overall judgement (:func:`overall_rob2`)."""
        return overall_rob2(self.domain_judgements, some_concerns_limit=self.some_concerns_limit)

    def to_frame(self) -> pd.DataFrame:
        """One row per signalling question answered.

        Columns: study, result, domain, question, answer, domain_judgement.
        """
        judged = self.domain_judgements
        rows = [
            {
                "study": self.study,
                "result": self.result,
                "domain": d,
                "question": q.id,
                "answer": self.answers.get(d, {}).get(q.id, "NA"),
                "domain_judgement": judged[d],
            }
            for d in ROB2_DOMAINS
            for q in questions(d, self.effect)
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """Domain judgements with their answers, and the overall judgement, as text."""
        lines = [
            f"Risk of bias (RoB 2, effect of {self.effect.value}): {self.study} — {self.result}"
        ]
        for d, j in self.domain_judgements.items():
            given = " ".join(f"{q}={a}" for q, a in self.answers.get(d, {}).items())
            lines.append(f"  {d:<40} {j:<14} {given}")
        lines.append(f"  {'overall':<40} {self.overall}")
        return "\n".join(lines)


@dataclass(frozen=True)
class Rob2Judgements:
    """RoB 2 domain judgements and overall as a dataset gives them (no signalling answers).

    ``overall`` is the dataset's; ``algorithm_overall`` is :func:`overall_rob2` of the
    domains (RoB 2's rule), so a report can show where the two differ. Attribute names
    match :class:`~sysreview.appraisal.rob2.Rob2Assessment` (``study, result,
    domain_judgements, overall``).
    """

    study: str
    result: str
    domain_judgements: Mapping[str, str]
    overall: str
    rows: tuple[int, ...] = field(default=())

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "domain_judgements", MappingProxyType(dict(self.domain_judgements))
        )
        if self.overall not in JUDGEMENTS:
            raise InputError(
                f"overall {self.overall!r}; must be one of {', '.join(JUDGEMENTS)}",
                source=self.study,
            )
        self.algorithm_overall  # noqa: B018 (validates the domains now)

    @property
    def algorithm_overall(self) -> str:
        """The overall judgement RoB 2's algorithm gives for these domain judgements."""
        return overall_rob2(self.domain_judgements)

    def summary(self) -> str:
        """The judgements as text, noting where RoB 2's overall rule differs.

        Examples
        --------
        >>> from sysreview.protocol.appraisal import ROB2_DOMAINS
        >>> domains = dict.fromkeys(ROB2_DOMAINS, "low")
        >>> print(Rob2Judgements("Cook 2012", "BDI", domains, "some_concerns").summary())
        ... # doctest: +NORMALIZE_WHITESPACE
        Risk of bias (RoB 2, as given): Cook 2012 — BDI
          randomisation_process                    low
          deviations_from_intended_interventions   low
          missing_outcome_data                     low
          measurement_of_the_outcome               low
          selection_of_the_reported_result         low
          overall                                  some_concerns (RoB 2's rule gives low)
        """
        lines = [f"Risk of bias (RoB 2, as given): {self.study} — {self.result}"]
        lines += [f"  {d:<40} {j}" for d, j in self.domain_judgements.items()]
        rule = self.algorithm_overall
        note = "" if rule == self.overall else f" (RoB 2's rule gives {rule})"
        lines.append(f"  {'overall':<40} {self.overall}{note}")
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """One row per domain plus ``overall``: study, result, domain, judgement."""
        items = [*self.domain_judgements.items(), ("overall", self.overall)]
        return pd.DataFrame(
            [
                {"study": self.study, "result": self.result, "domain": d, "judgement": j}
                for d, j in items
            ]
        )


__all__ = [
    "JUDGEMENTS",
    "Effect",
    "Rob2Assessment",
    "Rob2Judgements",
    "SignallingQuestion",
    "judge_domain",
    "overall_rob2",
    "questions",
]
