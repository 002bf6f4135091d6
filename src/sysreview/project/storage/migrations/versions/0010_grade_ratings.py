"""GRADE ratings: reviewers' ratings of the certainty domains of each outcome, as events.

Revision ID: 0010
Revises: 0007
Create Date: 2026-12-10

* ``grade_rating`` (append-only): a reviewer's rating of one GRADE domain
  (``risk_of_bias``, ``inconsistency``, ``indirectness``, ``imprecision``,
  ``publication_bias``) of one outcome (an outcome domain of the protocol at a
  timepoint): ``no``, ``serious`` or ``very_serious``, with a justification that may not
  be empty; ``kind`` is ``reviewer`` or ``consensus``; ``source`` names the route or
  file. Corrections are new rows; the latest per outcome, timepoint, domain, reviewer
  and kind is current. UPDATE and DELETE (and TRUNCATE on PostgreSQL) are refused by
  triggers, as for the other event logs.

A new table only: nothing else changes, so both backends create it in place.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0010"
down_revision = "0007"
branch_labels = None
depends_on = None

_MESSAGE = " is append-only: record a correction as a new row"
_T = "grade_rating"
_DOMAINS = ("risk_of_bias", "inconsistency", "indirectness", "imprecision", "publication_bias")
_RATINGS = ("no", "serious", "very_serious")


def _in(column: str, values: tuple[str, ...]) -> str:
    return f"{column} IN ({', '.join(repr(v) for v in values)})"


def _check(name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{_T}_{name}"))


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
        sa.Column("outcome", sa.String(length=200), nullable=False),
        sa.Column("timepoint", sa.String(length=50), nullable=False),
        sa.Column("domain", sa.String(length=30), nullable=False),
        sa.Column("rating", sa.String(length=20), nullable=False),
        sa.Column("reason", sa.Text(), nullable=False),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("source", sa.String(length=200), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _check("domain", _in("domain", _DOMAINS)),
        _check("rating", _in("rating", _RATINGS)),
        _check("kind", _in("kind", ("reviewer", "consensus"))),
        _check("reason", "reason <> ''"),
        sa.ForeignKeyConstraint(
            ["reviewer_id"], ["reviewer.id"], name=op.f(f"fk_{_T}_reviewer_id_reviewer")
        ),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{_T}")),
    )
    op.create_index(op.f(f"ix_{_T}_outcome_timepoint_domain"), _T,
                    ["outcome", "timepoint", "domain"])  # fmt: skip
    op.create_index(op.f(f"ix_{_T}_reviewer_id"), _T, ["reviewer_id"])
    _append_only()


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    op.drop_table(_T)  # drops its indexes and triggers too
