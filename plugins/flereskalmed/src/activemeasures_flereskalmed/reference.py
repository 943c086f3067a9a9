"""Published 'Flere skal med' reference values, for checking a re-implementation.

Every number the main report prints that the plugin's computations can be held against
(SPEC.md §5.4, §6.4), as plugin data (``data/published_values.csv``) with its citation:

==============================  ==============================================================
``kind``                        what
==============================  ==============================================================
visitation_by_seniority         Figure 4-2 (chapter 4): group shares by seniority (003, L2071-2125)
fidelity_by_size                Table 3-1: combined fidelity score by size, volume (003, L1332)
results_by_size                 Table 4-2: results by size / volume (003, L2364-2376)
enterprise_course_spread        Table 4-3: spread across municipalities (003, L2383-2492)
enterprise_directed_spread      the 44 % minimum of the narrower measure (SPEC.md §11 A-33)
background_ols                  Table 4-4 cells with known columns and the mean row (A-40)
background_ols_unplaced         Table 4-4 values whose column was lost (printed order, A-40)
fidelity_regression             Figure 4-6 (chapter 4): y = 0.0514x + 0.5811, R² = 0.0779, N = 71
fidelity_survey                 "high/very high" counts and respondent municipalities per question
element_median                  approximate medians stated in the text (exact ones not printed)
readiness                       16 municipalities moved from below to above the median (A-38)
results, organisation           other reported numbers (SPEC.md §5.4)
spread_survey                   Figure 4-1 (chapter 4): spread of the model (A-35)
==============================  ==============================================================

Counts are recorded rather than printed percentages where both are given, e.g. 50 of 80
municipalities for the printed 62.6 % (SPEC.md §11 A-36).
"""

from __future__ import annotations

import importlib.resources
import io

import pandas as pd

__all__ = ["PUBLISHED_COLUMNS", "published_value", "published_values"]

#: Columns of :func:`published_values`.
PUBLISHED_COLUMNS = ("kind", "key", "round", "unit", "value", "text", "citation")


def published_values(kind: str | None = None) -> pd.DataFrame:
    """The published reference values (``data/published_values.csv``).

    Parameters
    ----------
    kind : str, optional
        Keep only rows of this kind (see the module table).

    Returns
    -------
    pandas.DataFrame
        Columns :data:`PUBLISHED_COLUMNS`; ``value`` is a float, ``round`` is empty text for
        values that belong to no survey round.

    Raises
    ------
    KeyError
        For an unknown *kind* (the message lists the known kinds).

    Examples
    --------
    >>> from activemeasures_flereskalmed.reference import published_values
    >>> spread = published_values("enterprise_course_spread")
    >>> dict(zip(spread["key"], spread["value"]))
    {'min': 57.0, 'p25': 73.0, 'median': 78.0, 'p75': 84.0, 'max': 100.0}
    """
    text = (
        importlib.resources.files("activemeasures_flereskalmed")
        .joinpath("data", "published_values.csv")
        .read_text(encoding="utf-8")
    )
    frame = pd.read_csv(io.StringIO(text), dtype=str, keep_default_na=False)
    frame["value"] = frame["value"].astype(float)
    frame = frame.loc[:, list(PUBLISHED_COLUMNS)]
    if kind is not None:
        known = list(dict.fromkeys(frame["kind"]))
        if kind not in known:
            raise KeyError(f"no published values of kind {kind!r}; known kinds: {known}")
        frame = frame[frame["kind"] == kind].reset_index(drop=True)
    return frame


def published_value(kind: str, key: str, round: str = "") -> float:
    """One published value.

    Parameters
    ----------
    kind, key : str
    round : str, default ""
        The survey round, for values that belong to one.

    Returns
    -------
    float

    Examples
    --------
    >>> from activemeasures_flereskalmed.reference import published_value
    >>> published_value("fidelity_regression", "slope")
    0.0514
    >>> published_value("fidelity_survey", "ke6_company_network/high", "baseline")
    50.0
    """
    frame = published_values(kind)
    rows = frame[(frame["key"] == key) & (frame["round"] == round)]
    if len(rows) != 1:
        raise KeyError(
            f"{len(rows)} published values of kind {kind!r}, key {key!r}, round "
            f"{round!r}; expected exactly one"
        )
    return float(rows["value"].iloc[0])
