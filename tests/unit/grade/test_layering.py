"""The GRADE core is pure computation: no database, files, web, report or command line."""

from __future__ import annotations

import subprocess
import sys


def test_the_grade_core_imports_no_adapters() -> None:
    code = (
        "import sys, sysreview.grade;"
        "print(sorted(m for m in ('sysreview.project', 'sysreview.web', 'sysreview.report',"
        " 'sysreview.plots', 'sqlalchemy', 'typer', 'fastapi', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
