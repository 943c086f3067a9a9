"""Descriptive analyses: every output says 'descriptive, not causal' and matches slow loops."""

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as plt
import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures_flereskalmed.constants import FIDELITY_RESULTS_REGRESSION
from activemeasures_flereskalmed.descriptive import (
    NOTE,
    POPULATION_BANDS,
    VOLUME_BANDS,
    Band,
    background_ols,
    band_table,
    compare_groups,
    fidelity_results_regression,
    spread,
)

LABEL = "descriptive, not causal"


def assert_labelled(result):
    assert result.note == NOTE and LABEL in NOTE.lower()
    assert LABEL in str(result).lower()
    assert LABEL in result._repr_html_().lower()
    ax = result.plot()
    assert LABEL in ax.get_title().lower()
    plt.close(ax.figure)


def monthly_table():
    # Group 1 is behind until month 2, then ahead from month 3 on; "all" in between.
    rows = []
    for group, counts in {
        "1": [(10, 2), (10, 2), (10, 5), (8, 6)],
        "fsm": [(30, 6), (30, 6), (30, 9), (25, 12)],
        "comparison": [(20, 4), (20, 5), (20, 6), (20, 7)],
    }.items():
        for month, (n_obs, n_in) in enumerate(counts, start=1):
            rows.append((group, month, n_obs, n_in, n_in / n_obs))
    return pd.DataFrame(rows, columns=["group", "month", "n_observed", "n_in_state", "share"])


def test_compare_groups_lines_up_months_and_groups():
    result = compare_groups(
        monthly_table(),
        groups=["1", "fsm", "comparison"],
        labels={"1": "Group 1", "comparison": "Comparison group"},
    )
    wide = result.wide()
    assert wide.columns.tolist() == ["1", "fsm", "comparison"]
    assert wide.loc[3, "1"] == 0.5 and wide.loc[4, "comparison"] == 0.35
    # Month 1: 0.2 vs 0.2 (not ahead), month 2: 0.2 vs 0.25, months 3-4: 0.5 > 0.3, 0.75 > 0.35.
    assert result.months_ahead("1", "comparison") == 3
    assert result.months_ahead("comparison", "1") is None
    assert result.difference("1", "comparison").loc[4] == pytest.approx(0.4)
    assert result.to_frame()["label"].iloc[0] == "Group 1"
    assert_labelled(result)


def test_compare_groups_selects_one_outcome_of_a_multi_outcome_table():
    one = monthly_table()
    table = pd.concat(
        [one.assign(outcome="course"), one.assign(outcome="hours", share=0.0, n_in_state=0)]
    )
    with pytest.raises(ValueError, match="choose the outcome"):
        compare_groups(table)
    result = compare_groups(table, outcome="course")
    assert result.outcome == "course"
    assert result.wide().equals(compare_groups(one).wide())
    assert compare_groups(one.assign(outcome="course")).outcome == "course"


def test_compare_groups_checks_its_input():
    table = monthly_table()
    with pytest.raises(ValueError, match="lacks the columns"):
        compare_groups(table.drop(columns="share"))
    with pytest.raises(ValueError, match="not in the monthly table"):
        compare_groups(table, groups=["2"])
    with pytest.raises(ValueError, match="share != n_in_state / n_observed"):
        compare_groups(table.assign(share=0.9))
    with pytest.raises(ValueError, match="more than one row"):
        compare_groups(pd.concat([table, table.head(1)]))


municipality_rows = st.lists(
    st.tuples(
        st.integers(0, 80_000),
        st.integers(0, 900),
        st.floats(1, 5),
        st.integers(0, 50),
        st.integers(0, 50),
    ),
    min_size=1,
    max_size=30,
)


@settings(max_examples=20, deadline=None)
@given(
    rows=municipality_rows,
    by_volume=st.booleans(),
    aggregate=st.sampled_from(["municipality_mean", "pooled"]),
)
def test_band_table_matches_a_loop_over_municipalities(rows, by_volume, aggregate):
    frame = pd.DataFrame(rows, columns=["population", "group_1", "fidelity", "a", "b"])
    frame["in_state"] = np.minimum(frame["a"], frame["b"])
    frame["observed"] = np.maximum(frame["a"], frame["b"])
    by, bands = ("group_1", VOLUME_BANDS) if by_volume else ("population", POPULATION_BANDS)
    table = band_table(
        frame,
        by=by,
        bands=bands,
        scores=["fidelity"],
        shares={"course": ("in_state", "observed")},
        aggregate=aggregate,
    )
    got = table.to_frame().set_index(["band", "measure"])
    for band in [*bands, None]:
        label = "all" if band is None else band.label
        members = [
            r
            for r in frame.itertuples()
            if band is None or band.low <= getattr(r, by) <= (band.high or np.inf)
        ]
        scores = [r.fidelity for r in members]
        row = got.loc[(label, "fidelity")]
        assert row["n_municipalities"] == len(members)
        if scores:
            assert row["value"] == pytest.approx(sum(scores) / len(scores))
        else:
            assert np.isnan(row["value"])
        observed = [r for r in members if r.observed > 0]
        row = got.loc[(label, "course")]
        assert row["n_observed"] == sum(r.observed for r in observed)
        assert row["n_in_state"] == sum(r.in_state for r in observed)
        if not observed:
            assert np.isnan(row["value"])
        elif aggregate == "pooled":
            assert row["value"] == pytest.approx(
                sum(r.in_state for r in observed) / sum(r.observed for r in observed)
            )
        else:
            assert row["value"] == pytest.approx(
                sum(r.in_state / r.observed for r in observed) / len(observed)
            )


def test_band_table_layout_bands_and_errors():
    # Band edges as printed: 25,000 is small, 25,001 medium; 99 is < 100, 100 and 500 are
    # 100-500, 501 is > 500 (003, L1334-1341, L2364-2370).
    assert [b.label for b in POPULATION_BANDS if b.contains([25_000])[0]] == ["0-25,000"]
    assert [b.label for b in POPULATION_BANDS if b.contains([25_001])[0]] == ["25,001-50,000"]
    assert [b.label for b in VOLUME_BANDS if b.contains([100])[0]] == ["100-500"]
    assert [b.label for b in VOLUME_BANDS if b.contains([500])[0]] == ["100-500"]
    assert [b.label for b in VOLUME_BANDS if b.contains([501])[0]] == ["> 500"]
    frame = pd.DataFrame({"population": [10, 30_000], "fidelity": [4.1, 3.9]})
    table = band_table(frame, by="population", bands=POPULATION_BANDS, scores=["fidelity"])
    assert table.wide().columns.tolist() == ["0-25,000", "25,001-50,000", "> 50,000", "all"]
    assert_labelled(table)
    with pytest.raises(ValueError, match="overlap"):
        band_table(
            frame,
            by="population",
            bands=[Band(label="a", low=0, high=20_000), Band(label="b", low=5, high=None)],
        )
    with pytest.raises(ValueError, match="1 municipalities"):
        band_table(frame, by="population", bands=[Band(label="a", low=0, high=20_000)])
    with pytest.raises(ValueError, match="aggregate"):
        band_table(frame, by="population", bands=POPULATION_BANDS, aggregate="median")
    with pytest.raises(ValueError):
        Band(label="x", low=5, high=1)


def test_spread_is_min_quartiles_median_max():
    # 1..9: quartiles by linear interpolation at positions 2 and 6 -> 3 and 7.
    assert spread(range(1, 10)).tolist() == [9, 1, 3, 5, 7, 9]
    assert spread([np.nan, 2.0]).tolist() == [1, 2, 2, 2, 2, 2]
    assert spread([])["n"] == 0


def slow_ols(y, x):
    """OLS by the normal equations, written out."""
    design = np.column_stack([np.ones(len(y)), x])
    return np.linalg.solve(design.T @ design, design.T @ y)


def background_data(seed=0, n=3000):
    rng = np.random.default_rng(seed)
    frame = pd.DataFrame(
        {
            "history_hours": rng.integers(0, 2, n),
            "man": rng.integers(0, 2, n),
            "benefit": rng.choice(["cash", "education", "integration"], n),
        }
    )
    frame["hours"] = (rng.random(n) < 0.1 + 0.55 * frame["history_hours"]).astype(int)
    frame["course"] = (rng.random(n) < 0.6 + 0.19 * frame["history_hours"]).astype(float)
    frame.loc[:4, "course"] = np.nan
    return frame


def test_background_ols_coefficients_match_the_normal_equations_and_table_layout():
    frame = background_data()
    result = background_ols(
        frame,
        outcomes=["course", "hours"],
        regressors=["history_hours", "man"],
        controls=["benefit"],
    )
    used = frame.dropna()
    dummies = pd.get_dummies(used["benefit"], drop_first=True, dtype=float)
    x = np.column_stack([used[["history_hours", "man"]].to_numpy(float), dummies.to_numpy()])
    beta = slow_ols(used["course"].to_numpy(float), x)
    coef = result.coefficients.set_index(["outcome", "regressor"])["coef"]
    assert coef[("course", "history_hours")] == pytest.approx(beta[1])
    assert coef[("course", "man")] == pytest.approx(beta[2])
    means = result.means.set_index("outcome")
    assert means.loc["course", "n"] == len(frame) - 5 and means.loc["course", "n_dropped"] == 5
    assert means.loc["hours", "n"] == len(frame)
    assert means.loc["hours", "mean"] == pytest.approx(frame["hours"].mean())
    table = result.table()
    assert table.index.tolist() == ["history_hours", "man", "Mean (population)", "n"]
    # Simulated on +55 pp: printed as "+5x"; "man" has no effect: blank unless significant.
    assert table.loc["history_hours", "hours"].startswith("+5")
    shown = result.coefficients.set_index(["outcome", "regressor"])["shown"]
    p = result.coefficients.set_index(["outcome", "regressor"])["p_value"]
    assert (table.loc["man", "hours"] == "") == (not shown[("hours", "man")])
    assert shown[("hours", "man")] == (p[("hours", "man")] < 0.05)
    stars = result.table("stars").loc["history_hours", "hours"]
    assert stars.endswith("***")
    assert table.loc["Mean (population)", "hours"].endswith("%")
    assert_labelled(result)
    # min_effect blanks small significant cells too.
    strict = background_ols(
        frame, outcomes=["hours"], regressors=["history_hours", "man"], min_effect=0.60
    )
    assert strict.table().loc["history_hours", "hours"] == ""


def test_background_ols_refuses_non_binary_and_collinear_columns():
    frame = background_data(n=200)
    with pytest.raises(ValueError, match="must be 0/1"):
        background_ols(frame.assign(man=frame["man"] * 2), outcomes=["hours"], regressors=["man"])
    with pytest.raises(ValueError, match="collinear"):
        background_ols(
            frame.assign(copy=frame["man"]), outcomes=["hours"], regressors=["man", "copy"]
        )
    with pytest.raises(ValueError, match="lacks the columns"):
        background_ols(frame, outcomes=["nope"], regressors=["man"])


def test_fidelity_results_regression_has_the_published_shape():
    rng = np.random.default_rng(7)
    x = rng.uniform(3, 5, 71)
    y = 0.5811 + 0.0514 * x + rng.normal(0, 0.08, 71)
    scores = pd.DataFrame({"municipality": [f"K{i}" for i in range(71)], "fidelity": x})
    shares = pd.DataFrame(
        {"municipality": [f"K{i}" for i in range(72)], "share": np.append(y, 0.5)}
    )
    fit = fidelity_results_regression(scores, shares)
    assert fit.regression.anova.n_obs == 71 and fit.n_unmatched == 1
    assert fit.to_frame()["variable"].tolist() == ["fidelity", "_cons"]
    assert fit.regression.equation.startswith("y = ") and "R² = " in fit.regression.equation
    compared = fit.compare_published().set_index("quantity")
    assert compared.loc["n", "published"] == 71 == FIDELITY_RESULTS_REGRESSION["n"]
    assert compared.loc["slope", "published"] == 0.0514
    assert "1 municipalities without both" in str(fit)
    assert_labelled(fit)


@pytest.mark.parametrize("seed", [0, 1, 2])
def test_synthetic_data_on_the_published_line_recover_slope_and_intercept(seed):
    """Data generated on y = 0.0514x + 0.5811 give estimates within 4 standard errors."""
    rng = np.random.default_rng(seed)
    n = 2000
    x = rng.uniform(1, 5, n)
    y = 0.5811 + 0.0514 * x + rng.normal(0, 0.1, n)
    frame = pd.DataFrame({"municipality": np.arange(n), "fidelity": x})
    fit = fidelity_results_regression(
        frame, pd.DataFrame({"municipality": np.arange(n), "share": y})
    )
    se_slope, se_cons = fit.regression.coefficients["std_error"]
    assert abs(fit.slope - 0.0514) < 4 * se_slope
    assert abs(fit.intercept - 0.5811) < 4 * se_cons
    assert se_slope < 0.01  # the check has teeth: 4 SE is well below the slope itself


def test_fidelity_results_regression_reads_fidelity_scores():
    from activemeasures_flereskalmed.fidelity_scores import FidelityScores

    scores = pd.DataFrame(
        {
            "municipality": list("ABCD") * 2,
            "round": ["final"] * 4 + ["baseline"] * 4,
            "element": "combined",
            "score": [3, 4, 5, 4.5, 1, 1, 1, 1],
            "n_items": 5,
            "n_respondents": 3,
        }
    )
    empty = pd.DataFrame()
    result = FidelityScores(
        element_scores=scores,
        item_scores=empty,
        summary=empty,
        item_summary=empty,
        change=empty,
        readiness=empty,
        rounds=("baseline", "final"),
        elements=(),
    )
    shares = pd.DataFrame({"municipality": list("ABCD"), "share": [0.7, 0.8, 0.9, 0.85]})
    # Final scores 3, 4, 5, 4.5 against 0.7, 0.8, 0.9, 0.85: exactly y = 0.1x + 0.4.
    fit = fidelity_results_regression(result, shares)
    assert fit.slope == pytest.approx(0.1) and fit.intercept == pytest.approx(0.4)
    with pytest.raises(ValueError, match="no 'combined' scores"):
        fidelity_results_regression(result, shares, round="midterm")
