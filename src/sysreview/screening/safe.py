"""The SAFE procedure: a conservative mix of stopping heuristics (Boetje & van de Schoot 2024).

Boetje J, van de Schoot R. The SAFE procedure: a practical stopping heuristic for active
learning-based screening in systematic reviews and meta-analyses. Systematic Reviews
2024;13:81 (doi 10.1186/s13643-024-02502-7). Four phases:

S  Screen a random set of records for training data; its rate of relevant records gives
   an estimate of how many relevant records there are in all.
A  Apply active learning; stop this phase when **all** of these hold: (1) every key paper
   the team named in advance has been found; (2) at least twice the estimated number of
   relevant records have been screened; (3) at least 10% of the records have been
   screened; (4) the last 50 records screened were irrelevant.
F  Find more relevant records with a different model: retrain a second model on every
   decision so far and screen its ranking until, again, 50 irrelevant records in a row.
E  Evaluate quality: a second screener checks a sample of the records screened (the paper
   names the top-ranked excluded records and citation chasing of the included ones).

:func:`safe_check` evaluates the criteria of phases A and F for one screening history; it
is pure (no model is run here) and never excludes a record. SAFE is a heuristic without a
statistical guarantee; ``benchmarks/SCREENING.md`` measures how it behaves on the SYNERGY
reviews.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
import pandas as pd

from sysreview.errors import InputError

__all__ = ["SafeCheck", "SafeCriterion", "estimated_relevant", "safe_check"]


@dataclass(frozen=True)
class SafeCriterion:
    """One condition of a SAFE phase: its name, whether it holds, and the numbers behind it."""

    name: str
    met: bool
    detail: str


@dataclass(frozen=True)
class SafeCheck:
    """The SAFE criteria at one moment of screening.

    Attributes
    ----------
    phase
        ``"A"`` (active learning with the first model) or ``"F"`` (after switching to a
        second model).
    criteria
        The phase's conditions.
    n_total, n_screened, n_relevant
        Records in total, screened, and found relevant.
    """

    phase: str
    criteria: tuple[SafeCriterion, ...]
    n_total: int
    n_screened: int
    n_relevant: int

    @property
    def met(self) -> bool:
        """True when every criterion of the phase holds."""
        return all(c.met for c in self.criteria)

    @property
    def advice(self) -> str:
        """What SAFE says to do next."""
        if not self.met:
            return "keep screening"
        if self.phase == "A":
            return "switch to a different model (phase F)"
        return "stop screening; evaluate quality (phase E)"

    def to_frame(self) -> pd.DataFrame:
        """One row per criterion: ``phase``, ``criterion``, ``met``, ``detail``."""
        return pd.DataFrame(
            {
                "phase": [self.phase] * len(self.criteria),
                "criterion": [c.name for c in self.criteria],
                "met": [c.met for c in self.criteria],
                "detail": [c.detail for c in self.criteria],
            }
        )

    def summary(self) -> str:
        """Formatted text.

        Examples
        --------
        >>> print(safe_check([1] * 5 + [0] * 95, 1000, random_set=[0] * 9 + [1]).summary())
        SAFE phase A (Boetje & van de Schoot 2024): keep screening.
          [--] twice the estimated relevant records screened: 100 screened, estimate 100 relevant (1 of 10 in the random set)
          [ok] at least 10% screened: 100 of 1000 (10.0%), need 100
          [ok] the last 50 screened irrelevant: 95 in a row
        """  # noqa: E501
        marks = {True: "[ok]", False: "[--]"}
        lines = [f"SAFE phase {self.phase} (Boetje & van de Schoot 2024): {self.advice}."]
        lines += [f"  {marks[c.met]} {c.name}: {c.detail}" for c in self.criteria]
        return "\n".join(lines)


def estimated_relevant(random_set: Sequence[int], n_total: int) -> float:
    """Relevant records expected in all ``n_total``, from a random set's labels.

    ``n_total * k / n`` for ``k`` relevant among ``n`` randomly drawn records (phase S).

    Examples
    --------
    >>> estimated_relevant([0, 0, 1, 0], 1000)
    250.0
    """
    y = np.asarray(list(random_set), dtype=np.int64)
    if y.size == 0:
        raise InputError("the random set is empty; SAFE's estimate needs phase S")
    if not np.isin(y, (0, 1)).all():
        raise InputError("random set labels must be 0 or 1")
    return float(n_total * y.sum() / y.size)


def _run_of_irrelevant(y: np.ndarray) -> int:
    ones = np.flatnonzero(y == 1)
    return int(y.size if ones.size == 0 else y.size - 1 - ones[-1])


def safe_check(
    screened: Sequence[int],
    n_total: int,
    *,
    random_set: Sequence[int],
    key_papers_found: bool | None = None,
    switched_at: int | None = None,
    run_length: int = 50,
    min_fraction: float = 0.10,
    multiple: float = 2.0,
) -> SafeCheck:
    """Evaluate SAFE's stopping criteria (phase A, or phase F after a model switch).

    Parameters
    ----------
    screened
        Labels (1/0) of every record screened, in screening order (the random set first).
    n_total
        Records in total.
    random_set
        Labels of the random set of phase S (the records screened at random for training).
    key_papers_found
        Whether every key paper named in advance has been found (None: none were named).
    switched_at
        Records screened when the team switched to the second model (phase F); None while
        still in phase A.
    run_length, min_fraction, multiple
        SAFE's numbers: 50 irrelevant records in a row, 10% screened, twice the estimate.

    Notes
    -----
    Boetje & van de Schoot (2024), Syst Rev 13:81, phases A and F (see the module text).
    Phase F counts only irrelevant records screened since the switch.

    Examples
    --------
    >>> check = safe_check([1] * 5 + [0] * 95, 1000, random_set=[0] * 19 + [1],
    ...                    switched_at=60)
    >>> check.phase, check.met, check.advice
    ('F', False, 'keep screening')
    """
    y = np.asarray(list(screened), dtype=np.int64)
    if y.size and not np.isin(y, (0, 1)).all():
        raise InputError("screened labels must be 0 or 1, in the order screened")
    if n_total < y.size:
        raise InputError(f"n_total ({n_total}) is smaller than the {y.size} records screened")
    if run_length < 1 or not 0 <= min_fraction <= 1 or multiple < 0:
        raise InputError("run_length must be >= 1, min_fraction in [0, 1], multiple >= 0")
    if switched_at is not None:
        if not 0 <= switched_at <= y.size:
            raise InputError(f"switched_at must be between 0 and {y.size}, got {switched_at}")
        run = _run_of_irrelevant(y[switched_at:])
        criteria = (
            SafeCriterion(
                f"the last {run_length} screened with the second model irrelevant",
                run >= run_length,
                f"{run} in a row since the switch after {switched_at} records",
            ),
        )
        return SafeCheck("F", criteria, n_total, int(y.size), int(y.sum()))
    estimate = estimated_relevant(random_set, n_total)
    k = int(np.sum(random_set))
    need = math.ceil(min_fraction * n_total - 1e-9)
    run = _run_of_irrelevant(y)
    items: list[SafeCriterion] = []
    if key_papers_found is not None:
        items.append(
            SafeCriterion("every key paper found", key_papers_found, "as recorded by the team")
        )
    items += [
        SafeCriterion(
            "twice the estimated relevant records screened",
            y.size >= multiple * estimate,
            f"{y.size} screened, estimate {estimate:.0f} relevant ({k} of "
            f"{len(random_set)} in the random set)",
        ),
        SafeCriterion(
            f"at least {min_fraction:.0%} screened",
            y.size >= need,
            f"{y.size} of {n_total} ({y.size / n_total:.1%}), need {need}",
        ),
        SafeCriterion(
            f"the last {run_length} screened irrelevant",
            run >= run_length,
            f"{run} in a row",
        ),
    ]
    return SafeCheck("A", tuple(items), n_total, int(y.size), int(y.sum()))
