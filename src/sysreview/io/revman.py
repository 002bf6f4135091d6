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
analysis (``"review.rm5, analysis 1.2 Depression"``). Pure but for reading the files.
"""

from __future__ import annotations

import math
from pathlib import Path, PurePath
from typing import Any

from sysreview.errors import InputError
from sysreview.extraction.dataset import INTERVENTION
from sysreview.io.dataset import Dataset, Row, Skipped
from sysreview.io.outcomes import OutcomeMapping, OutcomeTarget, read_outcome_mapping
from sysreview.protocol import Protocol
from sysreview.revman import Outcome, Review, StudyRow, read_rm5

__all__ = ["FORMAT", "read_revman_dataset", "revman_dataset"]

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

    def add(self, outcome: Outcome, label: str, target: OutcomeTarget) -> None:
        where = f"{self.name}, analysis {label}"
        for row in outcome.studies:
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


def revman_dataset(review: Review, protocol: Protocol, mapping: OutcomeMapping) -> Dataset:
    """The rows of the outcomes of ``review`` that ``mapping`` lists.

    See the module docstring; the others are skipped with the reason.
    """
    rows = _Rows(PurePath(review.path).name, mapping, protocol)
    for comparison in review.comparisons:
        for outcome in comparison.outcomes:
            label = f"{comparison.no}.{outcome.no} {outcome.name}".strip()
            target = mapping.target(label, outcome.name)
            where = f"{rows.name}, analysis {label}"
            if target is None:
                rows.skipped.append(Skipped(where, f"not listed in {mapping.source}"))
            elif outcome.data_type == "IV":
                rows.skipped.append(
                    Skipped(
                        where,
                        "generic inverse variance: an estimate and "
                        "its SE per study, no per-arm data",
                    )
                )
            else:
                rows.add(outcome, label, target)
    return Dataset(
        source=review.path,
        format=FORMAT,
        studies=tuple(rows.studies.values()),
        arms=tuple(rows.arms.values()),
        outcomes=tuple(rows.outcomes),
        skipped=tuple(rows.skipped),
    )


def read_revman_dataset(path: str | Path, protocol: Protocol, mapping: str | Path) -> Dataset:
    """Read a RevMan 5 file and its outcome mapping into the form's rows.

    Raises
    ------
    InputError
        The file is not a RevMan 5 review (naming where), the mapping has mistakes (with
        their lines), a count that is not a whole number.
    """
    rules = read_outcome_mapping(mapping, protocol)
    return revman_dataset(read_rm5(path), protocol, rules)
