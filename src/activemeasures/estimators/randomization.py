"""Randomisation inference: permute treatment as the design did, within blocks, by cluster.

Under the sharp null of no effect for anyone, the outcomes are fixed and only the assignment
is random, so the distribution of any statistic over the assignments the design could have
produced is known exactly (Fisher 1935; Imbens and Rubin 2015, ch. 5). JobFirst randomised
citizens within municipalities (SPEC.md §3.1): the permutations keep each municipality's
number of treated citizens, and whole clusters move together when treatment was assigned by
cluster (DESIGN.md §7).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable

import attrs
import numpy as np
import pandas as pd

__all__ = ["RandomizationResult", "randomization_test"]

#: Enumerate every assignment when there are at most this many (and at most ``n_draws``).
MAX_EXACT = 100_000
_CHUNK_DRAWS = 500


@attrs.frozen(kw_only=True)
class RandomizationResult:
    """Result of :func:`randomization_test`.

    Attributes
    ----------
    statistic : float
        The statistic on the observed assignment.
    p_value : float
        Share of assignments whose statistic is at least as extreme (see ``alternative``).
    n_draws : int
        Assignments compared: all of them (``method="exact"``) or the random draws.
    method : {"exact", "monte carlo"}
    alternative : {"two-sided", "greater", "less"}
    seed : int or None
        Seed of the random draws (``None`` for the exact test).
    null_distribution : numpy.ndarray
        The statistic under every enumerated or drawn assignment.
    """

    statistic: float
    p_value: float
    n_draws: int
    method: str
    alternative: str
    seed: int | None
    null_distribution: np.ndarray = attrs.field(eq=False, repr=False)

    def to_frame(self) -> pd.DataFrame:
        """One-row table: statistic, p_value, n_draws, method, alternative, seed."""
        return pd.DataFrame(
            [
                {
                    "statistic": self.statistic,
                    "p_value": self.p_value,
                    "n_draws": self.n_draws,
                    "method": self.method,
                    "alternative": self.alternative,
                    "seed": self.seed,
                }
            ]
        )

    def __str__(self) -> str:
        return (
            f"Randomisation test ({self.method}, {self.n_draws:,} assignments, "
            f"{self.alternative}): statistic {self.statistic:.6g}, p = {self.p_value:.4g}"
        )

    def _repr_html_(self) -> str:
        return self.to_frame().to_html(index=False)

    def plot(self, ax=None):
        """Histogram of the null distribution with the observed statistic; returns ``ax``."""
        import matplotlib.pyplot as plt

        if ax is None:
            _, ax = plt.subplots()
        ax.hist(self.null_distribution, bins=50, color="0.75")
        ax.axvline(self.statistic, color="C3", label="observed")
        ax.set_xlabel("statistic under the null")
        ax.set_ylabel("assignments")
        ax.legend()
        return ax


def _codes(values: object, n: int, name: str) -> np.ndarray:
    if values is None:
        return np.zeros(n, dtype=np.int64)
    array = np.asarray(values)
    if array.shape != (n,):
        raise ValueError(f"{name} must have one value per unit ({n}), got shape {array.shape}")
    if pd.isna(array).any():
        raise ValueError(f"{name} has {int(pd.isna(array).sum())} missing values")
    return pd.factorize(array, sort=True)[0].astype(np.int64)


def _blocked_difference(y: np.ndarray, block: np.ndarray, n_blocks: int):
    """Vectorised statistic: Σ_b (N_b/N)(ȳ_1b − ȳ_0b) for a (draws × units) 0/1 matrix."""
    indicator = np.zeros((len(y), n_blocks))
    indicator[np.arange(len(y)), block] = 1.0
    size = indicator.sum(axis=0)
    weight = size / size.sum()
    total = y @ indicator

    def statistic(treated: np.ndarray) -> np.ndarray:
        n_treated = treated @ indicator
        sum_treated = (treated * y) @ indicator
        with np.errstate(invalid="ignore", divide="ignore"):
            diff = sum_treated / n_treated - (total - sum_treated) / (size - n_treated)
        return diff @ weight

    return statistic


def _unit_assignments(
    cluster_treated: np.ndarray,
    cluster_block: np.ndarray,
    unit_cluster: np.ndarray,
    rng: np.random.Generator,
    n_draws: int,
) -> np.ndarray:
    """``n_draws`` random assignments (draws × units): clusters shuffled within blocks."""
    order = np.argsort(cluster_block, kind="stable")
    pattern = cluster_treated[order]  # treated flags of clusters sorted by block
    keys = rng.random((n_draws, len(order))) + cluster_block[order]  # stay in own block
    shuffled = np.empty((n_draws, len(order)), dtype=np.float64)
    positions = order[np.argsort(keys, axis=1)]
    np.put_along_axis(shuffled, positions, np.broadcast_to(pattern, positions.shape), axis=1)
    return shuffled[:, unit_cluster]


def _all_assignments(
    cluster_treated: np.ndarray, cluster_block: np.ndarray, unit_cluster: np.ndarray
) -> np.ndarray:
    """Every assignment with the observed number of treated clusters in each block."""
    per_block = []
    for block in np.unique(cluster_block):  # loop over blocks (few), not units
        members = np.flatnonzero(cluster_block == block)
        k = int(cluster_treated[members].sum())
        per_block.append([members[list(c)] for c in itertools.combinations(range(len(members)), k)])
    rows = []
    for choice in itertools.product(*per_block):
        flags = np.zeros(len(cluster_treated))
        for members in choice:
            flags[members] = 1.0
        rows.append(flags)
    return np.array(rows)[:, unit_cluster]


def _n_assignments(cluster_treated: np.ndarray, cluster_block: np.ndarray) -> int:
    total = 1
    for block in np.unique(cluster_block):
        members = cluster_block == block
        total *= math.comb(int(members.sum()), int(cluster_treated[members].sum()))
    return total


def _p_value(null: np.ndarray, observed: float, alternative: str, exact: bool) -> float:
    # A small tolerance keeps ties (equal up to rounding) counted as "as extreme".
    tol = 1e-12 * max(1.0, abs(observed))
    if alternative == "two-sided":
        extreme = np.abs(null) >= abs(observed) - tol
    elif alternative == "greater":
        extreme = null >= observed - tol
    else:
        extreme = null <= observed + tol
    if exact:
        return float(extreme.mean())
    # Monte Carlo: count the observed assignment too (Phipson and Smyth 2010).
    return float((extreme.sum() + 1) / (len(null) + 1))


def randomization_test(
    y: object,
    treatment: object,
    *,
    blocks: object = None,
    clusters: object = None,
    statistic: Callable[[np.ndarray, np.ndarray], float] | None = None,
    n_draws: int = 10_000,
    seed: int = 0,
    alternative: str = "two-sided",
) -> RandomizationResult:
    r"""Fisher randomisation test of the sharp null of no effect, permuting as the design did.

    Parameters
    ----------
    y : array_like of float
        Outcome per unit.
    treatment : array_like of {0, 1} or bool
        Observed assignment.
    blocks : array_like, optional
        Block of each unit; permutations keep each block's number of treated units (or
        clusters). JobFirst: the municipality.
    clusters : array_like, optional
        Cluster of each unit; a cluster's units are always treated together.
    statistic : callable, optional
        ``statistic(y, treatment) -> float``. Default: the blocked difference in means
        :math:`\sum_b \frac{N_b}{N} (\bar y_{1b} - \bar y_{0b})` (the plain difference without
        blocks), computed for all draws at once. A custom statistic is called once per
        assignment.
    n_draws : int, default 10000
        Random assignments to draw when there are more than ``n_draws`` possible ones (and more
        than 100,000); otherwise all assignments are enumerated and the test is exact.
    seed : int, default 0
        Seed of the random draws: the same inputs and seed give the same p-value.
    alternative : {"two-sided", "greater", "less"}
        Two-sided compares absolute values.

    Returns
    -------
    RandomizationResult

    Notes
    -----
    Exact: :math:`p = \#\{a : |T(a)| \ge |T(a_{obs})|\} / \#\{a\}` over every assignment
    :math:`a` with the observed number of treated clusters per block. Monte Carlo:
    :math:`p = (1 + \#\{r : |T(a_r)| \ge |T(a_{obs})|\}) / (1 + R)` over :math:`R` random
    draws, which is a valid p-value (Phipson and Smyth 2010).

    Examples
    --------
    >>> from activemeasures.estimators.randomization import randomization_test
    >>> result = randomization_test([3.0, 4.0, 1.0, 2.0, 5.0, 0.0], [1, 1, 0, 0, 1, 0])
    >>> result.method, result.n_draws, round(result.p_value, 3)
    ('exact', 20, 0.1)
    """
    if alternative not in ("two-sided", "greater", "less"):
        raise ValueError(f"alternative must be two-sided, greater or less, not {alternative!r}")
    y = np.asarray(y, dtype=np.float64)
    n = len(y)
    if np.isnan(y).any():
        raise ValueError(f"y has {int(np.isnan(y).sum())} missing values")
    treated = np.asarray(treatment)
    if treated.shape != (n,) or not np.isin(treated, (0, 1)).all():
        raise ValueError("treatment must be 0/1 (or boolean) with one value per unit")
    treated = treated.astype(np.float64)
    block = _codes(blocks, n, "blocks")
    unit_cluster = _codes(clusters, n, "clusters") if clusters is not None else np.arange(n)
    n_clusters = unit_cluster.max() + 1 if n else 0
    cluster_treated = np.zeros(n_clusters)
    cluster_treated[unit_cluster] = treated
    if not np.array_equal(cluster_treated[unit_cluster], treated):
        raise ValueError("treatment varies within a cluster")
    cluster_block = np.full(n_clusters, -1)
    cluster_block[unit_cluster] = block
    if not np.array_equal(cluster_block[unit_cluster], block):
        raise ValueError("clusters are not nested in blocks")

    if statistic is None:
        compute = _blocked_difference(y, block, int(block.max()) + 1 if n else 0)
    else:

        def compute(assignments: np.ndarray) -> np.ndarray:  # one call per assignment
            return np.array([float(statistic(y, a.astype(int))) for a in assignments])

    observed = float(compute(treated[None, :])[0])

    n_possible = _n_assignments(cluster_treated, cluster_block)
    exact = n_possible <= min(n_draws, MAX_EXACT)
    if exact:
        null = compute(_all_assignments(cluster_treated, cluster_block, unit_cluster))
        draws, used_seed = n_possible, None
    else:
        rng = np.random.default_rng(seed)
        null = np.concatenate(
            [
                compute(_unit_assignments(cluster_treated, cluster_block, unit_cluster, rng, size))
                for size in np.diff(np.append(np.arange(0, n_draws, _CHUNK_DRAWS), n_draws))
            ]
        )
        draws, used_seed = n_draws, seed
    return RandomizationResult(
        statistic=observed,
        p_value=_p_value(null, observed, alternative, exact),
        n_draws=int(draws),
        method="exact" if exact else "monte carlo",
        alternative=alternative,
        seed=used_seed,
        null_distribution=null,
    )
