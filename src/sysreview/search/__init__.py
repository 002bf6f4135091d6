"""Search strategies as data: blocks, standard filters, rendering per database, piloting.

::

    parse_strategy(text) / load_strategy(path) -> Strategy
    render(strategy, "MEDLINE", "Ovid") -> RenderedSearch   # numbered lines + notes
    pilot(model_papers, records) -> PilotReport              # found / missed
    PressReview(...)                                         # PRESS 2015 peer review
"""

from __future__ import annotations

from sysreview.search.filters import FILTERS, StandardFilter
from sysreview.search.pilot import ModelPaper, PilotReport, model_paper, pilot
from sysreview.search.press import ELEMENTS, Assessment, ElementReview, PressReview
from sysreview.search.render import TARGETS, RenderedSearch, Target, render, render_all, target
from sysreview.search.strategy import (
    Block,
    SearchField,
    Strategy,
    Term,
    Thesaurus,
    load_strategy,
    parse_combination,
    parse_strategy,
)

__all__ = [
    "ELEMENTS",
    "FILTERS",
    "TARGETS",
    "Assessment",
    "Block",
    "ElementReview",
    "ModelPaper",
    "PilotReport",
    "PressReview",
    "RenderedSearch",
    "SearchField",
    "StandardFilter",
    "Strategy",
    "Target",
    "Term",
    "Thesaurus",
    "load_strategy",
    "model_paper",
    "parse_combination",
    "parse_strategy",
    "pilot",
    "render",
    "render_all",
    "target",
]
