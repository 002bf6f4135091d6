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

The ``project`` table holds the project's identity (one row, made when the database is
created): an empty store already has it, and loading replaces it with the dump's, so a
restored project keeps its id.

Text only SQLite can hold (NUL characters, lone surrogates, ``NaN`` in JSON, which
imports before version 0.1 could store) is written cleaned, as the readers now clean it
(:mod:`sysreview.text`), so every dump loads into PostgreSQL too. Loading checks every
row first (:mod:`~sysreview.project.storage.dump_check`): a malformed dump is refused
naming file, line and column, and nothing of it is written.
"""

from __future__ import annotations

import base64
import hashlib
import json
import os
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

from alembic.script import ScriptDirectory
from sqlalchemy import Connection, Table, func, select, text
from sqlalchemy.exc import IntegrityError

from sysreview.errors import InputError, StoreError
from sysreview.project.storage.dump_check import row_reader
from sysreview.project.storage.engine import Store
from sysreview.project.storage.identity import IDENTITY_TABLE
from sysreview.project.storage.migrate import alembic_config, current_revision
from sysreview.project.storage.models import full_metadata
from sysreview.text import storable_tree

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
        except OSError as exc:
            raise StoreError(f"{path}: not a readable dump manifest ({exc.strerror})") from None
        except (ValueError, RecursionError) as exc:  # not UTF-8, not JSON, absurd nesting
            raise InputError(f"not a readable dump manifest ({exc})", source=str(path)) from None
        if not isinstance(body, dict) or (
            body.get("format") != FORMAT or body.get("format_version") != FORMAT_VERSION
        ):
            raise InputError(f"not a {FORMAT} version {FORMAT_VERSION} manifest", source=str(path))
        tables = body.get("tables")
        fields = {"table": str, "file": str, "rows": int, "sha256": str}
        if not isinstance(body.get("schema_revision"), str) or not isinstance(tables, list):
            raise InputError("malformed manifest (schema_revision, tables)", source=str(path))
        for number, entry in enumerate(tables, start=1):
            if (
                not isinstance(entry, dict)
                or set(entry) != set(fields)
                or not all(type(entry[k]) is kind for k, kind in fields.items())
            ):
                raise InputError(
                    f"malformed manifest: table entry {number} must have {', '.join(fields)}",
                    source=str(path),
                )
        return cls(body["schema_revision"], tuple(TableDump(**t) for t in tables))


def _encode(value: Any) -> Any:
    if isinstance(value, bytes):  # LargeBinary (stored embeddings): base64 text
        return base64.b64encode(value).decode("ascii")
    return value.isoformat() if isinstance(value, date | datetime) else value


def _line(values: dict[str, Any]) -> bytes:
    """One row as a line of JSON; values only SQLite could hold are cleaned (module notes)."""
    try:
        text = json.dumps(values, ensure_ascii=False, allow_nan=False)
        if "\\u0000" not in text:
            return (text + "\n").encode("utf-8")
    except ValueError:  # NaN or infinity; a lone surrogate (UnicodeEncodeError)
        pass
    text = json.dumps(storable_tree(values)[0], ensure_ascii=False, allow_nan=False)
    return (text + "\n").encode("utf-8")


def _tables() -> list[Table]:
    return list(full_metadata().sorted_tables)


def _snapshot(store: Store) -> Connection:
    """A read-only connection that sees one consistent state for the whole dump."""
    conn = store.engine.connect()
    if store.backend == "postgresql":
        conn = conn.execution_options(isolation_level="REPEATABLE READ")
    return conn.execution_options(sysreview_readonly=True)


def holds_data(store: Store) -> bool:
    """Whether any table except the project's identity has rows (an empty store has none)."""
    return any(n for name, n in table_counts(store).items() if name != IDENTITY_TABLE)


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
                    line = _line({k: _encode(v) for k, v in row._mapping.items()})
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
    """Checksums, row counts and every row of every file (nothing is written)."""
    expected = {t.name for t in _tables()}
    found = {t.table for t in manifest.tables}
    if found != expected:
        raise InputError(
            f"tables differ from the schema: missing {sorted(expected - found)},"
            f" unknown {sorted(found - expected)}",
            source=str(folder / MANIFEST),
        )
    tables = {t.name: t for t in _tables()}
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
        for _ in _rows(folder / entry.file, tables[entry.table]):
            pass


def _rows(path: Path, table: Table) -> Iterator[dict[str, Any]]:
    read = row_reader(table, str(path))
    with path.open("rb") as fh:
        for number, raw in enumerate(fh, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError:
                raise InputError("not UTF-8 text", source=str(path), line=number,
                                 unit="line") from None  # fmt: skip
            yield read(line, number)


def check_dump(in_dir: str | os.PathLike[str]) -> DumpManifest:
    """Check a dump without loading it: manifest, checksums and every row.

    Raises
    ------
    InputError
        Naming the file, line and column of the first problem.
    StoreError
        For a schema revision this version does not know.
    """
    folder = Path(in_dir)
    manifest = DumpManifest.read(folder)
    known = {r.revision for r in ScriptDirectory.from_config(alembic_config()).walk_revisions()}
    if manifest.schema_revision not in known:
        raise StoreError(
            f"{folder / MANIFEST}: the dump is at schema revision "
            f"{manifest.schema_revision[:40]!r}, which this version of sysreview does not know "
            f"(it knows {', '.join(sorted(known))})"
        )
    _check_files(folder, manifest)
    return manifest


def _insert(conn: Connection, table: Table, path: Path) -> None:
    """Insert the rows of one file; a broken constraint names the file."""
    batch: list[dict[str, Any]] = []
    try:
        for row in _rows(path, table):
            batch.append(row)
            if len(batch) == _BATCH:
                conn.execute(table.insert(), batch)
                batch = []
        if batch:
            conn.execute(table.insert(), batch)
    except IntegrityError as exc:
        detail = str(exc.orig).strip().splitlines()
        raise InputError(
            f"rows break a rule of the database: {detail[0] if detail else exc}", source=str(path)
        ) from None


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
    manifest = check_dump(folder)
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
            if table.name == IDENTITY_TABLE:
                continue
            if conn.execute(select(func.count()).select_from(table)).scalar_one():
                raise StoreError(f"the store is not empty (table {table.name} has rows)")
        for table in _tables():
            if table.name == IDENTITY_TABLE:
                conn.execute(table.delete())  # the fresh store's id gives way to the dump's
            _insert(conn, table, files[table.name])
            if store.backend == "postgresql" and "id" in table.columns:
                conn.execute(
                    text(
                        f"SELECT setval(pg_get_serial_sequence('{table.name}', 'id'),"
                        f" coalesce(max(id), 0) + 1, false) FROM {table.name}"
                    )
                )
    return manifest
