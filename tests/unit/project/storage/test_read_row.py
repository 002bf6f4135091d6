"""Store.read_row: one-row reads on a hot path, and their recovery from a lost connection."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import bindparam, select, text

from sysreview.project.accounts.users import (
    AccountInfo,
    create_account,
    get_account,
    update_account,
)
from sysreview.project.storage import Record, Store, open_store
from tests.unit.project.factories import add_batch


def test_a_row_by_its_bound_parameters_or_none(store: Store) -> None:
    with store.session() as session:
        batch = add_batch(session, n=3)
        ids = [r.id for r in batch.records]
    query = select(Record.title, Record.year).where(
        Record.id == bindparam("id"), Record.year >= bindparam("year")
    )
    with store.session(readonly=True) as session:
        expected = session.execute(query, {"id": ids[1], "year": 0}).one()
    assert store.read_row(query, {"id": ids[1], "year": 0}) == tuple(expected)
    assert store.read_row(query, {"id": ids[1], "year": 99999}) is None
    assert store.read_row(query, {"id": 10**6, "year": 0}) is None


def test_it_sees_what_was_committed_since_its_last_read(store: Store) -> None:
    account = create_account(store, "R1", role="reviewer", password="a-long-password")
    assert get_account(store, account.id) == account
    update_account(store, "R1", active=False, role="adjudicator")
    found = get_account(store, account.id)
    assert found is not None
    assert (found.active, found.role) == (False, "adjudicator")
    assert isinstance(found.active, bool)
    assert get_account(store, account.id + 1) is None


def test_a_statement_error_is_the_drivers_error(store: Store) -> None:
    with pytest.raises(Exception, match=r"no_such_table|does not exist|no such table"):
        store.read_row(select(text("x")).select_from(text("no_such_table")))


def test_after_the_server_dropped_its_connections_the_next_read_reconnects(
    pg_url: str,
) -> None:
    """PostgreSQL restarted or killed our sessions: one read must not fail for it."""
    with open_store(pg_url) as store:
        account = create_account(store, "R1", role="reviewer", password="a-long-password")
        assert get_account(store, account.id) == account  # a pooled connection now
        with store.session() as session:
            killed = session.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert killed >= 1
        assert get_account(store, account.id) == account


def test_after_the_server_dropped_a_full_pool_the_next_read_reconnects(pg_url: str) -> None:
    """A restart kills every pooled connection, not one: the next read must still work."""
    with open_store(pg_url) as store:
        account = create_account(store, "R1", role="reviewer", password="a-long-password")
        with ThreadPoolExecutor(8) as pool:  # eight connections in the read pool
            barrier = threading.Barrier(8)

            def read(_: int) -> AccountInfo | None:
                barrier.wait(timeout=30)
                return get_account(store, account.id)

            assert list(pool.map(read, range(8))) == [account] * 8
        with store.session() as session:
            killed = session.execute(
                text(
                    "SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )
            ).scalar_one()
        assert killed >= 8
        assert [get_account(store, account.id) for _ in range(3)] == [account] * 3
