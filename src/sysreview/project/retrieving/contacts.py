"""Studies awaiting classification, ongoing studies, and the author-contact log.

A study is listed as *awaiting classification* (its eligibility cannot be decided yet,
e.g. a conference abstract whose authors have not answered) or *ongoing* (registered or
described in a protocol, no results yet) with the data Cochrane's tables of those
studies show (Cochrane Handbook 4.5 and MECIR R44-R45; RevMan's "Characteristics of
studies awaiting classification" and "Characteristics of ongoing studies": methods,
participants, interventions, outcomes, notes; for ongoing studies also the study name,
starting date, contact information and registration). Each listing is a
``study_status_event``; the latest per study is current and ``none`` takes it back.

The contact log keeps each message to an author (who was contacted, by whom, when, what
was asked) and what came of it (the reply, when, the outcome). A later state of a
message (the reply arrived, no reply after a reminder) is a new row following it, so the
log keeps every step and the latest row of a thread is its current state.

References
----------
Higgins JPT, Thomas J, et al. (eds). Cochrane Handbook for Systematic Reviews of
Interventions, version 6.4, 2023: chapter 4.5 (studies awaiting classification and
ongoing studies) and MECIR Conduct standards C50-C51 (contacting investigators).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.retrieving.status import reviewer_row
from sysreview.project.storage import (
    CONTACT_OUTCOMES,
    STUDY_STATUSES,
    AuthorContact,
    Reviewer,
    Store,
    Study,
    StudyStatusEvent,
)
from sysreview.protocol import Protocol

COMMON_FIELDS = ("methods", "participants", "interventions", "outcomes", "notes")
FIELDS = {
    "awaiting_classification": (*COMMON_FIELDS, "reason"),
    "ongoing": ("study_name", *COMMON_FIELDS, "starting_date", "contact", "registration"),
    "none": (),
}
"""The data each listing keeps (as RevMan's tables of such studies show them)."""
_STATUS_WORDS = {"awaiting": "awaiting_classification", "awaiting_classification":
                 "awaiting_classification", "ongoing": "ongoing", "none": "none"}  # fmt: skip


class UnknownEntry(InputError):
    """A study label or contact id that is not in the project (web routes answer 404)."""

    http_status = 404


def parse_study_status(value: str) -> str:
    """``awaiting`` (or ``awaiting-classification``), ``ongoing`` or ``none``.

    >>> parse_study_status("Awaiting-Classification")
    'awaiting_classification'
    """
    status = _STATUS_WORDS.get(value.strip().lower().replace("-", "_").replace(" ", "_"))
    if status is None or status not in STUDY_STATUSES:
        raise InputError(f"invalid study status {value!r}; must be one of awaiting, ongoing, none")
    return status


def _study(session: Session, label: str) -> Study:
    key = re.sub(r"\s+", " ", label).strip().casefold()
    for study in session.scalars(select(Study)):
        if re.sub(r"\s+", " ", study.label).strip().casefold() == key:
            return study
    raise UnknownEntry(f"no study {label!r} in this project (add it with 'sysreview study add')")


@dataclass(frozen=True)
class StudyStatus:
    """A study's current listing, with its data."""

    study: str
    status: str
    data: dict[str, str]
    reviewer: str
    created_at: datetime

    def summary(self) -> str:
        """Lines: study and status, then each field."""
        lines = [f"{self.study}: {self.status.replace('_', ' ')}"]
        lines += [f"  {k.replace('_', ' ')}: {v}" for k, v in self.data.items()]
        return "\n".join(lines)


def set_study_status(
    session: Session, label: str, status: str, data: dict[str, Any], reviewer: Reviewer
) -> StudyStatus:
    """List a study as awaiting classification or ongoing (``none`` takes it back).

    Raises
    ------
    InputError
        For an unknown study or status, a field the status does not keep, or data given
        with ``none``.
    """
    study = _study(session, label)
    status = parse_study_status(status)
    given = {
        k: " ".join(str(v).split()) for k, v in data.items() if v is not None and str(v).strip()
    }
    extra = sorted(set(given) - set(FIELDS[status]))
    if extra:
        allowed = ", ".join(FIELDS[status]) or "none"
        raise InputError(f"a study listed as {status.replace('_', ' ')} keeps no {extra[0]!r} "
                         f"(its fields: {allowed})")  # fmt: skip
    row = StudyStatusEvent(study_id=study.id, status=status, data=given or None,
                           reviewer_id=reviewer.id)  # fmt: skip
    session.add(row)
    session.flush()
    return StudyStatus(study.label, status, given, reviewer.name, row.created_at)


def study_statuses(store: Store, status: str | None = None) -> tuple[StudyStatus, ...]:
    """The studies currently listed (awaiting classification or ongoing), by label."""
    with store.session(readonly=True) as session:
        names = {i: v for i, v in session.execute(select(Reviewer.id, Reviewer.name))}
        labels = {i: v for i, v in session.execute(select(Study.id, Study.label))}
        latest = select(func.max(StudyStatusEvent.id)).group_by(StudyStatusEvent.study_id)
        rows = session.scalars(select(StudyStatusEvent).where(StudyStatusEvent.id.in_(latest)))
        found = [
            StudyStatus(labels[r.study_id], r.status, dict(r.data or {}),
                        names.get(r.reviewer_id, "?"), r.created_at)
            for r in rows
            if r.status != "none" and (status is None or r.status == status)
        ]  # fmt: skip
    return tuple(sorted(found, key=lambda s: (s.status, s.study.casefold())))


@dataclass(frozen=True)
class Contact:
    """A message to a study's author in its current state (the thread's latest row)."""

    id: int
    study: str
    contact: str
    contacted_on: date
    asked: str
    reply: str | None
    replied_on: date | None
    outcome: str
    reviewer: str
    steps: int

    def summary(self) -> str:
        """Lines: the contact, what was asked, the reply and outcome."""
        lines = [f"contact {self.id} ({self.study}): {self.contact}, {self.contacted_on}, "
                 f"by {self.reviewer} -- {self.outcome.replace('_', ' ')}",
                 f"  asked: {self.asked}"]  # fmt: skip
        if self.reply:
            lines.append(f"  reply ({self.replied_on or 'date not given'}): {self.reply}")
        return "\n".join(lines)


def _outcome(value: str | None, reply: str | None) -> str:
    if value is None:
        return "answered" if reply else "awaiting_reply"
    outcome = value.strip().lower().replace("-", "_").replace(" ", "_")
    if outcome not in CONTACT_OUTCOMES:
        allowed = ", ".join(o.replace("_", "-") for o in CONTACT_OUTCOMES)
        raise InputError(f"invalid contact outcome {value!r}; must be one of {allowed}")
    if outcome == "answered" and not reply:
        raise InputError("an answered contact needs the reply (--reply)")
    return outcome


def _dates(contacted_on: date, replied_on: date | None) -> None:
    today = datetime.now(UTC).date()
    if contacted_on > today:
        raise InputError(f"the contact date {contacted_on} is in the future")
    if replied_on is not None and not contacted_on <= replied_on <= today:
        raise InputError(f"the reply date {replied_on} must be between the contact date "
                         f"{contacted_on} and today")  # fmt: skip


def add_contact(
    session: Session,
    label: str,
    *,
    contact: str,
    asked: str,
    reviewer: Reviewer,
    contacted_on: date | None = None,
    reply: str | None = None,
    replied_on: date | None = None,
    outcome: str | None = None,
) -> int:
    """Log a message to a study's author; the new contact's id."""
    study = _study(session, label)
    who, question = " ".join(contact.split()), asked.strip()
    if not who or not question:
        raise InputError("a contact needs who was contacted (--to) and what was asked (--asked)")
    when = contacted_on or datetime.now(UTC).date()
    reply = (reply or "").strip() or None
    _dates(when, replied_on)
    row = AuthorContact(study_id=study.id, contact=who[:500], contacted_on=when, asked=question,
                        reply=reply, replied_on=replied_on, outcome=_outcome(outcome, reply),
                        reviewer_id=reviewer.id)  # fmt: skip
    session.add(row)
    session.flush()
    return row.id


def follow_contact(
    session: Session,
    contact_id: int,
    *,
    reviewer: Reviewer,
    reply: str | None = None,
    replied_on: date | None = None,
    outcome: str | None = None,
) -> int:
    """Log a later state of contact ``contact_id`` (a reply, no reply, a refusal)."""
    row = session.get(AuthorContact, contact_id)
    if row is None:
        raise UnknownEntry(f"no contact {contact_id} in this project")
    root = row.follows_id or row.id
    latest = session.scalar(select(AuthorContact).where(
        (AuthorContact.id == root) | (AuthorContact.follows_id == root)
    ).order_by(AuthorContact.id.desc()).limit(1))  # fmt: skip
    assert latest is not None
    reply = (reply or "").strip() or latest.reply
    _dates(latest.contacted_on, replied_on)
    new = AuthorContact(study_id=latest.study_id, follows_id=root, contact=latest.contact,
                        contacted_on=latest.contacted_on, asked=latest.asked, reply=reply,
                        replied_on=replied_on or latest.replied_on,
                        outcome=_outcome(outcome, reply), reviewer_id=reviewer.id)  # fmt: skip
    session.add(new)
    session.flush()
    return root


def list_contacts(store: Store, label: str | None = None) -> tuple[Contact, ...]:
    """Each contact thread in its current state (optionally one study's), oldest first."""
    with store.session(readonly=True) as session:
        study = _study(session, label) if label else None
        names = {i: v for i, v in session.execute(select(Reviewer.id, Reviewer.name))}
        labels = {i: v for i, v in session.execute(select(Study.id, Study.label))}
        query = select(AuthorContact).order_by(AuthorContact.id)
        if study is not None:
            query = query.where(AuthorContact.study_id == study.id)
        threads: dict[int, list[AuthorContact]] = {}
        for row in session.scalars(query):
            threads.setdefault(row.follows_id or row.id, []).append(row)
        return tuple(
            Contact(root, labels[rows[-1].study_id], rows[-1].contact, rows[-1].contacted_on,
                    rows[-1].asked, rows[-1].reply, rows[-1].replied_on, rows[-1].outcome,
                    names.get(rows[0].reviewer_id, "?"), len(rows))
            for root, rows in threads.items()
        )  # fmt: skip


def list_study(
    store: Store, protocol: Protocol, label: str, status: str, reviewer: str, data: dict[str, Any]
) -> StudyStatus:
    """List a study as awaiting classification or ongoing (``sysreview study status``), audited."""
    with store.session() as session:
        who = reviewer_row(session, protocol, reviewer)
        result = set_study_status(session, label, status, data, who)
        store.audit(reviewer, "study status", "study_status_event", None,
                    {"study": result.study, "status": result.status, "data": result.data},
                    session=session)  # fmt: skip
        return result


def log_contact(store: Store, protocol: Protocol, label: str, reviewer: str, **fields: Any) -> int:
    """Log a message to a study's author (``sysreview contact add``), audited; its id."""
    with store.session() as session:
        who = reviewer_row(session, protocol, reviewer)
        ident = add_contact(session, label, reviewer=who, **fields)
        store.audit(reviewer, "contact add", "author_contact", ident, {"study": label},
                    session=session)  # fmt: skip
        return ident


def log_reply(
    store: Store, protocol: Protocol, contact_id: int, reviewer: str, **fields: Any
) -> int:
    """Log a reply or outcome of a contact (``sysreview contact reply``), audited; the thread."""
    with store.session() as session:
        who = reviewer_row(session, protocol, reviewer)
        root = follow_contact(session, contact_id, reviewer=who, **fields)
        store.audit(reviewer, "contact reply", "author_contact", root, None, session=session)
        return root


__all__ = [
    "FIELDS",
    "Contact",
    "StudyStatus",
    "UnknownEntry",
    "add_contact",
    "follow_contact",
    "list_contacts",
    "list_study",
    "log_contact",
    "log_reply",
    "parse_study_status",
    "set_study_status",
    "study_statuses",
]
