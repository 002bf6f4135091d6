"""Migration 0010 (the ``grade_rating`` event log) on both backends: an existing database
gains it with its checks and append-only triggers, and loses it on downgrade."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import open_store
from sysreview.project.storage.migrate import alembic_config

INSERT = (
    "INSERT INTO grade_rating (id, outcome, timepoint, domain, rating, reason, reviewer_id, "
    "kind, source, created_at) VALUES ({id}, 'recovery', 'post_intervention', '{domain}', "
    "'{rating}', '{reason}', 1, 'reviewer', 'cli', '2026-12-01 00:00:00+00')"
)


def test_upgrade_from_0005_adds_the_event_log(new_url: Callable[..., str]) -> None:
    with open_store(new_url(blank=True), upgrade=False) as store:
        store.upgrade("0007")
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO reviewer (id, name, roles, created_at) "
                              "VALUES (1, 'R1', '[]', '2024-01-01 00:00:00+00')"))  # fmt: skip
        store.upgrade()
        assert "grade_rating" in inspect(store.engine).get_table_names()
        with store.engine.begin() as conn:
            conn.execute(text(INSERT.format(id=1, domain="imprecision", rating="serious",
                                            reason="wide")))  # fmt: skip
        bad = [("bias", "serious", "x"), ("imprecision", "moderate", "x"),
               ("imprecision", "no", "")]  # fmt: skip
        for i, (domain, rating, reason) in enumerate(bad, start=2):
            with pytest.raises(IntegrityError), store.engine.begin() as conn:
                conn.execute(text(INSERT.format(id=i, domain=domain, rating=rating,
                                                reason=reason)))  # fmt: skip
        for sql in ("UPDATE grade_rating SET rating = 'no'", "DELETE FROM grade_rating"):
            with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(sql))
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "0007")
        assert "grade_rating" not in inspect(store.engine).get_table_names()
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT name FROM reviewer")).scalar_one() == "R1"
