"""Migration 0005 (the project's id) on both backends; export/load keeps the id."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.exc import IntegrityError

from sysreview.project.opening import export_project, init_project, load_project_dump
from sysreview.project.storage import (
    ProjectIdentity,
    Store,
    export_store,
    load_store,
    open_store,
    project_uuid,
)


def _uuid(store: Store) -> str:
    with store.session(readonly=True) as session:
        return project_uuid(session)


def test_an_existing_database_gets_an_id_when_upgraded(new_url: Callable[..., str]) -> None:
    with open_store(new_url(blank=True), upgrade=False) as store:
        store.upgrade("0003")
        with store.engine.begin() as conn:
            conn.execute(text("INSERT INTO study (id, label, created_at) "
                              "VALUES (1, 'S', '2024-01-01 00:00:00+00')"))  # fmt: skip
        store.upgrade()
        found = _uuid(store)
        assert uuid.UUID(found).version == 4
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT label FROM study")).scalar_one() == "S"
        with pytest.raises(IntegrityError), store.engine.begin() as conn:  # one row only
            conn.execute(text("INSERT INTO project (id, uuid, created_at) "
                              "VALUES (2, 'x', '2024-01-01 00:00:00+00')"))  # fmt: skip


def test_each_new_database_has_its_own_id(new_url: Callable[..., str]) -> None:
    with open_store(new_url(blank=True)) as one, open_store(new_url(blank=True)) as two:
        assert _uuid(one) != _uuid(two)


def test_a_dump_keeps_the_id(store: Store, new_url: Callable[..., str], tmp_path: Path) -> None:
    export_store(store, tmp_path / "dump")
    with open_store(new_url(blank=True)) as fresh:
        assert _uuid(fresh) != _uuid(store)
        load_store(tmp_path / "dump", fresh)
        assert _uuid(fresh) == _uuid(store)
        with fresh.session(readonly=True) as session:
            assert session.query(ProjectIdentity).count() == 1


def test_export_and_load_of_a_project_keep_its_id(
    tmp_path: Path, new_url: Callable[..., str]
) -> None:
    url = new_url()
    init_project(tmp_path / "a", "blank", url)
    export_project(tmp_path / "a", tmp_path / "out", url)
    target = new_url()  # already migrated (with an id of its own), otherwise empty
    load_project_dump(tmp_path / "out", tmp_path / "b", target)
    with open_store(url) as a, open_store(target) as b:
        assert _uuid(a) == _uuid(b)
