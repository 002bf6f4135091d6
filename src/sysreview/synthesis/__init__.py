"""The protocol's analysis plan, executed: what is pooled, what is narrative, and why.

::

    run_plan(data, protocol) -> Synthesis      # main / narrative / sensitivity / subgroup
    Synthesis.records()                        # the results.json list
    Synthesis.analysis_data()                  # the exact inputs of every pooled analysis

Pure computation: writing files is :mod:`sysreview.synthesis.export`'s job.
"""

from __future__ import annotations

from sysreview.synthesis.plan import run_plan
from sysreview.synthesis.pooling import choose_measure, effects_of
from sysreview.synthesis.result import KINDS, AnalysisResult, NarrativeRow, Synthesis

__all__ = [
    "KINDS",
    "AnalysisResult",
    "NarrativeRow",
    "Synthesis",
    "choose_measure",
    "effects_of",
    "run_plan",
]
