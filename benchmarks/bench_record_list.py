"""Latency of the record list (search, filters, pages) at review scale, over HTTP.

Usage::

    .venv/bin/python benchmarks/bench_record_list.py                    # 100,000 records
    .venv/bin/python benchmarks/bench_record_list.py --records 10000 --requests 20

The project is made as in ``bench_screening_page.py`` (the seed protocol with R1 screening
alone, one generated RIS export imported with the import service, a web account for R1),
served by uvicorn in a separate process. R1 decides ``--decide`` records through the JSON
API, then each of the list's requests below is timed ``--requests`` times, from sending
it to reading the whole answer: the HTML page (first and a deep page), the JSON API with
a free-text search over title, abstract, authors and full texts (a selective one, a
record's number, and one of two words found in 82% of the records, the generated
vocabulary being small), R1's own decisions,
the settled status, the project's include keywords, and R1's history (latest first).
Reported: p50/p95/max per request (the target is p95 < 100 ms at 100,000 records, as
for the screening page).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_screening_page import (  # the sibling benchmark's project and client
    Client,
    _free_port,
    _quantiles,
    make_project,
    serve,
)

REQUESTS = {
    "page_1": "/records?stage=ta",
    "page_deep": "/records?stage=ta&page=1500",
    "api_search_selective": "/api/records?q=54321&per_page=50",
    "api_search_common_words": "/api/records?q=peer%20recovery&per_page=50",
    "api_own_decisions": "/api/records?decision=decided&per_page=50",
    "api_status_excluded": "/api/records?status=exclude&per_page=50",
    "api_include_keywords": "/api/records?keyword=include&per_page=50",
    "api_history": "/api/records?decision=decided&order=recent&per_page=50",
}


def run(records: int, args: argparse.Namespace, workdir: Path) -> dict[str, Any]:
    import socket

    directory = workdir / f"p{records}"
    start = time.perf_counter()
    make_project(directory, records)
    made = time.perf_counter() - start
    port = _free_port()
    env = {**os.environ, "PYTHONPATH": str(Path(__file__).resolve().parents[1] / "src")}
    script = str(Path(__file__).resolve())
    process = subprocess.Popen([sys.executable, script, "--serve", str(directory), "--port",
                                str(port)], env=env)  # fmt: skip
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
        for k in range(1, args.decide + 1):
            client.request("POST", "/api/decisions", {"stage": "ta", "record_id": k,
                           "decision": "include" if k % 5 == 0 else "exclude"})  # fmt: skip
        timings: dict[str, list[float]] = {name: [] for name in REQUESTS}
        counts: dict[str, Any] = {}
        for _ in range(args.requests):
            for name, path in REQUESTS.items():
                ms, answer = client.timed("GET", path)
                timings[name].append(ms)
                if isinstance(answer, dict):
                    counts[name] = answer["total"]
    finally:
        process.terminate()
        process.wait(timeout=60)
    return {
        "records": records,
        "project_made_s": round(made, 1),
        "matches": counts,
        **{name: _quantiles(ms) for name, ms in timings.items()},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", default="100000")
    parser.add_argument("--requests", type=int, default=30)
    parser.add_argument("--decide", type=int, default=200)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--port", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        serve(args.serve, args.port)
        return
    with tempfile.TemporaryDirectory(prefix="sysreview-bench-list-", dir="/var/tmp") as tmp:
        for size in (int(n) for n in args.records.split(",")):
            print(json.dumps(run(size, args, Path(tmp))), flush=True)


if __name__ == "__main__":
    main()
