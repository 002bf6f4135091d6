"""``sysreview --version`` and ``python -m sysreview``: the version a review names."""

from __future__ import annotations

import subprocess
import sys

from typer.testing import CliRunner

import sysreview
from sysreview.cli import app


def test_version_option() -> None:
    result = CliRunner().invoke(app, ["--version"])
    assert result.exit_code == 0 and result.stdout == f"sysreview {sysreview.__version__}\n"


def test_python_dash_m_runs_the_same_command_line() -> None:
    done = subprocess.run([sys.executable, "-m", "sysreview", "--version"],
                          capture_output=True, text=True, timeout=120, check=False)  # fmt: skip
    assert (done.returncode, done.stdout) == (0, f"sysreview {sysreview.__version__}\n")
