"""Edge cases, pairwise agreement and invariants of sysreview.screening.interrater."""

from __future__ import annotations

import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from sysreview.errors import InputError
from sysreview.screening import Agreement, PairwiseAgreement, agreement, pairwise_agreement

LABELS = ("include", "exclude", "maybe")


def test_perfect_agreement_both_categories_gives_kappa_one() -> None:
    """The seed review reports 100% agreement: kappa 1 when both categories occur."""
    r = agreement(["include"] * 3 + ["exclude"] * 7, ["include"] * 3 + ["exclude"] * 7)
    assert (r.percent_agreement, r.kappa, r.ac1) == (1.0, 1.0, 1.0)
    assert r.kappa_se == pytest.approx(0.0, abs=1e-15)
    assert r.kappa_ci == pytest.approx((1.0, 1.0))
    assert r.ac1_se == pytest.approx(0.0, abs=1e-15)
    assert r.notes == ()


@pytest.mark.parametrize("categories", [None, ("include", "exclude")])
def test_single_category_kappa_undefined_ac1_one(categories: tuple[str, ...] | None) -> None:
    r = agreement(["exclude"] * 5, ["exclude"] * 5, categories=categories)
    assert r.kappa is None and r.kappa_se is None and r.kappa_ci is None
    assert r.kappa_z is None and r.kappa_p is None
    assert r.ac1 == 1.0 and r.ac1_se == 0.0 and r.ac1_ci == (1.0, 1.0)
    assert any("kappa is undefined" in note for note in r.notes)
    assert "kappa is undefined" in r.summary()
    assert math.isnan(r.to_frame()["kappa"].iloc[0])


def test_one_reviewer_single_category_has_kappa_but_no_z() -> None:
    r = agreement(["exclude"] * 4, ["exclude", "exclude", "include", "exclude"])
    assert r.kappa == 0.0
    assert r.kappa_se is not None
    assert r.kappa_z is None and r.kappa_p is None
    assert any("no z test" in note for note in r.notes)


def test_unpaired_items_are_left_out_and_counted() -> None:
    r = agreement(["include", None, "exclude", "exclude"], ["include", "exclude", None, "exclude"])
    assert (r.n, r.n_excluded) == (2, 2)
    assert "2 decided by one only" in r.summary()


def test_declared_categories_fix_table_order_and_size() -> None:
    r = agreement(["include", "exclude"], ["include", "include"], categories=LABELS)
    assert r.categories == LABELS
    assert r.table == ((1, 0, 0), (1, 0, 0), (0, 0, 0))


@pytest.mark.parametrize(
    ("a", "b", "kwargs", "message"),
    [
        ([], [], {}, "no decisions"),
        (["include"], ["include", "exclude"], {}, "differ in length"),
        ([None, "include"], ["exclude", None], {}, "decided by both"),
        (["include"], ["exclude"], {"categories": ("include",)}, "not among categories"),
        (["include"], ["include"], {"categories": ("include", "include")}, "repeat"),
        (["include"], ["include"], {"level": 95}, "Invalid level"),
    ],
)
def test_invalid_input_raises(a: list[str], b: list[str], kwargs: dict[str, object],
                              message: str) -> None:  # fmt: skip
    with pytest.raises(InputError, match=message):
        agreement(a, b, **kwargs)  # type: ignore[arg-type]


def test_single_item_has_no_ac1_se() -> None:
    r = agreement(["include"], ["exclude"])
    assert r.ac1 == -1.0 and r.ac1_se is None and r.ac1_ci is None
    assert any("single item" in note for note in r.notes)


def test_to_frame_is_one_unrounded_row() -> None:
    r = agreement(["include", "exclude", "exclude"], ["include", "include", "exclude"])
    frame = r.to_frame()
    assert len(frame) == 1
    assert frame["kappa"].iloc[0] == r.kappa
    assert frame["ac1_ci_ub"].iloc[0] == pytest.approx(r.ac1_ci[1] if r.ac1_ci else None)


def test_pairwise_sorted_pairs_and_overlap() -> None:
    rows = [
        ("r1", "zoe", "include"), ("r1", "amy", "include"), ("r2", "zoe", "exclude"),
        ("r2", "amy", "include"), ("r3", "amy", "exclude"), ("r3", "bea", "exclude"),
        ("r4", "zoe", "maybe"),
    ]  # fmt: skip
    result = pairwise_agreement(rows)
    assert isinstance(result, PairwiseAgreement)
    assert [pair for pair, _ in result.pairs] == [("amy", "bea"), ("amy", "zoe")]
    assert result.no_overlap == (("bea", "zoe"),)
    amy_zoe = dict(result.pairs)[("amy", "zoe")]
    assert (amy_zoe.n, amy_zoe.n_excluded) == (2, 2)
    assert amy_zoe.categories == ("exclude", "include", "maybe")
    frame = result.to_frame()
    assert list(frame[["reviewer_a", "reviewer_b"]].itertuples(index=False, name=None)) == [
        ("amy", "bea"), ("amy", "zoe"),
    ]  # fmt: skip
    assert "bea vs zoe: no item in common" in result.summary()


def test_pairwise_sorts_integer_reviewers_numerically() -> None:
    rows = [(1, 10, "include"), (1, 9, "include"), (2, 10, "exclude"), (2, 9, "exclude")]
    assert [pair for pair, _ in pairwise_agreement(rows).pairs] == [(9, 10)]


def test_pairwise_rejects_repeated_decisions_and_empty_input() -> None:
    with pytest.raises(InputError, match="more than one decision"):
        pairwise_agreement([(1, "a", "include"), (1, "a", "exclude")])
    with pytest.raises(InputError, match="no decisions"):
        pairwise_agreement([])


# ---------------------------------------------------------------------------------------
# invariants
# ---------------------------------------------------------------------------------------
pairs_strategy = st.lists(
    st.tuples(st.sampled_from(LABELS), st.sampled_from(LABELS)), min_size=1, max_size=60
)


def _split(pairs: list[tuple[str, str]]) -> tuple[list[str], list[str]]:
    return [a for a, _ in pairs], [b for _, b in pairs]


def _close(x: float | None, y: float | None) -> bool:
    # abs_tol: a standard error is the square root of a variance, so where the exact
    # variance is 0 its rounding error (~1e-16) becomes ~1e-8 in the SE, and relabelling
    # the categories changes the order of the sums that give it
    if x is None or y is None:
        return x is y
    return math.isclose(x, y, rel_tol=1e-12, abs_tol=1e-7)


@given(pairs_strategy)
def test_symmetric_in_reviewers(pairs: list[tuple[str, str]]) -> None:
    a, b = _split(pairs)
    r, s = agreement(a, b, categories=LABELS), agreement(b, a, categories=LABELS)
    for name in ("percent_agreement", "kappa", "kappa_se", "kappa_z", "kappa_p", "ac1",
                 "ac1_se"):  # fmt: skip
        assert _close(getattr(r, name), getattr(s, name)), name
    assert s.table == tuple(zip(*r.table, strict=True))


@given(pairs_strategy)
def test_bounds(pairs: list[tuple[str, str]]) -> None:
    r = agreement(*_split(pairs), categories=LABELS)
    assert 0.0 <= r.percent_agreement <= 1.0
    assert r.kappa is None or -1.0 - 1e-12 <= r.kappa <= 1.0 + 1e-12
    assert -1.0 - 1e-12 <= r.ac1 <= 1.0 + 1e-12
    for ci in (r.kappa_ci, r.ac1_ci):
        assert ci is None or -1.0 <= ci[0] <= ci[1] <= 1.0
    for se in (r.kappa_se, r.ac1_se):
        assert se is None or se >= 0.0
    assert (r.kappa is None) == (r.kappa_se is None)
    assert all(note for note in r.notes)


@given(pairs_strategy, st.permutations(LABELS))
def test_invariant_to_relabelling(pairs: list[tuple[str, str]], perm: list[str]) -> None:
    a, b = _split(pairs)
    rename = dict(zip(LABELS, ["c-" + p for p in perm], strict=True))
    r = agreement(a, b, categories=LABELS)
    s = agreement([rename[x] for x in a], [rename[x] for x in b],
                  categories=sorted(rename.values()))  # fmt: skip
    for name in ("percent_agreement", "kappa", "kappa_se", "kappa_p", "ac1", "ac1_se"):
        assert _close(getattr(r, name), getattr(s, name)), name


@given(pairs_strategy, st.randoms(use_true_random=False))
def test_invariant_to_item_order(pairs: list[tuple[str, str]], rnd: object) -> None:
    shuffled = list(pairs)
    rnd.shuffle(shuffled)  # type: ignore[attr-defined]
    r = agreement(*_split(pairs), categories=LABELS)
    s = agreement(*_split(shuffled), categories=LABELS)
    assert r.table == s.table
    assert _close(r.kappa, s.kappa) and _close(r.ac1, s.ac1)


def test_agreement_is_frozen() -> None:
    r = agreement(["include"], ["include"])
    assert isinstance(r, Agreement)
    with pytest.raises(AttributeError):
        r.n = 2  # type: ignore[misc]
