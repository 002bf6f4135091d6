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
full-text exclusion whose reason says the study is ongoing). A project without a database
yields a record of the version alone.

:func:`~sysreview.project.reporting.notes.with_analysis` (in its own module) adds the notes
on the values each analysis used.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Hashable, Iterable, Mapping
from dataclasses import replace
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview import __version__
from sysreview.prisma import NOT_RETRIEVED_REASONS
from sysreview.prisma.arms import OtherMethodsFlow, count_reasons
from sysreview.project.opening import PathLike, opened
from sysreview.project.storage import (
    ImportBatch,
    Reads,
    Record,
    Reviewer,
    RobJudgement,
    Store,
    Study,
    StudyReport,
)
from sysreview.protocol import Protocol
from sysreview.report.record import (
    CitedStudy,
    PairAgreement,
    ProcessRecord,
    Reference,
    ReviewRecord,
    SearchRun,
    StageRecord,
)
from sysreview.report.references import csl_item
from sysreview.versions import library_versions

_RENDERED = re.compile(r"^# sysreview strategy (\S+) version (\S+)", re.MULTILINE)
"""The first line of a strategy rendered by sysreview (``RenderedSearch.text``)."""
ONGOING = re.compile(r"\bongoing\b", re.IGNORECASE)
"""A full-text exclusion reason that marks an ongoing study."""


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


def _reference(r: Record) -> Reference:
    item = csl_item(
        r.id, authors=r.authors, title=r.title, journal=r.journal,
        journal_abbrev=r.journal_abbrev, year=r.year, volume=r.volume, issue=r.issue,
        pages=r.pages, doi=r.doi, pmid=r.pmid, url=r.url, publication_type=r.publication_type,
    )  # fmt: skip
    return Reference(csl=item, record_id=r.id)


def _included(session: Session) -> tuple[CitedStudy, ...]:
    """Every study with its linked reports, the primary report first."""
    query = (
        select(Study.label, Record)
        .join(StudyReport, StudyReport.study_id == Study.id)
        .join(Record, Record.id == StudyReport.record_id)
        .order_by(Study.label, StudyReport.is_primary.desc(), StudyReport.id)
    )
    reports: dict[str, list[Reference]] = defaultdict(list)
    for label, record in session.execute(query):
        reports[label].append(_reference(record))
    labels = session.scalars(select(Study.label).order_by(Study.label))
    return tuple(CitedStudy(label, tuple(reports.get(label, ()))) for label in labels)


def _records(session: Session, ids: set[int]) -> dict[int, Record]:
    if not ids:
        return {}
    found = session.scalars(select(Record).where(Record.id.in_(sorted(ids))))
    records = {r.id: r for r in found}
    for r in records.values():
        session.expunge(r)
    return records


def _first_author(r: Record) -> str:
    line = (r.authors or "").splitlines()[0] if r.authors else ""
    name = line.split(",")[0].strip()
    return name or (r.title or f"Record {r.id}").split(" ")[0]


def _labels(units: Iterable[int], records: dict[int, Record]) -> dict[int, str]:
    """``Surname Year`` per report, with a, b ... where two would read the same."""
    base = {u: f"{_first_author(records[u])} {records[u].year or 'n.d.'}" for u in units}
    counts: dict[str, int] = defaultdict(int)
    for text in base.values():
        counts[text] += 1
    seen: dict[str, int] = defaultdict(int)
    out = {}
    for unit in sorted(base, key=lambda u: (base[u], u)):
        text = base[unit]
        if counts[text] > 1:
            out[unit] = f"{text}{chr(ord('a') + seen[text])}"
            seen[text] += 1
        else:
            out[unit] = text
    return out


def _not_retrieved(session: Session, groups: Mapping[int, int]) -> dict[int, str]:
    """Units whose recorded retrieval status is "not retrieved", with the reason given.

    The latest status among a duplicate group's copies counts, by the PRISMA counts' own
    rule (:func:`sysreview.prisma.counts.retrieval_by_unit`).
    """
    from sysreview.prisma.counts import retrieval_by_unit
    from sysreview.project.reporting.prisma_data import retrieval_statuses

    latest = retrieval_by_unit(retrieval_statuses(Reads.of_session(session)), groups)
    return {u: r.reason or "no reason recorded"
            for u, r in latest.items() if r.status == "not_retrieved"}  # fmt: skip


def _full_text(
    ft: object, records: dict[int, Record], unretrieved: dict[int, str] | None = None
) -> tuple[tuple[CitedStudy, ...], tuple[CitedStudy, ...], tuple[CitedStudy, ...]]:
    """Reports excluded at full text, awaiting classification, and ongoing studies.

    A report recorded as not retrieved (``unretrieved``: unit -> reason) awaits
    classification whatever its full-text decisions say, as PRISMA counts it.
    """
    from sysreview.project.selection.state import StageState

    assert isinstance(ft, StageState)
    retrieval = {" ".join(r.split()).casefold() for r in NOT_RETRIEVED_REASONS}
    unretrieved = unretrieved or {}
    picked: list[tuple[int, str, str]] = []
    for unit in ft.units:
        status = ft.status[unit]
        if unit in unretrieved and unit in records:
            picked.append((unit, "awaiting", f"full text not retrieved ({unretrieved[unit]})"))
            continue
        if not status.settled or unit not in records:
            continue
        reason = (status.reason or "").strip()
        if status.decision == "maybe":
            picked.append((unit, "awaiting", "eligibility unclear from the full text"))
        elif status.decision == "exclude":
            if " ".join(reason.split()).casefold() in retrieval:
                picked.append((unit, "awaiting", f"full text not retrieved ({reason})"))
            elif ONGOING.search(reason):
                picked.append((unit, "ongoing", reason))
            else:
                picked.append((unit, "excluded", reason or "reason not recorded"))
    labels = _labels([u for u, _, _ in picked], records)
    groups: dict[str, list[CitedStudy]] = {"excluded": [], "awaiting": [], "ongoing": []}
    for unit, group, reason in sorted(picked, key=lambda p: labels[p[0]]):
        groups[group].append(CitedStudy(labels[unit], (_reference(records[unit]),), reason))
    return tuple(groups["excluded"]), tuple(groups["awaiting"]), tuple(groups["ongoing"])


def _listed(
    store: Store,
    included: tuple[CitedStudy, ...],
    awaiting: tuple[CitedStudy, ...],
    ongoing: tuple[CitedStudy, ...],
) -> tuple[tuple[CitedStudy, ...], tuple[CitedStudy, ...], tuple[CitedStudy, ...]]:
    """The studies listed as awaiting classification or ongoing, moved out of ``included``.

    A listing (``sysreview study status``, :mod:`sysreview.project.retrieving.contacts`) is the
    team's word on the study, so it wins over the study's place among the included ones;
    its data become the reason the tables show.
    """
    from sysreview.project.retrieving.contacts import study_statuses

    listed = {s.study: s for s in study_statuses(store)}
    if not listed:
        return included, awaiting, ongoing
    refs = {c.label: c.references for c in included}
    moved = {"awaiting_classification": list(awaiting), "ongoing": list(ongoing)}
    for label, status in listed.items():
        text = "; ".join(f"{k.replace('_', ' ')}: {v}" for k, v in status.data.items())
        reason = text or status.status.replace("_", " ")
        moved[status.status].append(CitedStudy(label, refs.get(label, ()), reason))
    kept = tuple(c for c in included if c.label not in listed)
    waiting, going = (
        tuple(sorted(moved[k], key=lambda c: c.label.casefold()))
        for k in ("awaiting_classification", "ongoing")
    )
    return kept, waiting, going


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
