r"""Lin's (2013) covariate-adjusted treatment effect, as R's ``estimatr::lm_lin``."""

from __future__ import annotations

import numpy as np
import pandas as pd

from activemeasures.estimators._design import (
    DesignError,
    check_alpha,
    check_both_arms_in_blocks,
    check_indexes,
    prepare,
)
from activemeasures.estimators.results import Estimate
from activemeasures.estimators.robust import _cr2, _hc2, least_squares

__all__ = ["lin"]


def lin(
    y: object,
    treatment: object,
    covariates: object = None,
    *,
    blocks: object = None,
    clusters: object = None,
    alpha: float = 0.05,
    missing: str = "raise",
) -> Estimate:
    r"""Lin's (2013) regression estimate of the average treatment effect.

    Least squares of the outcome on an intercept, the treatment, the centred covariates and
    the treatment × centred-covariate interactions; the treatment coefficient is the effect.
    Standard errors are HC2 (CR2 with clusters), as estimatr's ``lm_lin``.

    Parameters
    ----------
    y : array-like or pandas.Series
        Outcome of each unit (numeric).
    treatment : array-like or pandas.Series
        Treatment of each unit: 0/1 or boolean, treated = 1.
    covariates : pandas.DataFrame, 2-D array-like or pandas.Series, optional
        Pre-treatment covariates, one row per unit (aligned by position). Numeric and boolean
        columns enter as they are; other columns (strings, categoricals) as indicators of
        every level but the first (levels sorted, or in categorical order), as R's
        ``model.matrix`` builds them. May be omitted when ``blocks`` are given.
    blocks : array-like or pandas.Series, optional
        Block label of each unit. Blocks enter as indicators of every block but the first
        (labels sorted), centred and interacted with the treatment like the covariates.
    clusters : array-like or pandas.Series, optional
        Cluster label of each unit; switches HC2 to CR2 and its Bell–McCaffrey degrees of
        freedom. Treatment must be constant within clusters, and clusters nested in blocks.
    alpha : float, default 0.05
        Significance level; the confidence interval has level :math:`1 - \alpha`.
    missing : {"raise", "drop"}, default "raise"
        Missing (NaN) outcomes raise a :class:`DesignError`, or are dropped and counted in
        :attr:`Estimate.n_dropped`. Missing covariates always raise.

    Returns
    -------
    Estimate
        ``method="Lin"``; ``design`` is ``"standard"``, ``"blocked"``, ``"clustered"`` or
        ``"block-clustered"``.

    Raises
    ------
    DesignError
        Bad inputs as for :func:`difference_in_means`; a block without treated or control
        units; missing covariates; a treatment collinear with the covariates; a unit with
        leverage 1 (HC2 undefined; for instance the only treated unit of a block or of a
        covariate category).

    See Also
    --------
    difference_in_means

    Notes
    -----
    With covariates :math:`x_i` (a row of :math:`p` columns after indicators), their sample
    mean :math:`\bar x` and treatment :math:`t_i`, the regression is

    .. math::

        y_i = \alpha + \tau t_i + (x_i - \bar x)^\top\beta
              + t_i (x_i - \bar x)^\top\gamma + \varepsilon_i,

    and :math:`\hat\tau` estimates the average treatment effect (Lin, 2013, sec. 2). Its
    standard error is the HC2 sandwich of :func:`~activemeasures.estimators.hc2_vcov` with
    :math:`\nu = N - k` degrees of freedom (:math:`k` coefficients), as ``lm_robust``; with
    clusters it is the CR2 sandwich of :func:`~activemeasures.estimators.cr2_vcov` with the
    Bell–McCaffrey degrees of freedom of :func:`~activemeasures.estimators.cr2_df` for
    :math:`\tau`.

    **Blocks.** estimatr's ``lm_lin`` has no ``blocks`` argument; blocks are given as a
    fixed-effect covariate, ``lm_lin(y ~ t, covariates = ~ factor(block))``. This function
    does exactly that: ``model.matrix`` makes indicators of blocks 2..B (first level
    dropped), which are centred and interacted with the treatment like every covariate, and
    placed after the covariates (``~ x1 + ... + factor(block)``). The effect is then
    :math:`\sum_b (N_b/N)\hat\tau_b` adjusted within blocks; without other covariates it
    equals the blocked difference in means with the same standard error and
    :math:`\nu = N - 2B` (estimatr's tests check this equivalence). Matched pairs cannot be
    analysed this way (every unit has leverage 1): use :func:`difference_in_means`.

    **Rank.** Linearly dependent columns (an indicator of a level seen in one arm only, a
    constant covariate) are dropped by a column-pivoted QR decomposition with the rank
    threshold of Eigen, as estimatr's ``lm_solver``; the treatment column is never the one
    dropped unless it is itself collinear with the covariates, which raises.

    Divergence from estimatr: covariates are not transformed by formulas (pass the columns
    you want); missing covariates, treatments, blocks or clusters raise instead of dropping
    the unit; weights and multi-valued treatments are not supported; a unit with leverage 1
    raises where estimatr returns a NaN standard error.

    References
    ----------
    Lin, W. (2013). Agnostic notes on regression adjustments to experimental data:
    Reexamining Freedman's critique. *The Annals of Applied Statistics* 7(1), 295-318.

    Freedman, D. A. (2008). On regression adjustments in experiments with several
    treatments. *The Annals of Applied Statistics* 2(1), 176-196.

    MacKinnon, J. G., and White, H. (1985). Some heteroskedasticity-consistent covariance
    matrix estimators with improved finite sample properties. *Journal of Econometrics*
    29(3), 305-325.

    Bell, R. M., and McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
    regression with multi-stage samples. *Survey Methodology* 28(2), 169-181.

    Pustejovsky, J. E., and Tipton, E. (2018). Small-sample methods for cluster-robust
    variance estimation and hypothesis testing in fixed effects models. *Journal of Business
    & Economic Statistics* 36(4), 672-683.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.estimators import lin
    >>> frame = pd.DataFrame({
    ...     "y": [2.1, 3.4, 1.8, 4.6, 3.9, 2.2, 5.1, 2.7, 3.3, 4.4],
    ...     "t": [0, 1, 0, 1, 1, 0, 1, 0, 0, 1],
    ...     "age": [31, 45, 38, 52, 40, 35, 58, 33, 47, 41],
    ...     "benefit": ["cash", "resource", "cash", "cash", "resource",
    ...                 "resource", "cash", "cash", "resource", "cash"],
    ... })
    >>> est = lin(frame["y"], frame["t"], frame[["age", "benefit"]])
    >>> est.method, est.design, est.df
    ('Lin', 'standard', 4.0)
    >>> round(est.estimate, 4), round(est.std_error, 4)
    (1.4617, 0.5428)
    """
    check_indexes(y=y, treatment=treatment, covariates=covariates, blocks=blocks, clusters=clusters)
    frame = _covariate_frame(covariates)
    if frame is None and blocks is None:
        raise DesignError(
            "give covariates, blocks or both (without either, use difference_in_means)"
        )
    check_alpha(alpha)
    data = prepare(
        y,
        treatment,
        blocks=blocks,
        clusters=clusters,
        missing=missing,
        n_rows=None if frame is None else len(frame),
    )
    columns = [] if frame is None else [_covariate_matrix(frame[data.keep])]
    if data.block is not None:
        check_both_arms_in_blocks(data)
        columns.append(_block_indicators(data.block, data.n_blocks))
    covariate_matrix = np.hstack(columns)
    centred = covariate_matrix - covariate_matrix.mean(axis=0)
    t = data.treated.astype(float)
    X = np.column_stack([np.ones(data.n), t, centred, t[:, None] * centred])

    fit = least_squares(X, data.y)
    kept, residuals = fit.kept, fit.residuals
    if 1 not in kept:
        raise DesignError(
            "the treatment is collinear with the covariates or their interactions (for "
            "instance when an arm has a single unit); it cannot be estimated"
        )
    position = int(np.searchsorted(kept, 1))
    if data.cluster is None:
        vcov = _hc2(fit.Q, fit.R, residuals)
        df = float(data.n - kept.size)
    else:
        contrast = np.zeros(kept.size)
        contrast[position] = 1.0
        vcov, df = _cr2(
            fit.Q, fit.R, data.cluster, data.n_clusters, residuals=residuals, contrast=contrast
        )
    if data.cluster is None:
        design = "standard" if data.block is None else "blocked"
    else:
        design = "clustered" if data.block is None else "block-clustered"
    return Estimate.from_t(
        estimate=float(fit.coefficients[position]),
        std_error=float(np.sqrt(vcov[position, position])),
        df=df,
        n_treatment=data.n_treatment,
        n_control=data.n_control,
        design=design,
        alpha=alpha,
        n_dropped=data.n_dropped,
        method="Lin",
    )


def _covariate_frame(covariates: object) -> pd.DataFrame | None:
    """Covariates as a DataFrame with a positional index."""
    if covariates is None:
        return None
    if isinstance(covariates, pd.DataFrame):
        frame = covariates
    elif isinstance(covariates, pd.Series):
        frame = covariates.to_frame(name=covariates.name if covariates.name is not None else "x")
    else:
        array = np.asarray(covariates)
        if array.ndim == 1:
            array = array[:, None]
        if array.ndim != 2:
            raise DesignError(f"covariates must be 1- or 2-dimensional, got {array.ndim}")
        frame = pd.DataFrame(array, columns=[f"x{j}" for j in range(array.shape[1])])
        frame = frame.infer_objects()
    return frame.reset_index(drop=True)


def _covariate_matrix(frame: pd.DataFrame) -> np.ndarray:
    """Numeric columns as they are; other columns as indicators of all levels but the first."""
    blocks = []
    for name, column in frame.items():
        missing = int(column.isna().sum())
        if missing:
            raise DesignError(f"covariate '{name}' is missing for {missing} units")
        categorical = isinstance(column.dtype, pd.CategoricalDtype)
        if not categorical and (
            pd.api.types.is_numeric_dtype(column) or pd.api.types.is_bool_dtype(column)
        ):
            blocks.append(column.to_numpy(dtype=float)[:, None])
            continue
        levels = column if categorical else column.astype("category")
        codes = levels.cat.remove_unused_categories().cat.codes.to_numpy()
        n_levels = int(codes.max()) + 1
        indicators = np.zeros((len(codes), max(n_levels - 1, 0)))
        rows = np.flatnonzero(codes > 0)
        indicators[rows, codes[rows] - 1] = 1.0
        blocks.append(indicators)
    return np.hstack(blocks) if blocks else np.empty((len(frame), 0))


def _block_indicators(codes: np.ndarray, n_blocks: int) -> np.ndarray:
    """Indicators of blocks 2..B (R's treatment contrasts)."""
    indicators = np.zeros((codes.size, n_blocks - 1))
    rows = np.flatnonzero(codes > 0)
    indicators[rows, codes[rows] - 1] = 1.0
    return indicators
