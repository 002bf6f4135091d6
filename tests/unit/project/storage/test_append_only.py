"""Event tables refuse UPDATE and DELETE in the database itself, and in the ORM."""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import IntegrityError

from sysreview.project.storage import (
    APPEND_ONLY_TABLES,
    DecisionEvent,
    Reviewer,
    Store,
    StoreError,
    open_store,
)
from tests.unit.project.factories import populate


@pytest.fixture
def filled(store: Store) -> Store:
    populate(store)
    return store


@pytest.mark.parametrize("table", APPEND_ONLY_TABLES)
def test_update_and_delete_are_refused_by_the_database(filled: Store, table: str) -> None:
    for sql in (f"UPDATE {table} SET id = id", f"DELETE FROM {table}"):
        with pytest.raises(IntegrityError, match="append-only"), filled.engine.begin() as conn:
            conn.execute(text(sql))
    with filled.engine.connect() as conn:
        assert conn.execute(text(f"SELECT count(*) FROM {table}")).scalar_one() > 0


def test_truncate_is_refused_on_postgresql(pg_url: str) -> None:
    with open_store(pg_url) as store:
        populate(store)
        with pytest.raises(IntegrityError, match="append-only"), store.engine.begin() as conn:
            conn.execute(text("TRUNCATE decision_event"))


def test_orm_refuses_changes_before_the_database_sees_them(filled: Store) -> None:
    with pytest.raises(StoreError, match="decision_event is append-only"), filled.session() as s:
        event = s.scalars(select(DecisionEvent)).first()
        assert event is not None
        event.decision = "exclude"
    with pytest.raises(StoreError, match="append-only"), filled.session() as s:
        s.delete(s.scalars(select(DecisionEvent)).first())


def test_current_state_tables_can_change(filled: Store) -> None:
    with filled.session() as s:
        reviewer = s.scalars(select(Reviewer).where(Reviewer.name == "Bo 李")).one()
        reviewer.roles = ["screener", "extractor"]
    with filled.session() as s:
        assert s.scalars(select(Reviewer.roles).where(Reviewer.name == "Bo 李")).one() == [
            "screener",
            "extractor",
        ]


def test_migration_and_models_agree_on_append_only_tables() -> None:
    import importlib

    versions = "sysreview.project.storage.migrations.versions"
    tables: tuple[str, ...] = ()
    for name in ("0001_initial", "0009_screening_aids", "0014_fulltexts", "0016_labels_keywords"):
        tables += importlib.import_module(f"{versions}.{name}").APPEND_ONLY
    for name in ("0004_screening_state", "0010_grade_ratings", "0011_prisma_other_source"):
        tables += (importlib.import_module(f"{versions}.{name}")._T,)
    assert sorted(tables) == sorted(APPEND_ONLY_TABLES)
