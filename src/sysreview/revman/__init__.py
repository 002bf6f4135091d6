"""RevMan 5 (``.rm5``) files: read a review's analyses and RevMan's stored results.

Examples
--------
>>> from sysreview.revman import read_rm5
>>> sorted(__all__)[:3]
['Comparison', 'Outcome', 'Review']
"""

from sysreview.revman.model import (
    Comparison,
    Outcome,
    Review,
    StoredPooled,
    StoredStudy,
    StudyRow,
    Subgroup,
)
from sysreview.revman.reader import parse_rm5, read_rm5

__all__ = [
    "Comparison",
    "Outcome",
    "Review",
    "StoredPooled",
    "StoredStudy",
    "StudyRow",
    "Subgroup",
    "parse_rm5",
    "read_rm5",
]
