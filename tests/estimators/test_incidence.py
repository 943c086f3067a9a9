"""Cumulative incidence: stored lifelines output, a slow reference, and the balanced panel."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import stats

from activemeasures import Panel, SpellRule
from activemeasures.estimators.incidence import (
    DIFFERENCE_COLUMNS,
    INCIDENCE_COLUMNS,
    cumulative_incidence,
)

GOLDEN = Path(__file__).resolve().parents[1] / "reference" / "incidence"
TOL = {"rtol": 1e-10, "atol": 1e-10}


# --------------------------------------------------------------- slow, obviously-correct


def km_reference(event, observed, horizon):
    """Week by week: who is at risk, who has the event, the product limit and Greenwood."""
    rows, survival, greenwood = [], 1.0, 0.0
    for w in range(1, horizon + 1):
        at_risk = sum(1 for e, t in zip(event, observed, strict=True) if (e if e > 0 else t) >= w)
        events = sum(1 for e in event if e == w)
        if at_risk > 0:
            survival *= 1 - events / at_risk
        if at_risk > events:
            greenwood += events / (at_risk * (at_risk - events))
        rows.append((w, at_risk, events, 1 - survival, survival * np.sqrt(greenwood)))
    return pd.DataFrame(
        rows, columns=["week", "n_at_risk", "n_events", "cumulative_share", "std_error"]
    )


def random_cohort(rng, n, horizon, n_groups=2):
    group = rng.integers(0, n_groups, n)
    observed = rng.integers(0, horizon + 1, n)
    first = rng.integers(1, horizon + 3, n)
    event = np.where((first <= observed) & (rng.random(n) < 0.6), first, 0)
    return event, observed, group


# ----------------------------------------------------------------------------- golden values


def golden_cases():
    inputs = pd.read_csv(GOLDEN / "inputs.csv")
    expected = pd.read_csv(GOLDEN / "lifelines_km.csv")
    for (case, alpha), part in expected.groupby(["case", "alpha"], sort=True):
        yield case, alpha, inputs[inputs["case"] == case], part


@pytest.mark.parametrize(
    ("case", "alpha", "inputs", "expected"),
    list(golden_cases()),
    ids=[f"{c}-{a:g}" for c, a, _, _ in golden_cases()],
)
def test_matches_stored_lifelines_kaplan_meier(case, alpha, inputs, expected):
    curve = cumulative_incidence(
        inputs["event_week"].to_numpy(),
        inputs["observed_weeks"].to_numpy(),
        inputs["group"].to_numpy(),
        alpha=alpha,
    )
    frame = curve.to_frame().merge(expected, on=["group", "week"], validate="1:1")
    assert len(frame) == len(expected) == curve.n_at_risk.size
    np.testing.assert_allclose(frame["cumulative_share"], 1 - frame["survival"], **TOL)
    np.testing.assert_allclose(frame["ci_lower"], 1 - frame["ci_upper_survival"], **TOL)
    np.testing.assert_allclose(frame["ci_upper"], 1 - frame["ci_lower_survival"], **TOL)


@settings(max_examples=40)
@given(
    seed=st.integers(0, 2**32 - 1),
    n=st.integers(1, 80),
    horizon=st.integers(1, 12),
    alpha=st.sampled_from([0.05, 0.1, 0.32]),
)
def test_matches_lifelines_on_random_cohorts(seed, n, horizon, alpha):
    lifelines = pytest.importorskip("lifelines")
    event, observed, _ = random_cohort(np.random.default_rng(seed), n, horizon, n_groups=1)
    if observed.max() == 0:
        return
    curve = cumulative_incidence(event, observed, alpha=alpha)
    weeks = np.arange(1, int(observed.max()) + 1)
    with np.errstate(all="ignore"):  # lifelines changes NumPy's global error state
        old = np.geterr()
        fitter = lifelines.KaplanMeierFitter(alpha=alpha).fit(
            np.where(event > 0, event, observed), event > 0, timeline=np.arange(weeks[-1] + 1)
        )
        np.seterr(**old)
    survival = fitter.survival_function_.iloc[:, 0].loc[weeks].to_numpy()
    bounds = fitter.confidence_interval_.loc[weeks].to_numpy()
    np.testing.assert_allclose(curve.cumulative_share[0], 1 - survival, **TOL)
    np.testing.assert_allclose(curve.ci_lower[0], 1 - bounds[:, 1], **TOL)
    np.testing.assert_allclose(curve.ci_upper[0], 1 - bounds[:, 0], **TOL)


@settings(max_examples=100)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), horizon=st.integers(1, 10))
def test_equals_the_week_by_week_reference(seed, n, horizon):
    event, observed, group = random_cohort(np.random.default_rng(seed), n, horizon, 3)
    curve = cumulative_incidence(event, observed, group, horizon=horizon)
    frame = curve.to_frame()
    for g in np.unique(group):
        here = group == g
        expected = km_reference(list(event[here]), list(observed[here]), horizon)
        got = frame[frame["group"] == g].reset_index(drop=True)
        np.testing.assert_array_equal(got["n_at_risk"], expected["n_at_risk"])
        np.testing.assert_array_equal(got["n_events"], expected["n_events"])
        np.testing.assert_allclose(got["cumulative_share"], expected["cumulative_share"], **TOL)
        np.testing.assert_allclose(got["std_error"], expected["std_error"], **TOL)
        assert np.all(np.diff(got["cumulative_share"]) >= 0)  # never falls
        assert np.all(
            (got["ci_lower"] <= got["cumulative_share"] + 1e-12)
            & (got["cumulative_share"] <= got["ci_upper"] + 1e-12)
        )


def test_row_order_does_not_matter():
    event, observed, group = random_cohort(np.random.default_rng(1), 200, 20)
    order = np.random.default_rng(2).permutation(200)
    a = cumulative_incidence(event, observed, group).to_frame()
    b = cumulative_incidence(event[order], observed[order], group[order]).to_frame()
    pd.testing.assert_frame_equal(a, b)


# ---------------------------------------------------------------- intervals and differences


def test_plain_interval_is_greenwood_normal_and_clipped():
    event, observed, group = random_cohort(np.random.default_rng(3), 40, 8)
    curve = cumulative_incidence(event, observed, group, ci="plain", alpha=0.1)
    z = stats.norm.ppf(0.95)
    survival = 1 - curve.cumulative_share
    np.testing.assert_allclose(
        curve.ci_lower, 1 - np.clip(survival + z * curve.std_error, 0, 1), atol=1e-14
    )
    np.testing.assert_allclose(
        curve.ci_upper, 1 - np.clip(survival - z * curve.std_error, 0, 1), atol=1e-14
    )
    assert curve.ci == "plain" and "plain" in str(curve)


def test_difference_is_treatment_minus_control_with_summed_variances():
    rng = np.random.default_rng(4)
    event, observed, group = random_cohort(rng, 300, 15)
    arms = np.where(group == 1, "treatment", "control")
    curve = cumulative_incidence(event, observed, arms)
    diff = curve.difference()
    assert tuple(diff.columns) == DIFFERENCE_COLUMNS
    t, c = curve._index("treatment"), curve._index("control")
    np.testing.assert_allclose(
        diff["estimate"], curve.cumulative_share[t] - curve.cumulative_share[c]
    )
    se = np.sqrt(curve.std_error[t] ** 2 + curve.std_error[c] ** 2)
    np.testing.assert_allclose(diff["std_error"], se)
    np.testing.assert_allclose(diff["ci_upper"], diff["estimate"] + stats.norm.ppf(0.975) * se)
    flipped = curve.difference("control", "treatment")
    np.testing.assert_allclose(flipped["estimate"], -diff["estimate"])
    # Two groups with other names: the second (sorted) minus the first.
    other = cumulative_incidence(event, observed, np.where(group == 1, "D", "K"))
    np.testing.assert_allclose(other.difference()["estimate"], -diff["estimate"])
    three = cumulative_incidence(event, observed, rng.integers(0, 3, 300))
    with pytest.raises(ValueError, match="name the two groups"):
        three.difference()
    with pytest.raises(KeyError, match="no group 'x'"):
        three.difference("x", 0)


# -------------------------------------------------------------------- the balanced panel


def test_balanced_is_the_plain_share_among_citizens_followed_throughout():
    event, observed, group = random_cohort(np.random.default_rng(5), 400, 10)
    observed[:150] = 10
    event[:150] = np.where(event[:150] > 0, event[:150], 0)
    curve = cumulative_incidence(event, observed, group, balanced=True, horizon=10)
    full = observed >= 10
    assert curve.n_excluded == int((~full).sum())
    for i, g in enumerate(curve.groups):
        here = full & (group == g)
        shares = [(((event > 0) & (event <= w)) & here).sum() / here.sum() for w in range(1, 11)]
        np.testing.assert_allclose(curve.cumulative_share[i], shares, atol=1e-14)
        assert (curve.n_at_risk[i, 0]) == here.sum()
    assert "balanced panel" in str(curve)


def test_horizon_truncates_events_and_follow_up():
    event = np.array([2, 6, 0, 3])
    observed = np.array([8, 8, 8, 3])
    curve = cumulative_incidence(event, observed, horizon=4)
    assert curve.week.tolist() == [1, 2, 3, 4]
    assert curve.n_events[0].tolist() == [0, 1, 1, 0]
    assert curve.n_at_risk[0].tolist() == [4, 4, 3, 2]
    assert curve.cumulative_share[0, -1] == pytest.approx(1 - (3 / 4) * (2 / 3))


def test_panel_criterion_is_monotone_where_the_naive_observed_share_dips():
    """SPEC.md §11 A-20: the naive share among the observed can fall; Kaplan–Meier cannot."""
    # Late visitations (observed 3 weeks) mostly meet a 2-week rule, early ones (observed 6
    # weeks) mostly do not: the naive share drops when the late ones leave after week 3.
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(8)],
            "municipality": "X",
            "visitation_date": ["2016-01-04"] * 4 + ["2016-01-25"] * 4,
            "arm": "treatment",
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": ["c0", "c4", "c5", "c6"],
            "activity": "INTERNSHIP",
            "start": ["2016-01-04"] + ["2016-01-25"] * 3,
            "end": ["2016-01-17"] + ["2016-02-07"] * 3,
        }
    )
    panel = Panel.from_frames(citizens, activities, cutoff="2016-02-14", horizon=6)
    met = panel.first_met_week(SpellRule(min_weeks=2, max_gap=0))
    observed = panel.observed_weeks
    naive = [
        ((met > 0) & (met <= w) & (observed >= w)).sum() / (observed >= w).sum()
        for w in range(1, 7)
    ]
    assert observed.tolist() == [6] * 4 + [3] * 4
    assert naive[1:4] == [0.5, 0.5, 0.25]
    curve = cumulative_incidence(met, observed)
    assert curve.cumulative_share[0].tolist() == [0, 0.5, 0.5, 0.5, 0.5, 0.5]
    assert curve.n_at_risk[0].tolist() == [8, 8, 4, 3, 3, 3]


# ------------------------------------------------------------------- result and errors


def test_result_renders_exports_and_plots():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    event, observed, group = random_cohort(np.random.default_rng(6), 50, 6)
    curve = cumulative_incidence(event, observed, np.where(group, "treatment", "control"))
    frame = curve.to_frame()
    assert tuple(frame.columns) == INCIDENCE_COLUMNS
    assert frame["group"].tolist()[:6] == ["control"] * 6
    assert "Kaplan–Meier" in str(curve) and "<table" in curve._repr_html_()
    assert "IncidenceCurve" in repr(curve)
    ax = curve.plot()
    assert ax.get_ylabel() == "Cumulative share"
    plt.close(ax.figure)
    with pytest.raises(ValueError):
        curve.cumulative_share[0, 0] = 0.5


@pytest.mark.parametrize(
    ("args", "kwargs", "match"),
    [
        (([1, 0], [1]), {}, "differ in length"),
        (([3, 0], [2, 2]), {}, "1 events lie after"),
        (([-1, 0], [2, 2]), {}, "event_week must be >= 0"),
        (([1.5, 0], [2, 2]), {}, "integers"),
        (([1, 0], [2, 2], ["a"]), {}, "one entry per citizen"),
        (([1, 0], [2, 2], ["a", None]), {}, "missing for 1"),
        (([1, 0], [2, 2]), {"ci": "arcsine"}, "ci must be one of"),
        (([1, 0], [2, 2]), {"alpha": 0}, "alpha"),
        (([0, 0], [0, 0]), {}, "horizon must be >= 1"),
    ],
)
def test_bad_inputs_are_refused(args, kwargs, match):
    with pytest.raises((ValueError, TypeError), match=match):
        cumulative_incidence(*args, **kwargs)
