"""De-duplication: normalise -> block -> score -> decide with named rules -> linked groups.

Records are never deleted: :func:`find_duplicates` links them into groups, keeps the
rule, score and agreeing fields of every link, and returns uncertain pairs separately
as a review queue.
"""

from typing import TYPE_CHECKING

from sysreview.lazy import lazy_exports

if TYPE_CHECKING:
    from sysreview.dedup.engine import find_duplicates
    from sysreview.dedup.groups import DedupResult, DuplicateLink
    from sysreview.dedup.membership import Membership, memberships
    from sysreview.dedup.rules import RULES, Rule

_EXPORTS = {
    "find_duplicates": "sysreview.dedup.engine",
    "DedupResult": "sysreview.dedup.groups",
    "DuplicateLink": "sysreview.dedup.groups",
    "Membership": "sysreview.dedup.membership",
    "memberships": "sysreview.dedup.membership",
    "RULES": "sysreview.dedup.rules",
    "Rule": "sysreview.dedup.rules",
}
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS, globals())

__all__ = [
    "RULES",
    "DedupResult",
    "DuplicateLink",
    "Membership",
    "Rule",
    "find_duplicates",
    "memberships",
]
