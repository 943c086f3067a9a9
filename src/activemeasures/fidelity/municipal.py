"""Per-municipality outcome means and effects from a panel: the data of the municipal OLS.

The JobFirst final evaluation relates, across the 15 jobcentres, the employment effect in
weeks 53-78 to fidelity measures "averaged over weeks 1-52" and computed separately for the
participant (D) and control (K) groups (SPEC.md §5.3, §6.3; 000, L870-874, L1028-1034).
:func:`municipality_means` gives the second (one row per municipality × arm, e.g. the share
in internship), :func:`municipality_effects` the first (one row per municipality, the D − K
difference, in percentage points with ``scale=100`` as the Stata variable ``besk``, SPEC.md
§11 A-46). Their tables feed :func:`~activemeasures.fidelity.municipality_regression`.

Both read an outcome only in the weeks a citizen is **observed**: censored weeks are never
counted (SPEC.md §3.3; 001, L287). Both come from one pass over grouped sufficient
statistics: per group (municipality × arm) and week, the number of observed citizens and the
sum of their values (DESIGN.md §9); no Python loop over citizens or weeks.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from activemeasures.outcomes import Outcome, as_outcome
from activemeasures.panel import Panel
from activemeasures.states import State

__all__ = [
    "ALL_ARMS",
    "MUNICIPALITY_EFFECT_COLUMNS",
    "MUNICIPALITY_MEAN_COLUMNS",
    "municipality_effects",
    "municipality_means",
]

#: The ``arm`` of :func:`municipality_means` rows when ``by_arm=False``.
ALL_ARMS = "all"

#: Columns of :func:`municipality_means`, in order.
MUNICIPALITY_MEAN_COLUMNS = ("municipality", "arm", "n_citizens", "n_weeks", "mean")

#: Columns of :func:`municipality_effects`, in order.
MUNICIPALITY_EFFECT_COLUMNS = (
    "municipality",
    "n_treatment",
    "n_control",
    "n_weeks",
    "mean_treatment",
    "mean_control",
    "effect",
)


# ============================================================================== inputs


def _window(weeks: tuple[int, int], panel: Panel) -> tuple[int, int]:
    try:
        first, last = (int(w) for w in weeks)
    except (TypeError, ValueError):
        raise ValueError(
            f"weeks must be a pair (first, last) of week numbers, got {weeks!r}"
        ) from None
    if not 1 <= first <= last <= panel.horizon:
        raise ValueError(
            f"weeks must satisfy 1 <= first <= last <= {panel.horizon} (the panel's horizon), "
            f"got {weeks!r}"
        )
    return first, last


def _scale(scale: float) -> float:
    value = float(scale)
    if not math.isfinite(value):
        raise ValueError(f"scale must be a finite number, got {scale!r}")
    return value


def _check_panel(panel: object, needs_arm: bool) -> Panel:
    if not isinstance(panel, Panel):
        raise TypeError(f"needs a Panel, got {type(panel).__name__}")
    if needs_arm and "arm" not in panel.citizens.columns:
        raise ValueError("the citizens table of the panel has no column 'arm'")
    return panel


def _window_values(
    panel: Panel, outcome: Outcome | State | str, first: int, last: int
) -> tuple[np.ndarray, np.ndarray]:
    """Outcome values in the window as float64 and the mask of cells that count.

    A cell counts when the citizen is observed in that week and the value is not missing.
    """
    values = as_outcome(outcome).values(panel, compact=True)[:, first - 1 : last]
    values = np.asarray(values, dtype=np.float64)
    counts = np.arange(first, last + 1) <= np.asarray(panel.observed_weeks)[:, None]
    counts &= ~np.isnan(values)
    return values, counts


def _group_sums(
    values: np.ndarray, counts: np.ndarray, group: np.ndarray, n_groups: int
) -> tuple[np.ndarray, np.ndarray]:
    """Per group and week: number of counted cells and the sum of their values.

    Rows with ``group < 0`` are left out. Rows are sorted by group once and summed with
    :func:`numpy.add.reduceat` (no loop over citizens or weeks).
    """
    n_weeks = values.shape[1]
    sums = np.zeros((n_groups, n_weeks))
    n = np.zeros((n_groups, n_weeks), dtype=np.int64)
    rows = np.flatnonzero(group >= 0)
    if len(rows) == 0:
        return n, sums
    rows = rows[np.argsort(group[rows], kind="stable")]
    sorted_group = group[rows]
    starts = np.flatnonzero(np.r_[True, sorted_group[1:] != sorted_group[:-1]])
    present = sorted_group[starts]
    cells = counts[rows]
    sums[present] = np.add.reduceat(np.where(cells, values[rows], 0.0), starts, axis=0)
    n[present] = np.add.reduceat(cells.astype(np.int64), starts, axis=0)
    return n, sums


def _weekly_means(n: np.ndarray, sums: np.ndarray) -> np.ndarray:
    """Weekly mean per group; NaN in weeks without counted citizens."""
    means = np.full(sums.shape, np.nan)
    np.divide(sums, n, out=means, where=n > 0)
    return means


def _mean_over(weekly: np.ndarray, use: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Unweighted mean of ``weekly`` over the weeks in ``use`` per row (NaN if none)."""
    n_weeks = use.sum(axis=1)
    total = np.where(use, weekly, 0.0).sum(axis=1)
    mean = np.full(len(n_weeks), np.nan)
    np.divide(total, n_weeks, out=mean, where=n_weeks > 0)
    return mean, n_weeks


# ============================================================================== means


def municipality_means(
    panel: Panel,
    outcome: Outcome | State | str,
    *,
    weeks: tuple[int, int] = (1, 52),
    by_arm: bool = True,
    scale: float = 1.0,
) -> pd.DataFrame:
    r"""Mean of a weekly outcome over a window of weeks, per municipality (× arm).

    The fidelity measures of the JobFirst municipal regressions: e.g. the share in internship
    "averaged over weeks 1-52", separately for the participant and the control group
    (``praktik_d``, ``praktik_k``; SPEC.md §5.3, §6.3; 000, L870-874).

    Parameters
    ----------
    panel : Panel
        The citizen panel; its citizens table gives ``municipality`` (and ``arm``).
    outcome : Outcome, State or str
        Anything :func:`~activemeasures.outcomes.as_outcome` accepts: ``"internship"``,
        ``State.MENTOR``, ``"any_hours"``, a :class:`~activemeasures.outcomes.CumulativeCriterion`
        ….
    weeks : (int, int), default (1, 52)
        First and last week of the window, 1-based and inclusive, within the panel's horizon.
    by_arm : bool, default True
        One row per municipality and arm (citizens without an arm left out); otherwise one
        row per municipality over all its citizens, with ``arm`` = ``"all"``.
    scale : float, default 1.0
        Multiplies the mean (100 gives a share in percent).

    Returns
    -------
    pandas.DataFrame
        One row per municipality (× arm) present in the panel, sorted; columns

        * ``municipality``, ``arm``;
        * ``n_citizens``: citizens of the group observed in at least one week of the window;
        * ``n_weeks``: weeks of the window with at least one observed citizen in the group;
        * ``mean``: the mean defined below (NaN when ``n_weeks`` is 0).

    Notes
    -----
    For group :math:`g` (municipality × arm) and week :math:`w`, with :math:`O_{gw}` the
    citizens of :math:`g` observed in week :math:`w` and :math:`y_{iw}` the outcome,

    .. math::

        \bar y_{gw} = \frac{1}{|O_{gw}|} \sum_{i \in O_{gw}} y_{iw}, \qquad
        \text{mean}_g = \text{scale} \cdot \frac{1}{|W_g|} \sum_{w \in W_g} \bar y_{gw},

    where :math:`W_g` are the weeks of the window with :math:`|O_{gw}| > 0`. **Interpretation**
    of "averaged over weeks 1-52 per group" (000, L870-874): each week counts once, however
    many citizens are observed in it (the unweighted mean of the weekly curve, as the figures
    show it), rather than a mean over all observed citizen-weeks, which would weight the early
    weeks more under staggered censoring. Censored weeks never count, and a missing (NaN)
    outcome value counts as not observed.

    Examples
    --------
    Citizen ``a`` (treatment) is in internship in weeks 2 and 3 of 4; citizen ``b`` (control)
    is observed in weeks 1-3 only:

    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures.fidelity import municipality_means
    >>> municipality_means(_example_panel(), "internship", weeks=(1, 4))
      municipality        arm  n_citizens  n_weeks  mean
    0            X    control           1        3   0.0
    1            X  treatment           1        4   0.5

    Pooled over both arms, the weekly shares with ordinary hours are 1/2, 1/2, 1/2 (``b``
    has hours in weeks 1-3) and 0/1 (only ``a`` is observed in week 4), so the mean is
    :math:`(0.5 + 0.5 + 0.5 + 0) / 4 = 0.375`:

    >>> municipality_means(_example_panel(), "any_hours", weeks=(1, 4), by_arm=False)
      municipality  arm  n_citizens  n_weeks   mean
    0            X  all           2        4  0.375
    """
    panel = _check_panel(panel, by_arm)
    first, last = _window(weeks, panel)
    factor = _scale(scale)
    municipality_codes, municipalities = pd.factorize(panel.citizens["municipality"], sort=True)
    if by_arm:
        arm_codes, arms = pd.factorize(panel.citizens["arm"], sort=True)
    else:
        arm_codes, arms = np.zeros(panel.n_citizens, dtype=np.int64), pd.Index([ALL_ARMS])
    statistics = _window_statistics(
        panel, outcome, first, last, municipality_codes, len(municipalities), arm_codes, len(arms)
    )
    return _means_table(statistics, municipalities, arms, factor)


def _window_statistics(
    panel: Panel,
    outcome: Outcome | State | str,
    first: int,
    last: int,
    municipality_codes: np.ndarray,
    n_municipalities: int,
    arm_codes: np.ndarray,
    n_arms: int,
) -> dict[str, np.ndarray]:
    """Sums over citizens per group (municipality × arm) of the window's cells.

    ``n`` and ``sums`` (groups × weeks of the window, :func:`_group_sums`), ``n_citizens``
    (citizens with a counted cell) and ``members`` (citizens) per group. Citizens with an arm
    code below 0 are left out. All four are sums over citizens, so the statistics of
    disjoint sets of citizens add up (:mod:`activemeasures.distributed`).
    """
    group = np.where(arm_codes >= 0, municipality_codes * n_arms + arm_codes, -1).astype(np.int64)
    n_groups = n_municipalities * n_arms
    values, counts = _window_values(panel, outcome, first, last)
    n, sums = _group_sums(values, counts, group, n_groups)
    used = group >= 0
    return {
        "n": n,
        "sums": sums,
        "n_citizens": np.bincount(
            group[used], weights=counts[used].any(axis=1), minlength=n_groups
        ).astype(np.int64),
        "members": np.bincount(group[used], minlength=n_groups).astype(np.int64),
    }


def _means_table(
    statistics: dict[str, np.ndarray], municipalities: pd.Index, arms: pd.Index, factor: float
) -> pd.DataFrame:
    """The table of :func:`municipality_means` from :func:`_window_statistics`."""
    n, sums = statistics["n"], statistics["sums"]
    mean, n_weeks = _mean_over(_weekly_means(n, sums), n > 0)
    n_citizens = statistics["n_citizens"]
    present = statistics["members"] > 0
    table = pd.DataFrame(
        {
            "municipality": np.repeat(np.asarray(municipalities, dtype=object), len(arms)),
            "arm": np.tile(np.asarray(arms, dtype=object), len(municipalities)),
            "n_citizens": n_citizens.astype(np.int64),
            "n_weeks": n_weeks.astype(np.int64),
            "mean": mean * factor,
        },
        columns=list(MUNICIPALITY_MEAN_COLUMNS),
    )
    return table.loc[present].reset_index(drop=True)


# ============================================================================== effects


def municipality_effects(
    panel: Panel,
    outcome: Outcome | State | str,
    *,
    weeks: tuple[int, int] = (53, 78),
    treatment: str = "treatment",
    control: str = "control",
    scale: float = 1.0,
) -> pd.DataFrame:
    r"""Treatment − control difference of a weekly outcome over a window, per municipality.

    The dependent variable of the JobFirst municipal regressions: the effect on having
    ordinary hours in weeks 53-78 per jobcentre, in percentage points (``besk``; SPEC.md
    §5.3, §11 A-46; 000, L1028-1034) is
    ``municipality_effects(panel, "any_hours", scale=100)["effect"]``.

    Parameters
    ----------
    panel : Panel
        The citizen panel; its citizens table gives ``municipality`` and ``arm``.
    outcome : Outcome, State or str
        Anything :func:`~activemeasures.outcomes.as_outcome` accepts (``"any_hours"``,
        ``"hours"``, ``"internship"`` …).
    weeks : (int, int), default (53, 78)
        First and last week of the window, 1-based and inclusive, within the panel's horizon.
    treatment, control : str, default "treatment", "control"
        The two values of ``arm`` compared (D and K); other arms are left out.
    scale : float, default 1.0
        Multiplies the means and the effect (100: percentage points for a share).

    Returns
    -------
    pandas.DataFrame
        One row per municipality of the panel, sorted; columns

        * ``municipality``;
        * ``n_treatment``, ``n_control``: citizens of the arm observed in at least one week
          of the window;
        * ``n_weeks``: weeks of the window with observed citizens in **both** arms;
        * ``mean_treatment``, ``mean_control``: the arm's weekly mean averaged over those
          weeks, times ``scale``;
        * ``effect``: ``mean_treatment − mean_control`` (NaN when ``n_weeks`` is 0, e.g. a
          municipality without control citizens).

    Notes
    -----
    With :math:`\bar y_{mDw}` and :math:`\bar y_{mKw}` the means over the citizens of
    municipality :math:`m` observed in week :math:`w` in the treatment (D) and control (K) arm
    (as in :func:`municipality_means`) and :math:`W_m` the weeks of the window in which both
    arms have observed citizens,

    .. math::

        \text{effect}_m = \text{scale} \cdot \frac{1}{|W_m|}
        \sum_{w \in W_m} \left(\bar y_{mDw} - \bar y_{mKw}\right).

    **Interpretation** (SPEC.md §11 A-46): the effect is the raw weekly difference of
    SPEC.md §5.1 averaged over the window with equal week weights. Using only weeks with
    both arms observed keeps ``effect = mean_treatment − mean_control`` exact and compares
    the arms over the same weeks.

    Examples
    --------
    ``a`` (treatment) has no hours; ``b`` (control) has hours in weeks 1-3 and is censored in
    week 4, so weeks 1-3 count and the effect is :math:`0 - 1 = -1`, or -100 pp:

    >>> from activemeasures.panel import _example_panel
    >>> from activemeasures.fidelity import municipality_effects
    >>> effects = municipality_effects(_example_panel(), "any_hours", weeks=(1, 4), scale=100)
    >>> effects[["municipality", "n_weeks", "mean_treatment", "mean_control", "effect"]]
      municipality  n_weeks  mean_treatment  mean_control  effect
    0            X        3             0.0         100.0  -100.0
    """
    panel = _check_panel(panel, True)
    first, last = _window(weeks, panel)
    factor = _scale(scale)
    if treatment == control:
        raise ValueError(f"treatment and control must be different arms, both are {treatment!r}")
    municipality_codes, municipalities = pd.factorize(panel.citizens["municipality"], sort=True)
    arm = panel.citizens["arm"].to_numpy(dtype=object)
    arm_codes = np.select([arm == treatment, arm == control], [0, 1], default=-1)
    statistics = _window_statistics(
        panel, outcome, first, last, municipality_codes, len(municipalities), arm_codes, 2
    )
    return _effects_table(statistics, municipalities, factor)


def _effects_table(
    statistics: dict[str, np.ndarray], municipalities: pd.Index, factor: float
) -> pd.DataFrame:
    """The table of :func:`municipality_effects` from :func:`_window_statistics` (2 arms)."""
    n_municipalities = len(municipalities)
    n, sums = statistics["n"], statistics["sums"]
    shape = (n_municipalities, 2, n.shape[1])
    weekly = _weekly_means(n, sums).reshape(shape)
    n = n.reshape(shape)
    both = (n[:, 0] > 0) & (n[:, 1] > 0)
    mean_treatment, n_weeks = _mean_over(weekly[:, 0], both)
    mean_control, _ = _mean_over(weekly[:, 1], both)
    n_citizens = statistics["n_citizens"].reshape(n_municipalities, 2)
    return pd.DataFrame(
        {
            "municipality": np.asarray(municipalities, dtype=object),
            "n_treatment": n_citizens[:, 0].astype(np.int64),
            "n_control": n_citizens[:, 1].astype(np.int64),
            "n_weeks": n_weeks.astype(np.int64),
            "mean_treatment": mean_treatment * factor,
            "mean_control": mean_control * factor,
            "effect": mean_treatment * factor - mean_control * factor,
        },
        columns=list(MUNICIPALITY_EFFECT_COLUMNS),
    )
