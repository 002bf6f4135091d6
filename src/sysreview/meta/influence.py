"""Influence diagnostics of each study, as metafor's ``influence(res)``.

For every study in the model the fit is repeated without it (the same estimator, test
and moderators), and the change is measured: externally standardised residuals
(``rstudent``), DFFITS, Cook's distance, the covariance ratio, the leave-one-out tau²
and QE, with the study's leverage (hat value), weight and DFBETAS, and the flag of
influential studies (Viechtbauer & Cheung 2010, Outlier and influence diagnostics for
meta-analysis, Res Synth Methods 1:112-125).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from sysreview.effects._html import fmt, table_html
from sysreview.effects.base import BoolArray, FloatArray, frozen
from sysreview.errors import InputError, TooFewStudiesError
from sysreview.meta.metareg import fit_model
from sysreview.meta.metareg_result import MetaRegression
from sysreview.meta.result import MetaAnalysis
from sysreview.stats import chi2_sf
from sysreview.vocab import CIMethod, Method, Model, Tau2Method

if TYPE_CHECKING:
    import pandas as pd


@dataclass(frozen=True, eq=False)
class Influence:
    """Case diagnostics of the studies in a model (metafor ``influence.rma.uni``).

    One value per study of ``studies`` (those in the fit); ``dfbetas`` has one column
    per coefficient (``names``). ``inf`` flags the influential studies.
    """

    studies: tuple[str, ...]
    names: tuple[str, ...]
    rstudent: FloatArray
    dffits: FloatArray
    cook_d: FloatArray
    cov_r: FloatArray
    tau2_del: FloatArray
    qe_del: FloatArray
    hat: FloatArray
    weight: FloatArray
    dfbetas: FloatArray
    inf: BoolArray

    def to_frame(self) -> pd.DataFrame:
        """One row per study (unrounded).

        Columns: ``study, rstudent, dffits, cook_d, cov_r, tau2_del, qe_del, hat, weight,
        dfbetas_<coefficient> ..., inf``.
        """
        import pandas as pd

        frame = pd.DataFrame(
            {
                "study": list(self.studies),
                "rstudent": self.rstudent,
                "dffits": self.dffits,
                "cook_d": self.cook_d,
                "cov_r": self.cov_r,
                "tau2_del": self.tau2_del,
                "qe_del": self.qe_del,
                "hat": self.hat,
                "weight": self.weight,
            }
        )
        for j, name in enumerate(self.names):
            frame[f"dfbetas_{name}"] = self.dfbetas[:, j]
        frame["inf"] = self.inf
        return frame

    def _rows(self) -> list[list[str]]:
        return [
            [s, fmt(self.rstudent[i]), fmt(self.dffits[i]), fmt(self.cook_d[i]),
             fmt(self.cov_r[i]), fmt(self.tau2_del[i]), fmt(self.qe_del[i]), fmt(self.hat[i]),
             fmt(self.weight[i], 2), "*" if self.inf[i] else ""]
            for i, s in enumerate(self.studies)
        ]  # fmt: skip

    _COLUMNS = ("study", "rstudent", "dffits", "cook.d", "cov.r", "tau2.del", "QE.del", "hat",
                "weight", "inf")  # fmt: skip

    def summary(self) -> str:
        """The table metafor prints; ``*`` marks influential studies."""
        lines = [" ".join(f"{c:>10}" if i else f"{c:<24}" for i, c in enumerate(self._COLUMNS))]
        for row in self._rows():
            lines.append(" ".join(f"{c:>10}" if i else f"{c:<24}" for i, c in enumerate(row)))
        return "\n".join(lines)

    def __repr__(self) -> str:
        flagged = [s for s, f in zip(self.studies, self.inf, strict=True) if f]
        which = ", ".join(flagged) if flagged else "none"
        return f"<Influence k={len(self.studies)}; influential: {which}>"

    def _repr_html_(self) -> str:
        return table_html(list(self._COLUMNS), self._rows(), caption="Influence diagnostics")


def _model_of(res: MetaAnalysis | MetaRegression) -> tuple[
    FloatArray, FloatArray, FloatArray, tuple[str, ...], tuple[str, ...], Tau2Method | None, bool
]:  # fmt: skip
    """``y, v, X``, study labels, coefficient names, estimator and Knapp-Hartung flag."""
    if isinstance(res, MetaRegression):
        use = res.used
        x = res.design.x[use]
        names = res.names
        method = res.tau2_method
        hksj = res.ci_method is CIMethod.HKSJ
    else:
        if res.method is not Method.IV:
            raise InputError(
                f"influence diagnostics need an inverse-variance model (metafor's rma), not "
                f"{res.method.value}: pool with method='IV'"
            )
        use = res.effects.estimable
        x = np.ones((int(use.sum()), 1))
        names = ("intrcpt",)
        method = res.tau2_method if res.model is Model.RANDOM else None
        hksj = res.ci_method is CIMethod.HKSJ
    studies = tuple(s for s, u in zip(res.effects.studies, use, strict=True) if u)
    return res.effects.yi[use], res.effects.vi[use], x, studies, names, method, hksj


def influence(res: MetaAnalysis | MetaRegression) -> Influence:
    """Leave-one-out case diagnostics of a meta-analysis or meta-regression.

    Notes
    -----
    With ``b``, ``V`` the full fit and ``b_(i)``, ``V_(i)``, ``tau2_(i)``, ``s2w_(i)``
    the fit without study ``i`` (``s2w`` is 1 for Wald tests, the Knapp-Hartung factor
    otherwise), ``h_i`` the hat value and ``x_i`` the study's design row, as metafor 3.8:

    * ``rstudent = (y_i - x_i b_(i)) / sqrt(s2w_(i) (v_i + tau2_(i)) + x_i V_(i) x_i')``;
    * ``dffits = x_i (b - b_(i)) / sqrt(s2w_(i) h_i (tau2_(i) + v_i))``;
    * ``cook.d = (b - b_(i))' V^-1 (b - b_(i))`` over every coefficient, the
      intercept included (metafor's default for ``influence``);
    * ``cov.r = det V_(i) / det V``;
    * ``dfbetas = (b - b_(i)) / sqrt(s2w_(i) diag((X'W_(i)X)^-1))`` with
      ``W_(i) = diag(1/(v + tau2_(i)))`` over all studies;
    * a study is influential when ``|dffits| > 3 sqrt(p/(k - p))``, ``P(chi²_m <=
      cook.d) > 0.5``, ``h_i > 3p/k`` or any ``|dfbetas| > 1`` (Viechtbauer & Cheung
      2010, section 4).

    Raises
    ------
    TooFewStudiesError
        With fewer than ``p + 2`` studies (each refit needs more studies than
        coefficients).
    InputError
        For a Mantel-Haenszel or Peto analysis.

    Examples
    --------
    >>> from sysreview.datasets import bcg
    >>> from sysreview.effects import escalc
    >>> from sysreview.meta import meta_analysis
    >>> es = escalc("RR", data=bcg(), ai="tpos", bi="tneg", ci="cpos", di="cneg")
    >>> inf = influence(meta_analysis(es))
    >>> [round(float(v), 4) for v in inf.cook_d[:3]]
    [0.0017, 0.1132, 0.026]
    """
    y, v, x, studies, names, method, hksj = _model_of(res)
    k, p = x.shape
    if k < p + 2:
        raise TooFewStudiesError(
            f"influence diagnostics need at least {p + 2} studies in the model; k = {k}"
        )
    full = fit_model(y, v, x, tau2_method=method, hksj=hksj)
    btt = list(range(p))  # metafor's influence() measures every coefficient
    vb_inv = np.linalg.inv(full.vb[np.ix_(btt, btt)])
    det_full = np.linalg.det(full.vb[np.ix_(btt, btt)])
    hat = np.einsum("ij,jk,ik->i", x, full.vb_unscaled, x) * full.w
    out = {n: np.full(k, np.nan) for n in ("rstudent", "dffits", "cook", "covr", "tau2", "qe")}
    dfbetas = np.full((k, p), np.nan)
    for i in range(k):
        keep = np.arange(k) != i
        try:
            fit = fit_model(y[keep], v[keep], x[keep], tau2_method=method, hksj=hksj)
        except InputError:  # the refit is singular (e.g. a factor level's only study)
            continue
        xi = x[i]
        delta = full.coef - fit.coef
        resid = y[i] - xi @ fit.coef
        if abs(resid) < 100 * np.finfo(float).eps:
            resid = 0.0
        se_resid = np.sqrt(fit.s2w * (v[i] + fit.tau2) + xi @ fit.vb @ xi)
        out["rstudent"][i] = resid / se_resid
        out["dffits"][i] = (xi @ delta) / np.sqrt(fit.s2w * hat[i] * (fit.tau2 + v[i]))
        out["cook"][i] = delta[btt] @ vb_inv @ delta[btt]
        out["covr"][i] = np.linalg.det(fit.vb[np.ix_(btt, btt)]) / det_full
        out["tau2"][i], out["qe"][i] = fit.tau2, fit.qe
        w_del = 1 / (v + fit.tau2)
        vb_del = np.linalg.inv((x.T * w_del) @ x)
        dfbetas[i] = delta / np.sqrt(fit.s2w * np.diag(vb_del))
    with np.errstate(invalid="ignore"):
        flagged = (
            (np.abs(out["dffits"]) > 3 * np.sqrt(p / (k - p)))
            | (1 - np.asarray(chi2_sf(out["cook"], len(btt))) > 0.5)
            | (hat > 3 * p / k)
            | (np.abs(dfbetas) > 1).any(axis=1)
        )
    return Influence(
        studies=studies,
        names=names,
        rstudent=frozen(out["rstudent"]),
        dffits=frozen(out["dffits"]),
        cook_d=frozen(out["cook"]),
        cov_r=frozen(out["covr"]),
        tau2_del=frozen(out["tau2"]),
        qe_del=frozen(out["qe"]),
        hat=frozen(hat),
        weight=frozen(100 * full.w / full.w.sum()),
        dfbetas=frozen(dfbetas),
        inf=frozen(flagged & np.isfinite(out["dffits"])),
    )


__all__ = ["Influence", "influence"]
