r"""Heteroskedasticity- and cluster-robust variances of least-squares coefficients.

:func:`hc2_vcov` is the HC2 sandwich (MacKinnon and White, 1985), :func:`cr2_vcov` the CR2
cluster sandwich of Bell and McCaffrey (2002) and :func:`cr2_df` its Satterthwaite degrees of
freedom (Bell and McCaffrey, 2002; Pustejovsky and Tipton, 2018), each computed as R's
estimatr computes them (``lm_robust(se_type = "HC2" | "CR2")``, ``src/lm_robust_helper.cpp``).

statsmodels offers HC2 (``OLS(...).fit(cov_type="HC2")``, against which :func:`hc2_vcov` is
tested) but only CR0/CR1-type cluster covariances; at the time of writing no maintained Python
library we know of provides CR2 with its Bell–McCaffrey degrees of freedom, so they are
written here from their matrix definitions.

Notation: :math:`X` is the :math:`n \times k` design of full column rank, :math:`M =
(X^\top X)^{-1}`, :math:`e` the least-squares residuals, :math:`H = X M X^\top` the hat
matrix and, for a cluster :math:`g`, :math:`X_g`, :math:`e_g` and :math:`H_{gg} = X_g M
X_g^\top` its rows. Everything is computed from the thin QR decomposition :math:`X = QR`,
where :math:`H_{gg} = Q_g Q_g^\top` and :math:`M = R^{-1} R^{-\top}`.

References
----------
Bell, R. M., and McCaffrey, D. F. (2002). Bias reduction in standard errors for linear
regression with multi-stage samples. *Survey Methodology* 28(2), 169-181.

MacKinnon, J. G., and White, H. (1985). Some heteroskedasticity-consistent covariance matrix
estimators with improved finite sample properties. *Journal of Econometrics* 29(3), 305-325.

Pustejovsky, J. E., and Tipton, E. (2018). Small-sample methods for cluster-robust variance
estimation and hypothesis testing in fixed effects models. *Journal of Business & Economic
Statistics* 36(4), 672-683.

Blair, G., Cooper, J., Coppock, A., Humphreys, M., and Sonnet, L. estimatr: Fast estimators
for design-based inference. Mathematical notes,
https://declaredesign.org/r/estimatr/articles/mathematical-notes.html.
"""

from __future__ import annotations

from typing import NamedTuple

import numpy as np
import pandas as pd
from scipy import linalg

from activemeasures.estimators._design import DesignError

__all__ = ["cr2_df", "cr2_vcov", "hc2_vcov"]

#: Eigenvalues of :math:`I - H_{gg}` at or below this are treated as zero by the CR2
#: adjustment (a pseudo-inverse square root), as in estimatr.
EIGEN_TOLERANCE = 1e-12

#: A unit whose leverage is within this of 1 makes HC2 undefined.
LEVERAGE_TOLERANCE = 1e-10


def _matrix(X: object) -> np.ndarray:
    X = np.asarray(X, dtype=float)
    if X.ndim == 1:
        X = X[:, None]
    if X.ndim != 2:
        raise DesignError(f"X must be a 2-D matrix, got {X.ndim} dimensions")
    if not np.isfinite(X).all():
        raise DesignError("X has missing or infinite entries")
    return X


def _vector(name: str, values: object, n: int) -> np.ndarray:
    values = np.asarray(values, dtype=float).reshape(-1)
    if values.size != n:
        raise DesignError(f"{name} has {values.size} entries but X has {n} rows")
    return values


def _rank_tolerance(diagonal: np.ndarray, shape: tuple[int, int]) -> float:
    """Eigen's ``ColPivHouseholderQR`` default: ``min(n, k) * eps * max |R_ii|``."""
    return min(shape) * np.finfo(float).eps * float(np.abs(diagonal).max(initial=0.0))


def _qr(X: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Thin QR of a full-rank design; a rank-deficient one is refused."""
    n, k = X.shape
    if n < k:
        raise DesignError(f"X has fewer rows ({n}) than columns ({k})")
    Q, R = np.linalg.qr(X)
    diagonal = np.abs(np.diag(R))
    if (diagonal <= _rank_tolerance(diagonal, X.shape)).any():
        raise DesignError("X is rank-deficient; drop linearly dependent columns first")
    return Q, R


class LeastSquares(NamedTuple):
    """A least-squares fit on the linearly independent columns of a design."""

    coefficients: np.ndarray  #: coefficients of the kept columns
    residuals: np.ndarray
    kept: np.ndarray  #: sorted indices of the kept columns
    Q: np.ndarray  #: thin QR decomposition of the kept columns, X[:, kept] = Q R
    R: np.ndarray


def least_squares(X: np.ndarray, y: np.ndarray) -> LeastSquares:
    """Least squares that drops linearly dependent columns, as estimatr's ``lm_solver``.

    A column-pivoted QR decomposition (LAPACK ``geqp3``, the greedy largest-remaining-norm
    pivoting of Eigen's ``ColPivHouseholderQR`` used by estimatr) decides the rank with
    Eigen's threshold; the columns it leaves out are dropped, as estimatr reports ``NA``
    for them. The kept columns are then decomposed again, in their original order.
    """
    X = _matrix(X)
    R, pivots = linalg.qr(X, mode="r", pivoting=True)
    diagonal = np.abs(np.diag(R))
    rank = int((diagonal > _rank_tolerance(diagonal, X.shape)).sum())
    kept = np.sort(pivots[:rank])
    Q, R = np.linalg.qr(X[:, kept])
    coefficients = _inverse_r(R) @ (Q.T @ y)
    return LeastSquares(coefficients, y - Q @ (Q.T @ y), kept, Q, R)


def _inverse_r(R: np.ndarray) -> np.ndarray:
    """Inverse of the upper-triangular factor of a full-rank QR decomposition."""
    inverse, info = linalg.lapack.dtrtri(np.asarray(R, dtype=float), lower=0)
    if info != 0:  # pragma: no cover - _qr refuses singular factors
        raise DesignError("X is rank-deficient; drop linearly dependent columns first")
    return inverse


def _codes(clusters: object, n: int) -> tuple[np.ndarray, int]:
    clusters = pd.Series(np.asarray(clusters, dtype=object).reshape(-1))
    if len(clusters) != n:
        raise DesignError(f"clusters has {len(clusters)} entries but X has {n} rows")
    if clusters.isna().any():
        raise DesignError(f"cluster label is missing for {int(clusters.isna().sum())} units")
    codes, labels = pd.factorize(clusters)
    return codes.astype(np.intp), len(labels)


def hc2_vcov(X: object, residuals: object) -> np.ndarray:
    r"""HC2 heteroskedasticity-robust covariance matrix of least-squares coefficients.

    Parameters
    ----------
    X : array-like, shape (n, k)
        Design matrix of full column rank (include the intercept column).
    residuals : array-like, shape (n,)
        Least-squares residuals :math:`e = y - X\hat\beta`.

    Returns
    -------
    numpy.ndarray, shape (k, k)

    Raises
    ------
    DesignError
        If ``X`` is rank-deficient or a unit has leverage 1 (HC2 is then undefined; estimatr
        returns NaN).

    Notes
    -----
    .. math::

        \widehat V_{HC2} = M \Big(\sum_{i=1}^{n} \frac{e_i^2}{1 - h_{ii}}\, x_i x_i^\top\Big) M,
        \qquad h_{ii} = x_i^\top M x_i,

    (MacKinnon and White, 1985). With :math:`X = QR`, :math:`h_{ii} = \lVert q_i\rVert^2` and
    :math:`\widehat V = R^{-1} Q^\top \operatorname{diag}\{e_i^2/(1-h_{ii})\} Q R^{-\top}`.
    For a regression on an intercept and a treatment dummy it equals the Welch (unpooled)
    variance :math:`s_1^2/n_1 + s_0^2/n_0` of the difference in means.

    Examples
    --------
    >>> import numpy as np
    >>> from activemeasures.estimators import hc2_vcov
    >>> y = np.array([1.0, 2.0, 4.0, 3.0, 5.0, 9.0])
    >>> X = np.column_stack([np.ones(6), [0, 0, 0, 1, 1, 1]])
    >>> beta = np.linalg.lstsq(X, y, rcond=None)[0]
    >>> se = np.sqrt(hc2_vcov(X, y - X @ beta)[1, 1])
    >>> bool(np.isclose(se, np.sqrt(y[3:].var(ddof=1) / 3 + y[:3].var(ddof=1) / 3)))
    True
    """
    X = _matrix(X)
    e = _vector("residuals", residuals, X.shape[0])
    Q, R = _qr(X)
    return _hc2(Q, R, e)


def _hc2(Q: np.ndarray, R: np.ndarray, e: np.ndarray) -> np.ndarray:
    one_minus_leverage = 1.0 - np.einsum("ij,ij->i", Q, Q)
    if (one_minus_leverage <= LEVERAGE_TOLERANCE).any():
        raise DesignError(
            f"{int((one_minus_leverage <= LEVERAGE_TOLERANCE).sum())} units have leverage 1 "
            "(for instance the only treated or control unit of a block or of a covariate "
            "category); HC2 is undefined"
        )
    omega = e**2 / one_minus_leverage
    R_inv = _inverse_r(R)
    meat = (Q * omega[:, None]).T @ Q
    return R_inv @ meat @ R_inv.T


def cr2_vcov(X: object, residuals: object, clusters: object) -> np.ndarray:
    r"""CR2 cluster-robust covariance matrix of least-squares coefficients.

    Parameters
    ----------
    X : array-like, shape (n, k)
        Design matrix of full column rank.
    residuals : array-like, shape (n,)
        Least-squares residuals.
    clusters : array-like, shape (n,)
        Cluster label of each row (any hashable labels).

    Returns
    -------
    numpy.ndarray, shape (k, k)

    Notes
    -----
    Bell and McCaffrey's (2002) bias-reduced linearisation with the working model
    :math:`\Phi = I` (estimatr's and clubSandwich's default for unweighted least squares):

    .. math::

        \widehat V_{CR2} = M \Big(\sum_{g=1}^{G} X_g^\top A_g e_g e_g^\top A_g X_g\Big) M,
        \qquad A_g = (I_{n_g} - H_{gg})^{-1/2},

    where the inverse square root is the symmetric one, taken as a pseudo-inverse: with
    :math:`I - H_{gg} = \sum_j \lambda_j v_j v_j^\top`, :math:`A_g = \sum_{j:\lambda_j >
    10^{-12}} \lambda_j^{-1/2} v_j v_j^\top` (estimatr's tolerance). Because
    :math:`H_{gg} = Q_g Q_g^\top` has rank at most :math:`k`, the thin SVD :math:`Q_g = U S
    V^\top` gives the eigenvalues :math:`1 - s_j^2` on the columns of :math:`U` (and 1
    elsewhere), so :math:`A_g Q_g = U \operatorname{diag}(f(1 - s_j^2)\,s_j) V^\top` with
    :math:`f(\lambda) = \lambda^{-1/2}` (0 below the tolerance); no :math:`n_g \times n_g`
    matrix is formed, and clusters of equal size are handled together as one stack. With
    one unit per cluster CR2 equals HC2.

    Examples
    --------
    >>> import numpy as np
    >>> from activemeasures.estimators import cr2_vcov, hc2_vcov
    >>> rng = np.random.default_rng(1)
    >>> X = np.column_stack([np.ones(8), [0, 0, 0, 0, 1, 1, 1, 1]])
    >>> e = rng.normal(size=8)
    >>> e -= X @ np.linalg.lstsq(X, e, rcond=None)[0]       # make them residuals
    >>> bool(np.allclose(cr2_vcov(X, e, clusters=np.arange(8)), hc2_vcov(X, e)))
    True
    """
    X = _matrix(X)
    e = _vector("residuals", residuals, X.shape[0])
    codes, n_clusters = _codes(clusters, X.shape[0])
    Q, R = _qr(X)
    vcov, _ = _cr2(Q, R, codes, n_clusters, residuals=e)
    return vcov


def cr2_df(X: object, clusters: object, contrast: object) -> float:
    r"""Bell–McCaffrey degrees of freedom of a CR2 test of :math:`c^\top\beta`.

    Parameters
    ----------
    X : array-like, shape (n, k)
        Design matrix of full column rank.
    clusters : array-like, shape (n,)
        Cluster label of each row.
    contrast : array-like, shape (k,)
        The contrast :math:`c`; a unit vector :math:`e_j` gives the degrees of freedom
        estimatr reports for coefficient :math:`j`.

    Returns
    -------
    float

    Notes
    -----
    The Satterthwaite approximation to the distribution of :math:`c^\top \widehat V_{CR2} c`
    under the working model :math:`\Phi = I` (Bell and McCaffrey, 2002, sec. 4; Pustejovsky
    and Tipton, 2018, eq. 11). With :math:`p_g = (I - H)_{\cdot g} A_g X_g M c`
    (an :math:`n`-vector for each cluster) and :math:`P = [p_g^\top p_h]_{g,h}`,

    .. math::

        \nu = \frac{(\operatorname{tr} P)^2}{\lVert P \rVert_F^2}
            = \frac{(\sum_j \lambda_j)^2}{\sum_j \lambda_j^2},

    :math:`\lambda_j` the eigenvalues of :math:`P`. Since :math:`(I - H)` is idempotent,
    :math:`P = \operatorname{diag}(\lVert a_g\rVert^2) - W^\top W` with :math:`a_g = A_g X_g
    M c` and :math:`w_g = Q_g^\top a_g`, which is how estimatr evaluates it; here
    :math:`\lVert P\rVert_F^2 = \sum_g d_g^2 - 2\sum_g d_g \lVert w_g\rVert^2 +
    \lVert W W^\top\rVert_F^2` avoids the :math:`G \times G` matrix.

    Examples
    --------
    >>> import numpy as np
    >>> from activemeasures.estimators import cr2_df
    >>> X = np.column_stack([np.ones(12), np.repeat([0, 1], 6)])
    >>> round(cr2_df(X, clusters=np.repeat(np.arange(6), 2), contrast=[0, 1]), 6)
    4.0
    """
    X = _matrix(X)
    contrast = _vector("contrast", contrast, X.shape[1])
    codes, n_clusters = _codes(clusters, X.shape[0])
    Q, R = _qr(X)
    _, df = _cr2(Q, R, codes, n_clusters, contrast=contrast)
    return df


def _cr2(
    Q: np.ndarray,
    R: np.ndarray,
    codes: np.ndarray,
    n_clusters: int,
    *,
    residuals: np.ndarray | None = None,
    contrast: np.ndarray | None = None,
) -> tuple[np.ndarray | None, float | None]:
    """CR2 covariance (with residuals) and Bell–McCaffrey df (with a contrast) in one pass."""
    # A_g Q_g stacked in row order: each cluster needs its own (pseudo-)inverse square root,
    # so the work is per cluster; clusters of the same size share one batched SVD, and the
    # Python loop runs over the distinct cluster sizes only.
    adjusted = np.empty_like(Q)
    sizes = np.bincount(codes, minlength=n_clusters)
    order = np.argsort(codes, kind="stable")
    starts = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    for size in np.unique(sizes):
        members = np.flatnonzero(sizes == size)
        rows = order[starts[members][:, None] + np.arange(size)]  # (clusters, size)
        U, s, Vt = np.linalg.svd(Q[rows], full_matrices=False)
        eigen = 1.0 - s**2  # eigenvalues of I - H_gg on the columns of U
        with np.errstate(divide="ignore", invalid="ignore"):
            f = np.where(eigen > EIGEN_TOLERANCE, 1.0 / np.sqrt(eigen), 0.0)
        adjusted[rows] = U @ ((f * s)[..., None] * Vt)

    def cluster_sums(rows: np.ndarray) -> np.ndarray:  # one row per cluster, in code order
        return np.add.reduceat(rows[order], starts, axis=0)

    vcov = df = None
    R_inv_t = _inverse_r(R).T  # R^{-T}
    if residuals is not None:
        half_meat = cluster_sums(adjusted * residuals[:, None])  # Q_g' A_g e_g
        vcov = R_inv_t.T @ (half_meat.T @ half_meat) @ R_inv_t
    if contrast is not None:
        gamma = R_inv_t @ contrast  # X M c = Q gamma
        a = adjusted @ gamma  # a_g = A_g X_g M c, stacked
        d = np.bincount(codes, weights=a**2, minlength=n_clusters)
        w = cluster_sums(Q * a[:, None])  # w_g = Q_g' a_g
        w_norm = np.einsum("gj,gj->g", w, w)
        trace = d.sum() - w_norm.sum()
        frobenius = (d**2).sum() - 2.0 * (d * w_norm).sum() + np.sum((w.T @ w) ** 2)
        with np.errstate(divide="ignore", invalid="ignore"):
            df = float(trace**2 / frobenius)
    return vcov, df


def cr2_cell_mean_variances(
    residuals: np.ndarray, cells: np.ndarray, clusters: np.ndarray, n_cells: int
) -> np.ndarray:
    r"""CR2 variances of cell means, the closed form behind the clustered difference in means.

    For a regression on cell indicators (arms, or block × arm cells) with clusters nested in
    cells, :math:`H_{gg} = n_c^{-1} \mathbf 1 \mathbf 1^\top` for a cluster :math:`g` of
    :math:`n_g` units in cell :math:`c` of :math:`n_c` units. Its only eigenvalue other than
    1 is :math:`1 - n_g/n_c`, on :math:`\mathbf 1`, so :math:`\mathbf 1^\top A_g =
    (1 - n_g/n_c)^{-1/2}\,\mathbf 1^\top` and the CR2 variance of the cell mean is

    .. math::

        \widehat V(\bar y_c) = \frac{1}{n_c^2} \sum_{g \in c}
            \frac{(\sum_{i \in g} e_i)^2}{1 - n_g / n_c},

    a cluster forming its whole cell contributing 0 (the pseudo-inverse). This is the
    general :func:`cr2_vcov` specialised, computed from grouped sums in one pass.

    Parameters
    ----------
    residuals : numpy.ndarray
        Deviations of each unit's outcome from its cell mean.
    cells, clusters : numpy.ndarray
        Integer codes of each unit's cell and cluster (clusters nested in cells).
    n_cells : int

    Returns
    -------
    numpy.ndarray, shape (n_cells,)
    """
    n_clusters = int(clusters.max()) + 1
    cluster_sums = np.bincount(clusters, weights=residuals, minlength=n_clusters)
    cluster_sizes = np.bincount(clusters, minlength=n_clusters)
    cell_of_cluster = np.zeros(n_clusters, dtype=np.intp)
    cell_of_cluster[clusters] = cells
    cell_sizes = np.bincount(cells, minlength=n_cells).astype(float)
    eigen = 1.0 - cluster_sizes / cell_sizes[cell_of_cluster]
    with np.errstate(divide="ignore", invalid="ignore"):
        terms = np.where(eigen > EIGEN_TOLERANCE, cluster_sums**2 / eigen, 0.0)
    present = cluster_sizes > 0
    totals = np.bincount(cell_of_cluster[present], weights=terms[present], minlength=n_cells)
    return totals / cell_sizes**2
