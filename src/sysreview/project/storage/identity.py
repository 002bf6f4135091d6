"""The project's identity: one row holding a random UUID made with the project.

Sheets the tool writes carry this id (see :mod:`sysreview.project.sheets.reading`), so a sheet
exported from one project is refused by another, even when both have the same title.
The row is created by migration 0005 (for a new database, and for an existing one when
it is upgraded) and kept by ``sysreview export`` / ``sysreview load``; nothing changes it.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, String, select
from sqlalchemy.orm import Mapped, Session, mapped_column

from sysreview.errors import StoreError
from sysreview.project.storage.base import Base, utcnow

IDENTITY_TABLE = "project"


class ProjectIdentity(Base):
    """The one row (``id = 1``) naming this project: ``uuid`` and when it was made."""

    __tablename__ = IDENTITY_TABLE
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    uuid: Mapped[str] = mapped_column(String(36), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


def project_uuid(session: Session) -> str:
    """The project's id (a UUID, as text).

    Raises
    ------
    StoreError
        When the database has no identity row (not upgraded to revision 0005).
    """
    found = session.scalar(select(ProjectIdentity.uuid).where(ProjectIdentity.id == 1))
    if found is None:
        raise StoreError("the database has no project id: run 'sysreview db upgrade'")
    return found


__all__ = ["IDENTITY_TABLE", "ProjectIdentity", "project_uuid"]
