"""Invariants of pooling that must hold for any data (hypothesis property tests)."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from sysreview.effects import dichotomous_effects, generic_effects, mean_difference
from sysreview.meta import meta_analysis
from sysreview.vocab import Tau2Method

finite = st.floats(min_value=-5, max_value=5, allow_nan=False)
variance = st.floats(min_value=0.01, max_value=2.0, allow_nan=False)
studies = st.lists(st.tuples(finite, variance), min_size=2, max_size=25)
estimators = st.sampled_from([m.value for m in Tau2Method])
conventions = st.sampled_from(["revman", "metafor"])


def _generic(data: list[tuple[float, float]], convention: str = "revman"):
    y = np.array([d[0] for d in data])
    v = np.array([d[1] for d in data])
    return generic_effects(y, np.sqrt(v), convention=convention)


@settings(max_examples=150, deadline=None)
@given(studies, estimators, conventions)
def test_tau2_nonnegative_i2_bounded_and_converged(data, method, convention) -> None:
    res = meta_analysis(_generic(data, convention), tau2_method=method)
    assert res.tau2 >= 0
    assert 0 <= res.i2 <= 100
    assert res.converged
    assert res.ci_low <= res.estimate <= res.ci_high
    assert abs(np.nansum(res.weights) - 100) < 1e-9


@settings(max_examples=100, deadline=None)
@given(studies, estimators, st.randoms(use_true_random=False))
def test_order_of_studies_does_not_matter(data, method, rng) -> None:
    shuffled = list(data)
    rng.shuffle(shuffled)
    a = meta_analysis(_generic(data), tau2_method=method)
    b = meta_analysis(_generic(shuffled), tau2_method=method)
    assert np.isclose(a.estimate, b.estimate, rtol=1e-9, atol=1e-12)
    assert np.isclose(a.tau2, b.tau2, rtol=1e-7, atol=1e-12)
    assert np.isclose(a.q, b.q, rtol=1e-9, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(studies)
def test_random_equals_fixed_when_tau2_is_zero(data) -> None:
    es = _generic(data)
    rnd = meta_analysis(es, model="random")
    fix = meta_analysis(es, model="fixed")
    if rnd.tau2 == 0:
        assert np.isclose(rnd.estimate, fix.estimate, rtol=1e-12, atol=1e-15)
        assert np.isclose(rnd.se, fix.se, rtol=1e-12)
    assert fix.q == rnd.q


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.floats(-10, 10),
            st.floats(0.5, 5),
            st.integers(2, 200),
            st.floats(-10, 10),
            st.floats(0.5, 5),
            st.integers(2, 200),
        ),
        min_size=2,
        max_size=15,
    ),
    st.sampled_from(["MD", "SMD"]),
)
def test_swapping_arms_flips_the_sign(rows, measure) -> None:
    from sysreview.effects import standardized_mean_difference

    f = mean_difference if measure == "MD" else standardized_mean_difference
    cols = list(zip(*rows, strict=True))
    forward = meta_analysis(f(*cols))
    swapped = meta_analysis(f(cols[3], cols[4], cols[5], cols[0], cols[1], cols[2]))
    assert np.isclose(forward.estimate, -swapped.estimate, rtol=1e-9, atol=1e-12)
    assert np.isclose(forward.tau2, swapped.tau2, rtol=1e-9, atol=1e-12)


@settings(max_examples=100, deadline=None)
@given(
    st.lists(
        st.tuples(
            st.integers(0, 50), st.integers(50, 100), st.integers(0, 50), st.integers(50, 100)
        ),
        min_size=2,
        max_size=12,
    ),
    st.sampled_from(["RR", "OR", "RD"]),
    st.sampled_from(["MH", "IV"]),
)
def test_swapping_arms_inverts_ratio_measures(rows, measure, method) -> None:
    a, n1, c, n2 = (list(x) for x in zip(*rows, strict=True))
    fwd = dichotomous_effects(a, n1, c, n2, measure)
    rev = dichotomous_effects(c, n2, a, n1, measure)
    if fwd.estimable.sum() == 0:
        return
    f = meta_analysis(fwd, method=method)
    r = meta_analysis(rev, method=method)
    assert np.isclose(f.estimate, -r.estimate, rtol=1e-9, atol=1e-12)
