"""Balance tables: means by arm, standardised differences, design-based and joint tests."""

import numpy as np
import pandas as pd
import pytest
import statsmodels.api as sm
from scipy import stats

from activemeasures.estimators.balance import balance_table


def trial(n=400, seed=0):
    rng = np.random.default_rng(seed)
    municipality = rng.choice(["Aarhus", "Vejle", "Holbæk", "Odense"], n)
    return pd.DataFrame(
        {
            "treated": (rng.random(n) < 0.5).astype(int),
            "age": rng.normal(40, 10, n).round(),
            "woman": rng.random(n) < 0.45,
            "education": rng.choice(["primary", "upper secondary", "higher"], n),
            "municipality": municipality,
            "team": [f"{m}-{i}" for m, i in zip(municipality, rng.integers(0, 8, n), strict=True)],
        }
    )


def test_unblocked_p_values_are_welch_t_tests_and_smd_uses_the_pooled_sd():
    frame = trial()
    table = balance_table(frame, "treated", ["age", "woman"]).to_frame()
    for row in table.itertuples():
        x = frame[row.covariate].astype(float)
        x1, x0 = x[frame.treated == 1], x[frame.treated == 0]
        assert row.p_value == pytest.approx(
            stats.ttest_ind(x1, x0, equal_var=False).pvalue, rel=1e-10
        )
        pooled = np.sqrt((x1.var(ddof=1) + x0.var(ddof=1)) / 2)
        assert row.std_mean_diff == pytest.approx((x1.mean() - x0.mean()) / pooled, rel=1e-12)
        assert (row.n_treatment, row.n_control) == (len(x1), len(x0))


def test_categorical_covariates_get_one_row_per_level():
    table = balance_table(trial(), "treated", ["education"]).to_frame()
    assert table["covariate"].tolist() == [
        "education=higher",
        "education=primary",
        "education=upper secondary",
    ]
    assert table["mean_treatment"].sum() == pytest.approx(1.0)


def test_joint_test_is_the_hc2_wald_test_of_a_regression_of_treatment_on_covariates():
    frame = trial()
    result = balance_table(frame, "treated", ["age", "woman"])
    x = sm.add_constant(frame[["age", "woman"]].astype(float))
    fit = sm.OLS(frame["treated"].astype(float), x).fit(cov_type="HC2")
    b = fit.params.iloc[1:].to_numpy()
    v = fit.cov_params().iloc[1:, 1:].to_numpy()
    expected = b @ np.linalg.solve(v, b)
    assert result.omnibus.statistic == pytest.approx(expected, rel=1e-9)
    assert result.omnibus.df == 2
    assert result.omnibus.p_value == pytest.approx(stats.chi2.sf(expected, 2), rel=1e-9)


def test_blocks_are_respected_and_named_in_the_design():
    result = balance_table(trial(), "treated", ["age"], blocks="municipality")
    assert result.design == "blocked"
    assert "block fixed effects" in result.omnibus.method


def test_a_real_imbalance_is_detected():
    frame = trial(n=600, seed=3)
    frame.loc[frame.treated == 1, "age"] += 6
    result = balance_table(frame, "treated", ["age", "woman"], blocks="municipality")
    row = result.to_frame().set_index("covariate").loc["age"]
    assert row.p_value < 1e-6 and row.std_mean_diff > 0.4
    assert result.omnibus.p_value < 1e-6


def test_missing_covariate_values_leave_only_that_row():
    frame = trial()
    frame.loc[:9, "age"] = np.nan
    table = balance_table(frame, "treated", ["age", "woman"]).to_frame().set_index("covariate")
    assert table.loc["age", ["n_treatment", "n_control"]].sum() == len(frame) - 10
    assert table.loc["woman", ["n_treatment", "n_control"]].sum() == len(frame)


def test_the_table_renders_without_identifiers():
    frame = trial()
    result = balance_table(frame, "treated", ["age"], blocks="municipality")
    text = str(result)
    assert "age" in text and "Joint test" in text
    assert "<table" in result._repr_html_()


def test_clustered_designs_use_cr2_in_the_joint_test():
    frame = trial(n=480, seed=4)
    teams = frame["team"].unique()
    treated_teams = set(np.random.default_rng(0).choice(teams, len(teams) // 2, replace=False))
    frame["treated"] = frame["team"].isin(treated_teams).astype(int)
    result = balance_table(frame, "treated", ["age", "woman"], clusters="team")
    assert result.design == "clustered"
    assert "CR2" in result.omnibus.method
    assert 0.0 <= result.omnibus.p_value <= 1.0


def test_the_love_plot_draws_one_point_per_covariate():
    import matplotlib

    matplotlib.use("Agg")
    result = balance_table(trial(), "treated", ["age", "woman", "education"])
    ax = result.plot()
    assert len(ax.collections[0].get_offsets()) == len(result.to_frame())
