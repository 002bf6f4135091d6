"""Piloting against model papers, and PRESS 2015 reviews."""

from __future__ import annotations

from datetime import date

import pytest
from pydantic import ValidationError

from sysreview.errors import InputError
from sysreview.records.model import Citation
from sysreview.search import ELEMENTS, Assessment, PressReview, model_paper, pilot


def test_model_papers_match_by_doi_or_pmid() -> None:
    records = [
        Citation(position=1, title="Peer groups RCT", doi="10.1186/s12888-021-03321-z"),
        Citation(position=2, title="Another", pmid="36066104"),
        Citation(position=3, title="Unrelated", doi="10.1000/other"),
    ]
    report = pilot(
        ["https://doi.org/10.1186/S12888-021-03321-Z", "PMID: 36066104", "10.1000/missing"],
        records,
    )
    assert [(p.given, c.position) for p, c in report.found] == [
        ("https://doi.org/10.1186/S12888-021-03321-Z", 1),
        ("PMID: 36066104", 2),
    ]
    assert [p.given for p in report.missed] == ["10.1000/missing"]
    assert not report.complete
    assert report.to_frame()["found"].tolist() == [True, True, False]
    with pytest.raises(InputError, match="'Smith 2019' is neither a DOI nor a PMID"):
        model_paper("Smith 2019")
    with pytest.raises(InputError, match="no model papers given"):
        pilot([], records)


def _elements(**verdicts: str) -> list[dict[str, str]]:
    out = []
    for key, _ in ELEMENTS:
        verdict = verdicts.get(key, "no_revision")
        item = {"element": key, "assessment": verdict}
        if verdict != "no_revision":
            item["comment"] = f"fix {key}"
        out.append(item)
    return out


def test_press_review_overall_and_checks() -> None:
    review = PressReview(
        strategy="s",
        version="v1",
        reviewer="Information specialist",
        reviewed=date(2019, 7, 1),
        elements=_elements(subject_headings="revision_suggested", syntax="revision_required"),
    )
    assert review.overall is Assessment.REQUIRED
    assert "Subject headings: revision suggested — fix subject_headings" in review.summary()
    with pytest.raises(ValidationError, match="needs a comment"):
        PressReview(
            strategy="s",
            version="v1",
            reviewer="x",
            reviewed=date(2019, 7, 1),
            elements=[{"element": "syntax", "assessment": "revision_required"}],
        )
    with pytest.raises(ValidationError, match="assess every element"):
        PressReview(strategy="s", version="v1", reviewer="x", reviewed=date(2019, 7, 1),
                    elements=_elements()[:5])  # fmt: skip
