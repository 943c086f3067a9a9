"""Weekly effect curves: treatment − control, week by week since visitation.

The JobFirst evaluation reports every outcome as a curve: for each week since visitation, the
difference between the participant and the control group with a 95 % confidence interval,
computed on the citizens observed that week (SPEC.md §5.1; 001, L287, L332, L361).
:func:`weekly_effects` computes such a curve for all weeks at once and returns an
:class:`EffectCurve`.

All weeks come from one pass over grouped sufficient statistics: per arm × block × week the
number of observed citizens, their mean and the sum of squared deviations (DESIGN.md §9).
Citizens are processed in blocks of rows; inside a block they are sorted by arm and block and
reduced with :func:`numpy.add.reduceat` (with at most four groups, as for the unblocked
methods, each block is instead summed per group in place by a product with a 0/1 group
matrix), and blocks of rows are merged with the pairwise update of Chan, Golub and LeVeque
(1983). There is no Python loop over weeks or citizens.
"""

from __future__ import annotations

import functools
import html
from collections.abc import Sequence

import attrs
import numpy as np
import pandas as pd
from scipy import special

from activemeasures._arrays import float_array, int_array
from activemeasures.outcomes import Outcome, as_outcome
from activemeasures.panel import Panel
from activemeasures.states import State

__all__ = ["EFFECT_COLUMNS", "METHODS", "EffectCurve", "weekly_effects"]

#: Estimation methods of :func:`weekly_effects`.
METHODS = ("blocked", "raw", "lin")

#: Columns of :meth:`EffectCurve.to_frame`, in order.
EFFECT_COLUMNS = (
    "week",
    "n_treatment",
    "n_control",
    "mean_treatment",
    "mean_control",
    "estimate",
    "std_error",
    "ci_lower",
    "ci_upper",
    "p_value",
    "df",
    "band_lower",
    "band_upper",
    "n_blocks_dropped",
)

#: Citizens processed together; a block of rows × 78 weeks of float64 is about 2.5 MB.
_CHUNK_ROWS = 4096

#: Most groups (arms × blocks) whose moments :func:`_dense_moments` sums by products with a
#: group-indicator matrix (the unblocked methods have two); beyond it, sorting each block of
#: rows by group and reducing is cheaper.
_DENSE_GROUPS = 4

#: 1 - leverage at or below which a citizen counts as fitted exactly (method "lin").
_LEVERAGE_ONE = 1e-10

#: A float64 zero: ``np.where(mask, float32_values, _ZERO)`` computes in float64 (a Python
#: ``0.0`` would keep float32 under NumPy's promotion rules).
_ZERO = np.float64(0.0)

#: Eigenvalues of the weeks' correlation below this share of the largest are taken as 0 in
#: the band's square root (rounding noise of a nearly singular matrix).
_EIGENVALUE_TOL = 1e-10

#: Relative pivot below which a regressor counts as collinear with earlier ones (method "lin").
_COLLINEAR_TOL = 1e-9


# ====================================================================================== inputs


@attrs.frozen(kw_only=True, slots=False)
class _Weekly:
    """Citizens × weeks of one outcome, ready for the estimators (internal)."""

    y: np.ndarray  # (n, W) outcome values: bool, integer or floating
    observed_weeks: np.ndarray | None  # (n,): weeks 1..T_i observed (a panel), or
    mask: np.ndarray | None  # (n, W) bool: observed cells (a long table)
    group: np.ndarray  # (n,) int: arm * n_blocks + block; -1 = not analysed
    n_blocks: int
    blocked: bool  # a block column was given
    covariates: np.ndarray | None  # (n, k) float64, or None
    name: str
    label: str

    @property
    def n_weeks(self) -> int:
        return self.y.shape[1]

    @functools.cached_property
    def chunks(self) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
        """Blocks of rows sorted by group, computed once per call (see :func:`_chunks`)."""
        return list(_sorted_blocks(self.group))

    def observed_rows(self, rows: np.ndarray) -> np.ndarray:
        """Boolean (len(rows), W): which weeks of these rows are observed."""
        if self.mask is not None:
            return self.mask[rows]
        return _prefix_table(self.n_weeks)[self.observed_weeks[rows]]


@functools.lru_cache(maxsize=8)
def _prefix_table(n_weeks: int) -> np.ndarray:
    """Row ``T`` is the observed mask of a citizen observed for ``T`` weeks (a lookup table)."""
    table = np.arange(n_weeks) < np.arange(n_weeks + 1)[:, None]
    table.flags.writeable = False
    return table


def _codes(values: np.ndarray, what: str) -> tuple[np.ndarray, pd.Index]:
    codes, labels = pd.factorize(values, sort=True)
    if (codes < 0).any():
        raise ValueError(f"{what} is missing for {int((codes < 0).sum())} citizens")
    return codes.astype(np.int64), pd.Index(labels)


def _groups(
    arm: pd.Series,
    block: pd.Series | None,
    treated: object,
    control: object,
    keep: np.ndarray,
    block_column: str | None,
) -> tuple[np.ndarray, int]:
    """Group code ``arm * B + block`` per citizen, -1 outside the two arms or not kept."""
    is_treated = arm.eq(treated).fillna(False).to_numpy(dtype=bool)
    is_control = arm.eq(control).fillna(False).to_numpy(dtype=bool)
    if not is_treated.any() or not is_control.any():
        missing = treated if not is_treated.any() else control
        raise ValueError(f"no citizen has treatment value {missing!r}")
    keep = keep & (is_treated | is_control)
    codes, n_blocks = np.zeros(len(arm), dtype=np.int64), 1
    if block is not None:
        all_codes, labels = pd.factorize(block, sort=True)
        missing = int((all_codes[keep] < 0).sum())
        if missing:
            raise ValueError(f"the block column {block_column!r} is missing for {missing} citizens")
        used = np.unique(all_codes[keep])  # blocks of the analysed citizens only
        relabel = np.full(len(labels) + 1, -1, dtype=np.int64)
        relabel[used] = np.arange(len(used))
        codes = np.where(keep, relabel[all_codes], 0)
        n_blocks = max(len(used), 1)
    group = np.where(keep, is_treated.astype(np.int64) * n_blocks + codes, -1)
    return group, n_blocks


def _covariate_matrix(frame: pd.DataFrame, names: Sequence[str]) -> np.ndarray:
    missing = [c for c in names if c not in frame.columns]
    if missing:
        raise ValueError(f"covariate columns not found: {', '.join(map(repr, missing))}")
    matrix = frame.loc[:, list(names)].to_numpy(dtype=np.float64, na_value=np.nan)
    bad = ~np.isfinite(matrix)
    if bad.any():
        counts = ", ".join(f"{c!r}: {int(k)}" for c, k in zip(names, bad.sum(0), strict=True) if k)
        raise ValueError(f"covariates must be finite numbers; missing or infinite values: {counts}")
    return matrix


def _from_panel(
    panel: Panel, outcome: object, *, treatment, treated, control, blocks, covariates, balanced
) -> _Weekly:
    citizens = panel.citizens
    for column in (treatment, blocks):
        if column is not None and column not in citizens.columns:
            raise ValueError(f"column {column!r} is not in the panel's citizens table")
    if isinstance(outcome, Outcome | State | str):
        spec = as_outcome(outcome)
        values, name, label = spec.values(panel, compact=True), spec.name, spec.label
    else:
        values, name, label = np.asarray(outcome), "outcome", "Outcome"
        if values.shape != (panel.n_citizens, panel.horizon):
            raise ValueError(
                f"an outcome array must have shape (n_citizens, horizon) = "
                f"{(panel.n_citizens, panel.horizon)}, got {values.shape}"
            )
    _check_values(values)
    observed = np.minimum(panel.observed_weeks, panel.horizon).astype(np.intp)
    keep = observed >= panel.horizon if balanced else np.ones(panel.n_citizens, dtype=bool)
    return _weekly(
        citizens,
        values,
        keep,
        name=name,
        label=label,
        observed_weeks=observed,
        mask=None,
        treatment=treatment,
        treated=treated,
        control=control,
        blocks=blocks,
        covariates=covariates,
    )


def _check_values(values: np.ndarray) -> None:
    if values.ndim != 2:
        raise ValueError(f"outcome values must be citizens × weeks, got {values.ndim} dimensions")
    if values.dtype == np.bool_:
        return
    if not np.issubdtype(values.dtype, np.number):
        raise TypeError(f"outcome values must be numbers, got dtype {values.dtype}")


def _from_frame(
    frame: pd.DataFrame,
    outcome: object,
    *,
    treatment,
    treated,
    control,
    blocks,
    covariates,
    balanced,
) -> _Weekly:
    if not isinstance(outcome, str):
        raise TypeError("with a long table, outcome must be the name of its outcome column")
    needed = ["citizen_id", "week", outcome, treatment]
    needed += ([blocks] if blocks is not None else []) + list(covariates or ())
    missing = [c for c in dict.fromkeys(needed) if c not in frame.columns]
    if missing:
        raise ValueError(f"columns not in the table: {', '.join(map(repr, missing))}")
    ids, _ = _codes(frame["citizen_id"].to_numpy(), "citizen_id")
    week = frame["week"].to_numpy()
    if not np.issubdtype(week.dtype, np.integer) or (len(week) and week.min() < 1):
        raise ValueError("week must hold integers >= 1 (weeks since visitation, 1-based)")
    n, n_weeks = int(ids.max()) + 1 if len(ids) else 0, int(week.max()) if len(week) else 0
    if n == 0:
        raise ValueError("the table has no rows")
    cell = ids * n_weeks + (week - 1)
    if len(np.unique(cell)) < len(cell):
        raise ValueError(f"{len(cell) - len(np.unique(cell))} duplicate citizen-week rows")
    y = frame[outcome].to_numpy()
    if y.dtype != np.bool_:
        y = frame[outcome].to_numpy(dtype=np.float64, na_value=np.nan)
        if not np.isfinite(y).all():
            bad = int((~np.isfinite(y)).sum())
            raise ValueError(
                f"outcome column {outcome!r} has {bad} missing or infinite values; "
                "leave unobserved weeks out of the table instead"
            )
    values = np.zeros((n, n_weeks), dtype=y.dtype)
    mask = np.zeros((n, n_weeks), dtype=bool)
    values.reshape(-1)[cell] = y
    mask.reshape(-1)[cell] = True
    # Per-citizen columns: must be constant within a citizen; take the first row's value.
    constant = [treatment, *([blocks] if blocks is not None else []), *(covariates or ())]
    per_citizen = frame.loc[:, list(dict.fromkeys(constant))]
    varying = per_citizen.groupby(ids).nunique(dropna=False).max()
    if (varying > 1).any():
        names = ", ".join(repr(c) for c in varying.index[varying > 1])
        raise ValueError(f"columns that must be constant within a citizen vary: {names}")
    _, first = np.unique(ids, return_index=True)  # first row of citizens 0, 1, ..., n - 1
    citizens = per_citizen.iloc[first].reset_index(drop=True)
    keep = mask.all(axis=1) if balanced else np.ones(n, dtype=bool)
    return _weekly(
        citizens,
        values,
        keep,
        name=str(outcome),
        label=str(outcome),
        observed_weeks=None,
        mask=mask,
        treatment=treatment,
        treated=treated,
        control=control,
        blocks=blocks,
        covariates=covariates,
    )


def _weekly(
    citizens: pd.DataFrame,
    values: np.ndarray,
    keep: np.ndarray,
    *,
    name: str,
    label: str,
    observed_weeks: np.ndarray | None,
    mask: np.ndarray | None,
    treatment: str,
    treated: object,
    control: object,
    blocks: str | None,
    covariates: Sequence[str] | None,
) -> _Weekly:
    """The common end of both inputs (panel, long table): groups, covariates, the bundle."""
    block = None if blocks is None else citizens[blocks]
    group, n_blocks = _groups(citizens[treatment], block, treated, control, keep, blocks)
    return _Weekly(
        y=values,
        observed_weeks=observed_weeks,
        mask=mask,
        group=group,
        n_blocks=n_blocks,
        blocked=blocks is not None,
        covariates=None if covariates is None else _covariate_matrix(citizens, covariates),
        name=name,
        label=label,
    )


# ====================================================================== sufficient statistics


def _sorted_blocks(group: np.ndarray):
    """Yield ``(rows, starts, groups)`` per block of rows, rows sorted by group inside it.

    ``rows`` are the analysed rows of the block (group >= 0) ordered by group, ``starts`` the
    first position of each group's run and ``groups`` the group of each run (distinct).
    Sorting a block of a few thousand small integers is cheap (a radix sort), and gathering
    rows from one block stays in the processor's caches.
    """
    small = group.max(initial=0) < np.iinfo(np.int16).max
    for begin in range(0, len(group), _CHUNK_ROWS):
        g = group[begin : begin + _CHUNK_ROWS]
        order = np.argsort(g.astype(np.int16) if small else g, kind="stable")
        g_sorted = g[order]
        first = int(np.searchsorted(g_sorted, 0))
        if first == len(g_sorted):
            continue
        order, g_sorted = order[first:], g_sorted[first:]
        starts = np.flatnonzero(np.r_[True, g_sorted[1:] != g_sorted[:-1]])
        yield begin + order, starts, g_sorted[starts]


def _chunks(data: _Weekly) -> list[tuple[np.ndarray, np.ndarray, np.ndarray]]:
    """The blocks of rows of ``data``, sorted by group (cached: every pass reuses them)."""
    return data.chunks


def _observed_counts(data: _Weekly, rows: np.ndarray, starts: np.ndarray) -> np.ndarray:
    """Observed citizens per run of ``rows`` and week (int64, runs × weeks)."""
    if data.mask is not None:
        return np.add.reduceat(data.mask[rows], starts, axis=0, dtype=np.int64)
    # Observed weeks are a prefix 1..T_i: count T per run, then n_w = #{T >= w}.
    n_weeks = data.n_weeks
    run = np.repeat(np.arange(len(starts)), np.diff(np.r_[starts, len(rows)]))
    last = np.minimum(data.observed_weeks[rows], n_weeks)
    counts = np.bincount(run * (n_weeks + 1) + last, minlength=len(starts) * (n_weeks + 1))
    counts = counts.reshape(len(starts), n_weeks + 1)
    return np.cumsum(counts[:, ::-1], axis=1)[:, ::-1][:, 1:]


@attrs.frozen
class _Moments:
    """Per group × week: number observed, mean and sum of squared deviations."""

    n: np.ndarray
    mean: np.ndarray
    m2: np.ndarray


def _moments(data: _Weekly) -> _Moments:
    """Counts, means and squared deviations per group and week, in one pass over the rows.

    Indicators are counted exactly in integers. Other outcomes use each block of rows' group
    means and squared deviations from them (two passes over the block, in cache), merged
    across blocks with the update of Chan et al.,
    :math:`M_{2} = M_{2,a} + M_{2,b} + \\delta^2 n_a n_b / (n_a + n_b)`, so that a group
    with a constant outcome has exactly zero variance.
    """
    n_groups, n_weeks = 2 * data.n_blocks, data.n_weeks
    if data.mask is None and n_groups <= _DENSE_GROUPS:
        dense = _dense_moments(data)
        if dense is not None:
            return dense
    if data.y.dtype == np.bool_:
        count = np.zeros((n_groups, n_weeks), dtype=np.int64)
        ones = np.zeros((n_groups, n_weeks), dtype=np.int64)
        for rows, starts, groups in _chunks(data):
            hits = (data.y[rows] & data.observed_rows(rows)).view(np.uint8)
            ones[groups] += np.add.reduceat(hits, starts, axis=0, dtype=np.int32)
            count[groups] += _observed_counts(data, rows, starts)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean = np.where(count > 0, ones / count, 0.0)
            m2 = np.where(count > 0, ones * (count - ones) / count, 0.0)
        return _Moments(count.astype(np.float64), mean, m2)
    n = np.zeros((n_groups, n_weeks))
    mean = np.zeros((n_groups, n_weeks))
    m2 = np.zeros((n_groups, n_weeks))
    for rows, starts, groups in _chunks(data):
        observed = data.observed_rows(rows)
        y = np.where(observed, data.y[rows], _ZERO)
        n_b = _observed_counts(data, rows, starts).astype(np.float64)
        with np.errstate(divide="ignore", invalid="ignore"):
            mean_b = np.where(n_b > 0, np.add.reduceat(y, starts, axis=0) / n_b, 0.0)
        y -= np.repeat(mean_b, np.diff(np.r_[starts, len(rows)]), axis=0)
        y *= observed
        m2_b = np.add.reduceat(y * y, starts, axis=0)
        n[groups], mean[groups], m2[groups] = _merge_moments(
            n[groups], mean[groups], m2[groups], n_b, mean_b, m2_b
        )
    return _Moments(n, mean, m2)


def _dense_moments(data: _Weekly) -> _Moments | None:
    """:func:`_moments` of a panel (observed weeks a prefix) by matrix products.

    Blocks of rows are read in place, not sorted: censored cells are zeroed by multiplying
    with the observed mask, and the sums per group and week are the product of the 0/1
    matrix "row in group" (groups × rows) with the block, one :func:`numpy.einsum` call
    instead of a sort and a reduction per group (einsum's own loops: a BLAS product would
    start threads, which costs far more than it saves at these sizes on a busy machine).
    Indicator counts are exact in float32 (a block has fewer than :math:`2^{24}` rows).
    Other outcomes: each block's group means, then the squared deviations from them (two
    passes over the block, in cache), merged across blocks with :func:`_merge_moments`.
    Work buffers are allocated once per call. A non-finite value in a censored cell turns
    into NaN under the multiplication; then this returns ``None`` and :func:`_moments` takes
    its general path, which never reads censored cells.
    """
    n_groups, n_weeks = 2 * data.n_blocks, data.n_weeks
    boolean = data.y.dtype == np.bool_
    size = min(_CHUNK_ROWS, len(data.group))
    table = _prefix_table(n_weeks) if boolean else _prefix_table(n_weeks).astype(np.float64)
    labels = np.arange(n_groups)[:, None]
    work = np.float32 if boolean else np.float64
    in_group = np.empty((n_groups, size), dtype=bool)
    indicator = np.empty((n_groups, size), dtype=work)
    observed = np.empty((size, n_weeks), dtype=table.dtype)
    y = np.empty((size, n_weeks), dtype=work)
    hits = np.empty((size, n_weeks), dtype=bool) if boolean else None
    centre = None if boolean else np.empty((size, n_weeks))
    sums = np.empty((n_groups, n_weeks), dtype=work)
    count = np.zeros((n_groups, n_weeks), dtype=np.int64)
    ones = np.zeros((n_groups, n_weeks), dtype=np.int64)
    n, mean, m2 = (np.zeros((n_groups, n_weeks)) for _ in range(3))
    for begin in range(0, len(data.group), size):
        block = slice(begin, begin + size)
        group = data.group[block]
        rows = len(group)
        kept = group >= 0
        if not kept.any():
            continue
        weeks = np.where(kept, np.minimum(data.observed_weeks[block], n_weeks), 0)
        by_last = np.bincount(
            np.where(kept, group, 0) * (n_weeks + 1) + weeks, minlength=n_groups * (n_weeks + 1)
        ).reshape(n_groups, n_weeks + 1)
        n_b = np.cumsum(by_last[:, ::-1], axis=1)[:, ::-1][:, 1:]  # #{T >= w} per group
        mask = np.take(table, weeks, axis=0, out=observed[:rows], mode="clip")
        np.equal(group, labels, out=in_group[:, :rows])
        a = indicator[:, :rows]
        np.copyto(a, in_group[:, :rows])
        if boolean:
            np.logical_and(data.y[block], mask, out=hits[:rows])
            np.copyto(y[:rows], hits[:rows])
            ones += np.rint(np.einsum("gi,iw->gw", a, y[:rows], out=sums)).astype(np.int64)
            count += n_b
            continue
        values = y[:rows]
        np.copyto(values, data.y[block])
        n_b = n_b.astype(np.float64)
        with np.errstate(invalid="ignore", over="ignore"):
            values *= mask
            np.einsum("gi,iw->gw", a, values, out=sums)
            if not np.isfinite(sums).all():
                return None
            mean_b = sums / np.where(n_b > 0, n_b, 1.0)
            fitted = np.take(mean_b, np.maximum(group, 0), axis=0, out=centre[:rows], mode="clip")
            fitted *= mask
            values -= fitted
            values *= values
            m2_b = np.einsum("gi,iw->gw", a, values)
        n, mean, m2 = _merge_moments(n, mean, m2, n_b, mean_b, m2_b)
    if not boolean:
        return _Moments(n, mean, m2)
    with np.errstate(divide="ignore", invalid="ignore"):
        mean = np.where(count > 0, ones / count, 0.0)
        m2 = np.where(count > 0, ones * (count - ones) / count, 0.0)
    return _Moments(count.astype(np.float64), mean, m2)


def _merge_moments(
    n_a: np.ndarray,
    mean_a: np.ndarray,
    m2_a: np.ndarray,
    n_b: np.ndarray,
    mean_b: np.ndarray,
    m2_b: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    r"""Counts, means and squared deviations of two sets of citizens together (Chan et al.).

    :math:`n = n_a + n_b`, :math:`\bar y = \bar y_a + \delta n_b / n` and
    :math:`M_2 = M_{2,a} + M_{2,b} + \delta^2 n_a n_b / n` with :math:`\delta = \bar y_b -
    \bar y_a`, element by element (0 where :math:`n = 0`). :func:`_moments` merges blocks of
    rows with it, and :mod:`activemeasures.distributed` merges partitions of citizens.
    """
    total = n_a + n_b
    with np.errstate(divide="ignore", invalid="ignore"):
        share_b = np.where(total > 0, n_b / total, 0.0)
    delta = mean_b - mean_a
    mean = mean_a + delta * share_b
    m2 = m2_a + m2_b + delta * delta * n_a * share_b
    return total, mean, m2


def _combine_moments(parts: Sequence[_Moments]) -> _Moments:
    """The moments of several disjoint sets of citizens (same groups and weeks), merged."""
    n, mean, m2 = (np.array(a, dtype=np.float64) for a in attrs.astuple(parts[0], recurse=False))
    for part in parts[1:]:
        n, mean, m2 = _merge_moments(n, mean, m2, part.n, part.mean, part.m2)
    return _Moments(n, mean, m2)


def _influence_crossproduct(data: _Weekly, center: np.ndarray, scale: np.ndarray) -> np.ndarray:
    """:math:`\\Phi^\\top\\Phi` for :math:`\\phi_{iw} = s_{g(i)w}(y_{iw} - c_{g(i)w})`, observed.

    A sum over citizens, so partitions of the citizens can each compute theirs and add them
    up (:mod:`activemeasures.distributed`); computed in float64 so that the sum does not
    depend on how the citizens are split beyond the last bits. The products run on one BLAS
    thread: a ``W × W`` product of a few thousand rows gains nothing from threads, and
    BLAS threads competing with other work on the machine made it several times slower.
    """
    from threadpoolctl import threadpool_limits

    n_weeks = data.n_weeks
    cross = np.zeros((n_weeks, n_weeks))
    with threadpool_limits(limits=1, user_api="blas"):
        for rows, starts, groups in _chunks(data):
            phi = data.y[rows].astype(np.float64)
            # Rows come sorted by group: centre and scale each group's run in place.
            for begin, end, g in zip(starts, [*starts[1:], len(rows)], groups, strict=True):
                run = phi[begin:end]
                run -= center[g]
                run *= scale[g]
            phi *= data.observed_rows(rows)
            cross += phi.T @ phi
    return cross


# ============================================================================== the estimators


@attrs.frozen(kw_only=True)
class _Fit:
    n_treatment: np.ndarray
    n_control: np.ndarray
    mean_treatment: np.ndarray
    mean_control: np.ndarray
    estimate: np.ndarray
    variance: np.ndarray
    df: np.ndarray
    n_blocks_dropped: np.ndarray
    influence: object  # callable () -> W × W cross-product of the influence functions
    # (center, scale) of the influence functions of "raw" and "blocked" (groups × W each):
    # what a partition of the citizens needs to compute its part of the cross-product.
    weights: tuple[np.ndarray, np.ndarray] | None = None


def _ratio(num: np.ndarray, den: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(den > 0, num / np.where(den > 0, den, 1.0), np.nan)


def _raw(data: _Weekly, moments: _Moments) -> _Fit:
    """Unblocked Welch difference in means per week."""
    shape = (2, data.n_blocks, data.n_weeks)
    n, mean, m2 = (a.reshape(shape) for a in (moments.n, moments.mean, moments.m2))
    n_arm = n.sum(axis=1)
    mean_arm = _ratio((n * mean).sum(axis=1), n_arm)
    filled = np.nan_to_num(mean_arm)
    m2_arm = m2.sum(axis=1) + (n * (mean - filled[:, None, :]) ** 2).sum(axis=1)
    var_mean = _ratio(_ratio(m2_arm, n_arm - 1), n_arm)  # s²/n per arm; NaN below 2 units
    variance = var_mean[1] + var_mean[0]
    with np.errstate(divide="ignore", invalid="ignore"):
        df = variance**2 / (var_mean[1] ** 2 / (n_arm[1] - 1) + var_mean[0] ** 2 / (n_arm[0] - 1))

    sign = np.array([-1.0, 1.0])[:, None]
    scale = sign / np.sqrt(np.where(n_arm > 1, n_arm * (n_arm - 1), np.inf))
    weights = (
        np.repeat(filled, data.n_blocks, axis=0),
        np.repeat(scale, data.n_blocks, axis=0),
    )

    return _Fit(
        n_treatment=n_arm[1],
        n_control=n_arm[0],
        mean_treatment=mean_arm[1],
        mean_control=mean_arm[0],
        estimate=mean_arm[1] - mean_arm[0],
        variance=variance,
        df=df,
        n_blocks_dropped=np.zeros(data.n_weeks, dtype=np.int64),
        influence=functools.partial(_influence_crossproduct, data, *weights),
        weights=weights,
    )


def _valid_blocks(n: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Blocks × weeks with two or more citizens in each arm; blocks with data left out."""
    valid = (n >= 2).all(axis=0)
    dropped = ((n.sum(axis=0) > 0) & ~valid).sum(axis=0)
    return valid, dropped.astype(np.int64)


def _blocked(data: _Weekly, moments: _Moments) -> _Fit:
    """Block-size weighted Welch differences (estimatr's blocked difference in means)."""
    shape = (2, data.n_blocks, data.n_weeks)
    n, mean, m2 = (a.reshape(shape) for a in (moments.n, moments.mean, moments.m2))
    valid, dropped = _valid_blocks(n)
    n_kept = np.where(valid, n, 0.0)
    size = n_kept.sum(axis=0)  # N_bw
    total = size.sum(axis=0)  # N_w
    weight = _ratio(size, total)  # π_bw (NaN when no block is kept)
    weight = np.where(valid, weight, 0.0)
    diff = np.where(valid, mean[1] - mean[0], 0.0)
    var_block = np.where(valid, _ratio(_ratio(m2, n - 1), n).sum(axis=0), 0.0)
    n_valid = valid.sum(axis=0)
    estimate = np.where(n_valid > 0, (weight * diff).sum(axis=0), np.nan)
    variance = np.where(n_valid > 0, (weight**2 * var_block).sum(axis=0), np.nan)
    df = np.where(n_valid > 0, total - 2 * n_valid, np.nan)
    n_arm = n_kept.sum(axis=1)

    sign = np.array([-1.0, 1.0])[:, None, None]
    scale = sign * weight / np.sqrt(np.where(valid, n * (n - 1), np.inf))
    weights = (
        np.asarray(moments.mean, dtype=np.float64),
        np.where(valid, scale, 0.0).reshape(moments.n.shape),
    )

    return _Fit(
        n_treatment=n_arm[1],
        n_control=n_arm[0],
        mean_treatment=_ratio((n_kept * mean)[1].sum(axis=0), n_arm[1]),
        mean_control=_ratio((n_kept * mean)[0].sum(axis=0), n_arm[0]),
        estimate=estimate,
        variance=variance,
        df=df,
        n_blocks_dropped=dropped.astype(np.int64),
        influence=functools.partial(_influence_crossproduct, data, *weights),
        weights=weights,
    )


def _restricted_inverse(gram: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Inverse of each (p × p) Gram matrix after dropping collinear columns, and the kept mask.

    A column is dropped when its squared residual on the *earlier* kept columns is below
    ``_COLLINEAR_TOL`` times its sum of squares (a pivoted Cholesky in column order, as R's
    ``lm`` and estimatr drop later collinear columns). Dropped rows and columns of the inverse
    are zero. The loop runs over the p columns, vectorised over weeks.
    """
    n_weeks, p, _ = gram.shape
    chol = np.zeros_like(gram)
    keep = np.zeros((n_weeks, p), dtype=bool)
    for j in range(p):
        pivot = gram[:, j, j] - (chol[:, j, :j] ** 2).sum(axis=1)
        ok = (gram[:, j, j] > 0) & (pivot > _COLLINEAR_TOL * gram[:, j, j])
        keep[:, j] = ok
        root = np.sqrt(np.where(ok, pivot, 1.0))
        below = gram[:, j + 1 :, j] - np.einsum("wik,wk->wi", chol[:, j + 1 :, :j], chol[:, j, :j])
        chol[:, j, j] = np.where(ok, root, 0.0)
        chol[:, j + 1 :, j] = np.where(ok[:, None], below / root[:, None], 0.0)
    both = keep[:, :, None] & keep[:, None, :]
    reduced = np.where(both, gram, 0.0) + np.eye(p) * ~keep[:, :, None]
    inverse = np.where(both, np.linalg.inv(reduced), 0.0)
    return inverse, keep


def _lin_design(data: _Weekly, rows: np.ndarray, center: np.ndarray) -> np.ndarray:
    """Rows of ``[1, T, X - μ, T (X - μ)]`` (X: covariates and block indicators)."""
    treated = (data.group[rows] >= data.n_blocks).astype(np.float64)[:, None]
    parts = []
    if data.covariates is not None:
        parts.append(data.covariates[rows])
    if data.n_blocks > 1:
        block = data.group[rows] % data.n_blocks
        parts.append((block[:, None] == np.arange(1, data.n_blocks)).astype(np.float64))
    x = np.hstack(parts) - center if parts else np.zeros((len(rows), 0))
    return np.hstack([np.ones_like(treated), treated, x, treated * x])


def _lin(data: _Weekly) -> _Fit:
    """Lin (2013) regression per week, HC2 standard errors, batched over weeks."""
    n_weeks = data.n_weeks
    rows_all = np.flatnonzero(data.group >= 0)
    k = (0 if data.covariates is None else data.covariates.shape[1]) + data.n_blocks - 1
    center = np.zeros(k)
    if k:  # centre once over the analysed citizens (conditioning only; weeks re-centre below)
        center = _lin_design(data, rows_all, np.zeros(k))[:, 2 : 2 + k].mean(axis=0)
    p = 2 + 2 * k
    dropped = np.zeros(n_weeks, dtype=np.int64)
    valid = np.ones((data.n_blocks, n_weeks), dtype=bool)
    if data.blocked:  # as for "blocked": leave out blocks with < 2 citizens in an arm
        counts = np.zeros((2 * data.n_blocks, n_weeks), dtype=np.int64)
        for rows, starts, groups in _chunks(data):
            counts[groups] += _observed_counts(data, rows, starts)
        valid, dropped = _valid_blocks(counts.reshape(2, data.n_blocks, n_weeks))

    def observed_of(rows: np.ndarray) -> np.ndarray:
        return data.observed_rows(rows) & valid[data.group[rows] % data.n_blocks]

    gram = np.zeros((n_weeks, p, p))
    xty = np.zeros((n_weeks, p))
    for begin in range(0, len(rows_all), _CHUNK_ROWS):
        rows = rows_all[begin : begin + _CHUNK_ROWS]
        z = _lin_design(data, rows, center)
        observed = observed_of(rows).astype(np.float64)
        y = np.where(observed > 0, data.y[rows], _ZERO)
        gram += (observed.T @ (z[:, :, None] * z[:, None, :]).reshape(len(rows), p * p)).reshape(
            n_weeks, p, p
        )
        xty += y.T @ z
    inverse, keep = _restricted_inverse(gram)
    coef = np.einsum("wpq,wq->wp", inverse, xty)
    total, n_treated = gram[:, 0, 0], gram[:, 1, 1]
    # The Lin estimate is the treatment coefficient with covariates centred at the week's
    # mean: in the globally centred design it is c'γ with c = (0, 1, 0, x̄_w).
    contrast = np.zeros((n_weeks, p))
    contrast[:, 1] = 1.0
    contrast[:, 2 + k :] = _ratio(gram[:, 0, 2 : 2 + k], total[:, None])
    contrast = np.nan_to_num(contrast)
    estimate = (contrast * coef).sum(axis=1)
    rho = np.einsum("wpq,wq->wp", inverse, contrast)
    variance = np.zeros(n_weeks)
    flat_inverse = inverse.reshape(n_weeks, p * p).T
    chunk_starts = range(0, len(rows_all), _CHUNK_ROWS)

    def chunk_influence(rows: np.ndarray) -> np.ndarray:
        z = _lin_design(data, rows, center)
        observed = observed_of(rows)
        y = np.where(observed, data.y[rows], _ZERO)
        resid = y - z @ coef.T
        leverage = (z[:, :, None] * z[:, None, :]).reshape(len(rows), p * p) @ flat_inverse
        # Leverage 1 (say, the only treated citizen of a block that week) means a residual of
        # 0: the term e / sqrt(1 - h) tends to 0 and is taken as 0.
        exact = 1.0 - leverage <= _LEVERAGE_ONE
        with np.errstate(divide="ignore", invalid="ignore"):
            phi = (z @ rho.T) * resid / np.sqrt(np.where(exact, 1.0, 1.0 - leverage))
        return np.where(observed & ~exact, phi, 0.0)

    for begin in chunk_starts:
        phi = chunk_influence(rows_all[begin : begin + _CHUNK_ROWS])
        variance += (phi * phi).sum(axis=0)

    def influence() -> np.ndarray:
        cross = np.zeros((n_weeks, n_weeks))
        for begin in chunk_starts:
            phi = chunk_influence(rows_all[begin : begin + _CHUNK_ROWS])
            cross += phi.T @ phi
        return cross

    n_control = total - n_treated
    sums_treated, sums_all = xty[:, 1], xty[:, 0]
    fine = keep[:, 1] & (n_treated > 0) & (n_control > 0)
    df = total - keep.sum(axis=1)
    return _Fit(
        n_treatment=n_treated,
        n_control=n_control,
        mean_treatment=_ratio(sums_treated, n_treated),
        mean_control=_ratio(sums_all - sums_treated, n_control),
        estimate=np.where(fine, estimate, np.nan),
        variance=np.where(fine, variance, np.nan),
        df=np.where(fine & (df > 0), df, np.nan),
        n_blocks_dropped=dropped,
        influence=influence,
    )


# ================================================================================ the bands


def _sup_t_critical_value(
    cross: np.ndarray, usable: np.ndarray, alpha: float, n_draws: int, seed: int
) -> tuple[float, np.ndarray]:
    """Monte Carlo (1 − alpha) quantile of max |Z_w|, Z ~ N(0, R); and R (NaN where unusable)."""
    n_weeks = len(usable)
    correlation = np.full((n_weeks, n_weeks), np.nan)
    index = np.flatnonzero(usable)
    if len(index) == 0:
        return np.nan, correlation
    sub = cross[np.ix_(index, index)]
    scale = np.sqrt(np.diag(sub))
    corr = sub / np.outer(scale, scale)
    corr = (corr + corr.T) / 2
    correlation[np.ix_(index, index)] = corr
    eigenvalues, eigenvectors = np.linalg.eigh(corr)
    # The symmetric square root: continuous in R, unlike the eigenvectors themselves.
    # Eigenvalues at rounding level (R is often nearly singular) are taken as exactly 0.
    keep = eigenvalues > _EIGENVALUE_TOL * eigenvalues.max()
    vectors = eigenvectors[:, keep]
    root = (vectors * np.sqrt(eigenvalues[keep])) @ vectors.T
    rng = np.random.default_rng(seed)
    draws = rng.standard_normal((n_draws, len(index))) @ root
    return float(np.quantile(np.abs(draws).max(axis=1), 1.0 - alpha)), correlation


# ============================================================================ the result


_METHOD_TEXT = {
    "raw": "unblocked Welch difference in means (Welch–Satterthwaite df)",
    "blocked": "block-size weighted Welch differences within blocks (df N − 2B)",
    "lin": "Lin (2013) regression, covariates centred and interacted, HC2 (df N − k)",
}


@attrs.frozen(kw_only=True, eq=False, repr=False)
class EffectCurve:
    """Treatment − control per week since visitation, with pointwise CIs and a sup-t band.

    Returned by :func:`weekly_effects`; all arrays are read-only and have one entry per week
    (``week`` = 1, 2, …, horizon).

    Attributes
    ----------
    week : numpy.ndarray of int
        Weeks since visitation, 1-based.
    n_treatment, n_control : numpy.ndarray
        Citizens observed in the week that enter the estimate, per arm (method "blocked":
        those in the blocks kept that week).
    mean_treatment, mean_control : numpy.ndarray
        Plain means of the outcome over those citizens (the "levels by arm" of the published
        figures). For "raw" the estimate is their difference; for "blocked" and "lin" it is
        not in general.
    estimate, std_error, df : numpy.ndarray
        The effect, its standard error and the degrees of freedom of its t reference
        distribution.
    ci_lower, ci_upper, p_value : numpy.ndarray
        Pointwise ``1 - alpha`` confidence interval and two-sided p-value (t with ``df``).
    band_lower, band_upper : numpy.ndarray
        Simultaneous sup-t band over all weeks with an estimate (NaN when ``bands=False``).
    n_blocks_dropped : numpy.ndarray of int
        Blocks with data in the week left out because an arm had fewer than two citizens
        (methods "blocked" and "lin" with blocks; 0 otherwise).
    outcome, label : str
        The outcome's name and label.
    method : str
        ``"blocked"``, ``"raw"`` or ``"lin"``.
    alpha : float
        1 − confidence level.
    balanced : bool
        Whether only citizens observed in every week were used.
    band_critical_value : float
        The sup-t critical value :math:`\\hat c` on the normal scale (NaN without bands).
    correlation : numpy.ndarray or None
        Estimated correlation of the weekly estimates (weeks × weeks) used for the band.
    n_draws, seed : int
        Monte Carlo draws and seed of the band.
    """

    week: np.ndarray = attrs.field(converter=int_array)
    n_treatment: np.ndarray = attrs.field(converter=int_array)
    n_control: np.ndarray = attrs.field(converter=int_array)
    mean_treatment: np.ndarray = attrs.field(converter=float_array)
    mean_control: np.ndarray = attrs.field(converter=float_array)
    estimate: np.ndarray = attrs.field(converter=float_array)
    std_error: np.ndarray = attrs.field(converter=float_array)
    df: np.ndarray = attrs.field(converter=float_array)
    ci_lower: np.ndarray = attrs.field(converter=float_array)
    ci_upper: np.ndarray = attrs.field(converter=float_array)
    p_value: np.ndarray = attrs.field(converter=float_array)
    band_lower: np.ndarray = attrs.field(converter=float_array)
    band_upper: np.ndarray = attrs.field(converter=float_array)
    n_blocks_dropped: np.ndarray = attrs.field(converter=int_array)
    outcome: str
    label: str
    method: str
    alpha: float
    balanced: bool = False
    band_critical_value: float = float("nan")
    correlation: np.ndarray | None = None
    n_draws: int = 0
    seed: int = 0

    def to_frame(self) -> pd.DataFrame:
        """One row per week; columns :data:`EFFECT_COLUMNS`.

        ``week, n_treatment, n_control, mean_treatment, mean_control, estimate, std_error,
        ci_lower, ci_upper, p_value, df, band_lower, band_upper, n_blocks_dropped``.
        """
        return pd.DataFrame({c: np.asarray(getattr(self, c)) for c in EFFECT_COLUMNS})

    def _header(self) -> list[str]:
        weeks = f"weeks {self.week[0]}–{self.week[-1]}" if len(self.week) else "no weeks"
        lines = [
            f"Weekly effect on {self.label} ({self.outcome}), treatment − control",
            f"method: {self.method}, {_METHOD_TEXT[self.method]}",
            f"{weeks}; {100 * (1 - self.alpha):g} % pointwise CIs"
            + (" ; balanced panel" if self.balanced else ""),
        ]
        if np.isfinite(self.band_critical_value):
            lines.append(
                f"sup-t band: critical value {self.band_critical_value:.3f} "
                f"({self.n_draws:,} draws, seed {self.seed})"
            )
        dropped = int((self.n_blocks_dropped > 0).sum())
        if dropped:
            weeks_text = "week" if dropped == 1 else "weeks"
            lines.append(f"blocks dropped (an arm with < 2 citizens) in {dropped} {weeks_text}")
        return lines

    def __str__(self) -> str:
        frame = self.to_frame()
        if not np.isfinite(self.band_critical_value):
            frame = frame.drop(columns=["band_lower", "band_upper"])
        if not self.n_blocks_dropped.any():
            frame = frame.drop(columns=["n_blocks_dropped"])
        table = frame.to_string(index=False, max_rows=30, float_format=lambda v: f"{v:.4g}")
        return "\n".join([*self._header(), "", table])

    def __repr__(self) -> str:
        return (
            f"<EffectCurve: {self.outcome}, method={self.method!r}, {len(self.week)} weeks, "
            f"alpha={self.alpha:g}>"
        )

    def _repr_html_(self) -> str:
        header = "<br>".join(html.escape(line) for line in self._header())
        table = self.to_frame().to_html(
            index=False, max_rows=30, float_format=lambda v: f"{v:.4g}", na_rep="–"
        )
        return f"<div><p>{header}</p>{table}</div>"

    def plot(self, ax=None, kind: str = "effect"):
        """Plot the effect with its CI and band (``kind="effect"``) or the arm means.

        Parameters
        ----------
        ax : matplotlib.axes.Axes, optional
            Axes to draw on; a new figure is made when omitted.
        kind : {"effect", "levels"}
            ``"effect"``: the estimate, the pointwise CI (blue) and the simultaneous band
            (grey, wider) against a zero line, the right-hand panels of the JobFirst figures.
            ``"levels"``: the mean per arm, the left-hand panels (001, L332, L361).

        Returns
        -------
        matplotlib.axes.Axes
        """
        if kind not in ("effect", "levels"):
            raise ValueError(f"kind must be 'effect' or 'levels', got {kind!r}")
        if ax is None:
            import matplotlib.pyplot as plt

            _, ax = plt.subplots()
        weeks = self.week
        if kind == "levels":
            ax.plot(weeks, self.mean_treatment, label="treatment")
            ax.plot(weeks, self.mean_control, label="control")
            ax.set_ylabel(self.label)
        else:
            if np.isfinite(self.band_critical_value):
                band = (self.band_lower, self.band_upper)
                ax.fill_between(weeks, *band, color="0.85", label="simultaneous band")
            ci = f"{100 * (1 - self.alpha):g} % CI"
            ax.fill_between(weeks, self.ci_lower, self.ci_upper, alpha=0.35, color="C0", label=ci)
            ax.axhline(0.0, color="grey", linewidth=0.8)
            ax.plot(weeks, self.estimate, color="C0", label="treatment − control")
            ax.set_ylabel(f"Effect on {self.label[:1].lower()}{self.label[1:]}")
        ax.set_xlabel("Weeks since visitation")
        ax.legend()
        return ax


# ============================================================================== entry point


def weekly_effects(
    data: Panel | pd.DataFrame,
    outcome: Outcome | State | str | np.ndarray,
    *,
    method: str = "blocked",
    treatment: str = "arm",
    treated: object = "treatment",
    control: object = "control",
    blocks: str | None = "municipality",
    covariates: Sequence[str] | None = None,
    alpha: float = 0.05,
    bands: bool = True,
    n_draws: int = 10_000,
    seed: int = 0,
    balanced: bool = False,
) -> EffectCurve:
    r"""Effect of treatment on an outcome in every week since visitation.

    Parameters
    ----------
    data : Panel or pandas.DataFrame
        A :class:`~activemeasures.Panel` (citizens observed in week :math:`w` are those with
        ``observed_weeks >= w``), or a tidy long table with columns ``citizen_id``, ``week``
        (1-based), the outcome column, the treatment column, the block column and any
        covariate columns; a row present means the citizen is observed in that week.
    outcome : outcome object, State, str or numpy.ndarray
        With a panel: an outcome from :mod:`activemeasures.outcomes`, a
        :class:`~activemeasures.State` (share in that state), ``"hours"``, ``"any_hours"``,
        or an ``n × horizon`` array. With a long table: the name of the outcome column.
    method : {"blocked", "raw", "lin"}, default "blocked"
        ``"blocked"``: the design-correct estimator for randomisation within blocks
        (JobFirst randomised within municipalities, DESIGN.md §7). ``"raw"``: the unblocked
        Welch difference, the method of the published curves (001, L332; SPEC.md §5.1, §11
        A-52). ``"lin"``: Lin's (2013) covariate-adjusted regression.
    treatment : str, default "arm"
        Column holding the arm.
    treated, control : default "treatment", "control"
        Values of the treatment column for the two arms; citizens with other values
        (e.g. ``"comparison"``) are left out.
    blocks : str or None, default "municipality"
        Block column. Needed for ``"blocked"``; ignored by ``"raw"``; added as block
        indicators to the covariates by ``"lin"`` (``None`` to leave them out).
    covariates : sequence of str, optional
        Baseline covariate columns for ``"lin"`` (numbers, constant within a citizen).
    alpha : float, default 0.05
        1 − confidence level of the pointwise CIs and of the band.
    bands : bool, default True
        Compute the simultaneous sup-t band (one extra pass over the data).
    n_draws : int, default 10_000
        Monte Carlo draws for the band's critical value.
    seed : int, default 0
        Seed of the band's :class:`numpy.random.Generator`; same seed, same band.
    balanced : bool, default False
        Use only citizens observed in **every** week of the horizon, so that the population
        does not change with the week (SPEC.md §3.3 item 3, §11 A-20).

    Returns
    -------
    EffectCurve

    Raises
    ------
    ValueError
        If a column is missing, an arm is empty, an input has missing values, or
        ``method="blocked"`` is asked for without ``blocks``.

    Notes
    -----
    In week :math:`w` only citizens observed that week are used (001, L287; SPEC.md §3.3);
    :math:`n_{1w}, n_{0w}` are reported with every estimate. For arm :math:`a` and a set of
    citizens, :math:`\bar y_a` is the mean and :math:`s_a^2` the sample variance (divisor
    :math:`n_a - 1`).

    **raw** (Welch, 1947; Satterthwaite, 1946):

    .. math::

        \hat\tau_w = \bar y_{1w} - \bar y_{0w}, \quad
        \widehat{se}_w = \sqrt{s_{1w}^2/n_{1w} + s_{0w}^2/n_{0w}}, \quad
        \nu_w = \frac{(v_1 + v_0)^2}{v_1^2/(n_1 - 1) + v_0^2/(n_0 - 1)},\ v_a = s_a^2/n_a.

    The Welch standard error equals the HC2 standard error of the treatment coefficient in
    the regression of :math:`y` on a constant and the treatment dummy (Samii and Aronow,
    2012).

    **blocked** (estimatr's ``difference_in_means`` with ``blocks``; Gerber and Green, 2012,
    ch. 4): with :math:`d_{bw}` and :math:`se_{bw}` the Welch difference and standard error
    within block :math:`b` in week :math:`w`, :math:`N_{bw}` the block's observed citizens and
    :math:`N_w = \sum_b N_{bw}`,

    .. math::

        \hat\tau_w = \sum_b \frac{N_{bw}}{N_w} d_{bw}, \quad
        \widehat{se}_w = \sqrt{\sum_b \left(\frac{N_{bw}}{N_w}\right)^2 se_{bw}^2}, \quad
        \nu_w = N_w - 2 B_w .

    A block whose treatment or control arm has fewer than two observed citizens in week
    :math:`w` has no Welch variance there: it is **left out of that week** (not of other
    weeks), :math:`B_w` counts the blocks kept, and ``n_blocks_dropped`` reports how many
    blocks with data were left out. The estimate then refers to the kept blocks only.
    Matched-pair designs (every block of size two) are not handled here.

    **lin** (Lin, 2013): per week, OLS of :math:`y` on :math:`1, T, \tilde X, T\tilde X`
    with :math:`\tilde X = X - \bar X_w` centred over the week's observed citizens; the
    estimate is the coefficient of :math:`T` and its variance the HC2 sandwich (MacKinnon and
    White, 1985), :math:`\nu_w = N_w - k_w` with :math:`k_w` the number of coefficients.
    :math:`X` holds the ``covariates`` and, when ``blocks`` is given, indicators of the
    blocks but the first. With blocks, as for "blocked", a block with fewer than two
    citizens in an arm in week :math:`w` is left out of that week and counted in
    ``n_blocks_dropped``: with one arm only, its treatment contrast is not identified and
    the estimate would depend on the order of the regressors. A regressor collinear with
    earlier ones in a week (say, the indicator of a block without citizens that week) is
    dropped for that week, as R's ``lm`` does. A citizen with leverage
    :math:`h_{iw} = 1` has residual 0; its HC2 term, which tends to 0, is set to 0.
    All weeks are fitted together: the Gram matrices :math:`\sum_i o_{iw} z_i z_i^\top`
    (:math:`o_{iw}` = observed) are stacked to a ``(W, p, p)`` array in one pass over the
    citizens, and the leverages :math:`h_{iw}` come from one matrix product per block of
    rows.

    Pointwise intervals are :math:`\hat\tau_w \pm t_{\nu_w, 1-\alpha/2}\,\widehat{se}_w`
    and p-values use the same t distribution.

    **Simultaneous band** (Montiel Olea and Plagborg-Møller, 2019). Each estimate is, to
    first order, a sum of per-citizen influence functions, :math:`\hat\tau_w - \tau_w
    \approx \sum_i \phi_{iw}`, with :math:`\phi_{iw} = \pm (N_{bw}/N_w)(y_{iw} - \bar
    y_{abw}) / \sqrt{n_{abw}(n_{abw} - 1)}` for "blocked" (one block for "raw"; :math:`+`
    for treated) and :math:`\phi_{iw} = (e_w^\top (Z_w^\top Z_w)^{-1} z_{iw})\,\hat
    u_{iw} / \sqrt{1 - h_{iw}}` for "lin", and 0 in unobserved weeks. These are scaled so
    that :math:`\sum_i \phi_{iw}^2 = \widehat{se}_w^2` exactly. The weeks' correlation is
    :math:`R = D^{-1/2} \Phi^\top \Phi D^{-1/2}` with :math:`D = \mathrm{diag}(\Phi^\top
    \Phi)`; citizens observed in both weeks :math:`w` and :math:`v` drive :math:`R_{wv}`
    (:math:`\Phi^\top \Phi` is summed in float64 over blocks of rows, so any split of the
    citizens, as on :mod:`activemeasures.distributed`, gives it to the last bits).
    The critical value :math:`\hat c` is the :math:`1 - \alpha` quantile of
    :math:`\max_w |Z_w|` over ``n_draws`` draws :math:`Z = R^{1/2} N`, :math:`N \sim
    N(0, I)` from ``numpy.random.default_rng(seed)``, with the symmetric square root
    :math:`R^{1/2} = V \Lambda^{1/2} V^\top` and eigenvalues below :math:`10^{-10}
    \lambda_{max}` taken as 0: unlike an eigenvector factor, it moves continuously with
    :math:`R` (within a cluster of equal eigenvalues the eigenvectors are arbitrary), so the
    last bits of :math:`R` do not change the draws. On each week's t scale the band is
    :math:`\hat\tau_w \pm c_w \widehat{se}_w` with :math:`c_w = \max(F^{-1}_{\nu_w}(\Phi(\hat
    c)), t_{\nu_w, 1-\alpha/2})`: the same tail probability as :math:`\hat c`, and never
    narrower than the pointwise interval. Weeks without a finite, positive standard error
    are left out of the band. The band covers the whole effect curve with probability
    about :math:`1 - \alpha`, where the pointwise intervals cover each week separately.

    References
    ----------
    Blair, G., Cooper, J., Coppock, A., Humphreys, M. and Sonnet, L. estimatr: Fast
    Estimators for Design-Based Inference, "Mathematical notes".
    Chan, T. F., Golub, G. H. and LeVeque, R. J. (1983). Algorithms for computing the sample
    variance. *The American Statistician* 37(3), 242–247.
    Gerber, A. S. and Green, D. P. (2012). *Field Experiments*. Norton.
    Lin, W. (2013). Agnostic notes on regression adjustments to experimental data.
    *Annals of Applied Statistics* 7(1), 295–318.
    MacKinnon, J. G. and White, H. (1985). Some heteroskedasticity-consistent covariance
    matrix estimators with improved finite sample properties. *Journal of Econometrics*
    29(3), 305–325.
    Montiel Olea, J. L. and Plagborg-Møller, M. (2019). Simultaneous confidence bands:
    theory, implementation, and an application to SVARs. *Journal of Applied Econometrics*
    34(1), 1–17.
    Samii, C. and Aronow, P. M. (2012). On equivalencies between design-based and
    regression-based variance estimators for randomized experiments. *Statistics &
    Probability Letters* 82(2), 365–370.
    Welch, B. L. (1947). The generalization of "Student's" problem when several different
    population variances are involved. *Biometrika* 34(1–2), 28–35.

    Examples
    --------
    A long table of two blocks, observed for two weeks (one citizen for one week only):

    >>> import pandas as pd
    >>> from activemeasures.estimators.curves import weekly_effects
    >>> table = pd.DataFrame({
    ...     "citizen_id": [1, 2, 3, 4, 5, 6, 7, 8, 1, 2, 3, 4, 5, 6, 7],
    ...     "week": [1] * 8 + [2] * 7,
    ...     "hours": [5., 3., 0., 1., 8., 6., 2., 0., 9., 7., 1., 0., 10., 4., 3.],
    ...     "arm": ["treatment", "treatment", "control", "control"] * 2
    ...            + ["treatment", "treatment", "control", "control"] + ["treatment"] * 2
    ...            + ["control"],
    ...     "municipality": ["A"] * 4 + ["B"] * 4 + ["A"] * 4 + ["B"] * 3,
    ... })
    >>> curve = weekly_effects(table, "hours", bands=False)
    >>> curve.to_frame()[["week", "n_treatment", "n_control", "estimate", "std_error", "df",
    ...                   "n_blocks_dropped"]]
       week  n_treatment  n_control  estimate  std_error   df  n_blocks_dropped
    0     1            4          4      4.75   0.901388  4.0                 0
    1     2            2          2      7.50   1.118034  2.0                 1

    In week 2 block B has one control citizen, so it is left out of that week. The raw
    (unblocked) Welch differences use everyone observed:

    >>> raw = weekly_effects(table, "hours", method="raw", bands=False)
    >>> raw.estimate.round(4), raw.std_error.round(4), raw.df.round(2)
    (array([4.75  , 6.1667]), array([1.1456, 1.5899]), array([4.21, 4.83]))
    """
    if method not in METHODS:
        raise ValueError(f"method must be one of {', '.join(map(repr, METHODS))}, got {method!r}")
    if not 0 < alpha < 1:
        raise ValueError(f"alpha must be between 0 and 1, got {alpha}")
    if bands and int(n_draws) < 1:
        raise ValueError(f"n_draws must be >= 1, got {n_draws}")
    if method == "blocked" and blocks is None:
        raise ValueError("method='blocked' needs a block column (blocks=...); or use 'raw'")
    if method != "lin" and covariates:
        raise ValueError("covariates are only used by method='lin'")
    options = {
        "treatment": treatment,
        "treated": treated,
        "control": control,
        "blocks": None if method == "raw" else blocks,
        "covariates": list(covariates) if covariates else None,
        "balanced": balanced,
    }
    if isinstance(data, Panel):
        weekly = _from_panel(data, outcome, **options)
    elif isinstance(data, pd.DataFrame):
        weekly = _from_frame(data, outcome, **options)
    else:
        raise TypeError(f"data must be a Panel or a pandas DataFrame, got {type(data).__name__}")

    if method == "lin":
        fit = _lin(weekly)
    else:
        moments = _moments(weekly)
        fit = (_raw if method == "raw" else _blocked)(weekly, moments)
    return _curve(
        fit,
        n_weeks=weekly.n_weeks,
        outcome=weekly.name,
        label=weekly.label,
        method=method,
        alpha=alpha,
        bands=bands,
        n_draws=n_draws,
        seed=seed,
        balanced=balanced,
    )


def _curve(
    fit: _Fit,
    *,
    n_weeks: int,
    outcome: str,
    label: str,
    method: str,
    alpha: float,
    bands: bool,
    n_draws: int,
    seed: int,
    balanced: bool,
) -> EffectCurve:
    """Standard errors, intervals, p-values and the band of a fit: the curve."""
    with np.errstate(divide="ignore", invalid="ignore"):
        std_error = np.sqrt(fit.variance)
        df = np.where(fit.df > 0, fit.df, np.nan)
        critical = special.stdtrit(df, 1.0 - alpha / 2)
        statistic = fit.estimate / std_error
        p_value = 2.0 * special.stdtr(df, -np.abs(statistic))
    band_lower = band_upper = np.full(n_weeks, np.nan)
    c_hat, correlation = np.nan, None
    if bands:
        usable = np.isfinite(fit.estimate) & np.isfinite(std_error) & (std_error > 0)
        usable &= np.isfinite(df)
        cross = fit.influence() if usable.any() else np.zeros((n_weeks, n_weeks))
        c_hat, correlation = _sup_t_critical_value(cross, usable, alpha, int(n_draws), seed)
        week_critical = np.maximum(special.stdtrit(df, special.ndtr(c_hat)), critical)
        half = np.where(usable, week_critical * std_error, np.nan)
        band_lower, band_upper = fit.estimate - half, fit.estimate + half
    return EffectCurve(
        week=np.arange(1, n_weeks + 1),
        n_treatment=fit.n_treatment,
        n_control=fit.n_control,
        mean_treatment=fit.mean_treatment,
        mean_control=fit.mean_control,
        estimate=fit.estimate,
        std_error=std_error,
        df=df,
        ci_lower=fit.estimate - critical * std_error,
        ci_upper=fit.estimate + critical * std_error,
        p_value=p_value,
        band_lower=band_lower,
        band_upper=band_upper,
        n_blocks_dropped=fit.n_blocks_dropped,
        outcome=outcome,
        label=label,
        method=method,
        alpha=float(alpha),
        balanced=bool(balanced),
        band_critical_value=float(c_hat),
        correlation=None if correlation is None else float_array(correlation),
        n_draws=int(n_draws) if bands else 0,
        seed=int(seed),
    )
