"""Store.reading: SQL through the driver, on SQLite and PostgreSQL, with or without an engine."""

from __future__ import annotations

import string
from collections.abc import Callable
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from sqlalchemy.engine import URL, make_url

from sysreview.project.storage import Reads, Record, Store, open_store
from sysreview.project.storage.reads import _CHUNK
from sysreview.project.storage.screening_reads import confirmed_pairs
from sysreview.project.storage.urls import sqlite_file, sqlite_url
from tests.unit.project.factories import add_batch


def test_reads_see_what_sessions_committed(store: Store) -> None:
    with store.session() as session:
        ids = [r.id for r in add_batch(session, n=3).records]
    with store.reading() as reads:
        assert reads.column("SELECT id FROM record ORDER BY id") == ids
        assert reads.scalar("SELECT title FROM record WHERE id = :id", id=ids[1]) is not None
        assert reads.scalar("SELECT title FROM record WHERE id = :id", id=-1) is None


def test_reads_in_a_session_see_its_writes_not_yet_committed(store: Store) -> None:
    with store.session() as session:
        batch = add_batch(session, n=2)
        session.add(Record(batch_id=batch.id, position=9, title="pending", raw={}))
        found = Reads.of_session(session).column("SELECT title FROM record WHERE position = 9")
        assert found == ["pending"]
        session.rollback()
    with store.reading() as reads:
        assert reads.scalar("SELECT COUNT(*) FROM record") == 0


def test_parameters_and_percent_signs_reach_every_driver(store: Store) -> None:
    """``:name`` becomes ``%(name)s`` for psycopg, and a literal ``%`` stays one."""
    with store.reading() as reads:
        assert reads.scalar("SELECT :word || '%'", word="10") == "10%"


def test_long_lists_are_read_in_chunks(store: Store) -> None:
    with store.session() as session:
        ids = [r.id for r in add_batch(session, n=_CHUNK * 2 + 7).records]
    with store.reading() as reads:
        found = reads.rows_in("SELECT id FROM record WHERE id IN ({values})", ids)
        assert sorted(i for (i,) in found) == ids
        assert reads.rows_in("SELECT id FROM record WHERE id IN ({values})", []) == []


def test_reads_cannot_write(store: Store) -> None:
    with store.session() as session:
        add_batch(session, n=1)
    with store.reading() as reads, pytest.raises(Exception, match=r"(?i)read.?only"):
        reads.rows("DELETE FROM reviewer")
    with store.session() as session:  # the pooled connection writes again in a session
        add_batch(session, n=1, file_name="second.ris")


def test_the_schema_revision_of_a_blank_and_a_migrated_database(
    new_url: Callable[..., str],
) -> None:
    with open_store(new_url(blank=True), upgrade=False) as blank:
        assert blank.current_revision() is None
    with open_store(new_url()) as migrated:
        assert migrated.current_revision() == migrated.head_revision()


def test_an_sqlite_store_at_head_is_read_before_it_has_an_engine(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path / "review.db")
    open_store(url).close()  # made and migrated
    with open_store(url) as store:
        assert "_engine" not in store.__dict__
        with store.reading() as reads:
            assert reads.scalar("SELECT COUNT(*) FROM record") == 0
        assert "_engine" not in store.__dict__
        with store.session() as session:
            add_batch(session, n=2)
            session.flush()
            pairs_in_session = confirmed_pairs(Reads.of_session(session))
        assert "_engine" in store.__dict__
        with store.reading() as reads:  # now on the engine's pool
            assert reads.scalar("SELECT COUNT(*) FROM record") == 2
            assert confirmed_pairs(reads) == pairs_in_session == ()


def test_a_damaged_sqlite_file_is_reported_as_before(tmp_path: Path) -> None:
    broken = tmp_path / "review.db"
    broken.write_bytes(b"not a database at all" * 100)
    with pytest.raises(Exception, match="not a database"):
        open_store(sqlite_url(broken))


@settings(max_examples=200, deadline=None)
@given(st.text(alphabet=string.printable.strip() + " é%#?@:+", min_size=1, max_size=30))
def test_sqlite_urls_are_written_and_read_as_sqlalchemy_does(name: str) -> None:
    path = Path("/data") / name.replace("/", "_").lstrip(".") / "review.db"
    ours = sqlite_url(path)
    assert ours == URL.create("sqlite+pysqlite", database=str(path.resolve())).render_as_string()
    assert sqlite_file(ours) == Path(str(make_url(ours).database))
