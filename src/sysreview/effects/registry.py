"""The registry of effect measures: what each needs, how it is computed, how it is read.

One table, :data:`MEASURES`, maps each :class:`~sysreview.vocab.Measure` to its data
family (the inputs it takes, under metafor's ``escalc`` argument names and under the
column names of ``sysreview pool``), the function that computes it (its docstring gives
the formula and the source) and its back-transformation. :func:`sysreview.escalc`, the
``sysreview pool`` reader and the synthesis of a review all reach a measure through
this table.

=======  =====================================  ===========  ============================
measure  what                                   data family  read as (back-transformation)
=======  =====================================  ===========  ============================
MD       mean difference                        continuous   as is
SMD      standardised mean difference (g)       continuous   as is
SMDH     SMD, heteroscedastic (Bonett 2008)     continuous   as is
ROM      log ratio of means                     continuous   ratio (exp)
RR       log risk ratio                         dichotomous  ratio (exp)
OR       log odds ratio                         dichotomous  ratio (exp)
RD       risk difference                        dichotomous  as is
PETO_OR  Peto's log odds ratio                  dichotomous  ratio (exp)
IRR      log incidence rate ratio               rate         ratio (exp)
PR       raw proportion                         proportion   as is
PLO      logit proportion                       proportion   proportion (inverse logit)
PFT      Freeman-Tukey double arcsine           proportion   proportion (Miller 1978)
ZCOR     Fisher's z of a correlation            correlation  correlation (tanh)
GIV      generic estimate with its SE           generic      as is, or exp (log_scale)
=======  =====================================  ===========  ============================
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial
from types import MappingProxyType
from typing import Any

from sysreview.effects.base import EffectSizes
from sysreview.effects.continuous import (
    mean_difference,
    ratio_of_means,
    smd_heteroscedastic,
    standardized_mean_difference,
)
from sysreview.effects.dichotomous import dichotomous_effects
from sysreview.effects.generic import generic_effects
from sysreview.effects.one_group import (
    fisher_z,
    freeman_tukey_proportion,
    logit_proportion,
    proportion,
)
from sysreview.effects.rates import incidence_rate_ratio
from sysreview.effects.transforms import TRANSFORM_OF, Transform
from sysreview.vocab import Convention, Measure


@dataclass(frozen=True)
class Family:
    """The inputs of a kind of measure.

    ``args`` are metafor's ``escalc`` argument names and ``columns`` the column names
    of ``sysreview pool``'s table, in the order the compute functions take them.
    """

    name: str
    args: tuple[str, ...]
    columns: tuple[str, ...]
    what: str


CONTINUOUS = Family(
    "continuous",
    ("m1i", "sd1i", "n1i", "m2i", "sd2i", "n2i"),
    ("mean_e", "sd_e", "n_e", "mean_c", "sd_c", "n_c"),
    "means, SDs and Ns of two groups",
)
DICHOTOMOUS = Family(
    "dichotomous",
    ("ai", "n1i", "ci", "n2i"),
    ("events_e", "n_e", "events_c", "n_c"),
    "events and participants of two groups",
)
RATE = Family(
    "rate",
    ("x1i", "t1i", "x2i", "t2i"),
    ("events_e", "time_e", "events_c", "time_c"),
    "events and person-time of two groups",
)
PROPORTION = Family("proportion", ("xi", "ni"), ("events", "n"), "events and N of one group")
CORRELATION = Family("correlation", ("ri", "ni"), ("r", "n"), "a correlation and its N")
GENERIC = Family("generic", ("yi", "sei"), ("estimate", "se"), "an estimate and its SE")

FAMILIES: Mapping[str, Family] = MappingProxyType(
    {f.name: f for f in (CONTINUOUS, DICHOTOMOUS, RATE, PROPORTION, CORRELATION, GENERIC)}
)
"""The data families, in the order a table's columns are matched against them."""

ZERO_CELL_OPTIONS = frozenset({"add", "to", "drop00"})


@dataclass(frozen=True)
class MeasureSpec:
    """One measure of the registry.

    ``compute(*inputs, studies=..., convention=..., **options)`` takes the family's
    inputs in order; ``options`` names the keyword options it accepts beyond those
    (e.g. metafor's zero-cell rules ``add, to, drop00`` or the SMD's ``vtype``).
    ``title`` names the measure on its reading scale (a forest plot's column).
    """

    measure: Measure
    family: Family
    compute: Callable[..., EffectSizes]
    title: str
    options: frozenset[str] = frozenset()

    @property
    def transform(self) -> Transform:
        """How estimates are read (see :mod:`sysreview.effects.transforms`)."""
        return TRANSFORM_OF[self.measure]


def _spec(
    measure: Measure,
    family: Family,
    compute: Callable[..., EffectSizes],
    title: str,
    options: frozenset[str] = frozenset(),
) -> tuple[Measure, MeasureSpec]:
    return measure, MeasureSpec(measure, family, compute, title, options)


def _two_by_two(measure: Measure) -> Callable[..., EffectSizes]:
    return partial(dichotomous_effects, measure=measure)


MEASURES: Mapping[Measure, MeasureSpec] = MappingProxyType(
    dict(
        [
            _spec(Measure.MD, CONTINUOUS, mean_difference, "Mean Difference"),
            _spec(
                Measure.SMD,
                CONTINUOUS,
                standardized_mean_difference,
                "Std. Mean Difference",
                frozenset({"vtype"}),
            ),
            _spec(Measure.SMDH, CONTINUOUS, smd_heteroscedastic, "Std. Mean Difference (H)"),
            _spec(Measure.ROM, CONTINUOUS, ratio_of_means, "Ratio of Means"),
            _spec(
                Measure.RR, DICHOTOMOUS, _two_by_two(Measure.RR), "Risk Ratio", ZERO_CELL_OPTIONS
            ),
            _spec(
                Measure.OR, DICHOTOMOUS, _two_by_two(Measure.OR), "Odds Ratio", ZERO_CELL_OPTIONS
            ),
            _spec(
                Measure.RD,
                DICHOTOMOUS,
                _two_by_two(Measure.RD),
                "Risk Difference",
                ZERO_CELL_OPTIONS,
            ),
            _spec(
                Measure.PETO_OR,
                DICHOTOMOUS,
                _two_by_two(Measure.PETO_OR),
                "Peto Odds Ratio",
                ZERO_CELL_OPTIONS,
            ),
            _spec(
                Measure.IRR, RATE, incidence_rate_ratio, "Incidence Rate Ratio", ZERO_CELL_OPTIONS
            ),
            _spec(Measure.PR, PROPORTION, proportion, "Proportion", frozenset({"add", "to"})),
            _spec(
                Measure.PLO,
                PROPORTION,
                logit_proportion,
                "Proportion (logit)",
                frozenset({"add", "to"}),
            ),
            _spec(Measure.PFT, PROPORTION, freeman_tukey_proportion, "Proportion (double arcsine)"),
            _spec(Measure.ZCOR, CORRELATION, fisher_z, "Correlation (Fisher's z)"),
            _spec(Measure.GIV, GENERIC, generic_effects, "Effect", frozenset({"log_scale"})),
        ]
    )
)
"""Measure -> :class:`MeasureSpec`: every measure sysreview computes."""


def measure_spec(measure: Measure | str) -> MeasureSpec:
    """The registry entry of a measure (parsed case-insensitively)."""
    return MEASURES[Measure.parse(measure)]


def compute_effects(
    measure: Measure | str,
    *inputs: Any,
    studies: Any = None,
    convention: Convention | str = Convention.REVMAN,
    **options: Any,
) -> EffectSizes:
    """Compute a measure from its family's inputs (in :attr:`Family.args` order).

    Raises
    ------
    ValueError
        For an option the measure does not take, naming those it does.

    Examples
    --------
    >>> es = compute_effects("ZCOR", [0.5], [28], convention="metafor")
    >>> round(float(es.back_transform(es.yi)[0]), 12)
    0.5
    """
    spec = measure_spec(measure)
    unknown = sorted(set(options) - spec.options)
    if unknown:
        takes = ", ".join(sorted(spec.options)) or "no options"
        raise ValueError(
            f"measure {spec.measure.value} does not take {', '.join(unknown)} (it takes {takes})"
        )
    if len(inputs) != len(spec.family.args):
        raise ValueError(
            f"measure {spec.measure.value} needs {', '.join(spec.family.args)}; "
            f"{len(inputs)} inputs given"
        )
    return spec.compute(*inputs, studies=studies, convention=convention, **options)


__all__ = [
    "CONTINUOUS",
    "CORRELATION",
    "DICHOTOMOUS",
    "FAMILIES",
    "GENERIC",
    "MEASURES",
    "PROPORTION",
    "RATE",
    "Family",
    "MeasureSpec",
    "compute_effects",
    "measure_spec",
]
