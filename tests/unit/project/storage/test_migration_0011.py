"""Migration 0011 (the ``prisma_other_source`` event log) on both backends: an existing
database gains it with its check and append-only triggers, and loses it on downgrade."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import open_store
from sysreview.project.storage.migrate import alembic_config

INSERT = (
    "INSERT INTO prisma_other_source (id, source, note, counts, reviewer_id, created_at) "
    "VALUES ({id}, '{source}', NULL, '{{\"records_databases\": 1}}', 1, "
    "'2026-12-01 00:00:00+00')"
)


def test_upgrade_from_0010_adds_the_event_log(new_url: Callable[..., str]) -> None:
    with open_store(new_url(blank=True), upgrade=False) as store:
        store.upgrade("0006")
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO reviewer (id, name, roles, created_at) "
                    "VALUES (1, 'R1', '[]', '2024-01-01 00:00:00+00')"
                )
            )
        store.upgrade()
        assert "prisma_other_source" in inspect(store.engine).get_table_names()
        with store.engine.begin() as conn:
            conn.execute(text(INSERT.format(id=1, source="Earlier search")))
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(text(INSERT.format(id=2, source="")))
        for sql in ("UPDATE prisma_other_source SET note = 'x'", "DELETE FROM prisma_other_source"):
            with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(sql))
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "0006")
        assert "prisma_other_source" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM reviewer")).scalar_one() == "R1"
