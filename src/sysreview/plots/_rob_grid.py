"""The risk-of-bias judgements read off the assessments as a grid: studies by domains.

:func:`_grid` reads RoB 1 (:class:`~sysreview.appraisal.rob1.Rob1Assessment`) or RoB 2
(:class:`~sysreview.appraisal.rob2.Rob2Assessment`,
:class:`~sysreview.appraisal.rob2.Rob2Judgements`) assessments once into the rows, columns,
judgement levels and overall judgements that both figures of :mod:`sysreview.plots.rob`
draw; RoB 1 gets RevMan's layout of a column per domain and one per outcome judged for it.
Nothing is drawn here and nothing is re-derived: the judgements are the assessments' own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from types import MappingProxyType
from typing import Final

from sysreview.appraisal import rob1, rob2
from sysreview.errors import InputError
from sysreview.protocol.appraisal import ROB2_DOMAINS

ROB2_DOMAIN_NAMES: Final = MappingProxyType(
    dict(
        zip(
            ROB2_DOMAINS,
            (
                "Bias arising from the randomisation process",
                "Bias due to deviations from intended interventions",
                "Bias due to missing outcome data",
                "Bias in measurement of the outcome",
                "Bias in selection of the reported result",
            ),
            strict=True,
        )
    )
)
"""RoB 2 domain id → name (Sterne et al. BMJ 2019;366:l4898, Table 1)."""

Assessments = (
    Sequence[rob1.Rob1Assessment]
    | Sequence[rob2.Rob2Assessment]
    | Sequence[rob2.Rob2Assessment | rob2.Rob2Judgements]
)


@dataclass(frozen=True)
class _Grid:
    """The judgements read off the assessments once: rows are studies, columns domains."""

    tool: str
    domain_names: tuple[str, ...]
    levels: tuple[str, ...]
    studies: tuple[str, ...]
    judgements: tuple[tuple[str, ...], ...]
    overall: tuple[str, ...]


def _grid(assessments: Assessments) -> _Grid:
    items = tuple(assessments)
    if not items:
        raise InputError("need at least one risk-of-bias assessment")
    if all(isinstance(a, rob1.Rob1Assessment) for a in items):
        r1 = [a for a in items if isinstance(a, rob1.Rob1Assessment)]
        columns = _rob1_columns(r1)
        return _Grid(
            "RoB 1",
            tuple(d.name if o is None else f"{d.name}: {o}" for d, o in columns),
            rob1.JUDGEMENTS,
            tuple(a.study for a in r1),
            tuple(
                tuple(
                    a.for_outcome(o).judgement(d.id) if o else a.judgement(d.id) for d, o in columns
                )
                for a in r1
            ),
            tuple(a.overall for a in r1),
        )
    rob2_kinds = (rob2.Rob2Assessment, rob2.Rob2Judgements)
    if all(isinstance(a, rob2_kinds) for a in items):
        r2 = [a for a in items if isinstance(a, rob2_kinds)]
        names = [a.study for a in r2]
        unique = len(set(names)) == len(names)
        return _Grid(
            "RoB 2",
            tuple(ROB2_DOMAIN_NAMES.values()),
            rob2.JUDGEMENTS,
            tuple(a.study if unique else f"{a.study}: {a.result}" for a in r2),
            tuple(tuple(a.domain_judgements[d] for d in ROB2_DOMAINS) for a in r2),
            tuple(a.overall for a in r2),
        )
    kinds = sorted({type(a).__name__ for a in items})
    raise InputError(
        "assessments must be all Rob1Assessment or all Rob2Assessment/Rob2Judgements; got "
        + ", ".join(kinds)
    )


def _rob1_columns(
    assessments: Sequence[rob1.Rob1Assessment],
) -> list[tuple[rob1.Rob1Domain, str | None]]:
    """The RoB 1 columns: each domain, then one per outcome judged for it (RevMan's layout).

    An outcome's column shows the judgement that applies to it: its own where given, else
    the study's.
    """
    columns: list[tuple[rob1.Rob1Domain, str | None]] = []
    for d in rob1.DOMAINS:
        columns.append((d, None))
        outcomes = {o for a in assessments for o, given in a.by_outcome.items() if d.id in given}
        columns.extend((d, o) for o in sorted(outcomes))
    return columns


__all__ = ["ROB2_DOMAIN_NAMES", "Assessments"]
