"""The protocol's reviewers in the store: their rows kept in step, their roles checked.

Every area that records who did something (screening, retrieval, appraisal, extraction,
grading) goes through :func:`sync_reviewers` for the reviewer's row.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.storage import Reviewer
from sysreview.protocol import Protocol
from sysreview.protocol.review import Role

__all__ = ["check_reviewer", "sync_reviewers"]


def sync_reviewers(session: Session, protocol: Protocol) -> dict[str, Reviewer]:
    """The protocol's reviewers as store rows (created on first use), by protocol id."""
    rows = {r.name: r for r in session.scalars(select(Reviewer))}
    for person in protocol.review.reviewers:
        roles = [role.value for role in person.roles]
        if person.id not in rows:
            rows[person.id] = Reviewer(name=person.id, roles=roles)
            session.add(rows[person.id])
        elif list(rows[person.id].roles) != roles:
            rows[person.id].roles = roles
    session.flush()
    return rows


def check_reviewer(protocol: Protocol, reviewer_id: str, role: Role) -> None:
    """Raise :class:`InputError` unless the protocol names the reviewer with ``role``."""
    people = {p.id: p for p in protocol.review.reviewers}
    person = people.get(reviewer_id)
    if person is None:
        raise InputError(
            f"unknown reviewer {reviewer_id!r}; the protocol's reviewers are {', '.join(people)}"
        )
    if not person.has(role):
        roles = ", ".join(r.value for r in person.roles)
        raise InputError(f"reviewer {reviewer_id!r} is not a {role.value} (roles: {roles})")
