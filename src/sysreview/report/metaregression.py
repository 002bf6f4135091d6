"""Planned meta-regressions in the report: the record, a sentence, a table, the methods.

A ``results.json`` record of kind ``metaregression`` carries the fitted model under
``metaregression`` (:meth:`sysreview.meta.MetaRegression.record`); this module reads it
and words it. Nothing is recomputed: the coefficients, tests and R² are the record's.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import pandas as pd

from . import words

if TYPE_CHECKING:
    from sysreview.protocol import Protocol

    from .inputs import ReportInputs
    from .records import ResultRecord


@dataclass(frozen=True)
class Coefficient:
    """One coefficient of a meta-regression (analysis scale)."""

    term: str
    estimate: float | None
    se: float | None
    statistic: float | None
    p: float | None
    ci_low: float | None
    ci_high: float | None


@dataclass(frozen=True)
class RegressionResult:
    """What the report shows of a fitted meta-regression."""

    formula: str
    k: int
    statistic_name: str
    coefficients: tuple[Coefficient, ...]
    tested: tuple[str, ...]
    qm_name: str
    qm: float | None
    qm_df: tuple[int | None, ...]
    qm_p: float | None
    qe: float | None
    qe_df: int
    qe_p: float | None
    tau2: float | None
    i2: float | None
    r2: float | None


def fmt_num(x: float | None) -> str:
    """A number for the report; ``NR`` when missing."""
    return "NR" if x is None else words.fmt_num(x)


def fmt_p(p: float | None) -> str:
    """A p value for the report; ``p NR`` when missing."""
    return "p NR" if p is None else words.fmt_p(p)


def _num(item: Mapping[str, Any], key: str, where: str) -> float | None:
    from .records import ReportInputError

    value = item.get(key)
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ReportInputError(f"{where}: '{key}' is not a number")
    return float(value)


def regression_from_dict(rid: str, item: Any) -> RegressionResult:
    """Check and freeze the ``metaregression`` object of a results record."""
    from .records import ReportInputError

    where = f"results record {rid!r}, metaregression"
    if not isinstance(item, Mapping):
        raise ReportInputError(f"{where}: is not an object")
    coefficients = []
    for c in item.get("coefficients") or ():
        if not isinstance(c, Mapping) or not isinstance(c.get("term"), str):
            raise ReportInputError(f"{where}: a coefficient has no term")
        keys = ("estimate", "se", "statistic", "p", "ci_low", "ci_high")
        coefficients.append(Coefficient(c["term"], *(_num(c, k, where) for k in keys)))
    try:
        return RegressionResult(
            formula=str(item["formula"]),
            k=int(item["k"]),
            statistic_name=str(item["coefficients"][0]["statistic_name"]) if coefficients else "z",
            coefficients=tuple(coefficients),
            tested=tuple(str(t) for t in item.get("tested", ())),
            qm_name=str(item.get("qm_name", "QM")),
            qm=_num(item, "qm", where),
            qm_df=tuple(None if d is None else int(d) for d in item.get("qm_df", ())),
            qm_p=_num(item, "qm_p", where),
            qe=_num(item, "qe", where),
            qe_df=int(item["qe_df"]),
            qe_p=_num(item, "qe_p", where),
            tau2=_num(item, "tau2", where),
            i2=_num(item, "i2", where),
            r2=_num(item, "r2", where),
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise ReportInputError(f"{where}: missing or bad {exc}") from None


def _test_text(reg: RegressionResult) -> str:
    df = ", ".join(str(d) for d in reg.qm_df if d is not None)
    return f"{reg.qm_name}({df}) = {fmt_num(reg.qm)}, {fmt_p(reg.qm_p)}"


def sentence(what: str, label: str, rec: ResultRecord) -> str:
    """One sentence: the moderators' test, R² and the residual heterogeneity."""
    reg = rec.metaregression
    if rec.reason is not None or reg is None:
        reason = (rec.reason or "no model").rstrip(". ")
        return f"The planned meta-regression “{label}” of {what} was not possible: {reason}."
    parts = [f"the test of the moderators gave {_test_text(reg)}"]
    if reg.r2 is not None:
        parts.append(f"they accounted for {fmt_num(reg.r2)}% of the heterogeneity (R²)")
    parts.append(
        f"residual heterogeneity QE({reg.qe_df}) = {fmt_num(reg.qe)}, {fmt_p(reg.qe_p)}; "
        f"I² = {fmt_num(reg.i2)}%"
    )
    return (
        f"In the meta-regression “{label}” of {what} ({reg.k} studies), " + "; ".join(parts) + "."
    )


def table(rec: ResultRecord) -> pd.DataFrame:
    """The coefficient table of a fitted meta-regression (analysis scale)."""
    reg = rec.metaregression
    assert reg is not None
    name = reg.statistic_name
    rows = [
        {
            "Term": c.term,
            "Estimate": fmt_num(c.estimate),
            "SE": fmt_num(c.se),
            name: fmt_num(c.statistic),
            "P": fmt_p(c.p),
            "CI": f"{fmt_num(c.ci_low)} to {fmt_num(c.ci_high)}",
        }
        for c in reg.coefficients
    ]
    return pd.DataFrame(rows, columns=["Term", "Estimate", "SE", name, "P", "CI"])


NOTE = (
    "Coefficients on the analysis scale (log ratios for ratio measures): the change in the "
    "effect per unit of a covariate, or against the reference level of a factor."
)


def methods_paragraph(protocol: Protocol) -> str | None:
    """The planned meta-regressions in words (``None`` without any)."""
    plans = protocol.analysis.metaregression
    if not plans:
        return None
    listed = "; ".join(f"{m.label}: {m.describe()}" for m in plans)
    return (
        "Planned meta-regressions related the effects of the main analyses to study "
        f"characteristics ({listed}). Residual heterogeneity was estimated alongside the "
        "coefficients; the moderators were tested together (QM) and the proportion of "
        "heterogeneity they account for reported as R²."
    )


def sections(inputs: ReportInputs, figure: Any, add_table: Any) -> list[Any]:
    """The blocks of the meta-regression results (``document`` builds the section).

    A sentence per planned meta-regression, its coefficient table and bubble plot.
    """
    from .blocks import Paragraph

    blocks: list[Any] = []
    for rec in inputs.of_kind("metaregression"):
        label = words.analysis_label(inputs.protocol, rec)
        outcome = words.lower_first(words.outcome_label(inputs.protocol, rec.outcome))
        what = f"{outcome} at {words.timepoint_label(rec.timepoint)}"
        blocks.append(Paragraph(sentence(what, label, rec)))
        if rec.metaregression is not None and rec.reason is None:
            blocks.append(add_table(f"Meta-regression: {rec.label or label}", table(rec), NOTE))
            blocks += figure(inputs, f"bubble:{rec.analysis}")
    return blocks


__all__ = ["Coefficient", "RegressionResult", "methods_paragraph", "regression_from_dict"]
