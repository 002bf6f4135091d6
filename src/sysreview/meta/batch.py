"""Batched arrays: many analyses at once, padded to a rectangle with a mask.

Every pooling computation in :mod:`sysreview.meta` works on arrays of shape
``(m, K)`` — ``m`` analyses with at most ``K`` studies — so that thousands of
analyses are pooled in a few vectorised numpy calls. Padding cells have ``mask``
0 and never contribute to a sum.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]
BoolArray = NDArray[np.bool_]
IntArray = NDArray[np.intp]


@dataclass(frozen=True, eq=False)
class Batch:
    """Estimates ``y`` and variances ``v`` of ``m`` analyses, padded to ``(m, K)``.

    ``mask`` is 1.0 for real studies and 0.0 for padding; padded ``y`` are 0 and
    padded ``v`` are 1 so that every expression stays finite.
    """

    y: FloatArray
    v: FloatArray
    mask: FloatArray

    @classmethod
    def from_lists(cls, ys: Sequence[FloatArray], vs: Sequence[FloatArray]) -> Batch:
        """Pad per-analysis arrays of estimates and variances into one batch.

        Examples
        --------
        >>> b = Batch.from_lists([np.array([1.0, 2.0]), np.array([3.0])],
        ...                      [np.array([0.1, 0.2]), np.array([0.3])])
        >>> b.y.shape, b.k.tolist()
        ((2, 2), [2.0, 1.0])
        """
        m = len(ys)
        width = max((len(y) for y in ys), default=0)
        y = np.zeros((m, max(width, 1)))
        v = np.ones((m, max(width, 1)))
        mask = np.zeros((m, max(width, 1)))
        for i, (yi, vi) in enumerate(zip(ys, vs, strict=True)):
            y[i, : len(yi)] = yi
            v[i, : len(vi)] = vi
            mask[i, : len(yi)] = 1.0
        return cls(y, v, mask)

    def take(self, rows: IntArray) -> Batch:
        """The analyses numbered by ``rows`` (this batch itself when that is all of them)."""
        if rows.shape[0] == self.y.shape[0]:
            return self
        return Batch(self.y[rows], self.v[rows], self.mask[rows])

    @property
    def k(self) -> FloatArray:
        """Number of studies in each analysis."""
        return np.asarray(self.mask.sum(axis=1))

    def weighted_mean(self, w: FloatArray) -> FloatArray:
        """Row-wise weighted mean of ``y`` (``w`` already masked)."""
        return np.asarray((w * self.y).sum(axis=1) / w.sum(axis=1))

    def weights(self, tau2: FloatArray) -> FloatArray:
        """Masked inverse-variance weights ``1 / (v + tau2)``."""
        return self.mask / (self.v + tau2[:, None])

    def generalised_q(self, tau2: FloatArray) -> FloatArray:
        """``sum w (y - mu_w)^2`` with ``w = 1/(v + tau2)``: Q at ``tau2`` (Q-profile)."""
        w = self.weights(tau2)
        mu = self.weighted_mean(w)
        return np.asarray((w * (self.y - mu[:, None]) ** 2).sum(axis=1))


def solve_decreasing(
    f: Callable[[FloatArray, IntArray], tuple[FloatArray, FloatArray]],
    start: FloatArray,
    active: BoolArray,
    *,
    tol: float = 1e-13,
    max_iter: int = 500,
) -> tuple[FloatArray, BoolArray, NDArray[np.int64]]:
    """Row-wise root of a decreasing function on ``x >= 0``, batched.

    Parameters
    ----------
    f
        ``f(x, rows)`` returns ``(value, slope)`` at ``x`` for the rows numbered by
        ``rows`` (``x`` holds one value per row asked for); ``slope`` is the
        derivative (or an approximation: it only proposes Newton steps). Each row's
        value must depend on that row alone: rows that are done are not asked again.
    start
        Starting values (clipped into the bracket).
    active
        Rows to solve; the others (and rows with ``f(0) <= 0``) get ``x = 0``.

    Returns
    -------
    root, converged, iterations

    Notes
    -----
    Safeguarded Newton (Press et al., *Numerical Recipes*, 3rd ed., section 9.4,
    ``rtsafe``): a Newton step is taken when it stays inside the current bracket
    ``[lo, hi]`` and at least halves the step before last, a bisection otherwise, so
    every row converges even where plain Fisher scoring oscillates or stalls. A row whose
    function is exactly 0 is done.
    """
    m = start.shape[0]
    x = np.zeros(m)
    iterations = np.zeros(m, dtype=np.int64)
    f0, _ = f(np.zeros(m), np.arange(m))
    todo = active & (f0 > 0)
    converged = np.ones(m, dtype=bool)
    if not todo.any():
        return x, converged, iterations
    lo = np.zeros(m)
    hi = np.where(np.isfinite(start) & (start > 0), 2 * start, 1.0)
    growing = np.flatnonzero(todo)
    for _ in range(200):  # widen the bracket until f(hi) <= 0
        fh, _ = f(hi[growing], growing)
        growing = growing[fh > 0]
        if not growing.size:
            break
        lo[growing] = hi[growing]
        hi[growing] *= 4
    x = np.where(todo, np.clip(np.nan_to_num(start), lo, hi), 0.0)
    done = ~todo
    step_before_last = hi - lo
    last_step = hi - lo
    for _ in range(max_iter):
        rows = np.flatnonzero(~done)
        xr = x[rows]
        fx, slope = f(xr, rows)
        lo_r = np.where(fx > 0, xr, lo[rows])
        hi_r = np.where(fx <= 0, xr, hi[rows])
        with np.errstate(divide="ignore", invalid="ignore"):
            newton = xr - fx / slope
        ok = np.isfinite(newton) & (newton > lo_r) & (newton < hi_r)
        ok &= np.abs(newton - xr) <= 0.5 * step_before_last[rows]
        # an exact root stays put (a bisection would wander off and come back)
        new = np.where(fx == 0, xr, np.where(ok, newton, 0.5 * (lo_r + hi_r)))
        step = np.abs(new - xr)
        step_before_last[rows] = last_step[rows]
        last_step[rows] = step
        iterations[rows] += 1
        x[rows], lo[rows], hi[rows] = new, lo_r, hi_r
        done[rows] = (step <= tol * (1.0 + new)) | (hi_r - lo_r <= tol * (1.0 + new))
        if done.all():
            break
    converged = done
    return x, converged, iterations
