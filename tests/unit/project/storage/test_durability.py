"""Crash safety and concurrency, with real processes, on SQLite and PostgreSQL."""

from __future__ import annotations

import signal
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

from sqlalchemy import select

from sysreview.project.storage import DecisionEvent, Store, open_store
from sysreview.project.storage.migrate import head_revision
from tests.conftest import PROJECT_ROOT
from tests.unit.project.factories import add_batch, add_reviewers

TIMEOUT = 120


def _worker(*args: object) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.unit.project.workers", *map(str, args)],
        cwd=PROJECT_ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def _seed(store: Store, *names: str) -> tuple[int, list[int]]:
    with store.session() as s:
        record = add_batch(s, n=1).records[0].id
        return record, [r.id for r in add_reviewers(s, *names)]


def test_decision_committed_then_sigkill_survives(store: Store, store_url: str) -> None:
    record, (reviewer,) = _seed(store, "AB")
    proc = _worker("die-after-commit", store_url, record, reviewer)
    _, err = proc.communicate(timeout=TIMEOUT)
    assert proc.returncode == -signal.SIGKILL, err
    with open_store(store_url) as reopened, reopened.session() as s:
        notes = s.scalars(select(DecisionEvent.note)).all()
    assert notes == ["last words"]


def _start_together(procs: list[subprocess.Popen[str]], go_file: Path) -> list[str]:
    for proc in procs:
        assert proc.stdout is not None
        assert proc.stdout.readline().strip() == "ready", proc.communicate()[1]
    go_file.touch()
    outputs = []
    for proc in procs:
        out, err = proc.communicate(timeout=TIMEOUT)
        assert proc.returncode == 0, err
        outputs.append(out.strip())
    return outputs


def test_two_writers_lose_nothing(store: Store, store_url: str, tmp_path: Path) -> None:
    n = 200
    record, reviewers = _seed(store, "AB", "CD")
    go = tmp_path / "go"
    procs = [_worker("insert-many", store_url, record, r, n, go) for r in reviewers]
    spans = [line.split()[1:] for line in _start_together(procs, go)]
    starts, ends = zip(*((float(a), float(b)) for a, b in spans), strict=True)
    assert max(starts) < min(ends), "the writers did not overlap in time"
    with store.session(readonly=True) as s:
        rows = s.execute(select(DecisionEvent.reviewer_id, DecisionEvent.note)).all()
    assert len(rows) == 2 * n
    for reviewer in reviewers:
        notes = {note for who, note in rows if who == reviewer}
        assert notes == {f"{reviewer}:{i}" for i in range(n)}


def test_two_processes_upgrade_a_new_database_at_once(
    new_url: Callable[..., str], tmp_path: Path
) -> None:
    url = new_url(blank=True)
    go = tmp_path / "go"
    outputs = _start_together([_worker("open", url, go) for _ in range(2)], go)
    assert outputs == [head_revision()] * 2
