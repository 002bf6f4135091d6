"""Store dumps: export → load into an empty store → export gives identical files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.project.storage import (
    Store,
    StoreError,
    Study,
    export_store,
    holds_data,
    load_store,
    open_store,
    table_counts,
)
from sysreview.project.storage.migrate import head_revision
from sysreview.project.storage.models import full_metadata
from tests.unit.project.factories import add_reviewers, populate


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in sorted(folder.iterdir())}


def test_round_trip_is_lossless(store: Store, new_url: Callable[..., str], tmp_path: Path) -> None:
    populate(store)
    first = export_store(store, tmp_path / "one")
    with open_store(new_url()) as fresh:
        assert load_store(tmp_path / "one", fresh) == first
        second = export_store(fresh, tmp_path / "two")
        with fresh.session() as s:  # ids continue after the loaded ones
            s.add(Study(label="Jones 2021"))
            s.flush()
            assert s.get(Study, 2) is not None
    assert second == first
    assert _files(tmp_path / "one") == _files(tmp_path / "two")


def test_manifest_lists_every_table_with_counts_and_checksums(store: Store, tmp_path: Path) -> None:
    populate(store)
    manifest = export_store(store, tmp_path / "dump")
    body = json.loads((tmp_path / "dump" / "manifest.json").read_text())
    assert body["format"] == "sysreview-store-dump"
    assert body["schema_revision"] == head_revision()
    assert [t["table"] for t in body["tables"]] == [t.name for t in full_metadata().sorted_tables]
    counts = manifest.counts()
    assert counts == table_counts(store)
    assert counts["decision_event"] == 4
    assert counts["screening_assignment"] == 2
    assert counts["record"] == 5
    assert all(len(t["sha256"]) == 64 for t in body["tables"])
    first = (tmp_path / "dump" / "record.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert list(json.loads(first)) == [c.name for c in full_metadata().tables["record"].columns]


def test_load_refuses_a_store_that_is_not_empty(store: Store, tmp_path: Path) -> None:
    populate(store)
    export_store(store, tmp_path / "dump")
    with pytest.raises(StoreError, match="not empty"):
        load_store(tmp_path / "dump", store)


def test_load_refuses_a_tampered_file(
    store: Store, new_url: Callable[..., str], tmp_path: Path
) -> None:
    populate(store)
    export_store(store, tmp_path / "dump")
    path = tmp_path / "dump" / "reviewer.jsonl"
    path.write_text(path.read_text(encoding="utf-8").replace("Bo", "Bob"), encoding="utf-8")
    with open_store(new_url()) as fresh:
        with pytest.raises(InputError, match=r"reviewer\.jsonl: checksum or row count differs"):
            load_store(tmp_path / "dump", fresh)
        with fresh.session(readonly=True) as s:
            assert s.query(Study).count() == 0


def test_load_refuses_another_schema_revision(
    store: Store, new_url: Callable[..., str], tmp_path: Path
) -> None:
    export_store(store, tmp_path / "dump")
    manifest = tmp_path / "dump" / "manifest.json"
    manifest.write_text(manifest.read_text().replace(f'"{head_revision()}"', '"0000"'))
    with open_store(new_url()) as fresh, pytest.raises(StoreError, match="revision '0000'"):
        load_store(tmp_path / "dump", fresh)


def test_export_refuses_a_folder_with_files(store: Store, tmp_path: Path) -> None:
    (tmp_path / "old.txt").write_text("x")
    with pytest.raises(StoreError, match="must be empty"):
        export_store(store, tmp_path)


def test_sqlite_dump_loads_into_postgresql_identically(pg_url: str, tmp_path: Path) -> None:
    with open_store(tmp_path / "lite.db") as lite:
        populate(lite)
        with lite.session() as s:
            add_reviewers(s, "Zoë")
        export_store(lite, tmp_path / "lite")
    with open_store(pg_url) as pg:
        load_store(tmp_path / "lite", pg)
        export_store(pg, tmp_path / "pg")
    assert _files(tmp_path / "lite") == _files(tmp_path / "pg")


def _dump_with(tmp_path: Path, store: Store, table: str, edit: Callable[[dict], None]) -> Path:
    """A valid dump of ``store`` with the first row of ``table`` edited (checksum kept valid)."""
    import hashlib

    folder = tmp_path / "dump"
    export_store(store, folder)
    path = folder / f"{table}.jsonl"
    lines = path.read_text(encoding="utf-8").splitlines()
    row = json.loads(lines[0])
    edit(row)
    lines[0] = json.dumps(row)  # ASCII: a lone surrogate as an escape, as JSON allows
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    manifest = json.loads((folder / "manifest.json").read_text())
    for entry in manifest["tables"]:
        if entry["table"] == table:
            entry["sha256"] = hashlib.sha256(path.read_bytes()).hexdigest()
    (folder / "manifest.json").write_text(json.dumps(manifest))
    return folder


@pytest.mark.parametrize(
    ("table", "column", "value", "message"),
    [
        ("record", "title", "A\u0000B", "holds a NUL character or a lone surrogate"),
        ("record", "raw", {"TI": ["\ud800"]}, "holds a NUL character, a lone surrogate"),
        ("record", "pmid", "1" * 21, "text longer than 20 characters"),
        ("record", "year", 2**40, "integer out of range (32 bits)"),
        ("record", "year", "2020", "must be an integer"),
        ("record", "id", 0, "an id must be between 1 and 2147483646"),
        ("record", "id", 2**31 - 1, "an id must be between 1 and 2147483646"),
        ("record", "batch_id", None, "is empty but required"),
        ("import_batch", "imported_at", "2024-05-01T09:30:00", "has no time zone"),
        ("import_batch", "search_date", "01/05/2024", "is not an ISO 8601 date"),
    ],
)
def test_load_refuses_a_bad_value_naming_file_line_and_column(
    store: Store,
    new_url: Callable[..., str],
    tmp_path: Path,
    table: str,
    column: str,
    value: object,
    message: str,
) -> None:
    """The same dump is refused by SQLite and PostgreSQL alike, before anything is written."""
    populate(store)
    folder = _dump_with(tmp_path, store, table, lambda row: row.update({column: value}))
    with open_store(new_url()) as fresh:
        with pytest.raises(InputError) as info:
            load_store(folder, fresh)
        assert not holds_data(fresh)
    assert str(info.value).startswith(f"{folder / table}.jsonl, line 1, column {column!r}: ")
    assert message in str(info.value)


def test_load_names_the_file_of_rows_that_break_a_constraint(
    store: Store, new_url: Callable[..., str], tmp_path: Path
) -> None:
    populate(store)
    folder = _dump_with(tmp_path, store, "record", lambda row: row.update(batch_id=99))
    with open_store(new_url()) as fresh:
        with pytest.raises(InputError, match=r"record\.jsonl: rows break a rule of the database"):
            load_store(folder, fresh)
        assert not holds_data(fresh)


def test_text_only_sqlite_could_hold_is_exported_cleaned_and_loads_into_postgresql(
    pg_url: str, tmp_path: Path
) -> None:
    """A SQLite project imported before readers removed NUL (or stored NaN in JSON)."""
    from sqlalchemy import text

    with open_store(tmp_path / "old.db") as lite:
        populate(lite)
        with lite.session() as s:
            s.execute(
                text(
                    "INSERT INTO record (id, batch_id, position, title, raw) "
                    "VALUES (100, 1, 100, :t, :r)"
                ),
                {"t": "Peer\x00 support", "r": '{"TI": ["Peer\\u0000 support"], "n": NaN}'},
            )
        export_store(lite, tmp_path / "dump")
    with open_store(pg_url) as pg:
        load_store(tmp_path / "dump", pg)
        with pg.session(readonly=True) as s:
            record = s.execute(text("SELECT title, raw FROM record WHERE id = 100")).one()
    assert record.title == "Peer support"
    assert record.raw == {"TI": ["Peer support"], "n": None}
