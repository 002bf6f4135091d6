"""Use case ``sysreview analyse``: run the protocol's analysis plan and write the results.

The data come from the project store (``sysreview.project.extracting.review_data``) or
from a Metapsy-format CSV with its conversion table (``mapping.toml``, read by
``sysreview.extraction.metapsy_convert``); each loader is imported only when used. The
computation is :func:`sysreview.synthesis.run_plan`; the files are written by
:func:`sysreview.synthesis.export.write_synthesis`.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from sysreview.errors import InputError
from sysreview.extraction.dataset import ReviewData
from sysreview.project.services import PathLike, opened, validate_protocol
from sysreview.protocol.models import Protocol
from sysreview.synthesis import Synthesis, run_plan
from sysreview.synthesis.export import write_synthesis

MAPPING_FILE = "mapping.toml"
"""The default conversion table of ``--data``, in the project folder."""


@dataclass(frozen=True)
class Analysed:
    """What ``sysreview analyse`` did: the synthesis and the files written."""

    synthesis: Synthesis
    files: dict[str, Path]


def project_review_data(directory: PathLike, db_url: str | None = None) -> ReviewData:
    """The extracted data held in the project's store (consensus values; see the loader)."""
    from sysreview.project.extracting import review_data

    with opened(directory, db_url) as (project, store):
        return review_data(store, project.protocol)


def metapsy_review_data(path: PathLike, protocol: Protocol, mapping: PathLike) -> ReviewData:
    """The extracted data of a Metapsy-format CSV file, converted by a ``mapping.toml``."""
    from sysreview.extraction import read_metapsy
    from sysreview.extraction.metapsy_convert import review_data_from_metapsy
    from sysreview.project.demo import read_mapping

    source = str(mapping)
    try:
        text = Path(mapping).read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read the mapping: {exc.strerror}", source=source) from None
    except UnicodeDecodeError:
        raise InputError("the mapping is not UTF-8 text", source=source) from None
    rules = read_mapping(text, source=source)
    return review_data_from_metapsy(read_metapsy(Path(path)), protocol, mapping=rules)


def analyse(
    directory: PathLike,
    *,
    db_url: str | None = None,
    data: PathLike | None = None,
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
        A Metapsy-format CSV to analyse instead of the project's store.
    mapping
        The conversion table of ``data`` (default ``DIR/mapping.toml``).
    out
        Output folder (default ``DIR/out``): ``results.json``, ``results.csv`` and
        ``analysis_data.csv``.
    """
    protocol = validate_protocol(directory)
    if data is None:
        review = project_review_data(directory, db_url)
    else:
        rules = Path(directory) / MAPPING_FILE if mapping is None else mapping
        review = metapsy_review_data(data, protocol, rules)
    synthesis = run_plan(review, protocol)
    files = write_synthesis(synthesis, Path(directory) / "out" if out is None else Path(out))
    return Analysed(synthesis, files)


__all__ = [
    "MAPPING_FILE",
    "Analysed",
    "analyse",
    "metapsy_review_data",
    "project_review_data",
]
