"""A RevMan 5 review (``.rm5``) as the extraction form's rows: per-arm data of its analyses.

The file is read by :mod:`sysreview.revman` (the reader ``sysreview pool FILE.rm5`` uses).
Each outcome the outcome mapping (:mod:`sysreview.io.outcomes`) lists becomes, for every
study row, two arms and two outcome rows in the form's words:

* ``CONT_OUTCOME``: ``MEAN_1, SD_1, TOTAL_1`` of the experimental arm and ``MEAN_2,
  SD_2, TOTAL_2`` of the control arm as ``mean, sd, n``;
* ``DICH_OUTCOME``: ``EVENTS_1, TOTAL_1`` and ``EVENTS_2, TOTAL_2`` as ``events, n``
  (as RevMan stores them; ``SWAP_EVENTS`` only changes what RevMan analyses).

Group 1 is the experimental (intervention) arm and group 2 the control, as in RevMan. The
numbers keep RevMan's direction: the protocol's measure says whether higher is better and
the analysis aligns them. Generic inverse-variance outcomes (``IV_OUTCOME``: an estimate
and its SE, no per-arm data) cannot be rows of the form and are listed as skipped, as are
outcomes the mapping does not list. Each row's ``location`` names the file and the
analysis (``"review.rm5, analysis 1.2 Depression"``).

A subgroup of an outcome is mapped on its own by the label
``"<comparison>.<outcome>.<subgroup> <subgroup name>"`` (``"1.4.2 Children"``): its rows
go to that target, so an outcome's subgroups may be separate domains (RevMan's subtotals)
beside the whole outcome. A study row with no participants in an arm, or a continuous
row without a positive SD or with fewer than two participants, is skipped with the
reason (RevMan shows it as not estimable).

When the protocol's tool is RoB 1, the file's risk-of-bias tables
(:mod:`sysreview.io.revman_rob`) give the judgements of the studies the rows name.
Pure but for reading the files.
"""

from __future__ import annotations

import math
from pathlib import Path, PurePath
from typing import Any

from defusedxml import ElementTree as SafeET

from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.io.dataset import Dataset, RobRow, Row, Skipped
from sysreview.io.outcomes import OutcomeMapping, OutcomeTarget, read_outcome_mapping
from sysreview.io.revman_rob import parse_quality_items, rob1_rows
from sysreview.protocol import Protocol
from sysreview.protocol.appraisal import Tool
from sysreview.revman import Outcome, Review, StudyRow, parse_rm5

__all__ = ["FORMAT", "read_revman", "read_revman_dataset", "revman_dataset", "subgroup_label"]

FORMAT = "revman"


def _count(value: float | None, where: str, what: str) -> int | None:
    if value is None or math.isnan(value):
        return None
    if value != int(value) or value < 0:
        raise InputError(f"{where}: {what} {value:g} is not a count")
    return int(value)


class _Rows:
    """The rows being built: arms once per study and name, outcome rows in file order."""

    def __init__(self, name: str, mapping: OutcomeMapping, protocol: Protocol) -> None:
        self.name, self.mapping = name, mapping
        self.labels = {c.code: c.label for c in protocol.comparators.types}
        self.studies: dict[str, Row] = {}
        self.arms: dict[tuple[str, str], Row] = {}
        self.outcomes: list[Row] = []
        self.skipped: list[Skipped] = []

    def arm(self, study: str, code: str, where: str) -> str:
        name = (
            self.mapping.intervention_arm if code == INTERVENTION else self.mapping.arm_name(code)
        )
        if (study, name) not in self.arms:
            described = None if code == INTERVENTION else self.labels.get(code)
            arm = {
                "study_id": study,
                "arm": name,
                "arm_type": code,
                "description": described,
                "location": where,
            }
            self.arms[(study, name)] = {k: v for k, v in arm.items() if v is not None}
        return name

    def add(
        self,
        outcome: Outcome,
        label: str,
        target: OutcomeTarget,
        rows: tuple[StudyRow, ...] | None = None,
    ) -> None:
        where = f"{self.name}, analysis {label}"
        for row in outcome.studies if rows is None else rows:
            unusable = _unusable(outcome, row)
            if unusable is not None:
                self.skipped.append(Skipped(f"{where}, {row.study_name}", unusable))
                continue
            self.studies.setdefault(
                row.study_name, {"study_id": row.study_name, "location": self.name}
            )
            arms = ((INTERVENTION, "1"), (target.comparator, "2"))
            for code, side in arms:
                arm = self.arm(row.study_name, code, where)
                numbers = self.numbers(outcome, row, side, f"{where}, {row.study_name}")
                common: dict[str, Any] = {
                    "study_id": row.study_name,
                    "arm": arm,
                    "domain": target.domain,
                    "measure": target.measure,
                    "weeks_after_end": target.weeks_after_end,
                    "timepoint_label": target.timepoint_label,
                    "location": where,
                    "note": None if row.estimable else "RevMan: not estimable",
                }
                self.outcomes.append(
                    {k: v for k, v in {**common, **numbers}.items() if v is not None}
                )

    @staticmethod
    def numbers(outcome: Outcome, row: StudyRow, side: str, where: str) -> dict[str, Any]:
        n = _count(getattr(row, f"total_{side}"), where, f"TOTAL_{side}")
        if outcome.data_type == "DICH":
            return {
                "events": _count(getattr(row, f"events_{side}"), where, f"EVENTS_{side}"),
                "n": n,
            }
        return {"mean": getattr(row, f"mean_{side}"), "sd": getattr(row, f"sd_{side}"), "n": n}


def _unusable(outcome: Outcome, row: StudyRow) -> str | None:
    """Why a study row cannot be a pair of arms of the form (``None``: it can)."""
    totals = (row.total_1, row.total_2)
    if any(n is None or math.isnan(n) or n < 1 for n in totals):
        return "no participants in an arm (RevMan: not estimable)"
    if outcome.data_type == "CONT":
        sds = (row.sd_1, row.sd_2)
        if any(sd is None or math.isnan(sd) or sd <= 0 for sd in sds):
            return "no positive SD in an arm (RevMan: not estimable)"
        if any(n is not None and n < 2 for n in totals):
            return "fewer than two participants in an arm: no SD (RevMan: not estimable)"
    return None


def subgroup_label(outcome_label: str, no: int, name: str) -> str:
    """The label a mapping gives a subgroup.

    ``"1.4.2 Children"`` for subgroup 2 of ``"1.4 Fever"``.
    """
    number = outcome_label.split(" ", 1)[0]
    return f"{number}.{no} {name}".strip()


def _add_outcome(rows: _Rows, outcome: Outcome, label: str, mapping: OutcomeMapping) -> None:
    """The whole outcome's rows and its subgroups' rows, where the mapping lists them."""
    where = f"{rows.name}, analysis {label}"
    parts: list[tuple[str, OutcomeTarget | None, tuple[StudyRow, ...] | None]]
    parts = [(label, mapping.target(label, outcome.name), None)]
    for sub in outcome.subgroups:
        part = subgroup_label(label, sub.no, sub.name)
        parts.append((part, mapping.target(part), sub.studies))
    listed = False
    for part, target, studies in parts:
        if target is None:
            continue
        listed = True
        if outcome.data_type == "IV":
            rows.skipped.append(
                Skipped(
                    f"{rows.name}, analysis {part}",
                    "generic inverse variance: an estimate and its SE per study, no per-arm data",
                )
            )
        elif outcome.swap_events:
            rows.skipped.append(
                Skipped(
                    f"{rows.name}, analysis {part}",
                    "RevMan analyses the non-events (SWAP_EVENTS): the form holds events",
                )
            )
        else:
            rows.add(outcome, part, target, studies)
    if not listed:
        rows.skipped.append(Skipped(where, f"not listed in {mapping.source}"))


def revman_dataset(
    review: Review,
    protocol: Protocol,
    mapping: OutcomeMapping,
    rob: tuple[RobRow, ...] | None = None,
) -> Dataset:
    """The rows of the outcomes of ``review`` that ``mapping`` lists.

    See the module docstring; the others are skipped with the reason. ``rob`` are the
    file's RoB 1 judgements (:func:`sysreview.io.revman_rob.rob1_rows`): those of the
    studies the rows name are kept.
    """
    rows = _Rows(PurePath(review.path).name, mapping, protocol)
    for comparison in review.comparisons:
        for outcome in comparison.outcomes:
            label = f"{comparison.no}.{outcome.no} {outcome.name}".strip()
            _add_outcome(rows, outcome, label, mapping)
    named = set(rows.studies)
    return Dataset(
        source=review.path,
        format=FORMAT,
        studies=tuple(rows.studies.values()),
        arms=tuple(rows.arms.values()),
        outcomes=tuple(rows.outcomes),
        rob=tuple(r for r in rob or () if r.study in named),
        skipped=tuple(rows.skipped),
    )


def read_revman(path: str | Path) -> tuple[Review, tuple[RobRow, ...], tuple[Skipped, ...]]:
    """A RevMan 5 file's analyses and its RoB 1 judgements (with what was left out).

    Raises
    ------
    InputError
        The file cannot be read or is not a RevMan 5 review (naming where).
    """
    source = str(path)
    try:
        data = Path(path).read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", source=source) from exc
    review = parse_rm5(data, source=source)
    items = parse_quality_items(SafeET.fromstring(data))  # well-formed: parse_rm5 read it
    rob, skipped = rob1_rows(items, review.study_names, source=PurePath(source).name)
    return review, rob, skipped


def read_revman_dataset(
    path: str | Path, protocol: Protocol, mapping: str | Path | None = None
) -> Dataset:
    """Read a RevMan 5 file and its outcome mapping into the form's rows.

    Without a mapping file, the analyses go to the protocol's domains labelled as they
    are (:func:`sysreview.io.revman_plan.derived_mapping`: a project made by ``sysreview
    init --from-revman`` has them). With a RoB 1 protocol, also the risk-of-bias
    judgements of the studies they name.

    Raises
    ------
    InputError
        The file is not a RevMan 5 review (naming where), the mapping has mistakes (with
        their lines), a count that is not a whole number; without a mapping file,
        analyses that match no domain (naming them).
    """
    from sysreview.io.revman_plan import derived_mapping

    rules = None if mapping is None else read_outcome_mapping(mapping, protocol)
    review, rob, _ = read_revman(path)
    if rules is None:
        rules = derived_mapping(review, protocol, PurePath(path).name)
    keep = protocol.risk_of_bias.tool is Tool.ROB1
    return revman_dataset(review, protocol, rules, rob if keep else None)
