"""Numerator, denominator and value per municipality, then the pooled national row.

Every built-in indicator kind ends here: it works out, per citizen (or per survey answer), a
numerator and whether the citizen is in the denominator, and :func:`grouped_values` sums both
per municipality and over everybody (SPEC.md §6.1: the national value is pooled over all
eligible citizens, not the mean of the municipal shares).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from activemeasures import _intervals as iv
from activemeasures.fidelity.model import INDICATOR_VALUE_COLUMNS, NATIONAL, Population

__all__ = [
    "grouped_values",
    "indicator_frame",
    "municipality_codes",
    "record_rows",
    "selected_citizens",
]


def municipality_codes(labels: object) -> tuple[np.ndarray, list[str]]:
    """Codes of municipality labels into their units, sorted as text.

    Labels are compared as text, so ``101`` and ``"101"`` are one unit.

    Parameters
    ----------
    labels : array_like
        One municipality label per citizen (or answer).

    Returns
    -------
    codes : numpy.ndarray of int64
        Position of each label's unit in *units*.
    units : list of str
        The distinct labels as text, sorted.

    Examples
    --------
    >>> municipality_codes(["b", "a", 101, "b"])
    (array([2, 1, 0, 2]), ['101', 'a', 'b'])
    """
    values = np.asarray(labels, dtype=object)
    codes, uniques = pd.factorize(values)
    if (codes < 0).any():
        raise ValueError(f"{int((codes < 0).sum())} municipality labels are missing")
    text = np.array([str(u) for u in uniques], dtype=str)
    units, inverse = np.unique(text, return_inverse=True)
    if NATIONAL in units:
        raise ValueError(
            f"a municipality is called {NATIONAL!r}, the unit name of the national row; "
            "rename it in the input tables"
        )
    return inverse.reshape(-1)[codes].astype(np.int64), [str(u) for u in units]


def indicator_frame(
    units: Sequence[str],
    numerator: object,
    denominator: object,
    value: object | None = None,
) -> pd.DataFrame:
    """Assemble the table of :data:`~activemeasures.fidelity.INDICATOR_VALUE_COLUMNS`.

    Parameters
    ----------
    units : sequence of str
        Municipalities (sorted) and, last, :data:`~activemeasures.fidelity.NATIONAL`.
    numerator, denominator : array_like
        One per unit.
    value : array_like, optional
        One per unit; default ``numerator / denominator``. Missing (NaN) wherever the
        denominator is 0: "no data", never 0 % or 100 %.

    Returns
    -------
    pandas.DataFrame
    """
    numerator = np.asarray(numerator, dtype=np.float64)
    denominator = np.asarray(denominator, dtype=np.int64)
    empty = denominator == 0
    if value is None:
        with np.errstate(invalid="ignore", divide="ignore"):
            value = numerator / np.where(empty, 1, denominator)
    value = np.where(empty, np.nan, np.asarray(value, dtype=np.float64))
    columns = dict(
        zip(
            INDICATOR_VALUE_COLUMNS,
            (list(units), numerator, denominator, value),
            strict=True,
        )
    )
    return pd.DataFrame(columns)


def grouped_values(municipality: object, numerator: object, in_denominator: object) -> pd.DataFrame:
    """Sum numerator and denominator per municipality and over all, as an indicator table.

    Parameters
    ----------
    municipality : array_like
        Municipality label of each citizen (or answer) of the population.
    numerator : array_like of float
        Each one's contribution to the numerator (1.0 for "meets the indicator"); counted
        only where *in_denominator*.
    in_denominator : array_like of bool
        Whether each one counts in the denominator.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`~activemeasures.fidelity.INDICATOR_VALUE_COLUMNS`: one row per
        municipality of *municipality* (also when its denominator is 0), sorted as text, then
        the ``national`` row.

    Notes
    -----
    For unit :math:`m` with members :math:`i \\in m`, denominator indicator :math:`d_i` and
    numerator :math:`y_i`:

    .. math::

        N_m = \\sum_{i \\in m} d_i y_i, \\qquad D_m = \\sum_{i \\in m} d_i, \\qquad
        v_m = N_m / D_m \\ (\\text{NaN if } D_m = 0),

    and the national row pools every member (SPEC.md §6.1, interpretation).

    Examples
    --------
    >>> grouped_values(["b", "a", "b", "b"], [1.0, 0.0, 0.0, 1.0], [True, True, True, False])
           unit  numerator  denominator  value
    0         a        0.0            1    0.0
    1         b        1.0            2    0.5
    2  national        1.0            3    0.333333
    """
    codes, units = municipality_codes(municipality)
    in_den = np.asarray(in_denominator, dtype=bool)
    y = np.where(in_den, np.asarray(numerator, dtype=np.float64), 0.0)
    k = len(units)
    num = np.bincount(codes, weights=y, minlength=k)[:k]
    den = np.bincount(codes[in_den], minlength=k)[:k]
    return indicator_frame(
        [*units, NATIONAL], np.append(num, y.sum()), np.append(den, in_den.sum())
    )


def selected_citizens(dataset, population: Population) -> tuple[np.ndarray, np.ndarray]:
    """The population mask over ``dataset.citizens`` and every citizen's visitation day number.

    Returns
    -------
    mask : numpy.ndarray of bool
        :meth:`Population.select` on the citizens table.
    visit_day : numpy.ndarray of int64
        Whole days since 1970-01-01 of the visitation (draw) date.
    """
    citizens = dataset.citizens
    return population.select(citizens), iv.day_numbers(citizens["visitation_date"])


def record_rows(citizens: pd.DataFrame, ids: pd.Series, mask: np.ndarray) -> np.ndarray:
    """Row of each record's citizen in *citizens*, -1 when unknown or outside *mask*."""
    row = pd.Index(citizens["citizen_id"]).get_indexer(ids)
    known = row >= 0
    row[known & ~mask[np.where(known, row, 0)]] = -1
    return row
