"""References: CSL-JSON from record fields, numbered in citation order by citeproc-py."""

from __future__ import annotations

import pytest

from sysreview.report.record import CitedStudy, Reference
from sysreview.report.references import STYLE, References, csl_item


def _ref(i: int, **fields: object) -> Reference:
    return Reference(csl=csl_item(i, **fields))  # type: ignore[arg-type]


COOK = CitedStudy("Cook 2012", (
    _ref(1, authors="Cook, Judith A.\nCopeland, Mary E.", title="A trial of WRAP",
         journal="Psychiatric Services", journal_abbrev="Psychiatr Serv", year=2012,
         volume="63", issue="6", pages="541-547", doi="10.1176/appi.ps.201100125"),
    _ref(2, authors="Cook, Judith A.", title="Secondary outcomes", journal="Schizophr Res",
         year=2013, pmid="22508435"),
))  # fmt: skip
LEE = CitedStudy("Lee 2018", (Reference(text="Lee, A. (2018). A trial as given. J X, 1, 2-3."),))
EXCLUDED = CitedStudy("Smith 2019", (_ref(9, title="Not a trial", year=2019),), "Wrong design")


def test_csl_items_from_record_fields() -> None:
    item = csl_item(3, authors="Smith, Ann B\nWHO Study Group\n", title=" A title ",
                    journal="J Med", year=2001, url="https://x.org", publication_type="Journal "
                    "Article")  # fmt: skip
    assert item == {
        "id": "record-3", "type": "article-journal", "title": "A title", "container-title":
        "J Med", "URL": "https://x.org", "issued": {"date-parts": [[2001]]},
        "author": [{"family": "Smith", "given": "Ann B"}, {"literal": "WHO Study Group"}],
    }  # fmt: skip
    assert "URL" not in csl_item(3, doi="10.1/x", url="https://x.org")
    assert csl_item(4, publication_type="Doctoral Thesis")["type"] == "thesis"
    assert csl_item(5, publication_type="Conference Abstract")["type"] == "paper-conference"


def test_numbers_follow_the_groups_and_each_study_lists_all_its_reports() -> None:
    refs = References({"included": (COOK, LEE), "excluded": (EXCLUDED,)})
    assert refs.cite("Cook 2012") == "[1,2]"
    assert refs.cited("Lee 2018") == "Lee 2018 [3]"
    assert refs.cited("Smith 2019", "excluded") == "Smith 2019 [4]"
    assert refs.cited("Nobody 2000") == "Nobody 2000" and refs.count == 4
    (cook, lee) = refs.entries("included")
    assert [e.number for e in cook.items] == [1, 2]
    assert cook.items[0].text == (
        "Cook JA, Copeland ME. A trial of WRAP. Psychiatr Serv. 2012;63(6):541–7. "
        "doi:10.1176/appi.ps.201100125"
    )
    assert (
        cook.items[1].text
        == "Cook JA. Secondary outcomes. Schizophr Res. 2013. PubMed PMID: 22508435."
    )
    assert lee.items[0].text == "Lee, A. (2018). A trial as given. J X, 1, 2-3."
    assert refs.entries("ongoing") == ()


def test_markup_in_record_text_stays_text() -> None:
    evil = CitedStudy("X 2020", (_ref(1, title="<script>alert(1)</script> trial", year=2020),))
    (entry,) = References({"included": (evil,)}).entries("included")
    assert "<script>" in entry.items[0].text  # plain text; the HTML template escapes it


def test_a_reference_is_one_of_csl_or_text() -> None:
    with pytest.raises(ValueError, match="one of them"):
        Reference()
    with pytest.raises(ValueError, match="one of them"):
        Reference(csl={"id": "x"}, text="y")


def test_the_bundled_style_carries_its_licence() -> None:
    text = STYLE.read_text(encoding="utf-8")
    assert "creativecommons.org/licenses/by-sa/3.0" in text
    assert "Citing Medicine" in text
    readme = (STYLE.parent / "README.md").read_text(encoding="utf-8")
    assert "Attribution-ShareAlike 3.0" in readme and "Berkowitz" in readme
