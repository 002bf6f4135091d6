"""Use case ``sysreview report``: the analysis plan's results drawn and written up.

::

    review_inputs(DIR)            -> ReviewInputs   # what the store holds (review_inputs.py)
    draw_figures(synthesis, ...)  -> {figure id: ReportFigure}   # SVG + PNG in a folder
    report_inputs(synthesis, ...) -> ReportInputs
    write_review_report(synthesis, inputs, out) -> ReportFiles   # report.html/.docx, figures/
    reanalyse_project(DIR)        -> Reanalysed     # after an update: what changed

Figures never recompute a statistic: forest and funnel plots take the
:class:`~sysreview.meta.MetaAnalysis` objects of the synthesis and the per-study arm
inputs it used (after timepoint selection, arm combination and alignment); the report
reads the synthesis's own ``results.json`` records. A funnel plot is drawn only for a
main analysis the synthesis ran small-study tests for (``k`` at least the protocol's
``funnel_min_studies``).
"""

from __future__ import annotations

import json
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, cast

from sysreview.appraisal.rob1 import Rob1Assessment
from sysreview.errors import InputError
from sysreview.prisma.result import PrismaCounts
from sysreview.project.analysing.inputs import (
    NO_DATA,
    Assessment,
    ReviewInputs,
    loaded_data_files,
    review_inputs,
    store_inputs,
    with_overall_rob,
)
from sysreview.project.opening import PathLike
from sysreview.protocol import Protocol
from sysreview.synthesis import AnalysisResult, Synthesis

if TYPE_CHECKING:
    from matplotlib.figure import Figure

    from sysreview.meta.result import MetaAnalysis
    from sysreview.meta.trimfill import TrimAndFill
    from sysreview.plots.rob import Assessments as RobRows
    from sysreview.project.importing.updates import ResultChange
    from sysreview.report import ReportFigure, ReportFiles, ReportInputs, RobSummary
    from sysreview.report.figures import FigureContext

Progress = Callable[[str], None]
"""Called with the id of each figure once it is drawn."""

FIGURE_FORMATS = (".svg", ".png", ".pdf")
"""Each figure is written as SVG (for the HTML report), PNG (for the DOCX) and PDF (for
journals and print)."""


def arm_rows(result: AnalysisResult) -> list[dict[str, Any]]:
    """The per-study arm inputs of a pooled analysis, in the analysis's study order.

    Continuous: ``mean_e, sd_e, n_e, mean_c, sd_c, n_c``; dichotomous: ``events_e, n_e,
    events_c, n_c``; each row also names its ``study``. Values are the aligned inputs the
    synthesis pooled (read, not recomputed).
    """
    if result.meta is None:
        raise InputError(f"analysis {result.analysis!r} was not pooled: no forest plot")
    dichotomous = result.meta.measure.is_dichotomous
    keys = ("events_e", "n_e", "events_c", "n_c") if dichotomous else (
        "mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c")  # fmt: skip
    return [{"study": c.study_id, **{k: getattr(c, k) for k in keys}} for c in result.comparisons]


def funnel_allowed(result: AnalysisResult, protocol: Protocol) -> bool:
    """Whether the plan allows a funnel plot.

    A pooled main analysis of at least ``funnel_min_studies`` studies (the synthesis then
    ran Egger's and Begg's tests).
    """
    need = protocol.analysis.funnel_min_studies
    return result.kind == "main" and result.meta is not None and result.meta.k >= need


def _rob_summary(rob: Sequence[Assessment]) -> RobSummary:
    from sysreview.report import RobSummary, StudyRob

    studies = []
    for a in rob:
        if isinstance(a, Rob1Assessment):
            judgements = {j.domain: j.judgement for j in a.judgements}
        else:
            judgements = dict(a.domain_judgements)
        studies.append(StudyRob(a.study, judgements, a.overall))
    return RobSummary(tuple(studies))


def _figures_to_draw(
    synthesis: Synthesis,
    protocol: Protocol,
    prisma: PrismaCounts | None,
    rob: Sequence[Assessment] | None,
    context: FigureContext | None = None,
) -> list[tuple[str, str, Callable[[], Figure]]]:
    """``(figure id, caption, draw)`` for every figure of the report, in report order.

    ``context`` adds citations, footnotes and risk of bias (:mod:`sysreview.report.figures`).
    """
    from sysreview import plots

    cited = {} if context is None else dict(context.labels)
    todo: list[tuple[str, str, Callable[[], Figure]]] = []
    if prisma is not None:
        caption = "PRISMA 2020 flow diagram"
        if prisma.other_sources:
            caption += " (including counts from another source: see Study selection)"
        arm = None if context is None else context.other_methods
        todo.append(("prisma", caption, lambda: plots.prisma_flow(prisma, other=arm)))
    if rob:
        rows = cast("RobRows", list(rob))
        tool = protocol.risk_of_bias.tool.value if protocol.risk_of_bias else "risk of bias"
        light = f"Risk of bias ({tool}): judgements per study and domain"
        bars = f"Risk of bias ({tool}): proportion of studies at each judgement per domain"
        todo.append(("rob_traffic_light", light, lambda: plots.traffic_light(rows, labels=cited)))
        todo.append(("rob_summary", bars, lambda: plots.summary_bar(rows)))
    need = protocol.analysis.funnel_min_studies
    for res in synthesis.results:
        if res.regression is not None and any(
            t.kind == "numeric" for t in res.regression.design.terms
        ):
            todo.append((f"bubble:{res.analysis}", f"Bubble plot: {res.label}", _bubble(res)))
        if res.meta is None:
            continue
        todo.append((f"forest:{res.analysis}", f"Forest plot: {res.label}", _forest(res, context)))
        if funnel_allowed(res, protocol):
            todo.append((f"funnel:{res.analysis}", f"Funnel plot: {res.label}",
                         _funnel(res.meta, need, res.trim_fill)))  # fmt: skip
    return todo


def _funnel(meta: MetaAnalysis, need: int, trimfill: TrimAndFill | None) -> Callable[[], Figure]:
    from sysreview import plots

    return lambda: plots.funnel_plot(meta, min_studies=need, level=meta.level, trimfill=trimfill)


def _bubble(res: AnalysisResult) -> Callable[[], Figure]:
    from sysreview import plots

    assert res.regression is not None
    regression = res.regression
    return lambda: plots.bubble_plot(regression, title=res.label)


def _forest(res: AnalysisResult, context: FigureContext | None) -> Callable[[], Figure]:
    from sysreview import plots

    assert res.meta is not None
    meta = res.meta
    extra: dict[str, Any] = {"labels": res.favours}
    if context is not None:
        extra = context.forest(res.analysis, res.favours)
    return lambda: plots.forest_plot(meta, arm_rows(res), title=res.label, **extra)


def draw_figures(
    synthesis: Synthesis,
    protocol: Protocol,
    folder: PathLike,
    *,
    prisma: PrismaCounts | None = None,
    rob: Sequence[Assessment] | None = None,
    progress: Progress | None = None,
    context: FigureContext | None = None,
) -> dict[str, ReportFigure]:
    """Draw every figure of the report into ``folder`` as SVG and PNG.

    The PRISMA 2020 flow diagram (when ``prisma`` is given), the risk-of-bias traffic
    light and summary (when ``rob`` is given), a forest plot for every pooled main,
    sensitivity and subgroup analysis (per-arm columns, the analysis's "favours" labels)
    and a funnel plot for each main analysis allowed one (:func:`funnel_allowed`).

    Returns
    -------
    dict
        ``figure id -> ReportFigure`` (ids as :class:`~sysreview.report.ReportInputs`
        expects them).
    """
    from sysreview.plots import save
    from sysreview.report import ReportFigure
    from sysreview.report.build import figure_file_name

    out = Path(folder)
    out.mkdir(parents=True, exist_ok=True)
    figures: dict[str, ReportFigure] = {}
    for fid, caption, draw in _figures_to_draw(synthesis, protocol, prisma, rob, context):
        fig = draw()
        files = tuple(
            save(fig, out / figure_file_name(fid, Path("x" + ext))) for ext in FIGURE_FORMATS
        )
        figures[fid] = ReportFigure(caption, files)
        if progress is not None:
            progress(fid)
    return figures


def report_inputs(
    synthesis: Synthesis,
    inputs: ReviewInputs,
    figures: dict[str, ReportFigure] | None = None,
) -> ReportInputs:
    """The report's inputs.

    The synthesis's ``results.json`` records (as written), its narrative rows, the data,
    PRISMA counts, RoB judgements, the figures, and the certainty of the evidence
    (:func:`sysreview.grade.summary_of_findings` of the same synthesis, the RoB judgements
    and the reviewers' ratings).
    """
    from sysreview.grade import rob_entries, summary_of_findings
    from sysreview.project.reporting.notes import with_analysis
    from sysreview.report import ReportInputs, narrative_from_json, records_from_json

    items = json.loads(json.dumps(synthesis.records(), allow_nan=False))
    certainty = summary_of_findings(synthesis, inputs.protocol, rob_entries(inputs.rob or ()),
                                    inputs.grade_ratings)  # fmt: skip
    return ReportInputs(
        inputs.protocol,
        inputs.data,
        records_from_json(items),
        inputs.prisma,
        narrative_from_json(items, inputs.protocol.analysis.level),
        None if not inputs.rob else _rob_summary(inputs.rob),
        figures or {},
        certainty=certainty,
        data_files=inputs.data_files,
        conduct=with_analysis(inputs.record, synthesis, inputs.data, inputs.protocol),
    )


def write_review_report(
    synthesis: Synthesis,
    inputs: ReviewInputs,
    out: PathLike,
    *,
    progress: Progress | None = None,
) -> ReportFiles:
    """Draw the figures and write the report into ``out``.

    The figures are drawn in a temporary folder; ``report.html``, ``report.docx`` and
    ``figures/`` are written (see :func:`sysreview.report.write_report`).
    """
    from dataclasses import replace

    from sysreview.report import write_report
    from sysreview.report.figures import FigureContext

    report = report_inputs(synthesis, inputs)
    with tempfile.TemporaryDirectory(prefix="sysreview-figures-") as staging:
        figures = draw_figures(synthesis, inputs.protocol, staging, prisma=inputs.prisma,
                               rob=inputs.rob, progress=progress,
                               context=FigureContext.of(report))  # fmt: skip
        return write_report(replace(report, figures=figures), out)


def count_figures(synthesis: Synthesis, inputs: ReviewInputs) -> int:
    """How many figures :func:`draw_figures` will draw (for a progress bar)."""
    return len(_figures_to_draw(synthesis, inputs.protocol, inputs.prisma, inputs.rob))


def analyse_inputs(inputs: ReviewInputs, out: PathLike) -> tuple[Synthesis, dict[str, Path]]:
    """Run the analysis plan on ``inputs`` and write the results into ``out``.

    The files are ``results.json``, ``results.csv`` and ``analysis_data.csv``.
    """
    from sysreview.synthesis import run_plan
    from sysreview.synthesis.export import write_synthesis

    synthesis = run_plan(inputs.data, inputs.protocol)
    return synthesis, write_synthesis(synthesis, Path(out))


@dataclass(frozen=True)
class Reanalysed:
    """A re-run of the analysis plan after an update: what changed in each result."""

    synthesis: Synthesis
    files: dict[str, Path]
    previous: Path | None
    changes: tuple[ResultChange, ...]

    def summary(self) -> str:
        """One line per new, removed or changed analysis, then the unchanged count."""
        if self.previous is None:
            head = f"analyse: no earlier results; wrote {self.files['results.json']}"
            return "\n".join([head, *(c.summary() for c in self.changes)])
        moved = [c.summary() for c in self.changes if c.change != "unchanged"]
        same = len(self.changes) - len(moved)
        return "\n".join([
            f"analyse: compared with {self.previous}: {len(moved)} changed, {same} unchanged",
            *moved,
            f"wrote {self.files['results.json']}",
        ])  # fmt: skip


def reanalyse_project(
    directory: PathLike, db_url: str | None = None, out: PathLike | None = None
) -> Reanalysed:
    """Re-run the analysis plan and compare with the results written before.

    The plan runs on the project's data; the earlier results are ``out/results.json``
    (default ``DIR/out``); the new ones are then written.

    Raises
    ------
    InputError
        No extracted data yet, or the earlier ``results.json`` is unreadable.
    """
    from sysreview.project.importing.updates import results_changes

    target = Path(directory) / "out" if out is None else Path(out)
    old_path = target / "results.json"
    before: list[dict[str, Any]] = []
    previous = None
    if old_path.is_file():
        try:
            before = json.loads(old_path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
            raise InputError(
                f"cannot read the earlier results: {exc}", source=str(old_path)
            ) from None
        if not isinstance(before, list) or not all(isinstance(r, dict) for r in before):
            raise InputError("must be a JSON list of results records", source=str(old_path))
        previous = old_path
    synthesis, files = analyse_inputs(review_inputs(directory, db_url), target)
    after = json.loads(json.dumps(synthesis.records(), allow_nan=False))
    return Reanalysed(synthesis, files, previous, results_changes(before, after))


__all__ = [
    "FIGURE_FORMATS",
    "NO_DATA",
    "Assessment",
    "Reanalysed",
    "ReviewInputs",
    "analyse_inputs",
    "arm_rows",
    "count_figures",
    "draw_figures",
    "funnel_allowed",
    "loaded_data_files",
    "reanalyse_project",
    "report_inputs",
    "review_inputs",
    "store_inputs",
    "with_overall_rob",
    "write_review_report",
]
