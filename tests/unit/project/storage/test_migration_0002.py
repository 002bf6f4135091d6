"""Migration 0002 (extraction) on a database holding 0001 data, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from sqlalchemy import inspect, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import open_store

ROWS_0001 = (
    "INSERT INTO reviewer (id, name, roles, created_at) "
    "VALUES (1, 'A', '[]', '2024-01-01 00:00:00+00')",
    "INSERT INTO study (id, label, created_at) VALUES (1, 'S', '2024-01-01 00:00:00+00')",
    "INSERT INTO arm (id, study_id, name, arm_type, n) VALUES (1, 1, 'a', 'tau', 5)",
    "INSERT INTO outcome_measure (id, domain, instrument, higher_is_better, validated) "
    "VALUES (1, 'd', 'm', TRUE, TRUE)",
    "INSERT INTO outcome_data (id, arm_id, outcome_measure_id, timepoint, mean, sd, n, "
    "entered_by, source_location, created_at) "
    "VALUES (1, 1, 1, 'post', 1.5, 2.0, 5, 1, 'Table 1', '2024-01-01 00:00:00+00')",
    "INSERT INTO extraction_value (id, entity, entity_id, key, value, reviewer_id, kind, "
    "created_at) VALUES (1, 'study', 1, 'country', '\"UK\"', 1, 'reviewer', "
    "'2024-01-01 00:00:00+00')",
)


def test_upgrade_keeps_0001_data_and_the_append_only_triggers(
    new_url: Callable[..., str],
) -> None:
    url = new_url(blank=True)
    with open_store(url, upgrade=False) as store:
        store.upgrade("0001")
        with store.engine.begin() as conn:
            for sql in ROWS_0001:
                conn.execute(text(sql))
        store.upgrade()
        with store.engine.connect() as conn:
            row = conn.execute(
                text(
                    "SELECT mean, sd, n, source_location, kind, flags, report_record_id "
                    "FROM outcome_data"
                )
            ).one()
            assert tuple(row) == (1.5, 2.0, 5, "Table 1", "reviewer", None, None)
            arm = conn.execute(text("SELECT name, arm_type, n, structured FROM arm")).one()
            assert tuple(arm) == ("a", "tau", 5, None)
            value = conn.execute(text("SELECT key, report_record_id FROM extraction_value")).one()
            assert tuple(value) == ("country", None)
        for sql in ("UPDATE outcome_data SET mean = 2", "DELETE FROM outcome_data"):
            with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as c:
                c.execute(text(sql))
        with store.engine.begin() as conn:  # a protocol's comparator code is now accepted
            conn.execute(
                text("INSERT INTO arm (id, study_id, name, arm_type) VALUES (2, 1, 'b', 'WL')")
            )
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(
                text("INSERT INTO arm (id, study_id, name, arm_type) VALUES (3, 1, 'c', '')")
            )
        with pytest.raises(IntegrityError), store.engine.begin() as conn:
            conn.execute(
                text(
                    "INSERT INTO outcome_data (id, arm_id, outcome_measure_id, timepoint, "
                    "entered_by, kind, created_at) VALUES (2, 1, 1, 'x', 1, 'guess', "
                    "'2024-01-01 00:00:00+00')"
                )
            )
        names = {c["name"] for c in inspect(store.engine).get_check_constraints("outcome_data")}
        assert {"ck_outcome_data_kind", "ck_outcome_data_ci_level"} <= names


def test_downgrade_to_0001_restores_the_old_shape(new_url: Callable[..., str]) -> None:
    url = new_url(blank=True)
    with open_store(url, upgrade=False) as store:
        store.upgrade("0001")
        with store.engine.begin() as conn:
            for sql in ROWS_0001:
                conn.execute(text(sql))
        store.upgrade("0002")
        from alembic import command

        from sysreview.project.storage.migrate import alembic_config

        with store.engine.begin() as conn:
            command.downgrade(alembic_config(connection=conn), "0001")
        columns = {c["name"] for c in inspect(store.engine).get_columns("outcome_data")}
        assert "kind" not in columns and "median" not in columns
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT mean FROM outcome_data")).scalar_one() == 1.5
        with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("DELETE FROM extraction_value"))
