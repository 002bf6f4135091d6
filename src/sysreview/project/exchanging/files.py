"""Use cases that write the files review teams exchange: RevMan 5, references, PRISMA2020.

:func:`export_revman` (``sysreview data export-revman OUT.rm5``) runs the project's
analysis plan on the data the project holds and writes its main pooled analyses as a RevMan 5
review (:mod:`sysreview.synthesis.revman_export`, :mod:`sysreview.io.revman_write`). The file is
written next to its final name and renamed into place, so a failed export leaves no
half-written file.

:func:`export_references` (``sysreview screen export-references OUT``) writes the
records, one per screening unit, with where screening left each (settled decisions and
exclusion reasons per stage) as RIS, BibTeX or CSV (:mod:`sysreview.io.references_write`).
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select

from sysreview.errors import InputError
from sysreview.extraction.dataset import ReviewData
from sysreview.io.references_write import FORMATS, Reference, write_references
from sysreview.io.revman_rob import QualityItem, rob1_items
from sysreview.io.revman_write import rm5_bytes
from sysreview.project.appraising.assessments import rob_assessments
from sysreview.project.selection.state import screening_state
from sysreview.project.storage import Record, Store
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool
from sysreview.screening.status import UnitStatus
from sysreview.synthesis import run_plan
from sysreview.synthesis.revman_export import synthesis_review

PathLike = str | os.PathLike[str]

__all__ = [
    "ReferencesExport",
    "RevmanExport",
    "export_prisma2020",
    "export_references",
    "export_revman",
    "references",
    "write_file",
]


@dataclass(frozen=True)
class RevmanExport:
    """What :func:`export_revman` wrote: the file, its outcomes and what it left out."""

    path: Path
    outcomes: int
    studies: int
    left_out: tuple[tuple[str, str], ...]

    def summary(self) -> str:
        """Lines for the terminal."""
        lines = [f"wrote {self.outcomes} analyses of {self.studies} studies to {self.path}"]
        lines += [f"left out {a}: {why}" for a, why in self.left_out]
        return "\n".join(lines)


def write_file(path: PathLike, body: bytes) -> Path:
    """Write ``body`` to ``path`` whole or not at all (a temporary file renamed into place).

    Raises
    ------
    InputError
        The folder does not exist or cannot be written.
    """
    target = Path(path)
    if not target.parent.is_dir():
        raise InputError("no such folder", source=str(target.parent))
    try:
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        with os.fdopen(fd, "wb") as fh:
            fh.write(body)
        os.replace(tmp, target)
    except OSError as exc:
        raise InputError(f"cannot write: {exc.strerror or exc}", source=str(target)) from exc
    return target


def export_revman(
    store: Store, protocol: Protocol, data: ReviewData, out: PathLike
) -> RevmanExport:
    """Write the main pooled analyses of the plan run on ``data`` as a RevMan 5 file ``out``.

    ``data`` are the extracted data the project holds (as the report reads them); with
    the risk-of-bias judgements (and support) of their studies when the protocol's tool
    is RoB 1.

    Raises
    ------
        InputError
            No analysis RevMan 5 can hold, or the file cannot be written.
    """
    synthesis = run_plan(data, protocol)
    review, left_out = synthesis_review(
        synthesis, title=protocol.review.title, source=Path(out).name
    )
    if not review.comparisons:
        reasons = "; ".join(f"{a}: {why}" for a, why in left_out) or "no analyses"
        raise InputError(f"nothing RevMan 5 can hold: {reasons}", source=str(out))
    quality: tuple[QualityItem, ...] = ()
    if protocol.risk_of_bias.tool is Tool.ROB1:
        ids = {name: ident for ident, name in review.study_names.items()}
        judged = [
            (ids[a.study], {d: (j, a.support.get(d, "")) for d, j in a.judgements.items()})
            for a in rob_assessments(store, protocol)
            if a.study in ids and a.result is None
        ]
        quality = rob1_items(judged) if judged else ()
    path = write_file(out, rm5_bytes(review, quality=quality))
    outcomes = sum(len(c.outcomes) for c in review.comparisons)
    return RevmanExport(path, outcomes, len(review.study_names), left_out)


@dataclass(frozen=True)
class ReferencesExport:
    """What :func:`export_references` wrote."""

    path: Path
    format: str
    count: int

    def summary(self) -> str:
        """One line for the terminal."""
        return f"wrote {self.count} records ({self.format}) to {self.path}"


_STAGES = {"ta": "title/abstract", "ft": "full text"}


def _status(ta: UnitStatus | None, ft: UnitStatus | None) -> str:
    if ft is not None and ft.state.settled:
        return "included" if ft.decision == "include" else "excluded at full text"
    if ta is not None and ta.state.settled:
        if ta.decision == "exclude":
            return "excluded at title/abstract"
        return "awaiting full text"
    return "in screening"


def _settled(s: UnitStatus | None) -> tuple[str | None, str | None]:
    if s is None or not s.state.settled:
        return None, None
    return s.decision, s.reason


def references(
    store: Store, protocol: Protocol, *, stage: str | None = None, decision: str | None = None
) -> list[Reference]:
    """The project's screening units as :class:`~sysreview.io.references_write.Reference`.

    ``stage`` keeps the units of that stage (``ta``: all; ``ft``: those sought);
    ``decision`` (``include`` or ``exclude``) keeps those with that settled decision at
    ``stage``, or, without a stage, those finally included or excluded at either stage.
    """
    if stage is not None and stage not in _STAGES:
        raise InputError(f"stage {stage!r}: must be ta or ft")
    if decision is not None and decision not in ("include", "exclude"):
        raise InputError(f"decision {decision!r}: must be include or exclude")
    state = screening_state(store, protocol)
    ta, ft = state.ta, state.ft
    sought = set(ft.units)
    units = list(ft.units if stage == "ft" else ta.units)
    found: list[tuple[int, UnitStatus | None, UnitStatus | None]] = []
    for unit in units:
        t, f = ta.status.get(unit), ft.status.get(unit) if unit in sought else None
        if decision is not None:
            if stage is not None:
                here = _settled(t if stage == "ta" else f)[0]
                if (here == "exclude") != (decision == "exclude") or here is None:
                    continue
            else:
                final = _status(t, f)
                wanted = "included" if decision == "include" else "excluded"
                if not final.startswith(wanted):
                    continue
        found.append((unit, t, f))
    with store.session(readonly=True) as session:
        rows = {
            r.id: r
            for r in session.scalars(select(Record).where(Record.id.in_([u for u, _, _ in found])))
        }
    out = []
    for unit, t, f in found:
        rec = rows[unit]
        (td, tr), (fd, fr) = _settled(t), _settled(f)
        out.append(
            Reference(
                record_id=rec.id,
                title=rec.title,
                authors=tuple(a for a in (rec.authors or "").split("\n") if a),
                year=rec.year,
                journal=rec.journal,
                volume=rec.volume,
                issue=rec.issue,
                pages=rec.pages,
                doi=rec.doi,
                pmid=rec.pmid,
                issn=rec.issn,
                abstract=rec.abstract,
                keywords=tuple(rec.keywords or ()),
                url=rec.url,
                database=rec.database,
                ta_decision=td,
                ta_reason=tr,
                ft_decision=fd,
                ft_reason=fr,
                status=_status(t, f),
            )
        )
    return out


def export_references(
    store: Store,
    protocol: Protocol,
    out: PathLike,
    *,
    fmt: str | None = None,
    stage: str | None = None,
    decision: str | None = None,
) -> ReferencesExport:
    """Write the project's records with their screening decisions as RIS, BibTeX or CSV.

    ``fmt`` defaults to the extension of ``out`` (``.ris``, ``.bib``, ``.csv``); see
    :func:`references` for ``stage`` and ``decision``.

    Raises
    ------
    InputError
        An unknown format, stage or decision, or the file cannot be written.
    """
    fmt = fmt or _FORMAT_BY_SUFFIX.get(Path(out).suffix.lower())
    if fmt not in FORMATS:
        raise InputError(
            f"format {fmt!r}: must be one of {', '.join(FORMATS)} (or a .ris, .bib or "
            ".csv file name)",
            source=str(out),
        )
    refs = references(store, protocol, stage=stage, decision=decision)
    text = write_references(refs, fmt)
    path = write_file(out, text.encode("utf-8"))
    return ReferencesExport(path, fmt, len(refs))


_FORMAT_BY_SUFFIX = {".ris": "ris", ".bib": "bibtex", ".csv": "csv"}


def export_prisma2020(store: Store, protocol: Protocol, out: PathLike) -> Path:
    """Write the project's PRISMA flow counts as the PRISMA2020 app's CSV.

    See :mod:`sysreview.io.prisma2020`.
    """
    from sysreview.io.prisma2020 import prisma2020_csv
    from sysreview.project.reporting.prisma_data import prisma_counts

    counts = prisma_counts(store, protocol=protocol)
    return write_file(out, prisma2020_csv(counts).encode("utf-8"))
