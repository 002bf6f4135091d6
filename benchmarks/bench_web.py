"""Load test of the web app: concurrent reviewers posting decisions over HTTP.

Usage::

    .venv/bin/python benchmarks/bench_web.py                       # 20 x 250, both backends
    .venv/bin/python benchmarks/bench_web.py --think 0.1           # with 0.1 s between decisions
    .venv/bin/python benchmarks/bench_web.py --backends sqlite --reviewers 4 --decisions 200

A project (the seed protocol plus ``--reviewers`` screeners ``B01``…, ``--records``
records imported from a generated RIS file, the first reviewer's records split between
the screeners by reassignment, one web account per reviewer) is made in a temporary
folder on disk; ``sysreview``'s app is served by uvicorn in a *separate
process* on 127.0.0.1 (a free port), so the clients do not share its interpreter.
Each reviewer is one thread with its own HTTP connection: it logs in through
``/api/login`` (not timed), then posts its share of ``--decisions`` decisions on its
own records to ``/api/decisions`` one after another (a record decided again is a
change of mind), each with a unique note. With ``--think T`` a
reviewer pauses a random time between 0.5 T and 1.5 T after each decision and starts
after a random pause up to T (seeded per reviewer): people do not click in step, and
reviewers pausing exactly T after a common start would keep arriving together, in
bursts of 20. Each request is timed from sending it to parsing the answer.

Check: after the run, the decision events are read back from the database: every
answered event id must be stored exactly once with its own note, and nothing more
(zero lost, zero duplicated). Reported: p50/p95/p99/max latency in ms and the
throughput. Bounded: every request has a 30 s timeout and the run ``--timeout``.

PostgreSQL is a private server from ``tests/pg.py`` in a temporary folder *on disk*
(not /dev/shm), switched back to ``fsync = on``, ``synchronous_commit = on`` and
``full_page_writes = on`` so that it pays for durability as SQLite does
(``synchronous = FULL``). See WEB.md for the results on this machine.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def make_project(
    directory: Path, db_url: str | None, reviewers: int, records: int
) -> dict[str, list[int]]:
    """The project; returns each reviewer's records.

    The protocol's first title/abstract reviewer (R1) is assigned every record; the
    team then splits R1's records between the bench reviewers, as an administrator
    does with ``sysreview screen reassign`` (each reviewer may decide only their own).
    """
    from sysreview.project.accounts.users import create_account
    from sysreview.project.importing.service import import_files
    from sysreview.project.opening import init_project, opened
    from sysreview.project.selection.directory import screen_pending, screen_reassign

    init_project(directory, "group-peer-support", db_url)
    names = [f"B{i:02d}" for i in range(1, reviewers + 1)]
    extra = "".join(
        f'\n[[review.reviewers]]\nid = "{n}"\nname = "Bench {n}"\nroles = ["screener"]\n'
        for n in names
    )
    protocol = directory / "review.toml"
    protocol.write_text(protocol.read_text(encoding="utf-8") + extra, encoding="utf-8")
    ris = "\n".join(
        f"TY  - JOUR\nTI  - Group peer support trial {i}\nAB  - Randomised trial {i}.\n"
        f"PY  - 2020\nAU  - Doe, A\nER  - \n"
        for i in range(1, records + 1)
    )
    (directory / "search.ris").write_text(ris, encoding="utf-8")
    import_files(directory, [directory / "search.ris"], source="MEDLINE", db_url=db_url)
    with opened(directory, db_url) as (_, store):
        for name in names:
            create_account(store, name, role="reviewer", password=PASSWORD)
    pending = [card.id for card in screen_pending(directory, "ta", "R1", db_url)]
    share = {name: pending[k :: len(names)] for k, name in enumerate(names)}
    for name, chunk in share.items():
        screen_reassign(directory, stage="ta", from_reviewer="R1", to_reviewer=name,
                        by="bench", records=chunk, db_url=db_url)  # fmt: skip
    return share


def serve(directory: str, db_url: str | None, port: int) -> None:
    """Run the app (the server process)."""
    import uvicorn

    from sysreview.web import create_app

    app = create_app(directory, db_url or None)
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def _cpu_seconds(pid: int) -> float:
    """User + system CPU time of process ``pid`` so far (Linux ``/proc``)."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def wait_for_port(port: int, process: subprocess.Popen[bytes], seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("the server process exited")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def _reviewer(
    port: int,
    name: str,
    count: int,
    records: list[int],
    think: float,
    offset: int,
    ready: threading.Barrier,
) -> list[tuple[int, str, float]]:
    """One reviewer: log in, wait for the others, post ``count`` decisions one by one.

    The client is the standard library's ``http.client`` on one kept-alive connection:
    the load generator shares this machine's two CPUs with the server, so it should
    spend as little of them as it can (httpx took ~0.7 ms of CPU per request here).
    """
    import http.client

    done = []
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=30)

    def post(path: str, body: dict[str, object], headers: dict[str, str]) -> dict[str, Any]:
        data = json.dumps(body).encode()
        connection.request("POST", path, data, {"Content-Type": "application/json", **headers})
        answer = connection.getresponse()
        text = answer.read()
        if answer.status >= 400:
            raise RuntimeError(f"{path}: HTTP {answer.status}: {text[:200]!r}")
        parsed: dict[str, Any] = json.loads(text)
        return parsed

    try:
        connection.request(
            "POST",
            "/api/login",
            json.dumps({"name": name, "password": PASSWORD}).encode(),
            {"Content-Type": "application/json"},
        )
        answer = connection.getresponse()
        login = json.loads(answer.read())
        if answer.status != 200:
            raise RuntimeError(f"login of {name} failed: HTTP {answer.status}")
        cookie = answer.getheader("set-cookie", "").split(";", 1)[0]
        headers = {"X-CSRF-Token": login["csrf_token"], "Cookie": cookie}
        # Logins take turns at hashing (two at a time), so the first to log in may wait
        # here longer than uvicorn keeps an idle connection open (5 s): start on a new one.
        connection.close()
        ready.wait(timeout=120)  # everybody logged in: start together
        pace = random.Random(offset)
        if think:
            time.sleep(pace.uniform(0, think))
        for i in range(count):
            note = f"{name}-{i}"
            body = {
                "stage": "ta",
                "record_id": records[(offset + i) % len(records)],
                "decision": ("include", "exclude", "maybe")[i % 3],
                "note": note,
            }
            start = time.perf_counter()
            event = int(post("/api/decisions", body, headers)["event_id"])
            done.append((event, note, time.perf_counter() - start))
            if think:
                time.sleep(pace.uniform(0.5 * think, 1.5 * think))
    finally:
        connection.close()
    return done


def _check(db_url: str, answered: list[tuple[int, str, float]]) -> tuple[int, int, int]:
    """``(stored, lost, duplicated)`` decision events, read back from the database."""
    from sqlalchemy import select

    from sysreview.project.storage import DecisionEvent, open_store

    with open_store(db_url) as store, store.session(readonly=True) as session:
        rows = list(session.execute(select(DecisionEvent.id, DecisionEvent.note)))
    stored = {(i, n) for i, n in rows}
    expected = {(i, n) for i, n, _ in answered}
    notes = [n for _, n in rows]
    duplicated = len(notes) - len(set(notes)) + len(stored - expected)
    return len(rows), len(expected - stored), duplicated


def durable_postgresql() -> Any:
    """A private PostgreSQL server (``tests.pg.PgServer``) on disk, paying for durability."""
    import tests.pg as pg

    bindir = pg.find_bindir()
    if bindir is None or pg.missing_reason():
        raise SystemExit(f"PostgreSQL unavailable: {pg.missing_reason()}")
    pg._scratch_parent = lambda: None  # on disk, like the SQLite file
    server = pg.PgServer(bindir).start()
    with server.connect() as conn:
        for setting in ("fsync", "synchronous_commit", "full_page_writes"):
            conn.execute(f"ALTER SYSTEM SET {setting} = on")
        conn.execute("SELECT pg_reload_conf()")
    return server


def run(backend: str, args: argparse.Namespace, workdir: Path) -> dict[str, object]:
    """One load test on ``backend``; the measured numbers."""
    from sysreview.project.storage import sqlite_url

    server = None
    if backend == "postgresql":
        server = durable_postgresql()
        db_url = server.create_database("bench")
    else:
        db_url = sqlite_url(workdir / "sqlite" / "review.db")
    directory = workdir / backend
    try:
        records_of = make_project(directory, db_url, args.reviewers, args.records)
        names = list(records_of)
        port = free_port()
        env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
        command = [
            sys.executable,
            __file__,
            "--serve",
            str(directory),
            "--db",
            db_url,
            "--port",
            str(port),
        ]
        process = subprocess.Popen(command, env=env)
        try:
            wait_for_port(port, process)
            share = args.decisions // len(names)
            counts = [
                share + (1 if i < args.decisions % len(names) else 0) for i in range(len(names))
            ]
            ready = threading.Barrier(len(names) + 1)
            with ThreadPoolExecutor(len(names)) as pool:
                futures = [
                    pool.submit(
                        _reviewer,
                        port,
                        name,
                        n,
                        records_of[name],
                        args.think,
                        17 * k,
                        ready,
                    )
                    for k, (name, n) in enumerate(zip(names, counts, strict=True))
                ]
                ready.wait(timeout=120)
                start = time.perf_counter()
                server_cpu, client_cpu = _cpu_seconds(process.pid), time.process_time()
                answered = [d for f in futures for d in f.result(timeout=args.timeout)]
                elapsed = time.perf_counter() - start
                server_cpu = _cpu_seconds(process.pid) - server_cpu
                client_cpu = time.process_time() - client_cpu
        finally:
            process.terminate()
            process.wait(timeout=30)
        stored, lost, duplicated = _check(db_url, answered)
    finally:
        if server is not None:
            server.stop()
    ms = sorted(1000 * t for _, _, t in answered)
    q = statistics.quantiles(ms, n=100, method="inclusive")
    return {
        "backend": backend,
        "reviewers": len(names),
        "decisions": len(answered),
        "think_s": args.think,
        "stored": stored,
        "lost": lost,
        "duplicated": duplicated,
        "p50_ms": round(q[49], 1),
        "p95_ms": round(q[94], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(ms[-1], 1),
        "throughput_per_s": round(len(answered) / elapsed, 1),
        "server_cpu_ms_per_decision": round(1000 * server_cpu / len(answered), 2),
        "client_cpu_ms_per_decision": round(1000 * client_cpu / len(answered), 2),
        "seconds": round(elapsed, 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--reviewers", type=int, default=20)
    parser.add_argument("--decisions", type=int, default=5000, help="in total")
    parser.add_argument("--records", type=int, default=500)
    parser.add_argument(
        "--think", type=float, default=0.0, help="mean seconds between decisions (random)"
    )
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--timeout", type=float, default=900, help="seconds for the run")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--db", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.db, args.port)
        return
    results = []
    with tempfile.TemporaryDirectory(prefix="sysreview-bench-web-", dir="/var/tmp") as tmp:
        for backend in args.backends.split(","):
            result = run(backend, args, Path(tmp))
            results.append(result)
            print(json.dumps(result), flush=True)
    bad = [r for r in results if r["lost"] or r["duplicated"] or r["stored"] != r["decisions"]]
    if bad:
        raise SystemExit(f"lost or duplicated decisions: {bad}")


if __name__ == "__main__":
    main()
