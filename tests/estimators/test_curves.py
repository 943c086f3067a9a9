"""Weekly effect curves against slow per-week references, statsmodels and simulation."""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from activemeasures import Panel, SpellRule, State
from activemeasures.estimators import curves
from activemeasures.estimators.curves import EFFECT_COLUMNS, EffectCurve, weekly_effects
from activemeasures.outcomes import AnyHours, CumulativeCriterion, MeanHours, ShareInState
from activemeasures.panel import WorkplaceWeeks

TOL = {"rtol": 1e-12, "atol": 1e-12, "equal_nan": True}


# ------------------------------------------------------------------------------ test data


def make_panel(seed: int, n: int = 120, horizon: int = 6, n_blocks: int = 3) -> Panel:
    """A panel built directly from random arrays, with staggered observation.

    Arms include a few 'comparison' citizens (left out by the estimators); every week is
    censored for some citizens; states and hours are zero in unobserved weeks, as in panels
    built by ``Panel.from_frames``.
    """
    rng = np.random.default_rng(seed)
    citizens = pd.DataFrame(
        {
            "citizen_id": np.arange(n),
            "municipality": rng.choice([f"m{b:02d}" for b in range(n_blocks)], n),
            "visitation_date": pd.Timestamp("2016-03-01"),
            "arm": rng.choice(["treatment", "control", "comparison"], n, p=[0.47, 0.47, 0.06]),
            "age": rng.normal(40, 10, n).round(),
            "woman": (rng.random(n) < 0.5).astype(float),
        }
    )
    observed = rng.integers(0, horizon + 1, n)
    observed[: n // 3] = horizon
    bits = int(State.INTERNSHIP | State.WAGE_SUBSIDY | State.MENTOR)
    states = rng.integers(0, bits + 1, size=(n, horizon)) & bits
    hours = rng.choice([0.0, 0.0, 0.0, 3.5, 7.0, 12.25, 37.0], size=(n, horizon)).astype(np.float32)
    hours += rng.random((n, horizon)).astype(np.float32) * (hours > 0)
    states |= np.where(hours > 0, int(State.ORDINARY_HOURS), 0)
    unobserved = np.arange(horizon) >= observed[:, None]
    states[unobserved] = 0
    hours[unobserved] = 0
    return Panel(
        citizens=citizens,
        states=states,
        hours=hours,
        observed_weeks=observed,
        cutoff=pd.Timestamp("2017-12-31"),
        horizon=horizon,
        workplace_weeks=WorkplaceWeeks.concat([], pd.Index([])),
    )


def long_table(panel: Panel, values: np.ndarray) -> pd.DataFrame:
    """Tidy long table of the observed cells of a panel (rows present = observed)."""
    rows, weeks = np.nonzero(panel.observed)
    return pd.DataFrame(
        {
            "citizen_id": panel.citizens["citizen_id"].to_numpy()[rows],
            "week": weeks + 1,
            "y": values[rows, weeks],
            "arm": panel.citizens["arm"].to_numpy()[rows],
            "municipality": panel.citizens["municipality"].to_numpy()[rows],
            "age": panel.citizens["age"].to_numpy()[rows],
        }
    )


# ------------------------------------------------------- slow, obviously-correct references


def welch(t: np.ndarray, c: np.ndarray) -> tuple[float, float, float]:
    """Welch difference, its standard error and Welch–Satterthwaite df (explicit formulas)."""
    v1, v0 = np.var(t, ddof=1) / len(t), np.var(c, ddof=1) / len(c)
    with np.errstate(invalid="ignore"):  # 0 / 0 when both arms are constant: NaN
        df = (v1 + v0) ** 2 / (v1**2 / (len(t) - 1) + v0**2 / (len(c) - 1))
    return float(np.mean(t) - np.mean(c)), float(np.sqrt(v1 + v0)), float(df)


def reference_curve(y, observed, arm, block, method, keep=None) -> pd.DataFrame:
    """Week by week, block by block, with plain NumPy on the citizens observed that week."""
    n, horizon = y.shape
    keep = np.ones(n, dtype=bool) if keep is None else keep
    out = []
    for w in range(horizon):
        here = observed[:, w] & keep
        treated, control = here & (arm == "treatment"), here & (arm == "control")
        row = {"week": w + 1}
        if method == "raw":
            t, c = y[treated, w], y[control, w]
            row.update(n_treatment=len(t), n_control=len(c))
            row.update(mean_treatment=np.mean(t) if len(t) else np.nan)
            row.update(mean_control=np.mean(c) if len(c) else np.nan)
            if len(t) >= 2 and len(c) >= 2:
                est, se, df = welch(t, c)
            else:
                est = row["mean_treatment"] - row["mean_control"]
                se = df = np.nan
            row.update(estimate=est, std_error=se, df=df, n_blocks_dropped=0)
        else:
            sizes, diffs, variances, dropped = [], [], [], 0
            t_all, c_all = [], []
            for b in np.unique(block):
                t = y[treated & (block == b), w]
                c = y[control & (block == b), w]
                if len(t) + len(c) == 0:
                    continue
                if len(t) < 2 or len(c) < 2:
                    dropped += 1
                    continue
                d, se_b, _ = welch(t, c)
                sizes.append(len(t) + len(c))
                diffs.append(d)
                variances.append(se_b**2)
                t_all += list(t)
                c_all += list(c)
            total = sum(sizes)
            weights = [s / total for s in sizes]
            row.update(n_treatment=len(t_all), n_control=len(c_all))
            row.update(mean_treatment=np.mean(t_all) if t_all else np.nan)
            row.update(mean_control=np.mean(c_all) if c_all else np.nan)
            if sizes:
                est = sum(wt * d for wt, d in zip(weights, diffs, strict=True))
                var = sum(wt**2 * v for wt, v in zip(weights, variances, strict=True))
                row.update(estimate=est, std_error=np.sqrt(var), df=total - 2 * len(sizes))
            else:
                row.update(estimate=np.nan, std_error=np.nan, df=np.nan)
            row.update(n_blocks_dropped=dropped)
        df = row["df"]
        if np.isfinite(df) and df > 0 and np.isfinite(row["std_error"]):
            q = stats.t.ppf(0.975, df)
            row.update(ci_lower=row["estimate"] - q * row["std_error"])
            row.update(ci_upper=row["estimate"] + q * row["std_error"])
        out.append(row)
    return pd.DataFrame(out)


def assert_matches_reference(curve: EffectCurve, reference: pd.DataFrame) -> None:
    frame = curve.to_frame()
    for column in ("week", "n_treatment", "n_control", "n_blocks_dropped"):
        np.testing.assert_array_equal(frame[column], reference[column], err_msg=column)
    for column in ("mean_treatment", "mean_control", "estimate", "std_error"):
        np.testing.assert_allclose(frame[column], reference[column], **TOL, err_msg=column)
    ok = np.isfinite(reference["df"]) & (reference["df"] > 0)
    np.testing.assert_allclose(frame["df"][ok], reference["df"][ok], **TOL)
    if "ci_lower" in reference:
        has = reference["ci_lower"].notna()
        for column in ("ci_lower", "ci_upper"):
            np.testing.assert_allclose(
                frame[column][has], reference[column][has], rtol=1e-9, err_msg=column
            )


def panel_arrays(panel: Panel) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    return (
        panel.observed,
        panel.citizens["arm"].to_numpy(),
        panel.citizens["municipality"].to_numpy(),
    )


# ------------------------------------------------------------------------------ the tests


OUTCOMES = [
    ShareInState(State.INTERNSHIP),
    ShareInState(State.WAGE_SUBSIDY),
    MeanHours(),
    AnyHours(),
    CumulativeCriterion(SpellRule(min_weeks=2, max_gap=1)),
]


@pytest.mark.parametrize("method", ["blocked", "raw"])
@pytest.mark.parametrize("outcome", OUTCOMES, ids=lambda o: o.name)
@pytest.mark.parametrize("chunk_rows", [8192, 7])
def test_equals_the_per_week_loop(method, outcome, chunk_rows, monkeypatch):
    # chunk_rows=7 makes the Chan et al. merge of row blocks do real work.
    monkeypatch.setattr(curves, "_CHUNK_ROWS", chunk_rows)
    panel = make_panel(seed=1, n=150, horizon=7, n_blocks=4)
    observed, arm, block = panel_arrays(panel)
    curve = weekly_effects(panel, outcome, method=method, bands=False)
    reference = reference_curve(outcome.values(panel), observed, arm, block, method)
    assert_matches_reference(curve, reference)


@settings(max_examples=60)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(4, 60),
    horizon=st.integers(1, 6),
    n_blocks=st.integers(1, 5),
    method=st.sampled_from(["blocked", "raw"]),
    kind=st.sampled_from(["float", "ties", "bool"]),
    chunk_rows=st.sampled_from([3, 16, 8192]),
)
def test_equals_the_per_week_loop_on_random_panels(
    seed, n, horizon, n_blocks, method, kind, chunk_rows
):
    panel = make_panel(seed, n=n, horizon=horizon, n_blocks=n_blocks)
    rng = np.random.default_rng(seed + 1)
    values = {
        "float": lambda: rng.normal(3.0, 2.0, (n, horizon)),
        "ties": lambda: rng.choice([0.0, 0.1, 37.0], (n, horizon)),  # constant groups too
        "bool": lambda: rng.random((n, horizon)) < 0.3,
    }[kind]()
    arms = set(panel.citizens["arm"])
    if not {"treatment", "control"} <= arms:
        with pytest.raises(ValueError, match="no citizen has treatment value"):
            weekly_effects(panel, values, method=method, bands=False)
        return
    old = curves._CHUNK_ROWS
    curves._CHUNK_ROWS = chunk_rows
    try:
        curve = weekly_effects(panel, values, method=method, bands=False)
    finally:
        curves._CHUNK_ROWS = old
    observed, arm, block = panel_arrays(panel)
    reference = reference_curve(values.astype(float), observed, arm, block, method)
    assert_matches_reference(curve, reference)


@pytest.mark.parametrize("method", ["blocked", "raw"])
@pytest.mark.parametrize("fill", [np.nan, np.inf, -np.inf, 1e300])
def test_values_in_censored_weeks_are_never_read(method, fill):
    # The fast path multiplies by the observed mask: a non-finite value in a censored cell
    # would turn into NaN there, so it must fall back to the path that skips those cells.
    panel = make_panel(seed=5, n=120, horizon=6, n_blocks=3)
    rng = np.random.default_rng(9)
    values = rng.normal(2.0, 1.0, (panel.n_citizens, panel.horizon))
    filled = np.where(panel.observed, values, fill)
    assert (~panel.observed).any()  # the test has censored cells to fill
    clean = weekly_effects(panel, values, method=method, bands=False).to_frame()
    dirty = weekly_effects(panel, filled, method=method, bands=False).to_frame()
    pd.testing.assert_frame_equal(clean, dirty, rtol=1e-12, atol=1e-12)


@pytest.mark.parametrize("outcome", OUTCOMES[:4], ids=lambda o: o.name)
def test_raw_standard_error_is_hc2_of_a_treatment_dummy(outcome):
    panel = make_panel(seed=2, n=200, horizon=5)
    curve = weekly_effects(panel, outcome, method="raw", bands=False)
    y = outcome.values(panel)
    arm = panel.citizens["arm"].to_numpy()
    for w in range(panel.horizon):
        use = panel.observed[:, w] & np.isin(arm, ["treatment", "control"])
        x = sm.add_constant((arm[use] == "treatment").astype(float))
        fit = sm.OLS(y[use, w], x).fit(cov_type="HC2")
        assert curve.estimate[w] == pytest.approx(fit.params[1], rel=1e-10, abs=1e-12)
        assert curve.std_error[w] == pytest.approx(fit.bse[1], rel=1e-10, abs=1e-12)


def lin_reference(y, observed, arm, covariates):
    """statsmodels OLS per week of y on [1, T, X - mean, T (X - mean)] with HC2."""
    rows = []
    for w in range(y.shape[1]):
        use = observed[:, w] & np.isin(arm, ["treatment", "control"])
        t = (arm[use] == "treatment").astype(float)[:, None]
        x = covariates[use] - covariates[use].mean(axis=0)
        design = np.hstack([np.ones_like(t), t, x, t * x])
        fit = sm.OLS(y[use, w], design).fit(cov_type="HC2")
        rows.append((fit.params[1], fit.bse[1], use.sum() - design.shape[1]))
    return np.array(rows)


@pytest.mark.parametrize("outcome", [MeanHours(), AnyHours()], ids=lambda o: o.name)
def test_lin_equals_statsmodels_hc2_per_week(outcome):
    panel = make_panel(seed=3, n=300, horizon=5)
    curve = weekly_effects(
        panel, outcome, method="lin", blocks=None, covariates=["age", "woman"], bands=False
    )
    observed, arm, _ = panel_arrays(panel)
    covariates = panel.citizens[["age", "woman"]].to_numpy(dtype=float)
    expected = lin_reference(outcome.values(panel), observed, arm, covariates)
    np.testing.assert_allclose(curve.estimate, expected[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(curve.std_error, expected[:, 1], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(curve.df, expected[:, 2])


def block_dummies(block: np.ndarray, levels) -> np.ndarray:
    return (block[:, None] == np.asarray(levels)).astype(float)


def test_lin_with_blocks_adds_block_indicators(monkeypatch):
    monkeypatch.setattr(curves, "_CHUNK_ROWS", 50)
    panel = make_panel(seed=4, n=400, horizon=4, n_blocks=3)
    observed, arm, block = panel_arrays(panel)
    covariates = np.hstack(
        [panel.citizens[["age"]].to_numpy(dtype=float), block_dummies(block, ["m01", "m02"])]
    )
    expected = lin_reference(MeanHours().values(panel), observed, arm, covariates)
    curve = weekly_effects(panel, MeanHours(), method="lin", covariates=["age"], bands=False)
    np.testing.assert_allclose(curve.estimate, expected[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(curve.std_error, expected[:, 1], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(curve.df, expected[:, 2])


@pytest.mark.parametrize("who", ["everyone", "treated"])
def test_lin_leaves_out_a_block_in_the_weeks_it_lacks_an_arm(who):
    # Block m02 (everyone, or only its treated citizens) is censored after week 2. With
    # everyone gone its indicator is 0 in weeks 3-4 and is dropped as collinear (as lm
    # does); with controls only it is left out of those weeks, as method "blocked" does.
    panel = make_panel(seed=5, n=300, horizon=4, n_blocks=3)
    block = panel.citizens["municipality"].to_numpy()
    arm = panel.citizens["arm"].to_numpy()
    cut = (block == "m02") & ((arm == "treatment") if who == "treated" else True)
    panel = attrs_evolve(
        panel,
        observed_weeks=np.where(cut, np.minimum(panel.observed_weeks, 2), panel.observed_weeks),
    )
    observed, arm, _ = panel_arrays(panel)
    y = MeanHours().values(panel)
    age = panel.citizens[["age"]].to_numpy(dtype=float)
    both = np.hstack([age, block_dummies(block, ["m01", "m02"])])
    early = lin_reference(y[:, :2], observed[:, :2], arm, both)
    late_rows = observed[:, 2:] & (block != "m02")[:, None]
    late = lin_reference(y[:, 2:], late_rows, arm, both[:, :2])
    expected = np.vstack([early, late])
    curve = weekly_effects(panel, MeanHours(), method="lin", covariates=["age"], bands=False)
    np.testing.assert_allclose(curve.estimate, expected[:, 0], rtol=1e-10, atol=1e-12)
    np.testing.assert_allclose(curve.std_error, expected[:, 1], rtol=1e-10, atol=1e-12)
    np.testing.assert_array_equal(curve.df, expected[:, 2])
    dropped = [0, 0, 1, 1] if who == "treated" else [0, 0, 0, 0]
    assert curve.n_blocks_dropped.tolist() == dropped
    blocked = weekly_effects(panel, MeanHours(), bands=False)
    assert blocked.n_blocks_dropped.tolist() == dropped


def attrs_evolve(panel: Panel, **changes) -> Panel:
    return attrs.evolve(panel, **changes)


def test_a_long_table_gives_the_same_curve_as_the_panel():
    panel = make_panel(seed=6, n=200, horizon=6)
    y = MeanHours().values(panel)
    from_panel = weekly_effects(panel, y, seed=3)
    from_table = weekly_effects(long_table(panel, y), "y", seed=3)
    pd.testing.assert_frame_equal(from_panel.to_frame(), from_table.to_frame(), rtol=1e-12)
    lin_panel = weekly_effects(panel, y, method="lin", covariates=["age"], bands=False)
    lin_table = weekly_effects(
        long_table(panel, y), "y", method="lin", covariates=["age"], bands=False
    )
    pd.testing.assert_frame_equal(lin_panel.to_frame(), lin_table.to_frame(), rtol=1e-10)


def test_outcome_specifications_are_equivalent():
    panel = make_panel(seed=7)
    by_object = weekly_effects(panel, ShareInState(State.INTERNSHIP), seed=1).to_frame()
    for spec in (State.INTERNSHIP, "internship", ShareInState(State.INTERNSHIP).values(panel)):
        pd.testing.assert_frame_equal(weekly_effects(panel, spec, seed=1).to_frame(), by_object)
    hours = weekly_effects(panel, "hours", bands=False)
    assert hours.outcome == "hours"
    pd.testing.assert_frame_equal(
        hours.to_frame(), weekly_effects(panel, MeanHours(), bands=False).to_frame()
    )
    assert weekly_effects(panel, "any_hours", bands=False).outcome == "any_hours"


@settings(max_examples=40)
@given(seed=st.integers(0, 2**32 - 1), method=st.sampled_from(["blocked", "raw", "lin"]))
def test_invariant_to_row_order_and_block_labels(seed, method):
    panel = make_panel(seed % 1000, n=80, horizon=4, n_blocks=3)
    y = np.random.default_rng(seed).normal(size=(80, 4))
    covariates = ["age"] if method == "lin" else None
    base = weekly_effects(panel, y, method=method, covariates=covariates, seed=5).to_frame()
    order = np.random.default_rng(seed).permutation(80)
    shuffled = attrs_evolve(
        panel,
        citizens=panel.citizens.iloc[order].reset_index(drop=True),
        states=panel.states[order],
        hours=panel.hours[order],
        observed_weeks=panel.observed_weeks[order],
    )
    relabel = {"m00": "Vejle", "m01": "Aarhus", "m02": "Holbæk"}
    relabelled = attrs_evolve(
        shuffled,
        citizens=shuffled.citizens.assign(
            municipality=shuffled.citizens["municipality"].map(relabel)
        ),
    )
    other = weekly_effects(relabelled, y[order], method=method, covariates=covariates, seed=5)
    band = ["band_lower", "band_upper"]
    pd.testing.assert_frame_equal(
        other.to_frame().drop(columns=band), base.drop(columns=band), rtol=1e-10, atol=1e-12
    )
    # The band's correlation is accumulated in float32 (relative error about 1e-6).
    pd.testing.assert_frame_equal(other.to_frame()[band], base[band], rtol=1e-5)


def test_long_table_row_order_does_not_matter():
    panel = make_panel(seed=8)
    table = long_table(panel, AnyHours().values(panel))
    base = weekly_effects(table, "y", seed=2).to_frame()
    shuffled = table.sample(frac=1.0, random_state=1)
    pd.testing.assert_frame_equal(weekly_effects(shuffled, "y", seed=2).to_frame(), base)


def test_balanced_keeps_only_citizens_observed_in_every_week():
    panel = make_panel(seed=9, n=200, horizon=5)
    outcome = CumulativeCriterion(SpellRule(min_weeks=2, max_gap=1))
    observed, arm, block = panel_arrays(panel)
    keep = panel.observed_weeks >= panel.horizon
    for method in ("blocked", "raw"):
        curve = weekly_effects(panel, outcome, method=method, balanced=True, bands=False)
        reference = reference_curve(outcome.values(panel), observed, arm, block, method, keep)
        assert_matches_reference(curve, reference)
        assert curve.balanced
        assert len(set(curve.n_treatment + curve.n_control)) == 1  # same citizens every week


def test_blocks_lacking_an_arm_are_dropped_per_week_and_counted():
    # Block A: treated 1, 2 and controls 3, 4 in both weeks. Block B: treated 5, 6 and
    # controls 7, 8 in week 1; citizen 6 is censored after week 1, leaving one treated.
    ids = [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 7, 8]
    arms = {1: "treatment", 2: "treatment", 5: "treatment", 6: "treatment"}
    table = pd.DataFrame(
        {
            "citizen_id": ids,
            "week": [1] * 8 + [2] * 7,
            "y": [1.0, 2, 0, 1, 5, 7, 2, 1, 1, 4, 0, 2, 6, 1, 3],
            "arm": [arms.get(i, "control") for i in ids],
            "municipality": ["A" if i <= 4 else "B" for i in ids],
        }
    )
    curve = weekly_effects(table, "y", bands=False)
    assert curve.n_blocks_dropped.tolist() == [0, 1]
    assert curve.df.tolist() == [8 - 2 * 2, 4 - 2 * 1]
    assert curve.n_treatment.tolist() == [4, 2]
    assert curve.estimate[1] == pytest.approx((1 + 4) / 2 - (0 + 2) / 2)
    assert "blocks dropped (an arm with < 2 citizens) in 1 week" in str(curve)
    only_b = weekly_effects(table[table.municipality == "B"], "y")
    assert np.isnan(only_b.estimate[1]) and only_b.n_blocks_dropped.tolist() == [0, 1]
    assert np.isfinite(only_b.band_lower[0]) and np.isnan(only_b.band_lower[1])


def test_weeks_without_data_are_nan_not_errors():
    panel = make_panel(seed=10, n=40, horizon=4)
    panel = attrs_evolve(panel, observed_weeks=np.minimum(panel.observed_weeks, 2))
    for method in ("blocked", "raw", "lin"):
        curve = weekly_effects(panel, "hours", method=method)
        assert np.isnan(curve.estimate[2:]).all()
        assert (curve.n_treatment[2:] == 0).all()
        assert np.isnan(curve.band_lower[2:]).all()


# ---------------------------------------------------------------------------- the bands


def test_band_contains_the_pointwise_interval_and_uses_the_influence_correlation():
    panel = make_panel(seed=11, n=400, horizon=8)
    for method, covariates in (("blocked", None), ("raw", None), ("lin", ["age"])):
        curve = weekly_effects(panel, "hours", method=method, covariates=covariates)
        assert np.all(curve.band_lower <= curve.ci_lower + 1e-12)
        assert np.all(curve.band_upper >= curve.ci_upper - 1e-12)
        assert curve.band_critical_value > stats.norm.ppf(0.975)
        np.testing.assert_allclose(np.diag(curve.correlation), 1.0)
        np.testing.assert_allclose(curve.correlation, curve.correlation.T, atol=1e-12)


def test_same_seed_same_band_and_n_draws_is_recorded():
    panel = make_panel(seed=12)
    a = weekly_effects(panel, "hours", seed=7, n_draws=500)
    b = weekly_effects(panel, "hours", seed=7, n_draws=500)
    np.testing.assert_array_equal(a.band_upper, b.band_upper)
    assert (a.n_draws, a.seed) == (500, 7)
    off = weekly_effects(panel, "hours", bands=False)
    assert np.isnan(off.band_lower).all() and off.correlation is None and off.n_draws == 0


def test_band_critical_value_is_the_quantile_of_the_largest_of_the_normals():
    k, alpha, usable = 6, 0.05, np.ones(6, dtype=bool)
    independent, _ = curves._sup_t_critical_value(np.eye(k), usable, alpha, 100_000, 0)
    # P(max |Z_w| <= c) = (2 Phi(c) - 1)^k for independent weeks.
    assert independent == pytest.approx(stats.norm.ppf((1 + (1 - alpha) ** (1 / k)) / 2), abs=0.02)
    identical, _ = curves._sup_t_critical_value(np.ones((k, k)), usable, alpha, 100_000, 0)
    assert identical == pytest.approx(stats.norm.ppf(1 - alpha / 2), abs=0.02)


@pytest.mark.parametrize("rho", [0.0, 0.5, 0.9999])
def test_band_critical_value_does_not_move_with_the_last_bits_of_the_correlation(rho):
    """Sums over citizens in another order (the distributed path) change the cross-product in
    its last bits; the draws must not change with them, even when eigenvalues are equal
    (rho = 0: the eigenvectors are arbitrary) or the matrix nearly singular."""
    k = 40
    cross = rho ** np.abs(np.subtract.outer(np.arange(k), np.arange(k)))
    noise = np.random.default_rng(3).uniform(-1, 1, (k, k))
    nudged = cross * (1 + 4e-16 * (noise + noise.T))
    usable = np.ones(k, dtype=bool)
    a, _ = curves._sup_t_critical_value(cross, usable, 0.05, 10_000, 0)
    b, _ = curves._sup_t_critical_value(nudged, usable, 0.05, 10_000, 0)
    assert abs(a - b) < 1e-12


def test_band_covers_the_whole_curve_with_the_right_frequency():
    """Seeded simulation under the null: correlated weekly outcomes, censoring, 4 blocks."""
    rng = np.random.default_rng(2024)
    n, horizon, reps = 240, 6, 150
    block = rng.integers(0, 4, n)
    observed = np.where(rng.random(n) < 0.7, horizon, rng.integers(2, horizon + 1, n))
    citizens = pd.DataFrame({"citizen_id": np.arange(n), "block": block})
    band_cover = point_cover = 0
    estimates, mean_corr = [], np.zeros((horizon, horizon))
    for _ in range(reps):
        arm = np.where(rng.permutation(n) < n // 2, "treatment", "control")
        persistent = rng.normal(size=(n, 1))
        y = 2.0 * block[:, None] + persistent + 0.6 * rng.normal(size=(n, horizon))
        rows, weeks = np.nonzero(np.arange(horizon) < observed[:, None])
        table = pd.DataFrame(
            {
                "citizen_id": rows,
                "week": weeks + 1,
                "y": y[rows, weeks],
                "arm": arm[rows],
                "block": block[rows],
            }
        )
        curve = weekly_effects(table, "y", blocks="block", n_draws=2000, seed=1)
        band_cover += np.all((curve.band_lower <= 0) & (curve.band_upper >= 0))
        point_cover += np.all((curve.ci_lower <= 0) & (curve.ci_upper >= 0))
        estimates.append(curve.estimate)
        mean_corr += curve.correlation / reps
    assert citizens.shape[0] == n
    # 150 replications: the binomial standard error at 0.95 is 0.018.
    assert 0.90 <= band_cover / reps <= 0.995
    assert point_cover / reps < band_cover / reps  # pointwise CIs miss the curve more often
    empirical = np.corrcoef(np.array(estimates).T)
    np.testing.assert_allclose(mean_corr, empirical, atol=0.15)


# ---------------------------------------------------------------------- the result object


def test_result_renders_exports_and_plots():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    panel = make_panel(seed=13)
    curve = weekly_effects(panel, CumulativeCriterion(SpellRule(min_weeks=2)))
    frame = curve.to_frame()
    assert tuple(frame.columns) == EFFECT_COLUMNS
    assert frame["week"].tolist() == list(range(1, panel.horizon + 1))
    text = str(curve)
    assert "Share meeting the 2-week criterion" in text and "sup-t band" in text
    assert "<table" in curve._repr_html_()
    assert "EffectCurve" in repr(curve)
    for kind in ("effect", "levels"):
        fig, ax = plt.subplots()
        assert curve.plot(ax=ax, kind=kind) is ax
        assert ax.get_xlabel() == "Weeks since visitation"
        plt.close(fig)
    ax = curve.plot()
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="kind"):
        curve.plot(kind="bars")
    with pytest.raises(AttributeError):
        curve.estimate = None
    with pytest.raises(ValueError):
        curve.estimate[0] = 1.0


# ---------------------------------------------------------------------------- the errors


@pytest.mark.parametrize(
    ("kwargs", "error", "match"),
    [
        ({"method": "ols"}, ValueError, "method must be one of"),
        ({"method": "blocked", "blocks": None}, ValueError, "needs a block column"),
        ({"covariates": ["age"]}, ValueError, "only used by method='lin'"),
        ({"alpha": 1.5}, ValueError, "alpha"),
        ({"treatment": "group"}, ValueError, "'group' is not in the panel"),
        ({"treated": "D"}, ValueError, "no citizen has treatment value 'D'"),
        ({"method": "lin", "covariates": ["shoe_size"]}, ValueError, "shoe_size"),
    ],
)
def test_bad_arguments_are_refused(kwargs, error, match):
    with pytest.raises(error, match=match):
        weekly_effects(make_panel(seed=14), "hours", **kwargs)


def test_bad_inputs_are_refused_with_counts():
    panel = make_panel(seed=15, n=30, horizon=3)
    with pytest.raises(ValueError, match="shape"):
        weekly_effects(panel, np.zeros((30, 2)))
    with pytest.raises(TypeError, match="Panel or a pandas DataFrame"):
        weekly_effects(np.zeros((3, 3)), "y")
    table = long_table(panel, MeanHours().values(panel))
    with pytest.raises(ValueError, match="columns not in the table: 'z'"):
        weekly_effects(table, "z")
    with pytest.raises(ValueError, match="2 duplicate citizen-week rows"):
        weekly_effects(pd.concat([table, table.iloc[:2]]), "y")
    with pytest.raises(ValueError, match="1 missing or infinite"):
        weekly_effects(table.assign(y=table["y"].where(table.index != 0)), "y")
    first = table.index[table["citizen_id"] == table["citizen_id"].iloc[0]]
    assert len(first) > 1
    flipped = table.copy()
    flipped.loc[first[0], "arm"] = "comparison"
    with pytest.raises(ValueError, match="vary: 'arm'"):
        weekly_effects(flipped, "y")
    citizens = panel.citizens.copy()
    citizens.loc[citizens.index[citizens["arm"] == "treatment"][0], "municipality"] = None
    with pytest.raises(ValueError, match="block column 'municipality' is missing for 1"):
        weekly_effects(attrs_evolve(panel, citizens=citizens), "hours")
