"""Opening stores, URLs, SQLite settings, transactions and the audit log."""

from __future__ import annotations

from datetime import datetime
from pathlib import Path

import pytest
from sqlalchemy import func, select, text
from sqlalchemy.exc import DBAPIError, IntegrityError, StatementError

from sysreview.project.storage import (
    AuditEntry,
    DecisionEvent,
    ImportBatch,
    Record,
    Reviewer,
    Store,
    StoreError,
    database_url,
    open_store,
    parse_url,
    sqlite_url,
)
from sysreview.project.storage.migrate import head_revision
from tests.unit.project.factories import add_batch, add_reviewers


def test_database_url_prefers_explicit_then_environment_then_sqlite(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("SYSREVIEW_DATABASE_URL", raising=False)
    assert database_url(tmp_path) == f"sqlite+pysqlite:///{tmp_path}/review.db"
    monkeypatch.setenv("SYSREVIEW_DATABASE_URL", "postgresql+psycopg://u@h/env")
    assert database_url(tmp_path) == "postgresql+psycopg://u@h/env"
    assert database_url(tmp_path, "postgresql+psycopg://u@h/cli") == "postgresql+psycopg://u@h/cli"


@pytest.mark.parametrize(
    ("url", "message"),
    [
        ("mysql://u@h/db", "must be one of sqlite\\+pysqlite://, postgresql\\+psycopg://"),
        ("postgresql+psycopg2://u@h/db", "Invalid database URL scheme 'postgresql\\+psycopg2'"),
        ("sqlite://", "in-memory"),
        ("sqlite:///:memory:", "in-memory"),
        ("/no/such/folder/review.db", "no such directory"),
    ],
)
def test_bad_urls_are_refused(url: str, message: str) -> None:
    with pytest.raises(StoreError, match=message):
        parse_url(url)


def test_plain_postgresql_url_means_psycopg() -> None:
    assert parse_url("postgresql://u@h/db").drivername == "postgresql+psycopg"


def test_open_store_on_a_directory_creates_review_db(tmp_path: Path) -> None:
    with open_store(tmp_path) as store:
        assert store.backend == "sqlite"
        assert store.current_revision() == store.head_revision() == head_revision()
    assert (tmp_path / "review.db").is_file()


def test_open_without_upgrade_leaves_a_new_database_empty(tmp_path: Path) -> None:
    with open_store(sqlite_url(tmp_path / "x.db"), upgrade=False) as store:
        assert store.current_revision() is None


def test_sqlite_pragmas_on_every_connection(tmp_path: Path) -> None:
    with open_store(tmp_path) as store, store.engine.connect() as conn:
        pragmas = {
            name: conn.exec_driver_sql(f"PRAGMA {name}").scalar()
            for name in ("journal_mode", "foreign_keys", "busy_timeout", "synchronous")
        }
    assert pragmas == {"journal_mode": "wal", "foreign_keys": 1, "busy_timeout": 10000,
                       "synchronous": 2}  # fmt: skip


def _count(store: Store, model: type[object]) -> int:
    with store.session(readonly=True) as s:
        return s.scalar(select(func.count()).select_from(model)) or 0


def test_exception_mid_import_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(RuntimeError, match="reader failed"), store.session() as s:
        batch = add_batch(s, n=5)
        s.add(Record(batch_id=batch.id, position=6, raw={}))
        s.flush()
        store.audit("AB", "import", "import_batch", batch.id)
        raise RuntimeError("reader failed at record 7")
    assert [_count(store, m) for m in (ImportBatch, Record, AuditEntry)] == [0, 0, 0]


def test_database_error_mid_import_leaves_nothing_behind(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as s:
        add_batch(s, n=5)
        add_batch(s, n=2, file_name="embase.ris")  # same checksum: refused
    assert _count(store, ImportBatch) == _count(store, Record) == 0


def test_audit_is_part_of_the_transaction(store: Store) -> None:
    with store.session() as s:
        (reviewer,) = add_reviewers(s, "AB")
        entry = store.audit("AB", "add", "reviewer", reviewer.id, {"roles": ["screener"]})
    with store.session() as s:
        saved = s.get(AuditEntry, entry.id)
        assert saved is not None
        assert (saved.who, saved.what, saved.entity, saved.payload) == (
            "AB", "add", "reviewer", {"roles": ["screener"]}
        )  # fmt: skip
        assert saved.created_at.tzinfo is not None


def test_audit_needs_a_session_and_a_json_payload(store: Store) -> None:
    with pytest.raises(StoreError, match=r"needs an open Store\.session"):
        store.audit("AB", "add", "reviewer")
    with pytest.raises(StoreError, match="not JSON-serialisable"), store.session():
        store.audit("AB", "add", "reviewer", payload={"when": datetime.now()})


def test_foreign_keys_and_checks_are_enforced(store: Store) -> None:
    with pytest.raises(IntegrityError), store.session() as s:
        (reviewer,) = add_reviewers(s, "AB")
        s.add(DecisionEvent(stage="ta", record_id=999, reviewer_id=reviewer.id, decision="include"))
    with pytest.raises(IntegrityError, match="decision"), store.session() as s:
        (reviewer,) = add_reviewers(s, "AB")
        record = add_batch(s, n=1).records[0]
        s.add(DecisionEvent(stage="ta", record_id=record.id, reviewer_id=reviewer.id,
                            decision="perhaps"))  # fmt: skip
    with pytest.raises(IntegrityError, match="resolution_decides"), store.session() as s:
        (reviewer,) = add_reviewers(s, "ARB")
        record = add_batch(s, n=1).records[0]
        s.add(DecisionEvent(stage="ta", record_id=record.id, reviewer_id=reviewer.id,
                            kind="resolution", decision="maybe"))  # fmt: skip


def test_naive_timestamps_are_refused(store: Store) -> None:
    with pytest.raises(StatementError, match="naive datetime"), store.session() as s:
        s.add(Reviewer(name="AB", roles=[], created_at=datetime(2024, 1, 1)))
        s.flush()


def test_readonly_session_refuses_writes(store: Store) -> None:
    with pytest.raises(DBAPIError), store.session(readonly=True) as s:
        s.execute(text("INSERT INTO study (label, created_at) VALUES ('x', '2024-01-01')"))
    with store.session() as s:  # and the next ordinary session can write again
        add_reviewers(s, "AB")
    assert _count(store, Reviewer) == 1
