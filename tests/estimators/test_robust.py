"""HC2, CR2 and the Bell–McCaffrey degrees of freedom.

Each is checked against golden values computed by ``tests/reference/estimators/make_golden.py``
(statsmodels for HC2; CR2 and its df from their matrix definitions with explicit loops), and
against the slow references below on random designs. The references follow estimatr's C++
(``src/lm_robust_helper.cpp``) step by step: for every cluster the full ``n_g x n_g`` matrix
``I - H_gg`` is eigen-decomposed, eigenvalues up to 1e-12 count as zero.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from activemeasures.estimators import DesignError, cr2_df, cr2_vcov, hc2_vcov
from activemeasures.estimators.robust import cr2_cell_mean_variances, least_squares

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "estimators"
GOLDEN = json.loads((REFERENCE / "golden.json").read_text(encoding="utf-8"))["robust"]
RTOL = 1e-10


# --------------------------------------------------------------------------- slow references


def _inverse_sqrt(B):
    values, vectors = np.linalg.eigh(B)
    scale = np.array([1 / np.sqrt(v) if v > 1e-12 else 0.0 for v in values])
    return vectors @ np.diag(scale) @ vectors.T


def cr2_reference(X, e, clusters):
    M = np.linalg.inv(X.T @ X)
    meat = np.zeros((X.shape[1], X.shape[1]))
    for g in pd.unique(clusters):
        idx = np.flatnonzero(clusters == g)
        A = _inverse_sqrt(np.eye(idx.size) - X[idx] @ M @ X[idx].T)
        u = X[idx].T @ A @ e[idx]
        meat += np.outer(u, u)
    return M @ meat @ M


def bm_df_reference(X, clusters, c):
    M = np.linalg.inv(X.T @ X)
    I_minus_H = np.eye(len(X)) - X @ M @ X.T
    G = []
    for g in pd.unique(clusters):
        idx = np.flatnonzero(clusters == g)
        A = _inverse_sqrt(np.eye(idx.size) - X[idx] @ M @ X[idx].T)
        G.append(I_minus_H[:, idx] @ A @ X[idx] @ M @ c)
    G = np.column_stack(G)
    eigenvalues = np.linalg.eigvalsh(G.T @ G)
    return eigenvalues.sum() ** 2 / (eigenvalues**2).sum()


@st.composite
def clustered_regressions(draw, max_clusters=10, max_size=6):
    """A random design [1, x1, x2, dummy] with clusters of random sizes and its residuals."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    sizes = draw(st.lists(st.integers(1, max_size), min_size=4, max_size=max_clusters))
    n = sum(sizes)
    clusters = np.repeat([f"g{j}" for j in range(len(sizes))], sizes)
    X = np.column_stack(
        [np.ones(n), rng.normal(size=n), rng.exponential(size=n), rng.random(n) < 0.5]
    ).astype(float)
    if n < 3 * X.shape[1] or np.linalg.matrix_rank(X) < X.shape[1]:
        X = X[:, :2]
    # Well-posed designs only: near 0, eigenvalues of I - H_gg carry rounding error of about
    # 1e-16 in any algorithm (estimatr's included), so CR2 itself is ill-determined there.
    M = np.linalg.inv(X.T @ X)
    for g in np.unique(clusters):
        Xg = X[clusters == g]
        assume(np.linalg.eigvalsh(np.eye(len(Xg)) - Xg @ M @ Xg.T).min() > 1e-6)
    y = X @ rng.normal(size=X.shape[1]) + rng.normal(size=n) * (1 + X[:, 1] ** 2)
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    return X, y, e, clusters


def _design(name):
    frame = pd.read_csv(REFERENCE / "data" / "robust.csv")
    X = np.column_stack([np.ones(len(frame)), frame.x1, frame.x2])
    return X, frame


# --------------------------------------------------------------------------- golden values


def test_hc2_matches_golden_statsmodels_value():
    X, frame = _design("robust")
    np.testing.assert_allclose(hc2_vcov(X, frame.residual), GOLDEN["hc2_vcov"], rtol=RTOL)


def test_cr2_matches_golden_value_from_matrix_definition():
    X, frame = _design("robust")
    np.testing.assert_allclose(
        cr2_vcov(X, frame.residual, frame.cluster), GOLDEN["cr2_vcov"], rtol=RTOL
    )


@pytest.mark.parametrize("contrast", sorted(GOLDEN["contrasts"]))
def test_cr2_df_matches_golden_value_from_definition(contrast):
    X, frame = _design("robust")
    df = cr2_df(X, frame.cluster, GOLDEN["contrasts"][contrast])
    assert df == pytest.approx(GOLDEN["cr2_df"][contrast], rel=RTOL)


# --------------------------------------------------------------------------- HC2


@given(clustered_regressions())
def test_hc2_equals_statsmodels_hc2(case):
    X, y, e, _ = case
    expected = sm.OLS(y, X).fit(cov_type="HC2").cov_params()
    np.testing.assert_allclose(hc2_vcov(X, e), expected, rtol=1e-8, atol=1e-12)


@given(st.integers(0, 2**32 - 1), st.integers(2, 15), st.integers(2, 15))
def test_hc2_of_a_treatment_dummy_is_the_welch_variance(seed, n1, n0):
    rng = np.random.default_rng(seed)
    t = np.repeat([1.0, 0.0], [n1, n0])
    y = rng.normal(size=n1 + n0) * np.where(t == 1, 3.0, 1.0)
    X = np.column_stack([np.ones_like(t), t])
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    welch = y[t == 1].var(ddof=1) / n1 + y[t == 0].var(ddof=1) / n0
    assert hc2_vcov(X, e)[1, 1] == pytest.approx(welch, rel=1e-10)


def test_hc2_refuses_a_unit_with_leverage_one():
    X = np.column_stack([np.ones(5), [1.0, 0, 0, 0, 0]])  # the only treated unit
    with pytest.raises(DesignError, match="leverage 1"):
        hc2_vcov(X, np.zeros(5))


def test_rank_deficient_design_is_refused():
    X = np.column_stack([np.ones(6), np.arange(6.0), 2 * np.arange(6.0)])
    with pytest.raises(DesignError, match="rank-deficient"):
        hc2_vcov(X, np.zeros(6))
    with pytest.raises(DesignError, match="rank-deficient"):
        cr2_vcov(X, np.zeros(6), np.arange(6))


# --------------------------------------------------------------------------- CR2


@given(clustered_regressions())
def test_cr2_equals_the_per_cluster_eigen_decomposition(case):
    X, _, e, clusters = case
    expected = cr2_reference(X, e, clusters)
    np.testing.assert_allclose(cr2_vcov(X, e, clusters), expected, rtol=1e-8, atol=1e-12)


@given(clustered_regressions(), st.data())
def test_cr2_df_equals_its_definition(case, data):
    X, _, _, clusters = case
    c = np.array(
        data.draw(
            st.lists(st.integers(-2, 2), min_size=X.shape[1], max_size=X.shape[1]).filter(any)
        ),
        dtype=float,
    )
    assert cr2_df(X, clusters, c) == pytest.approx(bm_df_reference(X, clusters, c), rel=1e-7)


@given(clustered_regressions())
def test_cr2_with_one_unit_per_cluster_equals_hc2(case):
    X, _, e, _ = case
    np.testing.assert_allclose(
        cr2_vcov(X, e, np.arange(len(X))), hc2_vcov(X, e), rtol=1e-9, atol=1e-14
    )


@given(clustered_regressions(), st.integers(0, 2**32 - 1))
def test_cr2_ignores_row_order_and_cluster_labels(case, seed):
    X, _, e, clusters = case
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(X))
    relabel = {g: f"cluster {rng.integers(10**6)}-{g}" for g in np.unique(clusters)}
    renamed = np.array([relabel[g] for g in clusters[order]])
    np.testing.assert_allclose(
        cr2_vcov(X[order], e[order], renamed), cr2_vcov(X, e, clusters), rtol=1e-9, atol=1e-14
    )
    c = np.eye(X.shape[1])[1]
    assert cr2_df(X[order], renamed, c) == pytest.approx(cr2_df(X, clusters, c), rel=1e-9)


def test_cr2_takes_a_pseudo_inverse_when_a_cluster_is_a_whole_arm():
    # The only treated cluster: I - H_gg is singular, estimatr zeroes that eigenvalue.
    rng = np.random.default_rng(3)
    t = np.repeat([1.0, 0, 0, 0], [4, 3, 2, 3])
    clusters = np.repeat(["a", "b", "c", "d"], [4, 3, 2, 3])
    X = np.column_stack([np.ones_like(t), t])
    y = rng.normal(size=t.size)
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(
        cr2_vcov(X, e, clusters), cr2_reference(X, e, clusters), rtol=1e-10, atol=1e-15
    )
    assert cr2_df(X, clusters, [0, 1]) == pytest.approx(
        bm_df_reference(X, clusters, np.array([0.0, 1.0])), rel=1e-9
    )


def test_cr2_df_of_balanced_clusters_in_two_arms_is_clusters_minus_two():
    # Equal clusters, equal arms: the Bell–McCaffrey df of the difference is G - 2.
    X = np.column_stack([np.ones(24), np.repeat([0.0, 1.0], 12)])
    assert cr2_df(X, np.repeat(np.arange(8), 3), [0, 1]) == pytest.approx(6.0, rel=1e-12)


@given(st.integers(0, 2**32 - 1), st.lists(st.integers(1, 5), min_size=6, max_size=14))
def test_closed_form_for_cell_means_equals_cr2_of_the_cell_regression(seed, sizes):
    rng = np.random.default_rng(seed)
    n_cells = 3
    cell_of_cluster = np.arange(len(sizes)) % n_cells
    clusters = np.repeat(np.arange(len(sizes)), sizes)
    cells = cell_of_cluster[clusters]
    X = np.eye(n_cells)[cells]
    y = rng.normal(size=clusters.size)
    e = y - X @ np.linalg.lstsq(X, y, rcond=None)[0]
    np.testing.assert_allclose(
        cr2_cell_mean_variances(e, cells, clusters, n_cells),
        np.diag(cr2_reference(X, e, clusters)),
        rtol=1e-9,
        atol=1e-15,
    )


# --------------------------------------------------------------------------- least squares


def test_least_squares_drops_a_dependent_column_like_estimatr():
    rng = np.random.default_rng(0)
    x = rng.normal(size=20)
    X = np.column_stack([np.ones(20), x, 3 * x + 1, rng.normal(size=20)])
    y = rng.normal(size=20)
    coefficients, residuals, kept, Q, R = least_squares(X, y)
    np.testing.assert_allclose(Q @ R, X[:, kept], atol=1e-12)
    assert kept.size == 3 and 0 in kept and 3 in kept  # one of the two collinear columns
    expected = np.linalg.lstsq(X[:, kept], y, rcond=None)[0]
    np.testing.assert_allclose(coefficients, expected, rtol=1e-10)
    np.testing.assert_allclose(residuals, y - X[:, kept] @ expected, atol=1e-12)


def test_inputs_of_the_wrong_shape_are_refused():
    X = np.column_stack([np.ones(4), np.arange(4.0)])
    with pytest.raises(DesignError, match="residuals has 3 entries"):
        hc2_vcov(X, np.zeros(3))
    with pytest.raises(DesignError, match="clusters has 5 entries"):
        cr2_vcov(X, np.zeros(4), np.arange(5))
    with pytest.raises(DesignError, match="contrast has 3 entries"):
        cr2_df(X, np.arange(4), [0, 1, 0])
    with pytest.raises(DesignError, match="missing or infinite"):
        hc2_vcov(np.where(X == 0, np.nan, X), np.zeros(4))


@settings(max_examples=25)
@given(clustered_regressions(max_clusters=40, max_size=3))
def test_cr2_of_many_small_clusters_agrees_with_reference(case):
    X, _, e, clusters = case
    np.testing.assert_allclose(
        cr2_vcov(X, e, clusters), cr2_reference(X, e, clusters), rtol=1e-8, atol=1e-12
    )
