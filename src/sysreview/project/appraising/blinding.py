"""What an appraiser may see of others' risk-of-bias judgements: the one rule.

The protocol's second appraiser assesses a share of the studies *blind* to the first
(:mod:`sysreview.project.appraising.assessments`); neither sees the other's judgements,
support texts or answers, in the form, the sheet template or the API. Once a consensus
judgement is recorded for a domain (a sheet loaded with ``--consensus``, by an appraiser
or the arbiter), it is what both agreed and both may see it, beside their own judgement:
but only for a domain the viewer has judged themselves (their current, not taken back,
judgement). A consensus can equal the other appraiser's judgement, so showing it to
someone who has not yet judged that domain would unblind them.

The overall agreed rating is shown only when every domain has a visible consensus (it is
then the protocol's rule applied to the consensus judgements); with some domains agreed
without a consensus entry, the study's rating mixes in the other appraiser's judgements.

Every route (web page, JSON API) reads others' judgements only through
:func:`visible_consensus`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from sqlalchemy import select

from sysreview.project.appraising.entries import (
    CONSENSUS,
    current_judgements,
    study_labelled,
    tool_of,
)
from sysreview.project.appraising.entries import appraiser as _appraiser
from sysreview.project.appraising.forms import form_keys
from sysreview.project.storage import RobJudgement, Store
from sysreview.protocol import Protocol


@dataclass(frozen=True)
class Agreed:
    """A consensus judgement of one domain (or ``"<outcome>/<domain>"``), with its support."""

    judgement: str
    support: str


@dataclass(frozen=True)
class VisibleConsensus:
    """The consensus an appraiser may see for one study.

    ``domains`` by domain key; ``hidden`` counts the recorded consensus judgements held
    back until the viewer judges those domains; ``overall`` is the protocol's rule over
    the consensus when every domain has a visible one.
    """

    domains: Mapping[str, Agreed]
    hidden: int
    overall: str | None


def visible_consensus(
    store: Store, protocol: Protocol, *, reviewer: str, study: str
) -> VisibleConsensus:
    """The consensus judgements of ``study`` that ``reviewer`` may see (module docstring).

    Raises
    ------
    InputError
        For a reviewer who is not an appraiser, or an unknown study.
    """
    tool = tool_of(protocol)
    rob = protocol.risk_of_bias
    assert rob is not None
    keys = (*tool.domains, *form_keys(protocol))
    with store.session(readonly=True) as session:
        who = _appraiser(session, protocol, reviewer, consensus=False)
        target = study_labelled(session, study)
        own = current_judgements(session, tool, who.id, "reviewer")
        mine = {d for (s, d) in own if s == target.id}
        rows = session.scalars(
            select(RobJudgement)
            .where(RobJudgement.tool == tool.value, RobJudgement.kind == CONSENSUS,
                   RobJudgement.study_id == target.id)
            .order_by(RobJudgement.id)
        )  # fmt: skip
        latest = {row.domain: row for row in rows}  # whoever recorded it: the latest counts
    agreed: dict[str, Agreed] = {}
    hidden = 0
    for domain, row in latest.items():
        if row.retracted or domain not in keys:
            continue
        if domain in mine:
            agreed[domain] = Agreed(row.judgement, row.support or "")
        else:
            hidden += 1
    overall = None
    if all(d in agreed for d in tool.domains):
        overall = rob.overall_judgement({d: agreed[d].judgement for d in tool.domains})
    return VisibleConsensus(agreed, hidden, overall)


__all__ = ["Agreed", "VisibleConsensus", "visible_consensus"]
