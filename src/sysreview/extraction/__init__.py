"""Study, arm and outcome data: the extraction form, its validation, and analysis-ready data.

::

    extraction_form(protocol) -> ExtractionForm   # the form's parts and fields, from the protocol
    validate_rows(form, rows) -> ValidatedRows    # every problem at once, by sheet, row, column
    convert_outcome(numbers, n) -> mean, sd, flags  # SE, CI, median/IQR, change -> mean/SD

Data of outside formats (Metapsy, RevMan, CSV tables with metafor's column names) enter
through the adapters of :mod:`sysreview.io`, which produce the form's rows.
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
    "ValidatedRows",
    "convert_outcome",
    "extraction_form",
    "validate_rows",
]
