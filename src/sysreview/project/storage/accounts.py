"""Web accounts: who may log in to the team web app, with which role.

An account's ``name`` is the reviewer's protocol id (``R1``) when the person screens or
adjudicates: decisions made through the web app are stored under that id, and the
protocol's roles (screener, arbiter) are checked by the screening services as for the
command line. The account's ``role`` decides which pages the person may open:

``reviewer``
    screening (title/abstract and full text), agreement, dashboard.
``adjudicator``
    as a reviewer, plus the conflicts page and resolutions.
``admin``
    everything, including the accounts list and report→study linking.

Only an argon2 hash of the password is stored (:mod:`sysreview.project.accounts.users`).
The table is not an event log: a new password or a deactivation updates the row, and
each change is written to the audit log.

``session_generation`` makes logins revocable: a session cookie records the generation
it was issued under, and the web app refuses it once the account's generation has
moved on (logout, new password, new role, deactivation).
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from sysreview.project.storage.base import Base, sql_in, utcnow

ACCOUNT_ROLES = ("reviewer", "adjudicator", "admin")
"""Web roles, each allowed what the one before it is allowed and more."""


class Account(Base):
    """A web login: name, role, argon2 password hash, whether it may still log in."""

    __tablename__ = "account"
    __table_args__ = (CheckConstraint(sql_in("role", ACCOUNT_ROLES), name="role"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(20))
    password_hash: Mapped[str] = mapped_column(String(300))
    active: Mapped[bool] = mapped_column(default=True)
    session_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
