"""Migration 0014 (full texts, retrieval, study status, author contact) on both backends:
an existing database gains the four event logs with their checks and append-only
triggers, and loses them on downgrade."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import open_store
from sysreview.project.storage.migrate import alembic_config

TABLES = ("fulltext_file", "retrieval_event", "study_status_event", "author_contact")
NOW = "'2026-12-01 00:00:00+00'"
SETUP = [
    "INSERT INTO reviewer (id, name, roles, created_at) VALUES (1, 'R1', '[]', " + NOW + ")",
    "INSERT INTO import_batch (id, source_database, source_kind, file_name, file_sha256, "
    "record_count, imported_at) VALUES (1, 'MEDLINE', 'database', 'a.nbib', '"
    + "a" * 64
    + "', 1, "
    + NOW
    + ")",
    "INSERT INTO record (id, batch_id, position, raw) VALUES (1, 1, 1, '{}')",
    "INSERT INTO study (id, label, created_at) VALUES (1, 'Smith 2019', " + NOW + ")",
]
GOOD = [
    "INSERT INTO fulltext_file (record_id, sha256, file_name, size, source, reviewer_id, "
    "created_at) VALUES (1, '" + "b" * 64 + "', 'a.pdf', 10, 'cli', 1, " + NOW + ")",
    "INSERT INTO retrieval_event (record_id, status, reason, reviewer_id, created_at) "
    "VALUES (1, 'not_retrieved', 'no library copy', 1, " + NOW + ")",
    "INSERT INTO study_status_event (study_id, status, data, reviewer_id, created_at) "
    "VALUES (1, 'ongoing', '{}', 1, " + NOW + ")",
    "INSERT INTO author_contact (study_id, contact, contacted_on, asked, outcome, "
    "reviewer_id, created_at) VALUES (1, 'A Smith', '2024-01-01', 'SDs?', 'awaiting_reply', "
    "1, " + NOW + ")",
]
BAD = [
    GOOD[0].replace("'a.pdf', 10", "'a.pdf', 0"),  # empty file
    GOOD[0],  # the same file twice on one record
    GOOD[1].replace("'no library copy'", "''"),  # not retrieved without a reason
    GOOD[1].replace("'not_retrieved'", "'lost'"),
    GOOD[2].replace("'ongoing'", "'excluded'"),
    GOOD[3].replace("'awaiting_reply'", "'maybe'"),
    GOOD[3].replace("'SDs?'", "''"),
]


def test_upgrade_from_0011_adds_the_event_logs(new_url: Callable[..., str]) -> None:
    with open_store(new_url(blank=True), upgrade=False) as store:
        store.upgrade("0011")
        with store.engine.begin() as conn:
            for sql in SETUP:
                conn.execute(text(sql))
        store.upgrade()
        assert set(TABLES) <= set(inspect(store.engine).get_table_names())
        with store.engine.begin() as conn:
            for sql in GOOD:
                conn.execute(text(sql))
        for sql in BAD:
            with pytest.raises(IntegrityError), store.engine.begin() as conn:
                conn.execute(text(sql))
        for table in TABLES:
            for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
                refused = pytest.raises(IntegrityError, match="append-only")
                with refused, store.engine.begin() as conn:
                    conn.execute(text(sql))
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "0011")
        assert not set(TABLES) & set(inspect(store.engine).get_table_names())
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT label FROM study")).scalar_one() == "Smith 2019"
