"""De-duplication: normalise -> block -> score -> decide with named rules -> linked groups.

Records are never deleted: :func:`find_duplicates` links them into groups, keeps the
rule, score and agreeing fields of every link, and returns uncertain pairs separately
as a review queue.
"""

from sysreview.dedup.engine import find_duplicates
from sysreview.dedup.groups import DedupResult, DuplicateLink
from sysreview.dedup.membership import Membership, memberships
from sysreview.dedup.rules import RULES, Rule

__all__ = [
    "RULES",
    "DedupResult",
    "DuplicateLink",
    "Membership",
    "Rule",
    "find_duplicates",
    "memberships",
]
