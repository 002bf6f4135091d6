"""Extraction: protocol comparator codes as arm types, arm details, provenance, consensus.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-25

* ``arm.arm_type`` accepts ``"intervention"`` or any comparator code of the protocol: the
  fixed ``IN (...)`` list becomes "not empty" (the service checks the protocol's codes)
  and the column widens to 100 characters; arms gain ``description``, ``delivery`` and
  ``structured``.
* ``outcome_data`` gains the as-reported inputs that are converted to mean/SD
  (``ci_level``, ``median``, ``q1``, ``q3``, ``minimum``, ``maximum``), ``reported_p``,
  conversion ``flags``, a ``note``, the report it came from (``report_record_id``) and
  ``kind`` (``reviewer``/``consensus``) for two-reviewer extraction.
* ``extraction_value`` gains ``report_record_id``.

PostgreSQL alters the tables in place. SQLite cannot drop a CHECK constraint, so ``arm``
is rebuilt; because ``outcome_data`` refers to ``arm`` and SQLite checks foreign keys
when a referenced table is dropped, ``outcome_data`` is first moved aside, then rebuilt
with its indexes and append-only triggers. Everything runs in the upgrade's transaction.

Self-contained on purpose: it does not import the models, so it means the same forever.
"""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

_MESSAGE = " is append-only: record a correction as a new row"
_ARM_OLD_CHECK = "arm_type IN ('intervention', 'tau', 'waiting_list', 'active')"
_ARM_NEW_CHECK = "arm_type <> ''"
_ARM_NEW = ("description", "delivery", "structured")
_OD_BASE = (
    "id", "arm_id", "outcome_measure_id", "timepoint", "timepoint_weeks", "mean", "sd", "n",
    "events", "mean_change", "sd_change", "se", "ci_low", "ci_high",
)  # fmt: skip
_OD_NEW = (
    "ci_level", "median", "q1", "q3", "minimum", "maximum", "reported_p", "flags", "note",
    "report_record_id",
)  # fmt: skip
_OD_TAIL = ("source_location", "entered_by", "kind", "created_at")
_NEW_CHECKS = {
    "ci_level": "ci_level IS NULL OR (ci_level > 0 AND ci_level < 1)",
    "reported_p": "reported_p IS NULL OR (reported_p >= 0 AND reported_p <= 1)",
    "kind": "kind IN ('reviewer', 'consensus')",
}


def _check(table: str, name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{table}_{name}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _arm_columns(new: bool) -> list[sa.Column[object]]:
    columns: list[sa.Column[object]] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("study_id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("arm_type", sa.String(length=100 if new else 20), nullable=False),
        sa.Column("n", sa.Integer(), nullable=True),
    ]
    if new:
        columns += [
            sa.Column("description", sa.Text(), nullable=True),
            sa.Column("delivery", sa.Text(), nullable=True),
            sa.Column("structured", sa.Boolean(), nullable=True),
        ]
    return columns


def _outcome_new_columns() -> list[sa.Column[object]]:
    floats = ("ci_level", "median", "q1", "q3", "minimum", "maximum", "reported_p")
    return [
        *(sa.Column(c, sa.Double(), nullable=True) for c in floats),
        sa.Column("flags", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("note", sa.Text(), nullable=True),
        sa.Column("report_record_id", sa.Integer(), nullable=True),
    ]


def _outcome_columns(new: bool) -> list[sa.Column[Any]]:
    numbers = ("mean", "sd", "n", "events", "mean_change", "sd_change", "se", "ci_low", "ci_high")
    columns: list[sa.Column[Any]] = [
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("arm_id", sa.Integer(), nullable=False),
        sa.Column("outcome_measure_id", sa.Integer(), nullable=False),
        sa.Column("timepoint", sa.String(length=100), nullable=False),
        sa.Column("timepoint_weeks", sa.Double(), nullable=True),
        *(
            sa.Column(c, sa.Integer() if c in ("n", "events") else sa.Double(), nullable=True)
            for c in numbers
        ),
    ]
    if new:
        columns += _outcome_new_columns()
    columns += [
        sa.Column("source_location", sa.Text(), nullable=True),
        sa.Column("entered_by", sa.Integer(), nullable=False),
    ]
    if new:
        columns.append(sa.Column("kind", sa.String(length=20), nullable=False))
    columns.append(sa.Column("created_at", sa.DateTime(timezone=True), nullable=False))
    return columns


def _create_arm(name: str, new: bool) -> None:
    t = "arm"
    op.create_table(
        name,
        *_arm_columns(new),
        _check(t, "arm_type", _ARM_NEW_CHECK if new else _ARM_OLD_CHECK),
        _check(t, "n", "n IS NULL OR n >= 0"),
        _fk(t, "study_id", "study"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
        sa.UniqueConstraint("study_id", "name", name=op.f(f"uq_{t}_study_id_name")),
    )


def _sqlite_triggers(table: str) -> None:
    for action in ("UPDATE", "DELETE"):
        op.execute(
            f"CREATE TRIGGER {table}_no_{action.lower()} BEFORE {action} ON {table} "
            f"BEGIN SELECT RAISE(ABORT, '{table}{_MESSAGE} ({action} refused)'); END"
        )


def _sqlite_drop_value_report() -> None:
    """Rebuild ``extraction_value`` without ``report_record_id``.

    SQLite cannot drop a column used by a foreign key.
    """
    t = "extraction_value"
    kept = "id, entity, entity_id, key, value, source_location, reviewer_id, kind, created_at"
    op.execute(f"CREATE TABLE _{t}_0002 AS SELECT {kept} FROM {t}")
    op.drop_table(t)
    op.create_table(
        t,
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("entity", sa.String(length=50), nullable=False),
        sa.Column("entity_id", sa.Integer(), nullable=False),
        sa.Column("key", sa.String(length=200), nullable=False),
        sa.Column("value", sa.JSON(none_as_null=True), nullable=True),
        sa.Column("source_location", sa.Text(), nullable=True),
        sa.Column("reviewer_id", sa.Integer(), nullable=False),
        sa.Column("kind", sa.String(length=20), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        _check(t, "kind", _NEW_CHECKS["kind"]),
        _fk(t, "reviewer_id", "reviewer"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(op.f(f"ix_{t}_entity_entity_id_key"), t, ["entity", "entity_id", "key"])
    op.create_index(op.f(f"ix_{t}_reviewer_id"), t, ["reviewer_id"])
    op.execute(f"INSERT INTO {t} ({kept}) SELECT {kept} FROM _{t}_0002")
    op.drop_table(f"_{t}_0002")
    _sqlite_triggers(t)


def _create_outcome_data(new: bool) -> None:
    t = "outcome_data"
    checks = [
        _check(t, "sd", "sd IS NULL OR sd >= 0"),
        _check(t, "sd_change", "sd_change IS NULL OR sd_change >= 0"),
        _check(t, "se", "se IS NULL OR se >= 0"),
        _check(t, "n", "n IS NULL OR n >= 0"),
        _check(t, "events", "events IS NULL OR (events >= 0 AND (n IS NULL OR events <= n))"),
        _check(t, "ci_order", "ci_low IS NULL OR ci_high IS NULL OR ci_low <= ci_high"),
    ]
    keys = [_fk(t, "arm_id", "arm"), _fk(t, "outcome_measure_id", "outcome_measure")]
    if new:
        checks += [_check(t, name, sql) for name, sql in _NEW_CHECKS.items()]
        keys.append(_fk(t, "report_record_id", "record"))
    op.create_table(
        t,
        *_outcome_columns(new),
        *checks,
        *keys,
        _fk(t, "entered_by", "reviewer"),
        sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{t}")),
    )
    op.create_index(
        op.f("ix_outcome_data_arm_id_outcome_measure_id_timepoint"),
        t,
        ["arm_id", "outcome_measure_id", "timepoint"],
    )
    op.create_index(op.f("ix_outcome_data_outcome_measure_id"), t, ["outcome_measure_id"])
    _sqlite_triggers(t)


def _rebuild_sqlite(new: bool) -> None:
    """Rebuild ``arm`` and ``outcome_data`` in the ``new`` (0002) or old (0001) shape."""
    kept = ", ".join((*_OD_BASE, "source_location", "entered_by", "created_at"))
    op.execute("CREATE TABLE _outcome_data_0002 AS SELECT * FROM outcome_data")
    op.drop_table("outcome_data")  # drops its indexes and triggers too
    arm_kept = "id, study_id, name, arm_type, n"
    _create_arm("_arm_0002", new)
    op.execute(f"INSERT INTO _arm_0002 ({arm_kept}) SELECT {arm_kept} FROM arm")
    op.drop_table("arm")
    op.rename_table("_arm_0002", "arm")
    _create_outcome_data(new)
    columns = f"{kept}, kind" if new else kept
    values = f"{kept}, 'reviewer'" if new else kept
    op.execute(f"INSERT INTO outcome_data ({columns}) SELECT {values} FROM _outcome_data_0002")
    op.drop_table("_outcome_data_0002")


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    sqlite = op.get_bind().dialect.name == "sqlite"
    if sqlite:
        _rebuild_sqlite(new=True)
        op.execute(
            "ALTER TABLE extraction_value ADD COLUMN report_record_id INTEGER "
            "CONSTRAINT fk_extraction_value_report_record_id_record REFERENCES record (id)"
        )
        return
    op.drop_constraint(op.f("ck_arm_arm_type"), "arm", type_="check")
    op.create_check_constraint(op.f("ck_arm_arm_type"), "arm", _ARM_NEW_CHECK)
    op.alter_column("arm", "arm_type", type_=sa.String(100), existing_type=sa.String(20))
    for column in _arm_columns(new=True)[-3:]:
        op.add_column("arm", column)
    t = "outcome_data"
    for column in _outcome_new_columns():
        op.add_column(t, column)
    op.add_column(t, sa.Column("kind", sa.String(20), nullable=False, server_default="reviewer"))
    op.alter_column(t, "kind", server_default=None)
    for name, sql in _NEW_CHECKS.items():
        op.create_check_constraint(op.f(f"ck_{t}_{name}"), t, sql)
    op.add_column("extraction_value", sa.Column("report_record_id", sa.Integer(), nullable=True))
    for table in (t, "extraction_value"):
        op.create_foreign_key(
            op.f(f"fk_{table}_report_record_id_record"),
            table,
            "record",
            ["report_record_id"],
            ["id"],
        )


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    if op.get_bind().dialect.name == "sqlite":
        _sqlite_drop_value_report()
        _rebuild_sqlite(new=False)
        return
    for table in ("outcome_data", "extraction_value"):
        op.drop_constraint(op.f(f"fk_{table}_report_record_id_record"), table, type_="foreignkey")
    op.drop_column("extraction_value", "report_record_id")
    for name in _NEW_CHECKS:
        op.drop_constraint(op.f(f"ck_outcome_data_{name}"), "outcome_data", type_="check")
    for column in (*_OD_NEW, "kind"):
        op.drop_column("outcome_data", column)
    for column in _ARM_NEW:
        op.drop_column("arm", column)
    op.drop_constraint(op.f("ck_arm_arm_type"), "arm", type_="check")
    op.alter_column("arm", "arm_type", type_=sa.String(20), existing_type=sa.String(100))
    op.create_check_constraint(op.f("ck_arm_arm_type"), "arm", _ARM_OLD_CHECK)
