"""Study, arm and outcome data: importers and data-quality reports (issue 6).

::

    read_metapsy(path) -> MetapsyData      # typed rows + raw text of every cell
    quality_report(data) -> QualityReport  # mojibake, displaced values, signs, time units
"""

from __future__ import annotations

from sysreview.extraction.metapsy import MetapsyData, MetapsyRow, read_metapsy, read_metapsy_text
from sysreview.extraction.quality import (
    Problem,
    QualityReport,
    compare_g,
    quality_report,
    repair_mojibake,
)

__all__ = [
    "MetapsyData",
    "MetapsyRow",
    "Problem",
    "QualityReport",
    "compare_g",
    "quality_report",
    "read_metapsy",
    "read_metapsy_text",
    "repair_mojibake",
]
