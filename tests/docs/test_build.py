"""The documentation site builds with ``mkdocs build --strict``, as ``make docs`` does.

Strict mode turns every warning into a failure: a link to a page or anchor that does not
exist, a ``:::`` reference mkdocstrings cannot resolve, a docstring it cannot parse, a
worked-example notebook whose cell raises (the notebooks assert their numbers against
metafor's pinned results). The command-line reference is generated from the Typer app at
build time; here we check that it documents every command and sub-command the app has.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import typer.main

from sysreview.cli import app

ROOT = Path(__file__).resolve().parents[2]


def _command_paths(command: Any, prefix: str) -> list[str]:
    """Every command of the app as typed: 'sysreview screen decide', ...

    Asked through click's ``list_commands``/``get_command``, as ``--help`` asks, so a
    group that loads its commands lazily is walked too.
    """
    paths = [prefix]
    if hasattr(command, "list_commands"):  # a group (Typer vendors its own click)
        ctx = command.context_class(command, info_name=prefix.rsplit(" ", 1)[-1])
        for name in command.list_commands(ctx):
            sub = command.get_command(ctx, name)
            if sub is not None and not sub.hidden:
                paths.extend(_command_paths(sub, f"{prefix} {name}"))
    return paths


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("site")
    mkdocs = Path(sys.executable).with_name("mkdocs")
    proc = subprocess.run(
        [str(mkdocs), "build", "--strict", "--site-dir", str(out)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={"NO_MKDOCS_2_WARNING": "1", "PATH": str(mkdocs.parent), "HOME": str(out)},
        check=False,
    )
    assert proc.returncode == 0, f"mkdocs build --strict failed:\n{proc.stderr[-6000:]}"
    return out


def test_site_builds_strict(site: Path) -> None:
    for page in ("index.html", "getting-started/index.html", "metafor/index.html"):
        assert (site / page).is_file(), page
    # the example notebooks were executed: their pages hold the cells' outputs (the R
    # calls behind the pinned values are printed only when the cells run)
    notebooks = sorted((ROOT / "docs" / "examples").glob("*.ipynb"))
    assert notebooks
    for notebook in notebooks:
        html = (site / "examples" / notebook.stem / "index.html").read_text(encoding="utf-8")
        assert "control=list(" in html, f"{notebook.name} was not executed"


def test_cli_reference_covers_every_command(site: Path) -> None:
    html = (site / "reference" / "cli" / "index.html").read_text(encoding="utf-8")
    text = re.sub(r"<[^>]+>", "", html)
    commands = _command_paths(typer.main.get_command(app), "sysreview")
    assert len(commands) > 40  # the app's groups are walked, not just the top level
    # Typer's generator writes each command's usage as "Usage:" then "$ sysreview screen
    # decide [OPTIONS] ..." (every command has options, --help at least)
    missing = [c for c in commands if f"$ {c} [OPTIONS]" not in text]
    assert not missing, f"commands missing from the CLI reference: {missing}"


def test_api_reference_renders_docstrings(site: Path) -> None:
    html = (site / "reference" / "api" / "index.html").read_text(encoding="utf-8")
    # escalc's numpydoc parameters table and meta_analysis's signature made it to the page
    assert 'id="sysreview.effects.escalc.escalc"' in html  # shown as sysreview.escalc
    assert 'id="sysreview.meta_analysis"' in html
    assert "tau2_method" in html
