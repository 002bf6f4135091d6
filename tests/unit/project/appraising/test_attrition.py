"""The attrition rule's suggestions in a project (SEED §5), on SQLite and PostgreSQL:
from extracted numbers to the RoB 1 sheet, ``rob show`` and back, never stored by itself."""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import func, select
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.project.appraising.assessments import (
    load_rob_sheet,
    rob_assessments,
    write_rob_template,
)
from sysreview.project.appraising.attrition import attrition_suggestions, rob_overview
from sysreview.project.extracting.values import add_values
from sysreview.project.opening import init_project, load_project
from sysreview.project.selection.studies import add_study
from sysreview.project.storage import RobJudgement, Store, open_store
from sysreview.protocol import Protocol, ProtocolError, parse_protocol, template_text
from sysreview.protocol.appraisal import ROB1_DOMAINS


def _arm(study: str, arm: str, kind: str, n: int) -> dict[str, Any]:
    return {"study_id": study, "arm": arm, "arm_type": kind, "n_randomised": n}


def _out(study: str, arm: str, n: int, measure: str = "CES-D", weeks: float = 0) -> dict[str, Any]:
    return {"study_id": study, "arm": arm, "domain": "depression", "measure": measure,
            "weeks_after_end": weeks, "n": n, "mean": 20.0, "sd": 8.0}  # fmt: skip


STUDIES = [
    {"study_id": "Alpha 2019", "dropouts_described": "no"},
    {"study_id": "Beta 2020", "dropouts_described": "yes"},
    {"study_id": "Gamma 2021", "dropouts_described": "yes"},
    {"study_id": "Delta 2022", "attrition": 0.3, "dropouts_described": "yes"},
]
ARMS = [
    _arm("Alpha 2019", "peer", "intervention", 100), _arm("Alpha 2019", "usual", "TAU", 100),
    _arm("Beta 2020", "peer", "intervention", 50), _arm("Beta 2020", "usual", "TAU", 50),
    _arm("Gamma 2021", "peer", "intervention", 60), _arm("Gamma 2021", "usual", "TAU", 60),
    _arm("Delta 2022", "peer", "intervention", 40), _arm("Delta 2022", "wait", "WL", 40),
]  # fmt: skip
OUTCOMES = [
    # Alpha: the largest N per arm at post-intervention counts (70 of 100, 74 of 100);
    # a later follow-up with fewer is not the one used
    _out("Alpha 2019", "peer", 70), _out("Alpha 2019", "peer", 65, "BDI-II"),
    _out("Alpha 2019", "usual", 74), _out("Alpha 2019", "peer", 50, weeks=26),
    _out("Alpha 2019", "usual", 60, weeks=26),
    _out("Beta 2020", "peer", 45), _out("Beta 2020", "usual", 30),  # 10% vs 40%
    _out("Gamma 2021", "peer", 57), _out("Gamma 2021", "usual", 55),  # 5% vs 8.3%
    _out("Delta 2022", "peer", 30),  # the waiting-list arm has no N: balance unknown
]  # fmt: skip
EXPECTED = {
    "Alpha 2019": "unclear",  # 28% > 20%, balanced, drop-outs not described
    "Beta 2020": "high",  # arms 30 points apart (described or not)
    "Gamma 2021": "low",  # 6.7% overall, balanced
    "Delta 2022": None,  # 30% extracted, described: the rule leaves it to the reasons
    "Epsilon 2023": None,  # nothing extracted
}


@pytest.fixture
def seeded(tmp_path: Path, store_url: str) -> Iterator[tuple[Store, Protocol, Path]]:
    project = tmp_path / "p"
    init_project(project, "group-peer-support", store_url)
    protocol = load_project(project, store_url).protocol
    with open_store(store_url) as store:
        for study in (*(s["study_id"] for s in STUDIES), "Epsilon 2023"):
            add_study(store, study)
        add_values(store, protocol, "R1", studies=STUDIES, arms=ARMS, outcomes=OUTCOMES)
        yield store, protocol, project


def test_suggestions_follow_the_rule_from_the_extracted_numbers(
    seeded: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, _ = seeded
    found = attrition_suggestions(store, protocol)
    assert list(found) == list(EXPECTED)  # every study, in creation order
    assert {k: s.judgement for k, s in found.items()} == EXPECTED
    alpha = found["Alpha 2019"]
    assert [(a.arm, a.randomised, a.analysed) for a in alpha.arms] == [
        ("peer", 100, 70),
        ("usual", 100, 74),
    ]
    assert "at post-intervention" in alpha.reason and "28.0%" in alpha.reason
    assert "drop-outs are not described" in alpha.reason
    assert "30.0 percentage points" in found["Beta 2020"].reason
    assert "30.0% (extracted)" not in found["Delta 2022"].reason  # no arm counts to compare
    assert "the drop-outs are described" in found["Delta 2022"].reason
    assert "no attrition extracted" in found["Epsilon 2023"].reason


def test_the_sheet_shows_the_suggestion_and_a_suggestion_alone_stores_nothing(
    seeded: tuple[Store, Protocol, Path],
) -> None:
    store, protocol, project = seeded
    sheet = project / "rob.csv"
    assert write_rob_template(store, protocol, sheet, reviewer="R1") == 5 * 7
    with sheet.open(encoding="utf-8") as handle:
        identity = [line for line in handle if line.startswith("#")]
    with sheet.open(encoding="utf-8") as handle:
        rows = list(csv.DictReader(line for line in handle if not line.startswith("#")))
    hints = {r["study"]: r["suggestion"] for r in rows if r["suggestion"]}
    assert set(hints) == set(EXPECTED)  # on the incomplete-outcome-data row only
    assert all(r["domain"] == "incomplete_outcome_data" for r in rows if r["suggestion"])
    assert hints["Alpha 2019"].startswith("unclear: overall attrition 28.0%")
    assert hints["Delta 2022"].startswith("no suggestion: ")
    assert all(r["judgement"] == "" for r in rows)  # never pre-filled
    untouched = load_rob_sheet(store, protocol, sheet, reviewer="R1")
    assert untouched.stored == 0  # a suggestion alone is no judgement
    with store.session() as session:
        assert session.scalar(select(func.count()).select_from(RobJudgement)) == 0
    # the appraiser decides: a judgement unlike the suggestion is stored as given
    for r in rows:
        r["judgement"] = "low"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        handle.writelines(identity)
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    assert load_rob_sheet(store, protocol, sheet, reviewer="R1").new == 35
    judged = {
        a.study: a.judgements["incomplete_outcome_data"] for a in rob_assessments(store, protocol)
    }
    assert judged["Beta 2020"] == "low"  # suggested high; the reviewer's low is what counts


def test_rob_show_prints_the_suggestions(
    seeded: tuple[Store, Protocol, Path], store_url: str
) -> None:
    store, protocol, project = seeded
    rows = [[s, d, "low", "", "", ""] for s in ("Alpha 2019", "Beta 2020") for d in ROB1_DOMAINS]
    sheet = project / "judged.csv"
    with sheet.open("w", newline="", encoding="utf-8") as handle:
        csv.writer(handle).writerows([["study", "domain", "judgement", "support", "location",
                                       "suggestion"], *rows])  # fmt: skip
    load_rob_sheet(store, protocol, sheet, reviewer="R1")
    base = ["--project", str(project), "--db", store_url]
    shown = CliRunner().invoke(app, ["rob", "show", *base])
    assert shown.exit_code == 0, shown.output
    assert "Attrition rule (protocol) for incomplete outcome data" in shown.stdout
    assert "Beta 2020: high: overall attrition 25.0%" in shown.stdout
    assert "Epsilon 2023: no suggestion: no attrition extracted" in shown.stdout
    as_json = json.loads(CliRunner().invoke(app, ["rob", "show", "--json", *base]).stdout)
    pairs = [(r["study"], r["incomplete_outcome_data"], r["suggested_incomplete_outcome_data"])
             for r in as_json]  # fmt: skip
    assert pairs == [("Alpha 2019", "low", "unclear"), ("Beta 2020", "low", "high")]
    assert "percentage points" in as_json[1]["suggestion_reason"]
    assert rob_overview(store, protocol).frame.shape[0] == 2


def test_no_suggestions_without_the_rule_or_with_rob2(seeded: tuple[Store, Protocol, Path]) -> None:
    store, _, project = seeded
    text = (project / "review.toml").read_text(encoding="utf-8")
    without = text.replace("attrition_threshold = 0.20\nattrition_imbalance = 0.10\n", "")
    assert without != text
    (project / "review.toml").write_text(without, encoding="utf-8")
    assert attrition_suggestions(store, load_project(project).protocol) == {}
    rob2 = text.replace('tool = "RoB1"', 'tool = "RoB2"')
    start, end = rob2.index("key_domains = ["), rob2.index("second_reviewer_fraction")
    rob2 = rob2[:start] + rob2[end:].replace(
        'worst_of = "key_domains", otherwise = "unclear"',
        'worst_of = "all_domains", otherwise = "some_concerns"',
    )
    (project / "review.toml").write_text(rob2, encoding="utf-8")
    with pytest.raises(ProtocolError, match="RoB 2 judges missing outcome data"):
        load_project(project)


def test_a_disputed_n_is_said(seeded: tuple[Store, Protocol, Path]) -> None:
    store, _, _ = seeded
    two = parse_protocol(
        template_text("group-peer-support").replace(
            'roles = ["screener", "appraiser"]', 'roles = ["screener", "appraiser", "extractor"]'
        )
    )
    add_values(store, two, "R2", studies=STUDIES, arms=ARMS,
               outcomes=[{**o, "n": 35} if (o["study_id"], o["arm"]) == ("Beta 2020", "usual")
                         else o for o in OUTCOMES])  # fmt: skip
    found = attrition_suggestions(store, two)
    assert "an extracted N still differs between extractors, the latest used" in (
        found["Beta 2020"].reason
    )
    assert "still differs" not in found["Alpha 2019"].reason
