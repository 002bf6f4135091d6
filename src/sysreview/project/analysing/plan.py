"""Use case ``sysreview analyse``: run the protocol's analysis plan and write the results.

The data come from the project store (:func:`project_review_data`, the same inputs the
report reads: :func:`sysreview.project.analysing.inputs.store_inputs`), or from a data file of an
outside format read by its adapter (:mod:`sysreview.io`: Metapsy with its mapping, RevMan
``.rm5``, a CSV with metafor's column names) the same way
(:func:`sysreview.project.extracting.datasets.dataset_review_data`); each loader is imported only
when used. The computation is :func:`sysreview.synthesis.run_plan`; the files are written
by :func:`sysreview.synthesis.export.write_synthesis`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sysreview.extraction.dataset import ReviewData
from sysreview.project.opening import PathLike, validate_protocol
from sysreview.synthesis import Synthesis, run_plan
from sysreview.synthesis.export import write_synthesis


@dataclass(frozen=True)
class Analysed:
    """What ``sysreview analyse`` did: the synthesis and the files written."""

    synthesis: Synthesis
    files: dict[str, Path]


def project_review_data(directory: PathLike, db_url: str | None = None) -> ReviewData:
    """The extracted data held in the project's store, as the report reads them.

    Consensus values; each study's overall risk of bias from its appraisal.
    """
    from sysreview.project.analysing.inputs import store_inputs

    return store_inputs(directory, db_url).data


def analyse(
    directory: PathLike,
    *,
    db_url: str | None = None,
    data: PathLike | None = None,
    data_format: str | None = None,
    mapping: PathLike | None = None,
    out: PathLike | None = None,
) -> Analysed:
    """Run the analysis plan of the project in ``directory`` and write the results.

    Parameters
    ----------
    directory
        The project (its ``review.toml`` gives the plan).
    db_url
        The project's database, when not the default.
    data
        A data file to analyse instead of the project's store (its format from
        ``data_format``, else its name and content: :func:`sysreview.io.detect_format`).
    data_format
        One of :data:`sysreview.io.FORMATS`.
    mapping
        The mapping file the format needs (Metapsy, RevMan).
    out
        Output folder (default ``DIR/out``): ``results.json``, ``results.csv`` and
        ``analysis_data.csv``.
    """
    protocol = validate_protocol(directory)
    if data is None:
        review = project_review_data(directory, db_url)
    else:
        from sysreview.project.extracting.datasets import dataset_review_data

        review = dataset_review_data(directory, data, format=data_format, mapping=mapping)
    synthesis = run_plan(review, protocol)
    files = write_synthesis(synthesis, Path(directory) / "out" if out is None else Path(out))
    return Analysed(synthesis, files)


__all__ = [
    "Analysed",
    "analyse",
    "project_review_data",
]
