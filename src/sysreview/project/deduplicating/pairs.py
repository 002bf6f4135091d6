"""De-duplication of a project's records, and the review queue of uncertain pairs.

The engine (:mod:`sysreview.dedup`) decides pairs with named rules; here its decisions
become duplicate-link events in the store: rule-decided duplicates are ``confirmed``
(no reviewer), uncertain pairs ``proposed`` (the review queue). A reviewer's accept or
reject is a new event. Pairs that already have a link are left as they are, so a
human rejection survives every re-run. Nothing is deleted.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.storage import (
    DuplicateLink,
    Record,
    Reviewer,
    Store,
    current_duplicate_links,
)
from sysreview.records.model import Citation

if TYPE_CHECKING:
    from sysreview.dedup import DedupResult


@dataclass(frozen=True)
class DedupRun:
    """What a de-duplication run added: confirmed and proposed links, and skipped pairs."""

    records: int
    candidates: int
    confirmed: int
    proposed: int
    already_linked: int

    def summary(self) -> str:
        """One line per count."""
        return (
            f"{self.records} records, {self.candidates} candidate pairs scored\n"
            f"  duplicates linked (rule-decided): {self.confirmed}\n"
            f"  pairs queued for review:          {self.proposed}\n"
            f"  pairs already linked (kept):      {self.already_linked}"
        )


@dataclass(frozen=True)
class QueuedPair:
    """An uncertain pair waiting for a reviewer, with both records' key fields."""

    record_a: int
    record_b: int
    rule: str
    score: float | None
    a: dict[str, object]
    b: dict[str, object]

    @property
    def key(self) -> str:
        """The pair's name on the command line: ``A-B`` (record ids)."""
        return f"{self.record_a}-{self.record_b}"


def citation_of(record: Record) -> Citation:
    """The :class:`Citation` a stored record was made from (``position`` = record id)."""
    return Citation(
        position=record.id,
        line=record.line,
        record_id=record.record_key,
        title=record.title,
        authors=tuple(record.authors.split("\n")) if record.authors else (),
        year=record.year,
        journal=record.journal,
        journal_abbrev=record.journal_abbrev,
        volume=record.volume,
        issue=record.issue,
        pages=record.pages,
        doi=record.doi,
        pmid=record.pmid,
        abstract=record.abstract,
        issn=record.issn,
        keywords=tuple(record.keywords or ()),
        language=record.language,
        publication_type=record.publication_type,
        url=record.url,
        database=record.database,
    )


LINK_CHUNK = 500
"""Links inserted per statement."""


def _insert_rule_links(session: Session, rows: list[dict[str, Any]]) -> list[str]:
    """Insert rule-made links, skipping pairs a rule has linked already; inserted statuses.

    The unique index on a pair's rule-made link (``uq_duplicate_link_rule_pair``) decides:
    ``ON CONFLICT DO NOTHING`` skips a pair another run linked since we looked.
    """
    if session.get_bind().dialect.name == "sqlite":
        from sqlalchemy.dialects import sqlite as dialect
    else:  # the PostgreSQL dialect module is imported only on PostgreSQL
        from sqlalchemy.dialects import postgresql as dialect  # type: ignore[no-redef]
    statement = (
        dialect.insert(DuplicateLink).on_conflict_do_nothing().returning(DuplicateLink.status)
    )
    made: list[str] = []
    for start in range(0, len(rows), LINK_CHUNK):
        made += session.scalars(statement, rows[start : start + LINK_CHUNK]).all()
    return made


def deduplicate_store(
    store: Store, *, progress: Callable[[str, float], None] | None = None
) -> tuple[DedupRun, DedupResult]:
    """Find duplicates among all the project's records and store the new links.

    The records and the links so far are read in one read-only transaction, the
    duplicates are found outside any transaction (seconds to minutes for a large
    search), and the new links are written in one short transaction: a web server
    writing screening decisions meanwhile is held up for that write only, never for
    the search. Runs at the same time (two terminals, a living update) link each pair
    once: the database keeps one rule-made link per pair.
    """
    with store.session(readonly=True) as session:
        records = list(session.scalars(select(Record).order_by(Record.id)))
        pairs = select(DuplicateLink.record_a_id, DuplicateLink.record_b_id).distinct()
        linked = {(a, b) for a, b in session.execute(pairs)}
    from sysreview.dedup.engine import find_duplicates  # pandas, scipy: only when run

    result = find_duplicates([citation_of(r) for r in records], progress=progress)
    ids = [r.id for r in records]
    rows: list[dict[str, Any]] = []
    already = 0
    for pair in (*result.links, *result.uncertain):
        a, b = sorted((ids[pair.record_a], ids[pair.record_b]))
        if (a, b) in linked:
            already += 1
            continue
        linked.add((a, b))
        status = "confirmed" if pair.decision == "duplicate" else "proposed"
        rows.append(
            {"record_a_id": a, "record_b_id": b, "rule": pair.rule, "score": pair.score,
             "status": status}
        )  # fmt: skip
    with store.session() as session:
        made = _insert_rule_links(session, rows)
        counts = {
            "confirmed": made.count("confirmed"),
            "proposed": made.count("proposed"),
            "already": already + len(rows) - len(made),
        }
        store.audit("sysreview", "dedup", "duplicate_link", None, dict(counts))
    run = DedupRun(
        len(records),
        result.n_candidates,
        counts["confirmed"],
        counts["proposed"],
        counts["already"],
    )
    return run, result


def _summary(record: Record) -> dict[str, object]:
    """The fields a reviewer compares of a record.

    ``authors`` (the first three) for a short listing; ``all_authors``, volume, issue,
    pages and abstract for a side-by-side view.
    """
    authors = record.authors.split("\n") if record.authors else []
    return {
        "id": record.id,
        "title": record.title,
        "authors": authors[:3],
        "all_authors": authors,
        "year": record.year,
        "journal": record.journal,
        "volume": record.volume,
        "issue": record.issue,
        "pages": record.pages,
        "doi": record.doi,
        "pmid": record.pmid,
        "abstract": record.abstract,
    }


def review_queue(store: Store) -> list[QueuedPair]:
    """Pairs whose current link is ``proposed``: waiting for a reviewer."""
    with store.session(readonly=True) as session:
        return _queued(session, current_duplicate_links(session))


def _queued(session: Session, links: list[DuplicateLink]) -> list[QueuedPair]:
    pending = [link for link in links if link.status == "proposed"]
    wanted = {i for link in pending for i in (link.record_a_id, link.record_b_id)}
    rows = session.scalars(select(Record).where(Record.id.in_(wanted))) if wanted else ()
    by_id: dict[int, Record] = {r.id: r for r in rows}
    return [
        QueuedPair(
            link.record_a_id,
            link.record_b_id,
            link.rule,
            link.score,
            _summary(by_id[link.record_a_id]),
            _summary(by_id[link.record_b_id]),
        )
        for link in sorted(pending, key=lambda x: (x.record_a_id, x.record_b_id))
    ]


@dataclass(frozen=True)
class DecidedPair:
    """A pair a reviewer decided: ``confirmed`` (the same record) or ``rejected``."""

    key: str
    status: str
    reviewer: str


RECENT = 10
"""How many of the latest reviewer decisions :func:`duplicate_review` lists."""


@dataclass(frozen=True)
class DuplicateReview:
    """The review of uncertain pairs: those waiting, and how many reviewers decided.

    ``recent`` are the latest reviewer decisions, newest first (to correct one).
    """

    pairs: tuple[QueuedPair, ...]
    decided: int
    recent: tuple[DecidedPair, ...] = ()

    @property
    def waiting(self) -> int:
        """Pairs waiting for a reviewer."""
        return len(self.pairs)

    @property
    def total(self) -> int:
        """Pairs queued for a reviewer so far (decided or waiting)."""
        return self.decided + self.waiting


def duplicate_review(store: Store) -> DuplicateReview:
    """The waiting pairs (:func:`review_queue`) and how many a reviewer has decided.

    A pair counts once, by its current link: ``proposed`` waits; one whose current link
    has a reviewer (accepted or rejected) is decided. Rule-made ``confirmed`` links were
    never queued and are not counted.
    """
    with store.session(readonly=True) as session:
        links = current_duplicate_links(session)
        done = [x for x in links if x.reviewer_id is not None and x.status != "proposed"]
        latest = sorted(done, key=lambda x: x.id, reverse=True)[:RECENT]
        people = {x.reviewer_id for x in latest}
        query = select(Reviewer.id, Reviewer.name).where(Reviewer.id.in_(people))
        names: dict[int | None, str] = {i: n for i, n in session.execute(query)} if people else {}
        recent = tuple(
            DecidedPair(f"{x.record_a_id}-{x.record_b_id}", x.status, names.get(x.reviewer_id, ""))
            for x in latest
        )
        return DuplicateReview(tuple(_queued(session, links)), len(done), recent)


def decide_pair(store: Store, key: str, *, accept: bool, reviewer: str) -> None:
    """Record a reviewer's decision on a queued pair ``A-B`` as a new link event."""
    try:
        a, b = sorted(int(part) for part in key.split("-"))
    except ValueError:
        raise InputError(f"pair {key!r} must be two record ids joined by '-', e.g. 12-57") from None
    if not reviewer.strip():
        raise InputError("--reviewer must name who decides")
    with store.session() as session:
        current = {(x.record_a_id, x.record_b_id): x for x in current_duplicate_links(session)}
        link = current.get((a, b)) or current.get((b, a))
        if link is None:
            raise InputError(f"pair {key} is not linked: nothing to accept or reject")
        person = session.scalar(select(Reviewer).where(Reviewer.name == reviewer))
        if person is None:
            person = Reviewer(name=reviewer, roles=["screener"])
            session.add(person)
            session.flush()
        status = "confirmed" if accept else "rejected"
        session.add(
            DuplicateLink(
                record_a_id=link.record_a_id,
                record_b_id=link.record_b_id,
                rule=link.rule,
                score=link.score,
                status=status,
                reviewer_id=person.id,
            )
        )
        session.flush()
        store.audit(reviewer, f"duplicate {status}", "duplicate_link", None, {"pair": key})
