"""A small review built the way a team builds one: the CLI over real export files.

Four real exports from ``../shared/fixtures/exports`` (Ovid PsycINFO with the strategy as
rendered by ``sysreview search render``, PubMed via Zotero, Embase, and a Web of Science
export as forward citation searching, an "other method"; CENTRAL, which the protocol
plans, is not searched), title/abstract and full-text screening by sheets and by single
decisions with the protocol's dual screening and an arbiter, reports linked to four
studies, extraction sheets (an SE, a median with IQR, a three-arm trial, a mean without
SD, a lower-is-better scale), risk-of-bias sheets from two appraisers, and ``sysreview
report``. Used by ``test_end_to_end.py``.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.protocol import ROB1_DOMAINS
from tests.conftest import PROJECT_ROOT

EXPORTS = PROJECT_ROOT.parent / "shared" / "fixtures" / "exports"
runner = CliRunner()

IMPORTS = (
    ("ovid_psycinfo.ris", "PsycINFO", "database", "Ovid", "2019-07-13", True),
    ("pubmed_zotero.ris", "MEDLINE", "database", "PubMed", "2019-07-13", False),
    ("embase.ris", "Embase", "database", "Ovid", "2019-07-14", False),
    ("web_of_science.txt", "Forward citation search (Web of Science)", "other", None,
     "2019-07-20", False),
)  # fmt: skip
EXTRA_REASONS = ("Ongoing study (no results yet)", "Full text not available")
# title/abstract: R1 decides every record; R2 the protocol's first 10% of each round
TA_INCLUDE = {1, 2, 3, 7, 8, 13, 19, 20, 21}
TA_MAYBE = {9}
TA_R2 = {1: "include", 7: "include", 13: "exclude", 19: "include"}  # 13: a disagreement
# full text (R1): decision and reason per record
FT = {
    1: ("include", None), 2: ("include", None), 3: ("include", None), 7: ("include", None),
    8: ("exclude", "Not a randomised controlled trial"), 9: ("exclude", EXTRA_REASONS[0]),
    13: ("maybe", None), 19: ("include", None), 20: ("exclude", EXTRA_REASONS[1]),
    21: ("exclude", "Participants not eligible"),
}  # fmt: skip
LINKS = {1: "Alpha 2019", 7: "Alpha 2019", 2: "Beta 2018", 3: "Gamma 2017", 19: "Delta 2016"}


def cli(*args: str) -> str:
    """Run one ``sysreview`` command; fail with its output when it fails."""
    result = runner.invoke(app, list(args))
    assert result.exit_code == 0, (args, result.stdout, result.stderr)
    return result.stdout


def _csv_rows(path: Path) -> tuple[list[str], list[list[str]], list[list[str]]]:
    """``(identity rows, header, rows)`` of a sheet the tool wrote."""
    with path.open(encoding="utf-8", newline="") as handle:
        lines = list(csv.reader(handle))
    head = [r for r in lines if r and r[0].startswith("#")]
    body = [r for r in lines if r and not r[0].startswith("#")]
    return [",".join(r) for r in head], body[0], body[1:]


def _write(path: Path, head: list[str], header: list[str], rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        for line in head:
            handle.write(line + "\n")
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)


Decisions = dict[int, tuple[str, str | None]]


def _screen_sheet(project: Path, tmp: Path, who: str, stage: str, decide: Decisions) -> None:
    sheet = tmp / f"{stage}-{who}.csv"
    cli("screen", "export", str(sheet), "--reviewer", who, "--stage", stage, "-p", str(project))
    head, header, rows = _csv_rows(sheet)
    at = {name: i for i, name in enumerate(header)}
    for row in rows:
        decision, reason = decide[int(row[at["record_id"]])]
        row[at["decision"]] = decision
        row[at["reason"]] = reason or ""
    _write(sheet, head, header, rows)
    cli("screen", "import", str(sheet), "--reviewer", who, "--stage", stage, "-p", str(project))


def _protocol(project: Path) -> None:
    toml = project / "review.toml"
    text = toml.read_text(encoding="utf-8")
    text = text.replace('  "No eligible outcome",\n]', '  "No eligible outcome",\n'
                        + "".join(f'  "{r}",\n' for r in EXTRA_REASONS) + "]")  # fmt: skip
    text = text.replace('roles = ["screener", "appraiser"]',
                        'roles = ["screener", "appraiser", "extractor"]')  # fmt: skip
    toml.write_text(text, encoding="utf-8")


def _search(project: Path, tmp: Path) -> None:
    rendered = tmp / "rendered"
    cli("search", "render", "group-peer-support", "--database", "PsycINFO", "--interface",
        "Ovid", "--out", str(rendered), "-p", str(project))  # fmt: skip
    for name, source, kind, interface, day, strategy in IMPORTS:
        args = ["import", str(EXPORTS / name), "--source", source, "--kind", kind, "--date", day]
        args += ["--interface", interface] if interface else []
        if strategy:
            args += ["--query-file", str(rendered / "group-peer-support-psycinfo-ovid.txt")]
        cli(*args, "-p", str(project))
    cli("dedup", "-p", str(project))


def _screen(project: Path, tmp: Path) -> None:
    p = ("-p", str(project))
    ta = {i: ("include" if i in TA_INCLUDE else "maybe" if i in TA_MAYBE else "exclude", None)
          for i in range(1, 29)}  # fmt: skip
    _screen_sheet(project, tmp, "R1", "ta", ta)
    _screen_sheet(project, tmp, "R2", "ta", {i: (d, None) for i, d in TA_R2.items()})
    cli("screen", "decide", "13", "include", "--reviewer", "R3", "--resolve", *p)
    for record, (decision, reason) in FT.items():
        extra = ["--reason", reason] if reason else []
        cli("screen", "decide", str(record), decision, "--reviewer", "R1", "--stage", "ft",
            *extra, *p)  # fmt: skip
    sheet = tmp / "ft-R2.csv"
    cli("screen", "export", str(sheet), "--reviewer", "R2", "--stage", "ft", *p)
    _, _, rows = _csv_rows(sheet)
    second = {int(r[0]): FT[int(r[0])] for r in rows}
    if 8 in second:  # R2 disagrees on one exclusion; the arbiter confirms it
        second[8] = ("include", None)
    _screen_sheet(project, tmp, "R2", "ft", second)
    if 8 in second:
        cli("screen", "decide", "8", "exclude", "--reviewer", "R3", "--stage", "ft",
            "--reason", "Not a randomised controlled trial", "--resolve", *p)  # fmt: skip
    for record, study in LINKS.items():
        cli("screen", "link", str(record), "--study", study, *p)


STUDIES = (
    ["Alpha 2019", "UK", "community mental health teams", "120", "mean 41.2 (SD 10.1)",
     "58% women", "severe mental illness", "12"],
    ["Beta 2018", "USA", "outpatient clinics", "90", "mean 38.5", "64% women",
     "depression", "8"],
    ["Gamma 2017", "Netherlands", "", "70", "mean 45.0 (SD 9.8)", "51% women",
     "severe mental illness", "16"],
    ["Delta 2016", "Australia", "online", "80", "", "70% women", "depression", "10"],
)  # fmt: skip
ARMS = (
    ["Alpha 2019", "peer group", "intervention", "60", "Peer-led recovery group"],
    ["Alpha 2019", "usual care", "TAU", "30", "Usual community care"],
    ["Alpha 2019", "attention", "active", "30", "Social activity group"],
    ["Beta 2018", "peer group", "intervention", "45", "Peer support group"],
    ["Beta 2018", "usual care", "TAU", "45", "Usual care"],
    ["Gamma 2017", "peer group", "intervention", "35", "Structured peer course"],
    ["Gamma 2017", "waiting list", "WL", "35", "Waiting list"],
    ["Delta 2016", "peer group", "intervention", "40", "Online peer group"],
    ["Delta 2016", "usual care", "TAU", "40", "Usual care"],
)  # fmt: skip
OUTCOME_HEADER = ["study_id", "arm", "domain", "measure", "weeks_after_end", "n", "mean", "sd",
                  "se", "median", "q1", "q3", "location"]  # fmt: skip


def _ras(study: str, arm: str, n: int, **given: str) -> list[str]:
    row = dict.fromkeys(OUTCOME_HEADER, "")
    row.update(study_id=study, arm=arm, domain="recovery", measure="RAS", weeks_after_end="0",
               n=str(n), location="Table 2", **given)  # fmt: skip
    return [row[c] for c in OUTCOME_HEADER]


OUTCOMES = (
    _ras("Alpha 2019", "peer group", 55, mean="82.1", sd="12.0"),
    _ras("Alpha 2019", "usual care", 28, mean="78.0", sd="12.5"),
    _ras("Alpha 2019", "attention", 27, mean="79.2", sd="11.8"),
    _ras("Beta 2018", "peer group", 42, mean="80.4", se="1.9"),
    _ras("Beta 2018", "usual care", 43, mean="77.9", se="2.0"),
    _ras("Gamma 2017", "peer group", 33, median="84", q1="76", q3="91"),
    _ras("Gamma 2017", "waiting list", 34, median="79", q1="71", q3="88"),
    _ras("Delta 2016", "peer group", 38, mean="81.0", sd="13.1"),
    _ras("Delta 2016", "usual care", 39, mean="80.2", sd="12.7"),
    *[[s, a, "depression", "CES-D", "0", n, m, sd, "", "", "", "", "Table 3"]
      for s, a, n, m, sd in (("Alpha 2019", "peer group", "55", "18.2", "9.1"),
                             ("Alpha 2019", "usual care", "28", "20.9", "9.8"),
                             ("Alpha 2019", "attention", "27", "20.1", "9.5"),
                             ("Beta 2018", "peer group", "42", "21.0", "10.2"),
                             ("Beta 2018", "usual care", "43", "22.4", "9.9"))],
    ["Gamma 2017", "peer group", "hope", "Herth Hope Index", "0", "33", "36.1", "", "", "",
     "", "", "p. 6"],
    ["Gamma 2017", "waiting list", "hope", "Herth Hope Index", "0", "34", "34.0", "", "", "",
     "", "", "p. 6"],
    ["Delta 2016", "peer group", "hope", "Herth Hope Index", "0", "38", "37.2", "4.9", "", "",
     "", "", "Table 2"],
    ["Delta 2016", "usual care", "hope", "Herth Hope Index", "0", "39", "35.8", "5.1", "", "",
     "", "", "Table 2"],
)  # fmt: skip
STUDY_HEADER = ["study_id", "country", "setting", "n_randomised", "age", "gender", "diagnoses",
                "duration_weeks"]  # fmt: skip
ARM_HEADER = ["study_id", "arm", "arm_type", "n_randomised", "description"]


def _extract(project: Path, tmp: Path) -> None:
    for who, studies in (("R1", None), ("R2", {"Alpha 2019"})):
        stem = tmp / f"extract-{who}.csv"
        parts = {
            "studies": (STUDY_HEADER, STUDIES),
            "arms": (ARM_HEADER, ARMS),
            "outcomes": (OUTCOME_HEADER, OUTCOMES),
        }
        for part, (header, rows) in parts.items():
            keep = [r for r in rows if studies is None or r[0] in studies]
            _write(stem.with_name(f"{stem.stem}.{part}.csv"), [], header, keep)
        cli("extract", "load", str(stem), "--reviewer", who, "-p", str(project))


JUDGED = {
    "Alpha 2019": {**dict.fromkeys(ROB1_DOMAINS, "low"), "blinding_participants_personnel": "high"},
    "Beta 2018": {**dict.fromkeys(ROB1_DOMAINS, "low"), "allocation_concealment": "unclear"},
    "Gamma 2017": dict.fromkeys(ROB1_DOMAINS, "low"),
    "Delta 2016": {**dict.fromkeys(ROB1_DOMAINS, "unclear"), "incomplete_outcome_data": "high"},
}


def _appraise(project: Path, tmp: Path) -> None:
    header = ["study", "domain", "judgement", "support", "location"]
    for who in ("R1", "R2"):
        sheet = tmp / f"rob-{who}.csv"
        cli("rob", "template", str(sheet), "--reviewer", who, "-p", str(project))
        head, _, rows = _csv_rows(sheet)
        studies = list(dict.fromkeys(r[0] for r in rows))
        out = [[s, d, JUDGED[s][d], f"quote on {d.replace('_', ' ')}", "p. 4"]
               for s in studies for d in ROB1_DOMAINS]  # fmt: skip
        _write(sheet, head, header, out)
        cli("rob", "load", str(sheet), "--reviewer", who, "-p", str(project))


@dataclass(frozen=True)
class Built:
    """The project folder, the report folder and what ``sysreview report`` printed."""

    project: Path
    out: Path
    stdout: str


def build(tmp: Path) -> Built:
    """Build the review and its report under ``tmp`` (see the module docstring)."""
    project = tmp / "review"
    cli("init", str(project), "--template", "group-peer-support")
    _protocol(project)
    _search(project, tmp)
    _screen(project, tmp)
    _extract(project, tmp)
    _appraise(project, tmp)
    out = tmp / "out"
    stdout = cli("report", "-p", str(project), "--out", str(out))
    return Built(project, out, stdout)


__all__ = ["EXPORTS", "Built", "build", "cli"]
