"""``sysreview pool`` writes what it wrote before issue 16's rewrite, byte for byte.

The outputs in ``tests/fixtures/pool_pinned/`` were written by the console script of
commit cf96785 (its fast path with the hand-written parser, the forked JSON writer and
the CSV fast path; see the README there). The same command lines run here through the
Typer command: 435 of them over small tables (every format, four sets of options,
errors), and ``--format json|text`` over the 17 golden RevMan files.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from tests.conftest import PROJECT_ROOT, shared_path

PINNED = PROJECT_ROOT / "tests" / "fixtures" / "pool_pinned"
runner = CliRunner()


def _load(name: str) -> Any:
    return json.loads(gzip.decompress((PINNED / name).read_bytes()))


CASES = _load("cases.json.gz")
INPUTS: dict[str, str] = CASES["inputs"]


def _file_name(name: str) -> str:
    return f"{name}.rm5" if name.startswith("rm5") else f"{name}.csv"


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Every pinned input, written as the pinning run wrote it."""
    where = tmp_path_factory.mktemp("pinned")
    for name, text in INPUTS.items():
        encoding = "latin-1" if name == "latin1" else "utf-8"
        (where / _file_name(name)).write_bytes(text.encode(encoding))
    return where


def assert_same_output(got: str, pinned: str) -> None:
    """The same text, byte for byte."""
    assert got == pinned


@pytest.mark.parametrize(
    "case", CASES["cases"], ids=[f"{c['input']} {' '.join(c['args'])}" for c in CASES["cases"]]
)
def test_same_output_as_before(
    case: dict[str, Any], folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(folder)
    result = runner.invoke(app, ["pool", _file_name(case["input"]), *case["args"]])
    assert result.exit_code == case["status"], result.stderr
    assert result.stderr == case["stderr"]
    assert_same_output(result.stdout, case["stdout"])


GOLDEN = _load("golden.json.gz")


@pytest.mark.parametrize("key", sorted(GOLDEN))
def test_golden_revman_files_give_the_same_output(key: str) -> None:
    name, fmt = key.split(" ")
    path = shared_path("golden", "revman", name)
    result = runner.invoke(app, ["pool", str(path), "--format", fmt])
    assert result.exit_code == 0, result.stderr
    assert_same_output(result.stdout, GOLDEN[key])
