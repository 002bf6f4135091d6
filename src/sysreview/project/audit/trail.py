"""The audit trail: who did what, when, to which record, from which route or file.

Every write of the services adds an entry to the store's append-only ``audit_log``
(:meth:`sysreview.project.storage.Store.audit`): decisions and their undoing (with the
route: ``cli``, ``web``, ``api`` or ``sheet:FILE``), resolutions, assignments and
reassignments, study links, imports, de-duplication, risk-of-bias and extraction loads,
accounts. This module reads it back for ``sysreview log`` and the web app's audit page.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import select

from sysreview.project.storage import AuditEntry, Store

__all__ = ["AuditRow", "AuditTrail", "audit_trail"]


@dataclass(frozen=True)
class AuditRow:
    """One entry of the audit trail.

    ``records`` are the records it concerns (from its details); ``route`` is where a
    decision came from (``cli``, ``web``, ``api``, ``sheet:FILE``) or the file a load read.
    """

    id: int
    at: datetime
    who: str
    what: str
    entity: str
    entity_id: int | None
    records: tuple[int, ...]
    route: str | None
    details: Mapping[str, Any]

    def line(self) -> str:
        """The entry as one line of text."""
        about = ", ".join(f"record {r}" for r in self.records[:5])
        if len(self.records) > 5:
            about += f" (+{len(self.records) - 5})"
        shown = {k: v for k, v in self.details.items() if k not in _SHOWN_APART}
        extra = " ".join(f"{k}={_plain(v)}" for k, v in shown.items())
        parts = [self.at.strftime("%Y-%m-%d %H:%M:%S"), self.who, self.what, about, extra]
        if self.route:
            parts.append(f"[{self.route}]")
        return _CONTROLS.sub("", "  ".join(p for p in parts if p))


_SHOWN_APART = ("record", "records", "source", "file")
_CONTROLS = re.compile(r"[\x00-\x1f\x7f-\x9f]")
"""Control characters (escape sequences among them): never printed to a terminal."""


def _plain(value: Any) -> str:
    return (
        str(value).replace("\n", " ") if not isinstance(value, list) else ",".join(map(str, value))
    )


@dataclass(frozen=True)
class AuditTrail:
    """Audit entries, oldest first."""

    rows: tuple[AuditRow, ...]

    def summary(self) -> str:
        """One line per entry, then how many."""
        lines = [row.line() for row in self.rows]
        return "\n".join([*lines, f"{len(self.rows)} entries"])

    def to_dicts(self) -> list[dict[str, Any]]:
        """The entries as JSON-ready values."""
        return [{**asdict(r), "at": r.at.isoformat(), "records": list(r.records)}
                for r in self.rows]  # fmt: skip


def _records(entity: str, entity_id: int | None, payload: Mapping[str, Any]) -> tuple[int, ...]:
    found: list[int] = []
    if entity == "record" and entity_id is not None:
        found.append(entity_id)
    value = payload.get("record")
    if isinstance(value, int):
        found.append(value)
    many = payload.get("records")
    if isinstance(many, list):
        found += [r for r in many if isinstance(r, int)]
    return tuple(dict.fromkeys(found))


def _route(payload: Mapping[str, Any]) -> str | None:
    for key in ("source", "file"):
        value = payload.get(key)
        if isinstance(value, str) and value:
            return value
    return None


def audit_trail(
    store: Store,
    *,
    record: int | None = None,
    reviewer: str | None = None,
    since: date | datetime | None = None,
    limit: int | None = None,
) -> AuditTrail:
    """The audit trail, oldest first, optionally for one record, one person, or since a day.

    Parameters
    ----------
    store
        The project's store.
    record
        Only entries about this record.
    reviewer
        Only entries by this person (reviewer id, account or process name).
    since
        Only entries from this day (UTC) or moment on.
    limit
        At most this many entries: the latest ones.
    """
    a = AuditEntry
    query = select(a.id, a.created_at, a.who, a.what, a.entity, a.entity_id, a.payload)
    if reviewer is not None:
        query = query.where(a.who == reviewer)
    if since is not None:
        start = (
            since
            if isinstance(since, datetime)
            else datetime(since.year, since.month, since.day, tzinfo=UTC)
        )
        query = query.where(a.created_at >= start)
    with store.session(readonly=True) as session:
        found = session.execute(query.order_by(a.id)).all()
    rows = []
    for entry_id, at, who, what, entity, entity_id, payload in found:
        details = payload if isinstance(payload, dict) else {}
        records = _records(entity, entity_id, details)
        if record is not None and record not in records:
            continue
        rows.append(AuditRow(entry_id, at, who, what, entity, entity_id, records,
                             _route(details), details))  # fmt: skip
    if limit is not None:
        rows = rows[-limit:] if limit > 0 else []
    return AuditTrail(tuple(rows))
