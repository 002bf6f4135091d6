"""The console script: ``pool`` through the fast path, everything else through Typer."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app

DATA = (
    "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\n"
    "A,10.2,3.1,40,9.1,3.0,41\nB,11.0,2.9,35,10.1,3.3,36\nC,9.8,3.5,50,9.9,3.2,48\n"
)


def _script(*args: str) -> subprocess.CompletedProcess[str]:
    code = (
        "import sys; from sysreview.entry import main; "
        "sys.argv = ['sysreview', *sys.argv[1:]]; main()"
    )
    return subprocess.run(
        [sys.executable, "-c", code, *args], capture_output=True, text=True, check=False
    )


def test_pool_gives_what_the_typer_command_gives(tmp_path: Path) -> None:
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    for options in (["--format", "json"], ["--measure", "SMD"], ["--measure", "XX"]):
        fast = _script("pool", str(data), *options)
        slow = CliRunner().invoke(app, ["pool", str(data), *options])
        assert fast.returncode == slow.exit_code, options
        assert fast.stdout == slow.stdout, options
        assert fast.stderr == slow.stderr, options


def test_other_commands_and_help_go_to_typer() -> None:
    done = _script("pool", "--help")
    assert done.returncode == 0 and "Pool the studies of DATA" in done.stdout
    done = _script("search", "--help")
    assert done.returncode == 0 and "render" in done.stdout


def test_pool_runs_without_importing_typer_unless_it_reports_an_error(tmp_path: Path) -> None:
    """Typer costs ~0.05 s of startup; the fast path imports it only to report an error."""
    data = tmp_path / "d.csv"
    data.write_text(DATA, encoding="utf-8")
    probe = (
        "import sys; from sysreview.commands.pool_fast import fast_main; "
        "status = fast_main(sys.argv[1:]); "
        "print(status, 'typer' in sys.modules, file=sys.stderr)"
    )

    def run(*args: str) -> str:
        done = subprocess.run(
            [sys.executable, "-c", probe, *args], capture_output=True, text=True, check=True
        )
        return done.stderr.splitlines()[-1]

    assert run(str(data), "--format", "json") == "0 False"
    assert run(str(data), "--measure", "OR") == "2 True"  # an error, reported as Typer would
