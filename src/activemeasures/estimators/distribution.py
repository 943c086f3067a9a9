"""Distribution of positive ordinary hours in bands, per arm, in one week.

The mid-term evaluation shows how the citizens with ordinary hours in week 35 spread over
hour bands, to see where JobFirst's extra jobs lie: mainly at 5–10 hours a week or full time
(001, L131, L351-353; SPEC.md §4.2.4, Fig 7). The sources do not give the band edges; the
defaults here are SPEC.md's interpretation (§11 A-45), with 37 hours as full time (002,
L1334).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from activemeasures.panel import Panel

__all__ = ["DEFAULT_BANDS", "DISTRIBUTION_COLUMNS", "hours_distribution"]

#: Default hour bands (SPEC.md §4.2.4): (0,5], (5,10], …, (25,30], (30,37), [37,∞).
DEFAULT_BANDS: tuple[pd.Interval, ...] = (
    *(pd.Interval(float(lo), float(lo + 5), closed="right") for lo in range(0, 30, 5)),
    pd.Interval(30.0, 37.0, closed="neither"),
    pd.Interval(37.0, np.inf, closed="left"),
)

#: Columns of :func:`hours_distribution`, in order.
DISTRIBUTION_COLUMNS = ("arm", "band", "n", "share")


def _band_label(band: pd.Interval) -> str:
    left = "[" if band.closed_left else "("
    right = "]" if band.closed_right else ")"
    upper = "∞" if np.isinf(band.right) else f"{band.right:g}"
    return f"{left}{band.left:g}, {upper}{right}"


def _band_index(hours: np.ndarray, bands: Sequence[pd.Interval]) -> np.ndarray:
    """Band of each value (one loop step per band); raises unless exactly one band fits."""
    index = np.full(len(hours), -1, dtype=np.int64)
    hits = np.zeros(len(hours), dtype=np.int64)
    for i, band in enumerate(bands):
        above = hours >= band.left if band.closed_left else hours > band.left
        below = hours <= band.right if band.closed_right else hours < band.right
        inside = above & below
        index[inside] = i
        hits += inside
    if (hits > 1).any():
        raise ValueError(f"bands overlap: {int((hits > 1).sum())} values fall in two bands")
    if (hits == 0).any():
        raise ValueError(f"{int((hits == 0).sum())} positive hour values fall in no band")
    return index


def hours_distribution(
    panel: Panel,
    week: int,
    bands: Sequence[pd.Interval] = DEFAULT_BANDS,
    *,
    treatment: str = "arm",
) -> pd.DataFrame:
    """Share of citizens with ordinary hours in each hour band, per arm, in one week.

    Parameters
    ----------
    panel : Panel
    week : int
        Week since visitation, 1-based (the mid-term figure uses week 35, 001, L351).
    bands : sequence of pandas.Interval, default :data:`DEFAULT_BANDS`
        Hour bands, each with its own closedness; every positive value must fall in exactly
        one band.
    treatment : str, default "arm"
        Column of the citizens table holding the arm (or any grouping).

    Returns
    -------
    pandas.DataFrame
        One row per arm and band (sorted arms, bands in the given order, empty bands
        included): ``arm``, ``band`` (ordered categorical of labels such as ``"(0, 5]"`` and
        ``"[37, ∞)"``), ``n`` (citizens of the arm observed in the week with hours in the
        band) and ``share`` (``n`` over the arm's citizens observed in the week with
        positive hours; NaN when there are none).

    Notes
    -----
    Only citizens **observed** in the week count (SPEC.md §3.3), and only those with
    positive hours (SPEC.md §4.2.4; 001, L351-353): the shares of an arm sum to 1. Counts
    are not disclosure-controlled here; anything written out passes through the report's
    disclosure control (DESIGN.md §10).

    Examples
    --------
    >>> from activemeasures.panel import _example_panel
    >>> hours_distribution(_example_panel(), week=1).query("n > 0")
            arm    band  n  share
    1  control  (5, 10]  1    1.0
    """
    if not isinstance(panel, Panel):
        raise TypeError(f"panel must be a Panel, got {type(panel).__name__}")
    if not 1 <= int(week) <= panel.horizon:
        raise ValueError(f"week must be 1 to {panel.horizon}, got {week}")
    if treatment not in panel.citizens.columns:
        raise ValueError(f"column {treatment!r} is not in the panel's citizens table")
    bands = list(bands)
    if not bands or not all(isinstance(b, pd.Interval) for b in bands):
        raise TypeError("bands must be a non-empty sequence of pandas.Interval")
    week = int(week)
    arm_codes, arms = pd.factorize(panel.citizens[treatment], sort=True)
    hours = panel.hours[:, week - 1].astype(np.float64)
    positive = (panel.observed_weeks >= week) & (hours > 0) & (arm_codes >= 0)
    band = _band_index(hours[positive], bands)
    n_bands = len(bands)
    counts = np.bincount(
        arm_codes[positive] * n_bands + band, minlength=len(arms) * n_bands
    ).reshape(len(arms), n_bands)
    totals = counts.sum(axis=1, keepdims=True)
    with np.errstate(divide="ignore", invalid="ignore"):
        shares = np.where(totals > 0, counts / np.maximum(totals, 1), np.nan)
    labels = [_band_label(b) for b in bands]
    return pd.DataFrame(
        {
            "arm": np.repeat(np.asarray(arms, dtype=object), n_bands),
            "band": pd.Categorical(np.tile(labels, len(arms)), categories=labels, ordered=True),
            "n": counts.reshape(-1),
            "share": shares.reshape(-1),
        }
    )
