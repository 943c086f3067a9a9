"""Municipality-level OLS of an effect on fidelity measures, laid out as Stata's ``regress``.

The JobFirst final evaluation relates fidelity to results across the 15 jobcentres with
ordinary least squares in Stata: the employment effect ``besk`` (weeks 53-78, in percentage
points) regressed on fidelity measures averaged over weeks 1-52 (SPEC.md §5.3, §6.3; 000,
L870-1054). 'Flere skal med' does the same across 71 municipalities with one regressor,
``y = 0.0514x + 0.5811``, R² = 0.0779 (SPEC.md §6.4; 003, L2582-2622).

:func:`municipality_regression` fits such a regression with :mod:`statsmodels` and returns a
:class:`MunicipalityRegression` that prints itself in the two-block layout of Stata's
``regress`` (an analysis-of-variance block and a coefficient block), so that output can be
set beside the published tables line by line. :class:`Anova` holds the analysis of variance
and computes it from two sums of squares (:meth:`Anova.from_sums_of_squares`), which is how
the published figures are checked.
"""

from __future__ import annotations

import html
import math
from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd

from activemeasures.fidelity._stata_format import abbreviate, fixed, significant, stata_g

__all__ = [
    "ASSOCIATION_NOTE",
    "COEFFICIENT_COLUMNS",
    "Anova",
    "MunicipalityRegression",
    "municipality_regression",
]

#: Columns of :attr:`MunicipalityRegression.coefficients`, in order.
COEFFICIENT_COLUMNS = ("variable", "coef", "std_error", "t", "p_value", "ci_lower", "ci_upper")

#: Printed under every regression: what a municipality-level OLS can and cannot say.
ASSOCIATION_NOTE = (
    "Association across municipalities (one row each); describes, does not establish cause."
)

#: Name of the intercept row, as in Stata.
CONSTANT = "_cons"

#: Columns with the same name as this are expected once per row (the unit of the regression).
_UNIT_COLUMN = "municipality"


def _non_negative_int(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


@attrs.frozen(kw_only=True)
class Anova:
    r"""The analysis-of-variance block of an OLS regression with an intercept.

    Build one from the two sums of squares with :meth:`from_sums_of_squares`; every other
    field follows from them, ``n_obs`` and ``df_model``.

    Attributes
    ----------
    n_obs : int
        Number of observations :math:`n` (municipalities).
    df_model : int
        :math:`k`, the number of regressors (the intercept not counted).
    df_resid : int
        :math:`n - k - 1`.
    ss_model, ss_resid, ss_total : float
        Explained, residual and total (centred) sums of squares,
        :math:`SS_{model} = \sum_i (\hat y_i - \bar y)^2`, :math:`SS_{resid} = \sum_i (y_i -
        \hat y_i)^2`, :math:`SS_{total} = \sum_i (y_i - \bar y)^2 = SS_{model} + SS_{resid}`.
    ms_model, ms_resid, ms_total : float
        Mean squares, each sum of squares over its degrees of freedom (:math:`k`,
        :math:`n - k - 1`, :math:`n - 1`).
    f_statistic : float
        :math:`F = MS_{model} / MS_{resid}` on :math:`(k, n - k - 1)` degrees of freedom
        (infinite for a perfect fit).
    f_p_value : float
        ``Prob > F``, :math:`P(F_{k, n-k-1} > F)`.
    r_squared : float
        :math:`R^2 = SS_{model} / SS_{total}`.
    adj_r_squared : float
        :math:`\bar R^2 = 1 - MS_{resid} / MS_{total}`.
    root_mse : float
        :math:`\sqrt{MS_{resid}}`, the residual standard deviation.

    Notes
    -----
    The identities are those SPEC.md §5.3 asks a re-implementation to reproduce (000,
    L891-918): :math:`R^2 = 235.740455 / 721.969333 = 0.3265` and
    :math:`\bar R^2 = 1 - 40.519 / 51.569 = 0.2143` for regression 1. Printing an
    :class:`Anova` gives Stata's layout.

    Examples
    --------
    Regression 1 of the JobFirst final evaluation (000, L891-918):

    >>> from activemeasures.fidelity.regression import Anova
    >>> anova = Anova.from_sums_of_squares(
    ...     ss_model=235.740455, ss_resid=486.228879, n_obs=15, df_model=2)
    >>> round(anova.r_squared, 4), round(anova.adj_r_squared, 4), round(anova.root_mse, 4)
    (0.3265, 0.2143, 6.3655)
    >>> print(anova)
          Source |       SS           df       MS      Number of obs   =        15
    -------------+----------------------------------   F(2, 12)        =      2.91
           Model |  235.740455         2  117.870227   Prob > F        =    0.0933
        Residual |  486.228879        12  40.5190732   R-squared       =    0.3265
    -------------+----------------------------------   Adj R-squared   =    0.2143
           Total |  721.969334        14  51.5692381   Root MSE        =    6.3655
    """

    n_obs: int = attrs.field(converter=int, validator=_non_negative_int)
    df_model: int = attrs.field(converter=int, validator=_non_negative_int)
    df_resid: int = attrs.field(converter=int, validator=_non_negative_int)
    ss_model: float = attrs.field(converter=float)
    ss_resid: float = attrs.field(converter=float)
    ss_total: float = attrs.field(converter=float)
    ms_model: float = attrs.field(converter=float)
    ms_resid: float = attrs.field(converter=float)
    ms_total: float = attrs.field(converter=float)
    f_statistic: float = attrs.field(converter=float)
    f_p_value: float = attrs.field(converter=float)
    r_squared: float = attrs.field(converter=float)
    adj_r_squared: float = attrs.field(converter=float)
    root_mse: float = attrs.field(converter=float)

    @classmethod
    def from_sums_of_squares(
        cls, *, ss_model: float, ss_resid: float, n_obs: int, df_model: int
    ) -> Anova:
        r"""The whole ANOVA block from the model and residual sums of squares.

        Parameters
        ----------
        ss_model, ss_resid : float
            Explained and residual sums of squares (both :math:`\ge 0`).
        n_obs : int
            Number of observations :math:`n`.
        df_model : int
            Number of regressors :math:`k` besides the intercept; needs
            :math:`n - k - 1 \ge 1`.

        Returns
        -------
        Anova

        Notes
        -----
        :math:`SS_{total} = SS_{model} + SS_{resid}`; :math:`MS = SS/df` with degrees of
        freedom :math:`k`, :math:`n-k-1` and :math:`n-1`; :math:`F = MS_{model}/MS_{resid}`,
        ``Prob > F`` from the :math:`F_{k,\,n-k-1}` distribution;
        :math:`R^2 = SS_{model}/SS_{total}`; :math:`\bar R^2 = 1 - MS_{resid}/MS_{total}`;
        root MSE :math:`= \sqrt{MS_{resid}}` (SPEC.md §5.3; 000, L891-918). A zero
        residual sum of squares gives :math:`F = \infty` and ``Prob > F`` = 0; a zero total
        sum of squares leaves :math:`R^2` and :math:`\bar R^2` undefined (NaN).

        Examples
        --------
        Five points :math:`x = 1..5`, :math:`y = (2, 4, 5, 4, 5)`: the slope is
        :math:`6/10 = 0.6`, :math:`SS_{model} = 0.6^2 \cdot 10 = 3.6` and
        :math:`SS_{total} = 4 + 0 + 1 + 0 + 1 = 6`, so :math:`SS_{resid} = 2.4`,
        :math:`R^2 = 0.6` and :math:`F = 3.6 / (2.4/3) = 4.5`:

        >>> from activemeasures.fidelity.regression import Anova
        >>> anova = Anova.from_sums_of_squares(ss_model=3.6, ss_resid=2.4, n_obs=5, df_model=1)
        >>> round(anova.r_squared, 6), round(anova.f_statistic, 6), round(anova.adj_r_squared, 6)
        (0.6, 4.5, 0.466667)
        """
        ss_model, ss_resid = float(ss_model), float(ss_resid)
        n_obs, df_model = int(n_obs), int(df_model)
        if df_model < 0:
            raise ValueError(f"df_model must be >= 0, got {df_model}")
        df_resid = n_obs - df_model - 1
        if df_resid < 1:
            raise ValueError(
                f"an ANOVA needs n_obs - df_model - 1 >= 1; got n_obs={n_obs}, df_model={df_model}"
            )
        if not (ss_model >= 0 and ss_resid >= 0):
            raise ValueError(
                f"sums of squares must be >= 0, got ss_model={ss_model}, ss_resid={ss_resid}"
            )
        ss_total = ss_model + ss_resid
        ms_model = ss_model / df_model if df_model else math.nan
        ms_resid = ss_resid / df_resid
        ms_total = ss_total / (n_obs - 1)
        with np.errstate(divide="ignore", invalid="ignore"):
            f_statistic = float(np.divide(ms_model, ms_resid))
            r_squared = float(np.divide(ss_model, ss_total))
            adj_r_squared = float(1.0 - np.divide(ms_resid, ms_total))
        if math.isnan(f_statistic):
            f_p_value = math.nan
        else:
            from scipy import stats  # imported on use: importing activemeasures stays light

            f_p_value = float(stats.f.sf(f_statistic, df_model, df_resid))
        return cls(
            n_obs=n_obs,
            df_model=df_model,
            df_resid=df_resid,
            ss_model=ss_model,
            ss_resid=ss_resid,
            ss_total=ss_total,
            ms_model=ms_model,
            ms_resid=ms_resid,
            ms_total=ms_total,
            f_statistic=f_statistic,
            f_p_value=f_p_value,
            r_squared=r_squared,
            adj_r_squared=adj_r_squared,
            root_mse=math.sqrt(ms_resid),
        )

    @property
    def df_total(self) -> int:
        """:math:`n - 1`."""
        return self.n_obs - 1

    def to_dict(self) -> dict[str, float | int]:
        """The fields as a plain dict (``n_obs`` … ``root_mse``)."""
        return attrs.asdict(self)

    def _stata_lines(self) -> list[str]:
        """Stata's ANOVA block: three columns left, the fit statistics right."""
        k, df = self.df_model, self.df_resid
        right = [
            ("Number of obs", f"{self.n_obs:,}"),
            (f"F({k}, {df})", fixed(self.f_statistic, 2)),
            ("Prob > F", fixed(self.f_p_value, 4)),
            ("R-squared", fixed(self.r_squared, 4)),
            ("Adj R-squared", fixed(self.adj_r_squared, 4)),
            ("Root MSE", significant(self.root_mse, 5)),
        ]

        def row(name: str, ss: float, dof: int, ms: float) -> str:
            return f"{name:>12} |{stata_g(ss, 11):>12}{dof:>10}{stata_g(ms, 11):>12}"

        left = [
            f"{'Source':>12} |       SS           df       MS   ",
            "-" * 13 + "+" + "-" * 34,
            row("Model", self.ss_model, k, self.ms_model),
            row("Residual", self.ss_resid, df, self.ms_resid),
            "-" * 13 + "+" + "-" * 34,
            row("Total", self.ss_total, self.n_obs - 1, self.ms_total),
        ]
        lines = []
        for text, (label, value) in zip(left, right, strict=True):
            lines.append(f"{text:<48}   {label:<16}= {value:>9}")
        return lines

    def __str__(self) -> str:
        return "\n".join(self._stata_lines())


# ========================================================================= the regression


@attrs.frozen(kw_only=True, eq=False)
class MunicipalityRegression:
    r"""An OLS regression across municipalities, shown as Stata's ``regress`` shows it.

    Returned by :func:`municipality_regression`. Prints the two blocks of Stata's output
    (analysis of variance, coefficients), renders as HTML, exports the coefficient table with
    :meth:`to_frame` and plots with :meth:`plot`.

    Attributes
    ----------
    y : str
        The dependent variable.
    x : tuple of str
        The regressors, in the order given.
    coefficients : pandas.DataFrame
        One row per regressor, then ``_cons`` (the intercept) last as in Stata; columns
        ``variable, coef, std_error, t, p_value, ci_lower, ci_upper``.
    anova : Anova
        The analysis-of-variance block (``n_obs``, ``f_statistic``, ``r_squared`` …).
    alpha : float
        One minus the confidence level of the intervals.
    n_dropped : int
        Rows left out because ``y`` or a regressor was missing.
    data : pandas.DataFrame
        The rows the regression used (all columns of the input; for :meth:`plot`).

    Notes
    -----
    With :math:`X` the :math:`n \times (k+1)` design (regressors and a column of ones),
    :math:`\hat\beta = (X'X)^{-1}X'y`, :math:`\widehat{se}_j = \sqrt{MS_{resid}\,
    [(X'X)^{-1}]_{jj}}`, :math:`t_j = \hat\beta_j / \widehat{se}_j`, :math:`p_j =
    2\,P(T_{n-k-1} > |t_j|)` and the interval :math:`\hat\beta_j \pm t_{n-k-1,\,1-\alpha/2}\,
    \widehat{se}_j` (SPEC.md §5.3: :math:`0.43669 \pm 2.1788 \cdot 0.18136 = [0.0416,
    0.8318]`; 000, L891-918). The ANOVA formulas are under :class:`Anova`.
    """

    y: str
    x: tuple[str, ...] = attrs.field(converter=tuple)
    coefficients: pd.DataFrame = attrs.field()
    anova: Anova
    alpha: float = attrs.field(default=0.05, converter=float)
    n_dropped: int = attrs.field(default=0, converter=int, validator=_non_negative_int)
    data: pd.DataFrame = attrs.field(factory=pd.DataFrame)

    @coefficients.validator
    def _check_coefficients(self, attribute: attrs.Attribute, value: pd.DataFrame) -> None:
        if tuple(value.columns) != COEFFICIENT_COLUMNS:
            raise ValueError(
                f"coefficients must have the columns {', '.join(COEFFICIENT_COLUMNS)}, "
                f"got {', '.join(map(str, value.columns))}"
            )
        if len(value) != len(self.x) + 1:
            raise ValueError(
                f"coefficients must have one row per regressor and one for {CONSTANT}: "
                f"{len(self.x) + 1} rows, got {len(value)}"
            )

    # ------------------------------------------------------------------ access

    def to_frame(self) -> pd.DataFrame:
        """The coefficient table (a copy): ``variable, coef, std_error, t, p_value,
        ci_lower, ci_upper``, regressors first and ``_cons`` last."""
        return self.coefficients.copy()

    @property
    def equation(self) -> str:
        """The fitted line and :math:`R^2` as a spreadsheet trend line shows them.

        ``"y = 0.0514x + 0.5811, R² = 0.0779"`` (the form of SPEC.md §6.4; 003,
        L2582-2622), with 4 significant digits. Only for a single regressor.
        """
        if len(self.x) != 1:
            raise ValueError(f"equation needs one regressor, the regression has {len(self.x)}")
        slope, intercept = self.coefficients["coef"].to_numpy(dtype=float)
        sign = "-" if intercept < 0 else "+"
        return f"y = {slope:.4g}x {sign} {abs(intercept):.4g}, R² = {self.anova.r_squared:.4f}"

    # ------------------------------------------------------------------ rendering

    @property
    def _level(self) -> str:
        return f"{100 * (1 - self.alpha):.4g}%"

    def _coefficient_lines(self) -> list[str]:
        rule = "-" * 78
        header = (
            f"{abbreviate(self.y):>12} |      Coef.   Std. Err.      t    P>|t|"
            f"     [{self._level} Conf. Interval]"
        )
        lines = [rule, header, "-" * 13 + "+" + "-" * 64]
        for row in self.coefficients.itertuples(index=False):
            lines.append(
                f"{abbreviate(str(row.variable)):>12} |"
                f"{stata_g(row.coef, 9):>11}{stata_g(row.std_error, 9):>11}"
                f"{fixed(row.t, 2):>9}{fixed(row.p_value, 3):>8}"
                f"{stata_g(row.ci_lower, 9):>13}{stata_g(row.ci_upper, 9):>12}"
            )
        lines.append(rule)
        return lines

    def __str__(self) -> str:
        lines = [*self.anova._stata_lines(), "", *self._coefficient_lines()]
        if self.n_dropped:
            noun = "row" if self.n_dropped == 1 else "rows"
            lines.append(f"({self.n_dropped} {noun} with a missing value left out)")
        lines.append(ASSOCIATION_NOTE)
        return "\n".join(lines)

    def __repr__(self) -> str:
        return (
            f"<MunicipalityRegression: {self.y} on {', '.join(self.x)}; "
            f"n = {self.anova.n_obs}, R² = {self.anova.r_squared:.4f}>"
        )

    def _repr_html_(self) -> str:
        a = self.anova
        fit = [
            ("Number of obs", f"{a.n_obs:,}"),
            (f"F({a.df_model}, {a.df_resid})", fixed(a.f_statistic, 2)),
            ("Prob &gt; F", fixed(a.f_p_value, 4)),
            ("R-squared", fixed(a.r_squared, 4)),
            ("Adj R-squared", fixed(a.adj_r_squared, 4)),
            ("Root MSE", significant(a.root_mse, 5)),
        ]
        sources = [
            ("Model", a.ss_model, a.df_model, a.ms_model),
            ("Residual", a.ss_resid, a.df_resid, a.ms_resid),
            ("Total", a.ss_total, a.df_total, a.ms_total),
        ]
        anova_rows = "".join(
            f"<tr><th>{name}</th><td>{stata_g(ss, 11)}</td><td>{df}</td>"
            f"<td>{stata_g(ms, 11)}</td></tr>"
            for name, ss, df, ms in sources
        )
        fit_rows = "".join(f"<tr><th>{label}</th><td>{value}</td></tr>" for label, value in fit)
        coef_rows = "".join(
            f"<tr><th>{html.escape(str(r.variable))}</th><td>{stata_g(r.coef, 9)}</td>"
            f"<td>{stata_g(r.std_error, 9)}</td><td>{fixed(r.t, 2)}</td>"
            f"<td>{fixed(r.p_value, 3)}</td><td>{stata_g(r.ci_lower, 9)}</td>"
            f"<td>{stata_g(r.ci_upper, 9)}</td></tr>"
            for r in self.coefficients.itertuples(index=False)
        )
        return (
            f"<div><p><b>OLS: {html.escape(self.y)} on {html.escape(', '.join(self.x))}</b></p>"
            "<table><tr><th>Source</th><th>SS</th><th>df</th><th>MS</th></tr>"
            f"{anova_rows}</table><table>{fit_rows}</table>"
            f"<table><tr><th>{html.escape(self.y)}</th><th>Coef.</th><th>Std. Err.</th>"
            f"<th>t</th><th>P&gt;|t|</th><th colspan='2'>[{self._level} Conf. Interval]</th>"
            f"</tr>{coef_rows}</table><p><i>{html.escape(ASSOCIATION_NOTE)}</i></p></div>"
        )

    def plot(self, ax=None, *, labels: str | None = None):
        """Scatter with the fitted line (one regressor) or a coefficient plot; returns ``ax``.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure when omitted.
        labels : str, optional
            Column of :attr:`data` whose values annotate the points (e.g.
            ``"municipality"``); one regressor only.

        Returns
        -------
        matplotlib.axes.Axes

        Notes
        -----
        With one regressor: one point per municipality and the fitted line, labelled with
        :attr:`equation` as in the JobFirst figures 1-1 to 1-5 (000, L876-880, L1028-1054)
        and FSM's "y = 0.0514x + 0.5811, R² = 0.0779" (003, L2582-2622). With several:
        each regressor's coefficient with its confidence interval (the intercept left out).
        """
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 4))
        if len(self.x) == 1:
            return self._plot_scatter(ax, labels)
        if labels is not None:
            raise ValueError("labels= is only for a regression on one regressor")
        table = self.coefficients[self.coefficients["variable"] != CONSTANT]
        positions = np.arange(len(table))[::-1]
        coef = table["coef"].to_numpy(dtype=float)
        errors = np.vstack(
            [coef - table["ci_lower"].to_numpy(float), table["ci_upper"].to_numpy(float) - coef]
        )
        ax.errorbar(coef, positions, xerr=errors, fmt="o", color="C0", capsize=3)
        ax.axvline(0, color="0.5", lw=1)
        ax.set_yticks(positions, table["variable"].tolist())
        ax.set_xlabel(f"coefficient on {self.y} ({self._level} CI)")
        return ax

    def _plot_scatter(self, ax, labels: str | None):
        (name,) = self.x
        if not {name, self.y} <= set(self.data.columns):
            raise ValueError(f"no data to plot: data has no columns {name!r} and {self.y!r}")
        x = self.data[name].to_numpy(dtype=float)
        y = self.data[self.y].to_numpy(dtype=float)
        slope, intercept = self.coefficients["coef"].to_numpy(dtype=float)
        ax.scatter(x, y, color="C0", zorder=3)
        if len(x):
            line_x = np.array([x.min(), x.max()])
            ax.plot(line_x, intercept + slope * line_x, color="C1", label=self.equation)
            ax.legend(loc="best")
        if labels is not None:
            if labels not in self.data.columns:
                raise ValueError(f"labels: no column {labels!r} in the regression data")
            for xi, yi, text in zip(x, y, self.data[labels].astype(str), strict=True):
                ax.annotate(text, (xi, yi), textcoords="offset points", xytext=(3, 3), fontsize=7)
        ax.set_xlabel(name)
        ax.set_ylabel(self.y)
        return ax


# ========================================================================= the estimator


def _numeric_column(data: pd.DataFrame, name: str) -> pd.Series:
    if name not in data.columns:
        raise ValueError(f"municipality_regression: no column {name!r} in the data")
    column = data[name]
    if pd.api.types.is_bool_dtype(column) or pd.api.types.is_numeric_dtype(column):
        return pd.to_numeric(column, errors="raise").astype(float)
    raise TypeError(
        f"municipality_regression: column {name!r} must be numeric, it has dtype {column.dtype}"
    )


def _check_design(design: np.ndarray, names: Sequence[str], n: int) -> None:
    """Raise a ValueError naming constant or collinear regressors."""
    for j, name in enumerate(names):
        if np.ptp(design[:, j]) == 0:
            raise ValueError(
                f"municipality_regression: regressor {name!r} is constant across the {n} "
                "rows used (collinear with the intercept)"
            )
    centred = design - design.mean(axis=0)
    scaled = centred / np.sqrt((centred**2).sum(axis=0))
    kept: list[int] = []
    for j in range(len(names)):  # a few regressors: keep those that add to the rank
        if np.linalg.matrix_rank(scaled[:, [*kept, j]]) == len(kept) + 1:
            kept.append(j)
        else:
            earlier = ", ".join(repr(names[i]) for i in kept)
            raise ValueError(
                f"municipality_regression: regressor {names[j]!r} is collinear with the "
                f"intercept and {earlier} in the {n} rows used"
            )


def municipality_regression(
    data: pd.DataFrame, y: str, x: str | Sequence[str], *, alpha: float = 0.05
) -> MunicipalityRegression:
    r"""OLS with an intercept across municipalities, as Stata's ``regress y x1 x2 …``.

    The JobFirst final evaluation regresses the employment effect of each of the 15
    jobcentres on its fidelity measures (SPEC.md §5.3, §6.3; 000, L870-1054); 'Flere skal
    med' regresses the outcome share on the fidelity score across 71 municipalities (SPEC.md
    §6.4; 003, L2582-2622).

    Parameters
    ----------
    data : pandas.DataFrame
        One row per municipality (the unit of the regression). A ``municipality`` column, when
        present, must not repeat among the rows used.
    y : str
        Column of the dependent variable (e.g. ``besk``, the effect in percentage points,
        SPEC.md §11 A-46).
    x : str or sequence of str
        Regressor column(s), in the order the coefficient table lists them.
    alpha : float, default 0.05
        One minus the confidence level of the intervals (0.05: Stata's 95 %).

    Returns
    -------
    MunicipalityRegression

    Raises
    ------
    ValueError
        If a column is missing or repeated, fewer complete rows than parameters + 1 remain
        (:math:`n < k + 2`), ``y`` is constant, a regressor is constant or the regressors
        are collinear.
    TypeError
        If a column is not numeric (booleans count as 0/1).

    Notes
    -----
    Rows with a missing ``y`` or regressor are dropped and counted in ``n_dropped`` (Stata's
    casewise deletion). The fit is :class:`statsmodels.regression.linear_model.OLS` on
    :math:`X = [x_1, \dots, x_k, 1]`: coefficients :math:`\hat\beta = (X'X)^{-1}X'y`,
    conventional (homoskedastic) standard errors
    :math:`\widehat{se}_j = \sqrt{MS_{resid}[(X'X)^{-1}]_{jj}}`, :math:`t_j = \hat\beta_j /
    \widehat{se}_j`, two-sided :math:`p_j` from :math:`t_{n-k-1}`, and
    :math:`CI = \hat\beta_j \pm t_{1-\alpha/2,\,n-k-1} \cdot \widehat{se}_j` (e.g.
    :math:`0.43669 \pm 2.1788 \cdot 0.18136 = [0.0416, 0.8318]`, SPEC.md §5.3; 000,
    L891-918). The ANOVA block: :math:`R^2 = SS_{model}/SS_{total}`, :math:`\bar R^2 = 1 -
    (SS_{resid}/(n-k-1)) / (SS_{total}/(n-1))`, :math:`F = (SS_{model}/k) /
    (SS_{resid}/(n-k-1))` on :math:`(k, n-k-1)` df, root MSE :math:`= \sqrt{SS_{resid} /
    (n-k-1)}` (see :class:`Anova`).

    With 15 observations these are small-sample statistics: the published regressions found
    only the D-group internship share significant (:math:`\hat\beta = 0.437`, p = 0.033;
    000, L891-936).

    Examples
    --------
    Five municipalities on a line with noise; :math:`\hat\beta = 6/10 = 0.6`,
    :math:`\hat\alpha = 4 - 0.6 \cdot 3 = 2.2`, :math:`R^2 = 3.6/6 = 0.6`:

    >>> import pandas as pd
    >>> from activemeasures.fidelity import municipality_regression
    >>> frame = pd.DataFrame({"municipality": list("ABCDE"), "fidelity": [1, 2, 3, 4, 5],
    ...                       "effect": [2, 4, 5, 4, 5]})
    >>> result = municipality_regression(frame, "effect", "fidelity")
    >>> result.to_frame()[["variable", "coef"]]
       variable  coef
    0  fidelity   0.6
    1     _cons   2.2
    >>> result.equation
    'y = 0.6x + 2.2, R² = 0.6000'
    >>> print(result)
          Source |       SS           df       MS      Number of obs   =         5
    -------------+----------------------------------   F(1, 3)         =      4.50
           Model |         3.6         1         3.6   Prob > F        =    0.1240
        Residual |         2.4         3          .8   R-squared       =    0.6000
    -------------+----------------------------------   Adj R-squared   =    0.4667
           Total |           6         4         1.5   Root MSE        =    .89443
    <BLANKLINE>
    ------------------------------------------------------------------------------
          effect |      Coef.   Std. Err.      t    P>|t|     [95% Conf. Interval]
    -------------+----------------------------------------------------------------
        fidelity |         .6   .2828427     2.12   0.124    -.3001317    1.500132
           _cons |        2.2   .9380832     2.35   0.101    -.7853993    5.185399
    ------------------------------------------------------------------------------
    Association across municipalities (one row each); describes, does not establish cause.
    """
    import statsmodels.api as sm

    names = [x] if isinstance(x, str) else list(x)
    if not names:
        raise ValueError("municipality_regression: give at least one regressor in x")
    if len(set(names)) != len(names) or y in names:
        raise ValueError(
            f"municipality_regression: y and the regressors must be distinct columns, got "
            f"y={y!r}, x={names!r}"
        )
    if not 0.0 < float(alpha) < 1.0:
        raise ValueError(f"alpha must lie strictly between 0 and 1, got {alpha}")
    values = pd.DataFrame({name: _numeric_column(data, name) for name in [y, *names]})
    keep = values.notna().all(axis=1).to_numpy()
    n, n_dropped, k = int(keep.sum()), int((~keep).sum()), len(names)
    if n < k + 2:
        raise ValueError(
            f"municipality_regression: {n} complete rows ({n_dropped} dropped for missing "
            f"values) are too few for {k + 1} parameters ({k} regressors and the intercept); "
            f"at least {k + 2} are needed"
        )
    used = data.loc[keep].reset_index(drop=True)
    if _UNIT_COLUMN in used.columns and used[_UNIT_COLUMN].duplicated().any():
        repeated = int(used[_UNIT_COLUMN].duplicated(keep=False).sum())
        raise ValueError(
            f"municipality_regression: one row per municipality expected, {repeated} rows "
            f"share a value of column {_UNIT_COLUMN!r}"
        )
    outcome = values[y].to_numpy()[keep]
    if np.ptp(outcome) == 0:
        raise ValueError(
            f"municipality_regression: {y!r} takes one value in all {n} rows used; "
            "there is nothing to explain"
        )
    regressors = values[names].to_numpy()[keep]
    _check_design(regressors, names, n)

    fit = sm.OLS(outcome, np.column_stack([regressors, np.ones(n)])).fit()
    ci = np.asarray(fit.conf_int(alpha=alpha))
    coefficients = pd.DataFrame(
        {
            "variable": [*names, CONSTANT],
            "coef": np.asarray(fit.params, dtype=float),
            "std_error": np.asarray(fit.bse, dtype=float),
            "t": np.asarray(fit.tvalues, dtype=float),
            "p_value": np.asarray(fit.pvalues, dtype=float),
            "ci_lower": ci[:, 0],
            "ci_upper": ci[:, 1],
        },
        columns=list(COEFFICIENT_COLUMNS),
    )
    ss_resid = float(fit.ssr)
    anova = Anova.from_sums_of_squares(
        ss_model=max(float(fit.centered_tss) - ss_resid, 0.0),
        ss_resid=ss_resid,
        n_obs=n,
        df_model=k,
    )
    return MunicipalityRegression(
        y=y,
        x=tuple(names),
        coefficients=coefficients,
        anova=anova,
        alpha=alpha,
        n_dropped=n_dropped,
        data=used,
    )
