"""The numbers the JobFirst evaluations published, for checking a re-implementation.

:func:`published_values` reads the bundled table ``data/published_values.csv``: every national
and municipal indicator value of SPEC.md §6.2, the element ratings of the two overview tables
(SPEC.md §6.2 "Summary of element ratings"), the effect reference values of SPEC.md §5.2 and
the Stata output of the municipality-level regressions of SPEC.md §5.3, each row with its
source citation. :func:`compare_with_published` sets a
:class:`~activemeasures.fidelity.FidelityReport` beside them.
"""

from __future__ import annotations

import functools
from importlib import resources

import numpy as np
import pandas as pd

from activemeasures.fidelity import NATIONAL, FidelityReport

__all__ = [
    "COMPARISON_COLUMNS",
    "COUNT_INDICATORS",
    "PUBLISHED_COLUMNS",
    "PUBLISHED_KINDS",
    "ROUNDS",
    "compare_with_published",
    "published_values",
]

#: Columns of :func:`published_values`, in order.
PUBLISHED_COLUMNS = ("kind", "key", "round", "unit", "value", "text", "citation")
#: Values of the ``kind`` column.
PUBLISHED_KINDS = ("indicator", "rating", "effect", "regression")
#: Values of the ``round`` column: the mid-term (001) and the final (000) evaluation.
ROUNDS = ("midterm", "final")
#: Columns of :func:`compare_with_published`, in order.
COMPARISON_COLUMNS = (
    "indicator",
    "unit",
    "published",
    "published_text",
    "this_data",
    "measure",
    "light",
    "citation",
)
#: Indicators published as a number of citizens rather than a share: compared with the
#: report's numerator (7.2: "292 participants had ordinary hours", 001, L229-233).
COUNT_INDICATORS = frozenset({"7.2"})

_DATA_FILE = "published_values.csv"


@functools.cache
def _read() -> pd.DataFrame:
    source = resources.files("activemeasures_jobfirst").joinpath("data", _DATA_FILE)
    with source.open("r", encoding="utf-8") as handle:
        frame = pd.read_csv(
            handle,
            dtype={column: str for column in PUBLISHED_COLUMNS if column != "value"},
            keep_default_na=False,
            na_values={"value": [""]},
        )
    frame["value"] = frame["value"].astype(np.float64)
    return frame


def published_values() -> pd.DataFrame:
    """Every number (and rating) the JobFirst evaluations published, with its citation.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PUBLISHED_COLUMNS`:

        * ``kind``: ``indicator`` (an indicator of SPEC.md §6.2, key as in
          :func:`~activemeasures_jobfirst.elements.core_elements`), ``rating`` (key = element
          key, ``text`` = ``low``/``medium``/``high`` or ``not rated`` for GE9, SPEC.md §11
          A-10), ``effect`` (a reference value of SPEC.md §5.2, key = a descriptive name) or
          ``regression`` (SPEC.md §5.3; key ``reg1:praktik_d:coef`` = regression, variable or
          ``anova``, statistic named as in
          :class:`~activemeasures.fidelity.MunicipalityRegression` and
          :class:`~activemeasures.fidelity.Anova`; ``fig1_3`` is the bivariate figure 1-3);
        * ``round``: ``midterm`` (001) or ``final`` (000);
        * ``unit``: ``national`` or the municipality's name as the source spells it;
        * ``value``: the number as a float (a share as a fraction, 0.88; percentage points of
          a share as a fraction, 0.05; hours in hours; counts as counts; regression numbers
          as printed), missing where the source gives only words;
        * ``text``: as published, in English (regression numbers exactly as Stata printed
          them);
        * ``citation``: source and lines, e.g. ``(000, L218-220)``.

    Notes
    -----
    Percentages are as printed (rounded) in the sources. Where the sources disagree the
    row follows SPEC.md §11: 7.1 mid-term 115 / 540 (A-13), 4.1 mid-term 80 % (A-15), 2.3a
    / 2.3b mid-term 61 % / 55 % (A-14). "About one fifth" is stored as 0.2 and "just under
    one in three" as 1/3 (an upper bound); the text says which. Mid-term and final values
    come from different data sources and windows (SPEC.md §11 A-1, A-12): they are not a
    time series.

    Examples
    --------
    >>> from activemeasures_jobfirst.reference import published_values
    >>> table = published_values()
    >>> row = table[(table["key"] == "1.2a") & (table["round"] == "final")
    ...             & (table["unit"] == "national")]
    >>> row[["value", "text", "citation"]].to_numpy().tolist()
    [[0.88, '88 % within 35 days', '(000, L218-220)']]
    >>> table.loc[table["kind"] == "rating", "text"].value_counts().to_dict()
    {'medium': 9, 'high': 7, 'not rated': 2}
    """
    return _read().copy()


def _check_round(round: str) -> str:
    if round not in ROUNDS:
        raise ValueError(f"round must be one of {', '.join(map(repr, ROUNDS))}, got {round!r}")
    return round


def compare_with_published(report: FidelityReport, *, round: str = "final") -> pd.DataFrame:
    """The published values beside the values of a fidelity report, per indicator and unit.

    Parameters
    ----------
    report : FidelityReport
        From :func:`activemeasures.fidelity.evaluate_fidelity` with the JobFirst core
        elements (:func:`~activemeasures_jobfirst.elements.core_elements`).
    round : {"final", "midterm"}, default "final"
        Which evaluation's published values.

    Returns
    -------
    pandas.DataFrame
        Columns :data:`COMPARISON_COLUMNS`. One row per indicator of the report (report
        order) for the ``national`` unit, then one per municipality for which the round
        published something on that indicator (sorted as in the published table):

        * ``published``, ``published_text``, ``citation``: the published value, its wording
          and source (missing when nothing was published);
        * ``this_data``: the report's value for that unit (missing when the unit is not in the
          report: municipalities are matched by name as text);
        * ``measure``: ``value``, or ``numerator`` for :data:`COUNT_INDICATORS` (published as a
          number of citizens);
        * ``light``: the report's traffic light.

    Raises
    ------
    TypeError
        If *report* is not a :class:`~activemeasures.fidelity.FidelityReport`.
    ValueError
        For an unknown round.

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.fidelity import FidelityReport
    >>> from activemeasures_jobfirst.reference import compare_with_published
    >>> rows = pd.DataFrame({"round": "final", "element": "clear_roles_from_start",
    ...     "sub_component": "1.2", "indicator": "1.2a", "label": "First conversation",
    ...     "source": "register", "unit": ["national", "Syddjurs"], "numerator": [80.0, 7.0],
    ...     "denominator": [100, 10], "value": [0.8, 0.7], "light": ["yellow", "red"]})
    >>> report = FidelityReport(programme="jobfirst", round="final", population="arm treatment",
    ...     indicators=rows, sub_components=pd.DataFrame(), ratings=pd.DataFrame(),
    ...     definitions={"1.2a": "first conversation within 35 days"})
    >>> compare_with_published(report)[["indicator", "unit", "published", "this_data", "light"]]
      indicator      unit  published  this_data   light
    0      1.2a  national       0.88        0.8  yellow
    1      1.2a  Syddjurs       0.64        0.7     red
    """
    if not isinstance(report, FidelityReport):
        raise TypeError(f"report must be a FidelityReport, got {type(report).__name__}")
    _check_round(round)
    table = published_values()
    published = table[(table["kind"] == "indicator") & (table["round"] == round)]
    ours = report.indicators.assign(unit=report.indicators["unit"].astype(str)).set_index(
        ["indicator", "unit"]
    )
    rows = []
    for key in report.indicator_keys:
        mine = published[published["key"] == key]
        municipal = mine.loc[mine["unit"] != NATIONAL, "unit"].tolist()
        measure = "numerator" if key in COUNT_INDICATORS else "value"
        for unit in [NATIONAL, *municipal]:
            source = mine[mine["unit"] == unit]
            value, text, citation = (
                (np.nan, None, None)
                if source.empty
                else (
                    float(source["value"].iloc[0]),
                    source["text"].iloc[0],
                    source["citation"].iloc[0],
                )
            )
            if (key, unit) in ours.index:
                found = ours.loc[(key, unit)]
                this, light = float(found[measure]), str(found["light"])
            else:
                this, light = np.nan, None
            rows.append((key, unit, value, text, this, measure, light, citation))
    return pd.DataFrame(rows, columns=list(COMPARISON_COLUMNS))
