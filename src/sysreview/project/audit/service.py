"""Audit use cases: the trail of who did what, read back."""

from __future__ import annotations

from datetime import date, datetime
from typing import TYPE_CHECKING

from sysreview.project.opening import Service

if TYPE_CHECKING:
    from sysreview.project.audit.trail import AuditTrail


class AuditService(Service):
    """``project.audit``: the project's audit trail (:mod:`sysreview.project.audit`)."""

    def trail(
        self, *, record: int | None = None, reviewer: str | None = None,
        since: date | datetime | None = None, limit: int | None = None,
    ) -> AuditTrail:  # fmt: skip
        """The audit trail's entries, oldest first, filtered.

        See :func:`~sysreview.project.audit.trail.audit_trail`.
        """
        from sysreview.project.audit.trail import audit_trail

        return audit_trail(self.store, record=record, reviewer=reviewer, since=since, limit=limit)


__all__ = ["AuditService"]
