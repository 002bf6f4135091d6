"""Screening labels and highlighted keywords, as event logs.

Revision ID: 0016
Revises: 0015
Create Date: 2026-12-06

Three new tables, all append-only (UPDATE and DELETE, and TRUNCATE on PostgreSQL, refused
by triggers, as for the other event logs):

* ``label_definition``: a label an administrator defined (``name``, not empty, with an
  optional ``description``) or retired (``retired``), by ``who``; the latest row per
  name is current.
* ``label_event``: a label put on a record (``applied`` true) or taken off it, by ``who``.
* ``keyword_event``: a highlighted word of the project's list (``owner`` NULL) or of a
  reviewer's own list (``owner`` their name), of ``kind`` include, exclude or none (taken
  off the list), by ``who``.

No text index: the record list's search scans title and abstract with ``LIKE`` (0.1 s
for 77,000 real records), where an FTS5 trigram index kept by an insert trigger doubled
the time of a 200 MB import (98 s against 46 s) to save about that 0.1 s per search.

New tables only: nothing else changes, so both backends create them in place.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0016"
down_revision = "0015"
branch_labels = None
depends_on = None

_MESSAGE = " is append-only: record a correction as a new row"
APPEND_ONLY = ("label_definition", "label_event", "keyword_event")


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


def _index(table: str, column: str) -> None:
    op.create_index(op.f(f"ix_{table}_{column}"), table, [column])


def upgrade() -> None:
    """Create the label and keyword tables."""
    t = "label_definition"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=60), nullable=False),
        sa.Column("description", sa.Text(), nullable=True),
        sa.Column("retired", sa.Boolean(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("name <> ''", name=op.f(f"ck_{t}_name")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "name")
    t = "label_event"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("label", sa.String(length=60), nullable=False),
        sa.Column("applied", sa.Boolean(), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f(f"fk_{t}_record_id_record")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "record_id")
    _index(t, "label")
    t = "keyword_event"
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("owner", sa.String(length=200), nullable=True),
        sa.Column("word", sa.String(length=100), nullable=False),
        sa.Column("kind", sa.String(length=10), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("kind IN ('include', 'exclude', 'none')", name=op.f(f"ck_{t}_kind")),
        sa.CheckConstraint("word <> ''", name=op.f(f"ck_{t}_word")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    _index(t, "owner")
    for table in APPEND_ONLY:
        _append_only(table)


def downgrade() -> None:
    """Drop the tables (with their indexes and triggers)."""
    for table in reversed(APPEND_ONLY):
        op.drop_table(table)
