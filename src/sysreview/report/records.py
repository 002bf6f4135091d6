"""Results records: the synthesis's ``results.json`` entries, checked and frozen.

One record per analysis (``<domain>.<timepoint>.<kind>[.<name>]``): pooled (estimate,
CI, p, I², evidence and magnitude words), narrative (per-study rows) or not possible
(``reason``). Subgroup records carry one pooled result per level and the test for
subgroup differences; pooled records may carry small-study (funnel asymmetry) tests.
Keys the report does not use are ignored; the ones it uses are type-checked, and a
mistake names the analysis and the key.

Examples
--------
>>> rec = ResultRecord.from_dict({"analysis": "hope.post_intervention.main",
...     "outcome": "hope", "timepoint": "post_intervention", "kind": "main", "k": 3,
...     "participants": 412.0, "measure": "MD", "estimate": 0.18, "ci_low": -0.34,
...     "ci_high": 0.69, "p": 0.5, "evidence": "no", "studies": ["A", "B", "C"]})
>>> rec.pooled, rec.participants
(True, 412.0)
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, fields
from typing import TYPE_CHECKING, Any

from sysreview.errors import SysreviewError

if TYPE_CHECKING:
    from .metaregression import RegressionResult


class ReportInputError(SysreviewError):
    """Report inputs that do not fit together (names the analysis, figure or study)."""


KINDS = ("main", "sensitivity", "subgroup", "metaregression", "narrative")
"""The kinds of analysis a results record can describe."""


class _Reader:
    """Typed access to one record's keys, with errors naming the analysis."""

    def __init__(self, where: str, record: Mapping[str, Any]) -> None:
        self.where = where
        self.record = record

    def fail(self, key: str, what: str) -> ReportInputError:
        return ReportInputError(f"{self.where}: {key} = {self.record.get(key)!r} {what}")

    def number(self, key: str) -> float | None:
        value = self.record.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int | float) or math.isnan(value):
            raise self.fail(key, "is not a number")
        return float(value)

    def count(self, key: str) -> int | None:
        value = self.record.get(key)
        if value is None:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self.fail(key, "is not a count")
        return value

    def text(self, key: str) -> str | None:
        value = self.record.get(key)
        if value is not None and not isinstance(value, str):
            raise self.fail(key, "is not text")
        return value

    def texts(self, key: str, size: int | None = None) -> tuple[str, ...]:
        value = self.record.get(key) or ()
        ok = not isinstance(value, str | Mapping) and all(isinstance(v, str) for v in value)
        if not ok or (size is not None and value and len(value) != size):
            raise self.fail(key, "is not a list of texts" + (f" ({size})" if size else ""))
        return tuple(value)

    def items(self, key: str) -> tuple[Mapping[str, Any], ...]:
        value = self.record.get(key) or ()
        if isinstance(value, str | Mapping) or not all(isinstance(v, Mapping) for v in value):
            raise self.fail(key, "is not a list of objects")
        return tuple(value)


@dataclass(frozen=True)
class SubgroupResult:
    """The pooled result of one subgroup level."""

    subgroup: str
    k: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None
    p: float | None
    i2: float | None


@dataclass(frozen=True)
class SubgroupTest:
    """The test for subgroup differences (Chi², df, p) and its evidence words."""

    q: float | None
    df: int | None
    p: float | None
    evidence: str | None


@dataclass(frozen=True)
class SmallStudyTest:
    """A funnel-plot asymmetry test (Egger's, Begg's).

    Its statistic and p, and for a regression test its model (``rma``: a meta-regression
    with the analysis's model; ``lm``: Egger's original weighted regression) and predictor
    (``sei``).
    """

    test: str
    statistic: float | None
    p: float | None
    k: int | None
    model: str | None = None
    predictor: str | None = None


@dataclass(frozen=True)
class TrimFill:
    """Duval & Tweedie's trim and fill.

    The studies imputed (``k0``, on ``side``) and the filled analysis's estimate (reading
    scale).
    """

    estimator: str
    side: str
    k0: int
    k: int | None
    estimate: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class NotUsable:
    """A study left out of an analysis because it reported means without any measure of spread.

    Its measure and the means as reported (``"peer 35.10, n = 40; usual 33.00"``).
    """

    study: str
    measure: str | None
    means: str


@dataclass(frozen=True)
class ResultRecord:
    """One analysis as the synthesis reported it (one entry of ``results.json``).

    A pooled analysis has ``estimate``, ``ci_low``, ``ci_high``, ``p``, ``measure``,
    ``evidence`` and ``k``; an analysis that was not pooled has ``reason``. ``name`` is
    the protocol's sensitivity or subgroup name; ``label`` the synthesis's heading.
    ``favours`` holds the labels below and above the null line (``("Favours control",
    "Favours intervention")``), from which the report says whom an effect favours.
    """

    analysis: str
    outcome: str
    timepoint: str
    kind: str
    name: str | None = None
    label: str | None = None
    k: int | None = None
    participants: float | None = None
    measure: str | None = None
    model: str | None = None
    estimate: float | None = None
    ci_low: float | None = None
    ci_high: float | None = None
    p: float | None = None
    statistic: float | None = None
    i2: float | None = None
    q: float | None = None
    df: int | None = None
    tau2: float | None = None
    pi_low: float | None = None
    pi_high: float | None = None
    evidence: str | None = None
    magnitude: str | None = None
    favours: tuple[str, str] | None = None
    studies: tuple[str, ...] = ()
    reason: str | None = None
    subgroups: tuple[SubgroupResult, ...] = ()
    subgroup_test: SubgroupTest | None = None
    small_study_tests: tuple[SmallStudyTest, ...] = ()
    small_study_reason: str | None = None
    not_usable: tuple[NotUsable, ...] = ()
    metaregression: RegressionResult | None = None
    left_out: tuple[tuple[str, str], ...] = ()
    trim_fill: TrimFill | None = None

    @classmethod
    def from_dict(cls, record: Mapping[str, Any]) -> ResultRecord:
        """Check one results record (a dict from ``results.json``) and freeze it.

        Raises
        ------
        ReportInputError
            A required key is missing or a value has the wrong type, naming the analysis.
        """
        rid = record.get("analysis")
        if not isinstance(rid, str) or not rid:
            raise ReportInputError(f"a results record has no 'analysis' id: {dict(record)!r}")
        r = _Reader(f"results record {rid!r}", record)
        for key in ("outcome", "timepoint", "kind"):
            if not isinstance(record.get(key), str) or not record[key]:
                raise ReportInputError(f"results record {rid!r}: '{key}' is missing")
        if record["kind"] not in KINDS:
            raise r.fail("kind", f"is not one of {', '.join(KINDS)}")
        numbers = ("participants", "estimate", "ci_low", "ci_high", "p", "statistic", "i2", "q",
                   "tau2", "pi_low", "pi_high")  # fmt: skip
        texts = ("name", "label", "measure", "model", "evidence", "magnitude", "reason",
                 "small_study_reason")  # fmt: skip
        values: dict[str, Any] = {k: record[k] for k in ("analysis", "outcome", "timepoint")}
        values["kind"] = record["kind"]
        values.update({k: r.number(k) for k in numbers})
        if values["participants"] is not None and values["participants"] < 0:
            raise r.fail("participants", "is not a count")
        values.update({k: r.count(k) for k in ("k", "df")})
        values.update({k: r.text(k) for k in texts})
        values["studies"] = r.texts("studies")
        favours = r.texts("favours", size=2)
        values["favours"] = (favours[0], favours[1]) if favours else None
        values["subgroups"] = tuple(_subgroup(rid, s) for s in r.items("subgroups"))
        test = record.get("subgroup_test")
        if test is not None:
            t = _Reader(f"results record {rid!r}, subgroup_test", _mapping(r, "subgroup_test"))
            values["subgroup_test"] = SubgroupTest(
                t.number("q"), t.count("df"), t.number("p"), t.text("evidence")
            )
        values["small_study_tests"] = tuple(
            _small_study(rid, s) for s in r.items("small_study_tests")
        )
        values["not_usable"] = tuple(
            _not_usable(rid, e) for e in r.items("excluded") if e.get("reported")
        )
        values["left_out"] = tuple(_left_out(rid, e) for e in r.items("excluded"))
        if record.get("trim_and_fill") is not None:
            t = _Reader(f"results record {rid!r}, trim_and_fill", _mapping(r, "trim_and_fill"))
            values["trim_fill"] = TrimFill(
                t.text("estimator") or "L0", t.text("side") or "", t.count("k0") or 0,
                t.count("k"), t.number("estimate"), t.number("ci_low"), t.number("ci_high"),
            )  # fmt: skip
        if record.get("metaregression") is not None:
            from .metaregression import regression_from_dict

            values["metaregression"] = regression_from_dict(rid, record["metaregression"])
        rec = cls(**values)
        rec._check()
        return rec

    def _check(self) -> None:
        if self.kind in ("narrative", "metaregression") or self.reason is not None:
            return
        needed = ("estimate", "ci_low", "ci_high", "p", "measure", "evidence", "k")
        missing = [key for key in needed if getattr(self, key) is None]
        if missing:
            raise ReportInputError(
                f"results record {self.analysis!r}: a pooled analysis needs "
                f"{', '.join(missing)} (or a 'reason' why it was not pooled)"
            )

    @property
    def pooled(self) -> bool:
        """Whether the record holds a pooled estimate."""
        return self.estimate is not None and self.reason is None

    def to_dict(self) -> dict[str, Any]:
        """The fields the report uses, as plain values."""
        return {f.name: getattr(self, f.name) for f in fields(self)}


def _mapping(r: _Reader, key: str) -> Mapping[str, Any]:
    value = r.record.get(key)
    if not isinstance(value, Mapping):
        raise r.fail(key, "is not an object")
    return value


def _subgroup(rid: str, item: Mapping[str, Any]) -> SubgroupResult:
    r = _Reader(f"results record {rid!r}, subgroup {item.get('subgroup')!r}", item)
    name = r.text("subgroup")
    if not name:
        raise r.fail("subgroup", "is missing")
    return SubgroupResult(
        name, r.count("k"), r.number("estimate"), r.number("ci_low"), r.number("ci_high"),
        r.number("p"), r.number("i2"),
    )  # fmt: skip


def _small_study(rid: str, item: Mapping[str, Any]) -> SmallStudyTest:
    r = _Reader(f"results record {rid!r}, small-study test", item)
    test = r.text("test")
    if not test:
        raise r.fail("test", "is missing")
    return SmallStudyTest(test, r.number("statistic"), r.number("p"), r.count("k"),
                          r.text("model"), r.text("predictor"))  # fmt: skip


def _left_out(rid: str, item: Mapping[str, Any]) -> tuple[str, str]:
    r = _Reader(f"results record {rid!r}, excluded study {item.get('study')!r}", item)
    study, reason = r.text("study"), r.text("reason")
    if not study:
        raise r.fail("study", "is missing")
    return study, reason or "reason not recorded"


def _not_usable(rid: str, item: Mapping[str, Any]) -> NotUsable:
    from .words import fmt_num

    r = _Reader(f"results record {rid!r}, excluded study {item.get('study')!r}", item)
    study = r.text("study")
    if not study:
        raise r.fail("study", "is missing")
    means = []
    for arm in r.items("reported"):
        a = _Reader(f"results record {rid!r}, reported mean of {study!r}", arm)
        mean, n = a.number("mean"), a.count("n")
        if mean is None:
            raise a.fail("mean", "is missing")
        means.append(
            f"{a.text('arm') or '?'} {fmt_num(mean)}" + ("" if n is None else f", n = {n}")
        )
    return NotUsable(study, r.text("measure"), "; ".join(means))


def records_from_json(items: Sequence[Mapping[str, Any]]) -> tuple[ResultRecord, ...]:
    """Check and freeze the records of a parsed ``results.json`` list."""
    return tuple(ResultRecord.from_dict(item) for item in items)


__all__ = [
    "KINDS",
    "NotUsable",
    "ReportInputError",
    "ResultRecord",
    "SmallStudyTest",
    "SubgroupResult",
    "SubgroupTest",
    "TrimFill",
    "records_from_json",
]
