"""The adapter registry (``sysreview.io``), outcome mappings and PRISMA counts files."""

from __future__ import annotations

from pathlib import Path

import pytest

from sysreview.errors import InputError
from sysreview.io import FORMATS, detect_format, read_dataset
from sysreview.io.outcomes import read_outcome_mapping
from sysreview.project.opening import validate_protocol
from sysreview.protocol import ProtocolError
from tests.conftest import PROJECT_ROOT
from tests.unit.io.helpers import project

DEMO_DATA = PROJECT_ROOT / "examples" / "group-peer-support" / "data" / "metapsy-peer-support.csv"
COUNTS = """\
source = "Search and screening in Covidence (PRISMA export)"
note = "exported 2023-06-30"

[counts]
records_databases = 1200
records_screened = 1200
records_excluded = 1140
reports_sought = 60
reports_not_retrieved = 2
reports_assessed = 58
reports_excluded = 50
reports_included = 8
studies_included = 7

[counts.records_databases_by_source]
MEDLINE = 700
Embase = 500

[counts.reports_excluded_by_reason]
"Wrong population" = 30
"Not randomised" = 20
"""


def test_formats_are_told_by_name_and_content(tmp_path: Path) -> None:
    assert FORMATS == ("metapsy", "revman", "metafor-csv", "prisma-counts")
    assert detect_format(DEMO_DATA) == "metapsy"
    (tmp_path / "review.xml").write_text("<?xml version='1.0'?><COCHRANE_REVIEW/>")
    assert detect_format(tmp_path / "review.xml") == "revman"
    (tmp_path / "counts.toml").write_text(COUNTS)
    assert detect_format(tmp_path / "counts.toml") == "prisma-counts"
    (tmp_path / "table.csv").write_text("study,m1i\n")
    assert detect_format(tmp_path / "table.csv") == "metafor-csv"
    (tmp_path / "notes.docx").write_bytes(b"PK\x03\x04")
    with pytest.raises(InputError, match=r"cannot tell the format of notes\.docx; give one of"):
        detect_format(tmp_path / "notes.docx")


def test_the_registry_refuses_what_it_cannot_read(tmp_path: Path) -> None:
    protocol = validate_protocol(project(tmp_path / "p"))
    with pytest.raises(InputError, match=r"gone\.csv: no such file"):
        read_dataset(tmp_path / "gone.csv", protocol)
    with pytest.raises(InputError, match=r"unknown data format 'xlsx'; must be one of metapsy"):
        read_dataset(DEMO_DATA, protocol, format="xlsx")
    with pytest.raises(InputError, match=r"a metapsy file needs a mapping file \(--mapping\)"):
        read_dataset(DEMO_DATA, protocol)


def test_prisma_counts_file(tmp_path: Path) -> None:
    protocol = validate_protocol(project(tmp_path / "p"))
    (tmp_path / "counts.toml").write_text(COUNTS)
    dataset = read_dataset(tmp_path / "counts.toml", protocol)
    assert (dataset.format, dataset.studies, dataset.outcomes) == ("prisma-counts", (), ())
    assert dataset.counts is not None
    assert dataset.counts.describe() == (
        "Search and screening in Covidence (PRISMA export) (exported 2023-06-30)"
    )
    c = dataset.counts.counts
    assert (c.records_identified, c.reports_not_retrieved, c.studies_included) == (1200, 2, 7)
    assert c.records_databases_by_source == (("MEDLINE", 700), ("Embase", 500))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        (
            ("records_screened = 1200", "records_screened = 1100"),
            r"counts\.toml: PRISMA boxes do not balance: records_identified \(1200\)",
        ),
        (
            ("records_screened = 1200", "records_screened = 1200.5"),
            r"counts\.toml, line 6: records_screened: must be a whole number",
        ),
        (
            ("records_excluded = 1140", "records_removed = 1140"),
            r"counts\.toml, line 7: unknown PRISMA box 'records_removed'",
        ),
        (('source = "Search', 'sauce = "Search'), r"line 1: unknown key 'sauce'"),
        (("[counts]", "counts = 3\n[boxes]"), r"invalid TOML|unknown key 'boxes'"),
    ],
)
def test_prisma_counts_mistakes_are_located(
    tmp_path: Path, change: tuple[str, str], message: str
) -> None:
    protocol = validate_protocol(project(tmp_path / "p"))
    (tmp_path / "counts.toml").write_text(COUNTS.replace(*change))
    with pytest.raises(InputError, match=message):
        read_dataset(tmp_path / "counts.toml", protocol)


def test_outcome_mapping_mistakes_are_located_by_line(tmp_path: Path) -> None:
    protocol = validate_protocol(project(tmp_path / "p"))
    path = tmp_path / "mapping.toml"
    path.write_text(
        'comparator = "usual"\nweeks = 3\n\n[[outcomes]]\noutcome = "A"\ndomain = "domain_1"\n'
        'measure = "BDI"\n\n[[outcomes]]\noutcome = "A"\ndomain = "nowhere"\nmeasure = "M"\n'
        '\n[[outcomes]]\ndomain = "domain_1"\nmeasure = "M"\nweeks_after_end = "six"\n'
    )
    with pytest.raises(ProtocolError) as info:
        read_outcome_mapping(path, protocol)
    said = str(info.value).splitlines()
    assert any(
        "line 1: comparator = 'usual': must be a comparator code of the protocol: TAU" in s
        for s in said
    )
    assert any("line 2: weeks = 3: unknown key" in s for s in said)
    assert any(
        "line 7: outcomes[0].measure = 'BDI': is not declared in domain 'domain_1'" in s
        for s in said
    )
    assert any("line 10: outcomes[1].outcome = 'A': listed twice" in s for s in said)
    assert any("line 11: outcomes[1].domain = 'nowhere': not a protocol domain" in s for s in said)
    assert any("outcomes[2].outcome: required key is missing" in s for s in said)
    assert any("line 17: outcomes[2].weeks_after_end = 'six': must be a number" in s for s in said)
