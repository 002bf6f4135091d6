"""The package's layers hold: no module imports one of a layer above it.

The contracts are ``[tool.importlinter]`` in ``pyproject.toml`` (command line and web app
above the project's services, above synthesis/report/plots, above the core, with the
statistics core at the bottom; inside the project, storage below every use case).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

import sysreview

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = ROOT / "pyproject.toml"
SRC = Path(sysreview.__file__).resolve().parents[1]


def _lint_imports(config: Path, cwd: Path, path: Path) -> subprocess.CompletedProcess[str]:
    exe = Path(sys.executable).with_name("lint-imports")
    command = str(exe) if exe.exists() else shutil.which("lint-imports")
    if command is None:
        pytest.skip("import-linter is not installed (pip install -e '.[dev]')")
    env = {**os.environ, "PYTHONPATH": str(path), "NO_COLOR": "1"}
    return subprocess.run(
        [command, "--config", str(config), "--no-cache"],
        cwd=cwd, env=env, capture_output=True, text=True, check=False,
    )  # fmt: skip


def test_the_layer_contracts_are_kept() -> None:
    done = _lint_imports(PYPROJECT, ROOT, SRC)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "0 broken" in done.stdout


def test_the_contracts_name_every_top_level_module() -> None:
    """A new top-level package must be placed in a layer, or nothing checks it."""
    config = tomllib.loads(PYPROJECT.read_text(encoding="utf-8"))["tool"]["importlinter"]
    layered = {
        name.strip()
        for contract in config["contracts"]
        if contract["containers"] == ["sysreview"]
        for layer in contract["layers"]
        for name in layer.replace(":", "|").split("|")
    }
    package = Path(sysreview.__file__).parent
    modules = {p.stem for p in package.glob("*.py") if p.stem != "__init__"}
    modules |= {p.name for p in package.iterdir() if (p / "__init__.py").is_file()}
    assert modules == layered


def test_an_upward_import_breaks_the_contract(tmp_path: Path) -> None:
    """The same contract on a copy of the package with the statistics core importing the
    project layer: lint-imports reports it."""
    copy = tmp_path / "src"
    shutil.copytree(SRC / "sysreview", copy / "sysreview")
    stats = copy / "sysreview" / "stats" / "__init__.py"
    stats.write_text(stats.read_text(encoding="utf-8") + "\nimport sysreview.project.opening\n")
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT.read_text(encoding="utf-8"), encoding="utf-8")
    done = _lint_imports(pyproject, tmp_path, copy)
    assert done.returncode != 0
    assert "sysreview.stats -> sysreview.project.opening" in done.stdout
