"""ISO weeks written as ``y_YYWW`` (DREAM) or ``YYYY-Www``, as whole arrays.

A week is carried as its *ordinal* ``k``: the number of whole weeks since the Monday
1970-01-05, so its Monday is day ``7k + 4`` since 1970-01-01 (1970-01-01 was a Thursday).
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["monday", "parse_weeks"]

#: ``y_YYWW`` (DREAM's column names, e.g. ``y_1610``) or ``YYYY-Www`` / ``YYYYWww``.
WEEK_PATTERN = r"^\s*(?:[yY]_(?P<yy>\d{2})(?P<w2>\d{2})|(?P<yyyy>\d{4})-?[wW](?P<w4>\d{2}))\s*$"

#: Two-digit years from this value up are 19YY, below it 20YY (DREAM starts in 1991).
CENTURY_PIVOT = 90


def _monday_of_week_one(years: np.ndarray) -> np.ndarray:
    """Day number (since 1970-01-01) of the Monday of ISO week 1 of each year."""
    jan4 = (years - 1970).astype("datetime64[Y]").astype("datetime64[D]").astype(np.int64) + 3
    weekday = (jan4 + 3) % 7  # Monday 0 ... Sunday 6
    return jan4 - weekday


def parse_weeks(
    labels: pd.Index | pd.Series | np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Week ordinals of week labels.

    Returns
    -------
    ordinal : numpy.ndarray of int64
        Week ordinal of each label (see the module docstring); -1 where not a week.
    valid : numpy.ndarray of bool
        Whether the label has the form of a week *and* names a week that exists (week 53 only
        in years with 53 ISO weeks).
    is_week : numpy.ndarray of bool
        Whether the label has the form of a week (valid or not).
    """
    # Each distinct label is parsed once (a long table repeats its weeks on every row).
    label_index, uniques = pd.factorize(np.asarray(labels, dtype=object), use_na_sentinel=True)
    parts = pd.Series(uniques.astype(str), dtype=object).str.extract(WEEK_PATTERN)
    found = parts.notna().to_numpy()
    parts = parts.fillna("0").to_numpy(dtype=object).astype(np.int64)  # yy, w2, yyyy, w4
    two = found[:, 0]
    years = np.where(two, np.where(parts[:, 0] >= CENTURY_PIVOT, 1900, 2000) + parts[:, 0], 0)
    years = np.where(found[:, 2], parts[:, 2], np.where(two, years, 1970))
    weeks = np.where(two, parts[:, 1], parts[:, 3])
    first = _monday_of_week_one(years)
    n_weeks = (_monday_of_week_one(years + 1) - first) // 7
    is_week = two | found[:, 2]
    valid = is_week & (weeks >= 1) & (weeks <= n_weeks)
    ordinal = np.where(valid, (first + 7 * (weeks - 1)) // 7, -1)
    # Back to the labels; a missing label is no week.
    missing = label_index < 0
    label_index = np.where(missing, 0, label_index)
    if len(uniques) == 0:
        empty = np.zeros(len(label_index), dtype=bool)
        return np.full(len(label_index), -1, dtype=np.int64), empty, empty
    ordinal = np.where(missing, -1, ordinal[label_index])
    valid = ~missing & valid[label_index]
    is_week = ~missing & is_week[label_index]
    return ordinal, valid, is_week


def monday(ordinal: np.ndarray) -> np.ndarray:
    """Monday of each week ordinal, as ``datetime64[D]``."""
    return (np.asarray(ordinal, dtype=np.int64) * 7 + 4).astype("datetime64[D]")
