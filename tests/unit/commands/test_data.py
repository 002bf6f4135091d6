"""``sysreview data load`` and ``sysreview data check``; ``[[data]]`` in ``imports.toml``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from sysreview.cli import app
from sysreview.errors import InputError
from sysreview.project.analysing.running import read_data_files
from sysreview.project.opening import init_project

runner = CliRunner()
CSV = """\
slab,m1i,sd1i,n1i,m2i,sd2i,n2i,domain,measure,comparator
Smith 2019,36.1,5.2,38,34.0,5.9,39,hope,Herth Hope Index,TAU
Jones 2020,35.0,4.8,60,33.2,5.1,61,hope,Herth Hope Index,TAU
Lee 2018,30.0,6.0,30,29.0,6.2,31,hope,Herth Hope Index,TAU
"""


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    init_project(tmp_path / "review", "group-peer-support")
    (tmp_path / "review" / "hope.csv").write_text(CSV, encoding="utf-8")
    return tmp_path / "review"


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_load_then_load_again(folder: Path) -> None:
    data = str(folder / "hope.csv")
    code, _, err = invoke("data", "load", data, "--reviewer", "R1", "-p", str(folder))
    assert code == 2 and err.startswith("sysreview: error: ") and "--add-studies" in err
    args = ("data", "load", data, "--reviewer", "R1", "--add-studies", "-p", str(folder))
    code, out, err = invoke(*args)
    assert code == 0, err
    assert out.splitlines()[0] == f"{data} (metafor-csv), values of R1: 3 studies added"
    assert "  outcomes: 6 rows, 6 new values, 0 unchanged" in out
    code, out, _ = invoke(*args)
    assert "0 studies added" in out and "  outcomes: 6 rows, 0 new values, 6 unchanged" in out
    code, out, err = invoke("extract", "show", "-p", str(folder))
    assert code == 0 and "Smith 2019 | intervention | hope | Herth Hope Index" in out
    code, out, err = invoke("analyse", "-p", str(folder))
    assert code == 0, err and "hope.post_intervention.main" in out


def test_check_reads_without_storing(folder: Path) -> None:
    code, out, err = invoke("data", "check", str(folder / "hope.csv"), "-p", str(folder))
    assert code == 0, err
    assert "hope.csv (metafor-csv): 3 studies; 3 study rows, 6 arm rows, 6 outcome rows" in out
    code, out, err = invoke("extract", "show", "-p", str(folder))
    assert out.startswith("0 studies")


def test_bad_input_is_one_line(folder: Path) -> None:
    (folder / "bad.csv").write_text(CSV.replace("5.2,38", "5.2,thirty"), encoding="utf-8")
    code, _, err = invoke("data", "check", str(folder / "bad.csv"), "-p", str(folder))
    assert code == 2 and err == (
        f"sysreview: error: {folder / 'bad.csv'}, row 2, column 'n1i': not a number: 'thirty'\n"
    )
    code, _, err = invoke(
        "data",
        "load",
        str(folder / "hope.csv"),
        "--reviewer",
        "R1",
        "--format",
        "revman",
        "-p",
        str(folder),
    )
    assert code == 2 and err == (  # read as RevMan, as asked: no mapping is needed to say so
        f"sysreview: error: {folder / 'hope.csv'}: malformed XML: syntax error: line 1, column 0\n"
    )


DATA = """\
[[data]]
file = "hope.csv"
reviewer = "R1"
add-studies = true
"""


def test_imports_toml_lists_data_files(folder: Path) -> None:
    (folder / "imports.toml").write_text(DATA)
    (item,) = read_data_files(folder)
    assert (item.file, item.reviewer, item.format, item.add_studies) == (
        folder / "hope.csv",
        "R1",
        None,
        True,
    )
    assert item.summary() == f"{folder / 'hope.csv'} (format from the file; values of R1)"
    code, out, err = invoke("run", str(folder))
    assert code == 0, err
    assert f"data load: {folder / 'hope.csv'} (metafor-csv), values of R1: 3 studies added" in out
    assert "data: store data: 3 studies, 6 arms, 6 outcome entries; no risk-of-bias" in out


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[[data]]\nfile = "hope.csv"\n', "data 1: 'reviewer' is required"),
        ('[[data]]\nfile = "gone.csv"\nreviewer = "R1"\n', "data 1: no such file"),
        (
            '[[data]]\nfile = "hope.csv"\nreviewer = "R1"\nmapping = "m.toml"\n',
            "data 1: no such file",
        ),
        (
            '[[data]]\nfile = "hope.csv"\nreviewer = "R1"\nconsensus = "yes"\n',
            "data 1: 'consensus' must be true or false, not 'yes'",
        ),
        (
            '[[data]]\nfile = "hope.csv"\nreviewer = "R1"\nsource = "X"\n',
            "data 1: unknown key 'source'; must be one of file, format, mapping",
        ),
        ('data = "hope.csv"\n', "'data' must be an array of tables ([[data]])"),
    ],
)
def test_data_entry_mistakes_are_named(folder: Path, text: str, message: str) -> None:
    (folder / "imports.toml").write_text(text)
    with pytest.raises(InputError) as info:
        read_data_files(folder)
    assert message in str(info.value) and "imports.toml" in str(info.value)


COUNTS = """\
source = "Earlier search (Covidence)"

[counts]
records_databases = 40
records_screened = 40
records_excluded = 38
reports_sought = 2
reports_assessed = 2
reports_included = 2
studies_included = 2

[counts.records_databases_by_source]
MEDLINE = 40
"""


def test_counts_from_another_source_are_loaded_shown_and_withdrawn(folder: Path) -> None:
    (folder / "counts.toml").write_text(COUNTS, encoding="utf-8")
    code, out, err = invoke(
        "data", "load", str(folder / "counts.toml"), "--reviewer", "R1", "-p", str(folder)
    )
    assert code == 0, err
    assert "  PRISMA counts from another source: recorded" in out
    code, out, err = invoke("prisma", "-p", str(folder))
    assert code == 0, err
    assert "Records identified from databases (n = 40)" in out
    assert "Counts from another source included:\n  Earlier search (Covidence)" in out
    code, out, err = invoke(
        "data",
        "withdraw-counts",
        "--source",
        "Earlier search (Covidence)",
        "--reviewer",
        "R1",
        "-p",
        str(folder),
    )
    assert code == 0 and out == "withdrawn: PRISMA counts from Earlier search (Covidence)\n"
    code, out, err = invoke("prisma", "-p", str(folder))
    assert "Records identified from databases (n = 0)" in out and "another source" not in out
    code, _, err = invoke(
        "data",
        "withdraw-counts",
        "--source",
        "Earlier search (Covidence)",
        "--reviewer",
        "R1",
        "-p",
        str(folder),
    )
    assert code == 2
    assert err == (
        "sysreview: error: no counts from the source 'Earlier search (Covidence)'; the project "
        "has: none\n"
    )


PREVIOUS = """\
source = "Smith et al. 2020, previous version of this review"

[counts]
previous_studies = 12
previous_reports = 15
total_studies = 12
"""


def test_previous_version_counts_are_loaded_shown_and_withdrawn(folder: Path) -> None:
    """An update: the previous version's studies join the total until withdrawn."""
    (folder / "previous.toml").write_text(PREVIOUS, encoding="utf-8")
    args = ("--reviewer", "R1", "-p", str(folder))
    code, out, err = invoke("data", "load", str(folder / "previous.toml"), *args)
    assert code == 0, err
    code, out, err = invoke("prisma", "-p", str(folder))
    assert code == 0, err
    assert "Studies included in previous version of review (n = 12)" in out
    assert "Reports of studies included in previous version of review (n = 15)" in out
    assert "Total studies included in review (n = 12)" in out
    source = "Smith et al. 2020, previous version of this review"
    code, out, err = invoke("data", "withdraw-counts", "--source", source, *args)
    assert code == 0, err
    code, out, err = invoke("prisma", "-p", str(folder))
    assert "previous version" not in out and "Studies included in review (n = 0)" in out
    (folder / "previous.toml").write_text(
        PREVIOUS.replace("total_studies = 12", "total_studies = 11")
    )
    code, _, err = invoke("data", "load", str(folder / "previous.toml"), *args)
    assert code == 2 and "total_studies is 11, but its boxes add up to 12" in err
