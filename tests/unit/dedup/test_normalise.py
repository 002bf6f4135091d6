"""Field normalisation: DOIs, titles, authors, journals, pages."""

from __future__ import annotations

import pytest

from sysreview.dedup.normalise import (
    journal_key,
    journals_match,
    normalise_author,
    normalise_doi,
    normalise_pages,
    normalise_pmid,
    normalise_title,
    normalise_year,
)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("10.1000/ABC", "10.1000/abc"),
        ("https://dx.doi.org/10.1000/abc.", "10.1000/abc"),
        ("doi: 10.1000/abc", "10.1000/abc"),
        (None, ""),
        ("n/a", ""),
    ],
)
def test_doi(raw: str | None, expected: str) -> None:
    assert normalise_doi(raw) == expected


def test_pmid_and_year() -> None:
    assert normalise_pmid("PMID:00123") == "123"
    assert normalise_year(" 2011 Mar ") == 2011
    assert normalise_year(None) is None


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Efficacy of batroxobin. [Chinese]", "efficacy of batroxobin"),
        ("[A study of tuberculous pleurisy]", "a study of tuberculous pleurisy"),
        ("Management of lesions. [Review] [97 refs]", "management of lesions"),
        ("Risk of CIN.[Erratum appears in Int J Cancer. 2007;121:1873]", "risk of cin"),
        ("Cost of testing (Provisional abstract)", "cost of testing"),
        ("Antibiotic prophylaxis. <ORIGINAL> PROPHYLAXIE ANTIBIOTIQUE", "antibiotic prophylaxis"),
        ("Génève &amp; Zürich", "geneve amp zurich"),
    ],
)
def test_title(raw: str, expected: str) -> None:
    assert normalise_title(raw) == expected


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("Zuber, J.", ("zuber", "j")),
        ("Le Quintrec, Moglie", ("lequintrec", "m")),
        ("Smith JA", ("smith", "ja")),
        ("Anna L. Cox", ("cox", "al")),
    ],
)
def test_author(raw: str, expected: tuple[str, str]) -> None:
    assert normalise_author(raw) == expected


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("Nat Rev Nephrol", "Nature Reviews Nephrology", True),
        ("Seminars in Thrombosis & Hemostasis", "Semin Thromb Haemost", True),
        ("J Natl Cancer Inst", "Journal of the National Cancer Institute", True),
        ("BMJ", "BMJ (Clinical research ed.)", True),
        ("PLoS ONE", "PLoS ONE [Electronic Resource]", True),
        ("Stroke", "Brain", False),
        ("Lancet Oncol", "Lancet Neurol", False),
    ],
)
def test_journals_match(a: str, b: str, same: bool) -> None:
    assert journals_match(a, b) is same


def test_journal_key() -> None:
    assert journal_key("Journal of Clinical Virology") == journal_key("J Clin Virol")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("123-30", ("123", "130")),
        ("1297-306", ("1297", "1306")),
        ("376 -- 383", ("376", "383")),
        ("S11-S15", ("s11", "s15")),
        ("e12724", ("e12724", "")),
        ("Suppl-41", ("", "")),
        ("t-71", ("", "")),
        ("pp. 5-7", ("5", "7")),
    ],
)
def test_pages(raw: str, expected: tuple[str, str]) -> None:
    assert normalise_pages(raw) == expected
