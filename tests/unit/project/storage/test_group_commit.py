"""Group commit: concurrent writes committed together, each answered once durable."""

from __future__ import annotations

import threading
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

import pytest
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview.errors import InputError, StoreError
from sysreview.project.storage import AuditEntry, Store, open_store
from sysreview.project.storage.group_commit import GroupCommit


def _audit(store: Store, what: str) -> Callable[[Session], int]:
    def write(session: Session) -> int:
        entry = store.audit("tester", what, "test", session=session)
        session.flush()
        return entry.id

    return write


class Hold:
    """A write that keeps its batch open until released (the next writes queue behind it)."""

    def __init__(self) -> None:
        self.running = threading.Event()
        self.gate = threading.Event()

    def __call__(self, session: Session) -> int:
        self.running.set()
        self.gate.wait(10)
        return 0

    def start(self, writer: GroupCommit) -> Future[int]:
        future = writer.submit(self)
        assert self.running.wait(10)
        return future


def _stored(store: Store) -> list[str]:
    with store.session(readonly=True) as session:
        return list(session.scalars(select(AuditEntry.what).order_by(AuditEntry.id)))


def test_concurrent_writes_share_commits_and_all_are_stored_once(store: Store) -> None:
    hold = Hold()
    with GroupCommit(store) as writer:
        held = hold.start(writer)
        futures = [writer.submit(_audit(store, f"w{i}")) for i in range(40)]
        hold.gate.set()
        held.result(10)
        ids = [f.result(10) for f in futures]
        assert (writer.writes, writer.batches) == (41, 2)  # the 40 queued: one commit
    assert len(set(ids)) == 40
    assert _stored(store) == [f"w{i}" for i in range(40)]


def test_writes_from_many_threads_are_each_answered_with_their_own_result(
    store: Store,
) -> None:
    with GroupCommit(store) as writer, ThreadPoolExecutor(8) as pool:
        answers = list(
            pool.map(lambda i: (i, writer.run(_audit(store, f"t{i}"))), range(60), timeout=60)
        )
    with store.session(readonly=True) as session:
        rows = {i: what for i, what in session.execute(select(AuditEntry.id, AuditEntry.what))}
    assert {rows[event] for _, event in answers} == {f"t{i}" for i in range(60)}
    assert all(rows[event] == f"t{i}" for i, event in answers)


def test_a_failing_write_gets_its_error_and_leaves_the_others_committed(store: Store) -> None:
    hold = Hold()

    def bad(session: Session) -> int:
        store.audit("tester", "half-done", "test", session=session)
        raise InputError("record 9 does not exist")

    with GroupCommit(store) as writer:
        held = hold.start(writer)  # the three below queue up: one batch
        before = writer.submit(_audit(store, "before"))
        failing = writer.submit(bad)
        after = writer.submit(_audit(store, "after"))
        hold.gate.set()
        held.result(10)
        with pytest.raises(InputError, match="record 9"):
            failing.result(10)
        before.result(10)
        after.result(10)
    assert _stored(store) == ["before", "after"]  # nothing of the failed write


def test_a_failed_commit_is_reported_to_every_write_of_the_batch(store: Store) -> None:
    def unserialisable(session: Session) -> int:
        # a flush at commit that the database refuses (NOT NULL), not a write's own error
        session.add(AuditEntry(who=None, what="x", entity="test"))
        return 0

    hold = Hold()
    with GroupCommit(store) as writer:
        held = hold.start(writer)
        one = writer.submit(_audit(store, "one"))
        two = writer.submit(unserialisable)
        hold.gate.set()
        held.result(10)
        for future in (one, two):
            with pytest.raises(Exception):  # noqa: B017 - the driver's own IntegrityError
                future.result(10)
        assert writer.run(_audit(store, "later")) > 0  # the writer carries on
    assert _stored(store) == ["later"]


def test_close_commits_what_is_queued_and_then_refuses(store: Store) -> None:
    writer = GroupCommit(store)
    futures = [writer.submit(_audit(store, f"q{i}")) for i in range(5)]
    writer.close()
    assert all(f.done() for f in futures)
    assert _stored(store) == [f"q{i}" for i in range(5)]
    with pytest.raises(StoreError, match="closed"):
        writer.submit(_audit(store, "late"))
    writer.close()  # twice is fine


def test_the_lock_is_held_while_a_batch_runs(store: Store) -> None:
    lock = threading.Lock()
    seen: list[bool] = []

    def write(session: Session) -> int:
        seen.append(lock.locked())
        return 1

    with GroupCommit(store, lock=lock) as writer:
        writer.run(write)
    assert seen == [True]
    assert not lock.locked()


def test_max_batch_must_be_positive(store: Store) -> None:
    with pytest.raises(ValueError, match="max_batch"):
        GroupCommit(store, max_batch=0)


def test_max_batch_bounds_a_commit(store: Store) -> None:
    hold = Hold()
    with GroupCommit(store, max_batch=3) as writer:
        held = hold.start(writer)
        futures = [writer.submit(_audit(store, f"m{i}")) for i in range(9)]
        hold.gate.set()
        held.result(10)
        for f in futures:
            f.result(10)
        assert writer.batches == 1 + 3
    with store.session(readonly=True) as session:
        assert session.scalar(select(func.count()).select_from(AuditEntry)) == 9


def test_a_write_on_a_store_that_is_gone_fails_without_hanging(tmp_path: object) -> None:
    from pathlib import Path

    assert isinstance(tmp_path, Path)
    store = open_store(tmp_path / "review.db")
    with GroupCommit(store) as writer:
        store.close()
        (tmp_path / "review.db").unlink()
        (tmp_path / "review.db").mkdir()  # the file is now a folder: no database
        with pytest.raises(Exception):  # noqa: B017 - the driver's OperationalError
            writer.run(_audit(store, "lost"))
