"""The check of the table an indicator kind's ``compute()`` returns (the kind contract).

Plugins write their own kinds, so :func:`~activemeasures.fidelity.evaluate_fidelity` checks
every computed table before trusting it, and names the indicator and the problem.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from activemeasures.errors import ActiveMeasuresError
from activemeasures.fidelity.model import INDICATOR_VALUE_COLUMNS, NATIONAL, Indicator


def _bad(indicator: Indicator, problem: str) -> ActiveMeasuresError:
    kind = type(indicator.kind).__name__
    return ActiveMeasuresError(
        f"indicator {indicator.key!r} (kind {kind}): the table its compute() returned {problem}; "
        f"expected the columns {list(INDICATOR_VALUE_COLUMNS)} with one row per municipality "
        f"and the {NATIONAL!r} row last"
    )


def _numbers(frame: pd.DataFrame, column: str, indicator: Indicator) -> np.ndarray:
    original = frame[column]
    if pd.api.types.is_bool_dtype(original):
        raise _bad(indicator, f"has a boolean column {column!r}")
    numbers = pd.to_numeric(original, errors="coerce")
    n_bad = int((numbers.isna() & original.notna()).sum())
    if n_bad:
        raise _bad(indicator, f"has {n_bad} non-numeric values in column {column!r}")
    values = numbers.to_numpy(dtype=float, na_value=np.nan)
    n_inf = int(np.isinf(values).sum())
    if n_inf:
        raise _bad(indicator, f"has {n_inf} infinite values in column {column!r}")
    return values


def checked_table(frame: object, indicator: Indicator) -> pd.DataFrame:
    """The computed table, checked, indexed by unit, with float columns."""
    if not isinstance(frame, pd.DataFrame):
        raise _bad(indicator, f"is a {type(frame).__name__}, not a pandas DataFrame")
    missing = [c for c in INDICATOR_VALUE_COLUMNS if c not in frame.columns]
    if missing:
        raise _bad(indicator, f"lacks the columns {missing}")
    if len(frame) == 0:
        raise _bad(indicator, "has no rows")
    units = frame["unit"]
    if units.isna().any():
        raise _bad(indicator, f"has {int(units.isna().sum())} rows without a unit")
    if units.iloc[-1] != NATIONAL:
        raise _bad(indicator, f"does not end with the {NATIONAL!r} row")
    n_duplicated = int(units.duplicated().sum())
    if n_duplicated:
        raise _bad(indicator, f"has {n_duplicated} repeated units")
    columns = {c: _numbers(frame, c, indicator) for c in ("numerator", "denominator", "value")}
    n_negative = int((columns["denominator"] < 0).sum())
    if n_negative:
        raise _bad(indicator, f"has {n_negative} negative denominators")
    n_zero = int(((columns["denominator"] == 0) & np.isfinite(columns["value"])).sum())
    if n_zero:
        raise _bad(
            indicator,
            f"has {n_zero} values where the denominator is 0 (an empty denominator is no "
            "data: the value must be missing, never 0 % or 100 %)",
        )
    return pd.DataFrame(columns, index=pd.Index(units.to_numpy(dtype=object), name="unit"))
