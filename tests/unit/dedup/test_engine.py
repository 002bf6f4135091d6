"""The pipeline: named rules, no deletion, the review queue, order independence."""

from __future__ import annotations

import random

import pandas as pd

from sysreview.dedup import RULES, DedupResult, find_duplicates
from sysreview.dedup.blocking import blocking_keys, candidate_pairs
from sysreview.dedup.scoring import prepare
from sysreview.records.model import Citation

ARTICLE = Citation(
    1,
    title="Aspirin after ischaemic stroke: a randomised controlled trial",
    authors=("Smith, John A.", "Jones, B."),
    year=2001,
    journal="Stroke",
    volume="32",
    issue="4",
    pages="123-30",
    doi="10.1161/01.str.32.4.123",
)


def _copy(**changes: object) -> Citation:
    fields = {**ARTICLE.__dict__, "position": 2, **changes}
    fields.pop("raw")
    return Citation(**fields)  # type: ignore[arg-type]


def test_reformatted_copy_is_a_duplicate() -> None:
    copy = _copy(
        title="ASPIRIN AFTER ISCHAEMIC STROKE - A RANDOMISED CONTROLLED TRIAL.",
        authors=("Smith JA", "Jones B"),
        pages="123-130",
        doi=None,
        journal="Stroke.",
    )
    result = find_duplicates([ARTICLE, copy])
    assert result.groups == ((0, 1),)
    (link,) = result.links
    assert link.rule == "same_page_range"
    assert {"title", "authors", "year", "volume", "pages"} <= set(link.agreed)


def test_typo_in_title_still_found_by_other_keys() -> None:
    copy = _copy(title="Asprin after ischemic stroke: a randomized controlled trial", doi=None)
    assert find_duplicates([ARTICLE, copy]).groups == ((0, 1),)


def test_erratum_in_a_later_volume_sharing_the_doi_is_not_merged() -> None:
    erratum = _copy(title="Erratum: " + str(ARTICLE.title), volume="33", pages="500")
    result = find_duplicates([ARTICLE, erratum])
    assert result.groups == ()
    assert result.rule_counts == {"different_kind": 1}


def test_conference_abstract_is_not_merged_with_the_paper() -> None:
    abstract = _copy(publication_type="Conference Abstract", pages="S12", doi=None)
    assert find_duplicates([ARTICLE, abstract]).groups == ()


def test_supplement_abstract_on_other_pages_is_not_merged() -> None:
    abstract = _copy(volume="32", pages="S45", issue="Suppl 1", doi=None)
    assert find_duplicates([ARTICLE, abstract]).groups == ()


def test_updated_cochrane_review_is_merged() -> None:
    review = Citation(
        1,
        title="Antiplatelet agents for preventing stroke in adults",
        authors=("Kuwabara, S.", "Dispenzieri, A."),
        year=2008,
        journal="Cochrane Database of Systematic Reviews",
        pages="CD006828",
        doi="10.1002/14651858.CD006828",
    )
    update = Citation(
        2,
        title="Antiplatelet agents for preventing stroke in adults",
        authors=("Kuwabara, Satoshi", "Dispenzieri, Angela"),
        year=2012,
        journal="Cochrane Database Syst Rev",
        pages="CD006828",
        doi="10.1002/14651858.CD006828.pub2",
    )
    result = find_duplicates([review, update])
    assert result.groups == ((0, 1),)
    assert result.links[0].rule == "updated_review"


def test_ahead_of_print_is_merged() -> None:
    online = _copy(year=2000, volume=None, issue=None, pages=None)
    assert find_duplicates([ARTICLE, online]).groups == ((0, 1),)


def test_different_dois_same_title_go_to_review() -> None:
    reprint = _copy(doi="10.9999/other", volume="33", pages=None, issue=None)
    result = find_duplicates([ARTICLE, reprint])
    assert result.groups == ()
    assert [x.rule for x in result.uncertain] == ["different_doi_same_title"]


def test_missing_title_goes_to_review() -> None:
    untitled = _copy(title=None, doi=None)
    result = find_duplicates([ARTICLE, untitled])
    assert result.groups == ()
    assert [x.rule for x in result.uncertain] == ["bibliographic_no_title"]


def test_nothing_is_deleted_and_frames_are_tidy() -> None:
    other = Citation(3, title="Statins for primary prevention", year=2010, journal="BMJ")
    copy = _copy(doi=None)
    result = find_duplicates([ARTICLE, other, copy])
    assert isinstance(result, DedupResult)
    frame = result.to_frame()
    assert len(frame) == 3
    assert frame["group"].tolist() == [0, 1, 0]
    assert frame["primary"].tolist() == [True, True, False]
    assert result.n_unique == 2
    links = result.links_frame()
    assert list(links.columns) == ["record_a", "record_b", "decision", "rule", "score", "agreed"]
    assert "Unique records:       2" in result.summary()


def test_order_does_not_matter() -> None:
    records = [
        ARTICLE,
        _copy(doi=None, authors=("Smith JA", "Jones B")),
        _copy(title="Erratum: " + str(ARTICLE.title), pages="500"),
        Citation(4, title="Statins for primary prevention", year=2010, journal="BMJ"),
    ]
    reference = {frozenset(g) for g in find_duplicates(records).groups}
    order = list(range(len(records)))
    random.Random(0).shuffle(order)
    shuffled = find_duplicates([records[k] for k in order])
    mapped = {frozenset(order[k] for k in g) for g in shuffled.groups}
    assert mapped == reference


def test_progress_callback_and_empty_input() -> None:
    stages: list[str] = []
    find_duplicates([ARTICLE], progress=lambda stage, fraction: stages.append(stage))
    assert stages[0] == "normalise" and stages[-1] == "group"
    empty = find_duplicates([])
    assert empty.groups == () and empty.n_candidates == 0


def test_rules_have_unique_names_and_valid_decisions() -> None:
    names = [r.name for r in RULES]
    assert len(names) == len(set(names))
    assert {r.decision for r in RULES} <= {"duplicate", "uncertain", "distinct"}


def test_blocking_pairs_are_unique_and_ordered() -> None:
    frame = prepare([ARTICLE, _copy(), _copy(position=3)])
    i, j = candidate_pairs(blocking_keys(frame))
    pairs = pd.DataFrame({"i": i, "j": j})
    assert (pairs["i"] < pairs["j"]).all()
    assert not pairs.duplicated().any()
    assert len(pairs) == 3
