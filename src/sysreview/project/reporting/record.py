"""Use case: what the project holds about how the review was done, for the report.

::

    project_record(DIR)                    -> ReviewRecord   # searches, screening, studies
    with_analysis(record, synthesis, data) -> ReviewRecord   # report_notes.py

:func:`project_record` reads the store: the import log (each search as run: source, kind,
interface, date, hits, the strategy text imported with it and, for a strategy rendered by
sysreview, its name and version), the screening state (units decided per stage, how many
by two reviewers independently, resolutions, Cohen's kappa and Gwet's AC1 per pair of
reviewers, as ``sysreview screen agreement``), who extracted data and appraised risk of
bias (and the appraisers' agreement), the included studies with every report linked to
them, and the reports excluded at full text (with their reasons), awaiting classification
(eligibility unclear from the full text, or the full text not retrieved) and ongoing (a
full-text exclusion whose reason says the study is ongoing; these lists are read in
:mod:`sysreview.project.reporting.studies`). A project without a database yields a record
of the version alone.

:func:`~sysreview.project.reporting.notes.with_analysis` (in its own module) adds the notes
on the values each analysis used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview import __version__
from sysreview.prisma import NOT_RETRIEVED_REASONS
from sysreview.prisma.arms import OtherMethodsFlow, count_reasons
from sysreview.project.opening import PathLike, opened
from sysreview.project.reporting.studies import (
    ONGOING,
    _full_text,
    _included,
    _listed,
    _not_retrieved,
    _records,
)
from sysreview.project.storage import ImportBatch, Record, Reviewer, RobJudgement, Store
from sysreview.protocol import Protocol
from sysreview.report.record import (
    PairAgreement,
    ProcessRecord,
    ReviewRecord,
    SearchRun,
    StageRecord,
)
from sysreview.versions import library_versions

_RENDERED = re.compile(r"^# sysreview strategy (\S+) version (\S+)", re.MULTILINE)
"""The first line of a strategy rendered by sysreview (``RenderedSearch.text``)."""


def project_record(directory: PathLike, db_url: str | None = None) -> ReviewRecord:
    """The record of the project in ``directory`` (see the module docstring)."""
    if not _has_database(directory, db_url):
        return ReviewRecord(__version__, libraries=library_versions())
    with opened(directory, db_url) as (project, store):
        return store_record(store, project.protocol)


def _has_database(directory: PathLike, db_url: str | None = None) -> bool:
    """Whether the project has a database yet (a URL, or its SQLite file exists)."""
    from sysreview.project.opening import load_project
    from sysreview.project.storage import DB_FILE, sqlite_url

    url = load_project(directory, db_url).database_url
    return url != sqlite_url(Path(directory) / DB_FILE) or (Path(directory) / DB_FILE).is_file()


def store_record(store: Store, protocol: Protocol) -> ReviewRecord:
    """The record held in an open store (see the module docstring)."""
    from sysreview.project.selection.state import screening_state

    state = screening_state(store, protocol)
    with store.session(readonly=True) as session:
        searches = _searches(session)
        included = _included(session)
        records = _records(session, {u for u in state.ft.units})
        extraction = _extraction(session)
        appraisal = _appraisal(session)
        other = _other_methods(session, state, protocol)
        unretrieved = _not_retrieved(session, state.groups)
    ta, ft = (_stage(store, protocol, state.stage(s)) for s in ("ta", "ft"))
    excluded, awaiting, ongoing = _full_text(state.ft, records, unretrieved)
    included, awaiting, ongoing = _listed(store, included, awaiting, ongoing)
    if appraisal is not None and appraisal.by_two:
        appraisal = replace(appraisal, agreement=_rob_agreement(store, protocol))
    return ReviewRecord(
        __version__,
        searches=searches,
        screened=bool(ta.units),
        ta=ta,
        ft=ft,
        extraction=extraction,
        appraisal=appraisal,
        included=included,
        excluded=excluded,
        awaiting=awaiting,
        ongoing=ongoing,
        other_methods=other,
        libraries=library_versions(),
    )


def _other_methods(session: Session, state: object, protocol: Protocol) -> OtherMethodsFlow | None:
    """The PRISMA column of records found by other methods (units of their records only)."""
    from sysreview.project.selection.state import ScreeningState
    from sysreview.screening.status import State

    assert isinstance(state, ScreeningState)
    query = select(Record.id, ImportBatch.source_kind, ImportBatch.source_database).join(
        ImportBatch, ImportBatch.id == Record.batch_id
    )
    kinds: dict[int, str] = {}
    by_source: dict[str, int] = defaultdict(int)
    for rid, kind, source in session.execute(query):
        kinds[rid] = kind
        if kind == "other":
            by_source[source] += 1
    if not by_source:
        return None
    members: dict[int, list[int]] = defaultdict(list)
    for rid in kinds:
        members[state.unit_of(rid)].append(rid)
    own = {u for u, rids in members.items() if all(kinds[r] == "other" for r in rids)}
    forward = {"include", "maybe"} if protocol.screening.maybe_goes_forward else {"include"}
    retrieval = {" ".join(r.split()).casefold() for r in NOT_RETRIEVED_REASONS}
    ta = {"excluded": 0, "awaiting": 0, "conflicts": 0}
    sought: list[int] = []
    for unit in own:
        status = state.ta.status.get(unit)
        if status is not None and status.settled and status.decision in forward:
            sought.append(unit)
        elif status is not None and status.settled and status.decision == "exclude":
            ta["excluded"] += 1
        elif status is not None and status.state is State.CONFLICT:
            ta["conflicts"] += 1
        else:
            ta["awaiting"] += 1
    ft = {"not_retrieved": 0, "included": 0, "awaiting": 0, "conflicts": 0}
    reasons: dict[str, int] = defaultdict(int)
    labels: dict[str, str] = {}
    for unit in sought:
        status = state.ft.status.get(unit)
        reason = " ".join((status.reason or "").split()) if status is not None else ""
        if status is not None and status.settled and status.decision == "exclude":
            if reason.casefold() in retrieval:
                ft["not_retrieved"] += 1
            else:
                reason = reason or "reason not recorded"
                reasons[labels.setdefault(reason.casefold(), reason)] += 1
        elif status is not None and status.settled and status.decision == "include":
            ft["included"] += 1
        elif status is not None and status.state is State.CONFLICT:
            ft["conflicts"] += 1
        else:
            ft["awaiting"] += 1
    records = sum(by_source.values())
    return OtherMethodsFlow(
        count_reasons(by_source), records - len(own), ta["excluded"], ta["awaiting"],
        ta["conflicts"], len(sought), ft["not_retrieved"], count_reasons(reasons),
        ft["included"], ft["awaiting"], ft["conflicts"],
    )  # fmt: skip


def _searches(session: Session) -> tuple[SearchRun, ...]:
    out = []
    for b in session.scalars(select(ImportBatch).order_by(ImportBatch.id)):
        found = _RENDERED.search(b.query_text or "")
        out.append(
            SearchRun(
                b.source_database, b.source_kind, b.interface, b.search_date, b.record_count,
                Path(b.file_name).name, b.query_text or None,
                found.group(1) if found else None, found.group(2) if found else None,
            )
        )  # fmt: skip
    return tuple(out)


def _stage(store: Store, protocol: Protocol, stage: object) -> StageRecord:
    from sysreview.project.selection.state import StageState
    from sysreview.screening.status import State

    assert isinstance(stage, StageState)
    decided = [u for u in stage.units if stage.status[u].decided or stage.status[u].settled]
    reviewers: dict[str, None] = {}
    triples: list[tuple[Hashable, Hashable, str]] = []
    for unit in decided:
        status = stage.status[unit]
        for who in status.decided:
            reviewers[str(who)] = None
        triples += [(unit, str(who), decision) for who, decision in status.independent]
    dual = sum(1 for u in decided if len(stage.status[u].independent) >= 2)
    return StageRecord(
        stage.stage,
        len(decided),
        dual,
        tuple(reviewers),
        resolved=stage.count(State.RESOLVED),
        conflicts=stage.count(State.CONFLICT),
        agreement=_pairs(triples) if dual else (),
    )


def _pairs(triples: list[tuple[Hashable, Hashable, str]]) -> tuple[PairAgreement, ...]:
    from sysreview.screening.interrater import pairwise_agreement

    found = pairwise_agreement(triples)
    return tuple(
        PairAgreement(
            (str(ra), str(rb)),
            a.n,
            a.percent_agreement,
            a.kappa,
            a.kappa_ci,
            a.ac1,
            a.ac1_ci,
            a.level,
        )
        for (ra, rb), a in found.pairs
        if a.n
    )


def _extraction(session: Session) -> ProcessRecord | None:
    from sysreview.project.extracting.state import read_state

    state = read_state(session)
    if not state.extractors:
        return None
    agreed = {
        item.study_id
        for item in [*state.values.values(), *state.outcomes.values()]
        if item.consensus is not None
    }
    by_two = sum(1 for who in state.extractors.values() if len(who) >= 2)
    names = sorted({n for who in state.extractors.values() for n in who})
    return ProcessRecord(len(state.extractors), by_two, tuple(names), len(agreed))


def _appraisal(session: Session) -> ProcessRecord | None:
    names = {r.id: r.name for r in session.scalars(select(Reviewer))}
    who: dict[int, set[str]] = defaultdict(set)
    agreed: set[int] = set()
    rows = session.scalars(select(RobJudgement).where(RobJudgement.retracted.is_(False)))
    for row in rows:
        if row.kind == "consensus":
            agreed.add(row.study_id)
        else:
            who[row.study_id].add(names[row.reviewer_id])
    if not who and not agreed:
        return None
    studies = set(who) | agreed
    by_two = sum(1 for s in studies if len(who.get(s, ())) >= 2)
    people = sorted({n for names_ in who.values() for n in names_})
    return ProcessRecord(len(studies), by_two, tuple(people), len(agreed))


def _rob_agreement(store: Store, protocol: Protocol) -> PairAgreement | None:
    from sysreview.errors import InputError
    from sysreview.project.appraising.assessments import rob_agreement
    from sysreview.protocol import Role

    try:
        a = rob_agreement(store, protocol)
    except InputError:
        return None
    first, second = [p.id for p in protocol.review.reviewers if p.has(Role.APPRAISER)][:2]
    return PairAgreement((first, second), a.n, a.percent_agreement, a.kappa, a.kappa_ci,
                         a.ac1, a.ac1_ci, a.level)  # fmt: skip


__all__ = ["ONGOING", "project_record", "store_record"]
