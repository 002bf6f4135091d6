"""``sysreview.project.reporting.report`` and ``.running``: figures from the synthesis, report
inputs,
and the ``imports.toml`` file of ``sysreview run``.

The data are the report tests' five hand-made trials (:mod:`tests.unit.report.conftest`)
under the seed protocol with ``funnel_min_studies`` lowered to 5, so that the main hope
analysis (k = 5) is allowed a funnel plot and nothing else is.
"""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

import pytest

from sysreview.appraisal.rob1 import DomainJudgement, Rob1Assessment
from sysreview.errors import InputError
from sysreview.plots import forest_table
from sysreview.project.analysing.running import read_imports
from sysreview.project.reporting.report import (
    ReviewInputs,
    arm_rows,
    count_figures,
    draw_figures,
    funnel_allowed,
    report_inputs,
)
from sysreview.protocol import Protocol, parse_protocol, template_text
from sysreview.protocol.appraisal import ROB1_DOMAINS
from sysreview.report import ReportFigure, write_report
from sysreview.synthesis import Synthesis, run_plan
from tests.unit.report.conftest import prisma_counts, review_data


@pytest.fixture(scope="module")
def protocol() -> Protocol:
    text = template_text("group-peer-support")
    assert text.count("funnel_min_studies = 10") == 1
    return parse_protocol(text.replace("funnel_min_studies = 10", "funnel_min_studies = 5"))


@pytest.fixture(scope="module")
def inputs(protocol: Protocol) -> ReviewInputs:
    data = review_data()
    rob = tuple(
        Rob1Assessment(s.study_id, tuple(DomainJudgement(d, j) for d in ROB1_DOMAINS))
        for s, j in zip(data.studies, ["low", "unclear", "high", "low", "low"], strict=True)
    )
    return ReviewInputs(protocol, data, prisma_counts(), rob, "test")


@pytest.fixture(scope="module")
def synthesis(inputs: ReviewInputs) -> Synthesis:
    return run_plan(inputs.data, inputs.protocol)


@pytest.fixture(scope="module")
def figures(
    inputs: ReviewInputs, synthesis: Synthesis, tmp_path_factory: pytest.TempPathFactory
) -> dict[str, ReportFigure]:
    seen: list[str] = []
    drawn = draw_figures(synthesis, inputs.protocol, tmp_path_factory.mktemp("figures"),
                         prisma=inputs.prisma, rob=inputs.rob, progress=seen.append)  # fmt: skip
    assert seen == list(drawn)
    return drawn


@pytest.fixture(scope="module")
def written(
    inputs: ReviewInputs,
    synthesis: Synthesis,
    figures: dict[str, ReportFigure],
    tmp_path_factory: pytest.TempPathFactory,
) -> Path:
    out = tmp_path_factory.mktemp("report")
    files = write_report(report_inputs(synthesis, inputs, figures), out)
    assert files.html == out / "report.html" and files.docx.is_file()
    assert len(files.figures) == 3 * len(figures)  # SVG, PNG and PDF each
    return out


def test_a_figure_for_every_pooled_analysis_and_a_funnel_only_where_allowed(
    inputs: ReviewInputs, synthesis: Synthesis, figures: dict[str, ReportFigure]
) -> None:
    pooled = [r for r in synthesis.results if r.pooled]
    assert {r.kind for r in pooled} == {"main", "sensitivity", "subgroup"}
    funnels = {f"funnel:{r.analysis}" for r in pooled if r.kind == "main" and r.k >= 5}
    assert funnels == {"funnel:hope.post_intervention.main"}
    expected = {"prisma", "rob_traffic_light", "rob_summary", *funnels}
    assert set(figures) == expected | {f"forest:{r.analysis}" for r in pooled}
    for fid, fig in figures.items():
        assert sorted(f.suffix for f in fig.files) == [".pdf", ".png", ".svg"], fid
        assert all(f.is_file() and f.stat().st_size > 1000 for f in fig.files), fid
    assert [funnel_allowed(r, inputs.protocol) for r in pooled].count(True) == 1
    assert count_figures(synthesis, inputs) == len(figures)


def test_without_prisma_or_rob_only_the_analysis_figures_are_drawn(
    inputs: ReviewInputs, synthesis: Synthesis
) -> None:
    bare = replace(inputs, prisma=None, rob=None)
    assert count_figures(synthesis, bare) == count_figures(synthesis, inputs) - 3
    assert report_inputs(synthesis, bare).rob is None


def test_the_forest_plot_reads_the_synthesis_inputs_and_results(synthesis: Synthesis) -> None:
    res = synthesis["hope.post_intervention.subgroup.structure"]
    assert res.meta is not None and res.meta.subgroups
    rows = arm_rows(res)
    assert [r["study"] for r in rows] == list(res.meta.effects.studies)
    for row, c in zip(rows, res.comparisons, strict=True):
        assert (row["mean_e"], row["sd_e"], row["n_e"]) == (c.mean_e, c.sd_e, c.n_e)
        assert (row["mean_c"], row["sd_c"], row["n_c"]) == (c.mean_c, c.sd_c, c.n_c)
    table = forest_table(res.meta, rows)
    total = table[table["row"] == "total"].iloc[0]
    m = res.meta
    assert total["effect"] == f"{m.estimate:.2f} [{m.ci_low:.2f}, {m.ci_high:.2f}]"
    with pytest.raises(InputError, match="was not pooled"):
        arm_rows(next(r for r in synthesis.results if not r.pooled))


def test_the_report_reads_the_synthesis_records(inputs: ReviewInputs, synthesis: Synthesis) -> None:
    report = report_inputs(synthesis, inputs)
    assert [r.analysis for r in report.results] == synthesis.ids()
    narrative = {r.analysis for r in synthesis.results if r.kind == "narrative"}
    assert set(report.narrative) == narrative and narrative
    for rec, res in zip(report.results, synthesis.results, strict=True):
        assert rec.k == res.k and rec.pooled == res.pooled
        if res.meta is not None:
            assert rec.estimate == res.meta.estimate and rec.ci_low == res.meta.ci_low
    assert report.rob is not None
    assert report.rob.counts() == {"low": 3, "unclear": 1, "high": 1}


def test_the_written_report_embeds_every_figure(written: Path, synthesis: Synthesis) -> None:
    html = (written / "report.html").read_text(encoding="utf-8")
    for res in synthesis.results:
        if res.pooled:
            assert f"Forest plot: {res.label}" in html
            assert (written / "figures" / f"forest-{res.analysis}.png").is_file()
    assert "Funnel plot: Hope, post-intervention — main analysis" in html
    assert html.count("data:image/svg+xml;base64,") == len(list(written.glob("figures/*.svg")))
    assert (written / "report.docx").stat().st_size > 100_000  # the PNGs are embedded


IMPORTS = """\
[[import]]
file = "a.ris"
source = "MEDLINE"
interface = "Ovid"
date = 2024-03-01
query-file = "q.txt"

[[import]]
file = "b.ris"
source = "Embase"
kind = "register"
date = "2024-03-02"
"""


def test_imports_toml_is_read(tmp_path: Path) -> None:
    assert read_imports(tmp_path) == ()
    (tmp_path / "a.ris").write_text("x")
    (tmp_path / "b.ris").write_text("y")
    (tmp_path / "imports.toml").write_text(IMPORTS)
    a, b = read_imports(tmp_path)
    assert (a.file, a.source, a.kind, a.interface) == (tmp_path / "a.ris", "MEDLINE",
                                                       "database", "Ovid")  # fmt: skip
    assert (str(a.date), a.query_file) == ("2024-03-01", tmp_path / "q.txt")
    assert (b.kind, str(b.date), b.interface) == ("register", "2024-03-02", None)
    assert a.summary() == f"{tmp_path / 'a.ris'} (MEDLINE via Ovid, searched 2024-03-01)"


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[import]]\nfile = "a.ris"\nsource = "X"\nformat = "ris"\n',
         "import 1: unknown key 'format'; must be one of file, source, kind"),
        ('[[import]]\nfile = "a.ris"\n', "import 1: 'source' is required"),
        ('[[import]]\nfile = "a.ris"\nsource = "X"\n[[import]]\nfile = "zz.ris"\nsource = "X"\n',
         "import 2: no such file"),
        ('[[import]]\nfile = "a.ris"\nsource = "X"\nkind = "web"\n',
         "import 1: kind 'web'; must be one of database, register, other"),
        ('[[import]]\nfile = "a.ris"\nsource = "X"\ndate = "1 March"\n',
         "import 1: 'date' must be a date (YYYY-MM-DD), not '1 March'"),
        ('[[import]]\nfile = "a.ris"\nsource = ""\n', "'source' must be non-empty text"),
        ('[[import]]\nfile = "a.ris"\nsource = "X\n', "not valid TOML: "),
        ('[files]\nx = 1\n', "unknown table 'files'; list files as [[import]]"),
        ('import = "a.ris"\n', "'import' must be an array of tables"),
    ],
)  # fmt: skip
def test_imports_toml_mistakes_are_named(tmp_path: Path, text: str, message: str) -> None:
    (tmp_path / "a.ris").write_text("x")
    (tmp_path / "imports.toml").write_text(text)
    with pytest.raises(InputError) as info:
        read_imports(tmp_path)
    assert message in str(info.value) and "imports.toml" in str(info.value)
