"""The review report: one self-contained HTML file, a DOCX, and the figures.

The report is drafted from plain inputs (:class:`ReportInputs`): the protocol, the study
data, the PRISMA counts, one results record per analysis, narrative rows, risk-of-bias
judgements and figure files. It never computes a statistic: every number in a table or
sentence is a value of the inputs.

- :mod:`.text` (and :mod:`.methods`) — drafted methods and results paragraphs;
- :mod:`.tables` — Table 1 (characteristics), Table 2 (main results) and the others;
- :mod:`.checklist` — the PRISMA 2020 checklist mapped to the report's sections;
- :mod:`.document` — the layout, shared by :mod:`.html` and :mod:`.docx`;
- :func:`write_report` — writes ``report.html``, ``report.docx`` and ``figures/``.
"""

from sysreview.report.build import ReportFiles, read_results, write_report
from sysreview.report.checklist import ChecklistItem, prisma_checklist
from sysreview.report.document import Document, build_document
from sysreview.report.inputs import ReportFigure, ReportInputs, RobSummary, StudyRob
from sysreview.report.narrative_rows import Direction, NarrativeRow, narrative_from_json
from sysreview.report.records import (
    ReportInputError,
    ResultRecord,
    SmallStudyTest,
    SubgroupResult,
    SubgroupTest,
    records_from_json,
)

__all__ = [
    "ChecklistItem",
    "Direction",
    "Document",
    "NarrativeRow",
    "ReportFigure",
    "ReportFiles",
    "ReportInputError",
    "ReportInputs",
    "ResultRecord",
    "RobSummary",
    "SmallStudyTest",
    "StudyRob",
    "SubgroupResult",
    "SubgroupTest",
    "build_document",
    "narrative_from_json",
    "prisma_checklist",
    "read_results",
    "records_from_json",
    "write_report",
]
