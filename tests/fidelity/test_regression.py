"""Municipality-level OLS against a hand-written normal-equations fit and the published Stata
output of the JobFirst final evaluation (SPEC.md §5.3; 000, L891-1022)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st
from scipy import stats

from activemeasures.fidelity.regression import (
    ASSOCIATION_NOTE,
    COEFFICIENT_COLUMNS,
    Anova,
    MunicipalityRegression,
    municipality_regression,
)

# ------------------------------------------------------------------------------ test data


def jobcentres(seed: int = 0, n: int = 15, k: int = 2) -> pd.DataFrame:
    """``n`` jobcentres with ``k`` fidelity regressors and an effect in pp."""
    rng = np.random.default_rng(seed)
    x = rng.normal(30, 8, size=(n, k))
    effect = -5 + x @ rng.normal(0.3, 0.2, k) + rng.normal(0, 6, n)
    frame = pd.DataFrame(x, columns=[f"x{j + 1}" for j in range(k)])
    frame.insert(0, "municipality", [f"jobcentre {i:02d}" for i in range(n)])
    frame["besk"] = effect
    return frame


# ------------------------------------ slow, obviously-correct reference (no statsmodels)


def hand_ols(y: np.ndarray, x: np.ndarray, alpha: float = 0.05) -> dict[str, object]:
    r"""OLS by the normal equations, with the textbook ANOVA and t inference.

    The normal equations are solved on centred regressors (the textbook form with an
    intercept; uncentred they lose digits when a regressor varies little around a large
    mean): slopes :math:`b = (X_c'X_c)^{-1} X_c'y`, intercept :math:`\bar y - \bar x'b`,
    :math:`Var(b) = \sigma^2 (X_c'X_c)^{-1}` and :math:`Var(a) = \sigma^2 (1/n + \bar x'
    (X_c'X_c)^{-1} \bar x)`.
    """
    n, k = x.shape
    x_mean = x.mean(axis=0)
    centred = x - x_mean
    sxx_inv = np.linalg.inv(centred.T @ centred)
    slopes = sxx_inv @ centred.T @ (y - y.mean())
    beta = np.append(slopes, y.mean() - x_mean @ slopes)  # intercept last, as Stata lists it
    residuals = y - x @ slopes - beta[-1]
    df_resid = n - k - 1
    ss_resid = float(residuals @ residuals)
    ss_total = float(((y - y.mean()) ** 2).sum())
    ss_model = ss_total - ss_resid
    sigma2 = ss_resid / df_resid
    variances = np.append(np.diag(sxx_inv), 1 / n + x_mean @ sxx_inv @ x_mean)
    se = np.sqrt(sigma2 * variances)
    t = beta / se
    q = stats.t.ppf(1 - alpha / 2, df_resid)
    f = (ss_model / k) / sigma2
    return {
        "coef": beta,
        "std_error": se,
        "t": t,
        "p_value": 2 * stats.t.sf(np.abs(t), df_resid),
        "ci_lower": beta - q * se,
        "ci_upper": beta + q * se,
        "anova": {
            "n_obs": n,
            "df_model": k,
            "df_resid": df_resid,
            "ss_model": ss_model,
            "ss_resid": ss_resid,
            "ss_total": ss_total,
            "ms_model": ss_model / k,
            "ms_resid": sigma2,
            "ms_total": ss_total / (n - 1),
            "f_statistic": f,
            "f_p_value": stats.f.sf(f, k, df_resid),
            "r_squared": ss_model / ss_total,
            "adj_r_squared": 1 - sigma2 / (ss_total / (n - 1)),
            "root_mse": np.sqrt(sigma2),
        },
    }


def assert_matches_hand(result: MunicipalityRegression, y, x, alpha=0.05, rtol=1e-9):
    expected = hand_ols(np.asarray(y, float), np.asarray(x, float), alpha)
    table = result.to_frame()
    for column in ("coef", "std_error", "t", "p_value", "ci_lower", "ci_upper"):
        np.testing.assert_allclose(table[column], expected[column], rtol=rtol, atol=1e-10)
    for name, value in expected["anova"].items():
        assert getattr(result.anova, name) == pytest.approx(value, rel=rtol, abs=1e-10), name


# ------------------------------------------------------------------- against the reference


@pytest.mark.parametrize("k", [1, 2, 3, 6])
def test_fit_matches_the_normal_equations_on_15_jobcentres(k):
    frame = jobcentres(seed=k, k=k)
    names = [f"x{j + 1}" for j in range(k)]
    result = municipality_regression(frame, "besk", names)
    assert_matches_hand(result, frame["besk"], frame[names])
    table = result.to_frame()
    assert tuple(table.columns) == COEFFICIENT_COLUMNS
    assert table["variable"].tolist() == [*names, "_cons"]
    assert result.anova.n_obs == 15 and result.n_dropped == 0
    assert result.x == tuple(names) and result.y == "besk"


def test_regressor_order_is_kept_and_a_single_name_is_accepted():
    frame = jobcentres(seed=3, k=2)
    forward = municipality_regression(frame, "besk", ["x1", "x2"]).to_frame()
    backward = municipality_regression(frame, "besk", ["x2", "x1"]).to_frame()
    assert backward["variable"].tolist() == ["x2", "x1", "_cons"]
    np.testing.assert_allclose(backward["coef"].to_numpy()[[1, 0, 2]], forward["coef"])
    single = municipality_regression(frame, "besk", "x1")
    assert single.x == ("x1",)


def test_alpha_sets_the_interval():
    frame = jobcentres(seed=4)
    result = municipality_regression(frame, "besk", ["x1", "x2"], alpha=0.10)
    assert_matches_hand(result, frame["besk"], frame[["x1", "x2"]], alpha=0.10)
    assert "[90% Conf. Interval]" in str(result)


@given(
    seed=st.integers(0, 2**32 - 1),
    k=st.integers(1, 4),
    extra=st.integers(0, 25),
    scale=st.sampled_from([1e-3, 1.0, 100.0]),
)
def test_property_agrees_with_the_normal_equations(seed, k, extra, scale):
    n = k + 2 + extra
    rng = np.random.default_rng(seed)
    x = rng.normal(0, 1, size=(n, k)) * scale + rng.normal(0, 10, k)
    y = x @ rng.normal(0, 1, k) + rng.normal(0, 1, n)
    frame = pd.DataFrame(x, columns=[f"v{j}" for j in range(k)]).assign(y=y)
    result = municipality_regression(frame, "y", [f"v{j}" for j in range(k)])
    assert_matches_hand(result, y, x, rtol=1e-6)


# ------------------------------------------------------------------------ the identities


def test_identities_of_spec_5_3_hold_on_a_fit():
    frame = jobcentres(seed=7, k=3)
    result = municipality_regression(frame, "besk", ["x1", "x2", "x3"])
    a, table = result.anova, result.to_frame()
    assert a.ss_total == pytest.approx(a.ss_model + a.ss_resid, rel=1e-12)
    assert a.r_squared == pytest.approx(a.ss_model / a.ss_total, rel=1e-12)
    assert a.adj_r_squared == pytest.approx(
        1 - (a.ss_resid / a.df_resid) / (a.ss_total / a.df_total), rel=1e-12
    )
    assert a.f_statistic == pytest.approx((a.ss_model / 3) / (a.ss_resid / 11), rel=1e-12)
    assert a.root_mse == pytest.approx(np.sqrt(a.ss_resid / 11), rel=1e-12)
    q = stats.t.ppf(0.975, 11)
    np.testing.assert_allclose(table["ci_lower"], table["coef"] - q * table["std_error"])
    np.testing.assert_allclose(table["ci_upper"], table["coef"] + q * table["std_error"])


def test_bivariate_f_is_the_slope_t_squared_as_in_the_figure_regressions():
    # Figure 1-3 (000, L1036-1040): beta 0.32, t = 1.98 on 15 jobcentres, R² = 0.23.
    # With one regressor F = t² and R² = F / (F + n - 2): 1.98² / (1.98² + 13) = 3.9204 /
    # 16.9204 = 0.2317, printed 0.23.
    assert round(1.98**2 / (1.98**2 + 13), 2) == 0.23
    frame = jobcentres(seed=8, k=1)
    result = municipality_regression(frame, "besk", "x1")
    t = result.to_frame()["t"].iloc[0]
    assert result.anova.f_statistic == pytest.approx(t**2, rel=1e-10)
    assert result.anova.r_squared == pytest.approx(t**2 / (t**2 + 13), rel=1e-10)


# ------------------------------------------------------ published figures (000, L891-1022)

# Sums of squares, k and the derived values exactly as printed in the three Stata tables.
PUBLISHED_ANOVA = [
    # ss_model, ss_resid, k, F, Prob > F, R², adj R², root MSE, MS model, MS resid
    (235.740455, 486.228879, 2, "2.91", "0.0933", "0.3265", "0.2143", "6.3655",
     117.870227, 40.5190732),
    (305.754967, 416.214366, 6, "0.98", "0.4957", "0.4235", "-0.0089", "7.213",
     50.9591612, 52.0267957),
    (177.560595, 544.408738, 3, "1.20", "0.3564", "0.2459", "0.0403", "7.035",
     59.1868651, 49.4917034),
]  # fmt: skip


@pytest.mark.parametrize("row", PUBLISHED_ANOVA, ids=["reg1", "reg2", "reg3"])
def test_published_sums_of_squares_give_the_printed_derived_values(row):
    ss_model, ss_resid, k, f, p, r2, adj, rmse, ms_model, ms_resid = row
    anova = Anova.from_sums_of_squares(ss_model=ss_model, ss_resid=ss_resid, n_obs=15, df_model=k)
    assert anova.ss_total == pytest.approx(721.969333, abs=2e-6)  # printed total, all three
    assert anova.ms_total == pytest.approx(51.5692381, abs=1e-6)
    assert anova.ms_model == pytest.approx(ms_model, abs=1e-6)
    assert anova.ms_resid == pytest.approx(ms_resid, abs=1e-6)
    assert (anova.df_resid, anova.df_total) == (14 - k, 14)
    text = str(anova)
    assert f"F({k}, {14 - k})" in text
    for label, value in [
        ("F(", f),
        ("Prob > F", p),
        ("R-squared", r2),
        ("Adj R-squared", adj),
        ("Root MSE", rmse),
    ]:
        line = next(line for line in text.splitlines() if f"  {label}" in line)
        assert line.split("=")[-1].strip() == value, label


def test_published_intervals_t_and_p_follow_from_coefficient_and_standard_error():
    # Every row of the three tables: CI = b ± t_{0.975, df} SE (e.g. 0.43669 ± 2.1788 ·
    # 0.18136 = [0.0416, 0.8318]), t = b / SE to 2 decimals, p = 2 P(T > |t|) to 3.
    for df, coef, se, t, p, lower, upper in PUBLISHED_COEFFICIENT_ROWS:
        q = stats.t.ppf(0.975, df)
        assert coef - q * se == pytest.approx(lower, abs=2e-6 * max(1, abs(lower)))
        assert coef + q * se == pytest.approx(upper, abs=2e-6 * max(1, abs(upper)))
        assert round(coef / se, 2) == pytest.approx(t, abs=1e-9)
        assert round(2 * stats.t.sf(abs(coef / se), df), 3) == pytest.approx(p, abs=1e-9)
    assert stats.t.ppf(0.975, 12) == pytest.approx(2.1788, abs=5e-5)


# Stata output as printed (000, L891-918, L947-983, L989-1022): the PDF extraction put blank
# lines between the rows and a stray leading space before one rule; both removed here.
PUBLISHED_TEXT = {
    "reg1": """\
      Source |       SS           df       MS      Number of obs   =        15
-------------+----------------------------------   F(2, 12)        =      2.91
       Model |  235.740455         2  117.870227   Prob > F        =    0.0933
    Residual |  486.228879        12  40.5190732   R-squared       =    0.3265
-------------+----------------------------------   Adj R-squared   =    0.2143
       Total |  721.969333        14  51.5692381   Root MSE        =    6.3655

------------------------------------------------------------------------------
        besk |      Coef.   Std. Err.      t    P>|t|     [95% Conf. Interval]
-------------+----------------------------------------------------------------
   praktik_k |  -.0704913   .2484622    -0.28   0.781     -.611844    .4708615
   praktik_d |   .4366901   .1813554     2.41   0.033     .0415506    .8318295
       _cons |  -5.751597   6.044808    -0.95   0.360     -18.9221    7.418908""",
    "reg2": """\
      Source |       SS           df       MS      Number of obs   =        15
-------------+----------------------------------   F(6, 8)         =      0.98
       Model |  305.754967         6  50.9591612   Prob > F        =    0.4957
    Residual |  416.214366         8  52.0267957   R-squared       =    0.4235
-------------+----------------------------------   Adj R-squared   =   -0.0089
       Total |  721.969333        14  51.5692381   Root MSE        =     7.213

------------------------------------------------------------------------------
        besk |      Coef.   Std. Err.      t    P>|t|     [95% Conf. Interval]
-------------+----------------------------------------------------------------
      meet_k |   .1148148   1.726184     0.07   0.949    -3.865773    4.095403
      meet_d |   .2764616   .7083713     0.39   0.707    -1.357045    1.909969
    mentor_k |  -.3152601   .3118628    -1.01   0.342    -1.034417    .4038969
    mentor_d |   .0003092   .2399113     0.00   0.999    -.5529272    .5535456
   praktik_k |  -.1630996   .3757986    -0.43   0.676    -1.029693    .7034936
   praktik_d |   .3801379   .2572126     1.48   0.178    -.2129953    .9732712
       _cons |  -3.783812   27.31283    -0.14   0.893    -66.76731    59.19969""",
    "reg3": """\
      Source |       SS           df       MS      Number of obs   =        15
-------------+----------------------------------   F(3, 11)        =      1.20
       Model |  177.560595         3  59.1868651   Prob > F        =    0.3564
    Residual |  544.408738        11  49.4917034   R-squared       =    0.2459
-------------+----------------------------------   Adj R-squared   =    0.0403
       Total |  721.969333        14  51.5692381   Root MSE        =     7.035

------------------------------------------------------------------------------
        besk |      Coef.   Std. Err.      t    P>|t|     [95% Conf. Interval]
-------------+----------------------------------------------------------------
       dmeet |   .1914795   .6759216     0.28   0.782    -1.296214    1.679173
     dmentor |   .0700845   .1621067     0.43   0.674    -.2867099     .426879
    dpraktik |    .260821   .2166389     1.20   0.254    -.2159981    .7376401
       _cons |   -3.99147   11.55195    -0.35   0.736    -29.41714     21.4342""",
}


def _parse_published(text: str) -> tuple[Anova, pd.DataFrame]:
    """The numbers of a published table, read back from its text."""
    lines = text.splitlines()

    def right(i: int) -> float:
        return float(lines[i].split("=")[-1])

    def left(i: int) -> tuple[float, int, float]:
        ss, df, ms = lines[i].split("|")[1].split()[:3]
        return float(ss), int(df), float(ms)

    (ss_m, k, ms_m), (ss_r, df, ms_r), (ss_t, _, ms_t) = left(2), left(3), left(5)
    anova = Anova(
        n_obs=int(right(0)),
        df_model=k,
        df_resid=df,
        ss_model=ss_m,
        ss_resid=ss_r,
        ss_total=ss_t,
        ms_model=ms_m,
        ms_resid=ms_r,
        ms_total=ms_t,
        f_statistic=right(1),
        f_p_value=right(2),
        r_squared=right(3),
        adj_r_squared=right(4),
        root_mse=right(5),
    )
    rows = [line.replace("|", " ").split() for line in lines[10:]]
    table = pd.DataFrame(rows, columns=list(COEFFICIENT_COLUMNS))
    for column in COEFFICIENT_COLUMNS[1:]:
        table[column] = table[column].astype(float)
    return anova, table


PUBLISHED_COEFFICIENT_ROWS = [
    (anova.df_resid, *row)
    for anova, table in map(_parse_published, PUBLISHED_TEXT.values())
    for row in table.iloc[:, 1:].itertuples(index=False)
]


@pytest.mark.parametrize("name", sorted(PUBLISHED_TEXT))
def test_the_published_numbers_print_exactly_as_stata_printed_them(name):
    anova, table = _parse_published(PUBLISHED_TEXT[name])
    result = MunicipalityRegression(
        y="besk", x=table["variable"].iloc[:-1], coefficients=table, anova=anova
    )
    *lines, note = str(result).splitlines()
    assert note == ASSOCIATION_NOTE  # every regression says what it can and cannot tell
    assert lines[:-1] == PUBLISHED_TEXT[name].splitlines()
    assert lines[-1] == "-" * 78  # Stata closes the table with a rule


def test_a_fit_from_the_published_sums_reproduces_regression_1_block():
    anova = Anova.from_sums_of_squares(
        ss_model=235.740455, ss_resid=486.228879, n_obs=15, df_model=2
    )
    expected = PUBLISHED_TEXT["reg1"].splitlines()[:6]
    # Only the total differs: 235.740455 + 486.228879 = 721.969334 (the printed 721.969333
    # is the sum of the unrounded sums of squares).
    assert str(anova).splitlines()[:5] == expected[:5]
    assert str(anova).splitlines()[5] == expected[5].replace("721.969333", "721.969334")


# ----------------------------------------------------------------- missing rows and errors


def test_rows_with_a_missing_value_are_dropped_and_counted():
    frame = jobcentres(seed=11, n=18)
    frame.loc[[2, 9], "besk"] = np.nan
    frame.loc[[4], "x2"] = np.nan
    frame.loc[[9], "x1"] = np.nan  # the same row as a missing y: counted once
    result = municipality_regression(frame, "besk", ["x1", "x2"])
    assert result.n_dropped == 3
    assert result.anova.n_obs == 15
    complete = frame.dropna(subset=["besk", "x1", "x2"])
    assert_matches_hand(result, complete["besk"], complete[["x1", "x2"]])
    assert len(result.data) == 15
    assert "(3 rows with a missing value left out)" in str(result)


def test_too_few_rows_raise_and_name_the_counts():
    frame = jobcentres(seed=12, n=5, k=3)
    frame.loc[0, "x1"] = np.nan
    with pytest.raises(ValueError, match=r"4 complete rows \(1 dropped.*4 parameters.*at least 5"):
        municipality_regression(frame, "besk", ["x1", "x2", "x3"])
    # n = k + 2 is enough (one residual degree of freedom).
    frame = jobcentres(seed=12, n=5, k=3)
    assert municipality_regression(frame, "besk", ["x1", "x2", "x3"]).anova.df_resid == 1


def test_a_constant_regressor_is_refused():
    frame = jobcentres(seed=13).assign(flat=1.5)
    with pytest.raises(ValueError, match="'flat' is constant across the 15 rows"):
        municipality_regression(frame, "besk", ["x1", "flat"])


def test_collinear_regressors_are_refused_by_name():
    frame = jobcentres(seed=14)
    frame["x3"] = 2 * frame["x1"] - frame["x2"] + 7
    with pytest.raises(ValueError, match="'x3' is collinear with the intercept and 'x1', 'x2'"):
        municipality_regression(frame, "besk", ["x1", "x2", "x3"])


def test_a_constant_outcome_is_refused():
    frame = jobcentres(seed=15).assign(besk=3.0)
    with pytest.raises(ValueError, match="'besk' takes one value in all 15 rows"):
        municipality_regression(frame, "besk", "x1")


def test_bad_columns_and_parameters():
    frame = jobcentres(seed=16)
    with pytest.raises(ValueError, match="no column 'nope'"):
        municipality_regression(frame, "besk", "nope")
    with pytest.raises(TypeError, match="'municipality' must be numeric"):
        municipality_regression(frame, "besk", "municipality")
    with pytest.raises(ValueError, match="distinct"):
        municipality_regression(frame, "besk", ["x1", "x1"])
    with pytest.raises(ValueError, match="distinct"):
        municipality_regression(frame, "besk", ["besk"])
    with pytest.raises(ValueError, match="at least one regressor"):
        municipality_regression(frame, "besk", [])
    with pytest.raises(ValueError, match="alpha"):
        municipality_regression(frame, "besk", "x1", alpha=1.5)
    repeated = pd.concat([frame, frame.iloc[:2]], ignore_index=True)
    with pytest.raises(ValueError, match="one row per municipality expected, 4 rows"):
        municipality_regression(repeated, "besk", "x1")


def test_boolean_regressors_count_as_zero_one():
    frame = jobcentres(seed=17)
    frame["large"] = frame["x1"] > frame["x1"].median()
    result = municipality_regression(frame, "besk", ["large", "x2"])
    assert_matches_hand(result, frame["besk"], frame[["large", "x2"]].astype(float))


def test_anova_input_checks():
    with pytest.raises(ValueError, match="n_obs - df_model - 1 >= 1"):
        Anova.from_sums_of_squares(ss_model=1, ss_resid=1, n_obs=3, df_model=2)
    with pytest.raises(ValueError, match=">= 0"):
        Anova.from_sums_of_squares(ss_model=-1, ss_resid=1, n_obs=10, df_model=2)
    perfect = Anova.from_sums_of_squares(ss_model=4, ss_resid=0, n_obs=10, df_model=2)
    assert perfect.f_statistic == np.inf and perfect.f_p_value == 0 and perfect.r_squared == 1
    assert "=         ." in str(perfect)  # Stata's missing value for an infinite F


# ------------------------------------------------------------------- rendering and plots


def test_text_layout_is_stata_regress():
    frame = jobcentres(seed=18, k=2).rename(columns={"x1": "praktik_k", "x2": "a_very_long_name"})
    result = municipality_regression(frame, "besk", ["praktik_k", "a_very_long_name"])
    *lines, note = str(result).splitlines()
    assert note == ASSOCIATION_NOTE
    assert len(lines) == 6 + 1 + 3 + 3 + 1
    assert all(len(line) == 78 for i, line in enumerate(lines) if i != 6)
    assert lines[6] == ""
    assert lines[0].startswith("      Source |       SS           df       MS")
    for i, label in enumerate(
        ["Number of obs", "F(2, 12)", "Prob > F", "R-squared", "Adj R-squared", "Root MSE"]
    ):
        assert lines[i][51:].startswith(label)
        assert lines[i][67] == "="
    assert [lines[i].split("|")[0].strip() for i in (2, 3, 5)] == ["Model", "Residual", "Total"]
    assert lines[4] == "-" * 13 + "+" + "-" * 34 + " " * 3 + "Adj R-squared   =" + lines[4][68:]
    assert lines[8] == (
        "        besk |      Coef.   Std. Err.      t    P>|t|     [95% Conf. Interval]"
    )
    assert [line.split("|")[0].strip() for line in lines[10:13]] == [
        "praktik_k",
        "a_very_lon~e",  # Stata's abbrev() to 12 characters
        "_cons",
    ]
    coef = result.to_frame()["coef"].iloc[0]
    assert float(lines[10].split("|")[1].split()[0]) == pytest.approx(coef, rel=1e-6)
    assert "MunicipalityRegression" in repr(result) and "n = 15" in repr(result)
    page = result._repr_html_()
    assert page.count("<table") == 3 and "a_very_long_name" in page and "Prob &gt; F" in page


def test_equation_string():
    frame = pd.DataFrame({"x": [0.0, 1.0, 2.0, 3.0], "y": [1.0, -1.0, -3.0, -5.0 + 1e-9]})
    # Exactly y = -2x + 1 (up to 1e-9): slope -2, intercept +1, R² = 1.
    result = municipality_regression(frame, "y", "x")
    assert result.equation == "y = -2x + 1, R² = 1.0000"
    frame = pd.DataFrame({"x": [1.0, 2.0, 3.0, 4.0], "y": [-4.0, -3.0, -3.0, -1.0]})
    # x̄ = 2.5, ȳ = -2.75; Sxy = (-1.5)(-1.25) + (-.5)(-.25) + (.5)(-.25) + 1.5(1.75) = 4.5,
    # Sxx = 5: slope 0.9, intercept -2.75 - 0.9 · 2.5 = -5; SS_model = 0.81 · 5 = 4.05,
    # SS_total = 1.5625 + .0625 + .0625 + 3.0625 = 4.75, R² = 0.8526.
    assert municipality_regression(frame, "y", "x").equation == "y = 0.9x - 5, R² = 0.8526"
    with pytest.raises(ValueError, match="one regressor"):
        municipality_regression(jobcentres(seed=19), "besk", ["x1", "x2"]).equation
    # The FSM line (003, L2582-2622): slope 0.0514, intercept 0.5811, R² = 0.0779 on 71
    # municipalities; an ANOVA with SS_model / SS_total = 0.0779 / 1 gives that R².
    fsm = MunicipalityRegression(
        y="share",
        x=["fidelity"],
        coefficients=pd.DataFrame(
            {"variable": ["fidelity", "_cons"], "coef": [0.0514, 0.5811]}
        ).reindex(columns=list(COEFFICIENT_COLUMNS)),
        anova=Anova.from_sums_of_squares(ss_model=0.0779, ss_resid=0.9221, n_obs=71, df_model=1),
    )
    assert fsm.equation == "y = 0.0514x + 0.5811, R² = 0.0779"


def test_result_checks_its_coefficient_table():
    anova = Anova.from_sums_of_squares(ss_model=1, ss_resid=1, n_obs=10, df_model=1)
    table = pd.DataFrame(columns=list(COEFFICIENT_COLUMNS), index=range(2))
    with pytest.raises(ValueError, match="one row per regressor"):
        MunicipalityRegression(y="y", x=["a", "b"], coefficients=table, anova=anova)
    with pytest.raises(ValueError, match="must have the columns"):
        MunicipalityRegression(y="y", x=["a"], coefficients=table.drop(columns="t"), anova=anova)
    no_data = MunicipalityRegression(y="y", x=["a"], coefficients=table, anova=anova)
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    fig, ax = plt.subplots()
    try:
        with pytest.raises(ValueError, match="no data to plot"):
            no_data.plot(ax=ax)
    finally:
        plt.close(fig)


def test_plots_return_axes():
    pytest.importorskip("matplotlib")
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    frame = jobcentres(seed=20, k=3)
    single = municipality_regression(frame, "besk", "x1")
    fig, ax = plt.subplots()
    assert single.plot(ax=ax, labels="municipality") is ax
    assert ax.get_legend().get_texts()[0].get_text() == single.equation
    assert len(ax.texts) == 15 and ax.get_xlabel() == "x1" and ax.get_ylabel() == "besk"
    plt.close(fig)
    ax = single.plot()
    plt.close(ax.figure)
    with pytest.raises(ValueError, match="no column 'nope'"):
        fig, ax = plt.subplots()
        try:
            single.plot(ax=ax, labels="nope")
        finally:
            plt.close(fig)

    several = municipality_regression(frame, "besk", ["x1", "x2", "x3"])
    fig, ax = plt.subplots()
    assert several.plot(ax=ax) is ax
    ticks = dict(zip(ax.get_yticks(), [t.get_text() for t in ax.get_yticklabels()], strict=True))
    assert [ticks[y] for y in sorted(ticks, reverse=True)] == ["x1", "x2", "x3"]  # top down
    plt.close(fig)
    with pytest.raises(ValueError, match="one regressor"):
        fig, ax = plt.subplots()
        try:
            several.plot(ax=ax, labels="municipality")
        finally:
            plt.close(fig)


def test_result_is_frozen():
    result = municipality_regression(jobcentres(seed=21), "besk", "x1")
    with pytest.raises(AttributeError):
        result.alpha = 0.1
