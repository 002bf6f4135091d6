"""Inter-rater agreement between two screeners: percent agreement, Cohen's kappa, Gwet's AC1.

Pure functions over decision labels (``"include"``, ``"exclude"``, ``"maybe"`` or any
strings). An item counts towards a pair's agreement only when both reviewers decided it;
items decided by just one of them are left out and counted in ``n_excluded``.

References
----------
Cohen J. A coefficient of agreement for nominal scales. Educ Psychol Meas 1960;20:37-46.

Fleiss JL, Cohen J, Everitt BS. Large sample standard errors of kappa and weighted kappa.
Psychol Bull 1969;72:323-327.

Gwet KL. Computing inter-rater reliability and its variance in the presence of high
agreement. Br J Math Stat Psychol 2008;61:29-48.

Gwet KL. Handbook of Inter-Rater Reliability, 4th ed. Advanced Analytics, 2014, ch. 2.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import TYPE_CHECKING, Any

from sysreview.errors import InputError
from sysreview.screening.agreement_stats import Interval, cohen_kappa, gwet_ac1

if TYPE_CHECKING:
    import pandas as pd

__all__ = ["Agreement", "PairwiseAgreement", "agreement", "pairwise_agreement"]


def _fmt(value: float | None, digits: int = 3) -> str:
    return "—" if value is None else f"{value:.{digits}f}"


def _nan_for_none(row: dict[str, Any]) -> dict[str, Any]:
    return {k: math.nan if v is None else v for k, v in row.items()}


def _fmt_ci(ci: Interval | None) -> str:
    return "" if ci is None else f" ({ci[0]:.3f} to {ci[1]:.3f})"


@dataclass(frozen=True)
class Agreement:
    """Agreement between two reviewers over the items both decided.

    Attributes
    ----------
    n
        Items decided by both reviewers (the items the statistics use).
    n_excluded
        Items left out because only one reviewer (or neither) decided them.
    categories
        The categories, in the order of the rows and columns of ``table``.
    table
        Confusion matrix: ``table[i][j]`` counts items reviewer a put in
        ``categories[i]`` and reviewer b in ``categories[j]``.
    percent_agreement
        Observed proportion of agreement ``p_o`` (a proportion in [0, 1]; the summary
        prints it as a percentage).
    kappa, kappa_se, kappa_ci
        Cohen's kappa, its asymptotic standard error (Fleiss, Cohen & Everitt 1969) and
        Wald interval at ``level``. ``None`` when undefined; ``notes`` says why.
    kappa_z, kappa_p
        Test of kappa = 0 with the standard error under the null hypothesis.
    ac1, ac1_se, ac1_ci
        Gwet's AC1, its standard error conditional on the two raters, and its interval.
    level
        Confidence level of the intervals, as a proportion.
    notes
        Why any statistic is ``None``, one sentence each.
    """

    n: int
    n_excluded: int
    categories: tuple[str, ...]
    table: tuple[tuple[int, ...], ...]
    percent_agreement: float
    kappa: float | None
    kappa_se: float | None
    kappa_ci: Interval | None
    kappa_z: float | None
    kappa_p: float | None
    ac1: float
    ac1_se: float | None
    ac1_ci: Interval | None
    level: float
    notes: tuple[str, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        """The statistics as a flat dict (unrounded; intervals split; ``None`` kept)."""
        lo_k, hi_k = self.kappa_ci if self.kappa_ci is not None else (None, None)
        lo_a, hi_a = self.ac1_ci if self.ac1_ci is not None else (None, None)
        return {
            "n": self.n,
            "n_excluded": self.n_excluded,
            "percent_agreement": self.percent_agreement,
            "kappa": self.kappa,
            "kappa_se": self.kappa_se,
            "kappa_ci_lb": lo_k,
            "kappa_ci_ub": hi_k,
            "kappa_z": self.kappa_z,
            "kappa_p": self.kappa_p,
            "ac1": self.ac1,
            "ac1_se": self.ac1_se,
            "ac1_ci_lb": lo_a,
            "ac1_ci_ub": hi_a,
            "level": self.level,
            "notes": "; ".join(self.notes),
        }

    def to_frame(self) -> pd.DataFrame:
        """One tidy row of unrounded statistics (``None`` becomes NaN)."""
        import pandas as pd

        return pd.DataFrame([_nan_for_none(self.to_dict())])

    def summary(self) -> str:
        """The agreement as formatted text."""
        pct = f"{100 * self.level:g}%"
        lines = [
            f"Agreement over {self.n} items decided by both reviewers"
            f" ({self.n_excluded} decided by one only, left out)",
            f"  Percent agreement  {100 * self.percent_agreement:.1f}%",
            f"  Cohen's kappa      {_fmt(self.kappa)}"
            f"{_fmt_ci(self.kappa_ci)}"
            + ("" if self.kappa_p is None else f"  p = {self.kappa_p:.3g}"),
            f"  Gwet's AC1         {_fmt(self.ac1)}{_fmt_ci(self.ac1_ci)}",
            f"  (intervals: {pct})",
        ]
        lines += [f"  Note: {note}" for note in self.notes]
        return "\n".join(lines)


def agreement(
    a: Sequence[str | None],
    b: Sequence[str | None],
    *,
    categories: Sequence[str] | None = None,
    level: float = 0.95,
) -> Agreement:
    """Agreement between reviewers ``a`` and ``b`` who decided the same list of items.

    Parameters
    ----------
    a, b
        Decisions per item, aligned (``a[i]`` and ``b[i]`` are about item ``i``). ``None``
        marks an item that reviewer did not decide; such items are left out and counted.
    categories
        All possible decisions, in table order. Defaults to the decisions seen, sorted.
        AC1 depends on the number of categories, so pass them when one was never used.
    level
        Confidence level of the intervals, strictly between 0 and 1.

    Returns
    -------
    Agreement

    Raises
    ------
    InputError
        Empty input, lengths that differ, no item decided by both, a decision outside
        ``categories``, or ``level`` outside (0, 1).

    Notes
    -----
    With ``p_ij`` the proportion of the ``n`` items that ``a`` put in category ``i`` and
    ``b`` in ``j`` and margins ``p_i.``, ``p_.j``: ``p_o = sum_i p_ii``,
    ``p_e = sum_i p_i. p_.i`` and ``kappa = (p_o - p_e) / (1 - p_e)`` (Cohen 1960).

    The asymptotic variance of kappa (Fleiss, Cohen & Everitt 1969, eq. 13) is
    ``[sum_i p_ii (1 - (p_i. + p_.i)(1 - kappa))^2 + (1 - kappa)^2 sum_{i != j} p_ij
    (p_.i + p_j.)^2 - (kappa - p_e (1 - kappa))^2] / (n (1 - p_e)^2)``; the interval is
    ``kappa ± z se`` clipped to [-1, 1]. Under kappa = 0 (their eq. 14) the variance is
    ``[p_e + p_e^2 - sum_i p_i. p_.i (p_i. + p_.i)] / (n (1 - p_e)^2)``, giving ``z`` and
    the two-sided normal p-value.

    Gwet's AC1 (Gwet 2008, eq. 17) uses ``pi_k = (p_k. + p_.k)/2`` and
    ``p_e = sum_k pi_k (1 - pi_k) / (q - 1)``: ``AC1 = (p_o - p_e)/(1 - p_e)``. Its
    variance, conditional on the two raters (Gwet 2014, ch. 2; irrCAC ``gwet.ac1.raw``
    with no finite-population correction), is the sample variance over items of
    ``(delta_i - 2 (1 - AC1) pe_i) / (1 - p_e)`` divided by ``n``, where ``delta_i`` is 1
    when the reviewers agree on item ``i`` and ``pe_i = (1 - (pi_k + pi_l)/2)/(q - 1)``
    for its categories ``k, l``. The interval uses Student's t with ``n - 1`` degrees of
    freedom and is clipped to [-1, 1] (irrCAC caps only the upper bound).

    When both reviewers used one and the same category for every item, ``p_e = 1`` and
    kappa is 0/0: it is reported as ``None`` with a note, while AC1 is 1 (its ``p_e`` is
    0 when more categories are declared; with a single category, 1 by convention).

    Examples
    --------
    >>> r = agreement(["include", "exclude", "exclude", "include", None],
    ...               ["include", "exclude", "include", "include", "exclude"])
    >>> r.n, r.n_excluded, r.table
    (4, 1, ((1, 1), (0, 2)))
    >>> round(r.percent_agreement, 2), round(r.kappa, 4), round(r.ac1, 4)
    (0.75, 0.5, 0.5294)
    >>> agreement(["exclude"] * 3, ["exclude"] * 3).kappa is None
    True
    """
    if not 0 < level < 1:
        raise InputError(f"Invalid level {level!r}; must be strictly between 0 and 1")
    a, b = list(a), list(b)
    if not a and not b:
        raise InputError("no decisions: agreement needs at least one item")
    if len(a) != len(b):
        raise InputError(f"decisions differ in length: {len(a)} from a, {len(b)} from b")
    pairs = [(x, y) for x, y in zip(a, b, strict=True) if x is not None and y is not None]
    if not pairs:
        raise InputError("no item was decided by both reviewers")
    seen = {x for pair in pairs for x in pair}
    if categories is None:
        cats = tuple(sorted(seen))
    else:
        cats = tuple(categories)
        if len(set(cats)) != len(cats):
            raise InputError(f"categories repeat a label: {list(cats)}")
        unknown = sorted(seen - set(cats))
        if unknown:
            raise InputError(f"decisions {unknown} are not among categories {list(cats)}")
    index = {c: i for i, c in enumerate(cats)}
    counts = [[0] * len(cats) for _ in cats]
    for x, y in pairs:
        counts[index[x]][index[y]] += 1
    n = len(pairs)
    p = [[c / n for c in row] for row in counts]
    kap, kappa_notes = cohen_kappa(p, n, level)
    ac1, ac1_se, ac1_ci, ac1_notes = gwet_ac1(p, n, level)
    return Agreement(
        n=n,
        n_excluded=len(a) - n,
        categories=cats,
        table=tuple(tuple(row) for row in counts),
        percent_agreement=sum(counts[i][i] for i in range(len(cats))) / n,
        ac1=ac1,
        ac1_se=ac1_se,
        ac1_ci=ac1_ci,
        level=level,
        notes=tuple(kappa_notes + ac1_notes),
        **kap,
    )


def _sorted(values: Iterable[Hashable]) -> list[Hashable]:
    items = list(values)
    try:
        return sorted(items)  # type: ignore[type-var]
    except TypeError:
        return sorted(items, key=str)


@dataclass(frozen=True)
class PairwiseAgreement:
    """Agreement for every pair of reviewers who decided at least one item in common.

    Attributes
    ----------
    pairs
        ``((reviewer_a, reviewer_b), Agreement)`` for each pair, names sorted within and
        across pairs.
    no_overlap
        Pairs of reviewers who share no item; they have no agreement to report.
    """

    pairs: tuple[tuple[tuple[Hashable, Hashable], Agreement], ...]
    no_overlap: tuple[tuple[Hashable, Hashable], ...] = ()

    def to_frame(self) -> pd.DataFrame:
        """One tidy row per pair: ``reviewer_a``, ``reviewer_b`` and the statistics."""
        import pandas as pd

        rows = [
            {"reviewer_a": ra, "reviewer_b": rb, **_nan_for_none(result.to_dict())}
            for (ra, rb), result in self.pairs
        ]
        return pd.DataFrame(rows)

    def summary(self) -> str:
        """One line per pair, then the pairs without common items."""
        lines = ["Pairwise agreement (n = items decided by both)"]
        for (ra, rb), r in self.pairs:
            lines.append(
                f"  {ra} vs {rb}: n = {r.n}, agreement {100 * r.percent_agreement:.1f}%,"
                f" kappa {_fmt(r.kappa)}, AC1 {_fmt(r.ac1)}"
                f" ({r.n_excluded} decided by one only)"
            )
        lines += [f"  {ra} vs {rb}: no item in common" for ra, rb in self.no_overlap]
        return "\n".join(lines)


def pairwise_agreement(
    decisions: Iterable[tuple[Hashable, Hashable, str]],
    *,
    categories: Sequence[str] | None = None,
    level: float = 0.95,
) -> PairwiseAgreement:
    """Agreement between every pair of reviewers from ``(item, reviewer, decision)`` rows.

    Parameters
    ----------
    decisions
        One row per item and reviewer: the caller has already kept only the latest
        decision of each reviewer on each item; a repeated item and reviewer raises.
    categories
        All possible decisions; defaults to every decision seen (so every pair uses the
        same categories, which AC1 depends on).
    level
        Confidence level of the intervals.

    Returns
    -------
    PairwiseAgreement

    Notes
    -----
    Each pair is computed by :func:`agreement` over the items either reviewer decided;
    items only one of them decided are counted in that pair's ``n_excluded``.

    Examples
    --------
    >>> rows = [(1, "ann", "include"), (1, "bob", "include"), (2, "ann", "exclude"),
    ...         (2, "bob", "exclude"), (3, "ann", "exclude"), (3, "bob", "include"),
    ...         (4, "ann", "exclude"), (4, "cy", "exclude")]
    >>> print(pairwise_agreement(rows).summary())
    Pairwise agreement (n = items decided by both)
      ann vs bob: n = 3, agreement 66.7%, kappa 0.400, AC1 0.333 (1 decided by one only)
      ann vs cy: n = 1, agreement 100.0%, kappa —, AC1 1.000 (3 decided by one only)
      bob vs cy: no item in common
    """
    by_reviewer: dict[Hashable, dict[Hashable, str]] = {}
    for row in decisions:
        item, reviewer, decision = row
        made = by_reviewer.setdefault(reviewer, {})
        if item in made:
            raise InputError(
                f"reviewer {reviewer!r} has more than one decision on item {item!r};"
                " keep only the latest"
            )
        made[item] = decision
    if not by_reviewer:
        raise InputError("no decisions: pairwise agreement needs at least one row")
    if categories is None:
        categories = sorted({d for made in by_reviewer.values() for d in made.values()})
    pairs = []
    no_overlap = []
    for ra, rb in combinations(_sorted(by_reviewer), 2):
        da, db = by_reviewer[ra], by_reviewer[rb]
        if not da.keys() & db.keys():
            no_overlap.append((ra, rb))
            continue
        items = _sorted(da.keys() | db.keys())
        result = agreement(
            [da.get(i) for i in items],
            [db.get(i) for i in items],
            categories=categories,
            level=level,
        )
        pairs.append(((ra, rb), result))
    return PairwiseAgreement(pairs=tuple(pairs), no_overlap=tuple(no_overlap))
