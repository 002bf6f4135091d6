"""A throw-away PostgreSQL server for the tests: started once, removed at the end.

:func:`find_bindir` looks for ``initdb`` and ``pg_ctl`` under ``/usr/lib/postgresql/*/bin``
(newest version first) or on ``PATH``. :class:`PgServer` then

1. makes a private temporary directory, in ``/dev/shm`` when that has room (copying a
   template database there takes 20 ms instead of 300 ms on disk), owned by ``postgres``
   when running as root, since PostgreSQL refuses to run as root (commands then go
   through ``runuser``),
2. runs ``initdb -A trust -U postgres --no-sync`` into it,
3. starts ``pg_ctl`` listening only on a Unix socket in that directory (no TCP), on a
   free port number, with ``fsync`` off (a test server needs no crash safety of its own:
   tests kill *clients*, never the server) and little WAL kept,
4. hands out databases: ``create_database(name, template=...)``, ``drop_database(name)``
   and :meth:`url`, e.g.
   ``postgresql+psycopg://postgres@/name?host=/tmp/sysreview-pg-x/sock&port=54321``,
5. can :meth:`restart` (dropping every connection, keeping the data),
6. and on :meth:`stop` shuts the server down immediately and deletes the directory.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import quote

import psycopg
from psycopg import sql

PG_GLOB = "/usr/lib/postgresql/*/bin"
SERVER_USER = "postgres"


def find_bindir() -> Path | None:
    """The folder holding ``initdb`` and ``pg_ctl`` (newest version first), or ``None``."""

    def version(path: str) -> float:
        try:
            return float(Path(path).parent.name)
        except ValueError:
            return 0.0

    for folder in sorted(glob.glob(PG_GLOB), key=version, reverse=True):
        if all(os.access(Path(folder, tool), os.X_OK) for tool in ("initdb", "pg_ctl")):
            return Path(folder)
    initdb = shutil.which("initdb")
    if initdb and shutil.which("pg_ctl"):
        return Path(initdb).parent
    return None


def missing_reason() -> str | None:
    """Why no server can be started here, or ``None`` when one can."""
    if find_bindir() is None:
        return (
            f"PostgreSQL server binaries (initdb, pg_ctl) not found under {PG_GLOB} or on PATH;"
            " install Debian's 'postgresql' package (.ci/run does)"
        )
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(SERVER_USER)
        except KeyError:
            return f"running as root but there is no {SERVER_USER!r} user to run PostgreSQL"
        if shutil.which("runuser") is None:
            return "running as root but 'runuser' is missing"
    return None


SHM = Path("/dev/shm")
SHM_NEEDED = 1 << 30


def _scratch_parent() -> str | None:
    """``/dev/shm`` when it is writable with room to spare, else the default temp folder."""
    try:
        if os.access(SHM, os.W_OK) and shutil.disk_usage(SHM).free >= SHM_NEEDED:
            return str(SHM)
    except OSError:
        pass
    return None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class PgServer:
    """A private PostgreSQL server in a temporary directory (see the module docstring)."""

    def __init__(self, bindir: Path) -> None:
        self.bindir = bindir
        self.root = Path(tempfile.mkdtemp(prefix="sysreview-pg-", dir=_scratch_parent()))
        self.datadir = self.root / "data"
        self.sockdir = self.root / "sock"
        self.logfile = self.root / "server.log"
        self.port = _free_port()
        self.running = False

    def _run(self, *args: str) -> None:
        cmd = [str(self.bindir / args[0]), *args[1:]]
        if os.geteuid() == 0:
            cmd = ["runuser", "-u", SERVER_USER, "--", *cmd]
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            log = self.logfile.read_text() if self.logfile.exists() else ""
            raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stdout}{done.stderr}{log}")

    def start(self) -> PgServer:
        """Initialise the cluster and start the server; returns ``self``."""
        self.sockdir.mkdir()
        if os.geteuid() == 0:
            user = pwd.getpwnam(SERVER_USER)
            for path in (self.root, self.sockdir):
                os.chown(path, user.pw_uid, user.pw_gid)
        self._run(
            "initdb", "-D", str(self.datadir), "-A", "trust", "-U", SERVER_USER,
            "-E", "UTF8", "--locale=C", "--no-sync",
        )  # fmt: skip
        options = (
            f"-k {self.sockdir} -p {self.port} -c listen_addresses='' -c fsync=off"
            " -c synchronous_commit=off -c full_page_writes=off"
            " -c min_wal_size=32MB -c max_wal_size=64MB"
        )
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-w", "-o", options,
            "start",
        )  # fmt: skip
        self.running = True
        return self

    def restart(self, mode: str = "fast") -> None:
        """Restart the server, keeping its data: every client connection is dropped.

        ``mode`` is ``pg_ctl``'s shutdown mode: ``fast`` (what a service manager does:
        sessions are terminated, then a clean shutdown) or ``immediate`` (a crash).
        Returns once the server accepts connections again.
        """
        self._run(
            "pg_ctl", "-D", str(self.datadir), "-l", str(self.logfile), "-m", mode, "-w",
            "restart",
        )  # fmt: skip

    def stop(self) -> None:
        """Stop the server (immediately) and delete its directory."""
        try:
            if self.running:
                self._run("pg_ctl", "-D", str(self.datadir), "-m", "immediate", "-w", "stop")
                self.running = False
        finally:
            shutil.rmtree(self.root, ignore_errors=True)

    def url(self, dbname: str) -> str:
        """The SQLAlchemy URL of database ``dbname`` on this server."""
        host = quote(str(self.sockdir), safe="/")
        return f"postgresql+psycopg://{SERVER_USER}@/{dbname}?host={host}&port={self.port}"

    def connect(self, dbname: str = "postgres") -> psycopg.Connection[tuple[object, ...]]:
        """A plain psycopg connection (autocommit), for administration."""
        return psycopg.connect(
            host=str(self.sockdir), port=self.port, user=SERVER_USER, dbname=dbname,
            autocommit=True,
        )  # fmt: skip

    def create_database(self, name: str, template: str = "template0") -> str:
        """Create database ``name`` as a copy of ``template``; returns its URL."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("CREATE DATABASE {} TEMPLATE {} STRATEGY FILE_COPY").format(
                    sql.Identifier(name), sql.Identifier(template)
                )
            )
        return self.url(name)

    def drop_database(self, name: str) -> None:
        """Drop database ``name``, disconnecting whoever is still connected."""
        with self.connect() as conn:
            conn.execute(
                sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
            )
