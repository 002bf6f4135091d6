"""Migration 0015 (``t`` and ``p`` on ``outcome_data``) on both backends: an existing
database with outcome rows gains the two columns, keeps its rows and its append-only
triggers, and loses the columns (and only them) on downgrade."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import Store, open_store
from sysreview.project.storage.migrate import HEAD_REVISION, alembic_config

SEED = (
    "INSERT INTO reviewer (id, name, roles, created_at) "
    "VALUES (1, 'R1', '[]', '2024-01-01 00:00:00+00')",
    "INSERT INTO study (id, label, created_at) VALUES (1, 'Smith 2019', '2024-01-01 00:00:00+00')",
    "INSERT INTO arm (id, study_id, name, arm_type) VALUES (1, 1, 'peer', 'intervention')",
    "INSERT INTO outcome_measure (id, domain, instrument, higher_is_better, validated) "
    "VALUES (1, 'hope', 'HHI', TRUE, TRUE)",
)
OUTCOME = (
    "INSERT INTO outcome_data (id, arm_id, outcome_measure_id, timepoint, mean, n, {extra}"
    "entered_by, kind, created_at) VALUES ({id}, 1, 1, 'post', 35.1, 38, {values}1, "
    "'reviewer', '2024-01-01 00:00:00+00')"
)


def _columns(store: Store) -> set[str]:
    return {c["name"] for c in inspect(store.engine).get_columns("outcome_data")}


def test_upgrade_adds_t_and_p_and_keeps_rows_and_triggers(new_url: Callable[..., str]) -> None:
    assert HEAD_REVISION >= "0015"
    with open_store(new_url(blank=True), upgrade=False) as store:
        store.upgrade("0014")
        with store.engine.begin() as conn:
            for sql in SEED:
                conn.execute(text(sql))
            conn.execute(text(OUTCOME.format(id=1, extra="", values="")))
        assert not {"t", "p"} & _columns(store)
        store.upgrade("0015")
        assert {"t", "p"} <= _columns(store)
        with store.engine.begin() as conn:
            conn.execute(text(OUTCOME.format(id=2, extra="t, p, ", values="2.5, NULL, ")))
            rows = conn.execute(text("SELECT id, mean, t, p FROM outcome_data ORDER BY id"))
            assert [tuple(r) for r in rows] == [(1, 35.1, None, None), (2, 35.1, 2.5, None)]
        for sql in ("UPDATE outcome_data SET t = 3.0", "DELETE FROM outcome_data"):
            with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
                conn.execute(text(sql))
        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "0014")
        assert not {"t", "p"} & _columns(store)
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM outcome_data")).scalar_one() == 2
        with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM outcome_data"))
