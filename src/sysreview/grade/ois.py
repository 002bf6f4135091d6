"""The optimal information size (OIS): the participants one adequately powered trial needs.

GRADE rates a body of evidence down for imprecision when it holds fewer participants
than a conventional sample-size calculation for a single trial would ask for (GRADE
guidelines 6, Guyatt GH, et al. J Clin Epidemiol 2011;64:1283-1293, section 6; GRADE
guidance 34, Zeng L, et al. J Clin Epidemiol 2022;150:216-224). GRADE does not fix the
calculation; sysreview uses the two most common ones, those of R's ``power.prop.test``
and ``power.t.test`` (two groups of equal size, two-sided ``alpha``, power ``1 - beta``),
so that the numbers can be checked against R (``tests/reference/grade/``).

Notes
-----
Dichotomous (two proportions, normal approximation with the pooled variance under the
null; Fleiss JL, Levin B, Paik MC. Statistical Methods for Rates and Proportions, 3rd ed.
2003, eq. 4.14 without the continuity correction; R ``power.prop.test``)::

    p1 = control risk, p2 = p1 (1 - RRR), pbar = (p1 + p2) / 2
    n per group = (z_{1-alpha/2} sqrt(2 pbar (1 - pbar))
                   + z_{1-beta} sqrt(p1 (1 - p1) + p2 (1 - p2)))^2 / (p1 - p2)^2

Continuous (two-sample t test, R ``power.t.test`` with ``strict = FALSE``): the ``n`` per
group at which ``P(T' > t_{1-alpha/2, 2(n-1)}) = 1 - beta`` for the non-central
``T'`` with ``2(n - 1)`` degrees of freedom and non-centrality ``sqrt(n / 2) delta / sd``,
found by root finding (Brent's method, to 1e-10). For large ``n`` this approaches the
normal approximation ``2 (z_{1-alpha/2} + z_{1-beta})^2 sd^2 / delta^2``.

The OIS is the total of both groups, each rounded up: ``2 ceil(n)``.

Examples
--------
>>> ois_dichotomous(0.2, 0.25).total   # GRADE 6: "approximately 2,000 patients"
1812
>>> ois_continuous(0.2, 1.0).total     # a small effect, 0.2 SD
788
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from scipy import optimize, stats

from sysreview.errors import InputError


@dataclass(frozen=True)
class OptimalInformationSize:
    """An OIS: participants per group (unrounded), the total, and what it was computed from."""

    per_group: float
    total: int
    alpha: float
    beta: float
    basis: str

    def summary(self) -> str:
        """``"OIS 1812 participants (control risk 20%, RRR 25%, alpha 0.05, power 80%)"``."""
        return (
            f"OIS {self.total} participants ({self.basis}, alpha {self.alpha:g}, "
            f"power {1 - self.beta:.0%})"
        )


def _check(alpha: float, beta: float) -> None:
    for name, value in (("alpha", alpha), ("beta", beta)):
        if not 0 < value < 1:
            raise InputError(f"{name} must be between 0 and 1, not {value!r}")


def ois_dichotomous(
    control_risk: float, rrr: float, alpha: float = 0.05, beta: float = 0.20
) -> OptimalInformationSize:
    """The OIS of a dichotomous outcome.

    Control risk ``control_risk``, a relative risk reduction ``rrr`` (see the module notes
    for the formula).

    Raises
    ------
    InputError
        When the risk or the reduction is not strictly between 0 and 1.
    """
    _check(alpha, beta)
    if not 0 < control_risk < 1:
        raise InputError(f"the control risk must be between 0 and 1, not {control_risk!r}")
    if not 0 < rrr < 1:
        raise InputError(f"the relative risk reduction must be between 0 and 1, not {rrr!r}")
    p1, p2 = control_risk, control_risk * (1 - rrr)
    pbar = (p1 + p2) / 2
    za, zb = stats.norm.ppf(1 - alpha / 2), stats.norm.ppf(1 - beta)
    root = za * math.sqrt(2 * pbar * (1 - pbar)) + zb * math.sqrt(p1 * (1 - p1) + p2 * (1 - p2))
    n = root**2 / (p1 - p2) ** 2
    basis = f"control risk {p1:.3g}, relative risk reduction {rrr:.0%}"
    return OptimalInformationSize(float(n), 2 * math.ceil(n - 1e-9), alpha, beta, basis)


def _t_power(n: float, effect: float, alpha: float) -> float:
    df = 2 * (n - 1)
    critical = stats.t.ppf(1 - alpha / 2, df)
    return float(stats.nct.sf(critical, df, math.sqrt(n / 2) * effect))


def ois_continuous(
    delta: float, sd: float, alpha: float = 0.05, beta: float = 0.20
) -> OptimalInformationSize:
    """The OIS of a continuous outcome.

    A difference ``delta`` in units whose standard deviation is ``sd`` (``sd = 1`` for a
    standardised difference).

    Raises
    ------
    InputError
        When ``delta`` or ``sd`` is not positive.
    """
    _check(alpha, beta)
    if not (delta > 0 and sd > 0 and math.isfinite(delta) and math.isfinite(sd)):
        raise InputError(f"the difference and SD must be positive, not {delta!r} and {sd!r}")
    effect = delta / sd
    target = 1 - beta
    normal = 2 * (stats.norm.ppf(1 - alpha / 2) + stats.norm.ppf(target)) ** 2 / effect**2
    upper = max(4.0, 2 * normal + 10)
    n = optimize.brentq(lambda x: _t_power(x, effect, alpha) - target, 2.0, upper, xtol=1e-10)
    basis = f"difference {delta:.3g} with SD {sd:.3g}" if sd != 1 else f"{delta:.3g} SD"
    return OptimalInformationSize(float(n), 2 * math.ceil(n - 1e-9), alpha, beta, basis)


__all__ = ["OptimalInformationSize", "ois_continuous", "ois_dichotomous"]
