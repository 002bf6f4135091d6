"""Risk-of-bias assessment in the project: sheets, two reviewers, agreement, consensus.

Reviewers record their judgements in a sheet (CSV, or XLSX by extension) written from
the protocol's tool and the project's studies, or in the web app's form, and load it
back; the load checks every row first and stores nothing unless the whole sheet is valid
(one transaction).

The sheets (their columns, the RoB 2 rule that answers give the judgement, identity and
stale-sheet checks) are :mod:`sysreview.project.appraising.sheets`; storing entries, shared with
the web form, is :mod:`sysreview.project.appraising.entries`.

Storage
-------
Each domain judgement is a ``rob_judgement`` event (tool, domain, judgement, support,
reviewer, kind ``reviewer`` or ``consensus``); for RoB 2 results the domain column holds
``"<result>/<domain>"``. Signalling answers are ``extraction_value`` events (entity
``"rob2"``, the study's id, key ``"<result>/<question>"``). A ``location`` (page, table)
is kept as the ``source_location`` of an ``extraction_value`` (entity
``"rob_judgement"``, the judgement's id, key ``"location"``). The latest event per study,
domain and reviewer is that reviewer's current judgement; a consensus judgement, once
recorded, is the study's.

Second reviewer
---------------
``risk_of_bias.second_reviewer_fraction`` of the studies (the first ones, in the order the
studies were created, rounded up) are assessed by the second appraiser as well, blind;
:func:`rob_agreement` gives Cohen's kappa over their domain judgements and
:func:`rob_discrepancies` the items to resolve, by a consensus entry.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.appraisal import rob1, rob2
from sysreview.errors import InputError
from sysreview.project.appraising.entries import CONSENSUS, OVERALL, RobLoad, store_entries
from sysreview.project.appraising.entries import studies_by_label as _studies
from sysreview.project.appraising.entries import tool_of as _tool
from sysreview.project.appraising.sheets import COLUMNS, load_rob_sheet, write_rob_sheet
from sysreview.project.storage import Reviewer, RobJudgement, Store, Study
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool
from sysreview.protocol.review import Role
from sysreview.screening.interrater import Agreement, agreement

PathLike = str | os.PathLike[str]


# ---- templates -------------------------------------------------------------------------


def second_reviewer_studies(store: Store, protocol: Protocol) -> tuple[str, ...]:
    """The studies the second appraiser also assesses.

    The protocol's fraction (rounded up) of the studies in the order they were created, the
    first ones or a random sample drawn with the protocol's seed
    (:meth:`~sysreview.protocol.RiskOfBias.second_reviewer_sample`).
    """
    rob = protocol.risk_of_bias
    with store.session(readonly=True) as session:
        labels = list(_studies(session))
    return () if rob is None else rob.second_reviewer_sample(labels)


def _appraisers(protocol: Protocol) -> list[str]:
    return [p.id for p in protocol.review.reviewers if p.has(Role.APPRAISER)]


def write_rob_template(
    store: Store, protocol: Protocol, path: PathLike, *, reviewer: str | None = None
) -> int:
    """Write a sheet (CSV, or XLSX by extension) for the studies; the row count.

    The second appraiser (the protocol's second reviewer with the appraiser role) gets only
    the studies of :func:`second_reviewer_studies`; anyone else gets all studies. With a
    reviewer the sheet is pre-filled with their entries (:func:`rob_sheets.write_rob_sheet`).
    A RoB 1 sheet's ``suggestion`` cell of "incomplete outcome data" holds the attrition
    rule's suggestion and reason (:mod:`sysreview.project.appraising.attrition`); the
    judgement cell is the appraiser's.
    """
    _tool(protocol)
    with store.session(readonly=True) as session:
        labels = list(_studies(session))
    appraisers = _appraisers(protocol)
    if reviewer is not None and len(appraisers) > 1 and reviewer == appraisers[1]:
        labels = list(second_reviewer_studies(store, protocol))
    return write_rob_sheet(store, protocol, path, labels, reviewer)


# ---- current state -----------------------------------------------------------------------


@dataclass(frozen=True)
class StudyRob:
    """A study's (or one result's) current risk-of-bias judgements and overall rating.

    ``by_outcome`` (RoB 1) holds the judgements given per outcome for the protocol's
    outcome-level domains, ``{outcome: {domain: judgement}}``; ``disputed`` names such a
    domain ``"<outcome>/<domain>"``; ``outcome_overall`` is each such outcome's overall
    rating (the protocol's rule over its own judgements and the study's others).
    ``source`` is ``"consensus"``, a reviewer id, or ``"disputed"`` when two reviewers
    disagree and no consensus is recorded (then the first appraiser's judgements are shown
    and ``disputed`` lists the domains). ``overall`` is the protocol's rule, unless the
    assessors recorded their own overall RoB 2 judgement
    (:data:`~sysreview.project.appraising.entries.OVERALL`); then ``rule_overall`` is what the
    rule gives.
    """

    study: str
    result: str | None
    tool: str
    judgements: Mapping[str, str]
    support: Mapping[str, str]
    overall: str
    source: str
    disputed: tuple[str, ...] = ()
    rule_overall: str | None = None
    by_outcome: Mapping[str, Mapping[str, str]] = field(default_factory=dict)
    outcome_overall: Mapping[str, str] = field(default_factory=dict)

    def assessment(
        self, protocol: Protocol
    ) -> rob1.Rob1Assessment | rob2.Rob2Assessment | rob2.Rob2Judgements:
        """The :mod:`sysreview.appraisal` object (for the figures in :mod:`sysreview.plots`).

        It has the assessors' own overall RoB 2 judgement, when one was recorded.
        """
        rob = protocol.risk_of_bias
        assert rob is not None
        if self.rule_overall is not None:
            return rob2.Rob2Judgements(self.study, self.result or "all results",
                                       dict(self.judgements), self.overall)  # fmt: skip
        if self.tool == Tool.ROB1.value:
            return rob1.Rob1Assessment(
                self.study,
                tuple(
                    rob1.DomainJudgement(d, j, self.support.get(d, ""))
                    for d, j in self.judgements.items()
                ),
                key_domains=rob.key_domains,
                rule=rob.overall,
                by_outcome=self.by_outcome,
            )
        return rob2.Rob2Assessment(self.study, self.result or "all results", {},
                                   judged=dict(self.judgements))  # fmt: skip


def _latest_by_reviewer(session: Session, tool: Tool) -> dict[tuple[str, str], dict[str, Any]]:
    """``{(study label, storage domain): {reviewer name or "consensus": (judgement, support)}}``."""
    names = {r.id: r.name for r in session.scalars(select(Reviewer))}
    labels = {s.id: s.label for s in session.scalars(select(Study))}
    out: dict[tuple[str, str], dict[str, Any]] = {}
    rows = session.scalars(
        select(RobJudgement).where(RobJudgement.tool == tool.value).order_by(RobJudgement.id)
    )
    for row in rows:
        who = CONSENSUS if row.kind == CONSENSUS else names[row.reviewer_id]
        by = out.setdefault((labels[row.study_id], row.domain), {})
        if row.retracted:
            by.pop(who, None)  # taken back: no judgement of theirs
        else:
            by[who] = (row.judgement, row.support)
    return {key: by for key, by in out.items() if by}


def rob_assessments(store: Store, protocol: Protocol) -> tuple[StudyRob, ...]:
    """The current judgements of every fully judged study (or result), with overall ratings.

    A domain's judgement is the consensus one when recorded, else the single reviewer's,
    else (two reviewers who disagree) the first appraiser's, marked disputed.
    """
    tool = _tool(protocol)
    rob = protocol.risk_of_bias
    assert rob is not None
    order = _appraisers(protocol)
    with store.session(readonly=True) as session:
        latest = _latest_by_reviewer(session, tool)
        study_order = list(_studies(session))
    grouped: dict[tuple[str, str | None], dict[str, tuple[str, str, str, bool]]] = {}
    for (study, key), by in latest.items():
        prefix, _, domain = key.rpartition("/")
        if CONSENSUS in by:
            pick, who, differ = by[CONSENSUS], CONSENSUS, False
        else:
            people = sorted(by, key=lambda p: order.index(p) if p in order else len(order))
            pick, who = by[people[0]], people[0]
            differ = len({by[p][0] for p in people}) > 1
        grouped.setdefault((study, prefix or None), {})[domain] = (
            pick[0],
            pick[1] or "",
            who,
            differ,
        )
    outcome_level = _outcome_level(grouped, rob.outcome_level_domains, tool)
    out: list[StudyRob] = []
    for (study, result), domains in sorted(
        grouped.items(), key=lambda kv: (study_order.index(kv[0][0]), kv[0][1] or "")
    ):
        if tool is Tool.ROB1 and result is not None:
            continue  # an outcome's judgements: part of the study's StudyRob
        if any(d not in domains for d in tool.domains):
            continue
        judgements = {d: domains[d][0] for d in tool.domains}
        support = {d: domains[d][1] for d in tool.domains if domains[d][1]}
        whos = {domains[d][2] for d in tool.domains}
        by_outcome, outcome_whos, outcome_disputed = outcome_level.get(study, ({}, set(), ()))
        whos |= outcome_whos
        disputed = tuple(d for d in tool.domains if domains[d][3]) + outcome_disputed
        source = "disputed" if disputed else (whos.pop() if len(whos) == 1 else "mixed")
        rule = rob.overall_judgement(judgements)
        given = domains[OVERALL][0] if tool is Tool.ROB2 and OVERALL in domains else None
        out.append(StudyRob(study, result, tool.value, judgements, support, given or rule,
                            source, disputed, rule_overall=rule if given else None,
                            by_outcome=by_outcome,
                            outcome_overall={o: rob.overall_judgement({**judgements, **g})
                                             for o, g in by_outcome.items()}))  # fmt: skip
    return tuple(out)


_Grouped = Mapping[tuple[str, str | None], Mapping[str, tuple[str, str, str, bool]]]


def _outcome_level(
    grouped: _Grouped, domains: Iterable[str], tool: Tool
) -> dict[str, tuple[dict[str, dict[str, str]], set[str], tuple[str, ...]]]:
    """RoB 1 judgements per outcome: ``{study: (by outcome, whose, disputed keys)}``.

    Only the protocol's outcome-level domains count (a judgement kept from before the
    protocol stopped judging a domain per outcome is not used).
    """
    out: dict[str, tuple[dict[str, dict[str, str]], set[str], tuple[str, ...]]] = {}
    if tool is not Tool.ROB1:
        return out
    allowed = set(domains)
    for (study, outcome), given in grouped.items():
        if outcome is None:
            continue
        kept = {d: v for d, v in given.items() if d in allowed}
        if not kept:
            continue
        by, whos, disputed = out.setdefault(study, ({}, set(), ()))
        by[outcome] = {d: v[0] for d, v in kept.items()}
        whos.update(v[2] for v in kept.values())
        more = tuple(f"{outcome}/{d}" for d, v in kept.items() if v[3])
        out[study] = (by, whos, disputed + more)
    return out


def rob_frame(assessments: Iterable[StudyRob]) -> pd.DataFrame:
    """One row per study (or result): its domain judgements, overall rating and source.

    A study judged per outcome has columns ``<outcome>/<domain>`` and ``<outcome>/overall``.
    """
    return pd.DataFrame(
        [
            {
                "study": a.study,
                "result": a.result,
                **a.judgements,
                "overall": a.overall,
                "source": a.source,
                **{f"{o}/{d}": j for o, given in a.by_outcome.items() for d, j in given.items()},
                **{f"{o}/overall": j for o, j in a.outcome_overall.items()},
            }
            for a in assessments
        ]
    )


# ---- two reviewers ---------------------------------------------------------------------


@dataclass(frozen=True)
class RobDiscrepancy:
    """A domain the two appraisers judged differently, with no consensus yet."""

    study: str
    domain: str
    first: tuple[str, str]
    second: tuple[str, str]
    first_support: str | None
    second_support: str | None

    def summary(self) -> str:
        """One line: study, domain and both reviewers' judgements."""
        return (
            f"{self.study}: {self.domain}: {self.first[0]} says {self.first[1]}, "
            f"{self.second[0]} says {self.second[1]}"
        )


def _pair(protocol: Protocol) -> tuple[str, str]:
    appraisers = _appraisers(protocol)
    if len(appraisers) < 2:
        raise InputError(
            "agreement needs two appraisers; the protocol names "
            + (", ".join(appraisers) or "none")
        )
    return appraisers[0], appraisers[1]


def rob_discrepancies(store: Store, protocol: Protocol) -> tuple[RobDiscrepancy, ...]:
    """Domains judged by both appraisers, differently, and not yet agreed by consensus."""
    tool = _tool(protocol)
    first, second = _pair(protocol)
    with store.session(readonly=True) as session:
        latest = _latest_by_reviewer(session, tool)
    out = []
    for (study, domain), by in latest.items():
        if CONSENSUS in by or first not in by or second not in by:
            continue
        if by[first][0] != by[second][0]:
            out.append(RobDiscrepancy(study, domain, (first, by[first][0]),
                                      (second, by[second][0]), by[first][1],
                                      by[second][1]))  # fmt: skip
    return tuple(out)


def rob_agreement(store: Store, protocol: Protocol, *, level: float = 0.95) -> Agreement:
    """Cohen's kappa (and Gwet's AC1) of the two appraisers over the domains both judged.

    Items are study × domain judgements (each reviewer's latest; a RoB 1 domain judged per
    outcome adds an item per outcome both judged); categories are the tool's
    judgements, so an unused one still counts (see :func:`sysreview.screening.interrater`).
    """
    tool = _tool(protocol)
    first, second = _pair(protocol)
    with store.session(readonly=True) as session:
        latest = _latest_by_reviewer(session, tool)
    both = [by for by in latest.values() if first in by and second in by]
    if not both:
        raise InputError(f"no domain has been judged by both {first} and {second} yet")
    return agreement(
        [by[first][0] for by in both],
        [by[second][0] for by in both],
        categories=tool.judgements,
        level=level,
    )


__all__ = [
    "COLUMNS",
    "RobDiscrepancy",
    "RobLoad",
    "StudyRob",
    "load_rob_sheet",
    "rob_agreement",
    "rob_assessments",
    "rob_discrepancies",
    "rob_frame",
    "second_reviewer_studies",
    "store_entries",
    "write_rob_template",
]
