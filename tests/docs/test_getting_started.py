"""Getting started's first project, run as the page shows it.

The page's shell blocks (from "## A first project" on) are run in order in a fresh
folder, with the installed ``sysreview`` first on ``PATH``; in its console blocks each
``$ command`` is run and every output line the page shows (except lines abridged with
"…") must be a line of the command's real output. So the page cannot drift from what the
commands print.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

DOCS = Path(__file__).resolve().parents[2] / "docs"


def _steps(text: str) -> list[tuple[str, str, list[str]]]:
    """(kind, command, shown output lines) in page order; kind is 'sh' or 'console'."""
    text = text.split("## A first project", 1)[1]
    steps: list[tuple[str, str, list[str]]] = []
    for kind, body in re.findall(r"```(sh|console)\n(.*?)```", text, flags=re.S):
        if kind == "sh":
            steps.append(("sh", body, []))
            continue
        for chunk in re.split(r"^\$ ", body, flags=re.M)[1:]:
            command, *shown = chunk.rstrip("\n").split("\n")
            steps.append(("console", command, shown))
    return steps


def test_first_project_runs_as_shown(tmp_path: Path) -> None:
    page = (DOCS / "getting-started.md").read_text(encoding="utf-8")
    steps = _steps(page)
    assert sum(kind == "console" for kind, _, _ in steps) >= 10
    bindir = str(Path(sys.executable).parent)
    env = {**os.environ, "PATH": bindir + os.pathsep + os.environ.get("PATH", ""), "NO_COLOR": "1"}
    env.pop("SYSREVIEW_DATABASE_URL", None)
    cwd = tmp_path
    for _kind, command, shown in steps:
        if command.startswith("cd "):
            cwd = cwd / command[3:].strip()
            continue
        done = subprocess.run(
            ["bash", "-e", "-c", command], cwd=cwd, env=env, capture_output=True, text=True
        )
        assert done.returncode == 0, f"{command!r} failed:\n{done.stderr}"
        actual = [line.rstrip() for line in done.stdout.splitlines()]
        for line in shown:
            if "…" in line:
                continue
            assert line.rstrip() in actual, f"{command!r} no longer prints {line!r}:\n{done.stdout}"
