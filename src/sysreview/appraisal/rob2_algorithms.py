"""RoB 2's algorithms: the suggested judgement of each domain, and the overall judgement.

References
----------
Sterne JAC, Savović J, Page MJ, et al. RoB 2: a revised tool for assessing risk of bias in
randomised trials. BMJ 2019;366:l4898 (Table 2: overall judgement).
Higgins JPT, Savović J, Page MJ, Sterne JAC (eds). Revised Cochrane risk-of-bias tool for
randomized trials (RoB 2), full guidance document, 22 August 2019: the criteria for each
domain and the algorithms (tables and figures "Algorithm for suggested judgement of risk
of bias ...").

A question the algorithm does not reach may be left out.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

from sysreview.appraisal.rob2_questions import (
    HIGH,
    JUDGEMENTS,
    LOW,
    NI,
    NO,
    SOME_CONCERNS,
    YES,
    Effect,
    SignallingQuestion,
    questions,
)
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB2_DOMAINS


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
