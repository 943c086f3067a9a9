"""Fidelity across measurement rounds and across municipalities (SPEC.md §6.4).

'Flere skal med' measured fidelity three times, at baseline, mid-term and final (003,
L145-150, L185-189), and reported per element the **median** across municipalities and its
spread, and how it moved between rounds (003, L1170-1209). JobFirst compared its mid-term and
final evaluations (001 vs 000). Here:

* :func:`compare_rounds` lines up the values of several reports and the change since the
  previous one;
* :func:`change` is the difference between two reports;
* :func:`spread` summarises one report across municipalities.

Mid-term and final JobFirst register indicators differ in definition (28 vs 35 days, DISCUS vs
STAR register; SPEC.md §11 A-1, A-12): compare such values only with that caveat.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from activemeasures.fidelity.model import NATIONAL
from activemeasures.fidelity.report import FidelityReport, _sorted_units

__all__ = [
    "CHANGE_COLUMNS",
    "COMPARE_COLUMNS",
    "SPREAD_COLUMNS",
    "change",
    "compare_rounds",
    "spread",
]

#: Columns of :func:`compare_rounds`.
COMPARE_COLUMNS = ("indicator", "unit", "round", "value", "change")
#: Columns of :func:`change` (and :meth:`FidelityReport.change`).
CHANGE_COLUMNS = ("indicator", "unit", "value", "other_value", "change")
#: Columns of :func:`spread` (and :meth:`FidelityReport.spread`).
SPREAD_COLUMNS = (
    "indicator",
    "n_municipalities",
    "median",
    "p25",
    "p75",
    "min",
    "max",
    "red",
    "yellow",
    "green",
    "no_data",
    "not_rated",
)


def _grid(reports: Sequence[FidelityReport]) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Every (indicator, unit) pair of any report and its value in each report.

    Returns the indicators and units of the pairs (indicators in order of first appearance,
    per indicator ``national`` first then municipalities sorted) and an array pairs × reports
    of values (missing where a report lacks the pair).
    """
    frames = [report.indicators for report in reports]
    keys = list(pd.unique(pd.concat([f["indicator"] for f in frames], ignore_index=True)))
    units = [NATIONAL, *_sorted_units(u for f in frames for u in f["unit"])]
    key_code = {key: i for i, key in enumerate(keys)}
    unit_code = {unit: i for i, unit in enumerate(units)}
    codes = [
        f["indicator"].map(key_code).to_numpy(dtype=np.int64) * len(units)
        + f["unit"].map(unit_code).to_numpy(dtype=np.int64)
        for f in frames
    ]
    pairs = np.unique(np.concatenate(codes))
    values = np.full((len(pairs), len(frames)), np.nan)
    for j, (frame, code) in enumerate(zip(frames, codes, strict=True)):
        values[np.searchsorted(pairs, code), j] = frame["value"].to_numpy(dtype=float)
    indicator = np.array(keys, dtype=object)[pairs // len(units)]
    unit = np.array(units, dtype=object)[pairs % len(units)]
    return indicator, unit, values


def _reports(reports: object) -> list[FidelityReport]:
    reports = list(reports)  # type: ignore[call-overload]
    if not reports:
        raise ValueError("compare_rounds needs at least one report")
    for report in reports:
        if not isinstance(report, FidelityReport):
            raise TypeError(f"expected FidelityReport objects, got {type(report).__name__}")
    return reports


def compare_rounds(
    reports: Sequence[FidelityReport], *, labels: Sequence[str] | None = None
) -> pd.DataFrame:
    r"""Indicator values of several rounds side by side, with the change between rounds.

    Parameters
    ----------
    reports : sequence of FidelityReport
        In time order, e.g. baseline, mid-term, final (003, L145-150).
    labels : sequence of str, optional
        Name of each report in the ``round`` column; default each report's ``round`` (or
        ``"report k"`` when it has none). Must be distinct.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, unit, round, value, change``: one row per (indicator, unit) found
        in any report × report, in report order; ``value`` missing where a report lacks that
        indicator or unit.

    Notes
    -----
    :math:`\Delta_{imr} = v_{imr} - v_{im,r-1}` with :math:`r` the position in *reports*;
    missing for the first report and wherever either value is missing.

    Examples
    --------
    >>> from activemeasures.fidelity._example import example_report
    >>> from activemeasures.fidelity.rounds import compare_rounds
    >>> final = example_report()
    >>> table = compare_rounds([final, final], labels=["midterm", "final"])
    >>> table[table["unit"] == "national"].head(4)
      indicator      unit    round     value  change
    0       1.1  national  midterm  0.785714     NaN
    1       1.1  national    final  0.785714     0.0
    8       1.2  national  midterm  0.642857     NaN
    9       1.2  national    final  0.642857     0.0
    """
    reports = _reports(reports)
    if labels is None:
        labels = [
            report.round if report.round is not None else f"report {k + 1}"
            for k, report in enumerate(reports)
        ]
    labels = [str(label) for label in labels]
    if len(labels) != len(reports):
        raise ValueError(f"{len(labels)} labels for {len(reports)} reports")
    if len(set(labels)) != len(labels):
        raise ValueError(f"round labels must be distinct, got {labels}; pass labels=")
    indicator, unit, values = _grid(reports)
    changes = np.full_like(values, np.nan)
    changes[:, 1:] = np.diff(values, axis=1)
    n_pairs, n_reports = values.shape
    return pd.DataFrame(
        {
            "indicator": np.repeat(indicator, n_reports),
            "unit": np.repeat(unit, n_reports),
            "round": np.tile(np.array(labels, dtype=object), n_pairs),
            "value": values.ravel(),
            "change": changes.ravel(),
        },
        columns=list(COMPARE_COLUMNS),
    )


def change(report: FidelityReport, other: FidelityReport) -> pd.DataFrame:
    """Change of every indicator value from *other* to *report*: ``report − other``.

    Parameters
    ----------
    report, other : FidelityReport
        E.g. the final and the mid-term report.

    Returns
    -------
    pandas.DataFrame
        Columns ``indicator, unit, value, other_value, change``: one row per (indicator,
        unit) in either report (indicators of *report* first); ``change`` missing where
        either value is.

    Examples
    --------
    >>> from activemeasures.fidelity._example import example_report
    >>> report = example_report()
    >>> report.change(report).head(2)
      indicator      unit     value  other_value  change
    0       1.1  national  0.785714     0.785714     0.0
    1       1.1    Aarhus  1.000000     1.000000     0.0
    """
    indicator, unit, values = _grid(_reports([report, other]))
    return pd.DataFrame(
        {
            "indicator": indicator,
            "unit": unit,
            "value": values[:, 0],
            "other_value": values[:, 1],
            "change": values[:, 0] - values[:, 1],
        },
        columns=list(CHANGE_COLUMNS),
    )


def spread(report: FidelityReport) -> pd.DataFrame:
    """Distribution of each indicator across municipalities (national row left out).

    Parameters
    ----------
    report : FidelityReport

    Returns
    -------
    pandas.DataFrame
        One row per indicator (report order): ``n_municipalities`` (with a value),
        ``median``, ``p25``, ``p75`` (quartiles, linear interpolation between order
        statistics as :func:`numpy.quantile`), ``min``, ``max``, and the number of
        municipalities ``red``, ``yellow``, ``green``, ``no_data``, ``not_rated``.

    Notes
    -----
    'Flere skal med' reports the median per element and round and its spread across
    municipalities (003, L1189-1209); for survey scores the value of a municipality is the
    mean of its respondents' answers (003, L1022-1026).

    Examples
    --------
    >>> from activemeasures.fidelity._example import example_report
    >>> example_report().spread()[["indicator", "n_municipalities", "median", "p25", "red"]]
      indicator  n_municipalities  median    p25  red
    0       1.1                 3    0.80  0.700    1
    1       1.2                 3    0.75  0.475    1
    2       2.1                 2    0.75  0.625    0
    """
    keys = report.indicator_keys
    codes, _, values = report._municipal_codes()
    stats = np.full((len(keys), 5), np.nan)
    n_values = np.zeros(len(keys), dtype=np.int64)
    for i in range(len(keys)):  # a loop over indicators; each sees all its municipalities
        v = values[codes == i]
        v = v[np.isfinite(v)]
        n_values[i] = len(v)
        if len(v):
            stats[i, :3] = np.quantile(v, [0.5, 0.25, 0.75])
            stats[i, 3:] = v.min(), v.max()
    table = pd.DataFrame(stats, columns=["median", "p25", "p75", "min", "max"])
    table.insert(0, "indicator", keys)
    table.insert(1, "n_municipalities", n_values)
    counts = report.light_counts().rename(columns={"no data": "no_data", "not rated": "not_rated"})
    for column in ("red", "yellow", "green", "no_data", "not_rated"):
        table[column] = counts[column].to_numpy(dtype=np.int64)
    return table.loc[:, list(SPREAD_COLUMNS)]
