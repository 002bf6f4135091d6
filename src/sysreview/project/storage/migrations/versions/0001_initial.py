"""Initial schema: imports, records, duplicates, screening, studies, extraction, audit.

Revision ID: 0001
Revises:
Create Date: 2026-11-25

Self-contained on purpose: it does not import the models, so it means the same forever.
Event tables (and the imported evidence) get triggers that refuse ``UPDATE`` and
``DELETE`` (and ``TRUNCATE`` on PostgreSQL): corrections are new rows.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None

APPEND_ONLY = (
    "import_batch",
    "record",
    "duplicate_link",
    "decision_event",
    "outcome_data",
    "rob_judgement",
    "extraction_value",
    "audit_log",
)
_MESSAGE = " is append-only: record a correction as a new row"
_PG_FUNCTION = f"""
CREATE FUNCTION sysreview_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE EXCEPTION USING
        MESSAGE = TG_TABLE_NAME || '{_MESSAGE} (' || TG_OP || ' refused)',
        ERRCODE = 'restrict_violation';
END
$$
"""


def _id() -> sa.Column[int]:
    return sa.Column("id", sa.Integer(), nullable=False)


def _created(name: str = "created_at") -> sa.Column[object]:
    return sa.Column(name, sa.DateTime(timezone=True), nullable=False)


def _str(name: str, length: int, nullable: bool = False) -> sa.Column[str]:
    return sa.Column(name, sa.String(length=length), nullable=nullable)


def _text(name: str) -> sa.Column[str]:
    return sa.Column(name, sa.Text(), nullable=True)


def _int(name: str, nullable: bool = False) -> sa.Column[int]:
    return sa.Column(name, sa.Integer(), nullable=nullable)


def _float(name: str) -> sa.Column[float]:
    return sa.Column(name, sa.Double(), nullable=True)


def _json(name: str, nullable: bool) -> sa.Column[object]:
    return sa.Column(name, sa.JSON(none_as_null=True), nullable=nullable)


def _pk(table: str) -> sa.PrimaryKeyConstraint:
    return sa.PrimaryKeyConstraint("id", name=op.f(f"pk_{table}"))


def _fk(table: str, column: str, target: str) -> sa.ForeignKeyConstraint:
    return sa.ForeignKeyConstraint(
        [column], [f"{target}.id"], name=op.f(f"fk_{table}_{column}_{target}")
    )


def _check(table: str, name: str, sql: str) -> sa.CheckConstraint:
    return sa.CheckConstraint(sql, name=op.f(f"ck_{table}_{name}"))


def _unique(table: str, *columns: str) -> sa.UniqueConstraint:
    return sa.UniqueConstraint(*columns, name=op.f(f"uq_{table}_{'_'.join(columns)}"))


def _index(table: str, *columns: str) -> None:
    op.create_index(op.f(f"ix_{table}_{'_'.join(columns)}"), table, list(columns))


def _evidence_tables() -> None:
    t = "reviewer"
    op.create_table(
        t, _id(), _str("name", 200), _json("roles", False), _created(), _pk(t), _unique(t, "name")
    )
    t = "import_batch"
    op.create_table(
        t,
        _id(),
        _str("source_database", 200),
        _str("source_kind", 20),
        _str("interface", 200, nullable=True),
        sa.Column("search_date", sa.Date(), nullable=True),
        _text("query_text"),
        _str("file_name", 500),
        _str("file_sha256", 64),
        _int("record_count"),
        _created("imported_at"),
        _check(t, "record_count", "record_count >= 0"),
        _check(t, "source_kind", "source_kind IN ('database', 'register', 'other')"),
        _check(t, "file_sha256", "length(file_sha256) = 64"),
        _pk(t),
        _unique(t, "file_sha256"),
    )
    t = "record"
    op.create_table(
        t,
        _id(),
        _int("batch_id"),
        _int("position"),
        _int("line", nullable=True),
        _str("record_key", 200, nullable=True),
        _text("title"),
        _text("authors"),
        _int("year", nullable=True),
        _text("journal"),
        _text("journal_abbrev"),
        _str("volume", 100, nullable=True),
        _str("issue", 100, nullable=True),
        _str("pages", 100, nullable=True),
        _str("doi", 300, nullable=True),
        _str("pmid", 20, nullable=True),
        _str("issn", 100, nullable=True),
        _text("abstract"),
        _json("keywords", True),
        _str("language", 100, nullable=True),
        _text("publication_type"),
        _text("url"),
        _str("database", 200, nullable=True),
        _json("raw", False),
        _check(t, "position", "position >= 1"),
        _fk(t, "batch_id", "import_batch"),
        _pk(t),
        _unique(t, "batch_id", "position"),
    )
    _index(t, "doi")
    _index(t, "pmid")
    t = "duplicate_link"
    op.create_table(
        t,
        _id(),
        _int("record_a_id"),
        _int("record_b_id"),
        _str("rule", 100),
        _float("score"),
        _str("status", 20),
        _int("reviewer_id", nullable=True),
        _created(),
        _check(t, "ordered_pair", "record_a_id < record_b_id"),
        _check(t, "status", "status IN ('proposed', 'confirmed', 'rejected')"),
        _fk(t, "record_a_id", "record"),
        _fk(t, "record_b_id", "record"),
        _fk(t, "reviewer_id", "reviewer"),
        _pk(t),
    )
    _index(t, "record_a_id", "record_b_id")
    _index(t, "record_b_id")
    t = "decision_event"
    op.create_table(
        t,
        _id(),
        _str("stage", 2),
        _int("record_id"),
        _int("reviewer_id"),
        _str("kind", 20),
        _str("decision", 20),
        _str("reason", 500, nullable=True),
        _text("note"),
        _created(),
        _check(t, "stage", "stage IN ('ta', 'ft')"),
        _check(t, "kind", "kind IN ('decision', 'resolution')"),
        _check(t, "decision", "decision IN ('include', 'exclude', 'maybe')"),
        _check(t, "resolution_decides", "kind = 'decision' OR decision <> 'maybe'"),
        _fk(t, "record_id", "record"),
        _fk(t, "reviewer_id", "reviewer"),
        _pk(t),
    )
    _index(t, "stage", "record_id", "reviewer_id")
    _index(t, "reviewer_id")
    t = "audit_log"
    op.create_table(
        t,
        _id(),
        _str("who", 200),
        _str("what", 100),
        _str("entity", 100),
        _int("entity_id", nullable=True),
        _json("payload", True),
        _created(),
        _pk(t),
    )
    _index(t, "entity", "entity_id")


def _study_tables() -> None:
    t = "study"
    op.create_table(t, _id(), _str("label", 200), _created(), _pk(t), _unique(t, "label"))
    t = "study_report"
    op.create_table(
        t,
        _id(),
        _int("study_id"),
        _int("record_id"),
        sa.Column("is_primary", sa.Boolean(), nullable=False),
        _fk(t, "study_id", "study"),
        _fk(t, "record_id", "record"),
        _pk(t),
        _unique(t, "study_id", "record_id"),
    )
    _index(t, "record_id")
    t = "arm"
    op.create_table(
        t,
        _id(),
        _int("study_id"),
        _str("name", 200),
        _str("arm_type", 20),
        _int("n", nullable=True),
        _check(t, "arm_type", "arm_type IN ('intervention', 'tau', 'waiting_list', 'active')"),
        _check(t, "n", "n IS NULL OR n >= 0"),
        _fk(t, "study_id", "study"),
        _pk(t),
        _unique(t, "study_id", "name"),
    )
    t = "outcome_measure"
    op.create_table(
        t,
        _id(),
        _str("domain", 200),
        _str("instrument", 200),
        _float("scale_min"),
        _float("scale_max"),
        sa.Column("higher_is_better", sa.Boolean(), nullable=False),
        sa.Column("validated", sa.Boolean(), nullable=False),
        _check(t, "scale", "scale_min IS NULL OR scale_max IS NULL OR scale_min < scale_max"),
        _pk(t),
        _unique(t, "domain", "instrument"),
    )


def _extraction_tables() -> None:
    t = "outcome_data"
    numbers = ("mean", "sd", "n", "events", "mean_change", "sd_change", "se", "ci_low", "ci_high")
    op.create_table(
        t,
        _id(),
        _int("arm_id"),
        _int("outcome_measure_id"),
        _str("timepoint", 100),
        _float("timepoint_weeks"),
        *(_int(c, nullable=True) if c in ("n", "events") else _float(c) for c in numbers),
        _text("source_location"),
        _int("entered_by"),
        _created(),
        _check(t, "sd", "sd IS NULL OR sd >= 0"),
        _check(t, "sd_change", "sd_change IS NULL OR sd_change >= 0"),
        _check(t, "se", "se IS NULL OR se >= 0"),
        _check(t, "n", "n IS NULL OR n >= 0"),
        _check(t, "events", "events IS NULL OR (events >= 0 AND (n IS NULL OR events <= n))"),
        _check(t, "ci_order", "ci_low IS NULL OR ci_high IS NULL OR ci_low <= ci_high"),
        _fk(t, "arm_id", "arm"),
        _fk(t, "outcome_measure_id", "outcome_measure"),
        _fk(t, "entered_by", "reviewer"),
        _pk(t),
    )
    _index(t, "arm_id", "outcome_measure_id", "timepoint")
    _index(t, "outcome_measure_id")
    t = "rob_judgement"
    op.create_table(
        t,
        _id(),
        _int("study_id"),
        _int("outcome_measure_id", nullable=True),
        _str("tool", 20),
        _str("domain", 100),
        _str("judgement", 20),
        _text("support"),
        _int("reviewer_id"),
        _str("kind", 20),
        _created(),
        _check(t, "judgement", "judgement IN ('low', 'high', 'unclear', 'some_concerns')"),
        _check(t, "kind", "kind IN ('reviewer', 'consensus')"),
        _fk(t, "study_id", "study"),
        _fk(t, "outcome_measure_id", "outcome_measure"),
        _fk(t, "reviewer_id", "reviewer"),
        _pk(t),
    )
    _index(t, "study_id", "tool", "domain")
    _index(t, "reviewer_id")
    t = "extraction_value"
    op.create_table(
        t,
        _id(),
        _str("entity", 50),
        _int("entity_id"),
        _str("key", 200),
        _json("value", True),
        _text("source_location"),
        _int("reviewer_id"),
        _str("kind", 20),
        _created(),
        _check(t, "kind", "kind IN ('reviewer', 'consensus')"),
        _fk(t, "reviewer_id", "reviewer"),
        _pk(t),
    )
    _index(t, "entity", "entity_id", "key")
    _index(t, "reviewer_id")


def _append_only_triggers() -> None:
    if op.get_bind().dialect.name == "postgresql":
        op.execute(_PG_FUNCTION)
        for t in APPEND_ONLY:
            op.execute(
                f"CREATE TRIGGER {t}_append_only BEFORE UPDATE OR DELETE ON {t} "
                "FOR EACH ROW EXECUTE FUNCTION sysreview_append_only()"
            )
            op.execute(
                f"CREATE TRIGGER {t}_no_truncate BEFORE TRUNCATE ON {t} "
                "FOR EACH STATEMENT EXECUTE FUNCTION sysreview_append_only()"
            )
        return
    for t in APPEND_ONLY:
        for action in ("UPDATE", "DELETE"):
            op.execute(
                f"CREATE TRIGGER {t}_no_{action.lower()} BEFORE {action} ON {t} "
                f"BEGIN SELECT RAISE(ABORT, '{t}{_MESSAGE} ({action} refused)'); END"
            )


def upgrade() -> None:
    """Upgrade the schema to this revision."""
    _evidence_tables()
    _study_tables()
    _extraction_tables()
    _append_only_triggers()


def downgrade() -> None:
    """Downgrade the schema to the previous revision."""
    for t in (
        "extraction_value",
        "rob_judgement",
        "outcome_data",
        "outcome_measure",
        "arm",
        "study_report",
        "study",
        "audit_log",
        "decision_event",
        "duplicate_link",
        "record",
        "import_batch",
        "reviewer",
    ):
        op.drop_table(t)  # drops its indexes and triggers too
    if op.get_bind().dialect.name == "postgresql":
        op.execute("DROP FUNCTION sysreview_append_only()")
