"""Store-level export and import: every table as JSON lines, plus a manifest.

A dump is a folder::

    manifest.json          format, schema revision, and per table: file, rows, sha256
    import_batch.jsonl     one JSON object per row, keys in column order, rows by id
    record.jsonl
    ...

Timestamps are ISO 8601 in UTC (``2024-05-01T09:30:00.123456+00:00``), dates ISO 8601,
JSON columns nested JSON, floats in Python's shortest round-trip form. The dump is
deterministic, so dump → load into an empty store → dump gives identical files, on
SQLite and PostgreSQL alike (and across them).
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Date, DateTime, LargeBinary, Table, func, select, text

from sysreview.errors import InputError, StoreError
from sysreview.project.store.base import Base, UTCDateTime
from sysreview.project.store.engine import Store
from sysreview.project.store.migrate import current_revision

FORMAT = "sysreview-store-dump"
FORMAT_VERSION = 1
MANIFEST = "manifest.json"
_BATCH = 500


@dataclass(frozen=True)
class TableDump:
    """One table's file in a dump."""

    table: str
    file: str
    rows: int
    sha256: str


@dataclass(frozen=True)
class DumpManifest:
    """What a dump holds: the schema revision and, per table, file, row count and checksum."""

    schema_revision: str
    tables: tuple[TableDump, ...]

    def counts(self) -> dict[str, int]:
        """Row count per table."""
        return {t.table: t.rows for t in self.tables}

    def to_json(self) -> str:
        """The text of ``manifest.json``."""
        body = {
            "format": FORMAT,
            "format_version": FORMAT_VERSION,
            "schema_revision": self.schema_revision,
            "tables": [vars(t) for t in self.tables],
        }
        return json.dumps(body, indent=2) + "\n"

    @classmethod
    def read(cls, folder: str | os.PathLike[str]) -> DumpManifest:
        """Read and check ``folder/manifest.json``."""
        path = Path(folder) / MANIFEST
        try:
            body = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise StoreError(f"{path}: not a readable dump manifest ({exc})") from None
        if body.get("format") != FORMAT or body.get("format_version") != FORMAT_VERSION:
            raise InputError(f"not a {FORMAT} version {FORMAT_VERSION} manifest", source=str(path))
        try:
            tables = tuple(TableDump(**t) for t in body["tables"])
            return cls(str(body["schema_revision"]), tables)
        except (KeyError, TypeError) as exc:
            raise InputError(f"malformed manifest ({exc})", source=str(path)) from None


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):  # LargeBinary (stored embeddings): base64 text
        return base64.b64encode(value).decode("ascii")
    return value.isoformat() if isinstance(value, date | datetime) else value


def _decoder(table: Table) -> Callable[[dict[str, Any]], dict[str, Any]]:
    """Turn a parsed JSON row back into column values (timestamps and dates from text)."""
    parsers: dict[str, Callable[[str], Any]] = {}
    for column in table.columns:
        if isinstance(column.type, DateTime | UTCDateTime):
            parsers[column.name] = datetime.fromisoformat
        elif isinstance(column.type, Date):
            parsers[column.name] = date.fromisoformat
        elif isinstance(column.type, LargeBinary):
            parsers[column.name] = base64.b64decode

    def decode(row: dict[str, Any]) -> dict[str, Any]:
        for name, parse in parsers.items():
            if row[name] is not None:
                row[name] = parse(row[name])
        return row

    return decode


def _tables() -> list[Table]:
    return list(Base.metadata.sorted_tables)


def _snapshot(store: Store) -> Connection:
    """A read-only connection that sees one consistent state for the whole dump."""
    conn = store.engine.connect()
    if store.backend == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn.execution_options(sysreview_readonly=True)


def table_counts(store: Store) -> dict[str, int]:
    """Rows per table, in dependency order (for a status report)."""
    with _snapshot(store) as conn, conn.begin():
        return {
            t.name: conn.execute(select(func.count()).select_from(t)).scalar_one()
            for t in _tables()
        }


def export_store(store: Store, out_dir: str | os.PathLike[str]) -> DumpManifest:
    """Write every table of ``store`` to ``out_dir`` (created; must be empty) and a manifest.

    Returns
    -------
    DumpManifest
        Also written to ``out_dir/manifest.json``, last (its presence marks a complete dump).
    """
    out = Path(out_dir)
    if out.exists() and any(out.iterdir()):
        raise StoreError(f"{out}: the dump folder must be empty or absent")
    out.mkdir(parents=True, exist_ok=True)
    dumps = []
    with _snapshot(store) as conn, conn.begin():
        revision = _revision(conn)
        for table in _tables():
            digest, count = hashlib.sha256(), 0
            query = select(table).order_by(*table.primary_key.columns)
            with (out / f"{table.name}.jsonl").open("wb") as fh:
                for row in conn.execution_options(yield_per=_BATCH).execute(query):
                    values = {k: _encode(v) for k, v in row._mapping.items()}
                    line = (json.dumps(values, ensure_ascii=False) + "\n").encode("utf-8")
                    fh.write(line)
                    digest.update(line)
                    count += 1
            dumps.append(TableDump(table.name, f"{table.name}.jsonl", count, digest.hexdigest()))
    manifest = DumpManifest(revision, tuple(dumps))
    (out / MANIFEST).write_text(manifest.to_json(), encoding="utf-8")
    return manifest


def _revision(conn: Connection) -> str:
    revision = current_revision(conn)
    if revision is None:
        raise StoreError("the store has no schema yet (run Store.upgrade())")
    return revision


def _check_files(folder: Path, manifest: DumpManifest) -> None:
    expected = {t.name for t in _tables()}
    found = {t.table for t in manifest.tables}
    if found != expected:
        raise InputError(
            f"tables differ from the schema: missing {sorted(expected - found)},"
            f" unknown {sorted(found - expected)}",
            source=str(folder / MANIFEST),
        )
    for entry in manifest.tables:
        if Path(entry.file).name != entry.file or not (folder / entry.file).is_file():
            raise InputError(f"no file {entry.file!r} in the dump", source=str(folder / MANIFEST))
        digest, count = hashlib.sha256(), 0
        with (folder / entry.file).open("rb") as fh:
            for line in fh:
                digest.update(line)
                count += 1
        if digest.hexdigest() != entry.sha256 or count != entry.rows:
            raise InputError("checksum or row count differs from the manifest", source=entry.file)


def _rows(path: Path, table: Table) -> Iterator[dict[str, Any]]:
    columns = list(table.columns.keys())
    decode = _decoder(table)
    with path.open(encoding="utf-8") as fh:
        for number, line in enumerate(fh, start=1):
            row = json.loads(line)
            if list(row) != columns:
                raise InputError(f"columns {list(row)} != {columns}", source=str(path), line=number)
            yield decode(row)


def load_store(in_dir: str | os.PathLike[str], store: Store) -> DumpManifest:
    """Restore a dump written by :func:`export_store` into an empty, upgraded ``store``.

    Everything is checked first (manifest, schema revision, checksums, emptiness) and
    loaded in one transaction, keeping the ids; PostgreSQL sequences are moved past them.

    Raises
    ------
    StoreError
        When the store is not empty or not at the dump's schema revision.
    InputError
        When the dump is malformed or a file does not match its checksum.
    """
    folder = Path(in_dir)
    manifest = DumpManifest.read(folder)
    _check_files(folder, manifest)
    files = {t.table: folder / t.file for t in manifest.tables}
    with store.session() as session:
        conn = session.connection()
        revision = _revision(conn)
        if revision != manifest.schema_revision:
            raise StoreError(
                f"the dump is at schema revision {manifest.schema_revision!r} but the store is"
                f" at {revision!r}; load into a store at the dump's revision, then upgrade"
            )
        for table in _tables():
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise StoreError(f"the store is not empty (table {table.name} has rows)")
        for table in _tables():
            batch: list[dict[str, Any]] = []
            for row in _rows(files[table.name], table):
                batch.append(row)
                if len(batch) == _BATCH:
                    conn.execute(table.insert(), batch)
                    batch = []
            if batch:
                conn.execute(table.insert(), batch)
            if store.backend == "postgresql" and "id" in table.columns:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" coalesce(max(id), 0) + 1, false) FROM {table.name}"
                    )
                )
    return manifest
