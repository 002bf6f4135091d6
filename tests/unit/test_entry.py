"""The console script and ``python -m sysreview``: the Typer app, ``pool`` like every command."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app

DATA = (
    "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\n"
    "A,10.2,3.1,40,9.1,3.0,41\nB,11.0,2.9,35,10.1,3.3,36\nC,9.8,3.5,50,9.9,3.2,48\n"
)


def _module(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "sysreview", *args], capture_output=True, text=True, check=False
    )


def test_pool_through_python_m_gives_what_the_typer_command_gives(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    for options in (["--format", "json"], ["--measure", "SMD"], ["--measure", "XX"]):
        whole = _module("pool", str(data), *options)
        inside = CliRunner().invoke(app, ["pool", str(data), *options])
        assert whole.returncode == inside.exit_code, options
        assert whole.stdout == inside.stdout, options
        assert whole.stderr == inside.stderr, options
    assert _module("pool", str(data), "--measure", "XX").returncode == 2


def test_help_and_usage_errors_are_typers() -> None:
    done = _module("pool", "--help")
    assert done.returncode == 0 and "Pool the studies of DATA" in done.stdout
    done = _module("search", "--help")
    assert done.returncode == 0 and "render" in done.stdout
    done = _module("pool", "d.csv", "--format", "xml")
    assert done.returncode == 2 and "Invalid value for '--format'" in done.stderr


def test_pool_imports_only_what_it_uses(tmp_path: Path) -> None:
    """``pool --format json`` needs neither pandas (CSV output does) nor the project,
    web, screening or plotting layers."""
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    probe = (
        "import sys; from sysreview.entry import main; sys.argv = ['sysreview', *sys.argv[1:]]\n"
        "try:\n    main()\nfinally:\n"
        "    heavy = ('pandas', 'sklearn', 'matplotlib', 'sqlalchemy', 'fastapi')\n"
        "    print(sorted(m for m in heavy if m in sys.modules), file=sys.stderr)"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, "pool", str(data), "--format", "json"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.splitlines()[-1] == "[]"


FAILING = (
    "import sys, sysreview.pooled_table as t\n"
    "def broken(*args, **kwargs):\n    raise RuntimeError('the pool broke\\nsecond line')\n"
    "t.pool_table = broken\n"
    "from sysreview.entry import main\nsys.argv = ['sysreview', *sys.argv[1:]]\nmain()\n"
)


def test_a_failure_of_sysreview_itself_is_one_line_and_exit_1(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "SYSREVIEW_TRACEBACK"}
    done = subprocess.run(
        [sys.executable, "-c", FAILING, "pool", str(data)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1
    assert done.stderr.startswith("sysreview: internal error: RuntimeError: the pool broke (")
    assert done.stderr.count("\n") == 1 and "Traceback" not in done.stderr
    env["SYSREVIEW_TRACEBACK"] = "1"
    done = subprocess.run(
        [sys.executable, "-c", FAILING, "pool", str(data)],
        capture_output=True, text=True, env=env, check=False,
    )  # fmt: skip
    assert done.returncode == 1 and "Traceback" in done.stderr


@pytest.mark.parametrize(
    ("args", "code"),
    [
        (["pool", "{data}"], 0),
        (["pool", "{data}", "--measure", "XX"], 2),  # bad input
        (["pool", "{missing}"], 2),  # a file that cannot be read
        (["pool", "{data}", "--no-such-option"], 2),  # usage
        (["pool"], 2),  # a missing argument
        (["status", "-p", "{missing}"], 2),  # not a project
    ],
)
def test_exit_codes(tmp_path: Path, args: list[str], code: int) -> None:
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    filled = [a.format(data=data, missing=tmp_path / "nope") for a in args]
    done = _module(*filled)
    assert done.returncode == code, done.stderr
    assert "Traceback" not in done.stderr
