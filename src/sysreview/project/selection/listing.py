"""The record list: every screening unit of a stage, searched, filtered and paged, blinded.

What a person sees of a record's screening follows the one blinding rule
(:func:`~sysreview.project.selection.views.may_see_others`, for all units at once
:func:`~sysreview.project.selection.views.units_open_to`): a reviewer always sees their
own decision; a record's status (awaiting, in conflict, included...) only where they may
see the others' decisions; adjudicators and administrators see everything
(:func:`~sysreview.project.selection.pages.sees_everyone`). Filters obey the same rule,
so neither which records match nor how many do depends on a decision the viewer may not
see: a status or conflict filter matches only records whose status they may see, and
only adjudicators and administrators may ask about another reviewer's decisions.

Notes
-----
Where each filter runs: the text filters (search words, keywords) run in SQL
(``LIKE`` over title, abstract, authors and any full text attached), the label filter
from its event log in SQL; the screening filters read the screening state that every
route reads (:func:`~sysreview.project.selection.state.screening_state`, kept in memory
and brought up to date by new events), so the status rule is not written a second time
in SQL. The page's rows (``LIMIT``-sized) are then read from the store by id.
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field

from sqlalchemy import ColumnElement, and_, or_, select
from sqlalchemy.orm import InstrumentedAttribute, Session

from sysreview.errors import InputError, NotPermittedError
from sysreview.project.accounts.users import AccountInfo
from sysreview.project.selection.labels import (
    Keywords,
    keywords_for,
    labels_of,
    project_labels,
    records_labelled,
)
from sysreview.project.selection.pages import sees_everyone
from sysreview.project.selection.stage_state import StageState
from sysreview.project.selection.state import screening_state
from sysreview.project.selection.views import (
    RecordCard,
    SeenDecision,
    check_stage,
    decisions_seen_by,
    record_card,
    units_open_to,
)
from sysreview.project.storage import FulltextFile, Record, Store
from sysreview.protocol import Protocol
from sysreview.screening.status import State, UnitStatus

__all__ = [
    "DECISION_FILTERS",
    "ORDERS",
    "STATUS_FILTERS",
    "ListedRecord",
    "RecordFilter",
    "RecordPage",
    "ReviewView",
    "list_records",
    "review_view",
    "status_word",
]

DECISION_FILTERS = ("include", "exclude", "maybe", "decided", "undecided")
"""A reviewer's own decision: one of the three, any, or none yet (on assigned records)."""
STATUS_FILTERS = ("awaiting", "conflict", "include", "exclude", "maybe")
"""A record's status at the stage: awaiting a decision, in conflict, or settled as one."""
ORDERS = ("record", "recent")
"""Record order, or the reviewer's latest decisions first (their history)."""
MAX_PER_PAGE = 200


@dataclass(frozen=True)
class RecordFilter:
    """What the record list shows: the stage, the filters, the page.

    ``decision`` is the decision of ``reviewer`` (by default the viewer); ``keyword`` is
    ``include`` or ``exclude`` (any of the viewer's words of that kind) or a word.
    """

    stage: str = "ta"
    q: str | None = None
    decision: str | None = None
    status: str | None = None
    reviewer: str | None = None
    label: str | None = None
    keyword: str | None = None
    conflict: bool = False
    order: str = "record"
    page: int = 1
    per_page: int = 50

    def __post_init__(self) -> None:
        check_stage(self.stage)
        for name, allowed in (
            ("decision", DECISION_FILTERS), ("status", STATUS_FILTERS), ("order", ORDERS)
        ):  # fmt: skip
            value = getattr(self, name)
            if value is not None and value not in allowed:
                raise InputError(f"invalid {name} {value!r}; must be one of {', '.join(allowed)}")
        for name in ("q", "reviewer", "label", "keyword"):
            value = getattr(self, name)
            if value and any(unicodedata.category(c).startswith("C") for c in value):
                raise InputError(f"the {name} holds control characters")
        if self.page < 1 or not 1 <= self.per_page <= MAX_PER_PAGE:
            raise InputError(f"page must be 1 or more, per_page from 1 to {MAX_PER_PAGE}")


@dataclass(frozen=True)
class ListedRecord:
    """One row of the list: the record, the reviewer's decision, its status, its labels.

    ``status`` is ``None`` where blinding hides it from the viewer.
    """

    id: int
    title: str | None
    authors: tuple[str, ...]
    year: int | None
    journal: str | None
    decision: str | None
    status: str | None
    labels: tuple[str, ...] = ()


@dataclass(frozen=True)
class RecordPage:
    """One page of the list: its rows, how many records match, and the filter."""

    rows: tuple[ListedRecord, ...]
    total: int
    filter: RecordFilter
    reviewer: str
    hidden: int = 0
    """Rows on this page whose status blinding hides from the viewer."""
    labels: tuple[str, ...] = field(default=())
    """The project's labels (for the filter's choices)."""

    @property
    def pages(self) -> int:
        """How many pages the matching records fill (at least one)."""
        return max(1, math.ceil(self.total / self.filter.per_page))


def status_word(status: UnitStatus) -> str:
    """A status as the list shows it and filters by (see :data:`STATUS_FILTERS`)."""
    if status.settled:
        return str(status.decision)
    return "conflict" if status.state is State.CONFLICT else "awaiting"


def _like(
    column: InstrumentedAttribute[str | None], word: str, sqlite: bool
) -> ColumnElement[bool]:
    """``column`` holds ``word``, case-insensitively (``%`` and ``_`` are plain characters).

    SQLite's ``LIKE`` already ignores the case of ASCII letters (and its ``lower()`` folds
    no others), so it is used as it is: ``ILIKE``'s ``lower()`` on every row would double
    the scan's cost. PostgreSQL uses ``ILIKE``.
    """
    escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    pattern = f"%{escaped}%"
    return column.like(pattern, escape="\\") if sqlite else column.ilike(pattern, escape="\\")


def _text_matches(session: Session, words: Iterable[str], *, every: bool, full: bool) -> set[int]:
    """Records whose text holds every (or any) of ``words`` (``full``: full texts too).

    A scan with ``LIKE`` (SQLite, which folds the case of ASCII letters) or ``ILIKE``
    (PostgreSQL): about 0.1 s over 77,000 real records with their abstracts. A text index
    (FTS5 trigrams) answered in 0.01 s but doubled the time of a large import, so there is
    none.
    """
    words = [w for w in words if w]
    if not words:
        return set()
    sqlite = session.get_bind().dialect.name == "sqlite"
    conditions = []
    for word in words:
        fields = [_like(Record.title, word, sqlite), _like(Record.abstract, word, sqlite)]
        if full:
            fields.append(_like(Record.authors, word, sqlite))
            found_in = select(FulltextFile.record_id).where(_like(FulltextFile.text, word, sqlite))
            fields.append(Record.id.in_(found_in))
        conditions.append(or_(*fields))
    joined = and_(*conditions) if every else or_(*conditions)
    return set(session.scalars(select(Record.id).where(joined)))


def _units(ids: Iterable[int], groups: Mapping[int, int]) -> set[int]:
    return {groups.get(i, i) for i in ids}


def _own(here: StageState, who: str) -> Callable[[int], str | None]:
    def decision(unit: int) -> str | None:
        for reviewer, said in here.status[unit].votes:
            if reviewer == who:
                return said
        return None

    return decision


def _latest_own(here: StageState, who: str) -> dict[int, int]:
    """Each unit's latest event by ``who`` (not a resolution): its order in the log."""
    found: dict[int, int] = {}
    for unit, events in here.events.items():
        for event in events:
            if event.reviewer == who and not event.resolution:
                found[unit] = max(found.get(unit, 0), event.order)
    return found


def _decision_units(here: StageState, who: str, wanted: str) -> Collection[int]:
    if wanted == "undecided":
        return set(here.pending_for(who))
    decided = {u for u in here.events if who in here.status[u].decided}
    if wanted == "decided":
        return decided
    own = _own(here, who)
    return {u for u in decided if own(u) == wanted}


def list_records(
    store: Store, protocol: Protocol, viewer: AccountInfo, wanted: RecordFilter
) -> RecordPage:
    """A page of the stage's records matching ``wanted``, as ``viewer`` may see them.

    Raises
    ------
    NotPermittedError
        When a reviewer asks about another reviewer's decisions (adjudicators and
        administrators may).
    InputError
        For an unknown label, decision, status or order.
    """
    everyone = sees_everyone(viewer)
    who = wanted.reviewer or viewer.name
    if who != viewer.name and not everyone:
        raise NotPermittedError(
            "only adjudicators and administrators may filter by another reviewer's decisions"
        )
    state = screening_state(store, protocol)
    here = state.stage(wanted.stage)
    open_units = None if everyone else units_open_to(protocol, here, viewer.name)
    keep: list[Collection[int]] = []
    if wanted.decision:
        keep.append(_decision_units(here, who, wanted.decision))
    if wanted.status or wanted.conflict:
        seen = here.units if open_units is None else open_units
        status = here.status
        keep.append({
            u for u in seen
            if u in status
            and (not wanted.status or status_word(status[u]) == wanted.status)
            and (not wanted.conflict or status[u].state is State.CONFLICT)
        })  # fmt: skip
    if wanted.label:
        keep.append(_units(records_labelled(store, wanted.label), state.groups))
    words = (wanted.q or "").split()
    keyword = (wanted.keyword or "").strip()
    if words or keyword:
        if keyword in ("include", "exclude"):
            mine = keywords_for(store, protocol, viewer.name)
            listed: tuple[str, ...] = getattr(mine, keyword)
        else:
            listed = (keyword,) if keyword else ()
        with store.session(readonly=True) as session:
            if words:
                keep.append(_units(_text_matches(session, words, every=True, full=True),
                                   state.groups))  # fmt: skip
            if keyword:
                keep.append(_units(_text_matches(session, listed, every=False, full=False),
                                   state.groups))  # fmt: skip
    keep.sort(key=len)
    units: list[int] | tuple[int, ...] = here.units
    if keep:
        smallest = keep[0]
        units = sorted(u for u in smallest if all(u in s for s in keep[1:]) and u in here.status)
    if wanted.order == "recent":
        latest = _latest_own(here, who)
        units = sorted(units, key=lambda u: -latest.get(u, 0))
    start = (wanted.page - 1) * wanted.per_page
    shown = list(units[start : start + wanted.per_page])
    rows, hidden = _rows(store, here, shown, who, open_units)
    names = tuple(label.name for label in project_labels(store))
    return RecordPage(rows, len(units), wanted, who, hidden, names)


def _rows(
    store: Store, here: StageState, shown: list[int], who: str, open_units: frozenset[int] | None
) -> tuple[tuple[ListedRecord, ...], int]:
    if not shown:
        return (), 0
    with store.session(readonly=True) as session:
        r = Record
        query = select(r.id, r.title, r.authors, r.year, r.journal).where(r.id.in_(shown))
        found = {row.id: row for row in session.execute(query)}
    labels = labels_of(store, shown)
    own = _own(here, who)
    rows = []
    hidden = 0
    for unit in shown:
        row = found[unit]
        visible = open_units is None or unit in open_units
        hidden += not visible
        authors = tuple(row.authors.split("\n")) if row.authors else ()
        rows.append(ListedRecord(
            unit, row.title, authors, row.year, row.journal, own(unit),
            status_word(here.status[unit]) if visible else None, labels.get(unit, ()),
        ))  # fmt: skip
    return tuple(rows), hidden


@dataclass(frozen=True)
class ReviewView:
    """A record the reviewer decided, to look at again and change their decision.

    ``previous`` and ``next`` are the reviewer's decided records before and after it in
    their history (latest decision first); ``seen`` the decisions blinding lets them see.
    """

    stage: str
    card: RecordCard
    decision: str | None
    seen: tuple[SeenDecision, ...]
    labels: tuple[str, ...]
    keywords: Keywords
    previous: int | None
    next: int | None
    position: int | None
    decided: int
    all_labels: tuple[str, ...] = ()


def review_view(
    store: Store, protocol: Protocol, viewer: AccountInfo, stage: str, record_id: int
) -> ReviewView:
    """The review page of ``record_id`` for ``viewer`` at ``stage`` (with their history)."""
    check_stage(stage)
    card = record_card(store, record_id)
    state = screening_state(store, protocol)
    here, unit = state.stage(stage), state.unit_of(record_id)
    latest = _latest_own(here, viewer.name)
    history = sorted((u for u in latest if viewer.name in here.status[u].decided),
                     key=lambda u: -latest[u])  # fmt: skip
    at = history.index(unit) if unit in history else -1  # -1: not decided, before the latest
    newer = history[at - 1] if at > 0 else None
    older = history[at + 1] if at + 1 < len(history) else None
    seen = decisions_seen_by(store, protocol, stage=stage, record_id=record_id,
                             reviewer=viewer.name)  # fmt: skip
    status = here.status.get(unit)
    own = None if status is None else _own(here, viewer.name)(unit)
    return ReviewView(
        stage, card, own, tuple(seen), labels_of(store, [card.id]).get(card.id, ()),
        keywords_for(store, protocol, viewer.name), older, newer,
        at + 1 or None, len(history),
        tuple(label.name for label in project_labels(store)),
    )  # fmt: skip
