"""The certainty of the evidence in the report: the methods paragraph, the Summary of
findings table (HTML with its grouped header and footnotes; DOCX with merged header cells
and superscript letters, read back with python-docx), the evidence profile, the labels of
unconfirmed suggestions, and the protocol's wording of the results."""

from __future__ import annotations

import io
import re
from dataclasses import replace
from pathlib import Path

import pytest
from docx import Document as read_docx

from sysreview.appraisal.rob1 import DomainJudgement, Rob1Assessment
from sysreview.grade import DOMAINS, LABELS, SYMBOLS, GradeDomain, Rating, ReviewerRating
from sysreview.project.reporting.report import ReviewInputs, report_inputs
from sysreview.protocol import Protocol, parse_protocol, template_text
from sysreview.protocol.appraisal import ROB1_DOMAINS
from sysreview.report import ReportInputError, ReportInputs, build_document, write_report
from sysreview.report.docx import render_docx
from sysreview.report.html import render_html
from sysreview.synthesis import Synthesis, run_plan
from tests.unit.report.conftest import review_data

POST = "post_intervention"


def _protocol(wording: str = '["p_value"]') -> Protocol:
    text = template_text("group-peer-support")
    return parse_protocol(text.replace('wording = ["p_value"]', f"wording = {wording}"))


def _inputs(protocol: Protocol, ratings: tuple[ReviewerRating, ...] = ()) -> ReviewInputs:
    data = review_data()
    rob = tuple(
        Rob1Assessment(s.study_id, tuple(DomainJudgement(d, j) for d in ROB1_DOMAINS))
        for s, j in zip(data.studies, ["low", "unclear", "high", "low", "low"], strict=True)
    )
    return ReviewInputs(protocol, data, None, rob, "test", ratings)


@pytest.fixture(scope="module")
def synthesis() -> Synthesis:
    return run_plan(review_data(), _protocol())


@pytest.fixture(scope="module")
def suggested(synthesis: Synthesis) -> ReportInputs:
    return report_inputs(synthesis, _inputs(_protocol()))


def _section(html: str, anchor: str) -> str:
    start = html.index(f'<section id="{anchor}"')
    return html[start : html.index("</section>", start)]


def test_the_sof_table_in_html(suggested: ReportInputs) -> None:
    assert suggested.certainty is not None
    hope = suggested.certainty.row("hope", POST)
    html = render_html(build_document(suggested))
    part = _section(html, "certainty-results")
    assert '<th scope="colgroup" colspan="2">Anticipated absolute effects* (95% CI)</th>' in part
    assert '<th scope="col">Risk with group peer support</th>' in part
    rows = re.findall(r"<tr><td>(.*?)</td></tr>", part, re.S)
    cells = [re.split(r"</td><td>", r) for r in rows]
    hope_cells = next(c for c in cells if c[0] == "Hope, post-intervention")
    ev = hope.certainty.evidence
    assert hope_cells[4] == f"{ev.participants:.0f} (5 studies)"
    level = hope.certainty.level
    assert hope_cells[5].startswith(f"{SYMBOLS[level]} {LABELS[level]} (suggested)")
    assert "(suggested)<sup>" in hope_cells[5]
    assert "Not pooled" in next(c for c in cells if c[0].startswith("Connectedness"))[2]
    notes = re.findall(r'<li id="table-\d+-note-(\w+)"><sup>\w+</sup> (.*?)</li>', part)
    assert notes and notes[0][0] == "a"
    assert all("suggested by the protocol&#39;s rule, not yet confirmed" in t for _, t in notes)
    assert "Ratings marked “suggested” come from the protocol&#39;s rules" in part
    methods = _section(html, "certainty-methods")
    assert "No reviewer has recorded a rating yet" in methods
    assert "more than 50% of the analysis weight" in methods
    # PRISMA 2020 items 15 and 22 now point at these sections
    assert re.search(r"Certainty assessment.*?#certainty-methods", html, re.S)
    assert re.search(r"Certainty of evidence.*?#certainty-results", html, re.S)


def test_the_sof_table_in_docx(suggested: ReportInputs) -> None:
    doc = read_docx(io.BytesIO(render_docx(build_document(suggested))))
    table = next(t for t in doc.tables if t.rows[0].cells[0].text == "Outcomes")
    top = [c.text for c in table.rows[0].cells]
    second = [c.text for c in table.rows[1].cells]
    assert top[1] == top[2] == "Anticipated absolute effects* (95% CI)"  # merged
    assert second[1:3] == ["Risk with control", "Risk with group peer support"]
    assert top[0] == second[0] == "Outcomes"  # merged down
    body = table.rows[2:]
    assert len(body) == len(suggested.certainty.rows)  # type: ignore[union-attr]
    certainty_cell = body[1].cells[5].paragraphs[0]
    supers = [r.text for r in certainty_cell.runs if r.font.superscript]
    assert supers and re.fullmatch(r" [a-z](, [a-z])*", supers[0])
    text = "\n".join(p.text for p in doc.paragraphs)
    assert "Risk of bias: rated down" in text or "Imprecision: rated down" in text


def test_reviewers_ratings_replace_suggestions_in_the_report(synthesis: Synthesis) -> None:
    given = tuple(
        ReviewerRating("hope", POST, d, Rating.SERIOUS if d is GradeDomain.INDIRECTNESS
                       else Rating.NO, f"R1 judged {d.value}", "R1")
        for d in DOMAINS
    )  # fmt: skip
    inputs = report_inputs(synthesis, _inputs(_protocol(), given))
    html = render_html(build_document(inputs))
    part = _section(html, "certainty-results")
    hope = re.search(r"<tr><td>Hope, post-intervention</td>.*?</tr>", part, re.S)
    assert hope is not None and "(suggested)" not in hope.group(0)
    assert "⊕⊕⊕⊝ Moderate" in hope.group(0)
    assert "Indirectness: rated down one level (serious; by R1): R1 judged indirectness." in part
    assert "Reviewers confirmed or changed 5 of the 10 domain ratings" in html


def test_grade_wording_replaces_the_p_value_bands(synthesis: Synthesis) -> None:
    inputs = report_inputs(synthesis, _inputs(_protocol('["grade"]')))
    html = render_html(build_document(inputs))
    main = _section(html, "main-results")
    assert "evidence for a" not in main  # no p-value band words
    assert re.search(r"Five trials \(n = \d+\) reported hope at post-intervention: group peer "
                     r"support (may|probably) (improve|improves|result)", main)  # fmt: skip
    assert "certainty evidence; suggested rating, not yet confirmed by the reviewers" in main
    both = report_inputs(synthesis, _inputs(_protocol('["p_value", "grade"]')))
    text = _section(render_html(build_document(both)), "main-results")
    assert "evidence for a" in text and "-certainty evidence" in text


def test_the_seed_wording_is_unchanged(suggested: ReportInputs) -> None:
    main = _section(render_html(build_document(suggested)), "main-results")
    assert "-certainty evidence" not in main and "evidence for a" in main


def test_certainty_rows_must_match_results(suggested: ReportInputs) -> None:
    assert suggested.certainty is not None
    bad = replace(suggested.certainty, rows=(suggested.certainty.rows[0],))
    results = tuple(r for r in suggested.results if r.analysis != bad.rows[0].analysis)
    with pytest.raises(ReportInputError, match=r"certainty of .*: no results record"):
        replace(suggested, results=results, narrative={}, certainty=bad)


def test_written_report_holds_the_tables(suggested: ReportInputs, tmp_path: Path) -> None:
    files = write_report(suggested, tmp_path)
    html = files.html.read_text(encoding="utf-8")
    assert 'class="table-wrap sof"' in html
    doc = read_docx(str(files.docx))
    assert any(t.rows[0].cells[0].text == "Outcome" and "Risk of bias" in
               [c.text for c in t.rows[0].cells] for t in doc.tables)  # fmt: skip


def test_footnotes_cite_studies_with_their_reference_numbers() -> None:
    """A GRADE footnote names each study as the rest of the report does: "Lee 2018 [n]"."""
    from sysreview.report.studies import reference_lists

    protocol = _protocol()
    base = review_data()
    data = replace(base, studies=tuple(replace(s, reference=f"{s.study_id}. A trial. J X.")
                                       for s in base.studies))  # fmt: skip
    rob = tuple(
        Rob1Assessment(s.study_id, tuple(DomainJudgement(d, j) for d in ROB1_DOMAINS))
        for s, j in zip(data.studies, ["high", "high", "high", "low", "low"], strict=True)
    )
    inputs = report_inputs(run_plan(data, protocol),
                           ReviewInputs(protocol, data, None, rob, "test", ()))  # fmt: skip
    refs = reference_lists(inputs)
    numbers = {s.study_id: refs.cite(s.study_id) for s in data.studies}
    assert numbers["Lee 2018"] == "[3]" and numbers["Smith 2019"] == "[1]"
    named = "Smith 2019 [1]; Jones 2020 [2]; Lee 2018 [3]"
    part = _section(render_html(build_document(inputs)), "certainty-results")
    notes = re.findall(r'<li id="table-\d+-note-\w+"><sup>\w+</sup> (.*?)</li>', part)
    rob_notes = [t for t in notes if t.startswith("Risk of bias: rated down")]
    assert any(f"({named})" in t for t in rob_notes)  # hope: three studies at high risk
    assert any("(Smith 2019 [1]; Jones 2020 [2])" in t for t in rob_notes)  # connectedness
    assert not any(re.search(r"(Smith 2019|Jones 2020|Lee 2018)(?! \[)", t) for t in notes)
    doc = read_docx(io.BytesIO(render_docx(build_document(inputs))))
    text = "\n".join(p.text for p in doc.paragraphs)
    assert re.search(rf"Risk of bias: rated down .*\({re.escape(named)}\)", text)
