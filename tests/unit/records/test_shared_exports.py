"""Every file in ../shared/fixtures/exports/ reads with the manifest's record count, and
one concrete record per file has the fields a reviewer would check against the file."""

from __future__ import annotations

import csv
from pathlib import Path
from typing import Any

import pytest

from sysreview.errors import InputError
from sysreview.records import Citation, read_file
from tests.conftest import SHARED, shared_path

pytestmark = pytest.mark.shared

EXPORTS = SHARED / "fixtures" / "exports"
#: Files the brief's rules make unreadable on purpose, with the expected message part.
REJECTED: dict[str, str] = {}


def _manifest() -> list[dict[str, str]]:
    path = EXPORTS / "_manifest.csv"
    if not path.exists():
        return [{"file": "_manifest.csv", "records": "0"}]  # the test skips via shared_path
    with path.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


MANIFEST = _manifest()
LOREM = "BACKGROUND: Lorem ipsum dolor sit amet"
CYSTS = "Duplication cysts: Diagnosis, management, and the role of endoscopic ultrasound"

#: file -> (position, expected fields); "abstract" is matched as a prefix,
#: "authors" as the full tuple unless given as (first author, count).
EXPECTED: dict[str, tuple[int, dict[str, Any]]] = {
    "embase.ris": (
        1,
        {
            "title": CYSTS,
            "authors": ("Liu, R.", "Adler, D.G."),
            "year": 2014,
            "journal": "Endoscopic Ultrasound",
            "volume": "3",
            "issue": "3",
            "pages": "152-160",
            "doi": "10.4103/2303-9027.138783",
            "record_id": "L373791783",
            "database": "Embase",
            "issn": "2226-7190",
            "abstract": "Gastrointestinal tract duplication cysts are rare congenital",
        },
    ),
    "embase.csv": (
        1,
        {
            "title": CYSTS,
            "authors": ("Liu, R.", "Adler, D.G."),
            "year": 2014,
            "journal": "Endoscopic Ultrasound",
            "volume": "3",
            "issue": "3",
            "pages": "152-160",
            "doi": "10.4103/2303-9027.138783",
            "abstract": "Gastrointestinal tract duplication cysts are rare congenital",
        },
    ),
    "embase_newpage.csv": (
        1,
        {
            "authors": ("Liu, R.", "Adler, D.G."),
            "year": 2014,
            "journal": "Endoscopic Ultrasound",
            "doi": "10.4103/2303-9027.138783",
            "abstract": "TEST Gastrointestinal tract duplication",
        },
    ),
    "scopus.ris": (
        1,
        {
            "title": "Stress and the brain-gut axis in functional and chronic-inflammatory "
            "gastrointestinal diseases: A transdisciplinary challenge",
            "authors": ("Labanski, A.", "Langhorst, J.", "Engler, H.", "Elsenbruch, S."),
            "year": 2020,
            "journal": "Psychoneuroendocrinology",
            "volume": "111",
            "doi": "10.1016/j.psyneuen.2019.104501",
            "issn": "03064530",
            "database": "Scopus",
            "abstract": "The broad role of stress in the brain-gut axis",
        },
    ),
    "pubmed_zotero.ris": (
        1,
        {
            "authors": ("Rudnik, Agata", 4),
            "year": 2019,
            "journal": "Przeglad gastroenterologiczny",
            "journal_abbrev": "Prz Gastroenterol",
            "pages": "121-128",
            "doi": "10.5114/pg.2018.81081",
            "abstract": "Introduction: There are studies demonstrating the relation",
        },
    ),
    "pubmed_endnote.txt": (
        1,
        {
            "title": "Boswellia serrata: an overall assessment of in vitro, preclinical, "
            "pharmacokinetic and clinical data",
            "authors": ("Abdel-Tawab, M.", "Werz, O.", "Schubert-Zsilavecz, M."),
            "year": 2011,
            "journal": "Clin Pharmacokinet",
            "pmid": "21553931",
            "pages": "349-69",
            "doi": "10.2165/11586800-000000000-00000",
            "line": 2,
            "abstract": "Non-steroidal anti-inflammatory drug (NSAID) intake",
        },
    ),
    "ovid_psycinfo.ris": (
        1,
        {
            "title": "The influence of self-criticism on depression symptoms among ambulatory "
            "patients with inflammatory bowel disease.",
            "authors": ("Trindade, Ines A", 5),
            "year": 2019,
            "doi": "10.1002/cpp.2398",
            "journal": "Clinical Psychology & Psychotherapy",
            "record_id": "2019-65183-001",
            "pages": None,
            "line": 2,
            "abstract": "Considering that self-criticism is an important",
        },
    ),
    "ovid_zotero.ris": (
        1,
        {
            "authors": ("Trindade, Ines A", 5),
            "year": 2019,
            "doi": "10.1002/cpp.2398",
            "journal": "Clinical Psychology & Psychotherapy",
            "pages": None,
            "abstract": "Considering that self-criticism is an important",
        },
    ),
    "proquest.ris": (
        1,
        {
            "title": "Predictors of posttraumatic stress symptom trajectories following the fatal "
            "2011 Christchurch, New Zealand earthquake",
            "authors": ("Jones, Hannah", 7),
            "year": 2019,
            "journal": "Journal of Traumatic Stress",
            "doi": "10.1002/jts.22387",
            "pmid": None,
            "database": "PTSDpubs",
            "abstract": "People respond differently to potentially traumatic events.",
        },
    ),
    "web_of_science.txt": (
        1,
        {
            "title": "Holding Yourself Captive: Perceptions of Custody During Interviews and "
            "Interrogations",
            "authors": ("Alceste, F", "Luke, TJ", "Kassin, SM"),
            "year": 2018,
            "journal": "JOURNAL OF APPLIED RESEARCH IN MEMORY AND COGNITION",
            "pages": "387-397",
            "doi": "10.1016/j.jarmac.2018.03.001",
            "record_id": "WOS:000444108200009",
            "abstract": "Police custody activates important legal safeguards.",
        },
    ),
    "ris_issue_1099.txt": (
        1,
        {
            "authors": ("Vaimann, T.", 5),
            "year": 2018,
            "pages": "271-278",
            "journal": "Advances in Electrical and Electronic Engineering",
            "doi": "10.15598/aeee.v16i3.2698",
            "abstract": "The paper is about the design",
        },
    ),
    "ris_issue_992.txt": (
        19,
        {
            "title": "Behavioral health care quality among marketplace insurers in 2019",
            "authors": ("Abraham, J. M.", 4),
            "year": 2021,
            "journal": "Psychiatric Services",
            "doi": "10.1176/appi.ps.202000115",
            "record_id": "1060",
            "abstract": "Objective: Using 2019 Centers for Medicare and Medicaid Services data,",
        },
    ),
    "_baseline.ris": (
        1,
        {
            "authors": ("Blomberg, Björn A.", 5),
            "year": 2012,
            "pages": "97-105",
            "journal": "Molecular imaging and biology",
            "doi": "10.1007/s11307-012-0572-0",
            "pmid": "22752652",
            "record_id": "000-463-679-101-319",
            "abstract": "This systematic review and meta-analysis aimed to quantify",
        },
    ),
    "baseline_zotero.ris": (
        1,
        {
            "title": "An open source machine learning framework for efficient and transparent "
            "systematic reviews",
            "authors": ("van de Schoot, Rens", 17),
            "year": 2021,
            "pages": "125-133",
            "journal": "Nature Machine Intelligence",
            "doi": "10.1038/s42256-020-00287-7",
            "abstract": "To help researchers conduct a systematic review",
        },
    ),
    "baseline_reference_types.ris": (1, {"publication_type": None, "title": None}),
    "baseline_tag_and_field_definitions.ris": (
        1,
        {
            "title": "Title",
            "authors": ("Authors",),
            "year": None,
            "journal": "Alternate Title 3",
            "pages": "Start Page-End Page",
            "abstract": "Abstract",
            "record_id": "ID",
        },
    ),
    "baseline_tag_and_field_definitions_lists.ris": (
        1,
        {"authors": ("Author 1", "Author 2"), "keywords": ("Keywords 1", "Keywords 2")},
    ),
    "baseline_tag-notes.ris": (1, {"title": "Only title", "abstract": None}),
    "baseline_tag-notes_labels.ris": (
        1,
        {"title": 'Record which is labeled "relevant" by the researcher using ASReview.'},
    ),
    "baseline_tag-notes_zotero.ris": (
        1,
        {"title": "Zotero: notes in records come with XHTML tags around them."},
    ),
    "baseline_empty_values.ris": (
        2,
        {
            "record_id": "2",
            "title": None,
            "abstract": "Lorem ipsum dolor sit amet, consectetuer adipiscing elit.",
        },
    ),
    "faulty_year.ris": (
        1,
        {
            "year": None,
            "abstract": "This systematic review and meta-analysis",
            "title": "The Value of Radiologic Interventions and 18 F-DOPA PET in Diagnosing and "
            "Localizing Focal Congenital Hyperinsulinism: Systematic Review and Meta-Analysis",
        },
    ),
    "ris_many_authors.ris": (
        1,
        {
            "title": "This is the title",
            "authors": ("Verylongname, Christopher", 7456),
            "abstract": "This is a random text",
        },
    ),
    "duplicate_records.csv": (4, {"title": "c", "doi": "10.3", "abstract": "lorem", "line": 5}),
    "missing_values.csv": (2, {"title": None, "abstract": LOREM}),
    "record_id.csv": (10, {"record_id": "3", "title": "Lorem Ipsum record_id 3 - row 9"}),
    "generic.csv": (
        1,
        {
            "title": "Title of reference",
            "authors": ("Marx, Karl", "Lindgren, Astrid"),
            "year": 2014,
            "journal": "Lorem",
            "volume": "9",
            "issue": "3",
            "pages": "e0815",
            "keywords": ("Pippi", "Nordwind", "Piraten"),
            "abstract": LOREM,
        },
    ),
    "generic_bad_record_id.csv": (
        1,
        {
            "record_id": "0",
            "title": "Title of reference",
            "year": 2014,
            "authors": ("Marx, Karl", "Lindgren, Astrid"),
        },
    ),
    "generic_column_names_with_spaces.csv": (1, {"title": "Title of reference", "abstract": LOREM}),
    "generic_labels.csv": (1, {"title": "Title of reference", "abstract": LOREM, "year": 2014}),
    "generic_labels_no_abs.csv": (1, {"title": "Title of reference", "abstract": None}),
    "generic_labels_no_title.csv": (1, {"title": None, "abstract": LOREM}),
    "generic_partial_labels.csv": (1, {"title": "Title of reference", "abstract": LOREM}),
    "generic_semicolon.csv": (
        1,
        {
            "title": "Title of reference",
            "year": 2014,
            "authors": ("Marx, Karl", "Lindgren, Astrid"),
            "abstract": LOREM,
        },
    ),
    "generic_tab.csv": (1, {"title": "Title of reference", "year": 2014, "abstract": LOREM}),
    "Embase_endnote_r3001-3002.cgi.txt": (
        1,
        {
            "title": "Quality of life in patients with primary ciliary dyskinesia: A systematic "
            "review.",
            "authors": ("Behan, L.", "Rubbo, B.", "Lucas, J.S.", "Galvin, A.D."),
            "year": 2018,
            "journal": "BMC Proceedings",
            "doi": "10.1186/s12919-018-0099-8",
            "pmid": None,
            "record_id": "621381829",
            "database": "Embase",
            "publication_type": "Conference Abstract",
            "abstract": "Background: As in most rare diseases, little is known",
        },
    ),
    "Embase_citavi_r3001-3002.ovd.txt": (
        2,
        {
            "title": "Development of a bioinformatics analysis method for diagnosis of.",
            "authors": ("Dyskinesia, P.C.", "Server, E.A."),
            "year": 2018,
            "journal": "BMC Proceedings",
            "doi": "10.1186/s12919-018-0099-8",
            "record_id": "621381823",
            "abstract": "Primary ciliary dyskinesia is a rare, autosomal recessive",
        },
    ),
    "WoS_other_reference_software_r4001-4012.txt": (
        1,
        {
            "title": "Caregivers' views on stigmatization and discrimination of people affected by "
            "leprosy in Ghana",
            "authors": ("Asampong, Emmanuel", "Gyeke, Mavis Dako Plusminus", "Oduro, Razak"),
            "year": 2018,
            "journal": "PLOS NEGLECTED TROPICAL DISEASES",
            "pages": "e0006219",
            "doi": "10.1371/journal.pntd.0006219",
            "pmid": "29377890",
            "line": 3,
            "record_id": "WOS:000424022700066",
            "abstract": "Background Leprosy is a condition",
        },
    ),
    "pmid.txt": (1459, {"pmid": "31479452", "record_id": "31479452", "line": 1459}),
    "Respiratory_endnote_excerpt.xml": (
        1,
        {
            "title": "Perioperative nutritional support in patients undergoing hepatectomy for "
            "hepatocellular carcinoma",
            "authors": ("Ziegler, T. R.",),
            "year": 1996,
            "pages": "91-92",
            "volume": "20",
            "journal": "Jpen: Journal of Parenteral & Enteral Nutrition",
            "record_id": "2",
        },
    ),
}


def _check(citation: Citation, expected: dict[str, Any]) -> None:
    for name, value in expected.items():
        actual = getattr(citation, name)
        if name == "abstract" and value is not None:
            assert actual is not None and actual.startswith(value), (name, actual)
        elif name == "authors" and len(value) == 2 and isinstance(value[1], int):
            assert (actual[0], len(actual)) == value, (name, actual[:3])
        else:
            assert actual == value, (name, actual)


def test_every_manifest_file_has_an_expectation() -> None:
    shared_path("fixtures", "exports", "_manifest.csv")
    names = {row["file"] for row in MANIFEST}
    assert names == set(EXPECTED) | set(REJECTED)


@pytest.mark.parametrize("row", MANIFEST, ids=[row["file"] for row in MANIFEST])
def test_export_reads_with_manifest_count_and_fields(row: dict[str, str]) -> None:
    path = shared_path("fixtures", "exports", row["file"])
    if row["file"] in REJECTED:
        with pytest.raises(InputError, match=REJECTED[row["file"]]) as info:
            read_file(path)
        assert info.value.source == str(path) and info.value.line == 1
        return
    result = read_file(path)
    assert len(result.citations) == int(row["records"])
    assert [c.position for c in result.citations] == list(range(1, len(result.citations) + 1))
    position, expected = EXPECTED[row["file"]]
    _check(result.citations[position - 1], expected)
    assert result.citations[0].raw, "raw keeps every tag/column"


@pytest.mark.parametrize(
    ("name", "fmt"),
    [
        ("embase.ris", "ris"),
        ("embase.csv", "csv"),
        ("generic_tab.csv", "csv"),
        ("Embase_citavi_r3001-3002.ovd.txt", "ovid"),
        ("pubmed_endnote.txt", "ris"),
        ("WoS_other_reference_software_r4001-4012.txt", "wos"),
        ("web_of_science.txt", "ris"),
        ("pmid.txt", "pmid_list"),
        ("Respiratory_endnote_excerpt.xml", "endnote_xml"),
    ],
)
def test_format_is_detected_by_content(name: str, fmt: str) -> None:
    assert read_file(shared_path("fixtures", "exports", name)).format == fmt


def test_faulty_year_warns_with_file_and_line() -> None:
    path = shared_path("fixtures", "exports", "faulty_year.ris")
    assert read_file(path).warnings == (f"{path}:3: PY '10 15' is not a year; year left empty",)


def test_ovid_lines_after_er_are_kept_with_their_record() -> None:
    result = read_file(shared_path("fixtures", "exports", "ovid_psycinfo.ris"))
    assert result.citations[0].raw["NL"] == ["Clin Psychol Psychother"]
    assert "6 tag line(s) after an 'ER  -' (first: 'NL' at line 26)" in result.warnings[0]


def test_record_without_ty_is_accepted_with_a_warning() -> None:
    path = shared_path("fixtures", "exports", "baseline_tag_and_field_definitions.ris")
    result = read_file(path)
    assert result.citations[1].raw == {"UK": ["Unknown Tag"]}
    assert f"{path}:65: record has no 'TY  - ' line" in result.warnings[0]


def test_rayyan_multiline_keywords_are_separate_values() -> None:
    first = read_file(shared_path("fixtures", "exports", "ris_issue_992.txt")).citations[0]
    assert first.keywords[:3] == ("Health Facility Administration", "Joint Commission", "Standards")
    assert len(first.keywords) == 13


def test_same_records_through_different_exporters_agree() -> None:
    def read(name: str) -> tuple[Citation, ...]:
        return read_file(shared_path("fixtures", "exports", name)).citations

    for a, b in [
        ("_baseline.ris", "baseline_zotero.ris"),
        ("ovid_psycinfo.ris", "ovid_zotero.ris"),
        ("embase.ris", "embase.csv"),
    ]:
        dois_a = sorted(c.doi for c in read(a) if c.doi)
        assert dois_a and dois_a == sorted(c.doi for c in read(b) if c.doi), (a, b)
    endnote, citavi = (
        read("Embase_endnote_r3001-3002.cgi.txt"),
        read("Embase_citavi_r3001-3002.ovd.txt"),
    )
    assert [c.title for c in endnote] == [c.title for c in citavi]
    assert endnote[0].doi == endnote[1].doi, "two abstracts share one supplement DOI"


def test_mixed_line_endings_join_multiline_abstracts() -> None:
    data = Path(shared_path("fixtures", "exports", "_baseline.ris")).read_bytes()
    assert b"\r\n" in data
    citations = read_file(shared_path("fixtures", "exports", "_baseline.ris")).citations
    assert all("\n" not in (c.abstract or "") for c in citations)
