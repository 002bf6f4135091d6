"""Write a synthesis to disk: ``results.json``, ``results.csv`` and ``analysis_data.csv``.

The three files are written to temporary names in the output folder and renamed into
place only when all three are complete, so a failure never leaves a mixture of old
and new results. Numbers are written unrounded (``repr`` of each double), so that
``sysreview pool analysis_data.csv --by analysis --format json`` reproduces
``results.json``. Text cells (study, analysis and subgroup labels) that a spreadsheet
would run as formulas get a protective apostrophe (:mod:`sysreview.cells`), which
``sysreview pool`` removes again when reading.
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from pathlib import Path
from typing import Any

from sysreview.cells import neutralise, safe_frame
from sysreview.synthesis.result import (
    CONTINUOUS_COLUMNS,
    DICHOTOMOUS_COLUMNS,
    SETTINGS_COLUMNS,
    Synthesis,
)

FILES = ("results.json", "results.csv", "analysis_data.csv")
"""The files :func:`write_synthesis` writes, in the output folder."""


def analysis_data_columns(rows: list[dict[str, Any]]) -> list[str]:
    """Columns of ``analysis_data.csv``: keys, the data families present, the settings."""
    continuous = any(r.get("mean_e") is not None for r in rows)
    dichotomous = any(r.get("events_e") is not None for r in rows)
    data = [
        *(CONTINUOUS_COLUMNS if continuous or not dichotomous else ()),
        *(DICHOTOMOUS_COLUMNS if dichotomous else ()),
    ]
    subgroup = ["subgroup"] if any(r.get("subgroup") for r in rows) else []
    keys = ["analysis", "outcome", "timepoint", *subgroup, "study"]
    return [*keys, *dict.fromkeys(data), *SETTINGS_COLUMNS]


def _cell(value: Any) -> Any:
    """Numbers as numbers, text made safe to open in a spreadsheet.

    ``str(float)`` is Python's shortest round-trip form, as ``repr``; text goes through
    :func:`sysreview.cells.neutralise`.
    """
    return "" if value is None else neutralise(value)


def _write_csv(path: Path, columns: list[str], rows: list[dict[str, Any]]) -> None:
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])


def write_synthesis(synthesis: Synthesis, out: str | Path) -> dict[str, Path]:
    """Write the three result files into ``out`` (created if needed); return their paths."""
    folder = Path(out)
    folder.mkdir(parents=True, exist_ok=True)
    records = synthesis.records()
    data = synthesis.analysis_data()
    frame = synthesis.to_frame()
    with tempfile.TemporaryDirectory(dir=folder, prefix=".sysreview-") as tmp:
        staged = {name: Path(tmp) / name for name in FILES}
        text = json.dumps(records, indent=2, ensure_ascii=False, allow_nan=False)
        staged["results.json"].write_text(text + "\n", encoding="utf-8")
        safe_frame(frame).to_csv(staged["results.csv"], index=False)
        _write_csv(staged["analysis_data.csv"], analysis_data_columns(data), data)
        for name, path in staged.items():
            os.replace(path, folder / name)
    return {name: folder / name for name in FILES}


__all__ = ["FILES", "analysis_data_columns", "write_synthesis"]
