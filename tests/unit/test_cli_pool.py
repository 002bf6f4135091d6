"""``sysreview pool``: the JSON contract, formats, --by, and one-line errors (exit 2)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.effects import dichotomous_effects, generic_effects, mean_difference
from sysreview.meta import meta_analysis

runner = CliRunner()

CONT = """study,subgroup,outcome,mean_e,sd_e,n_e,mean_c,sd_c,n_c
A,x,o1,10,2,20,9,2,20
B,x,o1,12,2,25,9.5,2.5,25
C,y,o1,11,3,30,10,3,30
D,y,o1,11,3,30,10,0,30
A,x,o2,1,2,20,9,2,20
B,x,o2,2,2,25,9.5,2.5,25
C,y,o2,3,3,30,10,3,30
"""

DICH = """study,events_e,n_e,events_c,n_c
S1,4,123,11,139
S2,6,306,29,303
S3,3,231,11,220
S4,0,50,0,50
"""

POOLED_FIELDS = {
    "k", "reason", "estimate", "se", "ci_low", "ci_high", "statistic", "statistic_name", "p",
    "tau2", "tau2_ci_low", "tau2_ci_high", "i2", "i2_ci_low", "i2_ci_high", "h2", "h2_ci_low",
    "h2_ci_high", "heterogeneity_ci", "q", "df", "p_q",
}  # fmt: skip
FIELDS = POOLED_FIELDS | {
    "measure", "method", "model", "tau2_method", "ci_method", "convention", "level", "pi_low",
    "pi_high", "studies", "subgroups", "subgroup_test",
}  # fmt: skip
STUDY_FIELDS = {
    "study", "subgroup", "estimable", "reason", "yi", "vi", "estimate", "ci_low", "ci_high",
    "weight",
}  # fmt: skip
SUBGROUP_FIELDS = POOLED_FIELDS | {"subgroup"}


def write(tmp_path: Path, text: str, name: str = "data.csv") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def run(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, ["pool", *args])
    return result.exit_code, result.stdout, result.stderr


def test_json_contract_with_by_and_subgroups(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, CONT)), "--by", "outcome", "--format", "json")
    assert code == 0
    records = json.loads(out)
    assert [r["analysis"] for r in records] == ["o1", "o2"]
    for rec in records:
        assert set(rec) == FIELDS | {"analysis"}
        assert all(set(s) == STUDY_FIELDS for s in rec["studies"])
        assert all(set(s) == SUBGROUP_FIELDS for s in rec["subgroups"])
        assert set(rec["subgroup_test"]) == {"q", "df", "p", "i2"}
    first = records[0]
    assert (first["measure"], first["method"], first["model"], first["tau2_method"]) == (
        "MD",
        "IV",
        "random",
        "DL",
    )
    d = next(s for s in first["studies"] if s["study"] == "D")
    assert d == {**d, "estimable": False, "reason": "SD must be greater than 0", "weight": None}
    assert sum(s["weight"] for s in first["studies"] if s["estimable"]) == pytest.approx(100)


def test_json_numbers_equal_the_library(tmp_path: Path) -> None:
    """The CLI is a thin layer: its numbers are the library's, unrounded."""
    code, out, _ = run(
        str(write(tmp_path, CONT)), "--by", "outcome", "--format", "json", "--tau2", "REML"
    )
    assert code == 0
    rec = json.loads(out)[0]
    es = mean_difference(
        [10, 12, 11, 11],
        [2, 2, 3, 3],
        [20, 25, 30, 30],
        [9, 9.5, 10, 10],
        [2, 2.5, 3, 0],
        [20, 25, 30, 30],
    )
    res = meta_analysis(es, tau2_method="REML", subgroups=["x", "x", "y", "y"])
    assert rec["estimate"] == res.estimate
    assert rec["tau2"] == res.tau2
    assert rec["subgroup_test"]["q"] == res.subgroup_test.q  # type: ignore[union-attr]


def test_ratio_measures_report_ratio_scale_and_log_se(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, DICH)), "--format", "json")
    assert code == 0
    rec = json.loads(out)
    assert (rec["measure"], rec["method"]) == ("RR", "MH")
    es = dichotomous_effects(
        [4, 6, 3, 0], [123, 306, 231, 50], [11, 29, 11, 0], [139, 303, 220, 50], "RR"
    )
    res = meta_analysis(es)
    assert rec["estimate"] == pytest.approx(np.exp(res.estimate), rel=1e-15)
    assert rec["se"] == res.se
    assert rec["studies"][3]["estimable"] is False
    assert rec["subgroup_test"] is None and rec["subgroups"] == []


def test_generic_log_scale(tmp_path: Path) -> None:
    data = "study,estimate,se\nA,-0.2,0.1\nB,-0.1,0.2\nC,0.05,0.15\n"
    code, out, _ = run(
        str(write(tmp_path, data)), "--log-scale", "--model", "fixed", "--format", "json"
    )
    rec = json.loads(out)
    w = 1 / np.array([0.1, 0.2, 0.15]) ** 2
    expected = np.exp((w * np.array([-0.2, -0.1, 0.05])).sum() / w.sum())
    assert code == 0 and rec["estimate"] == pytest.approx(expected, rel=1e-12)
    assert rec["pi_low"] is None  # fixed effect: no prediction interval


def test_text_and_csv_formats(tmp_path: Path) -> None:
    path = str(write(tmp_path, CONT))
    code, out, _ = run(path, "--by", "outcome")
    assert code == 0 and "Test for subgroup differences" in out and "Not estimable" in out
    code, out, _ = run(path, "--by", "outcome", "--format", "csv")
    assert code == 0 and out.splitlines()[0].startswith("row,study,subgroup")


@pytest.mark.parametrize(
    ("text", "args", "message"),
    [
        (
            "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\nA,1,x,10,1,1,10\nB,1,1,10,1,1,10\n",
            (),
            "row 2, column 'sd_e': not a number: 'x'",
        ),
        (
            "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c\nA,1,1,-10,1,1,10\nB,1,1,10,1,1,10\n",
            (),
            "row 2, column 'n_e': must not be negative",
        ),
        (
            "study,events_e,n_e,events_c,n_c\nA,12,10,1,10\nB,1,10,1,10\n",
            (),
            "row 2, column 'events_e': 12 events but only 10",
        ),
        ("study,foo\nA,1\n", (), "no data columns"),
        ("name,estimate,se\nA,1,1\n", (), "missing required column 'study'"),
        (
            DICH,
            ("--method", "MH", "--tau2", "REML"),
            "tau2 method REML is not available with MH: use method IV",
        ),
        (
            "study,m1i,sd1i,n1i,mean_e,sd2i,n2i,m2i\nA,1,1,10,1,1,10,2\n",
            (),
            "columns 'm1i' and 'mean_e' are both the mean_e column",
        ),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--tau2", "REM"),
            "Invalid tau2 method 'REM'; must be one of DL",
        ),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--measure", "RR"),
            "measure RR needs columns events_e",
        ),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--by", "outcome"),
            "--by column 'outcome' not found",
        ),
        ("study,estimate,se\nA,1,1\nB,1\n", (), "row 3: 2 fields but the header has 3"),
        (
            "study,estimate,se\nA,1,1\nB,1,1\n",
            ("--method", "MH"),
            "Mantel-Haenszel needs RR, OR or RD",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(
    tmp_path: Path, text: str, args: tuple[str, ...], message: str
) -> None:
    path = write(tmp_path, text)
    code, out, err = run(str(path), *args)
    assert code == 2
    assert out == ""
    assert err.count("\n") == 1 and err.startswith("sysreview: error: ")
    assert message in err
    assert "Traceback" not in err


def test_missing_file(tmp_path: Path) -> None:
    code, _, err = run(str(tmp_path / "nope.csv"))
    assert code == 2 and "nope.csv" in err and "cannot read file" in err


def test_rows_are_located_by_file_line_even_after_a_multiline_field(tmp_path: Path) -> None:
    text = 'study,estimate,se\n"Smith\n2001",0.1,0.1\nJones,x,0.2\n'
    code, _, err = run(str(write(tmp_path, text)))
    assert code == 2 and "row 4, column 'estimate': not a number: 'x'" in err


def test_blank_lines_are_ignored(tmp_path: Path) -> None:
    code, out, _ = run(str(write(tmp_path, "study,estimate,se\n\nA,0.1,0.1\n,,\n\nB,0.2,0.1\n")))
    assert code == 0 and "Total (k = 2)" in out


@pytest.mark.parametrize(
    "command",
    [
        (),
        ("pool",),
        ("init",),
        ("validate",),
        ("status",),
        ("db",),
        ("db", "upgrade"),
        ("export",),
        ("load",),
        ("import",),
        ("dedup",),
        ("prisma",),
        ("simulate",),
        ("screen",),
        ("screen", "import"),
        ("screen", "link"),
        ("analyse",),
        ("report",),
        ("run",),
    ],
)
def test_every_command_has_help(command: tuple[str, ...]) -> None:
    result = runner.invoke(app, [*command, "--help"])
    assert result.exit_code == 0
    assert "Usage:" in result.stdout and "--help" in result.stdout


# ------------------------------------------------ analyses with one study, or none


def test_one_estimable_study_is_the_total(tmp_path: Path) -> None:
    """RevMan's total of one study is that study: tau² = 0, Q = 0 on 0 df (p = 1), I² = 0."""
    data = "study,estimate,se\nA,0.5,0.2\nB,0.1,0\n"
    for args in ((), ("--convention", "metafor", "--tau2", "REML", "--ci", "hksj")):
        code, out, err = run(str(write(tmp_path, data)), "--format", "json", *args)
        assert code == 0, err
        rec = json.loads(out)
        assert (rec["k"], rec["reason"], rec["estimate"], rec["se"]) == (1, None, 0.5, 0.2)
        assert (rec["tau2"], rec["q"], rec["df"], rec["p_q"], rec["i2"]) == (0.0, 0.0, 0, 1.0, 0.0)
        assert rec["ci_method"] == "z"  # Knapp-Hartung needs 2 studies: z, as metafor
        assert rec["ci_low"] == pytest.approx(0.5 - 1.959963984540054 * 0.2, rel=1e-12)
        assert rec["studies"][1]["reason"] == "SE must be greater than 0"
    code, out, _ = run(str(write(tmp_path, data)))
    assert code == 0 and "Heterogeneity: Not applicable" in out


def test_no_estimable_study_is_reported_not_estimable(tmp_path: Path) -> None:
    data = "study,events_e,n_e,events_c,n_c\nA,0,10,0,12\nB,0,20,0,20\n"
    code, out, err = run(str(write(tmp_path, data)), "--format", "json")
    assert code == 0, err
    rec = json.loads(out)
    assert (rec["k"], rec["reason"], rec["estimate"], rec["ci_low"]) == (
        0,
        "no estimable studies",
        None,
        None,
    )
    assert {s["reason"] for s in rec["studies"]} == {"no events (or only events) in both groups"}
    code, out, _ = run(str(write(tmp_path, data)))
    assert code == 0 and "Total (k = 0)" in out and "Not estimable (no estimable studies)" in out


def test_single_study_subgroup_and_a_test_with_one_estimable_subgroup(tmp_path: Path) -> None:
    data = "study,subgroup,estimate,se\nA,x,0.5,0.2\nB,x,0.1,0.3\nC,y,0.3,0.1\nD,z,1,0\n"
    code, out, _ = run(str(write(tmp_path, data)), "--format", "json")
    rec = json.loads(out)
    x, y, z = rec["subgroups"]
    assert (x["k"], x["df"]) == (2, 1)
    assert (y["k"], y["tau2"], y["q"], y["df"], y["p_q"], y["estimate"]) == (
        1,
        0.0,
        0.0,
        0,
        1.0,
        0.3,
    )
    assert (z["k"], z["reason"]) == (0, "no estimable studies")
    assert rec["subgroup_test"]["df"] == 1
    one = "study,subgroup,estimate,se\nA,x,0.5,0.2\nB,x,0.1,0.3\nD,z,1,0\n"
    code, out, _ = run(str(write(tmp_path, one)), "--format", "json")
    assert code == 0
    assert json.loads(out)["subgroup_test"] == {"q": 0.0, "df": 0, "p": 1.0, "i2": 0.0}


# --------------------------------------------------------- no option silently replaced


def test_mh_random_effects_with_another_tau2_estimator(tmp_path: Path) -> None:
    """RevMan's MH random effects are DL; asked for REML, the default method becomes IV
    (and says so); MH asked for explicitly is refused (see the bad-input cases)."""
    code, out, _ = run(str(write(tmp_path, DICH)), "--tau2", "REML", "--format", "json")
    rec = json.loads(out)
    assert code == 0 and (rec["method"], rec["tau2_method"]) == ("IV", "REML")
    es = dichotomous_effects(
        [4, 6, 3, 0], [123, 306, 231, 50], [11, 29, 11, 0], [139, 303, 220, 50], "RR"
    )
    res = meta_analysis(es, method="IV", tau2_method="REML")
    assert rec["tau2"] == res.tau2 and rec["se"] == res.se
    code, out, _ = run(str(write(tmp_path, DICH)), "--format", "json")
    assert json.loads(out)["method"] == "MH"  # DL: RevMan's MH random effects


def test_a_table_setting_yields_to_the_callers_tau2_or_method(tmp_path: Path) -> None:
    """The caller's options win; a table's MH (a RevMan file's, or a method column) does
    not block --tau2 REML, and a tau2_method column does not block --method MH. Both
    results say what was computed; a conflict inside the table is refused."""
    rm5 = write(tmp_path, RM5, "review.rm5")  # 1.1 Death: MH random effects in the file
    code, out, _ = run(str(rm5), "--tau2", "REML", "--format", "json")
    death, hazard, _ = json.loads(out)
    assert code == 0 and (death["method"], death["tau2_method"]) == ("IV", "REML")
    assert (hazard["method"], hazard["model"]) == ("IV", "fixed")
    rows = DICH.splitlines()
    with_columns = (
        "\n".join([f"{rows[0]},method,tau2_method"] + [f"{r},MH,REML" for r in rows[1:]]) + "\n"
    )
    path = str(write(tmp_path, with_columns, "t.csv"))
    code, _, err = run(path)
    assert code == 2 and "tau2 method REML is not available with MH" in err
    code, out, _ = run(path, "--tau2", "REML", "--format", "json")
    assert code == 0 and json.loads(out)["method"] == "IV"
    code, out, _ = run(path, "--method", "MH", "--format", "json")
    rec = json.loads(out)
    assert code == 0 and (rec["method"], rec["tau2_method"]) == ("MH", "DL")


def test_peto_random_effects_compute_the_estimator_asked_for(tmp_path: Path) -> None:
    """Peto random effects are inverse variance on Peto's log odds ratios (metafor's
    rma(measure="PETO"), meta's metabin(method="Peto")): the tau² asked for is the one
    computed, and the text says how the studies were pooled."""
    code, out, _ = run(
        str(write(tmp_path, DICH)), "--measure", "PETO_OR", "--tau2", "REML", "--format", "json"
    )
    rec = json.loads(out)
    assert code == 0 and (rec["method"], rec["tau2_method"]) == ("PETO", "REML")
    es = dichotomous_effects(
        [4, 6, 3, 0], [123, 306, 231, 50], [11, 29, 11, 0], [139, 303, 220, 50], "PETO_OR"
    )
    use = es.estimable
    iv = meta_analysis(generic_effects(es.yi[use], es.sei[use], log_scale=True), tau2_method="REML")
    assert rec["tau2"] == pytest.approx(iv.tau2, rel=1e-12)
    assert rec["estimate"] == pytest.approx(np.exp(iv.estimate), rel=1e-12)
    code, out, _ = run(str(write(tmp_path, DICH)), "--measure", "PETO_OR", "--tau2", "REML")
    assert "Peto log odds ratios pooled by inverse variance, random effects, tau² REML" in out


# ------------------------------------------- column names of metafor and RevMan


@pytest.mark.parametrize(
    ("header", "same_as"),
    [
        ("slab,m1i,sd1i,n1i,m2i,sd2i,n2i", "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c"),
        ("Study,MEAN_1,SD_1,TOTAL_1,MEAN_2,SD_2,TOTAL_2", "study,mean_e,sd_e,n_e,mean_c,sd_c,n_c"),
        ("study,ai,n1i,ci,n2i", "study,events_e,n_e,events_c,n_c"),
        ("study,EVENTS_1,TOTAL_1,EVENTS_2,TOTAL_2", "study,events_e,n_e,events_c,n_c"),
        ("study,yi,sei", "study,estimate,se"),
    ],
)
def test_metafor_and_revman_column_names(tmp_path: Path, header: str, same_as: str) -> None:
    width = header.count(",")
    rows = {
        6: "A,10,2,20,9,2,21\nB,12,2.5,25,9.5,2.5,24\nC,11,3,30,10,3,31\n",
        4: "A,4,123,11,139\nB,6,306,29,303\nC,3,231,11,220\n",
        2: "A,0.2,0.1\nB,0.5,0.2\nC,-0.1,0.15\n",
    }[width]
    ours = run(str(write(tmp_path, f"{header}\n{rows}", "a.csv")), "--format", "json")
    canonical = run(str(write(tmp_path, f"{same_as}\n{rows}", "b.csv")), "--format", "json")
    assert ours[0] == 0 and ours[1] == canonical[1]


def test_metafor_sampling_variances(tmp_path: Path) -> None:
    vi = run(str(write(tmp_path, "study,yi,vi\nA,0.2,0.01\nB,0.5,0.04\n")), "--format", "json")
    sei = write(tmp_path, "study,yi,sei\nA,0.2,0.1\nB,0.5,0.2\n", "b.csv")
    se = run(str(sei), "--format", "json")
    assert vi[0] == 0 and vi[1] == se[1]


# ------------------------------------------------------------ RevMan 5 files

RM5 = """<?xml version="1.0" encoding="UTF-8"?>
<COCHRANE_REVIEW><COVER_SHEET><TITLE>Demo</TITLE></COVER_SHEET>
<ANALYSES_AND_DATA><COMPARISON ID="CMP-001" NO="1"><NAME>A vs B</NAME>
<DICH_OUTCOME ID="CMP-001.01" NO="1" EFFECT_MEASURE="OR" METHOD="MH" RANDOM="YES"
 TOTALS="YES" SUBGROUPS="YES" CI_STUDY="95" CI_TOTAL="95"><NAME>Death</NAME>
<DICH_SUBGROUP ID="CMP-001.01.01" NO="1"><NAME>Adults</NAME>
<DICH_DATA STUDY_ID="STD-Smith-2001" EVENTS_1="5" TOTAL_1="50" EVENTS_2="10" TOTAL_2="50"/>
<DICH_DATA STUDY_ID="STD-Jones-2003" EVENTS_1="7" TOTAL_1="60" EVENTS_2="9" TOTAL_2="58"/>
</DICH_SUBGROUP><DICH_SUBGROUP ID="CMP-001.01.02" NO="2"><NAME>Children</NAME>
<DICH_DATA STUDY_ID="STD-Lee-2010" EVENTS_1="2" TOTAL_1="30" EVENTS_2="6" TOTAL_2="31"/>
</DICH_SUBGROUP></DICH_OUTCOME>
<IV_OUTCOME ID="CMP-001.02" NO="2" LOG_DATA="YES" RANDOM="NO" TOTALS="YES" CI_TOTAL="90">
<NAME>Hazard of relapse</NAME><EFFECT_MEASURE>Hazard Ratio</EFFECT_MEASURE>
<IV_DATA STUDY_ID="STD-Smith-2001" ESTIMATE="-0.2" SE="0.1"/>
<IV_DATA STUDY_ID="STD-Lee-2010" ESTIMATE="-0.1" SE="0.2"/>
</IV_OUTCOME>
<CONT_OUTCOME ID="CMP-001.03" NO="3" EFFECT_MEASURE="MD" RANDOM="NO" TOTALS="YES">
<NAME>No data yet</NAME></CONT_OUTCOME>
</COMPARISON></ANALYSES_AND_DATA></COCHRANE_REVIEW>
"""


def test_a_revman_file_is_pooled_as_revman_set_it_up(tmp_path: Path) -> None:
    path = write(tmp_path, RM5, "review.rm5")
    code, out, err = run(str(path), "--format", "json")
    assert code == 0, err
    death, hazard, empty = json.loads(out)
    assert [r["analysis"] for r in (death, hazard, empty)] == [
        "1.1 Death",
        "1.2 Hazard of relapse",
        "1.3 No data yet",
    ]
    assert (death["measure"], death["method"], death["model"]) == ("OR", "MH", "random")
    assert [s["subgroup"] for s in death["subgroups"]] == ["Adults", "Children"]
    es = dichotomous_effects([5, 7, 2], [50, 60, 30], [10, 9, 6], [50, 58, 31], "OR")
    res = meta_analysis(es, subgroups=["Adults", "Adults", "Children"])
    assert death["estimate"] == pytest.approx(np.exp(res.estimate), rel=1e-15)
    assert death["subgroup_test"]["q"] == res.subgroup_test.q  # type: ignore[union-attr]
    assert (hazard["model"], hazard["level"]) == ("fixed", 90.0)
    w = 1 / np.array([0.1, 0.2]) ** 2
    assert hazard["estimate"] == pytest.approx(np.exp((w * [-0.2, -0.1]).sum() / w.sum()))
    assert (empty["k"], empty["reason"], empty["studies"]) == (0, "no studies", [])
    # an option given overrides the file's settings, as it overrides a CSV's columns
    code, out, _ = run(str(path), "--model", "fixed", "--format", "json")
    assert [r["model"] for r in json.loads(out)] == ["fixed", "fixed", "fixed"]
    code, out, _ = run(str(path))
    assert code == 0 and "1.1 Death" in out and "Children" in out


def test_a_revman_file_is_recognised_by_its_content(tmp_path: Path) -> None:
    named = run(str(write(tmp_path, RM5, "review.rm5")), "--format", "json")
    exported = run(str(write(tmp_path, RM5, "review.xml")), "--format", "json")
    assert named[0] == 0 and named[1] == exported[1]


def test_revman_file_errors(tmp_path: Path) -> None:
    path = write(tmp_path, RM5, "review.rm5")
    code, _, err = run(str(path), "--by", "outcome")
    assert code == 2 and "--by groups the rows of a CSV table" in err
    code, _, err = run(str(write(tmp_path, "<html/>", "page.rm5")))
    assert code == 2 and "not a RevMan 5 file" in err and "Traceback" not in err
    bad = RM5.replace('EVENTS_1="5"', 'EVENTS_1="55"')
    code, _, err = run(str(write(tmp_path, bad, "bad.rm5")))
    assert code == 2
    assert "analysis '1.1 Death': study 'Smith 2001': 55 events but only 50 participants" in err
