"""Pooling the analyses of a table (:mod:`sysreview.analysis_table`).

The work of :func:`sysreview.pool_table` and ``sysreview pool``.

:func:`resolve_options` gives each analysis its options (the caller's, else the table's
settings columns or a RevMan file's settings, else RevMan's defaults). :func:`pool_tables`
is the computation: effect sizes for every analysis (:func:`effects_all`), then the
analyses that share their pooling options pooled together in one vectorised pass of
:func:`sysreview.meta.meta_analyses`. Every analysis gets a result, also one with a
single estimable study or none (:class:`~sysreview.meta.MetaAnalysis` says why).
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from sysreview.analysis_table import CONTINUOUS, TableAnalysis
from sysreview.effects import EffectSizes
from sysreview.effects.registry import FAMILIES, MEASURES, compute_effects
from sysreview.errors import InputError, SysreviewError
from sysreview.meta import MetaAnalysis, MetaRegression, meta_analyses
from sysreview.meta.analysis import default_tau2
from sysreview.vocab import CIMethod, Convention, Measure, Method, Model, Tau2Method


@dataclass(frozen=True)
class PoolOptions:
    """The options one analysis is pooled with (see :func:`resolve_options`)."""

    measure: Measure
    method: Method | None
    model: Model
    tau2_method: Tau2Method
    ci_method: CIMethod
    level: float
    convention: Convention
    log_scale: bool = False

    def pooling(self) -> tuple[Method | None, Model, Tau2Method, CIMethod, float]:
        """The options :func:`sysreview.meta.meta_analyses` takes, as a hashable key."""
        return (self.method, self.model, self.tau2_method, self.ci_method, self.level)


DEFAULT_MEASURES = {
    "continuous": Measure.MD,
    "dichotomous": Measure.RR,
    "rate": Measure.IRR,
    "proportion": Measure.PLO,
    "correlation": Measure.ZCOR,
    "generic": Measure.GIV,
}
"""The measure of a data family when none is chosen: RevMan's MD and RR; metafor's
usual choices for rates (IRR), proportions (logit, PLO) and correlations (Fisher's z)."""


def default_measure(columns: tuple[str, ...]) -> Measure:
    """The default measure for the data type (:data:`DEFAULT_MEASURES`)."""
    family = next(f for f in FAMILIES.values() if f.columns == columns)
    return DEFAULT_MEASURES[family.name]


def resolve_options(
    table: TableAnalysis,
    given: dict[str, object],
    default_columns: tuple[str, ...],
    source: str,
) -> PoolOptions:
    """The options of one analysis: the caller's, else the table's column, else defaults.

    ``given`` maps :data:`~sysreview.analysis_table.SETTINGS` names to parsed values or
    ``None`` (not given).
    Defaults: the data type's measure (:func:`default_measure`), the measure's default
    method, random effects, the convention's tau² estimator (RevMan's DL, metafor's
    REML: :func:`sysreview.meta.analysis.default_tau2`), Wald z, 95% and the RevMan
    convention; generic estimates are not on the log scale.

    Mantel-Haenszel random effects are DerSimonian-Laird only
    (:func:`sysreview.meta.analysis.settings_for`). Where the table's method and the
    caller's tau² estimator (or the caller's MH and the table's estimator) do not fit
    together, the table's setting yields to the caller's: a RevMan file's MH analyses
    asked for ``--tau2 REML`` are pooled by inverse variance (their default for REML,
    and labelled ``IV``), and ``--method MH`` over a ``tau2_method`` column pools by DL
    (labelled ``DL``). A conflict within the table, or within the caller's options, is
    refused.
    """
    parsers: dict[str, Any] = {
        "measure": Measure.parse,
        "method": Method.parse,
        "model": Model.parse,
        "tau2_method": Tau2Method.parse,
        "ci_method": CIMethod.parse,
        "level": float,
        "convention": Convention.parse,
        "log_scale": parse_yes_no,
    }
    defaults: dict[str, object] = {
        "measure": default_measure(default_columns),
        "method": None,
        "model": Model.RANDOM,
        "tau2_method": None,
        "ci_method": CIMethod.Z,
        "level": 95.0,
        "convention": Convention.REVMAN,
        "log_scale": False,
    }
    chosen: dict[str, Any] = {}
    from_table: set[str] = set()
    for name, parse in parsers.items():
        value = given.get(name)
        if value is None and name in table.settings:
            text = table.settings[name]
            try:
                value = parse(text)
            except ValueError as exc:
                line = table.rows[0] if table.rows else None
                raise InputError(str(exc), source=source, line=line, column=name) from None
            from_table.add(name)
        chosen[name] = defaults[name] if value is None else value
    if chosen["tau2_method"] is None:
        chosen["tau2_method"] = default_tau2(chosen["convention"])
    mh_random = chosen["method"] is Method.MH and chosen["model"] is Model.RANDOM
    if mh_random and chosen["tau2_method"] is not Tau2Method.DL:
        if "method" in from_table and given.get("tau2_method") is not None:
            chosen["method"] = None  # the measure's default for this estimator: IV
        elif "tau2_method" in from_table and given.get("method") is not None:
            chosen["tau2_method"] = Tau2Method.DL
    return PoolOptions(**chosen)


def parse_yes_no(text: str) -> bool:
    """A ``log_scale`` cell: yes/no, true/false or 1/0, in any case.

    >>> parse_yes_no("Yes"), parse_yes_no("0")
    (True, False)
    """
    value = text.strip().lower()
    if value in ("yes", "true", "1"):
        return True
    if value in ("no", "false", "0"):
        return False
    raise ValueError(f"Invalid log_scale {text!r}; must be one of yes, no")


def effects_of(table: TableAnalysis, options: PoolOptions, source: str) -> EffectSizes:
    """Compute the effect sizes of one analysis of the table.

    They are computed through the registry of measures (:mod:`sysreview.effects.registry`).
    """
    c = table.columns
    measure, convention = options.measure, options.convention
    spec = MEASURES[measure]
    wanted = spec.family.columns
    missing = [n for n in wanted if n not in c]
    if missing:
        raise InputError(
            f"{_where(table)}measure {measure.value} needs columns {', '.join(wanted)}; "
            f"missing {', '.join(missing)}",
            source=source,
            line=table.rows[0] if table.rows else None,
        )
    if measure.is_dichotomous or spec.family.name == "proportion":
        _check_events(table, source)
    options_of = {"log_scale": options.log_scale} if measure is Measure.GIV else {}
    try:
        return compute_effects(
            measure,
            *(c[n] for n in wanted),
            studies=table.studies,
            convention=convention,
            **options_of,
        )
    except InputError as exc:
        raise InputError(
            f"{_where(table)}{exc.message}",
            source=source,
            line=_study_line(table, exc.message),
            column=exc.column,
        ) from None


def effects_all(
    tables: Sequence[TableAnalysis], options: Sequence[PoolOptions], source: str
) -> list[EffectSizes]:
    """:func:`effects_of` for every analysis, the same values, computed in one pass.

    When every analysis is continuous with the same measure and convention, the
    per-study formulas (elementwise, so each study's value does not depend on its
    neighbours) run once over all studies, which are then split per analysis.
    Otherwise each analysis is computed on its own.
    """
    same = {(o.measure, o.convention) for o in options}
    batched = (
        len(same) == 1
        and next(iter(same))[0].is_continuous
        and all(n in t.columns for t in tables for n in CONTINUOUS)
    )
    if not batched:
        return [effects_of(t, o, source) for t, o in zip(tables, options, strict=True)]
    measure, convention = next(iter(same))
    arms = [np.concatenate([t.columns[n] for t in tables]) for n in CONTINUOUS]
    studies = tuple(s for t in tables for s in t.studies)
    es = compute_effects(measure, *arms, studies=studies, convention=convention)
    bounds = np.cumsum([0, *(len(t.studies) for t in tables)]).tolist()
    return [
        EffectSizes(
            es.measure,
            es.convention,
            es.studies[a:b],
            es.yi[a:b],
            es.vi[a:b],
            es.reasons[a:b],
            log_scale=es.log_scale,
            n1i=es.n1i[a:b],
            n2i=es.n2i[a:b],
        )
        for a, b in itertools.pairwise(bounds)
    ]


def pool_tables(
    tables: Sequence[TableAnalysis], options: Sequence[PoolOptions], source: str
) -> list[MetaAnalysis]:
    """Pool every analysis of a table with its options, in the table's order.

    Analyses sharing their pooling options (:meth:`PoolOptions.pooling`) are pooled
    together in one vectorised pass. An analysis with one estimable study gets that
    study as its total, one with none a result with ``k = 0`` and a ``reason``.

    Raises
    ------
    InputError
        For data the measure cannot use (missing columns, more events than
        participants) and options that do not fit together (e.g. Mantel-Haenszel with
        a continuous measure, or with random effects and a tau² estimator other than DL).
    """
    effects = effects_all(tables, options, source)
    batches: dict[tuple[object, ...], list[int]] = {}
    for i, o in enumerate(options):
        batches.setdefault(o.pooling(), []).append(i)
    results: list[MetaAnalysis | None] = [None] * len(tables)
    for members in batches.values():
        first = options[members[0]]
        try:
            pooled = meta_analyses(
                [effects[i] for i in members],
                method=first.method,
                model=first.model,
                tau2_method=first.tau2_method,
                ci_method=first.ci_method,
                level=first.level,
                subgroups=[tables[i].subgroups for i in members],
                labels=[tables[i].label for i in members],
            )
        except ValueError as exc:  # options that do not fit the measure
            raise InputError(str(exc), source=source) from None
        for i, res in zip(members, pooled, strict=True):
            results[i] = res
    return [r for r in results if r is not None]


def moderator_columns(mods: str) -> tuple[str, tuple[str, ...]]:
    """The formula of ``--mods`` and the columns it names.

    ``--mods`` is a formula (``"~ ablat + factor(alloc)"``; see
    :mod:`sysreview.meta.design`) or a comma-separated list of columns.

    >>> moderator_columns("ablat, year")
    ('~ ablat + year', ('ablat', 'year'))
    """
    from sysreview.meta.design import parse_formula

    text = mods.strip()
    if not any(c in text for c in "~+()"):
        text = "~ " + " + ".join(c.strip() for c in text.split(",") if c.strip())
    terms, _ = parse_formula(text)
    return text, tuple(t.column for t in terms)


def regress_tables(
    tables: Sequence[TableAnalysis],
    options: Sequence[PoolOptions],
    formula: str,
    source: str,
) -> list[MetaRegression]:
    """A meta-regression of every analysis of a table (``sysreview metareg``).

    Each analysis's effect sizes (:func:`effects_of`) are regressed on the moderator
    columns named in ``formula``, read from the table as text (numbers are covariates,
    other text factors): :func:`sysreview.meta.meta_regression` with the analysis's
    model, tau² estimator, CI method and level.

    Raises
    ------
    InputError
        Bad moderators, too few studies, or options that do not fit.
    """
    from sysreview.meta import meta_regression

    out = []
    for table, opts in zip(tables, options, strict=True):
        effects = effects_of(table, opts, source)
        try:
            out.append(
                meta_regression(
                    effects,
                    formula,
                    data=table.extra,
                    model=opts.model,
                    tau2_method=opts.tau2_method,
                    ci_method=opts.ci_method,
                    level=opts.level,
                    label=table.label,
                )
            )
        except InputError as exc:
            raise InputError(f"{_where(table)}{exc.message}", source=source) from None
        except SysreviewError as exc:  # e.g. too few studies for the coefficients
            raise InputError(f"{_where(table)}{exc}", source=source) from None
    return out


def _where(table: TableAnalysis) -> str:
    return "" if table.label is None else f"analysis {table.label!r}: "


def _study_line(table: TableAnalysis, message: str) -> int | None:
    """The file line of the study a message names (``study 'x': ...``), if any."""
    if not table.rows:
        return None
    for study, line in zip(table.studies, table.rows, strict=True):
        if f"study {study!r}" in message:
            return line
    return None


def _check_events(table: TableAnalysis, source: str) -> None:
    c = table.columns
    pairs = (("events", "n"),) if "events" in c and "events_e" not in c else (
        ("events_e", "n_e"), ("events_c", "n_c"))  # fmt: skip
    for i, study in enumerate(table.studies):
        for events, total in pairs:
            if c[events][i] > c[total][i]:
                where = "" if table.rows else f"{_where(table)}study {study!r}: "
                raise InputError(
                    f"{where}{c[events][i]:g} events but only {c[total][i]:g} participants",
                    source=source,
                    line=table.rows[i] if table.rows else None,
                    column=events,
                )


__all__ = [
    "PoolOptions",
    "default_measure",
    "effects_all",
    "effects_of",
    "moderator_columns",
    "parse_yes_no",
    "pool_tables",
    "regress_tables",
    "resolve_options",
]
