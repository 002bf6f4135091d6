"""Revocable web sessions; one rule-made duplicate link per pair of records.

Revision ID: 0006
Revises: 0009
Create Date: 2026-12-06

* ``account.session_generation`` (integer, 0 for existing accounts): a login cookie
  carries the generation it was issued under and is refused once the account's
  generation has moved on. Logging out, a new password, a new role and deactivation
  move it on, ending every session of the account at once.
* ``duplicate_link`` gets the unique partial index ``uq_duplicate_link_rule_pair`` on
  ``(record_a_id, record_b_id) WHERE reviewer_id IS NULL``: the event log keeps any
  number of reviewer events per pair (a changed mind is a new row), but the
  de-duplication rules link a pair once, so two ``sysreview dedup`` runs at the same
  time cannot both link it.

Concurrent runs before this revision could link a pair twice on PostgreSQL (SQLite
serialised them). Those extra rule events stay (the table is append-only); the index
leaves out each such pair's later copies by id, so it can still be built. A dump of
such a database does not load into a new store, which has no such exemption.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0006"
down_revision = "0009"
branch_labels = None
depends_on = None

_INDEX = "uq_duplicate_link_rule_pair"
_RULE_EVENT = "reviewer_id IS NULL"
_LATER_COPIES = sa.text(
    "SELECT id FROM duplicate_link AS later WHERE reviewer_id IS NULL AND EXISTS ("
    " SELECT 1 FROM duplicate_link AS earlier WHERE earlier.reviewer_id IS NULL"
    " AND earlier.record_a_id = later.record_a_id"
    " AND earlier.record_b_id = later.record_b_id AND earlier.id < later.id)"
    " ORDER BY id"
)


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    with op.batch_alter_table("account") as batch:
        batch.add_column(
            sa.Column("session_generation", sa.Integer(), nullable=False, server_default="0")
        )
    later = [int(i) for i in op.get_bind().execute(_LATER_COPIES).scalars()]
    where = _RULE_EVENT
    if later:
        where += f" AND id NOT IN ({', '.join(map(str, later))})"
    op.create_index(
        _INDEX,
        "duplicate_link",
        ["record_a_id", "record_b_id"],
        unique=True,
        sqlite_where=sa.text(where),
        postgresql_where=sa.text(where),
    )


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    op.drop_index(_INDEX, table_name="duplicate_link")
    with op.batch_alter_table("account") as batch:
        batch.drop_column("session_generation")
