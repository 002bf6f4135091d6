"""Alembic migrations: the schema they build is the models' schema, on both backends."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import inspect

from sysreview.project.storage import Store, StoreError, open_store
from sysreview.project.storage.migrate import alembic_config, head_revision, migrations_dir
from sysreview.project.storage.models import MODEL_MODULES, full_metadata


def test_new_store_is_at_head(store: Store) -> None:
    assert store.current_revision() == store.head_revision() == head_revision()


def test_the_pinned_head_is_alembics_head() -> None:
    """HEAD_REVISION (read without Alembic on every open) is the scripts' one head."""
    scripts = ScriptDirectory.from_config(alembic_config())
    assert scripts.get_heads() == [head_revision()]


def test_current_revision_reads_what_alembic_reads(store: Store) -> None:
    with store.engine.connect() as conn:
        assert store.current_revision() == MigrationContext.configure(conn).get_current_revision()


def test_migrated_schema_matches_the_models(store: Store) -> None:
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, full_metadata()) == []


def test_full_metadata_has_every_table_module() -> None:
    """Every module of the package that defines a table is one full_metadata() imports."""
    folder = migrations_dir().parent
    defining = {
        path.stem for path in folder.glob("*.py") if "__tablename__ = " in path.read_text("utf-8")
    }
    assert defining == set(MODEL_MODULES)


def test_check_constraints_are_created(store: Store) -> None:
    checks = {c["name"] for c in inspect(store.engine).get_check_constraints("decision_event")}
    assert checks == {
        "ck_decision_event_stage",
        "ck_decision_event_kind",
        "ck_decision_event_decision",
        "ck_decision_event_resolution_decides",
    }


def test_upgrade_is_idempotent_and_downgrade_removes_everything(store: Store) -> None:
    store.upgrade()
    with store.engine.begin() as conn:
        command.downgrade(alembic_config(connection=conn), "base")
    assert set(inspect(store.engine).get_table_names()) <= {"alembic_version"}
    store.upgrade()
    assert store.current_revision() == head_revision()
    assert set(inspect(store.engine).get_table_names()) >= set(full_metadata().tables)


def test_unknown_revision_is_a_store_error(new_url: Callable[..., str]) -> None:
    with open_store(new_url()) as store:
        with store.engine.begin() as conn:
            conn.exec_driver_sql("UPDATE alembic_version SET version_num = '9999'")
        with pytest.raises(StoreError, match="at revision '9999'"):
            store.upgrade()


def test_migrations_ship_inside_the_package() -> None:
    folder = migrations_dir()
    assert (folder / "env.py").is_file()
    assert (folder / "versions" / "0001_initial.py").is_file()
