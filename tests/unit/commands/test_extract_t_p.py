"""SDs from the t statistic or P value of a difference in means, through the CLI.

``t`` or ``p`` on either arm's outcome row gives both arms (each with a mean and N but no
SD, SE or CI) one SD (Cochrane Handbook v6.4 section 6.5.2.3): ``sysreview extract load``
stores it flagged, ``sysreview analyse`` pools it, and ``sysreview report`` says so in a
footnote. The SD is checked against a hand computation with scipy, and the pooled result
against the same analysis of a project given that SD directly.
"""

from __future__ import annotations

import csv
import html
import json
import math
import re
from pathlib import Path

import pytest
from scipy import stats
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.extraction.mean_sd import FLAG_P, FLAG_T
from sysreview.project.opening import init_project

HHI = "Herth Hope Index"
HEADER = {
    "arms": ["study_id", "arm", "arm_type", "n_randomised"],
    "outcomes": ["study_id", "arm", "domain", "measure", "weeks_after_end", "n", "mean", "sd",
                 "t", "p", "location"],
}  # fmt: skip
N1, N2, M1, M2 = 38, 39, 35.1, 32.4
STUDIES = ("Alpha 2019", "Beta 2018", "Gamma 2017")


def invoke(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def _project(path: Path) -> Path:
    init_project(path, template="group-peer-support")
    toml = path / "review.toml"
    roles = 'roles = ["screener", "appraiser"]'
    toml.write_text(toml.read_text().replace(roles, roles[:-1] + ', "extractor"]'))
    for study in STUDIES:
        assert invoke("study", "add", study, "-p", str(path))[0] == 0
    return path


def _sheet(stem: Path, gamma: tuple[list[str], list[str]]) -> Path:
    arms = [[s, a, t, "45"] for s in STUDIES for a, t in (("peer", "intervention"),
                                                          ("usual", "TAU"))]  # fmt: skip
    hope = ["hope", HHI, "0"]
    outcomes = [
        ["Alpha 2019", "peer", *hope, "40", "36.0", "5.0", "", "", "Table 2"],
        ["Alpha 2019", "usual", *hope, "42", "34.0", "5.5", "", "", "Table 2"],
        ["Beta 2018", "peer", *hope, "30", "33.0", "6.0", "", "", "Table 3"],
        ["Beta 2018", "usual", *hope, "31", "32.5", "6.2", "", "", "Table 3"],
        ["Gamma 2017", "peer", *hope, str(N1), str(M1), *gamma[0], "Table 1"],
        ["Gamma 2017", "usual", *hope, str(N2), str(M2), *gamma[1], "Table 1"],
    ]
    for part, rows in (("arms", arms), ("outcomes", outcomes)):
        with stem.with_name(f"{stem.stem}.{part}.csv").open("w", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(HEADER[part])
            writer.writerows(rows)
    return stem


def _load_and_analyse(project: Path, sheet: Path) -> dict[str, object]:
    code, _, err = invoke("extract", "load", str(sheet), "--reviewer", "R1", "-p", str(project))
    assert code == 0, err
    out = project / "analysis"
    code, stdout, err = invoke("analyse", "-p", str(project), "--out", str(out))
    assert code == 0, stdout + err
    records = json.loads((out / "results.json").read_text("utf-8"))
    main: dict[str, object] = {r["analysis"]: r for r in records}["hope.post_intervention.main"]
    return main


def _hand_sd(t: float) -> float:
    """Cochrane Handbook 6.5.2.3: SE = MD / t, SD = SE / sqrt(1/n1 + 1/n2)."""
    return abs((M1 - M2) / t) / math.sqrt(1 / N1 + 1 / N2)


T = 2.31
P = 0.0137
CASES = {
    "t": ((["", "", ""], ["", str(T), ""]), _hand_sd(T), FLAG_T, "sd_from_t"),
    "p": (([ "", "", str(P)], ["", "", ""]), _hand_sd(float(stats.t.isf(P / 2, N1 + N2 - 2))),
          FLAG_P, "sd_from_p"),
}  # fmt: skip


@pytest.mark.parametrize("case", sorted(CASES))
def test_sd_from_t_or_p_is_stored_pooled_and_footnoted(case: str, tmp_path: Path) -> None:
    gamma, sd, flag, kind = CASES[case]
    project = _project(tmp_path / "review")
    main = _load_and_analyse(project, _sheet(tmp_path / "r1.csv", gamma))
    code, out, _ = invoke("extract", "show", "--json", "-p", str(project))
    assert code == 0
    given = {(o["study_id"], o["arm"]): o for o in json.loads(out)["outcomes"]}
    for arm in ("peer", "usual"):
        entry = given[("Gamma 2017", arm)]
        assert entry["sd"] == pytest.approx(sd, rel=1e-9)
        assert entry["flags"] == [flag]
    # the same analysis of a project given that SD directly
    direct = _project(tmp_path / "direct")
    shown = f"{sd!r}"
    expected = _load_and_analyse(direct, _sheet(tmp_path / "d.csv",
                                                ([shown, "", ""], [shown, "", ""])))  # fmt: skip
    assert main["k"] == 3
    for key in ("estimate", "ci_low", "ci_high"):
        assert main[key] == pytest.approx(expected[key], rel=1e-9)
    report = tmp_path / "report"
    code, stdout, err = invoke("report", "-p", str(project), "--out", str(report))
    assert code == 0, stdout + err
    page = (report / "report.html").read_text("utf-8")
    text = " ".join(html.unescape(re.sub(r"<[^>]+>", " ", page)).split())
    words = {
        "sd_from_t": "obtained from the t statistic of the difference in means",
        "sd_from_p": "obtained from the two-sided P value of the difference in means",
    }
    assert re.search(re.escape(words[kind]) + r" \(.*?section 6\.5\.2\.3\) for Gamma 2017\.", text)
    assert re.search(r"<td>Gamma 2017(?: \[\d+\])?<sup>[a-z]+</sup></td>", page)  # footnoted


@pytest.mark.parametrize(
    ("gamma", "row", "column", "message"),
    [
        ((["", str(T), ""], ["", "", str(P)]), 6, "t",
         "give the t statistic or the P value of the difference, not both"),
        ((["", str(T), ""], ["", "2.5", ""]), 7, "t", "the two arms give different t values"),
        ((["", "0", ""], ["", "", ""]), 6, "t",
         "must be non-zero (the t statistic of the difference in means)"),
        ((["", "", "1"], ["", "", ""]), 6, "p", "must be strictly between 0 and 1, not 1"),
    ],
)  # fmt: skip
def test_bad_t_or_p_exits_2_and_stores_nothing(
    gamma: tuple[list[str], list[str]], row: int, column: str, message: str, tmp_path: Path
) -> None:
    project = _project(tmp_path / "review")
    sheet = _sheet(tmp_path / "bad.csv", gamma)
    code, out, err = invoke("extract", "load", str(sheet), "--reviewer", "R1", "-p", str(project))
    assert code == 2 and out == "" and "Traceback" not in err
    assert err.splitlines() == [
        f"sysreview: error: {sheet}, sheet outcomes, row {row}, column {column!r}: {message}"
    ]
    code, out, _ = invoke("extract", "show", "-p", str(project))
    assert out.splitlines()[0] == "0 studies, 0 arms, 0 outcome entries"


def test_more_than_two_arms_is_refused(tmp_path: Path) -> None:
    project = _project(tmp_path / "review")
    sheet = _sheet(tmp_path / "three.csv", (["", str(T), ""], ["", "", ""]))
    arms = sheet.with_name("three.arms.csv")
    arms.write_text(arms.read_text() + "Gamma 2017,online,intervention,45\n")
    outcomes = sheet.with_name("three.outcomes.csv")
    outcomes.write_text(outcomes.read_text()
                        + f"Gamma 2017,online,hope,{HHI},0,30,34.0,,,,Table 1\n")  # fmt: skip
    code, _, err = invoke("extract", "load", str(sheet), "--reviewer", "R1", "-p", str(project))
    assert code == 2
    assert err.splitlines() == [
        f"sysreview: error: {sheet}, sheet outcomes, row 6, column 't': t compares two "
        "groups; this outcome and timepoint has 3 arm(s) (give each comparison's SD directly)"
    ]
