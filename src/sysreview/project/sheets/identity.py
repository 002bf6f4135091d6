"""Whose sheet is this? The identity every sheet the tool writes carries, and its check.

A sheet (screening, risk of bias, extraction, GRADE) records the project's id and title,
the stage (``ta``, ``ft``, ``rob``, ``extraction`` or ``grade``), the reviewer it was
exported for (empty for a blank template anyone may fill), the export time, a random
id of this export (``sheet``), the sysreview version, and, per event log, the id of the
newest event at export (``as_of``): events with larger ids were recorded after the export,
which is how a stale sheet is recognised (ids are handed out in insertion order by the
database, so no clock is trusted), unless importing this very sheet stored them.

In an XLSX workbook the identity is a hidden sheet called ``sysreview`` holding
``key, value`` rows. A CSV file starts with it, as rows a spreadsheet shows above the
header and that the reviewer leaves alone::

    #sysreview sheet,keep these rows: they say whose sheet this is
    #format,1
    #project,9b2f6c1e-...
    #project_title,Group peer support for mental health
    #stage,ta
    #reviewer,R1
    #exported_at,2026-12-01T09:30:00Z
    #sheet,0c0f5d4a-...
    #sysreview_version,0.1.0
    #as_of.decision_event,57
    record_id,title,...

Importing a sheet for another project, stage or reviewer is refused, naming both. A sheet
without identity rows (made by hand) is accepted with a warning; since nobody knows when
it was made, each of its rows that would change a value already stored counts as
possibly stale (see :mod:`sysreview.project.sheets.results`).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from types import MappingProxyType

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from sysreview import __version__
from sysreview.errors import InputError
from sysreview.project.storage import Base, project_uuid
from sysreview.protocol import Protocol

MARKER = "#sysreview sheet"
"""First cell of a CSV sheet's identity block."""
MARKER_NOTE = "keep these rows: they say whose sheet this is"
IDENTITY_SHEET = "sysreview"
"""The hidden sheet holding a workbook's identity."""
FORMAT_VERSION = 1
STAGE_NAMES = {
    "ta": "title/abstract screening",
    "ft": "full-text screening",
    "rob": "risk of bias",
    "extraction": "data extraction",
    "grade": "certainty of the evidence (GRADE)",
}
_AS_OF = "as_of."


@dataclass(frozen=True)
class SheetIdentity:
    """What a sheet says about itself (see the module docstring)."""

    project: str
    title: str
    stage: str
    reviewer: str
    exported_at: str
    version: str = __version__
    as_of: Mapping[str, int] = field(default_factory=dict)
    sheet: str = ""

    def __post_init__(self) -> None:
        object.__setattr__(self, "as_of", MappingProxyType(dict(self.as_of)))

    def to_pairs(self) -> list[tuple[str, str]]:
        """``(key, value)`` rows, as written (format first)."""
        return [
            ("format", str(FORMAT_VERSION)),
            ("project", self.project),
            ("project_title", self.title),
            ("stage", self.stage),
            ("reviewer", self.reviewer),
            ("exported_at", self.exported_at),
            ("sheet", self.sheet),
            ("sysreview_version", self.version),
            *((f"{_AS_OF}{table}", str(last)) for table, last in sorted(self.as_of.items())),
        ]

    @classmethod
    def from_pairs(cls, pairs: Iterable[tuple[str, str]], source: str) -> SheetIdentity:
        """Read the rows back; unknown keys are ignored (a newer minor addition).

        Raises
        ------
        InputError
            When a key is missing or a value malformed: the identity rows were edited.
        """
        found = {k.strip().lower(): v.strip() for k, v in pairs if k.strip()}

        def bad(what: str) -> InputError:
            return InputError(
                f"the sheet's identity rows are damaged ({what}); export the sheet again",
                source=source,
            )

        missing = [k for k in ("format", "project", "stage", "exported_at") if not found.get(k)]
        if missing:
            raise bad(f"no {missing[0]!r}")
        if not found["format"].isdigit() or int(found["format"]) > FORMAT_VERSION:
            message = (
                f"sheet format {found['format']!r} is newer than this sysreview reads "
                f"({FORMAT_VERSION}): upgrade sysreview"
            )
            raise InputError(message, source=source)
        try:
            datetime.fromisoformat(found["exported_at"].replace("Z", "+00:00"))
            as_of = {k[len(_AS_OF) :]: int(v) for k, v in found.items() if k.startswith(_AS_OF)}
        except ValueError as exc:
            raise bad(str(exc)) from None
        return cls(found["project"], found.get("project_title", ""), found["stage"],
                   found.get("reviewer", ""), found["exported_at"],
                   found.get("sysreview_version", ""), as_of, found.get("sheet", ""))  # fmt: skip

    def describe(self) -> str:
        """``"project 'Title', title/abstract screening, R1, exported 2026-12-01T09:30:00Z"``."""
        who = self.reviewer or "any reviewer"
        stage = STAGE_NAMES.get(self.stage, self.stage)
        return f"project {self.title!r}, {stage}, {who}, exported {self.exported_at}"


def now_text() -> str:
    """The current UTC time as ``2026-12-01T09:30:00Z`` (a form spreadsheets leave as text)."""
    return datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z")


def identity_for(
    session: Session,
    protocol: Protocol,
    *,
    stage: str,
    reviewer: str | None,
    tables: Iterable[type[Base]],
) -> SheetIdentity:
    """The identity of a sheet exported now, read in the session that reads its rows."""
    as_of = {
        str(model.__tablename__): int(session.scalar(select(func.max(model.id))) or 0)  # type: ignore[attr-defined]
        for model in tables
    }
    return SheetIdentity(project_uuid(session), protocol.review.title, stage, reviewer or "",
                         now_text(), __version__, as_of, str(uuid.uuid4()))  # fmt: skip


def check_identity(
    found: SheetIdentity | None,
    session: Session,
    protocol: Protocol,
    *,
    stage: str,
    reviewer: str,
    where: str,
) -> list[str]:
    """Refuse a sheet made for another project, stage or reviewer; warnings otherwise.

    Raises
    ------
    InputError
        Naming what the sheet says and what this import is for.
    """
    here = STAGE_NAMES.get(stage, stage)
    if found is None:
        return [
            f"{where}: no sysreview identity rows (a sheet made by hand?): it cannot be checked "
            f"as {reviewer}'s {here} sheet of this project, and any row changing a stored "
            "value counts as possibly stale"
        ]
    uuid = project_uuid(session)
    title = protocol.review.title
    if found.project != uuid:
        raise InputError(f"this sheet comes from another project: {found.title!r} (id "
                         f"{found.project}), not {title!r} (id {uuid})", source=where)  # fmt: skip
    if found.stage != stage:
        there = STAGE_NAMES.get(found.stage, found.stage)
        raise InputError(f"this sheet is for {there} ({found.stage}), not {here} ({stage}); "
                         f"it is {found.describe()}", source=where)  # fmt: skip
    if found.reviewer and found.reviewer != reviewer:
        raise InputError(
            f"this sheet was exported for {found.reviewer}, not {reviewer}: import it as "
            f"{found.reviewer}, or export a sheet for {reviewer} ({found.describe()})",
            source=where,
        )
    return []


__all__ = [
    "IDENTITY_SHEET",
    "MARKER",
    "STAGE_NAMES",
    "SheetIdentity",
    "check_identity",
    "identity_for",
    "now_text",
]
