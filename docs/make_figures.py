"""Regenerate the README's pictures from the demo review.

The pictures are ``docs/forest-plot.png`` and ``docs/prisma.png``.

Run from the repository root: ``.venv/bin/python docs/make_figures.py``. The figures are
drawn exactly as in the demo's report (``sysreview run examples/group-peer-support``):
the demo's data files are loaded into a throw-away database as ``sysreview run`` loads
them, and the forest plot of quality of life by intervention structure (a subgroup
analysis) and the PRISMA 2020 flow diagram are drawn from what it holds, written as PNG
at a resolution that keeps each file under 200 KB.
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from matplotlib.figure import Figure

from sysreview.plots import forest_plot, prisma_flow
from sysreview.project.analysing.running import load_planned_data, read_data_files
from sysreview.project.reporting.report import arm_rows, store_inputs
from sysreview.project.storage import sqlite_url
from sysreview.synthesis import run_plan

ROOT = Path(__file__).resolve().parents[1]
DEMO = ROOT / "examples" / "group-peer-support"
FOREST = "quality_of_life.post_intervention.subgroup.structure"
DPI = 110
LIMIT = 200_000


def _write(fig: Figure, path: Path) -> None:
    fig.savefig(path, format="png", dpi=DPI, bbox_inches="tight", metadata={"Software": None})
    size = path.stat().st_size
    if size >= LIMIT:
        raise SystemExit(f"{path} is {size} bytes; keep README pictures under {LIMIT}")
    print(f"wrote {path.relative_to(ROOT)} ({size // 1024} KB)")


def main() -> None:
    """Draw and write both pictures."""
    with tempfile.TemporaryDirectory() as scratch:
        db = sqlite_url(Path(scratch) / "review.db")
        for item in read_data_files(DEMO):
            load_planned_data(DEMO, item, db)
        inputs = store_inputs(DEMO, db)
    result = run_plan(inputs.data, inputs.protocol)[FOREST]
    assert result.meta is not None and inputs.prisma is not None
    forest = forest_plot(result.meta, arm_rows(result), labels=result.favours, title=result.label)
    _write(forest, ROOT / "docs" / "forest-plot.png")
    _write(prisma_flow(inputs.prisma), ROOT / "docs" / "prisma.png")


if __name__ == "__main__":
    main()
