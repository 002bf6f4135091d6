"""Everyday commands import only what they use: names of a package load on first use."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import sysreview.screening
from sysreview.cli import app
from sysreview.lazy import lazy_exports
from sysreview.project.importing.service import import_files
from sysreview.project.opening import init_project

HEAVY = ("sklearn", "scipy", "pandas", "matplotlib", "alembic", "rapidfuzz")


def _imported_after(statement: str, *, top: bool = True) -> set[str]:
    """Packages in ``sys.modules`` after ``statement``, in a fresh interpreter.

    Top-level names only, unless ``top`` is false.
    """
    names = "{m.split('.')[0] for m in sys.modules}" if top else "sys.modules"
    code = f"{statement}\nimport sys\nprint(' '.join({names}))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return set(done.stdout.split())


@pytest.mark.parametrize(
    "statement",
    [
        "import sysreview",
        "import sysreview.cli",
        "import sysreview.project.opening",
        "import sysreview.project.status",
        "import sysreview.project.reporting.service",
        "import sysreview.project.selection.service",
        "import sysreview.screening.status",
        "import sysreview.project.storage",
    ],
)
def test_everyday_paths_leave_the_heavy_libraries_alone(statement: str) -> None:
    """``status``, ``validate``, ``prisma`` and ``screen conflicts`` go through these."""
    assert _imported_after(statement).isdisjoint(HEAVY)


def test_a_name_is_imported_when_first_read() -> None:
    found = _imported_after("from sysreview.screening import rank")
    assert "sklearn" in found


def test_package_names_stay_the_functions_after_their_modules_load() -> None:
    """No exported name shares a submodule's name (the import would shadow it)."""
    import sysreview.screening.interrater
    import sysreview.screening.simulation

    assert callable(sysreview.screening.agreement)
    assert callable(sysreview.screening.simulate)
    both = ["include", "exclude"]
    assert sysreview.screening.agreement(both, both).kappa == 1.0


def test_every_lazy_name_resolves() -> None:
    packages = ("sysreview", "sysreview.screening", "sysreview.dedup", "sysreview.records",
                "sysreview.project.storage")  # fmt: skip
    for package in packages:
        module = __import__(package, fromlist=["__all__"])
        for name in module.__all__:
            assert getattr(module, name) is not None, (package, name)
    assert "rank" in dir(sysreview.screening)


def test_unknown_names_are_attribute_errors() -> None:
    getattr_, _ = lazy_exports("pkg", {}, {})
    with pytest.raises(AttributeError, match="has no attribute 'missing'"):
        getattr_("missing")
    with pytest.raises(AttributeError):
        sysreview.screening.not_a_name  # noqa: B018


def test_validating_a_protocol_needs_no_database_library() -> None:
    """``sysreview validate`` reads review.toml only: SQLAlchemy stays unimported."""
    found = _imported_after(
        "import sysreview.cli\nfrom sysreview.project.opening import validate_protocol"
    )
    assert "sqlalchemy" not in found and "alembic" not in found


def test_the_store_imports_the_tables_a_command_reads() -> None:
    """The store's package loads no table (nor SQLAlchemy); tables load when first named."""
    storage = "sysreview.project.storage"
    found = _imported_after(f"import {storage}", top=False)
    tables = ("base", "records", "studies", "fulltexts", "certainty", "prisma", "identity",
              "accounts", "screening_aids", "queries", "dump")  # fmt: skip
    assert not {f"{storage}.{name}" for name in tables} & found
    assert "sqlalchemy" not in found
    found = _imported_after(f"from {storage} import Study, GradeRating", top=False)
    assert {f"{storage}.studies", f"{storage}.certainty"} <= found


def test_screening_services_leave_the_record_readers_alone() -> None:
    """``screen conflicts`` shows a record's links, not its export format's reader."""
    found = _imported_after("import sysreview.project.selection.service", top=False)
    assert "sysreview.records.links" in found
    assert not {"sysreview.records.reader", "sysreview.records.wos"} & found


def test_commands_that_only_read_an_sqlite_project_leave_sqlalchemy_alone(tmp_path: Path) -> None:
    """``status``, ``prisma`` and ``screen conflicts`` read through :mod:`sqlite3` alone.

    Each is run as the console script runs it, in a fresh interpreter, on a project at
    the newest schema with records and a conflict; what it printed shows it did read.
    """
    project = tmp_path / "p"
    init_project(project, "group-peer-support")
    ris = "".join(f"TY  - JOUR\nTI  - Trial {i} of peer support\nER  -\n" for i in (1, 2, 3))
    (project / "s.ris").write_text(ris, encoding="utf-8")
    import_files(project, [project / "s.ris"], source="MEDLINE")
    for reviewer, decision in (("R1", "include"), ("R2", "exclude")):
        done = CliRunner().invoke(
            app, ["screen", "decide", "1", decision, "--reviewer", reviewer, "-p", str(project)]
        )
        assert done.exit_code == 0, done.stderr
    expected = {"status": "in conflict", "prisma": "Records screened", "screen conflicts": "R2"}
    for command, shown in expected.items():
        code = (
            f"import sys\nsys.argv = ['sysreview', *{command.split()!r}, '-p', {str(project)!r}]\n"
            "from sysreview.entry import main\n"
            "try:\n    main()\nexcept SystemExit as done:\n    assert not done.code, done.code\n"
            "print('MODULES', *sorted({m.split('.')[0] for m in sys.modules}))"
        )
        run = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        assert run.returncode == 0, run.stderr
        printed, modules = run.stdout.split("MODULES")
        assert shown in printed, (command, printed)
        assert "sqlalchemy" not in modules.split(), command
