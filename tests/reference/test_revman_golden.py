"""Every analysis stored in RevMan 5 files, recomputed and compared number for number.

The ``.rm5`` files in ``../shared/golden/revman/`` hold RevMan's own results as Java
doubles. We compare estimates, CIs, Z, Chi², df, I², tau², study weights and the
test for subgroup differences to 1e-6 relative (a value that is stored as an exact
zero is compared absolutely). P-values are compared to 1e-6 absolutely: RevMan
computes them as ``1 - cdf`` in double precision, so tiny ones are only accurate to
about 1e-15 absolutely and can even be stored negative (e.g. ``-1.55E-15``).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from sysreview.effects import (
    EffectSizes,
    dichotomous_effects,
    generic_effects,
    mean_difference,
    standardized_mean_difference,
)
from sysreview.errors import TooFewStudiesError
from sysreview.meta import MetaAnalysis, meta_analysis
from sysreview.revman import Outcome, StoredPooled, read_rm5
from tests.conftest import SHARED, shared_path

REL = 1e-6
P_ABS = 1e-6
GOLDEN = SHARED / "golden" / "revman"


def effects_for(o: Outcome) -> EffectSizes:
    """The outcome's study data as effect sizes, RevMan convention."""
    st = o.studies
    names = [s.study_id for s in st]
    if o.data_type == "CONT":
        f = mean_difference if o.measure == "MD" else standardized_mean_difference
        return f(
            [s.mean_1 for s in st],
            [s.sd_1 for s in st],
            [s.total_1 for s in st],
            [s.mean_2 for s in st],
            [s.sd_2 for s in st],
            [s.total_2 for s in st],
            studies=names,
        )
    if o.data_type == "DICH":
        return dichotomous_effects(
            [s.events_1 for s in st],
            [s.total_1 for s in st],
            [s.events_2 for s in st],
            [s.total_2 for s in st],
            o.measure,
            studies=names,
        )
    return generic_effects(
        [s.estimate for s in st], [s.se_input for s in st], log_scale=o.log_data, studies=names
    )


def analyse(o: Outcome) -> MetaAnalysis:
    subgroups = [str(s.subgroup_no) for s in o.studies] if o.subgroups else None
    return meta_analysis(
        effects_for(o),
        method=o.method,
        model="random" if o.random else "fixed",
        level=o.ci_total,
        subgroups=subgroups,
    )


def close(ours: float, theirs: float | None) -> bool:
    if theirs is None:
        return True
    if theirs == 0.0 or abs(theirs) < 1e-12:
        return abs(ours) <= REL
    return math.isclose(ours, theirs, rel_tol=REL)


def mismatches(res: MetaAnalysis, stored: StoredPooled, random: bool) -> list[str]:
    """Names of the pooled fields that differ from RevMan's."""
    pairs = {
        "effect_size": (res.display(res.estimate), stored.effect_size),
        "ci_start": (res.display(res.ci_low), stored.ci_start),
        "ci_end": (res.display(res.ci_high), stored.ci_end),
        "z": (abs(res.statistic), stored.z),
    }
    bad = [f"{n}: ours {a!r} RevMan {b!r}" for n, (a, b) in pairs.items() if not close(a, b)]
    if stored.p_z is not None and abs(res.p - stored.p_z) > P_ABS:
        bad.append(f"p_z: ours {res.p!r} RevMan {stored.p_z!r}")
    if res.df > 0:
        het = {"chi2": (res.q, stored.chi2), "df": (float(res.df), stored.df)}
        if random:
            het["tau2"] = (res.tau2, stored.tau2)
        bad += [f"{n}: ours {a!r} RevMan {b!r}" for n, (a, b) in het.items() if not close(a, b)]
        if stored.i2 is not None and abs(res.i2 - stored.i2) > REL * 100:
            bad.append(f"i2: ours {res.i2!r} RevMan {stored.i2!r}")
        if stored.p_chi2 is not None and abs(res.p_q - stored.p_chi2) > P_ABS:
            bad.append(f"p_chi2: ours {res.p_q!r} RevMan {stored.p_chi2!r}")
    return bad


def study_mismatches(o: Outcome, res: MetaAnalysis) -> list[str]:
    """Per-study estimates, CIs, SEs and weights that differ from RevMan's."""
    low, high = res.effects.ci(res.level)
    bad = []
    for i, row in enumerate(o.studies):
        if (res.effects.reasons[i] is None) != row.estimable:
            bad.append(
                f"{row.study_id}: estimable ours {res.effects.reasons[i]!r} RevMan {row.estimable}"
            )
            continue
        if not row.estimable or row.stored is None:
            continue
        checks = {
            "effect_size": (res.display(res.effects.yi[i]), row.stored.effect_size),
            "ci_start": (res.display(low[i]), row.stored.ci_start),
            "ci_end": (res.display(high[i]), row.stored.ci_end),
        }
        if row.stored.se is not None:
            checks["se"] = (float(res.effects.sei[i]), row.stored.se)
        if o.totals == "YES" and row.stored.weight is not None:
            checks["weight"] = (float(res.weights[i]), row.stored.weight)
        bad += [
            f"{row.study_id} {n}: ours {a!r} RevMan {b!r}"
            for n, (a, b) in checks.items()
            if not close(a, b)
        ]
    return bad


def golden_outcomes() -> Iterator[tuple[str, Outcome]]:
    if not GOLDEN.exists():
        return
    for path in sorted(GOLDEN.glob("*.rm5")):
        for o in read_rm5(path).outcomes():
            if o.totals != "NO" and o.studies and o.stored is not None:
                yield path.name, o


CASES = list(golden_outcomes())


@pytest.fixture(autouse=True)
def _needs_shared() -> None:
    shared_path("golden", "revman")


def test_golden_corpus_is_complete() -> None:
    """The corpus holds what the issue promises: 17 files, ~450 comparable analyses."""
    assert len(list(Path(GOLDEN).glob("*.rm5"))) == 17
    assert len(CASES) == 482


@pytest.mark.parametrize(("name", "outcome"), CASES, ids=[f"{n}:{o.id}" for n, o in CASES])
def test_revman_analysis(name: str, outcome: Outcome) -> None:
    if not any(row.estimable for row in outcome.studies):
        with pytest.raises(TooFewStudiesError):
            analyse(outcome)
        return
    res = analyse(outcome)
    bad = study_mismatches(outcome, res)
    if outcome.totals == "YES" and outcome.estimable:
        bad += mismatches(res, outcome.stored, outcome.random) if outcome.stored else []
    for sub_res, sub in zip(res.subgroups, outcome.subgroups, strict=True):
        if sub.stored is not None and sub.estimable and sub_res.k > 0:
            bad += [
                f"subgroup {sub.no} {b}" for b in mismatches(sub_res, sub.stored, outcome.random)
            ]
    if outcome.totals == "YES" and outcome.subgroups and outcome.subgroup_test is not None:
        q, p_q, i2_q = outcome.subgroup_test
        test = res.subgroup_test
        if test is None:  # fewer than two estimable subgroups: RevMan stores Q = 0
            assert q == 0.0, f"RevMan tested subgroups ({q}) where we could not"
        elif not close(test.q, q) or abs(test.p - p_q) > P_ABS or abs(test.i2 - i2_q) > REL * 100:
            bad.append(f"subgroup test: ours {test} RevMan {(q, p_q, i2_q)}")
    assert not bad, f"{name} {outcome.id} {outcome.name!r}:\n" + "\n".join(bad)


def test_every_measure_and_method_is_covered() -> None:
    kinds = {(o.data_type, o.measure, o.method, o.random) for _, o in CASES}
    assert {("CONT", "MD", "IV", True), ("CONT", "SMD", "IV", True)} <= kinds
    assert {
        ("DICH", "RR", "MH", True),
        ("DICH", "OR", "MH", False),
        ("DICH", "RD", "MH", False),
    } <= kinds
    assert {("DICH", "RR", "IV", True), ("IV", "GIV", "IV", True)} <= kinds
    assert any(o.log_data for _, o in CASES if o.data_type == "IV")
    assert np.sum([bool(o.subgroups) for _, o in CASES]) > 50
