"""Cohen's kappa and Gwet's AC1 of two raters, from their table of joint proportions.

``p[i][j]`` is the proportion of the ``n`` items the first rater put in category ``i``
and the second in ``j``. :func:`sysreview.screening.interrater.agreement` builds the
table from two reviewers' decisions and reports these.

References
----------
Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46.

Fleiss JL, Cohen J, Everitt BS. Large sample standard errors of kappa and weighted kappa.
Psychol Bull 1969;72:323-327.

Gwet KL. Computing inter-rater reliability and its variance in the presence of high
agreement. Br J Math Stat Psychol 2008;61:29-48.
"""

from __future__ import annotations

import math
from typing import Any

from sysreview.stats import normal_two_sided_p, t_quantile, z_critical

Interval = tuple[float, float]


def cohen_kappa(p: list[list[float]], n: int, level: float) -> tuple[dict[str, Any], list[str]]:
    """Cohen's kappa, FCE 1969 standard errors, Wald interval and z test."""
    q = len(p)
    rows = [sum(r) for r in p]
    cols = [sum(p[i][j] for i in range(q)) for j in range(q)]
    po = sum(p[i][i] for i in range(q))
    pe = sum(rows[i] * cols[i] for i in range(q))
    out: dict[str, Any] = dict.fromkeys(("kappa", "kappa_se", "kappa_ci", "kappa_z", "kappa_p"))
    if pe >= 1.0:
        reason = (
            "kappa is undefined: both reviewers used a single category, so chance"
            " agreement is 1 and kappa is 0/0"
        )
        return out, [reason]
    k = (po - pe) / (1 - pe)
    a = sum(p[i][i] * (1 - (rows[i] + cols[i]) * (1 - k)) ** 2 for i in range(q))
    b = (1 - k) ** 2 * sum(
        p[i][j] * (cols[i] + rows[j]) ** 2 for i in range(q) for j in range(q) if i != j
    )
    c = (k - pe * (1 - k)) ** 2
    se = math.sqrt(max(a + b - c, 0.0) / n) / (1 - pe)
    z = z_critical(100 * level)
    out.update(kappa=k, kappa_se=se, kappa_ci=(max(k - z * se, -1.0), min(k + z * se, 1.0)))
    var0 = pe + pe**2 - sum(rows[i] * cols[i] * (rows[i] + cols[i]) for i in range(q))
    se0 = math.sqrt(max(var0, 0.0) / n) / (1 - pe)
    # var0 is exactly 0 when a reviewer used one category only; decided on the margins,
    # since var0 computed in floating point is then a rounding error, not 0
    single = any(math.isclose(m, 1.0, abs_tol=1e-12) for m in (*rows, *cols))
    if se0 > 0 and not single:
        out.update(kappa_z=k / se0, kappa_p=float(normal_two_sided_p(k / se0)))
        return out, []
    return out, [
        "kappa has no z test: one reviewer used a single category, so its standard"
        " error under the null is 0"
    ]


def gwet_ac1(
    p: list[list[float]], n: int, level: float
) -> tuple[float, float | None, Interval | None, list[str]]:
    """Gwet's AC1 with the variance of irrCAC's ``gwet.ac1.raw`` (two raters, f = 0)."""
    q = len(p)
    pa = sum(p[i][i] for i in range(q))
    pi = [(sum(p[i]) + sum(p[j][i] for j in range(q))) / 2 for i in range(q)]
    if q < 2:  # one category, so every item agrees: AC1 = 1 by convention, no spread
        ac1 = 1.0
    else:
        pe = sum(x * (1 - x) for x in pi) / (q - 1)
        ac1 = (pa - pe) / (1 - pe)
    if n < 2:
        return ac1, None, None, ["AC1 has no standard error with a single item"]
    if q < 2:
        return ac1, 0.0, (1.0, 1.0), []
    # per-item terms u_kl = delta_kl - 2 (1 - AC1) pe_kl, pe_kl = (1 - (pi_k + pi_l)/2)/(q - 1)
    c = 2 * (1 - ac1) / (q - 1)
    mean_u = pa - 2 * (1 - ac1) * pe
    ss = sum(
        p[k][m] * ((k == m) - c * (1 - (pi[k] + pi[m]) / 2) - mean_u) ** 2
        for k in range(q)
        for m in range(q)
    )
    se = math.sqrt(max(ss, 0.0) / (n - 1)) / (1 - pe)
    t = float(t_quantile(0.5 + level / 2, n - 1))
    return ac1, se, (max(ac1 - t * se, -1.0), min(ac1 + t * se, 1.0)), []


__all__ = ["Interval", "cohen_kappa", "gwet_ac1"]
