"""Retractions: an extracted value, outcome numbers or a risk-of-bias judgement taken back.

Revision ID: 0007
Revises: 0005
Create Date: 2026-12-06

``extraction_value``, ``outcome_data`` and ``rob_judgement`` gain ``retracted``: an event
that takes back its author's current value for its key (the value's key fields are
copied, the rest echoes what is retracted). The current state is the latest event per
key, so a retraction leaves the key without a value for that reviewer until a new
value is entered. Columns are added in place with a constant default on both backends
(the append-only triggers stay).

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0007"
down_revision = "0005"
branch_labels = None
depends_on = None

TABLES = ("extraction_value", "outcome_data", "rob_judgement")


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    false = sa.text("false") if op.get_bind().dialect.name == "postgresql" else sa.text("0")
    for table in TABLES:
        op.add_column(
            table, sa.Column("retracted", sa.Boolean(), nullable=False, server_default=false)
        )


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    for table in TABLES:
        if op.get_bind().dialect.name == "sqlite":
            op.execute(f"ALTER TABLE {table} DROP COLUMN retracted")
        else:
            op.drop_column(table, "retracted")
