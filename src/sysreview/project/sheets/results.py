"""What importing a sheet did: new values, corrections, unchanged values, stale rows.

Every item a sheet gives (a screening decision, a risk-of-bias judgement, an extracted
value) is compared with the reviewer's current value of the same item (their latest
event for that key, :mod:`sysreview.project.storage.queries`):

``unchanged``
    The same as the current value: nothing is stored, so importing the same sheet twice
    adds no events.
``new``
    No current value yet: stored.
``corrected``
    A different value, and the current one is older than the sheet (its event id is at
    most the sheet's ``as_of`` id for that log): stored as a new event, a correction.
``stale``
    A different value, but the current one was recorded after the sheet was exported
    (on the web, or from another sheet): the sheet does not know it. The import is
    refused, listing every such row with what the project now holds, unless it is
    forced; then the rows are stored as corrections overriding the newer values.

A current value stored by an earlier import of the same export (the audit log lists the
events each import stored, with the export's id) is not newer than the sheet: a sheet
fixed and imported again corrects its own rows. A sheet without identity rows has no
export time: any current value it would change counts as stale. The web forms and the
Python API compare with the present (:meth:`Tally.unchecked`): nothing they store can
be stale.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.sheets.identity import SheetIdentity
from sysreview.project.storage import AuditEntry, Store


@dataclass(frozen=True)
class StaleRow:
    """A sheet row that would overwrite a value recorded after the sheet was exported.

    ``row`` is ``None`` when ``where`` already locates it (a file from another tool:
    "decisions.ris, record 3").
    """

    where: str
    row: int | None
    column: str
    item: str
    sheet_value: str
    stored_value: str
    event_id: int
    export_known: bool = True

    def __str__(self) -> str:
        when = ("was recorded after the sheet was exported" if self.export_known
                else "is stored (the sheet has no export time)")  # fmt: skip
        message = f"{self.item}: the sheet says {self.sheet_value} but {self.stored_value} {when}"
        return str(InputError(message, source=self.where, line=self.row, column=self.column))


class StaleSheetError(InputError):
    """The sheet would silently overwrite newer values; ``rows`` lists them."""

    def __init__(self, rows: tuple[StaleRow, ...]) -> None:
        self.rows = rows
        head = (
            f"{len(rows)} value(s) in this sheet would overwrite newer ones; nothing was "
            "stored. Export the sheet again, or import it with --force to override them:"
        )
        super().__init__("\n".join([head, *map(str, rows)]))


@dataclass(frozen=True)
class ImportResult:
    """Counts of what a sheet import stored (see the module docstring); immutable."""

    source: str
    what: str
    reviewer: str
    new: int = 0
    corrected: int = 0
    unchanged: int = 0
    stale_overridden: int = 0
    warnings: tuple[str, ...] = ()

    @property
    def stored(self) -> int:
        """Events written: new values, corrections and overridden newer values."""
        return self.new + self.corrected + self.stale_overridden

    def summary(self) -> str:
        """One line: ``"unchanged"`` for a no-op import, else the counts.

        Examples
        --------
        >>> ImportResult("r1.csv", "title/abstract decisions", "R1", unchanged=3).summary()
        'r1.csv: unchanged (3 title/abstract decisions of R1 as stored); nothing stored'
        >>> ImportResult("r1.csv", "decisions", "R1", new=2, corrected=1, unchanged=3).summary()
        'r1.csv: 2 new, 1 corrected, 3 unchanged (decisions of R1)'
        """
        if not self.stored:
            return (f"{self.source}: unchanged ({self.unchanged} {self.what} of {self.reviewer} "
                    "as stored); nothing stored")  # fmt: skip
        parts = [f"{self.new} new", f"{self.corrected} corrected"]
        if self.stale_overridden:
            parts.append(f"{self.stale_overridden} overriding newer values")
        parts.append(f"{self.unchanged} unchanged")
        return f"{self.source}: {', '.join(parts)} ({self.what} of {self.reviewer})"

    def to_dict(self) -> dict[str, Any]:
        """The counts as plain values (for JSON)."""
        return {**asdict(self), "warnings": list(self.warnings), "stored": self.stored}


SHEET_IMPORT = "sheet import"
"""The audit log's ``what`` of a sheet import; its payload lists the events it stored."""
Current = tuple[Any, str, int]
"""A current value: ``(value, event table, event id)``."""


def imported_events(session: Session, sheet: str) -> frozenset[tuple[str, int]]:
    """``(table, event id)`` of every event earlier imports of the export ``sheet`` stored."""
    if not sheet:
        return frozenset()
    found: set[tuple[str, int]] = set()
    query = select(AuditEntry.payload).where(AuditEntry.what == SHEET_IMPORT)
    for payload in session.scalars(query):
        if isinstance(payload, dict) and payload.get("sheet") == sheet:
            for table, ids in (payload.get("events") or {}).items():
                found.update((table, int(i)) for i in ids)
    return frozenset(found)


class Tally:
    """Compares a sheet's items with the current values, counting as it goes.

    Parameters
    ----------
    identity
        What the sheet says of itself; ``None`` for a sheet without identity rows (any
        current value it would change is then stale).
    ours
        ``(table, event id)`` stored by earlier imports of the same export: changing
        them is a correction, not an overwrite (a sheet fixed and imported again).
    """

    def __init__(
        self, identity: SheetIdentity | None, ours: frozenset[tuple[str, int]] = frozenset()
    ) -> None:
        self.identity, self.ours = identity, ours
        self.new = self.corrected = self.unchanged = 0
        self.stale: list[StaleRow] = []
        self.stored: dict[str, list[Any]] = {}
        self._unchecked = False

    @classmethod
    def for_sheet(cls, session: Session, identity: SheetIdentity | None) -> Tally:
        """The tally of a sheet import, knowing what earlier imports of it stored."""
        return cls(identity, imported_events(session, identity.sheet if identity else ""))

    @classmethod
    def unchecked(cls) -> Tally:
        """A tally for values entered now (web forms, Python API): nothing is stale."""
        tally = cls(None)
        tally._unchecked = True
        return tally

    def _newer(self, table: str, event_id: int) -> bool:
        if self._unchecked or (table, event_id) in self.ours:
            return False
        return self.identity is None or event_id > self.identity.as_of.get(table, 0)

    def judge(
        self,
        current: Current | None,
        given: Any,
        place: tuple[str, int | None, str, str],
        show: Callable[[Any], str] = repr,
    ) -> bool:
        """Whether ``given`` must be stored, counting it.

        ``current`` is the reviewer's current value (or ``None``); ``place`` is ``(file
        and sheet, row, column, item)`` for a stale row's message.
        """
        if current is None:
            self.new += 1
            return True
        value, table, event_id = current
        if value == given:
            self.unchanged += 1
            return False
        if self._newer(table, event_id):
            where, row, column, item = place
            self.stale.append(StaleRow(where, row, column, item, show(given), show(value),
                                       event_id, self.identity is not None))  # fmt: skip
            return True
        self.corrected += 1
        return True

    def keep(self, table: str, event: Any) -> None:
        """Note an event stored by this import.

        A row object (its id is read when recording it) or the id itself.
        """
        self.stored.setdefault(table, []).append(event)

    def finish(
        self,
        store: Store,
        session: Session,
        *,
        source: str,
        what: str,
        reviewer: str,
        force: bool,
        warnings: tuple[str, ...],
    ) -> ImportResult:
        """Refuse stale rows (unless ``force``), else audit the import; the result.

        Call it inside the storing transaction: an error there stores nothing.

        Raises
        ------
        StaleSheetError
            Listing the stale rows, when there are any and ``force`` is not given.
        """
        if self.stale and not force:
            raise StaleSheetError(tuple(self.stale))
        result = ImportResult(source, what, reviewer, self.new, self.corrected, self.unchanged,
                              len(self.stale), warnings)  # fmt: skip
        session.flush()
        events = {t: [int(getattr(e, "id", e)) for e in rows] for t, rows in self.stored.items()}
        sheet = self.identity.sheet if self.identity else ""
        payload = {"file": Path(source).name, "sheet": sheet, "events": events,
                   **result.to_dict()}  # fmt: skip
        store.audit(reviewer, SHEET_IMPORT, ",".join(events) or "none", None, payload,
                    session=session)  # fmt: skip
        return result


__all__ = [
    "SHEET_IMPORT",
    "ImportResult",
    "StaleRow",
    "StaleSheetError",
    "Tally",
    "imported_events",
]
