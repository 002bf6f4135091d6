"""Migration 0016 (labels and keywords) on both backends: the three tables appear, take
rows, refuse UPDATE and DELETE (append-only), and go on downgrade."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import open_store
from sysreview.project.storage.migrate import alembic_config
from tests.unit.project.storage.test_migration_0014 import SETUP as SEED

TABLES = {"label_definition", "label_event", "keyword_event"}

ROWS = (
    "INSERT INTO label_definition (id, name, retired, who, created_at) "
    "VALUES (1, 'RCT', FALSE, 'boss', '2024-01-01 00:00:00+00')",
    "INSERT INTO label_event (id, record_id, label, applied, who, created_at) "
    "VALUES (1, 1, 'RCT', TRUE, 'R1', '2024-01-01 00:00:00+00')",
    "INSERT INTO keyword_event (id, owner, word, kind, who, created_at) "
    "VALUES (1, NULL, 'peer', 'include', 'boss', '2024-01-01 00:00:00+00')",
)


def test_upgrade_downgrade_and_append_only(new_url: Callable[..., str]) -> None:
    with open_store(new_url(blank=True), upgrade=False) as store:
        store.upgrade("0015")
        assert not TABLES & set(inspect(store.engine).get_table_names())
        store.upgrade("0016")
        assert set(inspect(store.engine).get_table_names()) >= TABLES
        with store.engine.begin() as conn:
            for sql in (*SEED, *ROWS):
                conn.execute(text(sql))
        for table in sorted(TABLES):
            for sql in (f"UPDATE {table} SET who = 'x'", f"DELETE FROM {table}"):
                with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as c:
                    c.execute(text(sql))
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO keyword_event (owner, word, kind, who, created_at) "
                    "VALUES (NULL, 'x', 'maybe', 'boss', '2024-01-01 00:00:00+00')"
                )
            )
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "0015")
        assert not TABLES & set(inspect(store.engine).get_table_names())
