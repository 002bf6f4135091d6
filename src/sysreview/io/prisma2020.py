"""The flow counts as the PRISMA2020 R package and Shiny app read them (its template CSV).

Haddaway et al.'s PRISMA2020 package (``PRISMA_data()``, and the app at
estech.shinyapps.io/prisma_flowdiagram) reads a CSV with the columns ``data, node, box,
description, boxtext, tooltips, url, n``: one row per count (``data`` names it, ``n``
holds it) and one per title box, in the order of the package's ``inst/extdata/PRISMA.csv``.
:func:`prisma2020_csv` fills ``n`` from :class:`~sysreview.prisma.PrismaCounts`; the
other columns are the template's.

sysreview screens the records of every method together, so all screened records follow
the app's databases-and-registers pathway; the records identified by other methods are
counted in its other-methods identification box (by the source's name: ``website``,
``organisation``, else citation searching) and its other-methods screening boxes get 0.
Reports excluded are written ``Reason, n; Reason, n`` as the package parses them (commas
and semicolons inside a reason become dashes). The previous version's boxes hold the
studies and reports an updated review's previous version included (0 for a new review);
the totals add them to the new studies and reports. Every cell goes
through :func:`sysreview.cells.safe_row`. Pure: text out.

References
----------
Haddaway NR, Page MJ, Pritchard CC, McGuinness LA. PRISMA2020: An R package and Shiny
app for producing PRISMA 2020-compliant flow diagrams. Campbell Syst Rev 2022;18:e1230.
"""

from __future__ import annotations

import csv
import io

from sysreview.cells import safe_row
from sysreview.prisma import PrismaCounts

__all__ = ["TEMPLATE", "prisma2020_csv"]

_NA = "NA"
TEMPLATE: tuple[tuple[str, str, str, str, str, str, str], ...] = (
    (_NA, "node4", "prevstud", "Grey title box; Previous studies", "Previous studies",
     "Grey title box; Previous studies", "prevstud.html"),
    ("previous_studies", "node5", "box1", "Studies included in previous version of review",
     "Studies included in previous version of review",
     "Studies included in previous version of review", "previous_studies.html"),
    ("previous_reports", _NA, "box1", "Reports of studies included in previous version of "
     "review", "Reports of studies included in previous version of review", _NA,
     "previous_reports.html"),
    (_NA, "node6", "newstud", "Yellow title box; Identification of new studies via databases "
     "and registers", "Identification of new studies via databases and registers",
     "Yellow title box; Identification of new studies via databases and registers",
     "newstud.html"),
    ("database_results", "node7", "box2", "Records identified from: Databases", "Databases",
     "Records identified from: Databases", "database_results.html"),
    ("register_results", _NA, "box2", "Records identified from: Registers", "Registers", _NA,
     _NA),
    (_NA, "node16", "othstud", "Grey title box; Identification of new studies via other "
     "methods", "Identification of new studies via other methods",
     "Grey title box; Identification of new studies via other methods", "othstud.html"),
    ("website_results", "node17", "box11", "Records identified from: Websites", "Websites",
     "Records identified from: Websites", "website_results.html"),
    ("organisation_results", "", "box11", "Records identified from: Organisations",
     "Organisations", _NA, _NA),
    ("citations_results", _NA, "box11", "Records identified from: Citation searching",
     "Citation searching", _NA, _NA),
    ("duplicates", "node8", "box3", "Duplicate records", "Duplicate records",
     "Duplicate records", "duplicates.html"),
    ("excluded_automatic", _NA, "box3", "Records marked as ineligible by automation tools",
     "Records marked as ineligible by automation tools", _NA, _NA),
    ("excluded_other", _NA, "box3", "Records removed for other reasons",
     "Records removed for other reasons", _NA, _NA),
    ("records_screened", "node9", "box4", "Records screened (databases and registers)",
     "Records screened", "Records screened (databases and registers)",
     "records_screened.html"),
    ("records_excluded", "node10", "box5", "Records excluded (databases and registers)",
     "Records excluded", "Records excluded (databases and registers)",
     "records_excluded.html"),
    ("dbr_sought_reports", "node11", "box6", "Reports sought for retrieval (databases and "
     "registers)", "Reports sought for retrieval", "Reports sought for retrieval (databases "
     "and registers)", "dbr_sought_reports.html"),
    ("dbr_notretrieved_reports", "node12", "box7", "Reports not retrieved (databases and "
     "registers)", "Reports not retrieved", "Reports not retrieved (databases and registers)",
     "dbr_notretrieved_reports.html"),
    ("other_sought_reports", "node18", "box12", "Reports sought for retrieval (other)",
     "Reports sought for retrieval", "Reports sought for retrieval (other)",
     "other_sought_reports.html"),
    ("other_notretrieved_reports", "node19", "box13", "Reports not retrieved (other)",
     "Reports not retrieved", "Reports not retrieved (other)",
     "other_notretrieved_reports.html"),
    ("dbr_assessed", "node13", "box8", "Reports assessed for eligibility (databases and "
     "registers)", "Reports assessed for eligibility", "Reports assessed for eligibility "
     "(databases and registers)", "dbr_assessed.html"),
    ("dbr_excluded", "node14", "box9", "Reports excluded (databases and registers): [separate "
     "reasons and numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]",
     "Reports excluded", "Reports excluded (databases and registers): [separate reasons and "
     "numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx", "dbrexcludedrecords.html"),
    ("other_assessed", "node20", "box14", "Reports assessed for eligibility (other)",
     "Reports assessed for eligibility", "Reports assessed for eligibility (other)",
     "other_assessed.html"),
    ("other_excluded", "node21", "box15", "Reports excluded (other): [separate reasons and "
     "numbers using ; e.g. Reason1, xxx; Reason2, xxx; Reason3, xxx]", "Reports excluded",
     "Reports excluded (other): [separate reasons and numbers using ; e.g. Reason1, xxx; "
     "Reason2, xxx; Reason3, xxx", "other_excluded.html"),
    ("new_studies", "node15", "box10", "New studies included in review",
     "New studies included in review", "New studies included in review", "new_studies.html"),
    ("new_reports", _NA, "box10", "Reports of new included studies",
     "Reports of new included studies", _NA, _NA),
    ("total_studies", "node22", "box16", "Total studies included in review",
     "Total studies included in review", "Total studies included in review",
     "total_studies.html"),
    ("total_reports", _NA, "box16", "Reports of total included studies",
     "Reports of total included studies", _NA, _NA),
    ("identification", "node1", "identification", "Blue identification box", "Identification",
     "Blue identification box", "identification.html"),
    ("screening", "node2", "screening", "Blue screening box", "Screening",
     "Blue screening box", "screening.html"),
    ("included", "node3", "included", "Blue included box", "Included", "Blue included box",
     "included.html"),
)  # fmt: skip
"""The template's rows but ``n``: data, node, box, description, boxtext, tooltips, url."""


def _other_method(name: str) -> str:
    n = name.casefold()
    if "website" in n or "web site" in n:
        return "website_results"
    if "organi" in n:
        return "organisation_results"
    return "citations_results"


def _reason(name: str) -> str:
    return " ".join(name.replace(",", " -").replace(";", " -").split())


def counts_by_row(counts: PrismaCounts) -> dict[str, int | str]:
    """``n`` of each template row (title boxes: 0, as in the template)."""
    other = {"website_results": 0, "organisation_results": 0, "citations_results": 0}
    for name, n in counts.records_other_methods_by_source:
        other[_other_method(name)] += n
    unnamed = counts.records_other_methods - sum(
        n for _, n in counts.records_other_methods_by_source
    )
    other["citations_results"] += unnamed
    reasons = "; ".join(f"{_reason(r)}, {n}" for r, n in counts.reports_excluded_by_reason)
    if counts.reports_excluded and not reasons:
        reasons = f"Excluded, {counts.reports_excluded}"
    return {
        "previous_studies": counts.previous_studies,
        "previous_reports": counts.previous_reports,
        "database_results": counts.records_databases,
        "register_results": counts.records_registers,
        **other,
        "duplicates": counts.duplicates_removed,
        "excluded_automatic": counts.removed_by_automation,
        "excluded_other": counts.removed_other_reasons,
        "records_screened": counts.records_screened,
        "records_excluded": counts.records_excluded,
        "dbr_sought_reports": counts.reports_sought,
        "dbr_notretrieved_reports": counts.reports_not_retrieved,
        "other_sought_reports": 0,
        "other_notretrieved_reports": 0,
        "dbr_assessed": counts.reports_assessed,
        "dbr_excluded": reasons or 0,
        "other_assessed": 0,
        "other_excluded": 0,
        "new_studies": counts.studies_included,
        "new_reports": counts.reports_included,
        "total_studies": counts.total_studies,
        "total_reports": counts.total_reports,
    }


def prisma2020_csv(counts: PrismaCounts) -> str:
    """The PRISMA2020 template CSV with ``counts`` in its ``n`` column."""
    values = counts_by_row(counts)
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(["data", "node", "box", "description", "boxtext", "tooltips", "url", "n"])
    for row in TEMPLATE:
        w.writerow(safe_row([*row, values.get(row[0], 0)]))
    return buf.getvalue()
