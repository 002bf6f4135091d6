"""PRISMA counts from another source: counts of work done outside the project, as events.

Revision ID: 0011
Revises: 0006
Create Date: 2026-12-20

* ``prisma_other_source`` (append-only): the PRISMA 2020 boxes one source reported (an
  earlier search and screening in another tool, another team's search a review builds
  on), as JSON (``counts``; NULL withdraws the source's counts), with ``source`` (who
  reported them, not empty), ``note``, the file they were read from (``file_name``,
  ``file_sha256``) and the reviewer who recorded them. The latest row per source is
  current. UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused by triggers, as for
  the other event logs.

A new table only: nothing else changes, so both backends create it in place.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0011"
down_revision = "0006"
branch_labels = None
depends_on = None

_MESSAGE = " is append-only: record a correction as a new row"
_T = "prisma_other_source"


def _append_only() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {_T}_append_only BEFORE UPDATE OR DELETE ON {_T} "
            "FOR EACH ROW EXECUTE FUNCTION sysreview_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {_T}_no_truncate BEFORE TRUNCATE ON {_T} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sysreview_append_only()"
        )
        return
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {_T}_no_{action.lower()} BEFORE {action} ON {_T} "
            f"BEGIN SELECT RAISE(ABORT, '{_T}{_MESSAGE} ({action} refused)'); END"
        )


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    op.create_table(
        _T,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("source", sa.String(length=500), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("counts", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("file_name", sa.String(length=500), nullable=True),
        sa.Column("file_sha256", sa.String(length=64), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("source <> ''", name=op.f(f"ck_{_T}_source")),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewer.id"], name=op.f(f"fk_{_T}_reviewer_id_reviewer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_T}")),
    )
    op.create_index(op.f(f"ix_{_T}_source"), _T, ["source"])
    op.create_index(op.f(f"ix_{_T}_reviewer_id"), _T, ["reviewer_id"])
    _append_only()


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    op.drop_table(_T)  # drops its indexes and triggers too
