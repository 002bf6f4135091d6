"""RoB 1 domains judged per outcome (the protocol's ``outcome_level_domains``), on SQLite and
PostgreSQL: the sheet's ``outcome`` column and its checks, storage, the assessments, the CLI,
and where an outcome's risk of bias is read (GRADE, the sensitivity filter, the figure).

Expected overall ratings follow the seed protocol's rule (low only if every domain is low;
else the worst key domain; else unclear) over the study's judgements with the outcome's own
in place (Handbook 5.1 section 8.7: a summary assessment per outcome).
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.extraction.comparisons import Comparison
from sysreview.extraction.dataset import ReviewData, StudyEntry, outcome_attributes
from sysreview.grade import rob_entries
from sysreview.grade.evidence import study_rob
from sysreview.plots.rob import traffic_light
from sysreview.project.analysing.inputs import with_overall_rob
from sysreview.project.appraising.assessments import (
    load_rob_sheet,
    rob_assessments,
    rob_frame,
    write_rob_template,
)
from sysreview.project.opening import init_project, load_project
from sysreview.project.storage import Store, Study, open_store
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import ROB1_DOMAINS, RiskOfBias
from sysreview.protocol.filters import Condition

STUDIES = ["Trial 01", "Trial 02"]
HEADER = ["study", "domain", "outcome", "judgement", "support", "location"]
ALL_LOW = dict.fromkeys(ROB1_DOMAINS, "low")
LEVEL = 'outcome_level_domains = ["blinding_outcome_assessment", "incomplete_outcome_data"]\n'


def _project(tmp_path: Path, url: str, per_outcome: bool = True) -> Path:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", url)
    path = project / "review.toml"
    text = path.read_text(encoding="utf-8")
    if per_outcome:
        text = text.replace("attrition_imbalance = 0.10\n", "attrition_imbalance = 0.10\n" + LEVEL)
    path.write_text(text, encoding="utf-8")
    with open_store(url) as store, store.session() as session:
        session.add_all(Study(label=label) for label in STUDIES)
    return project


@pytest.fixture
def setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol, Path]]:
    project = _project(tmp_path, store_url)
    store = open_store(store_url)
    yield store, load_project(project, store_url).protocol, tmp_path
    store.close()


def _write(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _study_rows(study: str, judgements: dict[str, str]) -> list[list[str]]:
    return [[study, d, "", j, f"quote {d}", "p. 2"] for d, j in judgements.items()]


def test_template_has_a_row_per_outcome_for_outcome_level_domains(
    setup: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = setup
    outcomes = [d.name for _, d in protocol.outcomes.domains()]
    rows = write_rob_template(store, protocol, tmp / "t.csv", reviewer="R1")
    assert rows == len(STUDIES) * (7 + 2 * len(outcomes))
    with (tmp / "t.csv").open(encoding="utf-8") as handle:
        lines = [r for r in csv.reader(handle) if not r[0].startswith("#")]
    assert lines[0] == [*HEADER, "suggestion"]
    blinding = [
        r for r in lines[1:] if r[0] == "Trial 01" and r[1] == "blinding_outcome_assessment"
    ]
    assert [r[2] for r in blinding] == ["", *outcomes]
    assert not any(r[2] for r in lines[1:] if r[1] == "selective_reporting")


def test_outcome_judgements_are_stored_and_used_for_that_outcome_only(
    setup: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = setup
    rows = [
        *_study_rows("Trial 01", ALL_LOW),
        # hope is self-reported: its assessors knew the allocation; attrition differs too
        ["Trial 01", "blinding_outcome_assessment", "hope", "high", "self-report, open", ""],
        ["Trial 01", "incomplete_outcome_data", "hope", "unclear", "no reasons given", ""],
        ["Trial 01", "blinding_outcome_assessment", "recovery", "low", "blinded rater", ""],
        *_study_rows("Trial 02", {**ALL_LOW, "other_bias": "high"}),
    ]
    loaded = load_rob_sheet(store, protocol, _write(tmp / "r1.csv", rows), reviewer="R1")
    assert loaded.new == 17
    first, second = rob_assessments(store, protocol)
    assert first.by_outcome == {
        "hope": {"blinding_outcome_assessment": "high", "incomplete_outcome_data": "unclear"},
        "recovery": {"blinding_outcome_assessment": "low"},
    }
    # study: all low -> low; hope: a key domain (attrition) unclear -> unclear
    assert (first.overall, dict(first.outcome_overall)) == ("low", {"hope": "unclear",
                                                                    "recovery": "low"})  # fmt: skip
    assert second.by_outcome == {} and second.overall == "unclear"
    frame = rob_frame((first, second))
    assert frame.loc[0, "hope/blinding_outcome_assessment"] == "high"
    assert frame.loc[0, "hope/overall"] == "unclear"
    assessment = first.assessment(protocol)
    assert assessment.for_outcome("hope").judgement("blinding_outcome_assessment") == "high"
    assert assessment.for_outcome("connectedness").overall == "low"  # the study's
    # the same sheet again stores nothing
    assert load_rob_sheet(store, protocol, tmp / "r1.csv", reviewer="R1").stored == 0

    # GRADE: hope's studies read hope's rating; any other outcome the study's
    entries = rob_entries([a.assessment(protocol) for a in (first, second)])
    hope, other = _comparison("hope"), _comparison("connectedness")
    assert study_rob(hope, entries) == ("unclear", None)
    assert study_rob(other, entries) == ("low", None)

    # sensitivity "low overall risk of bias only": Trial 01 stays for connectedness, not hope
    data = with_overall_rob(ReviewData((StudyEntry("Trial 01"),), (), ()),
                            [first.assessment(protocol)])  # fmt: skip
    attrs = data.studies[0].attributes
    low_only = Condition(attribute="overall_rob", operator="==", value="low")
    assert low_only.holds(outcome_attributes(attrs, "connectedness"))
    assert not low_only.holds(outcome_attributes(attrs, "hope"))

    # the traffic light: a column per outcome after the study's, with what applies to it
    fig = traffic_light([a.assessment(protocol) for a in (first, second)])
    cells = {p.get_gid() for p in fig.axes[0].patches}
    assert "Trial 01|D5|high" in cells  # D4 blinding (study), D5 blinding: hope
    assert "Trial 02|D5|low" in cells  # no own judgement for hope: the study's
    caption = next(t.get_text() for t in fig.axes[0].texts if t.get_gid() == "caption")
    assert "D5: Blinding of outcome assessment: hope" in caption


def _comparison(domain: str) -> Comparison:
    return Comparison("Trial 01", domain, "post_intervention", 0.0, "X", True, False, ("a",),
                      ("b",), "TAU", 10, 10, 1.0, 1.0, 1.0, 1.0)  # fmt: skip


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (["Trial 01", "blinding_outcome_assessment", "mood", "high", "", ""],
         "row 9, column 'outcome': unknown outcome 'mood'; the protocol's outcomes are recovery"),
        (["Trial 01", "selective_reporting", "hope", "high", "", ""],
         "row 9, column 'outcome': selective_reporting is judged per study, not per outcome; "
         "the protocol's outcome-level domains are blinding_outcome_assessment, "
         "incomplete_outcome_data"),
        (["Trial 01", "blinding_outcome_assessment", "hope", "awful", "", ""],
         "row 9, column 'judgement': invalid judgement 'awful'"),
    ],
)  # fmt: skip
def test_bad_outcome_rows_are_refused_with_their_row(
    setup: tuple[Store, Protocol, Path], row: list[str], message: str
) -> None:
    store, protocol, tmp = setup
    rows = [*_study_rows("Trial 01", ALL_LOW), row]
    with pytest.raises(InputError, match=r"r1\.csv") as caught:
        load_rob_sheet(store, protocol, _write(tmp / "r1.csv", rows), reviewer="R1")
    assert message in str(caught.value)
    assert rob_assessments(store, protocol) == ()  # nothing stored


def test_an_outcome_judged_twice_is_refused(setup: tuple[Store, Protocol, Path]) -> None:
    store, protocol, tmp = setup
    twice = ["Trial 01", "blinding_outcome_assessment", "hope", "high", "", ""]
    sheet = _write(tmp / "r1.csv", [*_study_rows("Trial 01", ALL_LOW), twice, twice])
    expected = (r"row 10, column 'domain': Trial 01: blinding_outcome_assessment for hope is "
                r"judged again \(first on row 9\)")  # fmt: skip
    with pytest.raises(InputError, match=expected):
        load_rob_sheet(store, protocol, sheet, reviewer="R1")


def test_without_outcome_level_domains_an_outcome_row_is_refused(
    tmp_path: Path, store_url: str
) -> None:
    project = _project(tmp_path, store_url, per_outcome=False)
    with open_store(store_url) as store:
        protocol = load_project(project, store_url).protocol
        rows = [*_study_rows("Trial 01", ALL_LOW),
                ["Trial 01", "blinding_outcome_assessment", "hope", "high", "", ""]]  # fmt: skip
        with pytest.raises(
            InputError,
            match="judged per study, not per outcome; the protocol's "
            r"outcome-level domains are none \(risk_of_bias.outcome_level",
        ):
            load_rob_sheet(store, protocol, _write(tmp_path / "r.csv", rows), reviewer="R1")
        # and its template has no outcome column
        write_rob_template(store, protocol, tmp_path / "t.csv")
        with (tmp_path / "t.csv").open(encoding="utf-8") as handle:
            header = next(r for r in csv.reader(handle) if not r[0].startswith("#"))
        assert "outcome" not in header


def test_the_protocol_checks_outcome_level_domains() -> None:
    with pytest.raises(ValueError, match="only for RoB 1"):
        RiskOfBias(tool="RoB2", outcome_level_domains=["missing_outcome_data"])
    with pytest.raises(ValueError, match="must be a RoB1 domain"):
        RiskOfBias(tool="RoB1", key_domains=["allocation_concealment"],
                   outcome_level_domains=["blinding"])  # fmt: skip
    with pytest.raises(ValueError, match="duplicate domain"):
        RiskOfBias(tool="RoB1", key_domains=["allocation_concealment"],
                   outcome_level_domains=["blinding_outcome_assessment"] * 2)  # fmt: skip


def test_cli_loads_and_shows_outcome_judgements(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    project = _project(tmp_path, url)
    runner = CliRunner()
    base = ["--project", str(project), "--db", url]
    rows = [*_study_rows("Trial 01", ALL_LOW),
            ["Trial 01", "blinding_outcome_assessment", "hope", "high", "open", ""]]  # fmt: skip
    out = runner.invoke(app, ["rob", "load", str(_write(tmp_path / "r1.csv", rows)),
                              "--reviewer", "R1", *base])  # fmt: skip
    assert out.exit_code == 0, out.output
    shown = json.loads(runner.invoke(app, ["rob", "show", "--json", *base]).stdout)
    assert shown[0]["hope/blinding_outcome_assessment"] == "high"
    assert (shown[0]["overall"], shown[0]["hope/overall"]) == ("low", "unclear")
    bad = [*rows[:-1], ["Trial 01", "other_bias", "hope", "high", "", ""]]
    refused = runner.invoke(app, ["rob", "load", str(_write(tmp_path / "r2.csv", bad)),
                                  "--reviewer", "R1", *base])  # fmt: skip
    assert refused.exit_code == 2
    assert "row 9, column 'outcome': other_bias is judged per study" in refused.stderr
    assert "Traceback" not in refused.output
    taken = runner.invoke(app, ["rob", "retract", "--study", "Trial 01", "--domain",
                                "blinding_outcome_assessment", "--outcome", "hope",
                                "--reviewer", "R1", *base])  # fmt: skip
    assert taken.exit_code == 0, taken.output
    shown = json.loads(runner.invoke(app, ["rob", "show", "--json", *base]).stdout)
    assert "hope/overall" not in shown[0] and shown[0]["overall"] == "low"


def test_two_appraisers_disagree_on_an_outcome_and_a_consensus_settles_it(
    setup: tuple[Store, Protocol, Path],
) -> None:
    from sysreview.project.appraising.assessments import (
        rob_discrepancies,
        second_reviewer_studies,
    )

    store, protocol, tmp = setup
    (shared,) = second_reviewer_studies(store, protocol)
    hope = [shared, "blinding_outcome_assessment", "hope"]
    for who, judged in (("R1", "high"), ("R2", "low")):
        rows = [*_study_rows(shared, ALL_LOW), [*hope, judged, f"{who}'s reason", ""]]
        load_rob_sheet(store, protocol, _write(tmp / f"{who}.csv", rows), reviewer=who)
    (differ,) = rob_discrepancies(store, protocol)
    assert (
        differ.summary() == f"{shared}: hope/blinding_outcome_assessment: R1 says high, R2 says low"
    )
    (study,) = rob_assessments(store, protocol)
    assert study.source == "disputed" and study.disputed == ("hope/blinding_outcome_assessment",)
    assert study.by_outcome == {"hope": {"blinding_outcome_assessment": "high"}}  # the first's
    agreed = _write(tmp / "c.csv", [[*hope, "low", "assessor blinded after all", ""]])
    load_rob_sheet(store, protocol, agreed, reviewer="R3", consensus=True)
    assert rob_discrepancies(store, protocol) == ()
    (study,) = rob_assessments(store, protocol)
    assert study.by_outcome == {"hope": {"blinding_outcome_assessment": "low"}}
    assert study.disputed == () and study.source == "mixed"  # study: R1's; hope: consensus
