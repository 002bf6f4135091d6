"""The curated public API: every name in ``__all__`` exists; the core stays UI-free."""

from __future__ import annotations

import importlib
import subprocess
import sys

import pytest

PACKAGES = [
    "sysreview",
    "sysreview.appraisal",
    "sysreview.datasets",
    "sysreview.dedup",
    "sysreview.effects",
    "sysreview.extraction",
    "sysreview.fulltext",
    "sysreview.grade",
    "sysreview.meta",
    "sysreview.plots",
    "sysreview.prisma",
    "sysreview.project.reporting.prisma_data",
    "sysreview.project.opening",
    "sysreview.project.storage",
    "sysreview.protocol",
    "sysreview.records",
    "sysreview.report",
    "sysreview.revman",
    "sysreview.screening",
    "sysreview.stats",
    "sysreview.synthesis",
]


@pytest.mark.parametrize("name", PACKAGES)
def test_all_names_resolve(name: str) -> None:
    module = importlib.import_module(name)
    assert module.__all__, f"{name} has an empty __all__"
    for attr in module.__all__:
        assert hasattr(module, attr), f"{name}.{attr} is in __all__ but missing"


def test_core_imports_neither_cli_nor_heavy_modules() -> None:
    """The statistics core knows nothing of the CLI, and the pool path stays lean: of
    SciPy only ``scipy.special`` (the distributions), no pandas until a frame is asked for."""
    code = (
        "import sys, sysreview.effects, sysreview.meta, sysreview.analysis_table;"
        "print(sorted(m for m in ('typer', 'rich', 'pandas', 'scipy.stats', 'scipy.optimize',"
        " 'sklearn', 'matplotlib') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_top_level_names_load_on_first_use() -> None:
    """``import sysreview`` stays lean; ``sysreview.escalc`` etc. import their module then."""
    code = (
        "import sys, sysreview;"
        "lean = sorted(m for m in ('pandas', 'matplotlib', 'scipy', 'sysreview.meta')"
        " if m in sys.modules);"
        "sysreview.forest_plot, sysreview.escalc, sysreview.datasets.bcg;"
        "print(lean, 'matplotlib' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[] True"
    import sysreview

    with pytest.raises(AttributeError, match="has no attribute 'nothing'"):
        _ = sysreview.nothing  # type: ignore[attr-defined]
    assert set(sysreview.__all__) <= set(dir(sysreview))
