"""The Cochrane risk-of-bias tool (RoB 1) as data, per-study assessments and the overall rule.

References
----------
Higgins JPT, Altman DG, Gøtzsche PC, et al. The Cochrane Collaboration's tool for assessing
risk of bias in randomised trials. BMJ 2011;343:d5928 (Table 2: the seven domains).
Higgins JPT, Altman DG, Sterne JAC (eds). Cochrane Handbook v5.1.0 (2011), chapter 8,
Table 8.5.a (domains and bias types) and section 8.7 (summary assessments).

The domain ids and the overall rule are those of the review protocol
(:data:`sysreview.protocol.appraisal.ROB1_DOMAINS`,
:meth:`sysreview.protocol.appraisal.RiskOfBias.overall_judgement`); this module adds the
tool's names and bias types, and judgements with their support. The seed review's
attrition rule, which suggests an "incomplete outcome data" judgement from extracted
numbers, is :mod:`sysreview.appraisal.attrition`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field, replace
from enum import StrEnum

import pandas as pd
from pydantic import ValidationError

from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB1_DOMAINS, OverallRule, RiskOfBias, Tool

JUDGEMENTS: tuple[str, ...] = ("low", "unclear", "high")
"""RoB 1 judgements, best first (the protocol's ``Tool.ROB1.judgements``)."""


class BiasType(StrEnum):
    """The type of bias a RoB 1 domain addresses (Handbook v5.1 Table 8.5.a)."""

    SELECTION = "selection"
    PERFORMANCE = "performance"
    DETECTION = "detection"
    ATTRITION = "attrition"
    REPORTING = "reporting"
    OTHER = "other"


@dataclass(frozen=True)
class Rob1Domain:
    """One domain of the RoB 1 tool: protocol id, name and the bias it addresses."""

    id: str
    name: str
    bias: BiasType


DOMAINS: tuple[Rob1Domain, ...] = (
    Rob1Domain(ROB1_DOMAINS[0], "Random sequence generation", BiasType.SELECTION),
    Rob1Domain(ROB1_DOMAINS[1], "Allocation concealment", BiasType.SELECTION),
    Rob1Domain(ROB1_DOMAINS[2], "Blinding of participants and personnel", BiasType.PERFORMANCE),
    Rob1Domain(ROB1_DOMAINS[3], "Blinding of outcome assessment", BiasType.DETECTION),
    Rob1Domain(ROB1_DOMAINS[4], "Incomplete outcome data", BiasType.ATTRITION),
    Rob1Domain(ROB1_DOMAINS[5], "Selective reporting", BiasType.REPORTING),
    Rob1Domain(ROB1_DOMAINS[6], "Other bias", BiasType.OTHER),
)
"""The seven RoB 1 domains in the order of the tool (Higgins et al. 2011, Table 2)."""

KEY_DOMAINS: tuple[str, ...] = tuple(
    d.id for d in DOMAINS if d.bias in (BiasType.SELECTION, BiasType.ATTRITION, BiasType.REPORTING)
)
"""The seed review's key domains: selection (sequence, concealment), attrition, reporting."""


@dataclass(frozen=True)
class DomainJudgement:
    """A reviewer's judgement of one RoB 1 domain, with its support and where it was found.

    Examples
    --------
    >>> DomainJudgement("allocation_concealment", "low", "central telephone", "p. 3")
    DomainJudgement(domain='allocation_concealment', judgement='low', support='central telephone', location='p. 3')
    """  # noqa: E501

    domain: str
    judgement: str
    support: str = ""
    location: str = ""

    def __post_init__(self) -> None:
        if self.domain not in ROB1_DOMAINS:
            raise InputError(
                f"Invalid domain {self.domain!r}; must be one of {', '.join(ROB1_DOMAINS)}"
            )
        if self.judgement not in JUDGEMENTS:
            raise InputError(
                f"Invalid judgement {self.judgement!r}; must be one of {', '.join(JUDGEMENTS)}",
                column=self.domain,
            )


def _rule(key_domains: Sequence[str], rule: OverallRule, otherwise: str | None) -> RiskOfBias:
    if otherwise is not None:
        rule = OverallRule(
            low_requires=rule.low_requires, worst_of=rule.worst_of, otherwise=otherwise
        )
    return RiskOfBias(tool=Tool.ROB1, key_domains=tuple(key_domains), overall=rule)


def overall_rob1(
    judgements: Mapping[str, str],
    *,
    key_domains: Sequence[str] = KEY_DOMAINS,
    rule: OverallRule = OverallRule(),  # noqa: B008 (frozen, immutable)
    otherwise: str | None = None,
) -> str:
    """The overall RoB 1 rating of a study from its seven domain judgements.

    Parameters
    ----------
    judgements
        ``{domain id: "low" | "unclear" | "high"}`` for all seven domains.
    key_domains
        Domains whose high/unclear judgement drives the overall rating (default: selection,
        attrition and reporting, as in the seed review).
    rule
        The protocol's :class:`~sysreview.protocol.appraisal.OverallRule`.
    otherwise
        Overrides ``rule.otherwise``: the rating when every key domain is low but some other
        domain is not (the rule's default is ``"unclear"``).

    Returns
    -------
    str
        ``"low"``, ``"unclear"`` or ``"high"``.

    Raises
    ------
    InputError
        A domain is missing, a judgement or key domain is invalid.

    Notes
    -----
    Low only if all domains are low; otherwise the worst key-domain judgement (high beats
    unclear); otherwise ``otherwise``. Handbook v5.1 section 8.7 and Table 8.7.a; the rule is
    :meth:`sysreview.protocol.appraisal.RiskOfBias.overall_judgement`.

    Examples
    --------
    >>> low = dict.fromkeys(ROB1_DOMAINS, "low")
    >>> overall_rob1(low)
    'low'
    >>> overall_rob1({**low, "incomplete_outcome_data": "unclear", "selective_reporting": "high"})
    'high'
    >>> overall_rob1({**low, "blinding_outcome_assessment": "high"})
    'unclear'
    >>> overall_rob1({**low, "blinding_outcome_assessment": "high"}, otherwise="high")
    'high'
    """
    try:
        return _rule(key_domains, rule, otherwise).overall_judgement(judgements)
    except ValidationError as exc:
        raise InputError("; ".join(str(e["msg"]) for e in exc.errors())) from exc
    except ValueError as exc:
        raise InputError(str(exc)) from exc


@dataclass(frozen=True)
class Rob1Assessment:
    """The RoB 1 assessment of one study: a judgement per domain and the overall rating.

    ``by_outcome`` holds judgements given per outcome for domains judged at outcome level
    (RevMan's group-level items, e.g. blinding of outcome assessment):
    ``{outcome: {domain: judgement}}``. :meth:`for_outcome` is the assessment that applies
    to one outcome (its own judgements where given, the study's elsewhere), with
    ``result`` naming the outcome; ``result`` is ``None`` for the study-level assessment.

    Examples
    --------
    >>> a = Rob1Assessment("Smith 2010", tuple(DomainJudgement(d, "low") for d in ROB1_DOMAINS))
    >>> a.overall
    'low'
    >>> a.to_frame().shape
    (7, 6)
    >>> b = Rob1Assessment("Smith 2010", a.judgements,
    ...                    by_outcome={"hope": {"blinding_outcome_assessment": "high"}})
    >>> b.overall, b.for_outcome("hope").overall, b.for_outcome("anxiety").overall
    ('low', 'unclear', 'low')
    >>> b.outcome_overall
    {'hope': 'unclear'}
    """

    study: str
    judgements: tuple[DomainJudgement, ...]
    key_domains: tuple[str, ...] = KEY_DOMAINS
    rule: OverallRule = field(default_factory=OverallRule)
    by_outcome: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    result: str | None = None

    def __post_init__(self) -> None:
        seen = [j.domain for j in self.judgements]
        if sorted(seen) != sorted(ROB1_DOMAINS):
            raise InputError(
                f"need exactly one judgement per domain ({', '.join(ROB1_DOMAINS)}); got "
                f"{', '.join(seen) or 'none'}",
                source=self.study,
            )
        for outcome, given in self.by_outcome.items():
            for domain, judgement in given.items():
                try:
                    DomainJudgement(domain, judgement)
                except InputError as exc:
                    raise InputError(f"{outcome}: {exc.message}", source=self.study,
                                     column=domain) from exc  # fmt: skip

    def for_outcome(self, outcome: str) -> Rob1Assessment:
        """The assessment of ``outcome``: its outcome-level judgements, else the study's."""
        given = self.by_outcome.get(outcome, {})
        judgements = tuple(
            DomainJudgement(j.domain, given[j.domain]) if j.domain in given else j
            for j in self.judgements
        )
        return replace(self, judgements=judgements, by_outcome={}, result=outcome)

    @property
    def outcome_overall(self) -> dict[str, str]:
        """``{outcome: overall rating}`` for each outcome with its own judgements."""
        return {o: self.for_outcome(o).overall for o in self.by_outcome}

    def judgement(self, domain: str) -> str:
        """The judgement of ``domain``."""
        return next(j.judgement for j in self.judgements if j.domain == domain)

    @property
    def overall(self) -> str:
        """The overall rating (:func:`overall_rob1`)."""
        by_domain = {j.domain: j.judgement for j in self.judgements}
        return overall_rob1(by_domain, key_domains=self.key_domains, rule=self.rule)

    def to_frame(self) -> pd.DataFrame:
        """One row per domain, in the tool's order.

        Columns: study, domain, bias, judgement, support, location.
        """
        by_domain = {j.domain: j for j in self.judgements}
        return pd.DataFrame(
            [
                {
                    "study": self.study,
                    "domain": d.id,
                    "bias": d.bias.value,
                    "judgement": by_domain[d.id].judgement,
                    "support": by_domain[d.id].support,
                    "location": by_domain[d.id].location,
                }
                for d in DOMAINS
            ]
        )

    def summary(self) -> str:
        """The judgements as text, one domain a line, and the overall rating."""
        lines = [f"Risk of bias (RoB 1): {self.study}"]
        for d in DOMAINS:
            key = "*" if d.id in self.key_domains else " "
            lines.append(f"{key} {d.name:<40} {self.judgement(d.id)}")
        lines.append(f"  {'Overall':<40} {self.overall}")
        return "\n".join(lines)


__all__ = [
    "DOMAINS",
    "JUDGEMENTS",
    "KEY_DOMAINS",
    "BiasType",
    "DomainJudgement",
    "Rob1Assessment",
    "Rob1Domain",
    "overall_rob1",
]
