"""Fuzzing the loaders: a whole project dump (``sysreview load``) and the protocol
(``review.toml``). Each either loads or raises an InputError naming the file (a dump of
another schema revision: a StoreError saying so); a refused dump leaves the store empty.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import event, given, settings
from hypothesis import strategies as st

from sysreview.errors import InputError, StoreError
from sysreview.project.storage import (
    Store,
    export_store,
    holds_data,
    load_store,
    open_store,
    sqlite_url,
)
from sysreview.project.storage.dump import MANIFEST
from sysreview.protocol import Protocol, load_protocol, parse_protocol, template_text
from tests.fuzz.strategies import (
    EXAMPLES,
    FUZZ,
    JSON_VALUE,
    ODD_TEXT,
    RAW_JSON,
    deep_json,
    mutated,
    to_json,
)
from tests.pg import PgServer
from tests.unit.project.factories import populate

# ---- project dumps --------------------------------------------------------------------------


@pytest.fixture(scope="module")
def dump_parts() -> Iterator[tuple[Path, Path]]:
    """A real dump (every table with rows) and an empty migrated SQLite database."""
    folder = Path(tempfile.mkdtemp(prefix="fuzz_dump_"))
    with open_store(sqlite_url(folder / "full.db")) as store:
        populate(store)
        export_store(store, folder / "dump")
    open_store(sqlite_url(folder / "empty.db")).close()
    yield folder / "dump", folder / "empty.db"
    shutil.rmtree(folder)


def _rewrite_manifest(folder: Path, changed: str) -> None:
    """Make the manifest match a changed file again (so the loader looks inside it)."""
    path = folder / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    for table in manifest["tables"]:
        if table["file"] == changed:
            data = (folder / changed).read_bytes()
            table["sha256"] = hashlib.sha256(data).hexdigest()
            table["rows"] = len(data.split(b"\n")) - data.endswith(b"\n") if data else 0
    path.write_text(json.dumps(manifest), encoding="utf-8")


@st.composite
def odd_json(draw: st.DrawFn) -> Any:
    return draw(st.one_of(JSON_VALUE, RAW_JSON, deep_json()))


def _like(value: Any) -> st.SearchStrategy[Any]:
    """Values of the same JSON type as ``value`` (or null)."""
    if isinstance(value, bool) or value is None:
        return st.sampled_from([True, False, None])
    if isinstance(value, int):
        return st.one_of(st.integers(-3, 20), st.integers(), st.none())
    if isinstance(value, float):
        return st.one_of(st.floats(allow_nan=False, allow_infinity=False), st.none())
    if isinstance(value, str):
        return st.one_of(st.sampled_from(["", value * 50, value[:-1]]), ODD_TEXT, st.none())
    return st.one_of(JSON_VALUE, st.none())


def _mutate_dump(data: st.DataObject, folder: Path) -> None:
    files = sorted(p.name for p in folder.glob("*.jsonl") if p.stat().st_size)
    name = data.draw(st.sampled_from([*files, MANIFEST]))
    path = folder / name
    how = data.draw(st.sampled_from(["typed", "typed", "value", "key", "bytes"]))
    if how == "bytes" or name == MANIFEST:
        path.write_bytes(data.draw(mutated(path.read_bytes())))
    else:
        lines = path.read_text(encoding="utf-8").splitlines()
        index = data.draw(st.integers(0, len(lines) - 1))
        row: dict[str, Any] = json.loads(lines[index])
        column = data.draw(st.sampled_from(sorted(row)))
        if how == "typed":  # same type, another value: breaks keys, references, checks
            row[column] = data.draw(_like(row[column]))
        elif how == "value":
            row[column] = data.draw(odd_json())
        else:
            row[data.draw(ODD_TEXT)] = row.pop(column)
        lines[index] = to_json(row)
        path.write_text("\n".join(lines) + "\n", encoding="utf-8", errors="surrogatepass")
    if name != MANIFEST and data.draw(st.integers(0, 9)):
        _rewrite_manifest(folder, name)


def _load_or_refuse(folder: Path, store: Store) -> None:
    try:
        load_store(folder, store)
        event("loaded")
    except InputError as exc:
        event(f"refused: {exc.message.split(':')[0][:40]}")
        assert exc.source is not None and str(exc).startswith(str(exc.source)), str(exc)
        assert "\n" not in str(exc)
        assert not holds_data(store), "a refused dump left rows behind"
    except StoreError as exc:
        assert "schema revision" in str(exc), f"not a schema mismatch: {exc}"
        assert not holds_data(store)


@settings(FUZZ, max_examples=max(EXAMPLES // 2, 10))
@given(data=st.data())
def test_mutated_dumps_load_or_are_refused(
    data: st.DataObject, dump_parts: tuple[Path, Path]
) -> None:
    dump, empty = dump_parts
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dump"
        shutil.copytree(dump, folder)
        _mutate_dump(data, folder)
        shutil.copyfile(empty, Path(tmp) / "store.db")
        with open_store(sqlite_url(Path(tmp) / "store.db")) as store:
            _load_or_refuse(folder, store)


@settings(FUZZ, max_examples=max(EXAMPLES // 6, 5))
@given(data=st.data())
def test_mutated_dumps_on_postgresql(
    data: st.DataObject, dump_parts: tuple[Path, Path], pg_server: PgServer
) -> None:
    """What SQLite would take but PostgreSQL refuses (NUL, too-long text, big integers)
    must be refused before either sees it."""
    dump, _ = dump_parts
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "dump"
        shutil.copytree(dump, folder)
        _mutate_dump(data, folder)
        name = f"fuzz_{hashlib.sha256(str(folder).encode()).hexdigest()[:12]}"
        url = pg_server.create_database(name, "sysreview_head")
        try:
            with open_store(url) as store:
                _load_or_refuse(folder, store)
        finally:
            pg_server.drop_database(name)


# ---- the protocol ----------------------------------------------------------------------------

TOML_TOKENS = (
    b"\x00",
    b"\x1b[31m",
    b"[",
    b"[[",
    b"]]",
    b"=",
    b'"""',
    b"'''",
    b"\\ud800",
    b"\\u0000",
    b"9" * 5000,
    b"1e999",
    b"nan",
    b"inf",
    b"1979-05-27T07:32:00Z",
    b"{ a = { b = { c = 1 } } }",
    b"[" * 2000,
    b"x = " + b"[" * 600 + b"]" * 600 + b"\n",
    b"y = " + b"{a=" * 600 + b"1" + b"}" * 600 + b"\n",
    b"\n[analysis]\n",
    b"\n[[outcomes.groups]]\n",
    b"\xff\xfe",
    b"\xed\xa0\x80",
)


#: TOML values of every type, and values TOML or Python refuse.
TOML_VALUES = ("[]", "{}", "[[1], [2]]", "{ x = 1 }", "1979-05-27", "true", "-0", "9" * 5000,
               "1e999", "nan", '""', "'''\n'''", "[" * 500 + "]" * 500, '"\\u0000"',
               '"\\ud800"')  # fmt: skip


def _protocol_or_refusal(path: Path) -> None:
    try:
        assert isinstance(load_protocol(path), Protocol)
    except InputError as exc:
        assert exc.source == str(path), str(exc)
        for line in str(exc).splitlines():
            assert line.startswith(str(path)), line


@FUZZ
@given(data=st.data())
def test_mutated_protocols(data: st.DataObject) -> None:
    template = data.draw(st.sampled_from(["blank", "group-peer-support"]))
    text = template_text(template).encode("utf-8")
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.toml"
        path.write_bytes(data.draw(mutated(text, TOML_TOKENS)))
        _protocol_or_refusal(path)


@FUZZ
@given(data=st.data())
def test_protocol_values_of_any_type(data: st.DataObject) -> None:
    """Any key's value replaced by another TOML value (arrays, tables, dates, huge
    numbers, deep nesting)."""
    lines = template_text(data.draw(st.sampled_from(["blank", "group-peer-support"]))).split("\n")
    keyed = [i for i, line in enumerate(lines) if " = " in line and not line.startswith("#")]
    for index in data.draw(st.lists(st.sampled_from(keyed), min_size=1, max_size=3)):
        key = lines[index].split(" = ", 1)[0]
        value = data.draw(st.one_of(st.sampled_from(TOML_VALUES), st.integers().map(str),
                                    ODD_TEXT.map(json.dumps)))  # fmt: skip
        lines[index] = f"{key} = {value}"
    text = "\n".join(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "review.toml"
        path.write_text(text, encoding="utf-8", errors="surrogatepass")
        _protocol_or_refusal(path)


@FUZZ
@given(ODD_TEXT)
def test_protocol_text_with_surrogates(extra: str) -> None:
    """Text handed to parse_protocol directly (the web form, an API caller)."""
    text = template_text("blank").replace('title = "', f'title = "{extra}', 1)
    try:
        parse_protocol(text, "form")
    except InputError as exc:
        assert_refusal_lines(exc)


def assert_refusal_lines(exc: InputError) -> None:
    for line in str(exc).splitlines():
        assert line.startswith("form"), line
