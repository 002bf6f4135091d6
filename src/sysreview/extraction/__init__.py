"""Study, arm and outcome data: importers and data-quality reports (issue 6).

::

    read_metapsy(path) -> MetapsyData      # typed rows + raw text of every cell
    quality_report(data) -> QualityReport  # mojibake, displaced values, signs, time units
"""

from __future__ import annotations

from sysreview.extraction.forms import (
    PARTS,
    ExtractionForm,
    FieldSpec,
    FieldType,
    FormPart,
    extraction_form,
)
from sysreview.extraction.mean_sd import convert_outcome
from sysreview.extraction.metapsy import MetapsyData, MetapsyRow, read_metapsy, read_metapsy_text
from sysreview.extraction.metapsy_convert import (
    MetapsyConversion,
    convert_metapsy,
    review_data_from_metapsy,
)
from sysreview.extraction.metapsy_mapping import MetapsyMapping
from sysreview.extraction.metapsy_prisma import prisma_from_search_flow
from sysreview.extraction.metapsy_references import references_from_metapsy
from sysreview.extraction.metapsy_rob2 import rob2_from_metapsy
from sysreview.extraction.quality import (
    Problem,
    QualityReport,
    compare_g,
    quality_report,
    repair_mojibake,
)
from sysreview.extraction.validate import (
    ExtractionInputError,
    Known,
    ValidatedRows,
    validate_rows,
)

__all__ = [
    "PARTS",
    "ExtractionForm",
    "ExtractionInputError",
    "FieldSpec",
    "FieldType",
    "FormPart",
    "Known",
    "MetapsyConversion",
    "MetapsyData",
    "MetapsyMapping",
    "MetapsyRow",
    "Problem",
    "QualityReport",
    "ValidatedRows",
    "compare_g",
    "convert_metapsy",
    "convert_outcome",
    "extraction_form",
    "prisma_from_search_flow",
    "quality_report",
    "read_metapsy",
    "read_metapsy_text",
    "references_from_metapsy",
    "repair_mojibake",
    "review_data_from_metapsy",
    "rob2_from_metapsy",
    "validate_rows",
]
