"""Latency of the screening page and the queue at review scale, over HTTP.

Usage::

    .venv/bin/python benchmarks/bench_screening_page.py                 # 10,000 and 100,000
    .venv/bin/python benchmarks/bench_screening_page.py --records 10000 --requests 100

For each size a project is made as a team makes it: the seed protocol (with R1 screening
titles and abstracts alone, so that each decision settles its record), one generated
RIS export (titles and abstracts drawn from a small vocabulary, so that the ranking has
something to learn) imported with ``sysreview``'s import service, one web account for
R1. The app is served by uvicorn in a separate process. R1 decides ``--decide``
records first (a relevant and an irrelevant one among them, so the active-learning
ranking is trained), then the benchmark alternates, ``--requests`` times:
``GET /screen/ta`` (the page with the next record), ``GET /api/queue?limit=20`` (the
queue), and ``POST /api/decisions`` (a decision: the state changes, as it does while a
reviewer works). Each request is timed from sending it to reading the whole answer.

Reported per size: p50/p95/max of the page and the queue (the target is p95 < 100 ms
at 100,000 records), of the decisions, the time the server took to answer the first
page, and how long after the training decisions the ranking was ready (a large review
trains in the background; the queue is served meanwhile, in record order). The timed
requests start once the queue is ranked; each decision then changes the labels, and
the ranking is refreshed in the background while the pages keep coming.
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
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

PASSWORD = "bench-password"
WORDS = [
    "peer",
    "support",
    "group",
    "recovery",
    "mental",
    "health",
    "trial",
    "randomised",
    "depression",
    "anxiety",
    "psychosis",
    "hope",
    "empowerment",
    "community",
    "service",
    "users",
    "clinic",
    "statins",
    "knee",
    "hip",
    "dental",
    "surgery",
    "cohort",
    "cardiology",
    "infection",
    "vaccine",
    "children",
    "elderly",
    "diabetes",
]


def make_project(directory: Path, records: int) -> None:
    """The project: the seed protocol, ``records`` records imported, an account for R1."""
    from sysreview.project.accounts.users import create_account
    from sysreview.project.importing.service import import_files
    from sysreview.project.opening import init_project, opened

    init_project(directory, "group-peer-support")
    protocol = directory / "review.toml"  # R1 screens alone: each decision settles a record
    text = protocol.read_text(encoding="utf-8")
    protocol.write_text(text.replace("dual_fraction = 0.10", "dual_fraction = 0.0"), "utf-8")
    rng = random.Random(records)
    lines = []
    for i in range(1, records + 1):
        title = " ".join(rng.sample(WORDS, 7))
        abstract = " ".join(rng.choices(WORDS, k=60))
        lines.append(f"TY  - JOUR\nTI  - {title} {i}\nAB  - {abstract}\nPY  - 2020\nER  -\n")
    (directory / "search.ris").write_text("".join(lines), encoding="utf-8")
    import_files(directory, [directory / "search.ris"], source="MEDLINE")
    with opened(directory) as (_, store):
        create_account(store, "R1", role="reviewer", password=PASSWORD)


def serve(directory: str, port: int) -> None:
    """Run the app (the server process)."""
    import uvicorn

    from sysreview.web import create_app

    uvicorn.run(create_app(directory), host="127.0.0.1", port=port, log_level="warning",
                access_log=False)  # fmt: skip


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class Client:
    """One kept-alive connection, logged in as R1."""

    def __init__(self, port: int) -> None:
        import http.client

        self.connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
        answer = self.request("POST", "/api/login", {"name": "R1", "password": PASSWORD})
        self.headers = {"X-CSRF-Token": answer["csrf_token"]}

    def request(self, method: str, path: str, body: dict[str, Any] | None = None) -> Any:
        data = None if body is None else json.dumps(body).encode()
        headers = {"Content-Type": "application/json", **getattr(self, "headers", {})}
        if hasattr(self, "cookie"):
            headers["Cookie"] = self.cookie
        self.connection.request(method, path, data, headers)
        answer = self.connection.getresponse()
        text = answer.read()
        cookie = answer.getheader("set-cookie")
        if cookie:
            self.cookie = cookie.split(";", 1)[0]
        if answer.status >= 400:
            raise RuntimeError(f"{method} {path}: HTTP {answer.status}: {text[:300]!r}")
        return json.loads(text) if answer.getheader("content-type", "").startswith(
            "application/json") else text  # fmt: skip

    def timed(
        self, method: str, path: str, body: dict[str, Any] | None = None
    ) -> tuple[float, Any]:
        start = time.perf_counter()
        answer = self.request(method, path, body)
        return 1000 * (time.perf_counter() - start), answer


def _quantiles(ms: list[float]) -> dict[str, float]:
    q = statistics.quantiles(sorted(ms), n=100, method="inclusive")
    return {"p50_ms": round(q[49], 1), "p95_ms": round(q[94], 1), "max_ms": round(max(ms), 1)}


def run(records: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    directory = workdir / f"p{records}"
    start = time.perf_counter()
    make_project(directory, records)
    made = time.perf_counter() - start
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(ROOT / "src")}
    command = [sys.executable, __file__, "--serve", str(directory), "--port", str(port)]
    process = subprocess.Popen(command, env=env)
    try:
        deadline = time.monotonic() + 600
        while True:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.2).close()
                break
            except OSError:
                if process.poll() is not None or time.monotonic() > deadline:
                    raise RuntimeError("the server did not start") from None
                time.sleep(0.1)
        client = Client(port)
        first, _ = client.timed("GET", "/screen/ta")
        queue = client.request("GET", "/api/queue?limit=1")
        for k in range(args.decide):  # decisions to train the ranking
            record = queue["records"][0]["id"] if k else 1
            verdict = "include" if k % 5 == 0 else "exclude"
            client.request("POST", "/api/decisions",
                           {"stage": "ta", "record_id": record, "decision": verdict})  # fmt: skip
            queue = client.request("GET", "/api/queue?limit=1")
        start = time.perf_counter()  # a large review trains in the background: wait for it
        while not queue["prioritised"] and time.perf_counter() - start < args.wait:
            time.sleep(2)
            queue = client.request("GET", "/api/queue?limit=1")
        ranked_after = time.perf_counter() - start
        page, listed, decided = [], [], []
        for i in range(args.requests):
            page.append(client.timed("GET", "/screen/ta")[0])
            ms, queue = client.timed("GET", "/api/queue?limit=20")
            listed.append(ms)
            record = queue["records"][0]["id"]
            body = {"stage": "ta", "record_id": record, "decision": ("exclude", "include")[i % 2]}
            decided.append(client.timed("POST", "/api/decisions", body)[0])
        prioritised = bool(client.request("GET", "/api/queue?limit=1")["prioritised"])
    finally:
        process.terminate()
        process.wait(timeout=60)
    return {
        "records": records,
        "project_made_s": round(made, 1),
        "first_page_ms": round(first, 1),
        "ranking_ready_after_s": round(ranked_after, 1),
        "prioritised": prioritised,
        "page": _quantiles(page),
        "queue": _quantiles(listed),
        "decision": _quantiles(decided),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="10000,100000")
    parser.add_argument("--requests", type=int, default=60)
    parser.add_argument("--decide", type=int, default=20)
    parser.add_argument("--wait", type=float, default=1800, help="seconds to wait for a ranking")
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    with tempfile.TemporaryDirectory(prefix="sysreview-bench-page-", dir="/var/tmp") as tmp:
        for size in (int(n) for n in args.records.split(",")):
            print(json.dumps(run(size, args, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
