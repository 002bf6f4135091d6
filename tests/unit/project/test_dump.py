"""Store dumps: export → load into an empty store → export gives identical files."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.project.store import (
    Base,
    Store,
    StoreError,
    Study,
    export_store,
    load_store,
    open_store,
    table_counts,
)
from sysreview.project.store.migrate import head_revision
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
    assert [t["table"] for t in body["tables"]] == [t.name for t in Base.metadata.sorted_tables]
    counts = manifest.counts()
    assert counts == table_counts(store)
    assert counts["decision_event"] == 4
    assert counts["screening_assignment"] == 2
    assert counts["record"] == 5
    assert all(len(t["sha256"]) == 64 for t in body["tables"])
    first = (tmp_path / "dump" / "record.jsonl").read_text(encoding="utf-8").splitlines()[0]
    assert list(json.loads(first)) == [c.name for c in Base.metadata.tables["record"].columns]


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
