"""Worker processes for the durability and concurrency tests.

Run as ``python -m tests.unit.project.workers COMMAND URL ...`` from the project root:

``die-after-commit URL RECORD REVIEWER``
    Commit one decision, then kill itself with SIGKILL before doing anything else.
``insert-many URL RECORD REVIEWER N GO_FILE``
    Print ``ready``, wait for ``GO_FILE`` to exist, then commit ``N`` decisions one
    transaction each, notes ``"REVIEWER:i"``; print ``done START END`` (epoch seconds).
``open URL GO_FILE``
    Wait for ``GO_FILE``, open (and so upgrade) the store, print its revision.
``dedup URL GO_FILE``
    De-duplicate the store; once the search has begun (the records and the links so far
    read), print ``ready`` and wait for ``GO_FILE``; print the run's counts as JSON.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import time
from pathlib import Path

from sysreview.project.deduplicating.pairs import deduplicate_store
from sysreview.project.storage import DecisionEvent, open_store


def _wait_for(go_file: str) -> None:
    deadline = time.monotonic() + 60
    while not Path(go_file).exists():
        if time.monotonic() > deadline:
            raise SystemExit("timed out waiting for the go file")
        time.sleep(0.002)


def die_after_commit(url: str, record: int, reviewer: int) -> None:
    """Commit one decision, then SIGKILL this process."""
    store = open_store(url)
    with store.session() as session:
        session.add(
            DecisionEvent(stage="ta", record_id=record, reviewer_id=reviewer,
                          decision="include", note="last words")
        )  # fmt: skip
        session.commit()
        os.kill(os.getpid(), signal.SIGKILL)


def insert_many(url: str, record: int, reviewer: int, n: int, go_file: str) -> None:
    """Commit ``n`` decisions, one transaction each, once ``go_file`` exists."""
    store = open_store(url)
    print("ready", flush=True)
    _wait_for(go_file)
    started = time.time()
    for i in range(n):
        with store.session() as session:
            session.add(
                DecisionEvent(stage="ta", record_id=record, reviewer_id=reviewer,
                              decision="maybe" if i % 2 else "exclude", note=f"{reviewer}:{i}")
            )  # fmt: skip
    store.close()
    print(f"done {started} {time.time()}", flush=True)


def open_when_told(url: str, go_file: str) -> None:
    """Open (and upgrade) the store once ``go_file`` exists; print the revision."""
    print("ready", flush=True)
    _wait_for(go_file)
    with open_store(url) as store:
        print(store.current_revision(), flush=True)


def dedup_when_told(url: str, go_file: str) -> None:
    """De-duplicate, pausing at the start of the search until ``go_file`` exists."""
    waited = []

    def pause(stage: str, fraction: float) -> None:
        if not waited:
            waited.append(stage)
            print("ready", flush=True)
            _wait_for(go_file)

    with open_store(url) as store:
        run, _ = deduplicate_store(store, progress=pause)
    print(json.dumps(vars(run)), flush=True)


def main(argv: list[str]) -> None:
    command, url, *rest = argv
    if command == "die-after-commit":
        die_after_commit(url, int(rest[0]), int(rest[1]))
    elif command == "insert-many":
        insert_many(url, int(rest[0]), int(rest[1]), int(rest[2]), rest[3])
    elif command == "open":
        open_when_told(url, rest[0])
    elif command == "dedup":
        dedup_when_told(url, rest[0])
    else:
        raise SystemExit(f"unknown command {command!r}")


if __name__ == "__main__":
    main(sys.argv[1:])
