"""Forty anonymous wrong logins at once against ``sysreview serve``: memory stays bounded.

Each argon2id hash takes 64 MiB; checked all at once in the server's thread pool, forty
logins took the server to 2.4 GB. Here the real command serves the project, with the
real hashing parameters, in its own process, and its peak resident memory (Linux
``VmHWM``) is read before and after.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx
import pytest

from sysreview.project.accounts.users import HASHING_SLOTS
from tests.unit.web.conftest import PASSWORDS, free_port

HASH_MIB = 64
"""Memory of one hash: argon2-cffi's default (RFC 9106 second recommended) parameters."""
LOGINS = 40

pytestmark = pytest.mark.skipif(
    not Path("/proc/self/status").exists(), reason="reads memory use from Linux /proc"
)


def _memory_mib(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return int(line.split()[1]) // 1024
    raise AssertionError(f"no {field} in /proc/{pid}/status")


def _serve(project: Path, port: int) -> subprocess.Popen[str]:
    command = Path(sys.executable).with_name("sysreview")
    server = subprocess.Popen(
        [str(command), "serve", str(project), "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, "SYSREVIEW_WEB_SECRET": "memory-test-secret-" + "x" * 20},
    )
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise AssertionError(f"the server exited: {server.communicate()[1]}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return server
        except OSError:
            time.sleep(0.05)
    server.kill()
    raise AssertionError("the server did not start")


def test_forty_wrong_logins_at_once_keep_the_server_small(project: Path) -> None:
    port = free_port()
    server = _serve(project, port)
    base = f"http://127.0.0.1:{port}"
    try:
        with httpx.Client(base_url=base, timeout=120) as warm:
            warm.get("/login")  # templates and routes loaded
        before = _memory_mib(server.pid, "VmRSS")

        def wrong(i: int) -> int:
            with httpx.Client(base_url=base, timeout=300) as c:
                body = {"name": f"nobody-{i}", "password": "wrong-password"}
                return c.post("/api/login", json=body).status_code

        with ThreadPoolExecutor(LOGINS) as pool:
            codes = Counter(pool.map(wrong, range(LOGINS)))
        peak = _memory_mib(server.pid, "VmHWM")
        assert set(codes) <= {401, 429, 503} and codes[401] >= 1, codes
        # unbounded, this grew by ~2,100 MiB; the bound is the hashing slots and slack
        assert peak - before < HASH_MIB * (HASHING_SLOTS + 2), (before, peak, codes)
        with httpx.Client(base_url=base, timeout=120) as person:
            body = {"name": "R1", "password": PASSWORDS["R1"]}
            answer = person.post("/api/login", json=body)
            if answer.status_code in (429, 503):  # this address used its allowance
                time.sleep(int(answer.headers["retry-after"]))
                answer = person.post("/api/login", json=body)
            assert answer.status_code == 200, answer.text
    finally:
        server.terminate()
        server.communicate(timeout=30)
