r"""Design-based difference in means, as R's ``estimatr::difference_in_means``.

The design is learned from the arguments (see :func:`difference_in_means`); each design has its
own standard error and degrees of freedom, and every one of them is computed from grouped sums
over blocks, arms and clusters, without a Python loop over units, blocks or clusters.
"""

from __future__ import annotations

import numpy as np

from activemeasures.estimators._design import (
    LearnedDesign,
    Prepared,
    check_alpha,
    learn_design,
    prepare,
)
from activemeasures.estimators.results import Estimate
from activemeasures.estimators.robust import cr2_cell_mean_variances, cr2_df

__all__ = ["difference_in_means"]


def difference_in_means(
    y: object,
    treatment: object,
    *,
    blocks: object = None,
    clusters: object = None,
    alpha: float = 0.05,
    missing: str = "raise",
) -> Estimate:
    r"""Difference in means with the standard error and degrees of freedom of the design.

    The design is learned from ``blocks`` and ``clusters`` exactly as estimatr's
    ``difference_in_means`` learns it, and the numbers match estimatr's.

    Parameters
    ----------
    y : array-like or pandas.Series
        Outcome of each unit (numeric).
    treatment : array-like or pandas.Series
        Treatment of each unit: 0/1 or boolean, treated = 1.
    blocks : array-like or pandas.Series, optional
        Block (stratum) label of each unit, e.g. the municipality within which units were
        randomised. Blocks of two units (or two clusters) are matched pairs.
    clusters : array-like or pandas.Series, optional
        Cluster label of each unit, when whole clusters were randomised. Treatment must be
        constant within a cluster, and clusters must be nested in blocks.
    alpha : float, default 0.05
        Significance level; the confidence interval has level :math:`1 - \alpha`.
    missing : {"raise", "drop"}, default "raise"
        Missing (NaN) outcomes raise a :class:`DesignError`, or are dropped and counted in
        :attr:`Estimate.n_dropped`.

    Returns
    -------
    Estimate
        With ``design`` one of ``"standard"``, ``"blocked"``, ``"matched-pair"``,
        ``"clustered"``, ``"block-clustered"``, ``"matched-pair clustered"``.

    Raises
    ------
    DesignError
        Non-binary treatment; an arm (or, in a blocked design, a block's arm) without units;
        an arm with a single unit outside matched pairs; a block with a single unit or
        cluster; treatment varying within a cluster; a cluster spanning several blocks;
        missing outcomes with ``missing="raise"``. Messages name the blocks or clusters
        concerned by their labels, never an outcome value.

    Warns
    -----
    DesignWarning
        When some blocks have two units (clusters) and others more: the matched-pair
        estimator is then used for every block, as in estimatr. When an arm of the sample
        (clustered) or of a block (block-clustered) is a single cluster, which CR2 gives no
        variance.

    See Also
    --------
    lin : Lin's (2013) covariate-adjusted estimator.

    Notes
    -----
    Let :math:`\bar y_1, \bar y_0` be the arm means, :math:`s_1^2, s_0^2` the arm variances
    (divisor :math:`n - 1`) and :math:`n_1, n_0` the arm sizes.

    **Standard** (no blocks, no clusters): Welch's (1947) unequal-variance test,

    .. math::

        \hat\tau = \bar y_1 - \bar y_0, \quad
        \widehat{se} = \sqrt{s_1^2/n_1 + s_0^2/n_0}, \quad
        \nu = \frac{\widehat{se}^4}{\frac{(s_1^2/n_1)^2}{n_1 - 1}
                                   + \frac{(s_0^2/n_0)^2}{n_0 - 1}}.

    **Blocked** (Gerber and Green, 2012, eq. 3.10 and p. 74, footnote 17): with blocks
    :math:`b = 1..B` of :math:`N_b` units, :math:`N = \sum_b N_b`, and the standard estimate
    :math:`\hat\tau_b, \widehat{se}_b` within each block,

    .. math::

        \hat\tau = \sum_b \frac{N_b}{N}\hat\tau_b, \quad
        \widehat{se} = \sqrt{\sum_b \Big(\frac{N_b}{N}\Big)^2 \widehat{se}_b^2}, \quad
        \nu = N - 2B.

    **Matched-pair** (every block has two units; Gerber and Green, 2012, eq. 3.16): with
    :math:`J` pairs, :math:`\hat\tau = \sum_b (N_b/N)\hat\tau_b` and

    .. math::

        \widehat{se} = \sqrt{\frac{1}{J(J-1)} \sum_{b=1}^{J} (\hat\tau_b - \hat\tau)^2},
        \quad \nu = J - 1.

    If some blocks have two units and others more, this estimator is used for all blocks
    (estimatr does the same and warns).

    **Clustered** (clusters, no blocks): least squares of :math:`y` on an intercept and the
    treatment with the CR2 standard error (Bell and McCaffrey, 2002) and its Bell–McCaffrey
    degrees of freedom (Pustejovsky and Tipton, 2018), as ``lm_robust(se_type = "CR2")``. For
    this saturated regression CR2 reduces to the closed form of
    :func:`~activemeasures.estimators.robust.cr2_cell_mean_variances`,

    .. math::

        \widehat{se}^2 = \sum_{a \in \{0, 1\}} \frac{1}{n_a^2} \sum_{g \in a}
            \frac{(\sum_{i \in g} (y_i - \bar y_a))^2}{1 - n_g/n_a},

    and :math:`\nu` is :func:`~activemeasures.estimators.cr2_df` of the treatment coefficient.

    **Block-clustered**: the clustered estimate within each block, combined as in the blocked
    design, with :math:`\nu = C - 2B` for :math:`C` clusters.

    **Matched-pair clustered** (every block has two clusters; Imai, King and Nall, 2009,
    eq. 6): :math:`\hat\tau = \sum_b (N_b/N)\hat\tau_b` with unit-level means within blocks,

    .. math::

        \widehat{se} = \sqrt{\frac{J}{(J-1)N^2} \sum_{b=1}^{J}
            \Big(N_b\hat\tau_b - \frac{N\hat\tau}{J}\Big)^2}, \quad \nu = J - 1.

    In every design :math:`t = \hat\tau/\widehat{se}`, the p-value is two-sided from
    Student's t with :math:`\nu` degrees of freedom and the interval is
    :math:`\hat\tau \pm t_{\nu, 1-\alpha/2}\widehat{se}`.

    Divergence from estimatr: none in the numbers it reports. Where estimatr drops units with
    a missing treatment, block or cluster, this function refuses them (only outcomes may be
    dropped, and only on request); a design of a single pair raises where estimatr returns a
    NaN standard error; an arm made of a single cluster warns (estimatr is silent); weights,
    ``condition1``/``condition2`` and multi-valued treatments are not supported.

    References
    ----------
    Gerber, A. S., and Green, D. P. (2012). *Field Experiments: Design, Analysis, and
    Interpretation*. New York: W. W. Norton.

    Imai, K., King, G., and Nall, C. (2009). The essential role of pair matching in
    cluster-randomized experiments, with application to the Mexican Universal Health
    Insurance Evaluation. *Statistical Science* 24(1), 29-53.

    Bell, R. M., and McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
    regression with multi-stage samples. *Survey Methodology* 28(2), 169-181.

    Pustejovsky, J. E., and Tipton, E. (2018). Small-sample methods for cluster-robust
    variance estimation and hypothesis testing in fixed effects models. *Journal of Business
    & Economic Statistics* 36(4), 672-683.

    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34(1-2), 28-35.

    Blair, G., Cooper, J., Coppock, A., Humphreys, M., and Sonnet, L. estimatr: mathematical
    notes, https://declaredesign.org/r/estimatr/articles/mathematical-notes.html.

    Examples
    --------
    >>> from activemeasures.estimators import difference_in_means
    >>> y = [3.1, 2.4, 5.0, 4.2, 1.9, 2.2, 3.8, 4.9]
    >>> t = [1, 0, 1, 1, 0, 0, 1, 0]
    >>> est = difference_in_means(y, t)
    >>> est.design, round(est.estimate, 4), round(est.std_error, 4), round(est.df, 3)
    ('standard', 1.175, 0.7967, 4.783)

    Blocks of two units are matched pairs:

    >>> pairs = ["a", "a", "b", "b", "c", "c", "d", "d"]
    >>> est = difference_in_means(y, [1, 0, 1, 0, 0, 1, 1, 0], blocks=pairs)
    >>> est.design, round(est.estimate, 4), round(est.std_error, 4), est.df
    ('matched-pair', 0.175, 0.4385, 3.0)
    """
    check_alpha(alpha)
    data = prepare(y, treatment, blocks=blocks, clusters=clusters, missing=missing)
    design = learn_design(data)
    if data.block is None:
        estimate, std_error, df = _unblocked(data)
    elif design.pair_matched:
        estimate, std_error, df = _matched_pairs(data, design)
    else:
        estimate, std_error, df = _blocked(data)
    return Estimate.from_t(
        estimate=estimate,
        std_error=std_error,
        df=df,
        n_treatment=data.n_treatment,
        n_control=data.n_control,
        design=design.name,
        alpha=alpha,
        n_dropped=data.n_dropped,
        method="difference in means",
    )


def _cell_statistics(
    data: Prepared, cells: np.ndarray, n_cells: int
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Units, means, residuals from the cell mean and within-cell variances (two passes)."""
    counts = np.bincount(cells, minlength=n_cells).astype(float)
    with np.errstate(divide="ignore", invalid="ignore"):
        means = np.bincount(cells, weights=data.y, minlength=n_cells) / counts
        residuals = data.y - means[cells]
        variances = np.bincount(cells, weights=residuals**2, minlength=n_cells) / (counts - 1)
    return counts, means, residuals, variances


def _welch(
    counts: np.ndarray, means: np.ndarray, variances: np.ndarray
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Welch estimate, squared standard error and df per row of (control, treated) columns."""
    estimate = means[:, 1] - means[:, 0]
    parts = variances / counts
    variance = parts.sum(axis=1)
    with np.errstate(divide="ignore", invalid="ignore"):
        df = variance**2 / (parts**2 / (counts - 1)).sum(axis=1)
    return estimate, variance, df


def _unblocked(data: Prepared) -> tuple[float, float, float]:
    """Standard (Welch) and clustered (CR2) designs."""
    cells = data.treated.astype(np.intp)
    counts, means, residuals, variances = _cell_statistics(data, cells, 2)
    if data.cluster is None:
        estimate, variance, df = _welch(counts[None], means[None], variances[None])
        return float(estimate[0]), float(np.sqrt(variance[0])), float(df[0])
    cell_variances = cr2_cell_mean_variances(residuals, cells, data.cluster, 2)
    X = np.column_stack([np.ones(data.n), data.treated])
    df = cr2_df(X, data.cluster, contrast=[0.0, 1.0])
    return float(means[1] - means[0]), float(np.sqrt(cell_variances.sum())), df


def _blocked(data: Prepared) -> tuple[float, float, float]:
    """Blocked (Welch within blocks) and block-clustered (CR2 within blocks) designs."""
    n_blocks = data.n_blocks
    cells = 2 * data.block + data.treated
    counts, means, residuals, variances = _cell_statistics(data, cells, 2 * n_blocks)
    counts, means = counts.reshape(n_blocks, 2), means.reshape(n_blocks, 2)
    if data.cluster is None:
        block_estimates, block_variances, _ = _welch(counts, means, variances.reshape(n_blocks, 2))
        df = data.n - 2 * n_blocks
    else:
        cell_variances = cr2_cell_mean_variances(residuals, cells, data.cluster, 2 * n_blocks)
        block_estimates = means[:, 1] - means[:, 0]
        block_variances = cell_variances.reshape(n_blocks, 2).sum(axis=1)
        df = data.n_clusters - 2 * n_blocks
    weights = counts.sum(axis=1) / data.n
    estimate = float(weights @ block_estimates)
    std_error = float(np.sqrt(weights**2 @ block_variances))
    return estimate, std_error, float(df)


def _matched_pairs(data: Prepared, design: LearnedDesign) -> tuple[float, float, float]:
    """Matched pairs (Gerber and Green eq. 3.16) and pairs of clusters (Imai, King, Nall)."""
    n_blocks = data.n_blocks
    cells = 2 * data.block + data.treated
    counts = np.bincount(cells, minlength=2 * n_blocks).reshape(n_blocks, 2)
    sums = np.bincount(cells, weights=data.y, minlength=2 * n_blocks).reshape(n_blocks, 2)
    differences = sums[:, 1] / counts[:, 1] - sums[:, 0] / counts[:, 0]
    sizes = counts.sum(axis=1).astype(float)
    total = float(data.n)
    estimate = float(sizes / total @ differences)
    if design.name == "matched-pair":
        variance = ((differences - estimate) ** 2).sum() / (n_blocks * (n_blocks - 1))
    else:
        deviations = sizes * differences - total * estimate / n_blocks
        variance = n_blocks / ((n_blocks - 1) * total**2) * (deviations**2).sum()
    return estimate, float(np.sqrt(variance)), float(n_blocks - 1)
