"""``escalc``: effect sizes from a table, under metafor's argument names.

``escalc("RR", data=df, ai="tpos", bi="tneg", ci="cpos", di="cneg")`` reads the named
columns of ``df`` (a pandas DataFrame or any mapping of column name to values) or takes
arrays directly, and computes the measure through the registry
(:mod:`sysreview.effects.registry`), as metafor's ``escalc`` does.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

import numpy as np

from sysreview.effects.base import EffectSizes, FloatArray, as_float_array
from sysreview.effects.registry import MEASURES, compute_effects
from sysreview.errors import InputError
from sysreview.vocab import Convention, Measure


def _column(data: Any, name: str) -> Any:
    try:
        return data[name]
    except (KeyError, IndexError, TypeError):
        columns = list(getattr(data, "columns", data.keys() if isinstance(data, Mapping) else []))
        shown = ", ".join(map(str, columns)) or "none"
        raise InputError(f"data has no column {name!r}; its columns are {shown}") from None


def _values(data: Any, arg: str, given: Any) -> FloatArray | None:
    """One input: a column name of ``data`` or the values themselves, as floats."""
    if given is None:
        return None
    if isinstance(given, str):
        if data is None:
            raise InputError(f"{arg}={given!r} names a column, but no data was given")
        given = _column(data, given)
    if hasattr(given, "to_numpy"):  # pandas: missing values (None, NA) become NaN
        try:
            return np.asarray(given.to_numpy(dtype=float, na_value=np.nan), dtype=float)
        except (TypeError, ValueError) as exc:
            raise InputError(f"{arg} must be numeric ({exc})", column=arg) from None
    return as_float_array(given, arg)


def _labels(data: Any, slab: Any, k: int) -> Sequence[str] | None:
    if slab is None:
        return None
    if isinstance(slab, str):
        if data is None:
            raise InputError(f"slab={slab!r} names a column, but no data was given")
        slab = _column(data, slab)
    labels = [str(s) for s in (slab.tolist() if hasattr(slab, "tolist") else list(slab))]
    if len(labels) != k:
        raise InputError(f"{len(labels)} study labels (slab) given for {k} studies", column="slab")
    return labels


def _fill_total(
    total: FloatArray | None, events: FloatArray | None, other: FloatArray | None, names: str
) -> FloatArray | None:
    """``n = events + non-events`` where only the non-events are given; checks both."""
    if other is None or events is None:
        return total
    if total is None:
        return events + other
    with np.errstate(invalid="ignore"):
        wrong = np.flatnonzero(np.abs(total - (events + other)) > 0)
    if wrong.size:
        raise InputError(f"{names}: row {int(wrong[0]) + 1} does not add up")
    return total


def escalc(
    measure: Measure | str,
    data: Any = None,
    *,
    ai: Any = None,
    bi: Any = None,
    ci: Any = None,
    di: Any = None,
    n1i: Any = None,
    n2i: Any = None,
    m1i: Any = None,
    sd1i: Any = None,
    m2i: Any = None,
    sd2i: Any = None,
    x1i: Any = None,
    t1i: Any = None,
    x2i: Any = None,
    t2i: Any = None,
    xi: Any = None,
    mi: Any = None,
    ni: Any = None,
    ri: Any = None,
    yi: Any = None,
    vi: Any = None,
    sei: Any = None,
    slab: Any = None,
    convention: Convention | str = Convention.METAFOR,
    **options: Any,
) -> EffectSizes:
    """Per-study effect sizes ``yi`` and sampling variances ``vi``, as metafor's ``escalc``.

    Parameters
    ----------
    measure
        A measure code (:class:`~sysreview.vocab.Measure`): ``MD SMD SMDH ROM`` (means),
        ``RR OR RD PETO_OR`` (2x2 tables; ``PETO`` is accepted), ``IRR`` (rates),
        ``PR PLO PFT`` (proportions), ``ZCOR`` (correlations), ``GIV``.
    data
        A table (pandas DataFrame, or a mapping of column name to values) whose columns
        the other arguments name; without it they are the values themselves.
    ai, bi, ci, di, n1i, n2i
        2x2 tables: events and non-events (or group sizes ``n1i``, ``n2i``) of the
        experimental and control groups.
    m1i, sd1i, n1i, m2i, sd2i, n2i
        Means, SDs and sizes of the two groups.
    x1i, t1i, x2i, t2i
        Events and person-time of the two groups (``IRR``).
    xi, mi, ni
        Events, non-events and size of one group (``PR PLO PFT``).
    ri, ni
        A correlation and its sample size (``ZCOR``).
    yi, vi, sei
        Estimates already computed, with their variances or standard errors; they are
        labelled ``measure`` and read with its back-transformation.
    slab
        Study labels (a column name or a sequence); default ``Study 1 ... Study k``.
    convention
        ``metafor`` (default here, as the function is metafor's) or ``revman``: RevMan's
        SMD and zero-cell rules. Measures RevMan lacks are computed as metafor does
        under either.
    **options
        The measure's options, with metafor's meanings: ``add``, ``to``, ``drop00``
        (zero cells: RR, OR, RD, PETO_OR, IRR; ``add``, ``to``: PR, PLO), ``vtype``
        (SMD: ``LS``, ``UB``, ``LS2``, ``AV``), ``log_scale`` (GIV).

    Returns
    -------
    EffectSizes
        ``.yi``, ``.vi``, ``.to_frame()``; not-estimable studies kept with a reason.

    Raises
    ------
    InputError
        A column that is not in ``data``, missing inputs, inconsistent counts.

    Examples
    --------
    The BCG trials (Colditz et al. 1994), as ``escalc(measure="RR", ai=tpos, bi=tneg,
    ci=cpos, di=cneg, data=dat.bcg)`` in metafor:

    >>> from sysreview.datasets import bcg
    >>> es = escalc("RR", data=bcg(), ai="tpos", bi="tneg", ci="cpos", di="cneg",
    ...             slab="author")
    >>> es
    <EffectSizes RR k=13 (metafor)>
    >>> print(es.to_frame()[["study", "yi", "vi"]].head(3).round(4).to_string(index=False))
               study      yi     vi
             Aronson -0.8893 0.3256
    Ferguson & Simes -1.5854 0.1946
     Rosenthal et al -1.3481 0.4154
    """
    m = Measure.parse(measure)
    spec = MEASURES[m]
    get = {
        name: _values(data, name, value)
        for name, value in {
            "ai": ai, "bi": bi, "ci": ci, "di": di, "n1i": n1i, "n2i": n2i, "m1i": m1i,
            "sd1i": sd1i, "m2i": m2i, "sd2i": sd2i, "x1i": x1i, "t1i": t1i, "x2i": x2i,
            "t2i": t2i, "xi": xi, "mi": mi, "ni": ni, "ri": ri, "yi": yi, "vi": vi, "sei": sei,
        }.items()
    }  # fmt: skip
    if get["yi"] is not None:
        return _given(m, data, get, slab, convention, options)
    if spec.family.name == "dichotomous":
        get["n1i"] = _fill_total(get["n1i"], get["ai"], get["bi"], "n1i = ai + bi")
        get["n2i"] = _fill_total(get["n2i"], get["ci"], get["di"], "n2i = ci + di")
    if spec.family.name == "proportion":
        get["ni"] = _fill_total(get["ni"], get["xi"], get["mi"], "ni = xi + mi")
    missing = [a for a in spec.family.args if get[a] is None]
    if missing:
        needs = ", ".join(spec.family.args)
        if spec.family.name == "dichotomous":
            needs += " (or bi, di for the non-events)"
        raise InputError(f"measure {m.value} needs {needs}; missing {', '.join(missing)}")
    inputs = [get[a] for a in spec.family.args]
    k = inputs[0].size  # type: ignore[union-attr]
    for arg, values in zip(spec.family.args, inputs, strict=True):
        if values is not None and values.size != k:
            raise InputError(f"{arg} has {values.size} values; {spec.family.args[0]} has {k}")
    labels = _labels(data, slab, k)
    return compute_effects(m, *inputs, studies=labels, convention=convention, **options)


def _given(
    m: Measure,
    data: Any,
    get: dict[str, FloatArray | None],
    slab: Any,
    convention: Convention | str,
    options: dict[str, Any],
) -> EffectSizes:
    """Effect sizes given as ``yi`` with ``vi`` or ``sei``."""
    from sysreview.effects.generic import generic_effects

    y, v, se = get["yi"], get["vi"], get["sei"]
    assert y is not None
    if se is None:
        if v is None:
            raise InputError("yi needs vi or sei")
        se = np.sqrt(v)
    unknown = sorted(set(options) - {"log_scale"})
    if unknown:
        raise ValueError(f"with yi given, escalc takes no {', '.join(unknown)}")
    labels = _labels(data, slab, y.size)
    return generic_effects(
        y, se, studies=labels, convention=convention, measure=m, log_scale=options.get("log_scale")
    )


__all__ = ["escalc"]
