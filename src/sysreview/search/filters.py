"""Named standard search filters, with their published text per interface and citation.

A filter is used as a block of a strategy (``filter = "cochrane_hsss_sensitivity"``).
Ovid versions are numbered lines as published; ``{n}`` in a line refers to the filter's
own line ``n`` and is renumbered where the filter lands in a strategy. Other interfaces
take one line. Databases listed in ``not_needed`` get no filter (CENTRAL holds trials
only, so no RCT filter is used there — Cochrane Handbook, chapter 4).

References
----------
Lefebvre C, Glanville J, Briscoe S, et al. Technical Supplement to Chapter 4: Searching for
and selecting studies. In: Cochrane Handbook for Systematic Reviews of Interventions,
version 6 (2019), section 3.6.1, Boxes 3.a–3.d (Cochrane Highly Sensitive Search
Strategies for identifying randomized trials in MEDLINE, 2008 revision; PubMed and Ovid).
Eady AM, Wilczynski NL, Haynes RB. PsycINFO search strategies identified methodologically
sound therapy studies and review articles for use by clinicians and researchers. J Clin
Epidemiol 2008;61:34-40 (best sensitivity for treatment studies).
Wong SS, Wilczynski NL, Haynes RB. Developing optimal search strategies for detecting
clinically sound treatment studies in EMBASE. J Med Libr Assoc 2006;94:41-47 (best
sensitivity).
Royle P, Waugh N. A simplified search strategy for identifying randomised controlled
trials for systematic reviews of health care interventions: a comparison with more
exhaustive strategies. BMC Med Res Methodol 2005;5:23 (the brief RCT search strategy:
CENTRAL, and "variants of the word random across all fields (random$.af.) in MEDLINE and
EMBASE", abstract, Methods).
Cooper C, Varley-Campbell J, Carter P. Established search filters may miss studies when
identifying randomized controlled trials. J Clin Epidemiol 2019;112:12-19 (the P3
trial-phase filter; its lines are not carried here: see ``cooper_p3``).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from sysreview.search.strategy import Block


@dataclass(frozen=True)
class StandardFilter:
    """A published search filter: its text per target syntax key and its source.

    ``versions`` maps a target key (``"ovid:MEDLINE"``, ``"pubmed"``, ``"ovid:PsycINFO"``,
    ``"ovid:Embase"``, ``"ctgov"``) to the filter's lines, exactly as published.
    """

    name: str
    title: str
    citation: str
    versions: Mapping[str, tuple[str, ...]]
    not_needed: tuple[str, ...] = ()
    notes: Mapping[str, str] = field(default_factory=dict)
    text_missing: str | None = None
    """Why sysreview does not carry the filter's text (then ``versions`` is empty): a
    rendered search says so instead of substituting another filter."""

    def version(self, key: str) -> tuple[str, ...] | None:
        """The filter's lines for a target key, ``None`` when it has no such version."""
        return self.versions.get(key)


_HANDBOOK = (
    "Lefebvre C, Glanville J, Briscoe S, et al. Technical Supplement to Chapter 4. Cochrane "
    "Handbook for Systematic Reviews of Interventions v6 (2019), section 3.6.1"
)
_CTGOV_RANDOMISED = ("AREA[DesignAllocation]RANDOMIZED",)

FILTERS: Mapping[str, StandardFilter] = MappingProxyType(
    {
        "cochrane_hsss_sensitivity": StandardFilter(
            "cochrane_hsss_sensitivity",
            "Cochrane Highly Sensitive Search Strategy for identifying randomized trials in "
            "MEDLINE: sensitivity-maximizing version (2008 revision)",
            _HANDBOOK + ", Box 3.a (PubMed) and Box 3.b (Ovid)",
            {
                "ovid:MEDLINE": (
                    "randomized controlled trial.pt.",
                    "controlled clinical trial.pt.",
                    "randomized.ab.",
                    "placebo.ab.",
                    "drug therapy.fs.",
                    "randomly.ab.",
                    "trial.ab.",
                    "groups.ab.",
                    "or/{1}-{8}",
                    "exp animals/ not humans.sh.",
                    "{9} not {10}",
                ),
                "pubmed": (
                    "(randomized controlled trial[pt] OR controlled clinical trial[pt] OR "
                    "randomized[tiab] OR placebo[tiab] OR drug therapy[sh] OR randomly[tiab] "
                    "OR trial[tiab] OR groups[tiab]) NOT (animals[mh] NOT humans[mh])",
                ),
                "ctgov": _CTGOV_RANDOMISED,
            },
            not_needed=("Cochrane CENTRAL",),
            notes={"ctgov": "ClinicalTrials.gov: the register's own allocation field"},
        ),
        "cochrane_hsss_precision": StandardFilter(
            "cochrane_hsss_precision",
            "Cochrane Highly Sensitive Search Strategy for identifying randomized trials in "
            "MEDLINE: sensitivity- and precision-maximizing version (2008 revision)",
            _HANDBOOK + ", Box 3.c (PubMed) and Box 3.d (Ovid)",
            {
                "ovid:MEDLINE": (
                    "randomized controlled trial.pt.",
                    "controlled clinical trial.pt.",
                    "randomized.ab.",
                    "placebo.ab.",
                    "clinical trials as topic.sh.",
                    "randomly.ab.",
                    "trial.ti.",
                    "or/{1}-{7}",
                    "exp animals/ not humans.sh.",
                    "{8} not {9}",
                ),
                "pubmed": (
                    "(randomized controlled trial[pt] OR controlled clinical trial[pt] OR "
                    "randomized[tiab] OR placebo[tiab] OR clinical trials as topic[mesh:noexp] "
                    "OR randomly[tiab] OR trial[ti]) NOT (animals[mh] NOT humans[mh])",
                ),
                "ctgov": _CTGOV_RANDOMISED,
            },
            not_needed=("Cochrane CENTRAL",),
            notes={"ctgov": "ClinicalTrials.gov: the register's own allocation field"},
        ),
        "royle_waugh_brss": StandardFilter(
            "royle_waugh_brss",
            "Royle and Waugh brief RCT search strategy (BRSS): variants of 'random' in all fields",
            "Royle P, Waugh N. A simplified search strategy for identifying randomised "
            "controlled trials for systematic reviews of health care interventions: a "
            "comparison with more exhaustive strategies. BMC Med Res Methodol 2005;5:23 "
            "(doi 10.1186/1471-2288-5-23)",
            {
                "ovid:MEDLINE": ("random$.af.",),
                "ovid:Embase": ("random$.af.",),
                "ovid:PsycINFO": ("random$.af.",),
            },
            not_needed=("Cochrane CENTRAL",),
            notes={
                "ovid:PsycINFO": "Royle and Waugh tested random$.af. in MEDLINE and EMBASE "
                "(Ovid); Lyons et al. 2021 used it in PsycINFO (Ovid) as well",
            },
        ),
        "cooper_p3": StandardFilter(
            "cooper_p3",
            "P3 filter: trial-phase terms, to find RCTs that report their phase instead of "
            "their design or randomisation",
            "Cooper C, Varley-Campbell J, Carter P. Established search filters may miss "
            "studies when identifying randomized controlled trials. J Clin Epidemiol "
            "2019;112:12-19 (doi 10.1016/j.jclinepi.2019.04.002)",
            {},
            not_needed=("Cochrane CENTRAL",),
            text_missing=(
                "sysreview does not carry its text, because we could not obtain the "
                "published lines to check them; copy them from Cooper et al. 2019 into this "
                "block as terms before running the search"
            ),
        ),
        "psycinfo_treatment_sensitivity": StandardFilter(
            "psycinfo_treatment_sensitivity",
            "PsycINFO filter for treatment studies, best sensitivity (Eady et al. 2008)",
            "Eady AM, Wilczynski NL, Haynes RB. J Clin Epidemiol 2008;61:34-40",
            {
                "ovid:PsycINFO": (
                    "control*.tw.",
                    "random*.tw.",
                    "exp treatment/",
                    "or/{1}-{3}",
                ),
            },
            not_needed=("Cochrane CENTRAL",),
        ),
        "embase_treatment_sensitivity": StandardFilter(
            "embase_treatment_sensitivity",
            "Embase filter for treatment studies, best sensitivity (Wong et al. 2006)",
            "Wong SS, Wilczynski NL, Haynes RB. J Med Libr Assoc 2006;94:41-47",
            {
                "ovid:Embase": (
                    "random*.tw.",
                    "clinical trial*.mp.",
                    "exp health care quality/",
                    "or/{1}-{3}",
                ),
            },
            not_needed=("Cochrane CENTRAL",),
        ),
    }
)
"""The standard filters by name."""


def missing_text(block: Block) -> tuple[StandardFilter, ...]:
    """The filters a block names whose published text sysreview does not carry."""
    return tuple(FILTERS[name] for name in block.filter if FILTERS[name].text_missing)


__all__ = ["FILTERS", "StandardFilter", "missing_text"]
