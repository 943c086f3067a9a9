"""Vectorised conversion of dated records to week cells of the citizen × week matrix.

Week ``w`` (1-based) of a citizen is the seven days
``[visitation_date + 7(w-1), visitation_date + 7w - 1]`` (DESIGN.md §4.2; SPEC.md §3.3:
``w = floor((date - visitation_date).days / 7) + 1``). Internally weeks are 0-based.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

DAYS_PER_WEEK = 7


def day_numbers(values: pd.Series | pd.DatetimeIndex) -> np.ndarray:
    """Whole days since 1970-01-01 (int64) of a datetime column, whatever its resolution."""
    return np.asarray(values, dtype="datetime64[D]").astype(np.int64)


def expand(first: np.ndarray, last: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Expand inclusive ranges ``first[i]..last[i]`` (non-empty) into cells.

    Returns ``(record, value)``: for every range, one entry per integer in it. Vectorised with
    ``np.repeat``; memory is proportional to the number of cells.

    Examples
    --------
    >>> expand(np.array([2, 5]), np.array([4, 5]))
    (array([0, 0, 0, 1]), array([2, 3, 4, 5]))
    """
    lengths = (last - first + 1).astype(np.int64)
    record = np.repeat(np.arange(len(first)), lengths)
    starts_at = np.cumsum(lengths) - lengths
    value = np.arange(int(lengths.sum()), dtype=np.int64) - np.repeat(starts_at - first, lengths)
    return record, value


def cell_chunks(first: np.ndarray, last: np.ndarray, max_cells: int) -> list[slice]:
    """Consecutive slices of the ranges ``first[i]..last[i]``, each expanding to about
    *max_cells* cells at most (a single longer range makes a chunk of its own).

    Expanding chunk by chunk bounds the temporary arrays of :func:`expand` by *max_cells*
    instead of the total number of cells; the chunks keep the records' order.

    Examples
    --------
    >>> cell_chunks(np.array([0, 0, 0, 0]), np.array([1, 2, 0, 4]), 4)
    [slice(0, 1, None), slice(1, 3, None), slice(3, 4, None)]
    """
    ends = np.cumsum((last - first + 1).astype(np.int64))
    chunks, begin, done = [], 0, 0
    while begin < len(ends):
        # Last record whose cells still fit, but at least one record per chunk.
        stop = max(int(np.searchsorted(ends, done + max_cells, side="right")), begin + 1)
        chunks.append(slice(begin, stop))
        done, begin = int(ends[stop - 1]), stop
    return chunks


def clip_to_window(
    first_day: np.ndarray, last_day: np.ndarray, window_days: np.ndarray
) -> tuple[np.ndarray, np.ndarray, dict[str, np.ndarray]]:
    """Clip day ranges (relative to visitation) to ``[0, window_days)``.

    Returns the clipped ranges and boolean masks ``before`` (ends before visitation),
    ``after`` (covers no day of the window although it does not end before visitation),
    ``kept`` and ``cut`` (kept but truncated at either end).
    """
    before = last_day < 0
    # A record starting at or after the window's end covers no observed day; so does any
    # record of a citizen with no observed week (window 0).
    after = ~before & (np.maximum(first_day, 0) >= window_days)
    kept = ~before & ~after
    cut = kept & ((first_day < 0) | (last_day >= window_days))
    return (
        np.maximum(first_day, 0),
        np.minimum(last_day, window_days - 1),
        {"before": before, "after": after, "kept": kept, "cut": cut},
    )
