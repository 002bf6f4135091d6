"""Tables of screening labels and highlighted keywords, as event logs (append-only).

- ``label_definition``: a label the project's administrators defined (``name``, an
  optional ``description``), or took out of use (``retired``); the latest row per name
  is current.
- ``label_event``: a label put on a record (``applied``) or taken off it, by whom and
  when; the latest row per record and label is current.
- ``keyword_event``: a word to highlight in titles and abstracts: ``kind`` ``include``
  (green), ``exclude`` (red) or ``none`` (taken off the list), in the project's list
  (``owner`` empty) or one reviewer's own list (``owner`` their name); the latest row
  per owner and word is current.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import CheckConstraint, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from sysreview.project.storage.base import Base, sql_in, utcnow

KEYWORD_KINDS = ("include", "exclude", "none")
"""A highlighted word's kind: include (green), exclude (red), none (taken off the list)."""
LABEL_LENGTH = 60
"""The longest label name."""
KEYWORD_LENGTH = 100
"""The longest highlighted keyword (a word or a phrase)."""


class LabelDefinition(Base):
    """A label defined (or retired) for the project, by an administrator."""

    __tablename__ = "label_definition"
    __table_args__ = (CheckConstraint("name <> ''", name="name"), Index(None, "name"))

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    description: Mapped[str | None] = mapped_column(Text)
    retired: Mapped[bool] = mapped_column(default=False)
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class LabelEvent(Base):
    """A label put on a record (``applied``) or taken off it."""

    __tablename__ = "label_event"
    __table_args__ = (Index(None, "record_id"), Index(None, "label"))

    id: Mapped[int] = mapped_column(primary_key=True)
    record_id: Mapped[int] = mapped_column(ForeignKey("record.id"))
    label: Mapped[str] = mapped_column(String(LABEL_LENGTH))
    applied: Mapped[bool]
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class KeywordEvent(Base):
    """A word added to (or taken off) the project's or a reviewer's highlight list."""

    __tablename__ = "keyword_event"
    __table_args__ = (
        CheckConstraint(sql_in("kind", KEYWORD_KINDS), name="kind"),
        CheckConstraint("word <> ''", name="word"),
        Index(None, "owner"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    owner: Mapped[str | None] = mapped_column(String(200))
    word: Mapped[str] = mapped_column(String(KEYWORD_LENGTH))
    kind: Mapped[str] = mapped_column(String(10))
    who: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
