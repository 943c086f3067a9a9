"""The design-based difference in means matches estimatr's ``difference_in_means``.

Golden values come from ``tests/reference/estimators/make_golden.py`` (statsmodels, scipy and
explicit loops, no library code). The worked examples and equivalences are those of estimatr's
``tests/testthat/test-difference-in-means.R``. Property tests run over every design.
"""

import itertools
import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from activemeasures.estimators import (
    DesignWarning,
    Estimate,
    cr2_df,
    cr2_vcov,
    difference_in_means,
    hc2_vcov,
    lin,
)

REFERENCE = Path(__file__).resolve().parents[1] / "reference" / "estimators"
GOLDEN = json.loads((REFERENCE / "golden.json").read_text(encoding="utf-8"))
RTOL = 1e-10
INFERENCE = ("estimate", "std_error", "df", "statistic", "p_value", "ci_lower", "ci_upper")
#: Examples per design and property (6 designs x 6 properties run; each example is cheap).
PROPERTY_EXAMPLES = 60
DESIGNS = (
    "standard",
    "blocked",
    "matched-pair",
    "clustered",
    "block-clustered",
    "matched-pair clustered",
)


def load(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE / "data" / f"{name}.csv", dtype={"block": str, "cluster": str})


def assert_same_inference(result: Estimate, expected, fields=INFERENCE, rtol=RTOL, atol=0.0):
    for field in fields:
        value = expected[field] if isinstance(expected, dict) else getattr(expected, field)
        assert getattr(result, field) == pytest.approx(value, rel=rtol, abs=atol), field


# --------------------------------------------------------------------------- golden values


@pytest.mark.parametrize("case", sorted(GOLDEN["difference_in_means"]))
def test_matches_golden_values(case):
    expected = GOLDEN["difference_in_means"][case]
    frame = load(expected["data"])
    blocks = frame.block if expected.get("blocks") else None
    clusters = frame.cluster if expected.get("clusters") else None
    with warnings.catch_warnings():
        if expected.get("warns"):
            warnings.simplefilter("ignore", DesignWarning)
        result = difference_in_means(frame.y, frame.t, blocks=blocks, clusters=clusters)
    assert result.design == expected["design"]
    assert (result.n_treatment, result.n_control) == (
        expected["n_treatment"],
        expected["n_control"],
    )
    assert_same_inference(result, expected)


def test_mixed_pairs_and_larger_blocks_use_matched_pairs_and_warn():
    frame = load("matched_pair_mixed")
    with pytest.warns(DesignWarning, match="matched-pair variance estimator"):
        result = difference_in_means(frame.y, frame.t, blocks=frame.block)
    assert result.design == "matched-pair"


# --------------------------------------------------------------------------- estimatr's examples


def test_standard_design_is_welchs_t_test():
    # estimatr: "DIM same as t.test" (p-value, interval and df of R's t.test).
    frame = load("standard")
    result = difference_in_means(frame.y, frame.t)
    welch = stats.ttest_ind(frame.y[frame.t == 1], frame.y[frame.t == 0], equal_var=False)
    interval = welch.confidence_interval(0.95)
    assert result.p_value == pytest.approx(welch.pvalue, rel=RTOL)
    assert result.df == pytest.approx(welch.df, rel=RTOL)
    assert result.statistic == pytest.approx(welch.statistic, rel=RTOL)
    assert (result.ci_lower, result.ci_upper) == pytest.approx(
        (interval.low, interval.high), rel=RTOL
    )


UNBIASED = GOLDEN["estimatr_unbiased"]


def _mean_over_assignments(assignments, **design):
    y0, y1 = np.array(UNBIASED["Y0"]), np.array(UNBIASED["Y1"])
    estimates = []
    for z in assignments:
        z = np.asarray(z)
        estimates.append(difference_in_means(np.where(z == 1, y1, y0), z, **design).estimate)
    return np.mean(estimates)


def _cluster_assignments(clusters, n_treated):
    labels = np.unique(clusters)
    for chosen in itertools.combinations(labels, n_treated):
        yield np.isin(clusters, chosen).astype(int)


def test_estimatr_unbiased_example_complete_randomisation():
    # estimatr "DIM unbiased": over all 252 assignments the mean estimate is the SATE, 0.91.
    assignments = [
        np.isin(np.arange(10), c).astype(int) for c in itertools.combinations(range(10), 5)
    ]
    assert UNBIASED["true_sate"] == pytest.approx(0.91, abs=1e-12)
    assert _mean_over_assignments(assignments) == pytest.approx(UNBIASED["true_sate"], abs=1e-9)


def test_estimatr_unbiased_example_cluster_randomisation():
    clusters = np.array(UNBIASED["designs"]["clustered"]["clusters"])  # 5 clusters of 2
    for n_treated in (2, 3):
        mean = _mean_over_assignments(_cluster_assignments(clusters, n_treated), clusters=clusters)
        assert mean == pytest.approx(UNBIASED["true_sate"], abs=1e-9)


def test_estimatr_unbiased_example_matched_pairs():
    blocks = np.array(UNBIASED["designs"]["matched_pair"]["blocks"])  # 5 pairs
    assignments = [
        np.column_stack([flip, 1 - np.array(flip)]).reshape(-1)
        for flip in itertools.product([0, 1], repeat=5)
    ]
    mean = _mean_over_assignments(assignments, blocks=blocks)
    assert mean == pytest.approx(UNBIASED["true_sate"], abs=1e-9)


def test_estimatr_unbiased_example_blocks():
    blocks = np.array(UNBIASED["designs"]["blocked"]["blocks"])  # 2 blocks of 5, 3 treated
    within = [np.isin(np.arange(5), c).astype(int) for c in itertools.combinations(range(5), 3)]
    assignments = [np.concatenate([a, b]) for a, b in itertools.product(within, within)]
    mean = _mean_over_assignments(assignments, blocks=blocks)
    assert mean == pytest.approx(UNBIASED["true_sate"], abs=1e-9)


def test_estimatr_unbiased_example_pairs_of_clusters_of_different_sizes():
    design = UNBIASED["designs"]["matched_pair_clustered"]
    blocks, clusters = np.array(design["blocks"]), np.array(design["clusters"])
    pairs = [(1, 2), (3, 4), (5, 6)]
    assignments = [
        np.isin(clusters, [pair[k] for pair, k in zip(pairs, choice, strict=True)]).astype(int)
        for choice in itertools.product([0, 1], repeat=3)
    ]
    mean = _mean_over_assignments(assignments, blocks=blocks, clusters=clusters)
    assert mean == pytest.approx(UNBIASED["true_sate"], abs=1e-9)
    result = difference_in_means(
        np.array(UNBIASED["Y0"]), assignments[0], blocks=blocks, clusters=clusters
    )
    assert result.design == "matched-pair clustered"


def _estimatr_equivalence_data(seed=11):
    """estimatr's "DIM matches lm_robust under certain conditions" design (n = 400)."""
    rng = np.random.default_rng(seed)
    n = 400
    return pd.DataFrame(
        {
            "y": rng.normal(size=n),
            "z": np.tile([0, 1], n // 2),
            "bl": np.repeat(np.arange(1, 26), 16),
            "z_blocked": np.tile([0, 0, 1, 1], n // 4),
            "cl": np.repeat(np.arange(1, 201), 2),
        }
    )


def test_standard_design_agrees_with_hc2_regression_except_df():
    frame = _estimatr_equivalence_data()
    X = np.column_stack([np.ones(len(frame)), frame.z])
    beta = np.linalg.lstsq(X, frame.y, rcond=None)[0]
    result = difference_in_means(frame.y, frame.z)
    assert result.estimate == pytest.approx(beta[1], rel=RTOL)
    assert result.std_error == pytest.approx(
        np.sqrt(hc2_vcov(X, frame.y - X @ beta)[1, 1]), rel=RTOL
    )
    welch = stats.ttest_ind(frame.y[frame.z == 1], frame.y[frame.z == 0], equal_var=False)
    assert result.df == pytest.approx(welch.df, rel=RTOL)  # Welch-Satterthwaite, not N - 2


def test_clustered_design_is_cr2_regression():
    rng = np.random.default_rng(5)
    frame = _estimatr_equivalence_data()
    frame["cl_diff_size"] = rng.integers(1, 101, len(frame))
    frame["z_clustered"] = (frame.cl_diff_size <= 50).astype(int)
    X = np.column_stack([np.ones(len(frame)), frame.z_clustered])
    beta = np.linalg.lstsq(X, frame.y, rcond=None)[0]
    vcov = cr2_vcov(X, frame.y - X @ beta, frame.cl_diff_size)
    result = difference_in_means(frame.y, frame.z_clustered, clusters=frame.cl_diff_size)
    assert result.design == "clustered"
    assert result.estimate == pytest.approx(beta[1], rel=RTOL)
    assert result.std_error == pytest.approx(np.sqrt(vcov[1, 1]), rel=RTOL)
    assert result.df == pytest.approx(cr2_df(X, frame.cl_diff_size, [0, 1]), rel=RTOL)


def test_blocked_design_equals_lin_with_block_indicators():
    frame = _estimatr_equivalence_data()
    dim = difference_in_means(frame.y, frame.z_blocked, blocks=frame.bl)
    adjusted = lin(frame.y, frame.z_blocked, blocks=frame.bl)
    assert dim.design == adjusted.design == "blocked"
    assert_same_inference(dim, adjusted, rtol=1e-9)
    assert dim.df == len(frame) - 2 * 25


def test_block_clustered_design_equals_lin_with_block_indicators_and_clusters():
    # estimatr: same estimate and CR2 standard error; the df agree for equal-sized clusters.
    frame = _estimatr_equivalence_data()
    dim = difference_in_means(frame.y, frame.z_blocked, blocks=frame.bl, clusters=frame.cl)
    adjusted = lin(frame.y, frame.z_blocked, blocks=frame.bl, clusters=frame.cl)
    assert dim.design == adjusted.design == "block-clustered"
    assert_same_inference(dim, adjusted, rtol=1e-9)
    assert dim.df == 200 - 2 * 25


def test_pairs_of_singleton_clusters_equal_the_unclustered_blocks():
    # estimatr: "Matched Pair Cluster Randomization = Matched Pair when cluster size is 1"
    # (blocks of four with singleton clusters are block-clustered, equal to blocked).
    rng = np.random.default_rng(2)
    y = rng.normal(size=100)
    blocks = np.repeat(np.arange(25), 4)
    z = np.tile([0, 0, 1, 1], 25)
    clustered = difference_in_means(y, z, blocks=blocks, clusters=np.arange(100))
    assert clustered.design == "block-clustered"
    assert_same_inference(clustered, difference_in_means(y, z, blocks=blocks))


def test_singleton_clusters_give_the_hc2_standard_error_but_cr2_df():
    frame = load("standard")
    standard = difference_in_means(frame.y, frame.t)
    singletons = difference_in_means(frame.y, frame.t, clusters=np.arange(len(frame)))
    assert singletons.design == "clustered"
    assert singletons.estimate == pytest.approx(standard.estimate, rel=RTOL)
    assert singletons.std_error == pytest.approx(standard.std_error, rel=RTOL)
    X = np.column_stack([np.ones(len(frame)), frame.t])
    assert singletons.df == pytest.approx(cr2_df(X, np.arange(len(frame)), [0, 1]), rel=RTOL)
    assert singletons.df != pytest.approx(standard.df, rel=1e-3)


# --------------------------------------------------------------------------- properties


@st.composite
def experiments(draw, design):
    """A random experiment of the given design: outcome, treatment, block and cluster labels."""
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    blocked = design in ("blocked", "matched-pair", "block-clustered", "matched-pair clustered")
    clustered = design in ("clustered", "block-clustered", "matched-pair clustered")
    pairs = design.startswith("matched-pair")
    n_blocks = draw(st.integers(2, 6)) if pairs else draw(st.integers(1, 4)) if blocked else 1
    t, blocks, clusters = [], [], []
    for b in range(n_blocks):
        if pairs:
            arms = [int(rng.integers(2))]
            arms.append(1 - arms[0])
        else:
            low = 2
            n1, n0 = draw(st.integers(low, 5)), draw(st.integers(low, 5))
            arms = [1] * n1 + [0] * n0
        for arm in arms:
            size = draw(st.integers(1, 4)) if clustered else 1
            clusters += [f"c{len(set(clusters))}"] * size
            t += [arm] * size
            blocks += [f"b{b}"] * size
    t = np.array(t)
    level = np.array([int(b[1:]) for b in blocks], dtype=float)
    y = rng.normal(size=t.size) * (1 + t) + 0.5 * level + 0.3 * t
    return {
        "y": y,
        "t": t,
        "blocks": np.array(blocks) if blocked else None,
        "clusters": np.array(clusters) if clustered else None,
    }


def _estimate(case, **changes):
    case = {**case, **changes}
    return difference_in_means(
        case["y"], case["t"], blocks=case["blocks"], clusters=case["clusters"]
    )


def _permuted(case, order):
    return {k: None if v is None else v[order] for k, v in case.items()}


@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=PROPERTY_EXAMPLES)
@given(data=st.data())
def test_design_is_learned(design, data):
    assert _estimate(data.draw(experiments(design))).design == design


@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=PROPERTY_EXAMPLES)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_row_order(design, data, seed):
    case = data.draw(experiments(design))
    order = np.random.default_rng(seed).permutation(case["y"].size)
    assert_same_inference(_estimate(_permuted(case, order)), _estimate(case), rtol=1e-9)


@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=PROPERTY_EXAMPLES)
@given(data=st.data(), seed=st.integers(0, 2**32 - 1))
def test_invariant_to_relabelling_blocks_and_clusters(design, data, seed):
    case = data.draw(experiments(design))
    rng = np.random.default_rng(seed)
    relabelled = {}
    for key in ("blocks", "clusters"):
        if case[key] is not None:
            labels = np.unique(case[key])
            new = dict(zip(labels, rng.permutation(len(labels)) * 7 + 100, strict=True))
            relabelled[key] = np.array([new[v] for v in case[key]])
    assert_same_inference(_estimate(case, **relabelled), _estimate(case), rtol=1e-9)


@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=PROPERTY_EXAMPLES)
@given(data=st.data(), shift=st.floats(-100, 100))
def test_adding_a_constant_to_the_outcome_moves_nothing(design, data, shift):
    case = data.draw(experiments(design))
    shifted, original = _estimate(case, y=case["y"] + shift), _estimate(case)
    assert shifted.estimate == pytest.approx(original.estimate, rel=1e-9, abs=1e-9)
    assert shifted.std_error == pytest.approx(original.std_error, rel=1e-9, abs=1e-9)
    assert shifted.df == pytest.approx(original.df, rel=1e-6)


@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=PROPERTY_EXAMPLES)
@given(data=st.data())
def test_flipping_treatment_flips_the_sign(design, data):
    case = data.draw(experiments(design))
    flipped, original = _estimate(case, t=1 - case["t"]), _estimate(case)
    assert flipped.estimate == pytest.approx(-original.estimate, rel=1e-9, abs=1e-12)
    assert flipped.std_error == pytest.approx(original.std_error, rel=1e-9)
    assert flipped.df == pytest.approx(original.df, rel=1e-9)
    assert (flipped.n_treatment, flipped.n_control) == (original.n_control, original.n_treatment)


@pytest.mark.parametrize("design", DESIGNS)
@settings(max_examples=PROPERTY_EXAMPLES)
@given(data=st.data(), alpha=st.floats(0.001, 0.5))
def test_interval_contains_the_estimate_and_p_value_is_a_probability(design, data, alpha):
    case = data.draw(experiments(design))
    result = difference_in_means(
        case["y"], case["t"], blocks=case["blocks"], clusters=case["clusters"], alpha=alpha
    )
    assert result.ci_lower <= result.estimate <= result.ci_upper
    assert 0.0 <= result.p_value <= 1.0
    assert (result.p_value < alpha) == (not result.ci_lower <= 0.0 <= result.ci_upper)


# --------------------------------------------------------------------------- inputs and missing


def test_inputs_may_be_lists_arrays_series_and_booleans():
    frame = load("blocked")
    expected = difference_in_means(frame.y, frame.t, blocks=frame.block)
    for y, t, blocks in (
        (frame.y.tolist(), frame.t.tolist(), frame.block.tolist()),
        (frame.y.to_numpy(), frame.t.to_numpy().astype(bool), frame.block.to_numpy()),
        (frame.y, frame.t.astype(float), frame.block.astype("category")),
    ):
        assert_same_inference(difference_in_means(y, t, blocks=blocks), expected)


def test_dropping_missing_outcomes_counts_them_and_equals_dropping_by_hand():
    frame = load("block_clustered")
    y = frame.y.copy()
    y.iloc[[0, 7, 30]] = np.nan
    result = difference_in_means(
        y, frame.t, blocks=frame.block, clusters=frame.cluster, missing="drop"
    )
    kept = y.notna()
    by_hand = difference_in_means(
        y[kept], frame.t[kept], blocks=frame.block[kept], clusters=frame.cluster[kept]
    )
    assert result.n_dropped == 3
    assert result.n_treatment + result.n_control == len(frame) - 3
    assert_same_inference(result, by_hand)


# --------------------------------------------------------------------------- the Estimate


def _example() -> Estimate:
    frame = load("blocked")
    return difference_in_means(frame.y, frame.t, blocks=frame.block)


def test_estimate_is_frozen_and_exports_one_tidy_row():
    result = _example()
    with pytest.raises(AttributeError):
        result.estimate = 0.0
    frame = result.to_frame()
    assert list(frame.columns) == [
        "estimate",
        "std_error",
        "df",
        "statistic",
        "p_value",
        "ci_lower",
        "ci_upper",
        "n_treatment",
        "n_control",
        "design",
        "alpha",
        "n_dropped",
        "method",
    ]
    assert len(frame) == 1
    assert frame.loc[0, "design"] == "blocked"
    assert frame.loc[0, "method"] == "difference in means"


def test_estimate_renders_as_text_and_html_without_unit_data():
    frame = load("blocked")
    result = _example()
    text, page = str(result), result._repr_html_()
    assert "blocked design" in text and "95% CI" in text
    assert "<table>" in page and "blocked design" in page
    for value in frame.y.head(20):  # no outcome value appears
        assert f"{value:.6g}" not in text and f"{value:.6g}" not in page


def test_estimate_plots_point_and_interval():
    matplotlib = pytest.importorskip("matplotlib")
    from matplotlib.figure import Figure

    ax = Figure().subplots()
    assert _example().plot(ax=ax) is ax
    point = ax.containers[0].lines[0]
    assert point.get_xdata()[0] == pytest.approx(_example().estimate)
    assert matplotlib.__version__


def test_estimate_plot_makes_its_own_axes():
    pytest.importorskip("matplotlib")
    import matplotlib.pyplot as plt

    ax = _example().plot()
    try:
        assert ax.get_xlabel().startswith("effect")
    finally:
        plt.close(ax.figure)


def test_estimate_from_t_matches_r_inference():
    # R: 2 * pt(-3, 100) = 0.003407..., qt(0.975, 100) = 1.983972
    result = Estimate.from_t(
        estimate=0.75, std_error=0.25, df=100, n_treatment=1, n_control=1, design="standard"
    )
    assert result.p_value == pytest.approx(2 * stats.t.sf(3, 100), rel=1e-12)
    assert result.ci_upper == pytest.approx(0.75 + 1.983971518523552 * 0.25, rel=1e-12)
