"""Field normalisation: DOIs, titles, authors, pages; journal and venue names."""

from __future__ import annotations

import pytest

from sysreview.dedup.normalise import (
    correction_reference,
    given_name,
    normalise_author,
    normalise_doi,
    normalise_pages,
    normalise_pmid,
    normalise_title,
    normalise_year,
)
from sysreview.dedup.venues import acronym_matches, journal_key, journals_match


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
        ("Eculizumab for aHUS (vol 360, pg 542, 2009)", "eculizumab for ahus"),
        (
            "Eculizumab for aHUS (New England Journal of Medicine (2009) 360 (542-544))",
            "eculizumab for ahus",
        ),
        (
            "Erratum: Eculizumab for aHUS (The Journal of Pediatrics (M",
            "erratum eculizumab for ahus",
        ),
        ("Outcomes in adults (aHUS)", "outcomes in adults ahus"),
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


@pytest.mark.parametrize(
    ("a", "b", "same"),
    [
        ("AMCIS 2017 Proceedings", "Americas Conference on Information Systems", True),
        ("ICIS : Transforming Society", "International Conference on Information Systems", True),
        ("JAMA", "Journal of the American Medical Association", True),
        ("ECIS 2017", "International Conference on Information Systems", False),
        ("PACIS 2017", "International Conference on Information Systems", False),
        ("BMJ", "Lancet", False),
        ("Stroke", "Surgery Today", False),  # two content words: too few to spell
        ("Brain", "Brain, Behavior, and Immunity", False),
    ],
)
def test_acronym_matches(a: str, b: str, same: bool) -> None:
    assert acronym_matches(a, b) is same
    assert acronym_matches(b, a) is same


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("X (vol 85, pg 553, 2010)", ("corrects", "85", "553")),
        ("X (Proc Natl Acad Sci USA (2007) 104 (240-245))", ("corrects", "104", "240")),
        ("X.[Erratum appears in Am J Hematol. 2010 Nov;85(11):911]", ("corrected_in", "85", "911")),
        ("X.[Erratum appears in Brain Inj. 2013;27(3):377", ("corrected_in", "27", "377")),
        ("X.[Erratum appears in Chest 1993 May;103(5):", ("", "", "")),  # cut before the page
        ("Correction of cognitive impairment (a trial)", ("", "", "")),
        (None, ("", "", "")),
    ],
)
def test_correction_reference(title: str | None, expected: tuple[str, str, str]) -> None:
    assert correction_reference(title) == expected


def test_given_name() -> None:
    assert given_name("Carignani, Andrea") == "andrea"
    assert given_name("Andrea, C.") == ""
    assert given_name("Smith JA") == ""
    assert given_name("Anna L. Cox") == "anna"


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
        ("532, 534-536, 538-540", ("532", "536")),
        ("215 p", ("", "")),
        ("62 pp.", ("", "")),
    ],
)
def test_pages(raw: str, expected: tuple[str, str]) -> None:
    assert normalise_pages(raw) == expected
