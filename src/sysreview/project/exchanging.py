"""Use cases that write the files review teams exchange (RevMan 5 for now).

:func:`export_revman` (``sysreview data export-revman OUT.rm5``) runs the project's
analysis plan on what the project holds and writes its main pooled analyses as a RevMan 5
review (:mod:`sysreview.io.revman_export`, :mod:`sysreview.io.revman_write`). The file is
written next to its final name and renamed into place, so a failed export leaves no
half-written file.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sysreview.errors import InputError
from sysreview.io.revman_export import synthesis_review
from sysreview.io.revman_write import rm5_bytes
from sysreview.project.analysing import project_review_data
from sysreview.project.services import validate_protocol
from sysreview.synthesis import run_plan

PathLike = str | os.PathLike[str]

__all__ = ["RevmanExport", "export_revman", "write_file"]


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


def export_revman(directory: PathLike, out: PathLike, *, db_url: str | None = None) -> RevmanExport:
    """Write the project's main pooled analyses as a RevMan 5 file ``out``.

    Raises
    ------
    InputError
        No analysis RevMan 5 can hold, or the file cannot be written.
    """
    protocol = validate_protocol(directory)
    synthesis = run_plan(project_review_data(directory, db_url), protocol)
    review, left_out = synthesis_review(
        synthesis, title=protocol.review.title, source=Path(out).name
    )
    if not review.comparisons:
        reasons = "; ".join(f"{a}: {why}" for a, why in left_out) or "no analyses"
        raise InputError(f"nothing RevMan 5 can hold: {reasons}", source=str(out))
    path = write_file(out, rm5_bytes(review))
    outcomes = sum(len(c.outcomes) for c in review.comparisons)
    return RevmanExport(path, outcomes, len(review.study_names), left_out)
