"""Balance of the randomisation: covariate means by arm, standardised differences, tests.

At mid-term, JobFirst's balance tests found no significant differences between the
participant and control groups on any background factor (001, L288); neither the factors nor
the test are given (SPEC.md §3.4). This module implements the interpretation of SPEC.md §3.4:
per covariate, means by arm, the standardised mean difference and a p-value from the same
design-based estimator as the effects (so blocks and clusters are respected), plus a joint
(omnibus) test.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd
from scipy import stats

from activemeasures.estimators.dim import difference_in_means
from activemeasures.estimators.robust import cr2_vcov, hc2_vcov

__all__ = ["BalanceTable", "Omnibus", "balance_table"]

#: Columns of :meth:`BalanceTable.to_frame`.
BALANCE_COLUMNS = (
    "covariate",
    "n_treatment",
    "n_control",
    "mean_treatment",
    "mean_control",
    "std_mean_diff",
    "p_value",
)


@attrs.frozen(kw_only=True)
class Omnibus:
    """A joint test that all covariates are balanced.

    Attributes
    ----------
    statistic : float
        Wald statistic :math:`\\hat\\beta' \\hat V^{-1} \\hat\\beta`.
    df : int
        Number of covariate coefficients tested.
    p_value : float
        From the :math:`\\chi^2_{df}` distribution.
    method : str
        What was regressed on what, with which variance.
    """

    statistic: float
    df: int
    p_value: float
    method: str


@attrs.frozen(kw_only=True)
class BalanceTable:
    """Result of :func:`balance_table`.

    Attributes
    ----------
    table : pandas.DataFrame
        One row per covariate (a row per level for categorical covariates); columns as
        :meth:`to_frame`.
    omnibus : Omnibus or None
        The joint test (``None`` when it could not be computed, e.g. no covariate varies).
    design : str
        The design the per-covariate tests learned (see
        :func:`~activemeasures.estimators.difference_in_means`).
    """

    table: pd.DataFrame = attrs.field(eq=False)
    omnibus: Omnibus | None
    design: str

    def to_frame(self) -> pd.DataFrame:
        """Columns ``covariate, n_treatment, n_control, mean_treatment, mean_control,
        std_mean_diff, p_value``."""
        return self.table.copy()

    def __str__(self) -> str:
        text = f"Balance ({self.design} design)\n" + self.table.to_string(index=False)
        if self.omnibus is not None:
            o = self.omnibus
            text += (
                f"\nJoint test: {o.method}: statistic {o.statistic:.4g} on {o.df} df, "
                f"p = {o.p_value:.4g}"
            )
        return text

    def _repr_html_(self) -> str:
        return self.table.to_html(index=False)

    def plot(self, ax=None):
        """Standardised mean differences by covariate (a "love plot"); returns ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots(figsize=(6, 0.3 * len(self.table) + 1))
        positions = np.arange(len(self.table))
        ax.scatter(self.table["std_mean_diff"], positions, color="C0")
        ax.axvline(0, color="0.5", lw=1)
        for edge in (-0.1, 0.1):
            ax.axvline(edge, color="0.8", lw=1, ls="--")
        ax.set_yticks(positions, self.table["covariate"])
        ax.set_xlabel("standardised mean difference (treatment − control)")
        return ax


def _covariate_columns(frame: pd.DataFrame, covariates: list[str]) -> dict[str, pd.Series]:
    """Numeric columns as they are; categorical ones as one 0/1 column per level."""
    columns: dict[str, pd.Series] = {}
    for name in covariates:
        values = frame[name]
        if pd.api.types.is_bool_dtype(values) or pd.api.types.is_numeric_dtype(values):
            columns[name] = values.astype(float)
        else:
            for level in sorted(values.dropna().unique(), key=str):
                indicator = (values == level).astype(float)
                indicator[values.isna()] = np.nan
                columns[f"{name}={level}"] = indicator
    return columns


def _std_mean_diff(x1: np.ndarray, x0: np.ndarray) -> float:
    pooled = np.sqrt((np.var(x1, ddof=1) + np.var(x0, ddof=1)) / 2)
    return float((x1.mean() - x0.mean()) / pooled) if pooled > 0 else 0.0


def _omnibus(treated, columns, blocks, clusters) -> Omnibus | None:
    """Wald test of the covariates in a regression of treatment on them (block dummies too)."""
    design = pd.DataFrame(columns)
    keep = design.notna().all(axis=1).to_numpy()
    design = design[keep]
    # Constant columns carry no information; of collinear ones (the levels of a categorical
    # covariate sum to one) keep the first that adds to the rank.
    matrix = design.loc[:, design.std(ddof=0) > 0].to_numpy()
    if matrix.shape[1] == 0:
        return None
    rank_cols = []
    for j in range(matrix.shape[1]):
        trial = matrix[:, [*rank_cols, j]] - matrix[:, [*rank_cols, j]].mean(axis=0)
        if np.linalg.matrix_rank(trial) == len(rank_cols) + 1:
            rank_cols.append(j)
    tested = matrix[:, rank_cols]
    parts = [np.ones((len(tested), 1)), tested]
    if blocks is not None:
        dummies = pd.get_dummies(pd.Series(np.asarray(blocks)[keep]), drop_first=True)
        parts.append(dummies.to_numpy(dtype=float))
    x = np.hstack(parts)
    y = np.asarray(treated, dtype=float)[keep]
    beta, *_ = np.linalg.lstsq(x, y, rcond=None)
    residuals = y - x @ beta
    if clusters is None:
        vcov, label = hc2_vcov(x, residuals), "HC2"
    else:
        vcov, label = cr2_vcov(x, residuals, np.asarray(clusters)[keep]), "CR2"
    k = len(rank_cols)
    b = beta[1 : 1 + k]
    v = vcov[1 : 1 + k, 1 : 1 + k]
    statistic = float(b @ np.linalg.solve(v, b))
    fixed = " with block fixed effects" if blocks is not None else ""
    return Omnibus(
        statistic=statistic,
        df=k,
        p_value=float(stats.chi2.sf(statistic, k)),
        method=f"Wald test of treatment on the covariates{fixed}, {label} variance",
    )


def balance_table(
    frame: pd.DataFrame,
    treatment: str,
    covariates: list[str],
    *,
    blocks: str | None = None,
    clusters: str | None = None,
) -> BalanceTable:
    r"""Covariate balance between arms, respecting blocks and clusters.

    Parameters
    ----------
    frame : pandas.DataFrame
        One row per unit (e.g. the citizens table).
    treatment : str
        Column of 0/1 (or boolean) treatment.
    covariates : list of str
        Columns to compare. Numeric and boolean columns are compared as they are; other
        columns get one row per level (the share with that level).
    blocks, clusters : str, optional
        Columns naming the blocks (JobFirst: ``"municipality"``) and clusters of the design.

    Returns
    -------
    BalanceTable

    Notes
    -----
    For each covariate :math:`x` (rows with it missing are left out of its row):

    * ``std_mean_diff`` :math:`= (\bar x_1 - \bar x_0) / \sqrt{(s_1^2 + s_0^2)/2}`, the
      standardised mean difference with the pooled standard deviation;
    * ``p_value`` from :func:`~activemeasures.estimators.difference_in_means` of :math:`x` on
      the treatment with the same blocks and clusters (SPEC.md §3.4 suggests Welch tests; the
      design-based test reduces to Welch's without blocks).

    The joint test regresses the treatment on all covariates (and block indicators) and tests
    the covariate coefficients with a Wald statistic and HC2 (or, with clusters, CR2)
    variance, :math:`\chi^2` reference distribution (complete cases only).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.estimators import balance_table
    >>> frame = pd.DataFrame({"t": [1, 0] * 6, "age": [30, 34, 41, 45, 52, 50, 38, 33,
    ...                                                  47, 44, 36, 40]})
    >>> table = balance_table(frame, "t", ["age"])
    >>> table.to_frame()[["covariate", "mean_treatment", "mean_control"]].round(2)
      covariate  mean_treatment  mean_control
    0       age           40.67          41.0
    """
    treated = frame[treatment].astype(float).to_numpy()
    columns = _covariate_columns(frame, covariates)
    block_values = None if blocks is None else frame[blocks].to_numpy()
    cluster_values = None if clusters is None else frame[clusters].to_numpy()
    rows = []
    design = "standard"
    for name, values in columns.items():
        x = values.to_numpy()
        ok = ~np.isnan(x)
        estimate = difference_in_means(
            x[ok],
            treated[ok],
            blocks=None if block_values is None else block_values[ok],
            clusters=None if cluster_values is None else cluster_values[ok],
        )
        design = estimate.design
        x1, x0 = x[ok & (treated == 1)], x[ok & (treated == 0)]
        rows.append(
            {
                "covariate": name,
                "n_treatment": len(x1),
                "n_control": len(x0),
                "mean_treatment": float(x1.mean()),
                "mean_control": float(x0.mean()),
                "std_mean_diff": _std_mean_diff(x1, x0),
                "p_value": estimate.p_value,
            }
        )
    return BalanceTable(
        table=pd.DataFrame(rows, columns=list(BALANCE_COLUMNS)),
        omnibus=_omnibus(treated, columns, block_values, cluster_values),
        design=design,
    )
