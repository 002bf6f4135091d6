"""Tests for small-study effects (funnel-plot asymmetry): Egger, Begg, Peters, Harbord.

Every test refuses, with :class:`~sysreview.errors.TooFewStudiesError`, to run on
fewer than ``min_studies`` estimable studies (10 by default: Cochrane Handbook v6.4
section 13.3.5.4; Sterne et al. 2011, BMJ 343:d4002), because with fewer studies the
tests are too weak to tell chance from asymmetry.

The regression tests follow metafor's ``regtest``: the effect ``yi`` is regressed on
a measure of precision (``sei``, ``vi``, ``ni``, ``1/ni``, ``sqrt(ni)``,
``1/sqrt(ni)``) either as a meta-regression with the analysis's own model and tau²
estimator (``model="rma"``) or by weighted least squares with a multiplicative
dispersion (``model="lm"``, the classical tests).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Literal

import numpy as np

from sysreview.effects.base import BoolArray, EffectSizes, FloatArray
from sysreview.effects.dichotomous import peto_components
from sysreview.meta.bias_result import MIN_STUDIES, SmallStudyTest, require_studies
from sysreview.meta.regression import (
    REGRESSION_TAU2,
    RegressionFit,
    regression_fit,
    weighted_least_squares,
)
from sysreview.meta.result import MetaAnalysis
from sysreview.stats import t_quantile, z_critical
from sysreview.vocab import CIMethod, Model

RegressionModel = Literal["rma", "lm"]


def _sample_sizes(es: EffectSizes, use: BoolArray) -> FloatArray:
    n = (es.n1i + es.n2i)[use]
    if not np.all(np.isfinite(n)):
        raise ValueError(
            "this predictor needs each study's sample size (n1i + n2i); "
            f"{es.measure.value} effects given without group sizes have none"
        )
    return np.asarray(n, dtype=float)


PREDICTORS: dict[str, Callable[[EffectSizes, BoolArray], FloatArray]] = {
    "sei": lambda es, use: np.sqrt(es.vi[use]),
    "vi": lambda es, use: es.vi[use],
    "ni": _sample_sizes,
    "ninv": lambda es, use: 1 / _sample_sizes(es, use),
    "sqrtni": lambda es, use: np.sqrt(_sample_sizes(es, use)),
    "sqrtninv": lambda es, use: 1 / np.sqrt(_sample_sizes(es, use)),
}
"""Precision measures a regression test can use (metafor's ``predictor`` codes)."""

# Predictors that tend to 0 as precision grows: the intercept is then the "limit
# estimate", the effect expected in an infinitely large study.
_LIMIT_PREDICTORS = ("sei", "vi", "ninv", "sqrtninv")


def _as_effects(data: MetaAnalysis | EffectSizes) -> EffectSizes:
    return data.effects if isinstance(data, MetaAnalysis) else data


def _coefficient_test(
    test: str,
    fit: RegressionFit,
    index: int,
    *,
    predictor: str,
    model: str,
    level: float,
    with_limit: bool,
) -> SmallStudyTest:
    """Package coefficient ``index`` of a two-column fit as a :class:`SmallStudyTest`."""
    limit = None
    if with_limit:
        crit = z_critical(level) if fit.df is None else t_quantile(0.5 + level / 200, fit.df)
        b0, s0 = float(fit.coef[0]), float(fit.se[0])
        limit = (b0 - crit * s0, b0 + crit * s0)
    return SmallStudyTest(
        test=test,
        statistic=float(fit.statistic[index]),
        df=fit.df,
        p=float(fit.p[index]),
        intercept=float(fit.coef[0]),
        intercept_se=float(fit.se[0]),
        slope=float(fit.coef[1]),
        slope_se=float(fit.se[1]),
        tested="slope" if index == 1 else "intercept",
        k=fit.k,
        predictor=predictor,
        model=model,
        tau2=fit.tau2,
        level=level,
        limit_ci=limit,
    )


def regression_test(
    res: MetaAnalysis,
    *,
    model: RegressionModel = "rma",
    predictor: str = "sei",
    min_studies: int = MIN_STUDIES,
) -> SmallStudyTest:
    """Regression test for funnel-plot asymmetry, as metafor's ``regtest``.

    Parameters
    ----------
    res
        A pooled analysis; its estimable studies are tested.
    model
        ``"rma"`` (default): meta-regression of ``yi`` on the predictor with the
        analysis's model and tau² estimator (and HKSJ inference if it used it).
        ``"lm"``: weighted least squares with weights ``1/vi`` and a residual
        dispersion factor, t test on ``k - 2`` df.
    predictor
        ``sei`` (Egger), ``vi``, ``ni``, ``ninv``, ``sqrtni`` or ``sqrtninv``
        (the last four need group sizes).
    min_studies
        Refuse to test fewer estimable studies (default 10).

    Notes
    -----
    Fits ``yi = b0 + b1 x_i + u_i + e_i`` with ``e_i ~ N(0, vi)`` and, for random
    effects, ``u_i ~ N(0, tau2)``; tests ``b1 = 0`` (Egger et al. 1997, BMJ
    315:629; Sterne & Egger 2005, in *Publication Bias in Meta-Analysis*, ch. 6;
    Viechtbauer 2010, J Stat Softw 36(3), ``regtest``). With ``model="lm"``,
    ``Var(b) = phi (X'WX)^-1`` with ``phi = sum w (y - Xb)^2 / (k - 2)``: this is
    Egger's original regression of ``yi/sei`` on ``1/sei``, whose intercept is
    ``b1`` here. The intercept ``b0`` estimates the effect in a study of infinite
    precision (the "limit estimate").
    """
    if model not in ("rma", "lm"):
        raise ValueError(f"Invalid regression model {model!r}; must be one of rma, lm")
    if predictor not in PREDICTORS:
        raise ValueError(f"Invalid predictor {predictor!r}; must be one of {', '.join(PREDICTORS)}")
    es = res.effects
    use = es.estimable
    name = "Egger" if predictor == "sei" else "regression"
    require_studies(
        int(use.sum()), min_studies, f"{name}'s test" if predictor == "sei" else "a regression test"
    )
    y, v = es.yi[use], es.vi[use]
    x = np.column_stack([np.ones(y.size), PREDICTORS[predictor](es, use)])
    if model == "rma":
        method = res.tau2_method if res.model is Model.RANDOM else None
        fit = regression_fit(y, v, x, tau2_method=method, hksj=res.ci_method is CIMethod.HKSJ)
    else:
        fit = weighted_least_squares(y, x, 1 / v, scaled=True)
    return _coefficient_test(
        name,
        fit,
        1,
        predictor=predictor,
        model=model,
        level=res.level,
        with_limit=predictor in _LIMIT_PREDICTORS,
    )


def egger_test(
    res: MetaAnalysis, *, model: RegressionModel = "rma", min_studies: int = MIN_STUDIES
) -> SmallStudyTest:
    """Egger's regression test: :func:`regression_test` with predictor ``sei``.

    ``model="rma"`` (default) is metafor's ``regtest(res)``: a meta-regression on the
    standard error with the analysis's own model and tau² estimator, z test.
    ``model="lm"`` is Egger et al.'s (1997) original test, metafor's
    ``regtest(res, model="lm")``: t test on ``k - 2`` df.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> from sysreview.meta import meta_analysis
    >>> es = generic_effects([0.9, 0.7, 0.5, 0.6, 0.4, 0.3, 0.35, 0.2, 0.25, 0.2],
    ...                      [0.5, 0.45, 0.4, 0.35, 0.3, 0.25, 0.2, 0.15, 0.12, 0.1])
    >>> t = egger_test(meta_analysis(es, model="fixed"), model="lm")
    >>> t.df, round(t.slope, 4), round(t.statistic, 4), f"{t.p:.2e}"
    (8, 1.3195, 7.1919, '9.32e-05')
    """
    return regression_test(res, model=model, predictor="sei", min_studies=min_studies)


def peters_test(
    data: MetaAnalysis | EffectSizes,
    *,
    weights: Literal["peters", "inverse-variance"] = "peters",
    min_studies: int = MIN_STUDIES,
) -> SmallStudyTest:
    """Peters et al.'s (2006) regression test for binary outcomes.

    Parameters
    ----------
    data
        An analysis (or effect sizes) of 2x2 tables, normally log odds ratios.
    weights
        ``"peters"`` (default): ``1 / (1/(a + c) + 1/(b + d))``, the inverse
        variance of the log of the average event odds, as Peters et al. and R
        ``meta::metabias(method.bias="peters")``. ``"inverse-variance"``:
        ``1/vi``, which is metafor's ``regtest(res, model="lm", predictor="ninv")``.
    min_studies
        Refuse to test fewer estimable studies (default 10).

    Notes
    -----
    Weighted least squares of ``yi`` on ``1/n`` (``n = n1 + n2``) with a dispersion
    factor; t test of the slope on ``k - 2`` df (Peters et al. 2006, JAMA
    295:676-80). Studies with no events or only events in both groups get weight
    0 under Peters' weights and are left out.
    """
    es = _as_effects(data)
    use = es.estimable
    n = _sample_sizes(es, use)
    if weights == "peters":
        if es.tables is None:
            raise ValueError("Peters' weights need 2x2 tables; use weights='inverse-variance'")
        t = es.tables.subset(use)
        with np.errstate(divide="ignore"):
            w = 1 / (1 / (t.ai + t.ci) + 1 / (t.bi + t.di))
    elif weights == "inverse-variance":
        w = 1 / es.vi[use]
    else:
        raise ValueError(f"Invalid weights {weights!r}; must be one of peters, inverse-variance")
    keep = w > 0
    require_studies(int(keep.sum()), min_studies, "Peters' test")
    x = np.column_stack([np.ones(int(keep.sum())), 1 / n[keep]])
    fit = weighted_least_squares(es.yi[use][keep], x, w[keep], scaled=True)
    level = data.level if isinstance(data, MetaAnalysis) else 95.0
    return _coefficient_test(
        "Peters", fit, 1, predictor="ninv", model="lm", level=level, with_limit=True
    )


def harbord_test(
    data: MetaAnalysis | EffectSizes, *, min_studies: int = MIN_STUDIES
) -> SmallStudyTest:
    """Harbord et al.'s (2006) modified regression test for binary outcomes.

    Notes
    -----
    With ``Z = a - n1 (a + c)/N`` (observed minus expected events in the
    experimental group) and ``V = n1 n2 (a + c)(b + d) / (N^2 (N - 1))`` (its
    hypergeometric variance), ``Z/sqrt(V)`` is regressed on ``sqrt(V)`` by ordinary
    least squares and the intercept is tested with t on ``k - 2`` df (Harbord,
    Egger & Sterne 2006, Stat Med 25:3443-57; as R ``meta::metabias(method.bias=
    "score")`` for odds ratios). ``Z`` and ``V`` are the score and Fisher information
    of the log odds ratio at 0, computed from the raw counts (no continuity
    correction is needed); studies with ``V = 0`` (no events or only events) carry
    no information and are left out. The slope estimates the (Peto) log odds ratio.
    """
    es = _as_effects(data)
    if es.tables is None:
        raise ValueError("Harbord's test needs 2x2 tables (effects from dichotomous_effects)")
    with np.errstate(divide="ignore", invalid="ignore"):
        z, v = peto_components(es.tables)
    keep = np.isfinite(z) & np.isfinite(v) & (v > 0)
    require_studies(int(keep.sum()), min_studies, "Harbord's test")
    root = np.sqrt(v[keep])
    x = np.column_stack([np.ones(root.size), root])
    fit = weighted_least_squares(z[keep] / root, x, np.ones(root.size), scaled=True)
    level = data.level if isinstance(data, MetaAnalysis) else 95.0
    return _coefficient_test(
        "Harbord", fit, 0, predictor="sqrtV", model="ols", level=level, with_limit=False
    )


def begg_test(res: MetaAnalysis | EffectSizes, *, min_studies: int = MIN_STUDIES) -> SmallStudyTest:
    """Begg & Mazumdar's (1994) rank correlation test, as metafor's ``ranktest``.

    Notes
    -----
    With fixed-effect weights ``w = 1/vi``, ``theta = sum w y / sum w`` and
    ``v* = vi - 1/sum w``, Kendall's tau-b is computed between the standardised
    effects ``(yi - theta)/sqrt(v*)`` and ``vi`` (Begg & Mazumdar 1994, Biometrics
    50:1088-101). Whatever the analysis's model, the weights are fixed-effect ones,
    as in metafor. The p-value is exact when there are no ties (R ``cor.test(...,
    exact=TRUE)``), else from the normal approximation with the tie-corrected
    variance.
    """
    es = _as_effects(res)
    use = es.estimable
    y, v = es.yi[use], es.vi[use]
    require_studies(y.size, min_studies, "Begg's test")
    from scipy.stats import kendalltau

    w = 1 / v
    theta = (w * y).sum() / w.sum()
    standardised = (y - theta) / np.sqrt(v - 1 / w.sum())
    if np.unique(v).size == 1:
        raise ValueError("Begg's test needs studies of different precision; all vi are equal")
    ties = np.unique(standardised).size < y.size or np.unique(v).size < y.size
    out = kendalltau(standardised, v, method="asymptotic" if ties else "exact")
    return SmallStudyTest(
        test="Begg",
        statistic=float(out.statistic),
        df=None,
        p=float(out.pvalue),
        intercept=None,
        intercept_se=None,
        slope=None,
        slope_se=None,
        tested=None,
        k=int(y.size),
        predictor=None,
        model="rank",
        exact=not ties,
    )


__all__ = [
    "MIN_STUDIES",
    "PREDICTORS",
    "REGRESSION_TAU2",
    "RegressionFit",
    "SmallStudyTest",
    "begg_test",
    "egger_test",
    "harbord_test",
    "peters_test",
    "regression_fit",
    "regression_test",
    "require_studies",
    "weighted_least_squares",
]
