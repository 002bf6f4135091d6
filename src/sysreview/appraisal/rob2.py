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

The vocabulary and signalling questions live in :mod:`sysreview.appraisal.rob2_questions`,
the judgement algorithms in :mod:`sysreview.appraisal.rob2_algorithms`; here are the
assessments built on them, and every public name of the three.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import pandas as pd

from sysreview.appraisal.rob2_algorithms import judge_domain, overall_rob2
from sysreview.appraisal.rob2_questions import JUDGEMENTS, Effect, SignallingQuestion, questions
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB2_DOMAINS


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
