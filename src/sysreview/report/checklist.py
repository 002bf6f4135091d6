"""The PRISMA 2020 checklist, mapped to the sections of the generated report.

Items follow Page MJ, McKenzie JE, Bossuyt PM, et al. The PRISMA 2020 statement: an
updated guideline for reporting systematic reviews. BMJ 2021;372:n71, Table 1 (27 items,
42 with sub-items). The item texts here are short paraphrases, not the statement's words.

Each item lists the report sections (HTML anchors) that can report it; the checklist
names the first one the report actually contains (by its title, linked in HTML), and says
"not reported in this report" otherwise: items only the review team can write (rationale,
discussion, funding, competing interests) are never claimed.

Examples
--------
>>> rows = prisma_checklist({"summary", "objectives"}, {"summary": "Summary"})
>>> len({r.item.rstrip("abcdef") for r in rows}), len(rows)
(27, 42)
>>> rows[1].item, rows[1].location, rows[1].where, rows[2].where
('2', 'summary', 'Summary', 'not reported in this report')
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass

import pandas as pd

NOT_REPORTED = "not reported in this report"
"""Shown for an item the generated report does not cover."""


@dataclass(frozen=True)
class ChecklistItem:
    """One PRISMA 2020 item and where the report covers it.

    ``location`` is the section's anchor and ``title`` its heading (both None when the
    report does not cover it).
    """

    item: str
    section: str
    topic: str
    text: str
    location: str | None
    title: str | None = None

    @property
    def where(self) -> str:
        """The location as shown: the section's title, or :data:`NOT_REPORTED`."""
        if self.location is None:
            return NOT_REPORTED
        return self.title or self.location


# (item, section, topic, paraphrase, anchors that can report it)
ITEMS: tuple[tuple[str, str, str, str, tuple[str, ...]], ...] = (
    ("1", "Title", "Title", "Say in the title that the report is a systematic review.",
     ("title",)),
    ("2", "Abstract", "Abstract", "Give a structured abstract (PRISMA 2020 for Abstracts).",
     ("summary",)),
    ("3", "Introduction", "Rationale", "Explain why the review is needed, given what is known.",
     ()),
    ("4", "Introduction", "Objectives", "State the objectives or questions of the review.",
     ("objectives",)),
    ("5", "Methods", "Eligibility criteria",
     "Give the inclusion and exclusion criteria and how studies were grouped for synthesis.",
     ("eligibility",)),
    ("6", "Methods", "Information sources",
     "List every database, register and other source, with the date last searched.",
     ("information-sources",)),
    ("7", "Methods", "Search strategy",
     "Give the full search strategy of every database, with filters and limits.",
     ("appendix-search",)),
    ("8", "Methods", "Selection process",
     "Say how eligibility was decided: how many reviewers, independently, any automation.",
     ("selection-process",)),
    ("9", "Methods", "Data collection process",
     "Say how data were collected from reports: reviewers, independence, confirmation.",
     ("data-collection",)),
    ("10a", "Methods", "Data items",
     "List the outcomes sought and which results were sought for each (measures, times).",
     ("outcomes-methods",)),
    ("10b", "Methods", "Data items",
     "List the other variables sought (participants, interventions...) and assumptions.",
     ("data-collection", "included-studies")),
    ("11", "Methods", "Study risk of bias assessment",
     "Name the risk-of-bias tool, how many reviewers assessed each study, and how.",
     ("risk-of-bias-methods",)),
    ("12", "Methods", "Effect measures", "Give the effect measure used for each outcome.",
     ("synthesis-methods",)),
    ("13a", "Methods", "Synthesis methods",
     "Say how studies were chosen for each synthesis.", ("synthesis-methods",)),
    ("13b", "Methods", "Synthesis methods",
     "Describe how data were prepared for synthesis (missing statistics, conversions).",
     ("synthesis-methods",)),
    ("13c", "Methods", "Synthesis methods",
     "Describe how results of studies and syntheses were tabulated or displayed.",
     ("synthesis-methods",)),
    ("13d", "Methods", "Synthesis methods",
     "Describe the synthesis: model, heterogeneity measures, software; and why.",
     ("synthesis-methods",)),
    ("13e", "Methods", "Synthesis methods",
     "Describe how causes of heterogeneity were explored (subgroups, meta-regression).",
     ("subgroup-methods",)),
    ("13f", "Methods", "Synthesis methods",
     "Describe sensitivity analyses of the robustness of the results.",
     ("sensitivity-methods",)),
    ("14", "Methods", "Reporting bias assessment",
     "Describe how bias from missing results (reporting biases) was assessed.",
     ("reporting-bias-methods", "synthesis-methods")),
    ("15", "Methods", "Certainty assessment",
     "Describe how certainty in the body of evidence was assessed (e.g. GRADE).",
     ("certainty-methods",)),
    ("16a", "Results", "Study selection",
     "Give the results of search and selection, ideally with a flow diagram.",
     ("study-selection",)),
    ("16b", "Results", "Study selection",
     "Cite studies that seemed eligible but were excluded, and say why.",
     ("characteristics-excluded",)),
    ("17", "Results", "Study characteristics",
     "Cite each included study and give its characteristics.",
     ("included-studies", "characteristics-included")),
    ("18", "Results", "Risk of bias in studies",
     "Give the risk-of-bias assessment of each included study.",
     ("risk-of-bias-results",)),
    ("19", "Results", "Results of individual studies",
     "For every outcome give each study's summary statistics and effect with its precision.",
     ("forest-plots", "narrative-syntheses")),
    ("20a", "Results", "Results of syntheses",
     "Summarise the characteristics and risk of bias of the studies in each synthesis.",
     ("forest-plots", "appendix-data")),
    ("20b", "Results", "Results of syntheses",
     "Give each synthesis: estimate, confidence interval and heterogeneity.",
     ("main-results",)),
    ("20c", "Results", "Results of syntheses",
     "Give the results of investigations of heterogeneity.", ("subgroup-analyses",)),
    ("20d", "Results", "Results of syntheses",
     "Give the results of sensitivity analyses.", ("sensitivity-analyses",)),
    ("21", "Results", "Reporting biases",
     "Give the assessments of bias from missing results for each synthesis.",
     ("reporting-biases",)),
    ("22", "Results", "Certainty of evidence",
     "Give the certainty (or confidence) in the evidence for each outcome.",
     ("certainty-results",)),
    ("23a", "Discussion", "Discussion",
     "Interpret the results in the context of other evidence.", ()),
    ("23b", "Discussion", "Discussion", "Discuss limitations of the evidence.", ()),
    ("23c", "Discussion", "Discussion", "Discuss limitations of the review processes.", ()),
    ("23d", "Discussion", "Discussion",
     "Discuss implications for practice, policy and research.", ()),
    ("24a", "Other information", "Registration and protocol",
     "Give the registration (register and number) or say the review was not registered.",
     ("registration",)),
    ("24b", "Other information", "Registration and protocol",
     "Say where the protocol can be read, or that none was prepared.",
     ("appendix-protocol",)),
    ("24c", "Other information", "Registration and protocol",
     "Describe and explain amendments to the registration or protocol.", ("deviations",)),
    ("25", "Other information", "Support",
     "Describe financial and other support and the funders' role.", ()),
    ("26", "Other information", "Competing interests",
     "Declare the authors' competing interests.", ()),
    ("27", "Other information", "Availability of data, code and other materials",
     "Say which data, code and materials are publicly available, and where.",
     ("availability",)),
)  # fmt: skip
"""The 42 PRISMA 2020 checklist entries (27 items with sub-items), paraphrased."""


def prisma_checklist(
    present: Collection[str], titles: Mapping[str, str] | None = None
) -> tuple[ChecklistItem, ...]:
    """The checklist for a report containing the sections (anchors) ``present``.

    Parameters
    ----------
    present
        The anchors of the report's sections that have content.
    titles
        ``anchor -> section title`` (the location column names sections by title).

    Returns
    -------
    tuple of ChecklistItem
        In checklist order; ``location`` is ``None`` for items the report does not cover.
    """
    names = titles or {}
    out = []
    for item, section, topic, text, where in ITEMS:
        found = next((a for a in where if a in present), None)
        title = None if found is None else names.get(found, "Title" if found == "title" else None)
        out.append(ChecklistItem(item, section, topic, text, found, title))
    return tuple(out)


def checklist_frame(items: tuple[ChecklistItem, ...]) -> pd.DataFrame:
    """The checklist as a table: Section, Item, Topic, Checklist item, Location."""
    return pd.DataFrame(
        [
            {"Section": i.section, "Item": i.item, "Topic": i.topic,
             "Checklist item": i.text, "Location in this report": i.where}
            for i in items
        ],
        columns=["Section", "Item", "Topic", "Checklist item", "Location in this report"],
    )  # fmt: skip


__all__ = ["ITEMS", "NOT_REPORTED", "ChecklistItem", "checklist_frame", "prisma_checklist"]
