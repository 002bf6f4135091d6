"""Rendering one strategy for every database: the exact lines each interface is given.

Expected syntax per the interfaces' documentation: Ovid (``.ti,ab.``, ``adjN``, ``exp
Heading/``, ``or/1-3``), PubMed User Guide (``[tiab]``, ``[tiab:~N]`` proximity without
truncation, ``[Mesh]``/``[Mesh:NoExp]``), Cochrane Library (``:ti,ab``, ``NEAR/N``,
``[mh ""]``/``[mh ^""]``), ClinicalTrials.gov expression syntax (AND/OR, quotes, AREA[]).
The RCT filter lines are the Cochrane Handbook's (Technical Supplement to chapter 4,
section 3.6.1): MEDLINE sensitivity-maximizing version, 2008 revision.
"""

from __future__ import annotations

import pytest

from sysreview.errors import InputError
from sysreview.search import parse_strategy, render, render_all, target

STRATEGY = parse_strategy(
    """
name = "demo"
combine = "(peer OR mutual) AND rct NOT animal"

[[blocks]]
name = "peer"
terms = [
  { text = "peer support*" },
  { near = ["peer", "led"], distance = 2, fields = ["title"] },
  { heading = "Peer Group", thesaurus = "MeSH", explode = false },
  { heading = "Peer Counseling", thesaurus = "APA" },
]

[[blocks]]
name = "mutual"
terms = [{ text = "mutual aid", fields = ["title", "abstract", "keywords"] }]

[[blocks]]
name = "rct"
filter = ["cochrane_hsss_sensitivity", "psycinfo_treatment_sensitivity"]

[[blocks]]
name = "animal"
terms = [{ text = "rat*", fields = ["title"] }]
"""
)


def test_ovid_medline_lines_numbers_and_filter() -> None:
    out = render(STRATEGY, "MEDLINE", "Ovid")
    assert out.lines == (
        "peer support*.ti,ab.",
        "(peer adj2 led).ti.",
        "Peer Group/",
        "or/1-3",
        "mutual aid.ti,ab,kf.",
        "randomized controlled trial.pt.",
        "controlled clinical trial.pt.",
        "randomized.ab.",
        "placebo.ab.",
        "drug therapy.fs.",
        "randomly.ab.",
        "trial.ab.",
        "groups.ab.",
        "or/6-13",
        "exp animals/ not humans.sh.",
        "14 not 15",
        "rat*.ti.",
        "4 or 5",
        "16 and 18",
        "19 not 17",
    )
    assert out.final == 20
    assert out.numbered()[0] == "1   peer support*.ti,ab."
    assert "heading 'Peer Counseling' (APA) left out: MEDLINE (Ovid) indexes with MeSH" in out.notes
    with pytest.raises(InputError, match="no one-line form"):
        out.expanded()


def test_psycinfo_uses_its_headings_keyword_field_and_filter() -> None:
    out = render(STRATEGY, "PsycINFO", "Ovid")
    assert out.lines[:5] == (
        "peer support*.ti,ab.",
        "(peer adj2 led).ti.",
        "exp Peer Counseling/",
        "or/1-3",
        "mutual aid.ti,ab,id.",
    )
    assert out.lines[5:] == (
        "control*.tw.",
        "random*.tw.",
        "exp treatment/",
        "or/6-8",
        "rat*.ti.",
        "4 or 5",
        "9 and 11",
        "12 not 10",
    )


def test_embase_without_a_filter_version_is_refused_clearly() -> None:
    with pytest.raises(InputError, match=r"block 'rct': no filter in it .* is published for "
                       r"Embase \(Ovid\)"):  # fmt: skip
        render(STRATEGY, "Embase", "Ovid")


def test_pubmed_history_and_one_line_query() -> None:
    out = render(STRATEGY, "pubmed")
    assert out.lines == (
        '("peer support*"[tiab] OR "peer led"[ti:~2] OR "Peer Group"[Mesh:NoExp])',
        '("mutual aid"[tiab] OR "mutual aid"[ot])',
        "(randomized controlled trial[pt] OR controlled clinical trial[pt] OR randomized[tiab] "
        "OR placebo[tiab] OR drug therapy[sh] OR randomly[tiab] OR trial[tiab] OR groups[tiab]) "
        "NOT (animals[mh] NOT humans[mh])",
        "rat*[ti]",
        "#1 OR #2",
        "#3 AND #5",
        "#6 NOT #4",
    )
    assert out.numbered()[4] == "#5  #1 OR #2"
    assert out.expanded().startswith("(((randomized controlled trial[pt] OR")
    assert out.expanded().endswith("NOT (rat*[ti])")


def test_central_drops_the_rct_filter_and_uses_wiley_syntax() -> None:
    out = render(STRATEGY, "CENTRAL")
    assert out.lines == (
        '"peer support*":ti,ab',
        "(peer NEAR/2 led):ti",
        '[mh ^"Peer Group"]',
        "#1 OR #2 OR #3",
        '"mutual aid":ti,ab,kw',
        "rat*:ti",
        "#4 OR #5",
        "#7 NOT #6",
    )
    assert "block 'rct' (filter) not used in Cochrane CENTRAL: no filter needed" in out.notes


def test_clinicaltrials_gov_one_query_with_notes() -> None:
    out = render(STRATEGY, "ClinicalTrials.gov")
    assert out.query == (
        '((("peer support" OR (peer AND led)) OR "mutual aid") AND '
        "AREA[DesignAllocation]RANDOMIZED) NOT rat"
    )
    assert any("does not truncate: 'peer support*'" in n for n in out.notes)
    assert any("no proximity search: peer adj2 led" in n for n in out.notes)
    assert out.target.label == "ClinicalTrials.gov"


def test_truncated_proximity_in_pubmed_is_broadened_and_said() -> None:
    s = parse_strategy(
        'name = "p"\ncombine = "a"\n[[blocks]]\nname = "a"\n'
        'terms = [{ near = ["peer*", "support*"], distance = 3 }]\n'
    )
    out = render(s, "MEDLINE", "PubMed")
    assert out.lines == ("(peer*[tiab] AND support*[tiab])",)
    assert out.notes == (
        "PubMed proximity takes no truncation: peer* adj3 support* searched as both words "
        "anywhere in [tiab] (broader)",
    )


def test_every_target_renders_and_the_header_names_the_version() -> None:
    s = parse_strategy(
        'name = "p"\ncombine = "a"\n[[blocks]]\nname = "a"\nterms = [{ text = "peer" }]\n'
    )
    items = render_all(s)
    assert [i.target.label for i in items] == [
        "MEDLINE (Ovid)",
        "PsycINFO (Ovid)",
        "Embase (Ovid)",
        "MEDLINE (PubMed)",
        "Cochrane CENTRAL (Wiley)",
        "ClinicalTrials.gov",
    ]
    assert items[0].text().splitlines()[0] == f"# sysreview strategy p version {s.version}"


def test_unknown_or_ambiguous_targets() -> None:
    with pytest.raises(InputError, match="cannot render for MEDLINE: name the interface too"):
        target("MEDLINE")
    with pytest.raises(InputError, match="cannot render for Scopus: not supported"):
        target("Scopus")
