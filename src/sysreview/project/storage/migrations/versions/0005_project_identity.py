"""The project's identity: a ``project`` table with one row holding a random UUID.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-01

Sheets exported by the tool carry the project's id, so that a sheet from another project
is refused. A new database gets its id here; so does an existing one when upgraded.
The table is not an event log (no append-only triggers): it holds one row (``id = 1``),
which ``sysreview load`` replaces with the dumped project's row.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    t = "project"
    table = op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("uuid", sa.String(length=36), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.CheckConstraint("id = 1", name=op.f(f"ck_{t}_single_row")),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("uuid", name=op.f(f"uq_{t}_uuid")),
    )
    now = datetime.now(UTC)
    if op.get_bind().dialect.name == "sqlite":
        now = now.replace(tzinfo=None)  # stored as naive UTC text, as the models do
    op.bulk_insert(table, [{"id": 1, "uuid": str(uuid.uuid4()), "created_at": now}])


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    op.drop_table("project")
