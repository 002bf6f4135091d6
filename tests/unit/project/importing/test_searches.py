"""Strategies in a project: render to files, import with the rendering, the log, pilot, PRESS."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from sysreview.cli import app

RIS = (
    "TY  - JOUR\nTI  - Group peer support for recovery: a randomised trial\n"
    "DO  - 10.1000/peer.1\nPY  - 2019\nER  -\n"
    "TY  - JOUR\nTI  - Mutual aid groups and hope\nAN  - 31234567\nPY  - 2018\nER  -\n"
)

PRESS = """reviewer = "Information specialist"
reviewed = 2019-07-01
elements = [
  { element = "translation", assessment = "no_revision" },
  { element = "operators", assessment = "no_revision" },
  { element = "subject_headings", assessment = "revision_suggested", comment = "add a heading" },
  { element = "text_words", assessment = "no_revision" },
  { element = "syntax", assessment = "no_revision" },
  { element = "limits_filters", assessment = "no_revision" },
]
"""


def test_search_workflow_from_the_seed_template(tmp_path: Path) -> None:
    runner = CliRunner()
    project = tmp_path / "p"
    assert (
        runner.invoke(app, ["init", str(project), "--template", "group-peer-support"]).exit_code
        == 0
    )
    base = ["--project", str(project)]
    listed = runner.invoke(app, ["search", "list", *base])
    assert listed.stdout.startswith("group-peer-support  version ")
    version = listed.stdout.split()[-1]

    out = project / "rendered"
    done = runner.invoke(app, ["search", "render", "group-peer-support", "--out", str(out), *base])
    assert done.exit_code == 0, done.output
    assert sorted(p.name for p in out.iterdir()) == [
        "group-peer-support-clinicaltrials-gov.txt",
        "group-peer-support-cochrane-central-wiley.txt",
        "group-peer-support-embase-ovid.txt",
        "group-peer-support-medline-ovid.txt",
        "group-peer-support-medline-pubmed.txt",
        "group-peer-support-psycinfo-ovid.txt",
    ]
    medline = (out / "group-peer-support-medline-ovid.txt").read_text(encoding="utf-8")
    assert "(peer* adj3 support*).ti,ab." in medline
    assert "randomized controlled trial.pt." in medline
    # SEED §2: Royle & Waugh (random$.af., all fields) in PsycINFO and Embase, P3 flagged
    for name in ("psycinfo", "embase"):
        rendered = (out / f"group-peer-support-{name}-ovid.txt").read_text(encoding="utf-8")
        assert "16  random$.af.\n17  11 and 15 and 16\n" in rendered
        assert "filter cooper_p3" in rendered and "is NOT in this search" in rendered
    checked = runner.invoke(app, ["search", "check", "group-peer-support", *base])
    assert checked.exit_code == 0, checked.output
    assert "phase: Trial phase (P3 filter) filter cooper_p3 (in PsycINFO, Embase only)" in (
        checked.stdout
    )
    assert "warning: phase: filter cooper_p3 (Cooper C, Varley-Campbell J, Carter P." in (
        checked.stdout
    )

    (project / "medline.ris").write_text(RIS, encoding="utf-8")
    imported = runner.invoke(
        app,
        ["import", str(project / "medline.ris"), "--source", "MEDLINE", "--interface", "Ovid",
         "--date", "2019-07-13", "--query-file", str(out / "group-peer-support-medline-ovid.txt"),
         *base],
    )  # fmt: skip
    assert imported.exit_code == 0, imported.output
    log = runner.invoke(app, ["search", "log", "--csv", str(tmp_path / "log.csv"), *base])
    assert log.exit_code == 0, log.output
    row = (tmp_path / "log.csv").read_text(encoding="utf-8").splitlines()[1]
    assert row == f"MEDLINE,database,Ovid,2019-07-13,2,group-peer-support,{version},medline.ris"

    found = runner.invoke(app, ["search", "pilot", "--paper", "10.1000/PEER.1", *base])
    assert found.exit_code == 0, found.output
    assert found.stdout.strip() == "found 1 of 1 model papers"
    missed = runner.invoke(
        app, ["search", "pilot", "--paper", "10.1000/peer.1", "--paper", "PMID 999", *base]
    )
    assert missed.exit_code == 1
    assert "missed: PMID 999" in missed.stdout

    (tmp_path / "press.toml").write_text(PRESS, encoding="utf-8")
    press = runner.invoke(
        app, ["search", "press", "group-peer-support", str(tmp_path / "press.toml"), *base]
    )
    assert press.exit_code == 0, press.output
    assert "revision suggested" in press.stdout
    assert (project / "searches" / "group-peer-support.press.json").exists()

    bad = runner.invoke(app, ["search", "render", "nope", *base])
    assert bad.exit_code == 2
    assert "no strategy 'nope'" in bad.stderr
