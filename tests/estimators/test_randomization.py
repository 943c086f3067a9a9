"""Randomisation inference permutes treatment as the design did (DESIGN.md §7)."""

import itertools

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.estimators.randomization import randomization_test


def brute_force_p(y, treated, blocks):
    """All assignments with the observed treated count per block, by plain enumeration."""
    y, treated, blocks = map(np.asarray, (y, treated, blocks))

    def stat(t):
        total = 0.0
        for b in np.unique(blocks):
            m = blocks == b
            total += m.sum() / len(y) * (y[m & (t == 1)].mean() - y[m & (t == 0)].mean())
        return total

    observed = stat(treated)
    per_block = []
    for b in np.unique(blocks):
        idx = np.flatnonzero(blocks == b)
        per_block.append(list(itertools.combinations(idx, int(treated[idx].sum()))))
    values = []
    for choice in itertools.product(*per_block):
        t = np.zeros(len(y), dtype=int)
        for chosen in choice:
            t[list(chosen)] = 1
        values.append(stat(t))
    values = np.array(values)
    return observed, np.mean(np.abs(values) >= abs(observed) - 1e-12), len(values)


@settings(max_examples=40)
@given(
    y=st.lists(st.floats(-10, 10, allow_nan=False), min_size=8, max_size=8),
    seed=st.integers(0, 10**6),
)
def test_exact_p_value_equals_enumerating_every_within_block_assignment(y, seed):
    rng = np.random.default_rng(seed)
    blocks = np.array([0, 0, 0, 0, 1, 1, 1, 1])
    treated = np.concatenate([rng.permutation([1, 1, 0, 0]), rng.permutation([1, 0, 0, 0])])
    result = randomization_test(y, treated, blocks=blocks)
    observed, p, count = brute_force_p(y, treated, blocks)
    assert result.method == "exact"
    assert result.n_draws == count == 6 * 4
    assert result.statistic == pytest.approx(observed, abs=1e-12)
    assert result.p_value == pytest.approx(p)


def test_permutations_keep_the_number_of_treated_in_each_block():
    rng = np.random.default_rng(1)
    blocks = np.repeat([0, 1, 2], [30, 40, 50])
    treated = np.concatenate([np.arange(30) < 10, np.arange(40) < 25, np.arange(50) < 5])
    counts = []
    result = randomization_test(
        rng.normal(size=120),
        treated.astype(int),
        blocks=blocks,
        n_draws=300,
        statistic=lambda y, t: counts.append(np.bincount(blocks, weights=t)) or 0.0,
    )
    assert result.method == "monte carlo"
    assert np.array_equal(np.unique(np.array(counts), axis=0), [[10, 25, 5]])


def test_clusters_move_together():
    clusters = np.repeat(np.arange(20), 3)
    treated = np.repeat(np.arange(20) % 2, 3)
    whole = []
    randomization_test(
        np.arange(60.0),
        treated,
        clusters=clusters,
        n_draws=200,
        statistic=lambda y, t: (
            whole.append(all(len(set(t[clusters == c])) == 1 for c in range(20))) or 0.0
        ),
    )
    assert all(whole)


def test_monte_carlo_p_value_is_close_to_the_exact_one_and_reproducible():
    rng = np.random.default_rng(5)
    y = rng.normal(size=14)
    treated = np.array([1] * 7 + [0] * 7)
    y[treated == 1] += 0.8
    exact = randomization_test(y, treated, n_draws=5000)  # C(14, 7) = 3432 <= 5000
    drawn = randomization_test(y, treated, n_draws=2000, seed=3)
    assert exact.method == "exact" and exact.n_draws == 3432
    assert drawn.method == "monte carlo" and drawn.n_draws == 2000 and drawn.seed == 3
    assert drawn.p_value == pytest.approx(exact.p_value, abs=0.03)
    again = randomization_test(y, treated, n_draws=2000, seed=3)
    assert again.p_value == drawn.p_value


def test_one_sided_alternatives_split_the_tails():
    y = [3.0, 4.0, 1.0, 2.0, 5.0, 0.0]
    t = [1, 1, 0, 0, 1, 0]
    assert randomization_test(y, t, alternative="greater").p_value == pytest.approx(1 / 20)
    assert randomization_test(y, t, alternative="less").p_value == pytest.approx(1.0)


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"treatment": [0, 1, 2, 1]}, "treatment must be 0/1"),
        ({"clusters": [0, 0, 1, 1], "treatment": [0, 1, 0, 1]}, "varies within a cluster"),
        ({"clusters": [0, 0, 1, 1], "blocks": [0, 1, 1, 1]}, "not nested"),
        ({"alternative": "bigger"}, "alternative"),
    ],
)
def test_bad_designs_are_refused(kwargs, message):
    args = {"y": [1.0, 2.0, 3.0, 4.0], "treatment": [0, 0, 1, 1], **kwargs}
    with pytest.raises(ValueError, match=message):
        randomization_test(**args)


def test_result_renders_and_exports():
    result = randomization_test([3.0, 4.0, 1.0, 2.0, 5.0, 0.0], [1, 1, 0, 0, 1, 0])
    frame = result.to_frame()
    assert list(frame.columns) == [
        "statistic",
        "p_value",
        "n_draws",
        "method",
        "alternative",
        "seed",
    ]
    assert "exact" in str(result) and "<table" in result._repr_html_()


def test_the_null_distribution_plots_with_the_observed_statistic():
    import matplotlib

    matplotlib.use("Agg")
    result = randomization_test([3.0, 4.0, 1.0, 2.0, 5.0, 0.0], [1, 1, 0, 0, 1, 0])
    ax = result.plot()
    assert ax.get_lines()[0].get_xdata()[0] == pytest.approx(result.statistic)
