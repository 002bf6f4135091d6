"""The studies the report lists, read from the store: included, excluded, awaiting, ongoing.

The included studies with every report linked to them, the primary report first
(:func:`_included`); the reports excluded at full text with their reasons, those awaiting
classification (eligibility unclear from the full text, or the full text not retrieved,
by the PRISMA counts' own rule) and the ongoing ones (a full-text exclusion whose reason
says so, :data:`ONGOING`) (:func:`_full_text`), each labelled ``Surname Year``; and the
team's listings of studies as awaiting classification or ongoing, which win over the
study's place among the included ones (:func:`_listed`).
:func:`~sysreview.project.reporting.record.store_record` puts them in the review's record.
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Mapping

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.prisma import NOT_RETRIEVED_REASONS
from sysreview.project.storage import Reads, Record, Store, Study, StudyReport
from sysreview.report.record import CitedStudy, Reference
from sysreview.report.references import csl_item

ONGOING = re.compile(r"\bongoing\b", re.IGNORECASE)
"""A full-text exclusion reason that marks an ongoing study."""


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


__all__ = ["ONGOING"]
