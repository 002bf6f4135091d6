"""Full texts, retrieval, study status lists and author contact, as event logs.

Revision ID: 0014
Revises: 0011
Create Date: 2026-12-06

Four new tables, all append-only (UPDATE and DELETE, and TRUNCATE on PostgreSQL, refused
by triggers, as for the other event logs):

* ``fulltext_file``: a PDF attached to a record by its SHA-256 (``sha256``, 64 characters;
  the file is kept as ``fulltexts/<sha256>.pdf`` in the project folder), with the
  original ``file_name`` (not empty), ``size`` (> 0), ``page_count``, the extracted
  ``text``, ``source`` and the reviewer; a record holds a file once (unique
  ``record_id, sha256``).
* ``retrieval_event``: ``status`` sought, retrieved or not_retrieved; a not_retrieved
  event needs a non-empty ``reason``. The latest per record is current.
* ``study_status_event``: ``status`` awaiting_classification, ongoing or none, with the
  study's ``data`` (JSON). The latest per study is current.
* ``author_contact``: who was contacted (``contact``, not empty), ``contacted_on``,
  ``asked`` (not empty), ``reply``, ``replied_on``, ``outcome`` (awaiting_reply,
  answered, no_reply, declined), the reviewer, and ``follows_id`` for a later state of
  an earlier contact.

New tables only: nothing else changes, so both backends create them in place.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0014"
down_revision = "0011"
branch_labels = None
depends_on = None

_MESSAGE = " is append-only: record a correction as a new row"
APPEND_ONLY = ("fulltext_file", "retrieval_event", "study_status_event", "author_contact")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _check(table: str, name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _common(table: str) -> list[Any]:
    return [
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _fk(table, "reviewer_id", "reviewer"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}")),
    ]


def _append_only(table: str) -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION sysreview_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {table}_no_truncate BEFORE TRUNCATE ON {table} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sysreview_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table}{_MESSAGE} ({action} refused)'); END"
        )


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def upgrade() -> None:
    """Create the full-text, retrieval, study-status and author-contact tables."""
    t = "fulltext_file"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("sha256", sa.String(length=64), nullable=False),
        sa.Column("file_name", sa.String(length=500), nullable=False),
        sa.Column("size", sa.Integer(), nullable=False),
        sa.Column("page_count", sa.Integer(), nullable=True),
        sa.Column("text", sa.Text(), nullable=True),
        sa.Column("source", sa.String(length=2000), nullable=False),
        *_common(t),
        _check(t, "sha256", "length(sha256) = 64"),
        _check(t, "size", "size > 0"),
        _check(t, "file_name", "file_name <> ''"),
        _fk(t, "record_id", "record"),
        sa.UniqueConstraint("record_id", "sha256", name=op.f(f"uq_{t}_record_id_sha256")),
    )
    _index(t, "sha256")
    _index(t, "reviewer_id")

    t = "retrieval_event"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=True),
        *_common(t),
        _check(t, "status", _in("status", ("sought", "retrieved", "not_retrieved"))),
        _check(t, "reason",
               "status <> 'not_retrieved' OR (reason IS NOT NULL AND reason <> '')"),
        _fk(t, "record_id", "record"),
    )  # fmt: skip
    _index(t, "record_id")
    _index(t, "reviewer_id")

    t = "study_status_event"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("status", sa.String(length=30), nullable=False),
        sa.Column("data", sa.JSON(none_as_null=True), nullable=True),
        *_common(t),
        _check(t, "status", _in("status", ("awaiting_classification", "ongoing", "none"))),
        _fk(t, "study_id", "study"),
    )
    _index(t, "study_id")
    _index(t, "reviewer_id")

    t = "author_contact"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("follows_id", sa.Integer(), nullable=True),
        sa.Column("contact", sa.String(length=500), nullable=False),
        sa.Column("contacted_on", sa.Date(), nullable=False),
        sa.Column("asked", sa.Text(), nullable=False),
        sa.Column("reply", sa.Text(), nullable=True),
        sa.Column("replied_on", sa.Date(), nullable=True),
        sa.Column("outcome", sa.String(length=20), nullable=False),
        *_common(t),
        _check(t, "outcome",
               _in("outcome", ("awaiting_reply", "answered", "no_reply", "declined"))),
        _check(t, "contact", "contact <> ''"),
        _check(t, "asked", "asked <> ''"),
        _fk(t, "study_id", "study"),
        _fk(t, "follows_id", "author_contact"),
    )  # fmt: skip
    _index(t, "study_id")
    _index(t, "follows_id")
    _index(t, "reviewer_id")

    for table in APPEND_ONLY:
        _append_only(table)


def downgrade() -> None:
    """Drop the tables (with their indexes and triggers)."""
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)  # drops its indexes and triggers too
