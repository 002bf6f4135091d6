"""Use cases ``sysreview init --from-revman`` and ``sysreview import FILE.rm5``: a RevMan review in.

:func:`init_from_revman` starts a project from a RevMan 5 file: the protocol's plan is the
file's analyses as RevMan stored them (:func:`sysreview.io.revman_plan.protocol_text`),
then :func:`import_revman` loads its studies, per-arm data and RoB 1 judgements. Both
read the file once, through the reader ``sysreview data load`` and ``sysreview pool``
use (:func:`sysreview.io.revman.read_revman`); the rows are stored as a filled template
is, all or nothing (:func:`~sysreview.project.extracting.datasets.load_dataset`), as the
consensus of the reviewer (the review's published values are its authors' agreed ones).
What the plan cannot carry over, or whose RevMan result it cannot reproduce, is listed
in the summary, as are the study rows not loaded.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TYPE_CHECKING

from sysreview.errors import InputError
from sysreview.io import Skipped
from sysreview.io.revman_plan import RevmanPlan
from sysreview.project.opening import PathLike

if TYPE_CHECKING:
    from sysreview.project.extracting.datasets import DatasetLoad
    from sysreview.project.opening import Project

__all__ = ["REVMAN_MAPPING", "RevmanImport", "import_revman", "init_from_revman"]

REVMAN_MAPPING = "revman-mapping.toml"
"""The mapping ``init --from-revman`` used, written beside ``review.toml``."""


@dataclass(frozen=True)
class RevmanImport:
    """What importing a RevMan file stored, and what of it is not reproduced."""

    plan: RevmanPlan
    load: DatasetLoad
    rows_skipped: tuple[Skipped, ...]

    def summary(self) -> str:
        """The load's summary, the plan's, then each study row not loaded and why."""
        lines = [self.load.summary(), self.plan.summary()]
        if self.rows_skipped:
            lines.append("study rows not loaded:")
            lines += [f"  {s.location}: {s.reason}" for s in self.rows_skipped]
        return "\n".join(lines)


def _reviewer(project: Project, reviewer: str | None) -> str:
    """``reviewer``, else the protocol's first extractor."""
    from sysreview.protocol.review import Role

    if reviewer is not None:
        return reviewer
    people = [r.id for r in project.protocol.review.reviewers if r.has(Role.EXTRACTOR)]
    if not people:
        raise InputError("the protocol names no extractor to record the file's values for")
    return people[0]


def import_revman(
    project: Project,
    path: PathLike,
    *,
    reviewer: str | None = None,
    mapping: PathLike | None = None,
    write_mapping: PathLike | None = None,
) -> RevmanImport:
    """Store a RevMan file's studies, per-arm data and RoB 1 judgements in ``project``.

    Parameters
    ----------
    project
        The open project.
    path
        The ``.rm5`` file.
    reviewer
        The protocol reviewer the values are the consensus of (default: the first
        extractor); an arbiter or appraiser as :func:`load_dataset` requires.
    mapping
        An outcome mapping file (:mod:`sysreview.io.outcomes`); without one, the file's
        analyses go to the domains labelled as they are
        (:func:`~sysreview.io.revman_plan.derived_mapping`).
    write_mapping
        Where to write that derived mapping as a mapping file (``init --from-revman``).

    Raises
    ------
    InputError
        The file is not a RevMan 5 review, analyses match no domain (naming them), or
        anything :func:`~sysreview.project.extracting.datasets.load_dataset` refuses.
        Nothing is stored then.
    """
    from sysreview.io.outcomes import read_outcome_mapping
    from sysreview.io.revman import read_revman, revman_dataset
    from sysreview.io.revman_plan import derived_mapping, mapping_toml, plan_review
    from sysreview.project.exchanging.files import write_file
    from sysreview.project.extracting.datasets import load_dataset, sha256_of
    from sysreview.protocol.appraisal import Tool

    protocol = project.protocol
    who = _reviewer(project, reviewer)
    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    review, rob, _ = read_revman(path)
    name = PurePath(path).name
    rules = (
        derived_mapping(review, protocol, name)
        if mapping is None
        else read_outcome_mapping(Path(mapping), protocol)
    )
    keep = protocol.risk_of_bias.tool is Tool.ROB1
    dataset = revman_dataset(review, protocol, rules, rob if keep else None)
    plan = plan_review(review)
    with project.write_lock:
        load = load_dataset(
            project.store,
            protocol,
            dataset,
            who,
            consensus=True,
            add_studies=True,
            file_sha256=sha256_of(Path(path)),
        )
    if mapping is None and write_mapping is not None:
        write_file(write_mapping, mapping_toml(rules).encode("utf-8"))
    whole = {f"{name}, analysis {a.label}" for a in plan.analyses}
    whole |= {f"{name}, analysis {x.label}" for x in plan.left_out}
    rows = tuple(s for s in dataset.skipped if s.location not in whole)
    return RevmanImport(plan, load, rows)


def init_from_revman(
    directory: PathLike, path: PathLike, db_url: str | None = None
) -> tuple[Project, RevmanImport]:
    """Create a project whose plan is a RevMan file's analyses, and import the file.

    ``review.toml`` is the blank template with the file's title and analyses
    (:func:`sysreview.io.revman_plan.protocol_text`); then :func:`import_revman` as the
    first extractor, the mapping it derived written to ``DIR/revman-mapping.toml`` (a
    record of what went where, and a mapping file ``import --mapping`` takes). On any
    failure nothing is left: no ``review.toml``, mapping or database.

    Raises
    ------
    InputError
        The file is not a RevMan 5 review or has no analysis with per-arm data; the
        folder already holds a project.
    """
    from sysreview.io.revman import read_revman
    from sysreview.io.revman_plan import plan_review, protocol_text
    from sysreview.project.opening import PROTOCOL_FILE, init_project, load_project
    from sysreview.project.storage import DB_FILE, database_url, sqlite_url

    path = Path(path)
    if not path.is_file():
        raise InputError("no such file", source=str(path))
    review, _, _ = read_revman(path)
    text = protocol_text(plan_review(review))
    directory = Path(directory)
    database = directory / DB_FILE
    fresh_db = not database.exists() and database_url(directory, db_url) == sqlite_url(database)
    made = init_project(directory, "blank", db_url, text=text, source=PurePath(path).name)
    try:
        with load_project(directory, db_url) as project:
            done = import_revman(project, path, write_mapping=directory / REVMAN_MAPPING)
    except BaseException:
        (directory / PROTOCOL_FILE).unlink(missing_ok=True)
        (directory / REVMAN_MAPPING).unlink(missing_ok=True)
        if fresh_db:
            database.unlink(missing_ok=True)
        raise
    return made, done
