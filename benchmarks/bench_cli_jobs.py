"""Web decisions while a long command-line job runs: ``sysreview import``, ``sysreview dedup``.

Usage::

    .venv/bin/python benchmarks/bench_cli_jobs.py                  # both backends
    .venv/bin/python benchmarks/bench_cli_jobs.py --backends sqlite --reviewers 2

A project is made with the user's commands (``sysreview init``, ``import``, ``user add``)
from the duplicate-labelled sets in ``../shared/data/dedup/`` (13,710 records), and
served by ``sysreview serve`` in its own process. ``--reviewers`` reviewers, each a
thread with its own connection, post decisions to ``/api/decisions`` one after
another with ``--pause`` seconds between them, for the whole run. Meanwhile the script
runs, one after the other, the jobs a reviewer's colleague would run from a terminal:

1. ``sysreview import`` of one more file: ``digital_work`` with every title, id and
   DOI changed (7,159 new records, written to the temporary folder), and
2. ``sysreview dedup`` over the whole project (20,869 records).

Per job it reports the job's wall time and, for the decisions sent while the job ran,
how many, how many failed (any answer but 201, or no answer), and their p50, p99 and
maximum latency in ms. A decision waits for the database's write lock while a job
holds it (SQLite allows one writer); past the busy timeout (10 s) it fails.

PostgreSQL is a private server from ``tests/pg.py`` on disk with ``fsync`` on, as in
``bench_web.py``. See WEB.md for the results on this machine.
"""

from __future__ import annotations

import argparse
import csv
import http.client
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

SHARED = ROOT.parent / "shared" / "data" / "dedup"
SETS = ("digital_work", "respiratory", "cytology_screening", "haematology", "stroke")
PASSWORD = "bench-password"
SYSREVIEW = str(Path(sys.executable).with_name("sysreview"))


def _sysreview(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [SYSREVIEW, *args], input=stdin, capture_output=True, text=True, check=False
    )
    if done.returncode != 0:
        raise SystemExit(f"sysreview {' '.join(args)} failed:\n{done.stderr}")
    return done


def _changed_copy(source: Path, target: Path) -> None:
    """``source`` with every title, id and DOI changed: records new to the project."""
    with source.open(newline="", encoding="utf-8") as handle:
        rows = list(csv.DictReader(handle))
    with target.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        for row in rows:
            row["title"] = (row.get("title") or "") + " revisited"
            row["ID"] = f"{row.get('ID')}b"
            if row.get("doi"):
                row["doi"] = f"{row['doi']}.b"
            writer.writerow(row)


def make_project(directory: Path, db: list[str], reviewers: int) -> list[str]:
    """The project, through the user's commands; returns the account names."""
    _sysreview("init", str(directory), "--template", "group-peer-support", *db)
    names = [f"J{i:02d}" for i in range(1, reviewers + 1)]
    protocol = directory / "review.toml"
    protocol.write_text(
        protocol.read_text(encoding="utf-8")
        + "".join(
            f'\n[[review.reviewers]]\nid = "{n}"\nname = "Job {n}"\nroles = ["screener"]\n'
            for n in names
        ),
        encoding="utf-8",
    )
    for name in SETS:
        path = SHARED / name / "records_pre_merged.csv"
        _sysreview("import", str(path), "--source", name, "-p", str(directory), *db)
    for name in names:
        _sysreview("user", "add", name, "--password-stdin", "-p", str(directory), *db,
                   stdin=PASSWORD + "\n")  # fmt: skip
    return names


def _reviewer(
    port: int, name: str, pause: float, stop: threading.Event, out: list[tuple[float, float, int]]
) -> None:
    """Log in, then post decisions until ``stop``: (sent at, seconds, status) each."""
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    body = json.dumps({"name": name, "password": PASSWORD}).encode()
    connection.request("POST", "/api/login", body, {"Content-Type": "application/json"})
    answer = connection.getresponse()
    token = json.loads(answer.read())["csrf_token"]
    headers = {
        "Content-Type": "application/json",
        "X-CSRF-Token": token,
        "Cookie": answer.getheader("set-cookie", "").split(";", 1)[0],
    }
    i = 0
    while not stop.is_set():
        decision = {"stage": "ta", "record_id": 1 + i % 5000, "decision": "include"}
        sent = time.time()
        start = time.perf_counter()
        try:
            connection.request("POST", "/api/decisions", json.dumps(decision).encode(), headers)
            reply = connection.getresponse()
            reply.read()
            status = reply.status
        except (OSError, http.client.HTTPException):
            status = 0
            connection.close()
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
        out.append((sent, time.perf_counter() - start, status))
        i += 1
        time.sleep(pause)
    connection.close()


def _during(posted: list[tuple[float, float, int]], start: float, end: float) -> dict[str, Any]:
    """The decisions sent while a job ran: count, failures, p50/p99/max latency (ms)."""
    inside = [(t, s) for sent, t, s in posted if start <= sent <= end]
    ms = sorted(1000 * t for t, _ in inside)
    q = statistics.quantiles(ms, n=100, method="inclusive") if len(ms) > 1 else ms * 99
    return {
        "decisions": len(inside),
        "failed": sum(1 for _, s in inside if s != 201),
        "statuses": sorted({s for _, s in inside}),
        "p50_ms": round(q[49], 1),
        "p99_ms": round(q[98], 1),
        "max_ms": round(ms[-1], 1),
    }


def run(backend: str, args: argparse.Namespace, workdir: Path) -> list[dict[str, Any]]:
    """Both jobs on ``backend`` while the reviewers post; one result per job."""
    from bench_web import durable_postgresql, free_port, wait_for_port

    pg = durable_postgresql() if backend == "postgresql" else None
    try:
        db = ["--db", pg.create_database("bench")] if pg is not None else []
        directory = workdir / backend
        names = make_project(directory, db, args.reviewers)
        extra = workdir / "digital_work_revisited.csv"
        _changed_copy(SHARED / "digital_work" / "records_pre_merged.csv", extra)
        port = free_port()
        server = subprocess.Popen([SYSREVIEW, "serve", str(directory), "--port", str(port), *db])
        results = []
        try:
            wait_for_port(port, server)
            posted: list[tuple[float, float, int]] = []
            stop = threading.Event()
            threads = [
                threading.Thread(target=_reviewer, args=(port, n, args.pause, stop, posted))
                for n in names
            ]
            for thread in threads:
                thread.start()
            time.sleep(2)
            jobs = {
                "import": ["import", str(extra), "--source", "Embase", "-p", str(directory)],
                "dedup": ["dedup", "-p", str(directory)],
            }
            for job, command in jobs.items():
                start = time.time()
                _sysreview(*command, *db)
                end = time.time()
                results.append(
                    {"backend": backend, "job": job, "job_s": round(end - start, 1),
                     **_during(posted, start, end)}
                )  # fmt: skip
                print(json.dumps(results[-1]), flush=True)
                time.sleep(1)
            stop.set()
            for thread in threads:
                thread.join(timeout=120)
        finally:
            server.terminate()
            server.wait(timeout=30)
    finally:
        if pg is not None:
            pg.stop()
    return results


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgresql")
    parser.add_argument("--reviewers", type=int, default=4)
    parser.add_argument("--pause", type=float, default=0.05, help="seconds between decisions")
    args = parser.parse_args()
    if not SHARED.is_dir():
        raise SystemExit(f"{SHARED} is missing (the duplicate-labelled sets of ../shared/)")
    import sysreview

    print(f"sysreview from {Path(sysreview.__file__).parent}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sysreview-bench-jobs-", dir="/var/tmp") as tmp:
        for backend in args.backends.split(","):
            run(backend, args, Path(tmp))


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUNBUFFERED", "1")
    main()
