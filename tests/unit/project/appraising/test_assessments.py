"""Risk-of-bias sheets in a project, on SQLite and PostgreSQL: two reviewers, consensus."""

from __future__ import annotations

import csv
import json
import random
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import select
from typer.testing import CliRunner

from sysreview.appraisal import rob2
from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.project.appraising.assessments import (
    load_rob_sheet,
    rob_agreement,
    rob_assessments,
    rob_discrepancies,
    second_reviewer_studies,
    write_rob_template,
)
from sysreview.project.opening import init_project, load_project
from sysreview.project.storage import ExtractionValue, RobJudgement, Store, Study, open_store
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import ROB1_DOMAINS, ROB2_DOMAINS

STUDIES = [f"Trial {i:02d}" for i in range(1, 13)]  # 12 studies: a 10% sample is 2

ROB2_SECTION = """[risk_of_bias]
tool = "RoB2"
second_reviewer_fraction = 0.10
overall = { low_requires = "all_domains", worst_of = "all_domains", otherwise = "some_concerns" }
"""


def _project(tmp_path: Path, url: str, tool: str = "RoB1") -> Path:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", url)
    if tool == "RoB2":
        path = project / "review.toml"
        text = path.read_text(encoding="utf-8")
        start = text.index("[risk_of_bias]")
        end = text.index("# ---- Screening")
        path.write_text(text[:start] + ROB2_SECTION + "\n" + text[end:], encoding="utf-8")
    with open_store(url) as store, store.session() as session:
        session.add_all(Study(label=label) for label in STUDIES)
    return project


@pytest.fixture
def rob1_setup(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol, Path]]:
    project = _project(tmp_path, store_url)
    store = open_store(store_url)
    yield store, load_project(project, store_url).protocol, tmp_path
    store.close()


def _write(path: Path, header: list[str], rows: list[list[str]]) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def _rob1_rows(judgements: dict[str, dict[str, str]]) -> list[list[str]]:
    return [
        [study, domain, j, f"quote for {domain}", "p. 3"]
        for study, by_domain in judgements.items()
        for domain, j in by_domain.items()
    ]


ROB1_HEADER = ["study", "domain", "judgement", "support", "location"]
ALL_LOW = dict.fromkeys(ROB1_DOMAINS, "low")


def test_template_gives_the_second_reviewer_only_the_sample(
    rob1_setup: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = rob1_setup
    # the seed template: a random 10% drawn with seed 20190713 (Python's Mersenne Twister,
    # positions sampled from the studies in creation order)
    rob = protocol.risk_of_bias
    assert (rob.second_reviewer_selection.value, rob.second_reviewer_seed) == ("random", 20190713)
    drawn = sorted(random.Random(20190713).sample(range(12), 2))
    assert second_reviewer_studies(store, protocol) == tuple(STUDIES[i] for i in drawn)
    assert second_reviewer_studies(store, protocol) == ("Trial 07", "Trial 09")
    assert write_rob_template(store, protocol, tmp / "r1.csv", reviewer="R1") == 12 * 7
    assert write_rob_template(store, protocol, tmp / "r2.csv", reviewer="R2") == 2 * 7
    with (tmp / "r1.csv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.reader(handle) if not r[0].startswith("#")]  # identity rows
    assert rows[0] == [*ROB1_HEADER, "suggestion"]
    assert rows[1][:2] == ["Trial 01", "random_sequence_generation"]
    with (tmp / "r2.csv").open(encoding="utf-8") as handle:
        lines = [line for line in handle if not line.startswith("#")]  # identity rows
        assert {r["study"] for r in csv.DictReader(lines)} == {"Trial 07", "Trial 09"}
    given = {**rob.model_dump(), "second_reviewer_selection": "first", "second_reviewer_seed": None}
    first = type(rob).model_validate(given)
    assert first.second_reviewer_sample(STUDIES) == ("Trial 01", "Trial 02")


def test_overall_ratings_follow_the_protocol_rule(
    rob1_setup: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = rob1_setup
    sheet = {
        "Trial 01": ALL_LOW,
        # a key domain high -> high (the seed: high wins over unclear)
        "Trial 02": {**ALL_LOW, "selective_reporting": "high", "allocation_concealment": "unclear"},
        # a key domain unclear -> unclear
        "Trial 03": {**ALL_LOW, "incomplete_outcome_data": "unclear"},
        # only a non-key domain high -> the protocol's "otherwise" (unclear)
        "Trial 04": {**ALL_LOW, "other_bias": "high"},
    }
    loaded = load_rob_sheet(
        store, protocol, _write(tmp / "r1.csv", ROB1_HEADER, _rob1_rows(sheet)), reviewer="R1"
    )
    assert (loaded.new, loaded.unchanged) == (28, 0)
    overall = {a.study: (a.overall, a.source) for a in rob_assessments(store, protocol)}
    assert overall == {
        "Trial 01": ("low", "R1"),
        "Trial 02": ("high", "R1"),
        "Trial 03": ("unclear", "R1"),
        "Trial 04": ("unclear", "R1"),
    }
    again = load_rob_sheet(store, protocol, tmp / "r1.csv", reviewer="R1")
    assert (again.stored, again.unchanged) == (0, 28)


def test_a_bad_sheet_names_every_problem_and_stores_nothing(
    rob1_setup: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = rob1_setup
    rows = [
        ["Trial 01", "random_sequence_generation", "low", "", ""],
        ["Trial 01", "allocation concealment", "probably low", "", ""],  # name OK, bad value
        ["Trial 01", "blinding of everything", "low", "", ""],
        ["Trial 01", "random_sequence_generation", "high", "", ""],
        ["Trial 99", "other_bias", "low", "", ""],
    ]
    path = _write(tmp / "bad.csv", ROB1_HEADER, rows)
    with pytest.raises(InputError) as caught:
        load_rob_sheet(store, protocol, path, reviewer="R1")
    lines = str(caught.value).splitlines()
    assert lines == [
        f"{path}, row 3, column 'judgement': invalid judgement 'probably low'; must be one of "
        "low, unclear, high",
        f"{path}, row 4, column 'domain': unknown RoB 1 domain 'blinding of everything'; must "
        f"be one of {', '.join(ROB1_DOMAINS)}",
        f"{path}, row 5, column 'domain': Trial 01: random_sequence_generation is judged "
        "again (first on row 2)",
        f"{path}, row 6, column 'study': unknown study 'Trial 99' (studies: {', '.join(STUDIES)})",
    ]
    with store.session(readonly=True) as session:
        assert session.query(RobJudgement).count() == 0
    with pytest.raises(InputError, match="reviewer 'R3' is not an appraiser"):
        load_rob_sheet(
            store, protocol, _write(tmp / "ok.csv", ROB1_HEADER, rows[:1]), reviewer="R3"
        )


def test_two_reviewers_agreement_discrepancies_and_consensus(
    rob1_setup: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, tmp = rob1_setup
    r1 = {"Trial 01": ALL_LOW, "Trial 02": {**ALL_LOW, "selective_reporting": "high"}}
    r2 = {
        "Trial 01": {**ALL_LOW, "blinding_participants_personnel": "high"},
        "Trial 02": {**ALL_LOW, "selective_reporting": "unclear"},
    }
    load_rob_sheet(
        store, protocol, _write(tmp / "r1.csv", ROB1_HEADER, _rob1_rows(r1)), reviewer="R1"
    )
    load_rob_sheet(
        store, protocol, _write(tmp / "r2.csv", ROB1_HEADER, _rob1_rows(r2)), reviewer="R2"
    )
    found = {
        (d.study, d.domain): (d.first[1], d.second[1]) for d in rob_discrepancies(store, protocol)
    }
    assert found == {
        ("Trial 01", "blinding_participants_personnel"): ("low", "high"),
        ("Trial 02", "selective_reporting"): ("high", "unclear"),
    }
    # 14 items: R1 says low 13, high 1; R2 says low 12, high 1, unclear 1; 12 agree (low).
    # p_o = 12/14; p_e = (13*12 + 0*1 + 1*1)/14^2 = 157/196; kappa = (p_o - p_e)/(1 - p_e)
    p_o, p_e = 12 / 14, 157 / 196
    result = rob_agreement(store, protocol)
    assert result.kappa == pytest.approx((p_o - p_e) / (1 - p_e), rel=1e-12)
    assert {a.study: a.source for a in rob_assessments(store, protocol)} == {
        "Trial 01": "disputed",
        "Trial 02": "disputed",
    }
    agreed = [
        ["Trial 01", "blinding_participants_personnel", "high", "open-label groups", "p. 4"],
        ["Trial 02", "selective_reporting", "high", "outcome missing vs registration", ""],
    ]
    load_rob_sheet(
        store, protocol, _write(tmp / "c.csv", ROB1_HEADER, agreed), reviewer="R3", consensus=True
    )
    assert rob_discrepancies(store, protocol) == ()
    final = {a.study: a for a in rob_assessments(store, protocol)}
    assert final["Trial 01"].judgements["blinding_participants_personnel"] == "high"
    assert final["Trial 01"].overall == "unclear"  # a non-key domain high
    assert final["Trial 02"].overall == "high"
    assert final["Trial 01"].support["blinding_participants_personnel"] == "open-label groups"


ROB2_HEADER = [
    "study",
    "result",
    "domain",
    "question",
    "answer",
    "judgement",
    "support",
    "location",
]
LOW_ANSWERS = {
    "randomisation_process": {"1.1": "Y", "1.2": "Y", "1.3": "N"},
    "deviations_from_intended_interventions": {"2.1": "Y", "2.2": "Y", "2.3": "N", "2.6": "Y"},
    "missing_outcome_data": {"3.1": "N", "3.2": "N", "3.3": "PY", "3.4": "PN"},
    "measurement_of_the_outcome": {"4.1": "N", "4.2": "N", "4.3": "Y", "4.4": "PN"},
    "selection_of_the_reported_result": {"5.1": "NI", "5.2": "N", "5.3": "N"},
}


def test_rob2_answers_give_the_algorithms_judgements(tmp_path: Path, store_url: str) -> None:
    project = _project(tmp_path, store_url, tool="RoB2")
    protocol = load_project(project, store_url).protocol
    rows = [
        ["Trial 01", "hope", domain, q, a, "", "", "Table 2"]
        for domain, answers in LOW_ANSWERS.items()
        for q, a in answers.items()
    ]
    expected = {d: rob2.judge_domain(d, a) for d, a in LOW_ANSWERS.items()}
    assert expected["missing_outcome_data"] == "some_concerns"
    assert expected["selection_of_the_reported_result"] == "some_concerns"
    with open_store(store_url) as store:
        # overriding the algorithm without a reason is refused
        override = [*rows, ["Trial 01", "hope", "missing_outcome_data", "", "", "low", "", ""]]
        path = _write(tmp_path / "o.csv", ROB2_HEADER, override)
        with pytest.raises(InputError, match="answers give some_concerns for missing_outcome_data; "
                           "overriding it with low needs a support text"):  # fmt: skip
            load_rob_sheet(store, protocol, path, reviewer="R1")
        # a study-level judgement given without answers (e.g. from a published review)
        direct = [["Trial 02", "", d, "", "", "high" if i == 0 else "low", "", ""]
                  for i, d in enumerate(ROB2_DOMAINS)]  # fmt: skip
        path = _write(tmp_path / "r1.csv", ROB2_HEADER, rows + direct)
        loaded = load_rob_sheet(store, protocol, path, reviewer="R1")
        assert loaded.new == 10
        with store.session(readonly=True) as session:
            answers = session.scalars(select(ExtractionValue.key).where(
                ExtractionValue.entity == "rob2")).all()  # fmt: skip
        assert len(answers) == sum(map(len, LOW_ANSWERS.values()))
        found = {(a.study, a.result): a for a in rob_assessments(store, protocol)}
    assert dict(found[("Trial 01", "hope")].judgements) == expected
    assert found[("Trial 01", "hope")].overall == "some_concerns"
    assert found[("Trial 02", None)].overall == "high"
    assessment = found[("Trial 02", None)].assessment(protocol)
    assert isinstance(assessment, rob2.Rob2Assessment)
    assert assessment.overall == "high"


def test_rob_commands_end_to_end(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'review.db'}"
    project = _project(tmp_path, url)
    runner = CliRunner()
    base = ["--project", str(project), "--db", url]
    out = runner.invoke(app, ["rob", "template", str(tmp_path / "t.csv"), *base])
    assert out.exit_code == 0, out.output
    assert "84 rows" in out.stdout
    sheet = _rob1_rows({"Trial 01": ALL_LOW, "Trial 02": {**ALL_LOW, "other_bias": "high"}})
    _write(tmp_path / "r1.csv", ROB1_HEADER, sheet)
    _write(tmp_path / "r2.csv", ROB1_HEADER, sheet)
    for who in ("R1", "R2"):
        out = runner.invoke(
            app, ["rob", "load", str(tmp_path / f"{who.lower()}.csv"), "--reviewer", who, *base]
        )
        assert out.exit_code == 0, out.output
    shown = runner.invoke(app, ["rob", "show", "--json", *base])
    assert [(r["study"], r["overall"]) for r in json.loads(shown.stdout)] == [
        ("Trial 01", "low"),
        ("Trial 02", "unclear"),
    ]
    agreement = runner.invoke(app, ["rob", "agreement", "--json", *base])
    assert json.loads(agreement.stdout)["percent_agreement"] == pytest.approx(1.0)
    assert runner.invoke(app, ["rob", "discrepancies", *base]).stdout.strip() == "no discrepancies"
    figure = runner.invoke(app, ["rob", "figure", str(tmp_path / "rob.svg"), *base])
    assert figure.exit_code == 0, figure.output
    assert (tmp_path / "rob.svg").read_text(encoding="utf-8").lstrip().startswith("<?xml")
    bad = runner.invoke(
        app, ["rob", "load", str(tmp_path / "missing.csv"), "--reviewer", "R1", *base]
    )
    assert bad.exit_code == 2
    assert "sysreview: error:" in bad.stderr
