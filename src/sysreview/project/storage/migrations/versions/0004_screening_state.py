"""Screening as a state machine: assignments as events; retractions, reveals, sources.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-06

* ``screening_assignment`` (append-only): who holds which slot (``first`` or ``second``)
  of a record's screening at a stage; ``reviewer_id`` empty for a slot left empty on
  purpose; ``origin`` is ``protocol`` (the protocol's rule) or ``reassignment`` (an
  administrator's); ``assigned_by`` names who or what made it.
* ``decision_event`` gains ``retraction`` (the event takes back its author's current
  decision or resolution: "undo"), ``revealed`` (made after another reviewer's
  decision on the record could be seen) and ``source`` (the route or file it came
  from). Columns are added in place on both backends (SQLite's ``ADD COLUMN`` with a
  constant default), so the table's append-only triggers stay as they are. An index on
  ``(stage, id)`` finds each stage's newest event at once (the screening state is
  cached until it grows).

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

_MESSAGE = " is append-only: record a correction as a new row"
_T = "screening_assignment"


def _check(name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{_T}_{name}"))


def _fk(column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{_T}_{column}_{target}")
    )


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
        sa.Column("stage", sa.String(length=2), nullable=False),
        sa.Column("record_id", sa.Integer(), nullable=False),
        sa.Column("slot", sa.String(length=10), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=True),
        sa.Column("origin", sa.String(length=20), nullable=False),
        sa.Column("assigned_by", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _check("stage", "stage IN ('ta', 'ft')"),
        _check("slot", "slot IN ('first', 'second')"),
        _check("origin", "origin IN ('protocol', 'reassignment')"),
        _fk("record_id", "record"),
        _fk("reviewer_id", "reviewer"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_T}")),
    )
    op.create_index(op.f(f"ix_{_T}_stage_record_id_slot"), _T, ["stage", "record_id", "slot"])
    op.create_index(op.f(f"ix_{_T}_stage_id"), _T, ["stage", "id"])
    _append_only()
    t = "decision_event"
    op.create_index(op.f(f"ix_{t}_stage_id"), t, ["stage", "id"])
    false = sa.text("false") if op.get_bind().dialect.name == "postgresql" else sa.text("0")
    op.add_column(t, sa.Column("retraction", sa.Boolean(), nullable=False, server_default=false))
    op.add_column(t, sa.Column("revealed", sa.Boolean(), nullable=False, server_default=false))
    op.add_column(t, sa.Column("source", sa.String(length=500), nullable=True))


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    op.drop_table(_T)  # drops its indexes and triggers too
    t = "decision_event"
    op.drop_index(op.f(f"ix_{t}_stage_id"), t)
    if op.get_bind().dialect.name == "sqlite":
        # SQLite's DROP COLUMN refuses nothing here (no index or constraint uses them)
        for column in ("source", "revealed", "retraction"):
            op.execute(f"ALTER TABLE {t} DROP COLUMN {column}")
        return
    for column in ("source", "revealed", "retraction"):
        op.drop_column(t, column)
