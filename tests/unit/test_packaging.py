"""Packaging: the statistics library needs only the core dependencies; the lock pins all."""

from __future__ import annotations

import re
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

ROOT = Path(__file__).resolve().parents[2]
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]

OPTIONAL_MODULES = [
    "typer",
    "rich",
    "sqlalchemy",
    "alembic",
    "rispy",
    "bibtexparser",
    "rapidfuzz",
    "sklearn",
    "openpyxl",
    "jinja2",
    "docx",
    "argon2",
    "ftfy",
    "pypdf",
    "fastapi",
    "uvicorn",
    "starlette",
    "httpx",
    "psycopg",
    "multipart",
    "itsdangerous",
    "citeproc",
    "weasyprint",
]
"""Top-level modules of the optional extras (cli, project, web, postgres, search)."""

BLOCK = f"""
import sys
from importlib.abc import MetaPathFinder

class Missing(MetaPathFinder):
    def find_spec(self, name, path=None, target=None):
        if name.split(".")[0] in {OPTIONAL_MODULES!r}:
            raise ModuleNotFoundError(f"No module named {{name!r}}", name=name)
        return None

sys.meta_path.insert(0, Missing())
"""


def _requirements() -> list[Requirement]:
    found = [Requirement(r) for r in PYPROJECT["dependencies"]]
    for extra, requirements in PYPROJECT["optional-dependencies"].items():
        if extra != "embeddings":  # PyTorch: installed on purpose only, not locked
            found += [Requirement(r) for r in requirements]
    return [r for r in found if canonicalize_name(r.name) != "sysreview"]


def test_the_lock_pins_every_declared_dependency() -> None:
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    pinned = {
        canonicalize_name(name): version
        for name, version in re.findall(r"^([A-Za-z0-9_.\-]+)==(\S+)", lock, re.M)
    }
    for requirement in _requirements():
        name = canonicalize_name(requirement.name)
        assert name in pinned, f"{name} is declared in pyproject.toml but not in the lock"
        assert requirement.specifier.contains(pinned[name], prereleases=True), (
            f"{name}=={pinned[name]} in the lock does not satisfy {requirement}"
        )


def test_the_lock_names_no_local_path() -> None:
    """The lock is used on other machines: no ``file://`` or self reference (``make lock``)."""
    lock = (ROOT / "requirements.lock").read_text(encoding="utf-8")
    assert "file://" not in lock
    assert not re.search(r"^sysreview\b", lock, re.M)


def test_the_extras_are_the_documented_ones() -> None:
    extras = set(PYPROJECT["optional-dependencies"])
    assert {"cli", "project", "web", "postgres", "search", "all", "dev"} <= extras
    everything = " ".join(PYPROJECT["optional-dependencies"]["all"])
    for extra in ("cli", "project", "web", "postgres", "search"):
        assert extra in everything


def test_the_statistics_library_runs_on_the_core_dependencies_alone() -> None:
    """What a notebook does, with every optional dependency made unimportable."""
    code = BLOCK + (
        "import matplotlib\nmatplotlib.use('Agg')\n"
        "import sysreview as sr\n"
        "dat = sr.datasets.bcg()\n"
        "es = sr.escalc('RR', data=dat, ai='tpos', bi='tneg', ci='cpos', di='cneg',"
        " slab='author')\n"
        "res = sr.meta_analysis(es, tau2_method='REML')\n"
        "sr.forest_plot(res)\nsr.funnel_plot(res)\n"
        "import sysreview.revman\n"
        "print(round(float(res.estimate), 4))\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split()[-1] == "-0.7145"  # metafor: rma(yi, vi, data=dat) on BCG


@pytest.mark.parametrize("module", ["typer", "sqlalchemy"])
def test_the_blocker_blocks(module: str) -> None:
    done = subprocess.run([sys.executable, "-c", BLOCK + f"import {module}"], capture_output=True)
    assert done.returncode != 0


def test_every_optional_module_names_its_extra() -> None:
    from sysreview.entry import EXTRAS

    assert set(OPTIONAL_MODULES) <= set(EXTRAS)
    assert set(EXTRAS.values()) <= set(PYPROJECT["optional-dependencies"])


@pytest.mark.parametrize(
    ("args", "module", "extra"),
    [
        (["init", "review"], "sqlalchemy", "project"),
        (["serve", "--help"], "typer", "cli"),
        (["status"], "typer", "cli"),
    ],
)
def test_a_command_without_its_extra_says_what_to_install(
    tmp_path: Path, args: list[str], module: str, extra: str
) -> None:
    """No traceback: one line naming the extra, exit 1."""
    only = BLOCK.replace(f"in {OPTIONAL_MODULES!r}", f"in {[module]!r}")
    code = only + f"sys.argv = ['sysreview', *{args!r}]\nfrom sysreview.entry import main\nmain()"
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=tmp_path
    )
    assert done.returncode == 1, done.stderr
    assert done.stderr.strip() == (
        f"sysreview: this needs {module}, which comes with the {extra!r} extra: "
        f"pip install 'sysreview[{extra}]'"
    )
    assert "Traceback" not in done.stderr
