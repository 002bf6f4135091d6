"""The Metapsy data standard (https://docs.metapsy.org/data-standard/) as a project's data.

A Metapsy database is a ``data.csv`` (one row per study x outcome x comparison) with a
``references.json`` and a ``search_flow.json``. What a review takes from it, and how, is
stated in a mapping file (:mod:`~sysreview.io.metapsy.mapping`, ``mapping.toml``): which
trials, which comparator codes, RoB 2 vocabulary, and one rule per study and instrument.
:func:`read_metapsy_dataset` reads the three files through the mapping into a
:class:`~sysreview.io.dataset.Dataset`, the rows a filled extraction template would hold::

    read_metapsy(data.csv)          -> MetapsyData       # typed rows, raw text kept (reader)
    quality_report(data)            -> QualityReport     # the file's defects (quality)
    convert_metapsy(data, protocol) -> MetapsyConversion # the form's rows, a decision per row
    rob2_from_metapsy(data, mapping)-> RobRow, ...       # RoB 2 as the dataset gives it
    prisma_from_search_flow(flow)   -> PrismaCounts      # the search's flow (flow)

The search flow becomes PRISMA counts from another source
(:class:`~sysreview.prisma.OtherSourceCounts`): the dataset's authors searched and
screened, not the review; the trials the mapping's selection leaves out are counted as
full-text exclusions with the selection's reason, and the note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import Any

from sysreview.errors import InputError
from sysreview.io.dataset import Dataset, Skipped
from sysreview.io.metapsy.convert import MetapsyConversion, RowDecision, convert_metapsy
from sysreview.io.metapsy.flow import prisma_from_search_flow
from sysreview.io.metapsy.mapping import MetapsyMapping, read_mapping, read_mapping_file
from sysreview.io.metapsy.quality import QualityReport, quality_report
from sysreview.io.metapsy.reader import MetapsyData, MetapsyRow, read_metapsy, read_metapsy_text
from sysreview.io.metapsy.references import references_from_metapsy
from sysreview.io.metapsy.rob2 import rob2_from_metapsy
from sysreview.prisma import OtherSourceCounts
from sysreview.protocol import Protocol
from sysreview.records.jsontext import parse_json

__all__ = [
    "FORMAT",
    "MetapsyConversion",
    "MetapsyData",
    "MetapsyMapping",
    "MetapsyRead",
    "MetapsyRow",
    "QualityReport",
    "RowDecision",
    "convert_metapsy",
    "prisma_from_search_flow",
    "quality_report",
    "read_mapping",
    "read_mapping_file",
    "read_metapsy",
    "read_metapsy_dataset",
    "read_metapsy_text",
    "references_from_metapsy",
    "rob2_from_metapsy",
]

FORMAT = "metapsy"


@dataclass(frozen=True)
class MetapsyRead:
    """A Metapsy file read through its mapping: the rows, the decisions and the dataset.

    ``references`` is ``{study: citation}`` of the dataset's ``references.json`` (empty
    without one); every selected trial must be in it.
    """

    data: MetapsyData
    mapping: MetapsyMapping
    conversion: MetapsyConversion
    quality: QualityReport
    references: dict[str, str]
    dataset: Dataset

    def summary(self) -> str:
        """The conversion, then the data-quality report's counts."""
        counts = ", ".join(f"{k} {n}" for k, n in self.quality.counts().items())
        return "\n".join(
            [
                self.conversion.summary(),
                f"Data-quality report: {len(self.quality.problems)} problems ({counts})",
            ]
        )


def _json(path: Path) -> Any:
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read it: {exc.strerror}", source=str(path)) from None
    except UnicodeDecodeError:
        raise InputError("not UTF-8 text", source=str(path)) from None
    return parse_json(text, str(path))


def _counts(mapping: MetapsyMapping, conversion: MetapsyConversion) -> OtherSourceCounts | None:
    """The search flow as counts from another source (the mapping's selection included)."""
    files = mapping.dataset
    if files.search_flow is None:
        return None
    flow = _json(files.search_flow)
    used = {r["study_id"] for r in conversion.studies}
    left_out = {r.study for r in conversion.of("not selected")} - used
    extra = {mapping.selection_reason: len(left_out)} if left_out else {}
    counts = prisma_from_search_flow(
        flow,
        source=str(files.search_flow),
        database_label=files.databases,
        extra_exclusions=extra,
    )
    source = files.source or f"Metapsy dataset ({PurePath(files.search_flow).name})"
    note = f"search flow of {PurePath(files.search_flow).name}"
    if left_out:
        note += (
            f"; {len(left_out)} of its {counts.studies_included + len(left_out)} included "
            f"studies excluded by this review's selection in {PurePath(mapping.source).name}: "
            f"{mapping.selection_column} not {', '.join(mapping.selection_include)}"
        )
    return OtherSourceCounts(source, counts, note)


def read_metapsy_dataset(path: str | Path, protocol: Protocol, mapping: str | Path) -> MetapsyRead:
    """Read a Metapsy ``data.csv`` through its ``mapping.toml`` into the form's rows.

    Parameters
    ----------
    path
        The data file.
    protocol
        The review's protocol (domains, measures, comparator codes, its RoB tool).
    mapping
        The mapping file; its ``[dataset]`` table names the references and search flow.

    Raises
    ------
    InputError
        A file that cannot be read, a mapping mistake (with its line), a selected trial
        without a citation in the references, a conversion rule the data break (naming
        the row and column).
    """
    rules = read_mapping_file(mapping, protocol)
    references: dict[str, str] = {}
    if rules.dataset.references is not None:
        doc = _json(rules.dataset.references)
        references = references_from_metapsy(doc, source=str(rules.dataset.references))
    data = read_metapsy(path)
    if references:
        data = MetapsyData(data.source, data.columns, data.rows, frozenset(references))
    conversion = convert_metapsy(data, protocol, mapping=rules)
    if references:
        missing = [r["study_id"] for r in conversion.studies if r["study_id"] not in references]
        if missing:
            raise InputError(
                f"no citation in {rules.dataset.references} for {', '.join(missing)}",
                source=str(path),
            )
    name = PurePath(data.source).name
    skipped = tuple(
        Skipped(f"{name}, row {r.row}", f"{r.decision}: {r.reason}")
        for r in conversion.rows
        if r.decision != "used"
    )
    dataset = Dataset(
        source=str(path),
        format=FORMAT,
        studies=conversion.studies,
        arms=conversion.arms,
        outcomes=conversion.outcomes,
        rob=rob2_from_metapsy(data, rules, name=name),
        counts=_counts(rules, conversion),
        skipped=skipped,
    )
    return MetapsyRead(data, rules, conversion, quality_report(data), references, dataset)
