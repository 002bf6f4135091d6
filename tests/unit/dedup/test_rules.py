"""The decision rules on hand-made records: each rule merges its case and leaves the
near-miss next to it alone.

The records imitate the export patterns found in the bib-dedupe benchmark sets (see
benchmarks/DEDUP.md), but are written here from scratch: no rule is keyed on a record
of the benchmark.
"""

from __future__ import annotations

from dataclasses import replace

from sysreview.dedup import DedupResult, find_duplicates
from sysreview.records.model import Citation

ARTICLE = Citation(
    1,
    title="Complement factor B mutations in atypical haemolytic uraemic syndrome",
    authors=("Jorge, E. G.", "Harris, C. L.", "Gordillo, J."),
    year=2007,
    journal="Proceedings of the National Academy of Sciences",
    volume="104",
    issue="1",
    pages="240-245",
)


def _other(base: Citation, **changes: object) -> Citation:
    changes.setdefault("position", base.position + 1)
    return replace(base, **changes)  # type: ignore[arg-type]


def _rules(result: DedupResult) -> list[str]:
    return [link.rule for link in result.links]


# -- corrected versions: erratum_of ---------------------------------------------------


def test_erratum_in_the_same_volume_is_linked_to_its_article() -> None:
    erratum = _other(ARTICLE, title="Erratum: " + str(ARTICLE.title), issue="25", pages="10749")
    result = find_duplicates([ARTICLE, erratum])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["erratum_of"]


def test_erratum_in_a_later_volume_stays_a_separate_record() -> None:
    erratum = _other(
        ARTICLE, title="Erratum to: " + str(ARTICLE.title), volume="105", year=2008, pages="77"
    )
    result = find_duplicates([ARTICLE, erratum])
    assert result.groups == ()
    assert result.rule_counts == {"different_kind": 1}


def test_erratum_of_a_book_review_is_not_linked_to_a_similar_title() -> None:
    review = _other(ARTICLE, title="Review - Outsourcing information systems: enduring themes")
    erratum = _other(
        review, title="Erratum - Outsourcing information systems: enduring themes", pages="301"
    )
    assert find_duplicates([review, erratum]).groups == ()


def test_retraction_is_never_merged() -> None:
    retraction = _other(ARTICLE, title="Retraction: " + str(ARTICLE.title), pages="900")
    assert find_duplicates([ARTICLE, retraction]).groups == ()


def test_article_citing_its_erratum_is_linked_to_the_notice() -> None:
    # MEDLINE names the erratum's place; the notice (Web of Science style) carries a
    # truncated group author, so only the citation ties the two together.
    article = Citation(
        1,
        title="Eculizumab for atypical haemolytic-uraemic syndrome."
        "[Erratum appears in N Engl J Med. 2009 Jun 4;360(23):2487]",
        authors=("Nurnberger, J.", "Philipp, T.", "Witzke, O."),
        year=2009,
        journal="New England Journal of Medicine",
        volume="360",
        issue="5",
        pages="542-544",
    )
    notice = Citation(
        2,
        title="Eculizumab for Atypical Haemolytic-Uraemic Syndrome (vol 360, pg 542, 2009)",
        authors=("Philipp,",),
        year=2009,
        journal="New Engl J Med",
        volume="360",
        issue="23",
        pages="2487",
    )
    result = find_duplicates([article, notice])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["erratum_of"]


def test_notice_citing_an_article_that_does_not_cite_it_back_is_not_linked() -> None:
    article = _other(ARTICLE, position=0)
    notice = _other(
        ARTICLE,
        title=str(ARTICLE.title) + " (vol 104, pg 240, 2007)",
        authors=("Jorge,",),
        issue="25",
        pages="10749",
    )
    assert find_duplicates([article, notice]).groups == ()


# -- page numbers that disagree ---------------------------------------------------------


def test_same_doi_with_article_number_and_page_count_is_merged() -> None:
    a = _other(ARTICLE, doi="10.1016/j.chb.2020.106482", pages="106482", volume="113", issue=None)
    b = _other(a, pages="11", authors=("Jorge, Elena G.", "Harris, Claire L.", "Gordillo, J."))
    result = find_duplicates([a, b])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["same_doi_title_authors"]


def test_same_doi_with_different_titles_is_not_merged() -> None:
    a = _other(ARTICLE, doi="10.1186/s12919-018-0099-8", pages="A12")
    b = _other(a, title="Factor H autoantibodies in a paediatric cohort", pages="A17")
    assert find_duplicates([a, b]).groups == ()


def test_meeting_abstract_numbered_differently_in_the_same_issue_is_merged() -> None:
    a = _other(ARTICLE, journal="Archives of Physical Medicine and Rehabilitation", pages="e8-e9")
    b = _other(a, pages="e3")
    result = find_duplicates([a, b])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["short_item_same_issue"]


def test_meeting_abstract_and_full_paper_in_the_same_volume_are_not_merged() -> None:
    abstract = _other(ARTICLE, issue="9", pages="1875")
    paper = _other(ARTICLE, issue="12", pages="2539-2542")
    assert find_duplicates([abstract, paper]).groups == ()


def test_mistyped_page_range_does_not_veto() -> None:
    a = _other(ARTICLE, pages="2097-2108")
    b = _other(ARTICLE, pages="2297-2108")  # ends before it starts: a typo
    assert find_duplicates([a, b]).groups == ((0, 1),)


def test_subtitle_and_shifted_first_page_with_the_same_last_page_is_merged() -> None:
    a = _other(ARTICLE, title=str(ARTICLE.title) + ": brief communication", pages="2141-2147")
    b = _other(ARTICLE, pages="2142-2147")
    result = find_duplicates([a, b])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["title_prefix_pages"]


# -- authors and venues written differently ---------------------------------------------

PAPER = Citation(
    1,
    title="We don't need no education: required abilities in online labor markets",
    authors=("Carignani, Andrea", "Negri, Lorenzo"),
    year=2010,
    journal="International Conference on Information Systems",
    publication_type="inproceedings",
)


def test_swapped_given_names_and_surnames_are_recognised() -> None:
    swapped = _other(
        PAPER,
        authors=("Andrea, C.", "Lorenzo, N."),
        journal="ICIS - Thirty First International Conference on Information Systems",
    )
    result = find_duplicates([PAPER, swapped])
    assert result.groups == ((0, 1),)


def test_a_given_name_that_is_another_authors_surname_is_not_a_swap() -> None:
    smith = _other(PAPER, authors=("Smith, Thomas",))
    thomas = _other(smith, authors=("Thomas, John",))  # initial J is not Smith's S
    assert find_duplicates([smith, thomas]).groups == ()
    swapped = _other(smith, authors=("Thomas, S.",))
    assert find_duplicates([smith, swapped]).groups == ((0, 1),)


def test_other_authors_with_the_same_title_are_not_merged() -> None:
    other = _other(PAPER, authors=("Rossi, M.", "Bianchi, L."))
    assert find_duplicates([PAPER, other]).groups == ()


def test_venue_acronym_matches_the_full_name() -> None:
    amcis = _other(
        PAPER, journal="Americas Conference on Information Systems", year=2017, position=1
    )
    short = _other(amcis, journal="AMCIS 2017 Proceedings")
    result = find_duplicates([amcis, short])
    assert result.groups == ((0, 1),)


def test_venue_with_another_acronym_is_not_the_same_venue() -> None:
    icis = _other(PAPER, year=2017)
    ecis = _other(icis, journal="ECIS 2017 Proceedings")
    assert find_duplicates([icis, ecis]).groups == ()


def test_transliterated_journal_name_with_the_same_volume_and_issue() -> None:
    english = _other(
        ARTICLE, journal="Transactions of the Japanese Society for Artificial Intelligence"
    )
    japanese = _other(english, journal="Jinko Chino Gakkai Ronbunshi", pages=None)
    assert find_duplicates([english, japanese]).groups == ((0, 1),)
    other_issue = _other(japanese, issue="2")
    assert find_duplicates([english, other_issue]).groups == ()


def test_volume_that_repeats_the_year_and_a_lead_in_title() -> None:
    magazine = Citation(
        1,
        title="Upwork's CEO on how an introverted engineer learned to lead",
        authors=("Kasriel, S.",),
        year=2016,
        journal="Harvard Business Review",
        volume="2016",
        issue="May",
    )
    indexed = _other(
        magazine,
        title="How did it ... Upwork's CEO on how an introverted engineer learned to lead",
        authors=("Kasriel, Stephane",),
        volume="94",
        issue="5",
        pages="35+",
    )
    result = find_duplicates([magazine, indexed])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["title_part_journal"]
    reply = _other(indexed, authors=("Moss, K.",))
    assert find_duplicates([magazine, reply]).groups == ()


# -- different DOIs ---------------------------------------------------------------------

ABSTRACT = (
    "This study examines how sponsorship and vendor management shape the outcomes of "
    "outsourced information technology projects, using survey data from 120 projects."
)


def test_article_published_twice_with_the_same_abstract_is_merged() -> None:
    first = _other(ARTICLE, doi="10.1057/jit.2009.2", abstract=ABSTRACT, volume="24", pages="46-54")
    second = _other(
        first, doi="10.1057/jit.2008.23", year=2008, volume="25", pages="56-64", issue="2"
    )
    result = find_duplicates([first, second])
    assert result.groups == ((0, 1),)
    assert _rules(result) == ["different_doi_same_abstract"]


def test_different_dois_and_different_abstracts_go_to_review() -> None:
    first = _other(ARTICLE, doi="10.1057/jit.2009.2", abstract=ABSTRACT)
    second = _other(
        first, doi="10.1057/jit.2010.9", abstract="A yearly editorial on the journal's work."
    )
    result = find_duplicates([first, second])
    assert result.groups == ()
    assert [link.rule for link in result.uncertain] == ["different_doi_same_title"]


# -- near-misses the benchmark's ground truth merges, and the rules do not ---------------


def test_trial_registrations_for_adults_and_adolescents_stay_apart() -> None:
    adult = Citation(
        1,
        title="Open label controlled trial of eculizumab in adult patients with "
        "plasma therapy-sensitive atypical haemolytic uraemic syndrome",
        authors=("Alexion Pharmaceuticals, Inc",),
        year=2011,
    )
    adolescent = _other(adult, title=str(adult.title).replace("adult", "adolescent"))
    assert find_duplicates([adult, adolescent]).groups == ()


def test_thesis_and_its_dissertation_abstract_go_to_review() -> None:
    listing = Citation(
        1,
        title="An intelligent rehabilitation system for cognitive rehabilitation",
        authors=("Yip, Chi Bun",),
        year=2012,
        journal="Dissertation Abstracts International: Section B",
        volume="73",
        pages="1524",
    )
    thesis = _other(listing, year=2011, journal=None, volume="Ph.D.", pages="215 p")
    result = find_duplicates([listing, thesis])
    assert result.groups == ()
    assert [link.rule for link in result.uncertain] == ["similar_title"]
