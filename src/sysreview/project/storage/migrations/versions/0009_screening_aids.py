"""Screening aids: stored sentence embeddings of records, and the stopping log.

Revision ID: 0009
Revises: 0010
Create Date: 2026-12-06

``record_embedding`` holds one vector per record and model (float32 bytes), computed once
after import so that ranking never recomputes them; it is derived data and may be
recomputed. ``stopping_event`` is the log of stopping decisions (a random sample begun, a
stop, a resumption) with the evidence shown at that moment: append-only, like the other
event logs (triggers refuse ``UPDATE`` and ``DELETE``, and ``TRUNCATE`` on PostgreSQL,
whose trigger function ``sysreview_append_only`` revision 0001 created).

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0009"
down_revision = "0010"
branch_labels = None
depends_on = None

APPEND_ONLY = ("stopping_event",)
"""Append-only tables this revision adds (after those of revision 0001)."""
_MESSAGE = " is append-only: record a correction as a new row"


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    t = "record_embedding"
    op.create_table(
        t,
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("model", sa.String(length=100), nullable=False),
        sa.Column("dimensions", sa.Integer(), nullable=False),
        sa.Column("vector", sa.LargeBinary(), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("dimensions > 0", name=op.f(f"ck_{t}_dimensions")),
        sa.ForeignKeyConstraint(
            ["record_id"], ["record.id"], name=op.f(f"fk_{t}_record_id_record")
        ),
        sa.PrimaryKeyConstraint("record_id", "model", name=op.f(f"pk_{t}")),
    )
    t = APPEND_ONLY[0]
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("stage", sa.String(length=2), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("who", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("method", sa.String(length=100), nullable=False),
        sa.Column("n_total", sa.Integer(), nullable=False),
        sa.Column("n_screened", sa.Integer(), nullable=False),
        sa.Column("n_relevant", sa.Integer(), nullable=False),
        sa.Column("recall_target", sa.Double(), nullable=False),
        sa.Column("alpha", sa.Double(), nullable=False),
        sa.Column("p_value", sa.Double(), nullable=True),
        sa.Column("recall_estimate", sa.Double(), nullable=True),
        sa.Column("recall_lower_bound", sa.Double(), nullable=True),
        sa.Column("sample_start", sa.Integer(), nullable=True),
        sa.Column("sample_seed", sa.Integer(), nullable=True),
        sa.Column("evidence", sa.Text(), nullable=False),
        sa.Column("note", sa.Text(), nullable=True),
        sa.CheckConstraint("stage IN ('ta', 'ft')", name=op.f(f"ck_{t}_stage")),
        sa.CheckConstraint("kind IN ('sample', 'stop', 'resume')", name=op.f(f"ck_{t}_kind")),
        sa.CheckConstraint(
            "n_screened >= 0 AND n_screened <= n_total AND n_relevant >= 0",
            name=op.f(f"ck_{t}_counts"),
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    if op.get_bind().dialect.name == "postgresql":
        op.execute(
            f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
            "FOR EACH ROW EXECUTE FUNCTION sysreview_append_only()"
        )
        op.execute(
            f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
            "FOR EACH STATEMENT EXECUTE FUNCTION sysreview_append_only()"
        )
    else:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {t}_no_{action.lower()} BEFORE {action} ON {t} "
                f"BEGIN SELECT RAISE(ABORT, '{t}{_MESSAGE} ({action} refused)'); END"
            )


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    op.drop_table("stopping_event")  # drops its triggers too
    op.drop_table("record_embedding")
