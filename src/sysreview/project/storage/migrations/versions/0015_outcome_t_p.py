"""The t statistic and P value of a difference in means, entered on an outcome row.

Revision ID: 0015
Revises: 0014
Create Date: 2026-12-06

``outcome_data`` gains two nullable float columns, ``t`` and ``p``: the t statistic and the
exact two-sided P value of the difference in means between the two arms of a study at
one measure and timepoint, from which both arms' SD is derived (Cochrane Handbook v6.4
section 6.5.2.3). Either arm's row may carry them.

A nullable column without a constraint is added in place on both backends (SQLite's
``ALTER TABLE ... ADD COLUMN`` needs no table rebuild), so the table's append-only
triggers stay as they are; the values are checked where they are entered. Downgrade drops
the two columns (SQLite 3.35+ drops a column in place; triggers that do not name it are
kept).

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0015"
down_revision = "0014"
branch_labels = None
depends_on = None

COLUMNS = ("t", "p")


def upgrade() -> None:
    """Add ``t`` and ``p`` to ``outcome_data``."""
    for name in COLUMNS:
        op.add_column("outcome_data", sa.Column(name, sa.Double(), nullable=True))


def downgrade() -> None:
    """Drop ``t`` and ``p`` from ``outcome_data``."""
    for name in reversed(COLUMNS):
        op.drop_column("outcome_data", name)
