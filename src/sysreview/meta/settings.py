"""The options of an analysis, checked against the effect measure, and their defaults.

:func:`settings_for` parses what the user asked (method, model, tau² estimator, CI
method, level) into a frozen :class:`Settings`, filling what was left out from the effect
sizes' convention (:func:`default_method`, :func:`default_tau2`) and refusing a
combination the method does not define. :mod:`sysreview.meta.analysis` pools with them.
"""

from __future__ import annotations

from dataclasses import dataclass

from sysreview.effects.base import EffectSizes
from sysreview.errors import InputError
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method


@dataclass(frozen=True)
class Settings:
    """Validated options of an analysis (see :func:`meta_analysis`)."""

    method: Method
    model: Model
    tau2_method: Tau2Method
    ci_method: CIMethod
    level: float
    convention: Convention
    tau2_ci: bool = True


def default_method(
    measure: Measure, convention: Convention = Convention.REVMAN, tables: bool = True
) -> Method:
    """The default pooling method for a measure (MH, Peto or IV).

    RevMan pools RR, OR and RD by Mantel-Haenszel; metafor's ``rma`` by inverse variance
    (MH is ``rma.mh``, asked for by name). Peto's OR is pooled by Peto's method. Without
    2x2 tables (effect sizes given as ``yi``/``vi``) only inverse variance is possible.

    >>> default_method(Measure.RR), default_method(Measure.RR, Convention.METAFOR)
    (<Method.MH: 'MH'>, <Method.IV: 'IV'>)
    """
    if measure is Measure.PETO_OR and tables:
        return Method.PETO
    if not tables or convention is Convention.METAFOR:
        return Method.IV
    return Method.MH if measure.is_dichotomous else Method.IV


def default_tau2(convention: Convention) -> Tau2Method:
    """The default tau² estimator: DerSimonian-Laird (RevMan 5), REML (metafor's ``rma``)."""
    return Tau2Method.REML if convention is Convention.METAFOR else Tau2Method.DL


def settings_for(
    effects: EffectSizes,
    method: Method | str | None,
    model: Model | str,
    tau2_method: Tau2Method | str | None,
    ci_method: CIMethod | str,
    level: float,
) -> Settings:
    """Parse and check the options against the effect measure.

    ``method`` and ``tau2_method`` left as ``None`` take the convention's defaults
    (:func:`default_method`, :func:`default_tau2`).

    Notes
    -----
    RevMan's Mantel-Haenszel random-effects model takes tau² by DerSimonian-Laird from
    Q about the MH estimate (Deeks & Higgins 2010); no other estimator is defined for
    it. So an explicit ``MH`` with a random-effects model and another tau² estimator
    is refused (:class:`~sysreview.errors.InputError`, a ``ValueError``), and when the
    method is left to its default, a random-effects model with another estimator is
    pooled by inverse variance (and says so: the result's ``method`` is ``IV``).
    """
    mdl = Model.parse(model)
    conv = effects.convention
    tau2 = default_tau2(conv) if tau2_method is None else Tau2Method.parse(tau2_method)
    mh_tau2 = mdl is Model.RANDOM and tau2 is not Tau2Method.DL
    tables = effects.tables is not None
    if method is None:
        mth = default_method(effects.measure, conv, tables)
        if mth is Method.MH and mh_tau2:
            mth = Method.IV
    else:
        mth = Method.parse(method)
        if mth is Method.MH and mh_tau2:
            raise InputError(
                f"Mantel-Haenszel random effects take tau² by DerSimonian-Laird (RevMan); "
                f"tau2 method {tau2.value} is not available with MH: use method IV for a "
                f"{tau2.value} random-effects model"
            )
    if mth is Method.MH and effects.measure not in (Measure.RR, Measure.OR, Measure.RD):
        raise ValueError(f"Mantel-Haenszel needs RR, OR or RD, not {effects.measure.value}")
    if mth is Method.PETO and effects.measure is not Measure.PETO_OR:
        raise ValueError(f"Peto's method needs the PETO_OR measure, not {effects.measure.value}")
    if mth is not Method.IV and not tables:
        raise ValueError(
            f"{mth.value} pools 2x2 tables; these {effects.measure.value} effect sizes were "
            "given as estimates and variances: use method IV"
        )
    if effects.measure is Measure.PETO_OR and mth is not Method.PETO and tables:
        raise ValueError("the PETO_OR measure is pooled by Peto's method only")
    if not 0 < level < 100:
        raise ValueError(f"Invalid level {level!r}; must be between 0 and 100 (e.g. 95)")
    return Settings(
        mth,
        mdl,
        tau2,
        CIMethod.parse(ci_method),
        float(level),
        effects.convention,
    )


__all__ = ["Settings", "default_method", "default_tau2", "settings_for"]
