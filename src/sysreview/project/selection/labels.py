"""Screening labels and highlighted keywords: what a team marks records with and looks for.

Labels
------
An administrator defines the project's labels ("RCT", "protocol only", "ask R3"); any
reviewer puts them on records and takes them off. Each change is an event (who, when)
in ``label_event``; a record's labels are the latest event per label.

Labels are **not decisions** and are shown to every reviewer. They are how a team talks
about a record ("needs the full text", "non-English"), so hiding them would defeat their
purpose, and they say nothing about how anyone decided: blinding
(:func:`~sysreview.project.selection.views.may_see_others`) protects decisions, not
notes meant to be shared. A reviewer who writes "exclude" as a label unblinds on
purpose; the screening guide asks teams to name labels for what a record *is*, not for
what it should become.

Keywords
--------
Words highlighted in titles and abstracts, Rayyan-style: *include* words green, *exclude*
words red. The project's list is the protocol's ``[screening.keywords]`` and the words
an administrator adds (or takes off) in the app; each reviewer keeps a list of their
own, which wins over the project's for the same word. Every change is an event in
``keyword_event``; the latest per owner and word is current.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import or_, select

from sysreview.errors import InputError, StateConflictError
from sysreview.project.selection.views import UnknownRecord
from sysreview.project.storage import (
    KeywordEvent,
    LabelDefinition,
    LabelEvent,
    Record,
    Store,
    utcnow,
)
from sysreview.project.storage.labels import KEYWORD_LENGTH, LABEL_LENGTH
from sysreview.protocol import Protocol

__all__ = [
    "Keywords",
    "Label",
    "check_word",
    "define_label",
    "keywords_for",
    "label_record",
    "labels_of",
    "project_labels",
    "records_labelled",
    "set_keyword",
]


def _clean(text: str, what: str, longest: int) -> str:
    """``text`` stripped, one line, no control characters, 1 to ``longest`` characters."""
    found = " ".join(text.split())
    if not found:
        raise InputError(f"the {what} is empty")
    if len(found) > longest:
        raise InputError(f"the {what} {found[:20]!r}... is longer than {longest} characters")
    if any(unicodedata.category(c).startswith("C") for c in found):
        raise InputError(f"the {what} {found!r} holds control characters")
    return found


@dataclass(frozen=True)
class Label:
    """A label defined for the project: its name, description, who defined it and when."""

    name: str
    description: str | None
    defined_by: str
    defined_at: datetime


def project_labels(store: Store) -> tuple[Label, ...]:
    """The project's labels in use (latest definition per name, not retired), by name."""
    d = LabelDefinition
    with store.session(readonly=True) as session:
        query = select(d.name, d.description, d.retired, d.who, d.created_at).order_by(d.id)
        latest = {row.name.casefold(): row for row in session.execute(query)}
    found = [Label(r.name, r.description, r.who, r.created_at) for r in latest.values()]
    return tuple(sorted((f for f in found if not latest[f.name.casefold()].retired),
                        key=lambda f: f.name.casefold()))  # fmt: skip


def _label_named(store: Store, name: str) -> Label:
    wanted = name.strip().casefold()
    for label in project_labels(store):
        if label.name.casefold() == wanted:
            return label
    known = ", ".join(f.name for f in project_labels(store)) or "none yet"
    raise InputError(f"no label {name!r} in this project (labels: {known})")


def define_label(
    store: Store, name: str, *, who: str, description: str | None = None, retire: bool = False
) -> Label:
    """Define a label (or change its description, or ``retire`` it); the label.

    Names are compared case-insensitively; a retired label is no longer offered, and
    records keep the events that labelled them.
    """
    name = _clean(name, "label name", LABEL_LENGTH)
    text = " ".join(description.split()) if description else None
    if retire:
        name = _label_named(store, name).name
    with store.session() as session:
        session.add(LabelDefinition(name=name, description=text, retired=retire, who=who))
        store.audit(who, "retire label" if retire else "define label", "label_definition",
                    None, {"name": name}, session=session)  # fmt: skip
    return Label(name, text, who, utcnow())


def labels_of(store: Store, record_ids: Iterable[int]) -> dict[int, tuple[str, ...]]:
    """The labels currently on each of the records (those with none are left out)."""
    ids = sorted(set(record_ids))
    if not ids:
        return {}
    e = LabelEvent
    current: dict[tuple[int, str], bool] = {}
    with store.session(readonly=True) as session:
        for start in range(0, len(ids), 500):  # bounded IN lists
            query = (
                select(e.record_id, e.label, e.applied)
                .where(e.record_id.in_(ids[start : start + 500]))
                .order_by(e.id)
            )
            for record, label, applied in session.execute(query):
                current[(record, label)] = applied
    found: dict[int, list[str]] = {}
    for (record, label), applied in current.items():
        if applied:
            found.setdefault(record, []).append(label)
    return {r: tuple(sorted(labels, key=str.casefold)) for r, labels in found.items()}


def records_labelled(store: Store, label: str) -> set[int]:
    """The records that carry ``label`` now."""
    name = _label_named(store, label).name
    e = LabelEvent
    current: dict[int, bool] = {}
    with store.session(readonly=True) as session:
        query = select(e.record_id, e.applied).where(e.label == name).order_by(e.id)
        for record, applied in session.execute(query):
            current[record] = applied
    return {r for r, applied in current.items() if applied}


def label_record(
    store: Store, *, record_id: int, label: str, who: str, applied: bool = True
) -> tuple[str, ...]:
    """Put ``label`` on a record (or take it off); the record's labels afterwards.

    Raises
    ------
    UnknownRecord
        When there is no such record.
    StateConflictError
        When the record already carries the label (or does not, to take it off).
    """
    name = _label_named(store, label).name
    with store.session() as session:
        if session.get(Record, record_id) is None:
            raise UnknownRecord(f"no record {record_id} in this project")
        e = LabelEvent
        query = (
            select(e.applied)
            .where(e.record_id == record_id, e.label == name)
            .order_by(e.id.desc())
            .limit(1)
        )
        now = bool(session.scalar(query))
        if now == applied:
            state = "already carries" if applied else "does not carry"
            raise StateConflictError(f"record {record_id} {state} the label {name!r}")
        session.add(LabelEvent(record_id=record_id, label=name, applied=applied, who=who))
    return labels_of(store, [record_id]).get(record_id, ())


# ---- keywords ------------------------------------------------------------------------


@dataclass(frozen=True)
class Keywords:
    """The words highlighted for one reviewer: theirs over the project's.

    ``include`` and ``exclude`` are what is marked (green and red); ``project`` and
    ``own`` give each list as ``(word, kind)`` pairs, for the page that edits them.
    """

    include: tuple[str, ...] = ()
    exclude: tuple[str, ...] = ()
    project: tuple[tuple[str, str], ...] = ()
    own: tuple[tuple[str, str], ...] = ()


def check_word(word: str) -> str:
    """A keyword as stored: one line, no control characters, at most 100 characters."""
    return _clean(word, "keyword", KEYWORD_LENGTH)


def _lists(
    store: Store, owner: str
) -> tuple[dict[str, tuple[str, str]], dict[str, tuple[str, str]]]:
    """The app's project list and ``owner``'s list: ``{folded word: (word, kind)}``."""
    k = KeywordEvent
    project: dict[str, tuple[str, str]] = {}
    own: dict[str, tuple[str, str]] = {}
    with store.session(readonly=True) as session:
        query = (
            select(k.owner, k.word, k.kind)
            .where(or_(k.owner.is_(None), k.owner == owner))
            .order_by(k.id)
        )
        for who, word, kind in session.execute(query):
            (project if who is None else own)[word.casefold()] = (word, kind)
    return project, own


def keywords_for(store: Store, protocol: Protocol, reviewer: str) -> Keywords:
    """The keywords highlighted for ``reviewer``.

    Notes
    -----
    The project's list starts from the protocol's ``[screening.keywords]`` (an include
    word listed as both counts as include); the app's project events come next, then
    the reviewer's own: the later list wins for a word, and ``none`` takes it off.
    """
    listed = protocol.screening.keywords
    merged: dict[str, tuple[str, str]] = {}
    for kind, words in (("exclude", listed.exclude), ("include", listed.include)):
        merged.update({w.casefold(): (w, kind) for w in words})
    app_project, own = _lists(store, reviewer)
    merged.update(app_project)
    project = {k: v for k, v in merged.items() if v[1] != "none"}
    merged.update(own)
    effective = [v for v in merged.values() if v[1] != "none"]
    return Keywords(
        tuple(sorted((w for w, kind in effective if kind == "include"), key=str.casefold)),
        tuple(sorted((w for w, kind in effective if kind == "exclude"), key=str.casefold)),
        tuple(sorted(project.values(), key=lambda v: v[0].casefold())),
        tuple(sorted((v for v in own.values() if v[1] != "none"), key=lambda v: v[0].casefold())),
    )


def set_keyword(store: Store, *, word: str, kind: str, who: str, owner: str | None) -> None:
    """Add ``word`` to a list as ``include`` or ``exclude``, or take it off (``none``).

    ``owner`` is the reviewer whose list it is, or ``None`` for the project's (the
    caller checks that ``who`` may change it).
    """
    word = check_word(word)
    if kind not in ("include", "exclude", "none"):
        raise InputError(f"invalid keyword kind {kind!r}; must be one of include, exclude, none")
    with store.session() as session:
        session.add(KeywordEvent(owner=owner, word=word, kind=kind, who=who))
