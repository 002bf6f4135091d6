"""The review's studies: listed, and added explicitly (``sysreview study add LABEL``).

A study is made in exactly two ways: by linking an included full-text report to it
(:func:`sysreview.project.selection.study_links.link_report`, ``sysreview screen link``) or by
adding
it here, e.g. for a study known only from a trial register or an earlier review.
Sheets, forms and the Python API never make one: a study label they give must exist, so
a typo cannot create a phantom study that the analysis would then carry for good.
"""

from __future__ import annotations

import os
import re
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from sysreview.errors import InputError
from sysreview.project.storage import Store, Study, StudyReport

PathLike = str | os.PathLike[str]
MAX_LABEL = 200
"""The longest label the store keeps."""


@dataclass(frozen=True)
class StudyInfo:
    """A study: its label, id, the records of its reports (primary first) and when made."""

    id: int
    label: str
    reports: tuple[int, ...]
    created_at: datetime

    def summary(self) -> str:
        """One line: ``"Cook 2012a  (id 3; reports 12, 40)"``."""
        reports = ", ".join(map(str, self.reports)) or "none linked"
        return f"{self.label}  (id {self.id}; reports {reports})"


def _key(label: str) -> str:
    """The label as compared for near-duplicates: case and spacing ignored."""
    return re.sub(r"\s+", " ", label).strip().casefold()


def add_study(store: Store, label: str, *, who: str = "sysreview") -> StudyInfo:
    """Add a study called ``label``.

    Raises
    ------
    InputError
        For an empty or too long label, or one that exists already (ignoring case and
        spacing: ``"cook  2012a"`` is ``"Cook 2012a"``).
    """
    with store.session() as session:
        return add_study_in(session, store, label, who=who)


def add_study_in(
    session: Session, store: Store, label: str, *, who: str = "sysreview"
) -> StudyInfo:
    """:func:`add_study` inside the caller's transaction ``session``.

    A data file's studies are added with its values, all or nothing:
    ``sysreview.project.extracting.datasets``.
    """
    clean = re.sub(r"\s+", " ", label).strip()
    if not clean:
        raise InputError("a study needs a label, e.g. 'Cook 2012a'")
    if len(clean) > MAX_LABEL:
        raise InputError(f"a study label has at most {MAX_LABEL} characters, not {len(clean)}")
    for study in session.scalars(select(Study)):
        if _key(study.label) == _key(clean):
            raise InputError(f"study {study.label!r} exists already (id {study.id})")
    row = Study(label=clean)
    session.add(row)
    session.flush()
    store.audit(who, "study add", "study", row.id, {"label": clean}, session=session)
    return StudyInfo(row.id, row.label, (), row.created_at)


def list_studies(store: Store) -> tuple[StudyInfo, ...]:
    """Every study, in the order they were made, with the records of their reports."""
    with store.session(readonly=True) as session:
        links: dict[int, list[tuple[bool, int]]] = {}
        for link in session.scalars(select(StudyReport).order_by(StudyReport.id)):
            links.setdefault(link.study_id, []).append((not link.is_primary, link.record_id))
        studies = session.scalars(select(Study).order_by(Study.id))
        return tuple(
            StudyInfo(s.id, s.label, tuple(r for _, r in sorted(links.get(s.id, []))), s.created_at)
            for s in studies
        )


def project_add_study(directory: PathLike, label: str, db_url: str | None = None) -> StudyInfo:
    """Add a study to the project (see :func:`add_study`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (_, store):
        return add_study(store, label)


def project_studies(directory: PathLike, db_url: str | None = None) -> tuple[StudyInfo, ...]:
    """The project's studies (see :func:`list_studies`)."""
    from sysreview.project.opening import opened

    with opened(directory, db_url) as (_, store):
        return list_studies(store)


__all__ = [
    "StudyInfo",
    "add_study",
    "add_study_in",
    "list_studies",
    "project_add_study",
    "project_studies",
]
