"""The seed review's RCT filters and "all fields" searching, rendered per interface.

SEED §2: the Cochrane HSSS in MEDLINE; the Royle & Waugh filter plus the P3 filter in
PsycINFO and Embase. Royle & Waugh's brief RCT search strategy is "variants of the word
random across all fields (random$.af.) in MEDLINE and EMBASE" (Royle P, Waugh N. BMC Med
Res Methodol 2005;5:23, abstract). All-fields syntax: Ovid ``.af.`` (Ovid field guide),
PubMed ``[All Fields]`` (PubMed User Guide, search field tags), the Cochrane Library
Search Manager without a field label ("finds articles containing lung and cancer
anywhere in the article", Search Manager help), ClinicalTrials.gov a plain term.
"""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.protocol import ProtocolError
from sysreview.protocol.templates import template_searches
from sysreview.search import parse_strategy, render
from sysreview.search.filters import FILTERS, missing_text
from sysreview.search.render import TARGETS
from sysreview.search.strategy import DATABASES

ALL_FIELDS = parse_strategy(
    """
name = "af"
combine = "peer AND rct"

[[blocks]]
name = "peer"
fields = ["all_fields"]
terms = [
  { text = "peer support*" },
  { near = ["peer", "led"], distance = 2 },
  { text = "mutual aid", fields = ["title"] },     # its own fields win
  { heading = "Peer Group", thesaurus = "MeSH" },  # headings have no text fields
]

[[blocks]]
name = "rct"
terms = [{ text = "random*", fields = ["all_fields"] }]
"""
)


@pytest.mark.parametrize(
    ("database", "interface", "expected"),
    [
        ("MEDLINE", "Ovid", ("peer support*.af.", "(peer adj2 led).af.", "mutual aid.ti.",
                             "exp Peer Group/", "or/1-4", "random*.af.", "5 and 6")),
        ("PsycINFO", "Ovid", ("peer support*.af.", "(peer adj2 led).af.", "mutual aid.ti.",
                              "or/1-3", "random*.af.", "4 and 5")),
        ("MEDLINE", "PubMed", ('("peer support*"[All Fields] OR (peer[All Fields] AND '
                               'led[All Fields]) OR "mutual aid"[ti] OR "Peer Group"[Mesh])',
                               "random*[All Fields]", "#1 AND #2")),
        ("Cochrane CENTRAL", "Wiley", ('"peer support*"', "(peer NEAR/2 led)", '"mutual aid":ti',
                                       '[mh "Peer Group"]', "#1 OR #2 OR #3 OR #4", "random*",
                                       "#5 AND #6")),
    ],
)  # fmt: skip
def test_all_fields_renders_as_all_fields_in_each_interface(
    database: str, interface: str, expected: tuple[str, ...]
) -> None:
    out = render(ALL_FIELDS, database, interface)
    assert out.lines == expected
    assert not any(".ti,ab." in line or "[tiab]" in line for line in out.lines)


def test_all_fields_in_clinicaltrials_gov_is_a_plain_term() -> None:
    out = render(ALL_FIELDS, "ClinicalTrials.gov")
    assert out.query == '("peer support" OR (peer AND led) OR "mutual aid") AND random'


def test_pubmed_proximity_in_all_fields_is_broadened_and_said() -> None:
    out = render(ALL_FIELDS, "MEDLINE", "PubMed")
    assert (
        "PubMed searches proximity only in title/abstract: peer adj2 led in all fields "
        "searched as both words in [All Fields] (broader)" in out.notes
    )


def test_field_mistakes_are_refused() -> None:
    with pytest.raises(ProtocolError, match="all_fields already covers every field"):
        parse_strategy('name = "x"\ncombine = "a"\n[[blocks]]\nname = "a"\n'
                       'terms = [{ text = "p", fields = ["title", "all_fields"] }]\n')  # fmt: skip
    with pytest.raises(ProtocolError, match="fields apply to a block's terms"):
        parse_strategy('name = "x"\ncombine = "a"\n[[blocks]]\nname = "a"\n'
                       'filter = "royle_waugh_brss"\nfields = ["all_fields"]\n')  # fmt: skip
    with pytest.raises(ProtocolError, match=r"databases\[0\] = 'Scopus': must be one of"):
        parse_strategy('name = "x"\ncombine = "a"\n[[blocks]]\nname = "a"\n'
                       'terms = [{ text = "p" }]\ndatabases = ["Scopus"]\n')  # fmt: skip
    assert set(DATABASES) == {t.database for t in TARGETS}


def test_royle_waugh_is_its_published_text_with_its_citation() -> None:
    brss = FILTERS["royle_waugh_brss"]
    assert brss.versions["ovid:MEDLINE"] == brss.versions["ovid:Embase"] == ("random$.af.",)
    assert "BMC Med Res Methodol 2005;5:23" in brss.citation
    assert brss.not_needed == ("Cochrane CENTRAL",)
    p3 = FILTERS["cooper_p3"]
    assert p3.versions == {} and p3.text_missing is not None
    assert "J Clin Epidemiol 2019;112:12-19" in p3.citation


SEED = parse_strategy(template_searches("group-peer-support")["group-peer-support.toml"])


@pytest.mark.parametrize("database", ["PsycINFO", "Embase"])
def test_the_seed_template_uses_the_seed_filters_in_psycinfo_and_embase(database: str) -> None:
    out = render(SEED, database, "Ovid")
    assert out.lines[-2:] == ("random$.af.", "11 and 15 and 16")
    text = out.text()
    assert "filter royle_waugh_brss: Royle and Waugh brief RCT search strategy" in text
    # no other filter is substituted for P3: the search says it lacks it, and why
    for other in ("exp treatment/", "control*.tw.", "clinical trial*.mp.", "health care quality"):
        assert other not in text
    assert any(
        n.startswith("block 'phase': filter cooper_p3 (P3 filter") and "is NOT in this search" in n
        for n in out.notes
    )


def test_the_seed_template_uses_the_hsss_in_medline_and_no_filter_in_central() -> None:
    medline = render(SEED, "MEDLINE", "Ovid")
    assert medline.lines[15:26] == (
        "randomized controlled trial.pt.", "controlled clinical trial.pt.", "randomized.ab.",
        "placebo.ab.", "drug therapy.fs.", "randomly.ab.", "trial.ab.", "groups.ab.",
        "or/16-23", "exp animals/ not humans.sh.", "24 not 25",
    )  # fmt: skip
    assert medline.lines[-1] == "11 and 15 and 26"
    assert "block 'phase' is for PsycINFO, Embase only: not used in MEDLINE" in medline.notes
    central = render(SEED, "CENTRAL")
    assert central.lines[-1] == "#11 AND #15"


def test_missing_filter_text_is_listed_for_search_check() -> None:
    (phase,) = [b for b in SEED.blocks if b.name == "phase"]
    assert [f.name for f in missing_text(phase)] == ["cooper_p3"]
    (rct,) = [b for b in SEED.blocks if b.name == "rct"]
    assert missing_text(rct) == ()


def test_a_filter_without_text_never_replaces_a_search_silently() -> None:
    only_p3 = parse_strategy('name = "x"\ncombine = "a"\n[[blocks]]\nname = "a"\n'
                             'filter = "cooper_p3"\n')  # fmt: skip
    with pytest.raises(InputError, match="nothing of strategy 'x' can be searched"):
        render(only_p3, "Embase", "Ovid")
