"""``meta_analysis``: pool one set of effect sizes; ``meta_analyses``: many at once.

Defaults follow the effect sizes' convention. RevMan 5: Mantel-Haenszel for RR/OR/RD,
Peto for Peto's OR, inverse variance otherwise; random effects with DerSimonian-Laird
tau². metafor (``rma``): inverse variance (Peto's OR by Peto's method), random effects
with REML tau². Both: Wald z; 95%.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import replace

import numpy as np

from sysreview.effects.base import EffectSizes, FloatArray
from sysreview.effects.dichotomous import double_zero, peto_components
from sysreview.errors import InputError
from sysreview.meta.batch import Batch
from sysreview.meta.mantel_haenszel import mantel_haenszel, peto
from sysreview.meta.pooling import PooledBatch, pool_batch
from sysreview.meta.result import MetaAnalysis, SubgroupTest
from sysreview.meta.settings import Settings, settings_for
from sysreview.meta.settings import default_method as default_method  # re-exported
from sysreview.meta.settings import default_tau2 as default_tau2  # re-exported
from sysreview.stats import chi2_sf
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method


def _mh_parts(
    effects: EffectSizes, settings: Settings
) -> tuple[float, float, FloatArray, float, float]:
    """MH (or Peto) estimate, SE, weights of the contributing studies, Q about it, Q's df.

    Notes
    -----
    RevMan: Q sums over every estimable study, on ``k - 1`` df. metafor
    (``rma.mh``/``rma.peto`` with their default ``drop00=c(TRUE, FALSE)``): the
    estimate uses every table, but Q leaves out double-zero studies, on ``k.yi - 1``
    df; ``rma.peto`` takes Q, like its estimate, from the raw counts, ``rma.mh`` from
    escalc's corrected ``yi``/``vi``.
    """
    use = effects.estimable
    k = int(use.sum())
    if effects.tables is None or k == 0:
        return np.nan, np.nan, np.zeros(k), np.nan, -1.0
    tables = effects.tables.subset(use)
    yi, vi = effects.yi[use], effects.vi[use]
    in_q = np.ones(k, dtype=bool)
    with np.errstate(divide="ignore", invalid="ignore"):
        if settings.convention is Convention.REVMAN:
            if k == 1:
                return yi[0], float(np.sqrt(vi[0])), np.ones(1), 0.0, 0.0
            fixed = mantel_haenszel(tables, effects.measure, settings.convention)
        else:
            in_q = ~double_zero(tables)
            if settings.method is Method.PETO:
                fixed = peto(tables)
                o_minus_e, v = peto_components(tables)
                yi, vi = o_minus_e / v, 1 / v
            else:
                fixed = mantel_haenszel(tables, effects.measure, settings.convention)
        q = float((((yi - fixed.estimate) ** 2 / vi)[in_q]).sum())
    return fixed.estimate, fixed.se, fixed.weights, q, float(in_q.sum() - 1)


def _pool(items: Sequence[EffectSizes], settings: Settings) -> PooledBatch:
    """Pool several effect-size sets (e.g. a total and its subgroups) in one batch."""
    ys = [e.yi[e.estimable] for e in items]
    vs = [e.vi[e.estimable] for e in items]
    b = Batch.from_lists(ys, vs)
    fixed_q = fixed_estimate = q_df = None
    # metafor's rma.peto (fixed effect only) pools the raw tables. A random-effects
    # Peto model is rma(measure="PETO", ...): inverse variance on escalc's yi/vi.
    metafor_peto = (
        settings.method is Method.PETO
        and settings.convention is Convention.METAFOR
        and settings.model is Model.FIXED
    )
    if settings.method is Method.MH or metafor_peto:
        parts = [_mh_parts(e, settings) for e in items]
        fixed_q = np.array([p[3] for p in parts])
        q_df = np.array([p[4] for p in parts])
        weights = np.zeros_like(b.y)
        for i, p in enumerate(parts):
            weights[i, : len(p[2])] = p[2]
        fixed_estimate = (np.array([p[0] for p in parts]), np.array([p[1] for p in parts]), weights)
    with np.errstate(all="ignore"):
        return pool_batch(
            b,
            model=settings.model,
            tau2_method=settings.tau2_method,
            ci_method=settings.ci_method,
            level=settings.level,
            convention=settings.convention,
            fixed_q=fixed_q,
            fixed_estimate=fixed_estimate,
            q_df=q_df,
            tau2_ci=settings.tau2_ci,
        )


_SCALARS = (
    "k", "estimate", "se", "ci_low", "ci_high", "statistic", "p", "df_inference", "tau2", "q",
    "df", "p_q", "i2", "h2", "pi_low", "pi_high", "converged", "iterations",
)  # fmt: skip
"""The fields of :class:`PooledBatch` with one value per analysis."""


def _results(
    pooled: PooledBatch, parts: Sequence[tuple[str | None, EffectSizes]], settings: Settings
) -> list[MetaAnalysis]:
    """The :class:`MetaAnalysis` of every row of a pooled batch.

    ``parts`` in row order: label and effect sizes. Each field is read out of its array
    once, as a list.
    """
    col = {name: getattr(pooled, name).tolist() for name in _SCALARS}
    limits = [arr.tolist() for pair in (pooled.tau2_ci, pooled.i2_ci, pooled.h2_ci) for arr in pair]
    tau2_method = settings.tau2_method if settings.model is Model.RANDOM else None
    out = []
    for row, (label, effects) in enumerate(parts):
        k = int(col["k"][row])
        if k == effects.k:  # every study estimable
            weights = pooled.weights[row, :k].copy()
        else:
            weights = np.full(effects.k, np.nan)
            weights[effects.estimable] = pooled.weights[row, :k]
        df_inf = col["df_inference"][row]
        out.append(
            MetaAnalysis(
                label=label,
                effects=effects,
                measure=effects.measure,
                method=settings.method,
                model=settings.model,
                tau2_method=tau2_method,
                # with fewer than 2 studies Knapp-Hartung has no df: Wald z (as metafor)
                ci_method=CIMethod.Z if k < 2 else settings.ci_method,
                convention=settings.convention,
                level=settings.level,
                weights=weights,
                k=k,
                estimate=col["estimate"][row],
                se=col["se"][row],
                ci_low=col["ci_low"][row],
                ci_high=col["ci_high"][row],
                statistic=col["statistic"][row],
                p=col["p"][row],
                df_inference=None if math.isnan(df_inf) else df_inf,
                tau2=col["tau2"][row],
                q=col["q"][row],
                df=max(int(col["df"][row]), 0),
                p_q=col["p_q"][row],
                i2=col["i2"][row],
                h2=col["h2"][row],
                tau2_ci=(limits[0][row], limits[1][row]),
                i2_ci=(limits[2][row], limits[3][row]),
                h2_ci=(limits[4][row], limits[5][row]),
                pi_low=col["pi_low"][row],
                pi_high=col["pi_high"][row],
                converged=col["converged"][row],
                iterations=col["iterations"][row],
            )
        )
    return out


def subgroup_test(subgroups: Sequence[MetaAnalysis]) -> SubgroupTest | None:
    """Test for subgroup differences from the subgroups' pooled estimates.

    Notes
    -----
    The subgroup estimates are pooled by fixed-effect inverse variance and their
    Cochran's Q is the test statistic on ``J - 1`` df (Deeks & Higgins 2010, "Tests
    for subgroup differences"), for fixed- and random-effects subgroups alike.
    With one estimable subgroup the test is ``Q = 0`` on 0 df, ``p = 1``, ``I² = 0``
    (what RevMan 5 stores); ``None`` when no subgroup has an estimate.
    """
    est = np.array([s.estimate for s in subgroups if s.k > 0 and np.isfinite(s.se)])
    se = np.array([s.se for s in subgroups if s.k > 0 and np.isfinite(s.se)])
    if est.size == 0:
        return None
    if est.size == 1:
        return SubgroupTest(q=0.0, df=0, p=1.0, i2=0.0)
    w = 1 / se**2
    q = float((w * (est - (w * est).sum() / w.sum()) ** 2).sum())
    df = est.size - 1
    i2 = 100 * max(q - df, 0.0) / q if q > 0 else 0.0
    return SubgroupTest(q=q, df=df, p=float(chi2_sf(q, df)), i2=i2)


def meta_analysis(
    effects: EffectSizes,
    *,
    method: Method | str | None = None,
    model: Model | str = Model.RANDOM,
    tau2_method: Tau2Method | str | None = None,
    ci_method: CIMethod | str = CIMethod.Z,
    level: float = 95.0,
    subgroups: Sequence[str | None] | None = None,
    label: str | None = None,
    tau2_ci: bool = True,
) -> MetaAnalysis:
    """Pool per-study effect sizes, optionally with subgroups.

    Parameters
    ----------
    effects
        Per-study effect sizes (from :mod:`sysreview.effects`).
    method
        ``IV``, ``MH`` or ``PETO``; by default Peto for PETO_OR, and under the RevMan
        convention MH for RR/OR/RD; IV otherwise (:func:`default_method`).
    model
        ``random`` (default) or ``fixed``.
    tau2_method
        ``DL``, ``REML``, ``ML``, ``PM``, ``EB``, ``SJ`` or ``HE``; by default DL under
        the RevMan convention and REML under metafor's (``rma``'s default). With
        MH, tau² is DerSimonian-Laird from Q about the MH estimate (RevMan).
    ci_method
        ``z`` (default) or ``hksj``.
    level
        Confidence level in percent.
    subgroups
        A subgroup label per study: each subgroup is pooled on its own (with its own
        tau²) and the test for subgroup differences is added.
    label
        A name for the analysis.
    tau2_ci
        Compute Q-profile confidence intervals for tau², I² and H² (Viechtbauer
        2007); ``False`` leaves them NaN and saves two root searches.

    Notes
    -----
    Every analysis gets a result. With one estimable study the pooled effect is that
    study's (tau² = 0, Q = 0 on 0 df with p = 1, I² = 0, as RevMan 5 and metafor
    report; Knapp-Hartung falls back to Wald z, as in metafor). With none, the
    result has ``k = 0``, NaN estimates and :attr:`MetaAnalysis.reason` says why
    (each study's own reason is in ``effects.reasons``), as RevMan's "Not estimable".

    Examples
    --------
    >>> from sysreview.effects import mean_difference
    >>> es = mean_difference([10, 12, 11], [2, 2, 3], [20, 25, 30],
    ...                      [9, 9.5, 10], [2, 2.5, 3], [20, 25, 30])
    >>> res = meta_analysis(es, model="fixed")
    >>> round(res.estimate, 6), res.k
    (1.553846, 3)
    """
    return meta_analyses(
        [effects],
        method=method,
        model=model,
        tau2_method=tau2_method,
        ci_method=ci_method,
        level=level,
        subgroups=None if subgroups is None else [subgroups],
        labels=[label],
        tau2_ci=tau2_ci,
    )[0]


def meta_analyses(
    effects: Sequence[EffectSizes],
    *,
    method: Method | str | None = None,
    model: Model | str = Model.RANDOM,
    tau2_method: Tau2Method | str | None = None,
    ci_method: CIMethod | str = CIMethod.Z,
    level: float = 95.0,
    subgroups: Sequence[Sequence[str | None] | None] | None = None,
    labels: Sequence[str | None] | None = None,
    tau2_ci: bool = True,
) -> list[MetaAnalysis]:
    """Pool many analyses with the same settings in one vectorised pass.

    Same options as :func:`meta_analysis`; ``subgroups`` and ``labels`` hold one
    entry per analysis. The totals and subgroups of every analysis are padded into
    a single batch, so thousands of analyses cost a few numpy calls.

    Examples
    --------
    >>> from sysreview.effects import generic_effects
    >>> sets = [generic_effects([0.1, 0.3, 0.2], [0.1, 0.2, 0.1]),
    ...         generic_effects([1.0, 1.4], [0.5, 0.5])]
    >>> [round(r.estimate, 4) for r in meta_analyses(sets, model="fixed")]
    [0.1667, 1.2]
    """
    n = len(effects)
    groups = [None] * n if subgroups is None else list(subgroups)
    names = [None] * n if labels is None else list(labels)
    parts: list[tuple[str | None, EffectSizes]] = []
    plan: list[tuple[Settings, tuple[str | None, ...] | None, int, int]] = []
    checked: dict[tuple[Measure, Convention, bool], Settings] = {}
    for es, group, name in zip(effects, groups, names, strict=True):
        kind = (es.measure, es.convention, es.tables is not None)  # what settings_for reads
        if kind not in checked:
            try:
                checked[kind] = replace(
                    settings_for(es, method, model, tau2_method, ci_method, level),
                    tau2_ci=tau2_ci,
                )
            except InputError as exc:
                raise InputError(f"{name}: {exc.message}" if name else exc.message) from None
            except ValueError as exc:
                raise ValueError(f"{name}: {exc}" if name else str(exc)) from None
        settings = checked[kind]
        start = len(parts)
        parts.append((name, es))
        labels_i: tuple[str | None, ...] | None = None
        if group is not None:
            labels_i = tuple(group)
            if len(labels_i) != es.k:
                raise ValueError(f"{len(labels_i)} subgroup labels given for {es.k} studies")
            for sub in dict.fromkeys(labels_i):
                parts.append((sub, es.subset(np.array([g == sub for g in labels_i]))))
        plan.append((settings, labels_i, start, len(parts)))
    results: list[MetaAnalysis] = []
    by_settings: dict[Settings, list[int]] = {}
    for i, (settings, _, _, _) in enumerate(plan):
        by_settings.setdefault(settings, []).append(i)
    built: dict[int, MetaAnalysis] = {}
    for settings, members in by_settings.items():
        rows = [j for i in members for j in range(plan[i][2], plan[i][3])]
        pooled = _pool([parts[j][1] for j in rows], settings)
        built.update(zip(rows, _results(pooled, [parts[j] for j in rows], settings), strict=True))
    for _, group_labels, start, stop in plan:
        total = built[start]
        if group_labels is not None:
            subs = tuple(built[j] for j in range(start + 1, stop))
            total = _with_subgroups(total, subs, group_labels)
        results.append(total)
    return results


def _with_subgroups(
    total: MetaAnalysis, subs: tuple[MetaAnalysis, ...], labels: tuple[str | None, ...]
) -> MetaAnalysis:
    return replace(total, subgroups=subs, subgroup_labels=labels, subgroup_test=subgroup_test(subs))
