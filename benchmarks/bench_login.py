"""Anonymous wrong logins at once against ``sysreview serve``: the server's memory and answers.

Usage::

    .venv/bin/python benchmarks/bench_login.py                 # 40, then 400 logins
    .venv/bin/python benchmarks/bench_login.py --logins 40

A project is made with the user's commands (``sysreview init``, ``user add R1``, the
real argon2id parameters: 64 MiB per hash) and served by ``sysreview serve`` in its own
process (SQLite). ``--logins`` clients, each a thread with its own connection from
127.0.0.1, post a wrong password for a made-up name each to ``/api/login``, all at
once. Reported: the answers by status, the wall time, the server's resident memory
before (``VmRSS``) and its peak (``VmHWM``) from Linux ``/proc``, in MiB. Then R1 logs
in with the right password; if the address has used its allowance (429/503), the
script waits ``Retry-After`` seconds and tries again, and reports the wait.

See WEB.md for the results on this machine.
"""

from __future__ import annotations

import argparse
import http.client
import json
import subprocess
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))
SYSREVIEW = str(Path(sys.executable).with_name("sysreview"))
PASSWORD = "r1-long-password"


def _memory_mib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) // 1024
    raise RuntimeError(f"no {field} in /proc/{pid}/status")


def _login(port: int, name: str, password: str) -> tuple[int, str | None]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=600)
    try:
        body = json.dumps({"name": name, "password": password}).encode()
        connection.request("POST", "/api/login", body, {"Content-Type": "application/json"})
        answer = connection.getresponse()
        answer.read()
        return answer.status, answer.getheader("retry-after")
    finally:
        connection.close()


def flood(directory: Path, logins: int) -> dict[str, Any]:
    """Serve ``directory``, send ``logins`` wrong logins at once, then a right one."""
    from bench_web import free_port, wait_for_port

    port = free_port()
    server = subprocess.Popen([SYSREVIEW, "serve", str(directory), "--port", str(port)])
    try:
        wait_for_port(port, server)
        _login(port, "R1", PASSWORD)  # a first login: hasher and routes loaded
        before = _memory_mib(server.pid, "VmRSS")
        start = time.perf_counter()
        with ThreadPoolExecutor(logins) as pool:
            answers = list(
                pool.map(lambda i: _login(port, f"nobody-{i}", "wrong-password"), range(logins))
            )
        seconds = time.perf_counter() - start
        peak = _memory_mib(server.pid, "VmHWM")
        waited = 0
        status, retry_after = _login(port, "R1", PASSWORD)
        if status in (429, 503) and retry_after:
            waited = int(retry_after)
            time.sleep(waited)
            status, _ = _login(port, "R1", PASSWORD)
    finally:
        server.terminate()
        server.wait(timeout=30)
    return {
        "logins": logins,
        "answers": dict(sorted(Counter(s for s, _ in answers).items())),
        "seconds": round(seconds, 1),
        "rss_before_mib": before,
        "peak_rss_mib": peak,
        "growth_mib": peak - before,
        "right_login": status,
        "waited_s": waited,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--logins", type=int, nargs="+", default=[40, 400])
    args = parser.parse_args()
    import sysreview

    print(f"sysreview from {Path(sysreview.__file__).parent}", flush=True)
    with tempfile.TemporaryDirectory(prefix="sysreview-bench-login-") as tmp:
        directory = Path(tmp) / "review"
        for command, stdin in (
            (["init", str(directory), "--template", "group-peer-support"], None),
            (["user", "add", "R1", "--password-stdin", "-p", str(directory)], PASSWORD + "\n"),
        ):
            subprocess.run([SYSREVIEW, *command], input=stdin, text=True, check=True,
                           capture_output=True)  # fmt: skip
        for logins in args.logins:
            print(json.dumps(flood(directory, logins)), flush=True)


if __name__ == "__main__":
    main()
