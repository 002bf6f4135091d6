"""Compare what ``sysreview pool FILE.rm5 --format json`` writes with RevMan's stored results.

Shared by ``tests/reference/test_revman_golden.py`` (the CLI half) and
``benchmarks/bench_pool_golden.py``. A record is the JSON object of one analysis (see
:mod:`sysreview.meta.export`); an outcome is what :func:`sysreview.revman.read_rm5`
reads, RevMan's own numbers included (:class:`~sysreview.revman.StoredPooled`).

Which analyses count: the golden tests compare the 482 outcomes of the 17 files that
have study rows and stored results (:func:`compared`). Of these, 451 are poolable
(:func:`poolable`); the other 31 are ``TOTALS="SUB"`` outcomes of a single study row
without subgroups, where RevMan pools nothing and shows the study alone (their study
rows are compared all the same). Totals are compared where ``TOTALS="YES"``; subtotals
and the test for subgroup differences wherever RevMan stored them.

Tolerances (the golden tests' own, in their module docstring): 1e-6 relative for
estimates, limits, z, Chi², tau², I² and weights (a value stored as an exact zero is
compared absolutely); p-values 1e-6 absolutely, since RevMan computes them as
``1 - cdf`` and stores tiny ones only to about 1e-15 absolutely (even negative). With
one study (0 df) RevMan stores Chi² as 0 or as rounding noise (``1.6E-31``, and then
I² = 100 and P = 0, artefacts of dividing noise by noise): Chi² is compared absolutely,
and I² and P(Chi²) only where the stored Chi² is exactly 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from sysreview.revman import Outcome, StoredPooled, read_rm5

REL = 1e-9
P_ABS = 1e-6
NOISE = 1e-12

Record = Mapping[str, Any]


def compared(outcome: Outcome) -> bool:
    """Whether the golden tests compare this outcome (it has study rows and results)."""
    return outcome.totals != "NO" and bool(outcome.studies) and outcome.stored is not None


def poolable(outcome: Outcome) -> bool:
    """Whether there is anything to pool: all compared outcomes but the ``TOTALS="SUB"``
    ones of a single study row without subgroups (see module doc)."""
    single = outcome.totals == "SUB" and not outcome.subgroups and len(outcome.studies) == 1
    return compared(outcome) and not single


def golden_outcomes(folder: Path) -> Iterator[tuple[Path, list[Outcome]]]:
    """Every ``.rm5`` file of ``folder`` with all its outcomes, in document order."""
    for path in sorted(folder.glob("*.rm5")):
        yield path, list(read_rm5(path).outcomes())


def close(ours: Any, theirs: float | None) -> bool:
    """``ours`` (a JSON number or null) against RevMan's value, at :data:`REL`."""
    if theirs is None:
        return True
    if ours is None:
        return False
    if theirs == 0.0 or abs(theirs) < NOISE:
        return abs(ours) <= REL
    return math.isclose(ours, theirs, rel_tol=REL)


def _p_close(ours: Any, theirs: float | None) -> bool:
    return theirs is None or (ours is not None and abs(ours - theirs) <= P_ABS)


def pooled_mismatches(rec: Record, stored: StoredPooled, random: bool, k: int) -> list[str]:
    """Fields of a pooled record (total or subgroup) that differ from RevMan's."""
    if k == 0:
        return [] if rec["k"] == 0 and rec["reason"] else [f"not estimable: ours {rec['k']}"]
    pairs = {
        "effect_size": (rec["estimate"], stored.effect_size),
        "ci_start": (rec["ci_low"], stored.ci_start),
        "ci_end": (rec["ci_high"], stored.ci_end),
        "z": (None if rec["statistic"] is None else abs(rec["statistic"]), stored.z),
    }
    if random:
        pairs["tau2"] = (rec["tau2"], stored.tau2)
    bad = [f"{n}: ours {a!r} RevMan {b!r}" for n, (a, b) in pairs.items() if not close(a, b)]
    if not _p_close(rec["p"], stored.p_z):
        bad.append(f"p_z: ours {rec['p']!r} RevMan {stored.p_z!r}")
    if stored.df is not None and rec["df"] != stored.df:
        bad.append(f"df: ours {rec['df']!r} RevMan {stored.df!r}")
    if rec["df"] > 0 or stored.chi2 == 0.0:
        if not close(rec["q"], stored.chi2):
            bad.append(f"chi2: ours {rec['q']!r} RevMan {stored.chi2!r}")
        if stored.i2 is not None and (rec["i2"] is None or abs(rec["i2"] - stored.i2) > REL * 100):
            bad.append(f"i2: ours {rec['i2']!r} RevMan {stored.i2!r}")
        if not _p_close(rec["p_q"], stored.p_chi2):
            bad.append(f"p_chi2: ours {rec['p_q']!r} RevMan {stored.p_chi2!r}")
    elif rec["q"] is None or abs(rec["q"]) > REL:  # 0 df: RevMan's Chi² is 0 or noise
        bad.append(f"chi2 (0 df): ours {rec['q']!r} RevMan {stored.chi2!r}")
    return bad


def study_mismatches(rec: Record, outcome: Outcome) -> list[str]:
    """Per-study estimability, estimates, CIs, SEs and weights that differ from RevMan's."""
    studies: Sequence[Record] = rec["studies"]
    if len(studies) != len(outcome.studies):
        return [f"{len(studies)} study rows, RevMan has {len(outcome.studies)}"]
    bad = []
    for ours, row in zip(studies, outcome.studies, strict=True):
        if ours["estimable"] != row.estimable:
            bad.append(f"{row.study_id}: estimable ours {ours['reason']!r} RevMan {row.estimable}")
            continue
        if not row.estimable or row.stored is None:
            continue
        checks = {
            "effect_size": (ours["estimate"], row.stored.effect_size),
            "ci_start": (ours["ci_low"], row.stored.ci_start),
            "ci_end": (ours["ci_high"], row.stored.ci_end),
        }
        if row.stored.se is not None:
            checks["se"] = (None if ours["vi"] is None else math.sqrt(ours["vi"]), row.stored.se)
        if outcome.totals == "YES" and row.stored.weight is not None:
            checks["weight"] = (ours["weight"], row.stored.weight)
        bad += [
            f"{row.study_id} {n}: ours {a!r} RevMan {b!r}"
            for n, (a, b) in checks.items()
            if not close(a, b)
        ]
    return bad


def mismatches(rec: Record, outcome: Outcome) -> list[str]:
    """Everything in ``rec`` that differs from what RevMan stored for ``outcome``."""
    bad = study_mismatches(rec, outcome)
    k = sum(row.estimable for row in outcome.studies)
    if rec["k"] != k:
        bad.append(f"k: ours {rec['k']} RevMan's estimable rows {k}")
    if outcome.totals == "YES" and outcome.stored is not None:
        bad += [f"total {b}" for b in pooled_mismatches(rec, outcome.stored, outcome.random, k)]
    subs: Sequence[Record] = rec["subgroups"]
    if len(subs) != len(outcome.subgroups):
        return [*bad, f"{len(subs)} subgroups, RevMan has {len(outcome.subgroups)}"]
    for ours, sub in zip(subs, outcome.subgroups, strict=True):
        if sub.stored is None:
            continue
        k_sub = sum(row.estimable for row in sub.studies)
        if (k_sub > 0) != sub.estimable:  # RevMan's own flag agrees with its rows
            bad.append(f"subgroup {sub.no}: RevMan estimable={sub.estimable} with {k_sub} rows")
        found = pooled_mismatches(ours, sub.stored, outcome.random, k_sub)
        bad += [f"subgroup {sub.no} {b}" for b in found]
    if outcome.subgroups and outcome.subgroup_test is not None:
        bad += _test_mismatches(rec["subgroup_test"], outcome.subgroup_test)
    return bad


def _test_mismatches(test: Record | None, stored: tuple[float, float, float]) -> list[str]:
    q, p_q, i2_q = stored
    if test is None:  # no estimable subgroup: RevMan stores Q = 0
        return [] if q == 0.0 else [f"subgroup test: none, RevMan {stored}"]
    i2_off = abs(test["i2"] - i2_q) > REL * 100
    if not close(test["q"], q) or not _p_close(test["p"], p_q) or i2_off:
        return [f"subgroup test: ours {dict(test)} RevMan {stored}"]
    return []


def kind(outcome: Outcome) -> str:
    """What an analysis exercises, for the benchmark's table."""
    k = sum(row.estimable for row in outcome.studies)
    if k == 0:
        return "no estimable study"
    if k == 1:
        return "one estimable study"
    if outcome.subgroups:
        return "subgroups"
    return "two or more studies"
