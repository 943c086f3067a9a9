"""Lin's (2013) estimator matches estimatr's ``lm_lin``.

The reference is statsmodels OLS on a design built here by hand with pandas: intercept,
treatment, centred covariates (categorical ones as indicators of all levels but the first),
treatment x centred covariates, HC2 standard errors and N - k degrees of freedom; with clusters
the CR2 variance and Bell–McCaffrey df of that same hand-built design.
"""

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.estimators import cr2_df, cr2_vcov, difference_in_means, lin

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "estimators"
GOLDEN = json.loads((REFERENCE / "golden.json").read_text(encoding="utf-8"))["lin"]
RTOL = 1e-10
INFERENCE = ("estimate", "std_error", "df", "statistic", "p_value", "ci_lower", "ci_upper")
EXAMPLES = 60


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv", dtype={"block": str, "cluster": str})


def assert_same(result, expected, fields=INFERENCE, rtol=RTOL):
    for field in fields:
        value = expected[field] if isinstance(expected, dict) else getattr(expected, field)
        assert getattr(result, field) == pytest.approx(value, rel=rtol, abs=1e-12), field


def reference_design(frame: pd.DataFrame, covariates: list[str], blocks=None) -> np.ndarray:
    parts = [frame[covariates]]
    if blocks is not None:
        parts.append(pd.get_dummies(pd.Series(blocks).astype("category")).iloc[:, 1:])
    Z = pd.get_dummies(pd.concat(parts, axis=1), drop_first=True).to_numpy(float)
    Zc = Z - Z.mean(axis=0)
    t = frame.t.to_numpy(float)
    return np.column_stack([np.ones(len(frame)), t, Zc, t[:, None] * Zc])


def reference_lin(frame, covariates, blocks=None, clusters=None):
    X = reference_design(frame, covariates, blocks)
    if clusters is None:
        fit = sm.OLS(frame.y.to_numpy(), X).fit(cov_type="HC2")
        return fit.params[1], fit.bse[1], fit.df_resid
    fit = sm.OLS(frame.y.to_numpy(), X).fit()
    vcov = cr2_vcov(X, fit.resid, clusters)
    return fit.params[1], np.sqrt(vcov[1, 1]), cr2_df(X, clusters, np.eye(X.shape[1])[1])


# --------------------------------------------------------------------------- golden values


@pytest.mark.parametrize("case", sorted(GOLDEN))
def test_matches_golden_values(case):
    expected = GOLDEN[case]
    frame = load(expected["data"])
    covariates = frame[expected["covariates"]] if expected["covariates"] else None
    result = lin(
        frame.y,
        frame.t,
        covariates,
        blocks=frame.block if expected.get("blocks") else None,
        clusters=frame.cluster if expected.get("clusters") else None,
    )
    assert result.method == "Lin"
    assert result.design == expected["design"]
    assert (result.n_treatment, result.n_control) == (
        expected["n_treatment"],
        expected["n_control"],
    )
    assert_same(result, expected)


# --------------------------------------------------------------------------- random designs


@st.composite
def experiments(draw, blocked=False, clustered=False):
    """Random blocked/clustered experiments with two numeric covariates."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    n_blocks = draw(st.integers(2, 4)) if blocked else 1
    rows = []
    for b in range(n_blocks):
        for arm in (0, 1):
            for _ in range(draw(st.integers(3 if clustered else 4, 7))):
                size = draw(st.integers(1, 3)) if clustered else 1
                rows += [(b, arm, len(rows))] * size
    block, t, cluster = (np.array(column) for column in zip(*rows, strict=True))
    n = t.size
    x1, x2 = rng.normal(40, 8, n), rng.exponential(2, n)
    y = 0.05 * x1 + 0.3 * t * x2 + 0.4 * block + rng.normal(size=n) * (1 + t)
    frame = pd.DataFrame({"y": y, "t": t, "x1": x1, "x2": x2})
    return (
        frame,
        np.array([f"block {b}" for b in block]) if blocked else None,
        np.array([f"k{c}" for c in cluster]) if clustered else None,
    )


@settings(max_examples=EXAMPLES)
@given(experiments())
def test_equals_statsmodels_hc2_on_the_hand_built_design(case):
    frame, _, _ = case
    result = lin(frame.y, frame.t, frame[["x1", "x2"]])
    estimate, std_error, df = reference_lin(frame, ["x1", "x2"])
    assert result.design == "standard"
    assert (result.estimate, result.std_error, result.df) == pytest.approx(
        (estimate, std_error, df), rel=1e-8
    )


@settings(max_examples=EXAMPLES)
@given(experiments(blocked=True))
def test_blocks_enter_as_centred_interacted_indicators(case):
    frame, blocks, _ = case
    result = lin(frame.y, frame.t, frame[["x1"]], blocks=blocks)
    estimate, std_error, df = reference_lin(frame, ["x1"], blocks=blocks)
    assert result.design == "blocked"
    assert (result.estimate, result.std_error, result.df) == pytest.approx(
        (estimate, std_error, df), rel=1e-8
    )


@settings(max_examples=EXAMPLES)
@given(experiments(blocked=True, clustered=True))
def test_clusters_give_cr2_and_its_bell_mccaffrey_df(case):
    frame, blocks, clusters = case
    result = lin(frame.y, frame.t, frame[["x1", "x2"]], blocks=blocks, clusters=clusters)
    estimate, std_error, df = reference_lin(frame, ["x1", "x2"], blocks, clusters)
    assert result.design == "block-clustered"
    assert (result.estimate, result.std_error, result.df) == pytest.approx(
        (estimate, std_error, df), rel=1e-8
    )


@settings(max_examples=EXAMPLES)
@given(experiments(blocked=True))
def test_without_covariates_blocks_give_the_blocked_difference_in_means(case):
    # estimatr: lm_lin(y ~ z, ~ factor(block)) equals difference_in_means(blocks = block).
    frame, blocks, _ = case
    adjusted = lin(frame.y, frame.t, blocks=blocks)
    dim = difference_in_means(frame.y, frame.t, blocks=blocks)
    assert_same(adjusted, dim, rtol=1e-8)


@settings(max_examples=EXAMPLES)
@given(experiments(blocked=True, clustered=True))
def test_without_covariates_blocks_and_clusters_give_the_block_clustered_cr2(case):
    frame, blocks, clusters = case
    adjusted = lin(frame.y, frame.t, blocks=blocks, clusters=clusters)
    dim = difference_in_means(frame.y, frame.t, blocks=blocks, clusters=clusters)
    assert_same(adjusted, dim, fields=("estimate", "std_error"), rtol=1e-8)


@settings(max_examples=EXAMPLES)
@given(
    experiments(blocked=True, clustered=True),
    st.integers(0, 2**32 - 1),
    st.floats(-50, 50),
    st.floats(0.1, 10),
)
def test_invariances(case, seed, shift, scale):
    frame, blocks, clusters = case
    rng = np.random.default_rng(seed)

    def fit(frame, blocks, clusters, t=None):
        return lin(
            frame.y,
            frame.t if t is None else t,
            frame[["x1", "x2"]],
            blocks=blocks,
            clusters=clusters,
        )

    original = fit(frame, blocks, clusters)
    order = rng.permutation(len(frame))
    permuted = fit(frame.iloc[order], blocks[order], clusters[order])
    renamed = {b: f"z{rng.integers(1000)}-{b}" for b in np.unique(blocks)}  # new first level
    relabelled = fit(frame, np.array([renamed[b] for b in blocks]), np.char.add("c-", clusters))
    moved = frame.assign(y=frame.y + shift, x1=frame.x1 * scale + shift)
    for other in (permuted, relabelled, fit(moved, blocks, clusters)):
        assert_same(other, original, rtol=1e-7)
    flipped = fit(frame, blocks, clusters, t=1 - frame.t)
    assert flipped.estimate == pytest.approx(-original.estimate, rel=1e-8, abs=1e-10)
    assert flipped.std_error == pytest.approx(original.std_error, rel=1e-8)
    # The CR2 (Bell-McCaffrey) df goes through matrix square roots of the clusters' blocks:
    # its rounding is of the order of the other invariances' (1e-7), not of the estimate's.
    assert flipped.df == pytest.approx(original.df, rel=1e-7)


@settings(max_examples=EXAMPLES)
@given(experiments())
def test_interval_contains_the_estimate_and_p_value_is_a_probability(case):
    frame, _, _ = case
    result = lin(frame.y, frame.t, frame[["x1", "x2"]], alpha=0.1)
    assert result.ci_lower <= result.estimate <= result.ci_upper
    assert 0.0 <= result.p_value <= 1.0


# --------------------------------------------------------------------------- covariates


def test_categorical_covariates_become_indicators_of_all_levels_but_the_first():
    frame = load("lin_standard")
    as_strings = lin(frame.y, frame.t, frame[["x1", "category"]])
    levels = sorted(frame.category.unique())
    as_categorical = lin(
        frame.y,
        frame.t,
        frame[["x1"]].assign(category=pd.Categorical(frame.category, categories=levels)),
    )
    by_hand = frame[["x1"]].assign(
        **{level: (frame.category == level).astype(float) for level in levels[1:]}
    )
    assert_same(as_categorical, as_strings)
    assert_same(lin(frame.y, frame.t, by_hand), as_strings)
    reordered = pd.Categorical(frame.category, categories=[*levels[::-1], "never seen"])
    assert_same(
        lin(frame.y, frame.t, frame[["x1"]].assign(category=reordered)), as_strings, rtol=1e-9
    )


def test_covariates_may_be_arrays_or_series():
    frame = load("lin_standard")
    expected = lin(frame.y, frame.t, frame[["x1", "x2"]])
    assert_same(lin(frame.y, frame.t, frame[["x1", "x2"]].to_numpy()), expected)
    single = lin(frame.y, frame.t, frame.x1)
    assert_same(lin(frame.y.to_numpy(), frame.t.to_numpy(), frame.x1.to_numpy()), single)
    assert_same(lin(frame.y, frame.t, frame[["x1"]]), single)


def test_a_level_seen_in_one_arm_only_drops_its_interaction_like_estimatr():
    # estimatr reports NA for the collinear interaction; the effect is the fit without it.
    frame = load("lin_standard").copy()
    frame.loc[frame.t == 1, "category"] = np.where(
        frame.loc[frame.t == 1, "category"] == "integration",
        "cash benefit",
        frame.loc[frame.t == 1, "category"],
    )
    result = lin(frame.y, frame.t, frame[["x1", "category"]])
    X = reference_design(frame, ["x1", "category"])
    t = frame.t.to_numpy(float)
    collinear = [j for j in range(2, X.shape[1]) if np.allclose(X[:, j], X[t == 1, j][0] * t)]
    assert len(collinear) == 1  # t x centred indicator of "integration", a multiple of t
    fit = sm.OLS(frame.y.to_numpy(), np.delete(X, collinear, axis=1)).fit(cov_type="HC2")
    assert (result.estimate, result.std_error, result.df) == pytest.approx(
        (fit.params[1], fit.bse[1], fit.df_resid), rel=1e-9
    )


def test_missing_outcomes_are_dropped_on_request():
    frame = load("lin_standard")
    y = frame.y.copy()
    y.iloc[[1, 4, 9]] = np.nan
    result = lin(y, frame.t, frame[["x1", "category"]], missing="drop")
    kept = y.notna()
    by_hand = lin(y[kept], frame.t[kept], frame.loc[kept, ["x1", "category"]])
    assert result.n_dropped == 3
    assert_same(result, by_hand)


def test_singleton_clusters_give_the_hc2_standard_error():
    frame = load("lin_standard")
    hc2 = lin(frame.y, frame.t, frame[["x1", "x2"]])
    cr2 = lin(frame.y, frame.t, frame[["x1", "x2"]], clusters=np.arange(len(frame)))
    assert cr2.design == "clustered"
    assert cr2.std_error == pytest.approx(hc2.std_error, rel=1e-9)
    assert "Lin (2013) (clustered design)" in str(cr2)
