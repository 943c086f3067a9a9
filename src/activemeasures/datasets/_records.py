"""From weekly simulated matrices to dated register records (shared by both simulators).

The simulators draw weekly states as ``n × W`` matrices (rows citizens, column ``w - 1`` the
week ``w`` since visitation). Registers hold dated records, so runs of equal consecutive weeks
become one record from the first day of the run's first week to the last day of its last week
(DESIGN.md §4.2), clipped at the data cut-off.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

__all__ = ["identifiers", "logit_shift", "runs", "to_dates"]


def identifiers(rng: np.random.Generator, prefix: str, n: int) -> np.ndarray:
    """*n* distinct opaque identifiers: the prefix and 8 random hex digits."""
    numbers = rng.choice(16**8, size=n, replace=False)
    return np.char.mod(prefix + "%08x", numbers).astype(object)


def to_dates(days: np.ndarray) -> np.ndarray:
    """Day numbers (days since 1970-01-01) as ``datetime64[s]``."""
    return np.asarray(days, dtype="datetime64[D]").astype("datetime64[s]")


def logit_shift(p: float | np.ndarray, shift: np.ndarray) -> np.ndarray:
    """Probability *p* moved by *shift* on the logit scale (municipality random effects)."""
    p = np.clip(np.asarray(p, dtype=float), 1e-6, 1 - 1e-6)
    return 1.0 / (1.0 + np.exp(-(np.log(p / (1 - p)) + shift)))


def runs(
    codes: np.ndarray,
    *others: np.ndarray,
    visit: np.ndarray,
    cutoff: int,
) -> pd.DataFrame:
    """Runs of equal, non-zero consecutive weeks as dated records.

    Parameters
    ----------
    codes : numpy.ndarray, shape (n, W)
        Weekly codes; 0 means "no record".
    *others : numpy.ndarray, shape (n, W)
        Further weekly values (workplace codes, hours); a change in any of them starts a new
        run.
    visit : numpy.ndarray of int, shape (n,)
        Visitation day numbers.
    cutoff : int
        Day number of the data cut-off: runs starting later are dropped, later ends clipped.

    Returns
    -------
    pandas.DataFrame
        ``row`` (citizen row), ``code``, ``first_week`` (0-based), ``n_weeks``, ``start`` and
        ``end`` (day numbers, inclusive), ``days`` (clipped length) and one column
        ``other{k}`` per extra matrix (the run's value).
    """
    n, width = codes.shape
    change = np.zeros((n, width), dtype=bool)
    change[:, 0] = True
    for matrix in (codes, *others):
        change[:, 1:] |= matrix[:, 1:] != matrix[:, :-1]
    first = np.flatnonzero(change.ravel())
    lengths = np.diff(np.r_[first, n * width])
    row, week = np.divmod(first, width)
    code = codes.ravel()[first]
    keep = code != 0
    row, week, lengths, first, code = row[keep], week[keep], lengths[keep], first[keep], code[keep]
    start = visit[row] + 7 * week
    end = start + 7 * lengths - 1
    inside = start <= cutoff
    frame = pd.DataFrame(
        {
            "row": row[inside],
            "code": code[inside],
            "first_week": week[inside],
            "n_weeks": lengths[inside],
            "start": start[inside],
            "end": np.minimum(end[inside], cutoff),
        }
    )
    frame["days"] = frame["end"] - frame["start"] + 1
    for k, matrix in enumerate(others):
        frame[f"other{k}"] = matrix.ravel()[first[inside]]
    return frame
