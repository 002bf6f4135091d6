"""``sysreview pool`` writes what it wrote before issue 16's rewrite.

The outputs in ``tests/fixtures/pool_pinned/`` were written by the console script of
commit cf96785 (its fast path with the hand-written parser, the forked JSON writer and
the CSV fast path; see the README there). The same command lines run here through the
Typer command: 435 of them over small tables (every format, four sets of options,
errors), and ``--format json|text`` over the 17 golden RevMan files.

Exit status and stderr must be the same bytes, and so must stdout everywhere except in
the last digits of full-precision numbers: the distribution functions are now
:mod:`scipy.special`'s instead of our own closed forms, and the two agree to about
1e-13 relative (a few ulp), which Q-profile roots and back-transformations amplify a
little (largest difference seen: 8.1e-13 relative). So stdout is compared as text with
its numbers taken out (equal bytes) and the numbers one by one, to 1e-11 relative;
values below 1e-300 may become 0 (a normal p-value of 3.7e-317, which SciPy and R both
give as 0). The rewrite itself (the command, reader and JSON writer) changed no byte:
at commit e9f1b16, before the distributions changed, this test compared whole texts.
"""

from __future__ import annotations

import gzip
import json
import math
import re
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


NUMBER = re.compile(r"-?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?")
RTOL = 1e-11
TINY = 1e-300


def assert_same_output(got: str, pinned: str) -> None:
    """The same text around the numbers, byte for byte; the numbers to :data:`RTOL`."""
    if got == pinned:
        return
    assert NUMBER.split(got) == NUMBER.split(pinned)
    for new, old in zip(NUMBER.findall(got), NUMBER.findall(pinned), strict=True):
        x, y = float(new), float(old)
        if max(abs(x), abs(y)) > TINY:
            assert math.isclose(x, y, rel_tol=RTOL, abs_tol=0), (new, old)


def test_numbers_are_compared() -> None:
    """The comparison notices a changed digit, word or number of decimals."""
    pinned = '{"estimate": 0.123456789012345, "p": 1e-05, "k": 3}'
    assert_same_output(pinned.replace("012345", "012346"), pinned)  # 8e-15 relative
    for changed in ("0.1234567", "0.123456789012345, 1"):
        with pytest.raises(AssertionError):
            assert_same_output(pinned.replace("0.123456789012345", changed), pinned)
    with pytest.raises(AssertionError):
        assert_same_output(pinned.replace("estimate", "estimates"), pinned)
    with pytest.raises(AssertionError):
        assert_same_output("Q = 0.10", "Q = 0.11")


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
