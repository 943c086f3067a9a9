"""Validate input tables against their schemas and against each other, reporting every problem.

pandera does the per-table work lazily; this module turns its failure cases into the
library's :class:`~activemeasures.errors.ValidationError` table (table, column, rule, number of
rows, examples), removes every identifier value on the way, and adds the cross-table rules.
"""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import pandera.pandas as pa

from activemeasures import schemas
from activemeasures.errors import FAILURE_COLUMNS, ValidationError

__all__ = ["validate_tables"]

_MAX_EXAMPLES = 3
_MAX_EXAMPLE_CHARS = 40

# pandera's check names -> the rule names users read.
_RULE_NAMES = {
    "not_nullable": "not missing",
    "field_uniqueness": "unique",
    "column_in_dataframe": "column present",
    "dataframe_not_equal_schema": "table matches schema",
}


def _rule_name(check: str) -> str:
    if check in _RULE_NAMES:
        return _RULE_NAMES[check]
    if check.startswith("coerce_dtype(") or check.startswith("dtype("):
        dtype = check.split("(", 1)[1].rstrip(")").strip("'")
        return "is a date" if dtype.startswith("datetime64") else f"convertible to {dtype}"
    if check.startswith("isin("):
        values = check[len("isin(") : -1]
        return "a known value (see the schema)" if values.count(",") >= 4 else "one of " + values
    if check.startswith("greater_than_or_equal_to("):
        return ">= " + check[len("greater_than_or_equal_to(") : -1]
    return check


def _examples(column: object, cases: pd.Series) -> str:
    if pd.isna(column) or schemas.is_identifier_column(column):
        return ""
    values = cases.dropna().astype(str).drop_duplicates().head(_MAX_EXAMPLES)
    return ", ".join(v[:_MAX_EXAMPLE_CHARS] for v in values)


def _translate(table: str, cases: pd.DataFrame) -> pd.DataFrame:
    """Summarise pandera failure cases: one row per (column, rule), no identifier values."""
    cases = cases.assign(rule=cases["check"].astype(str).map(_rule_name))
    # Table-level checks are reported once, under the column their name starts with.
    table_level = cases["schema_context"] == "DataFrameSchema"
    # Their failure cases hold values of every column of the row, identifiers included: drop.
    cases.loc[table_level, "column"] = (
        cases.loc[table_level, "check"].astype(str).str.split().str[0]
    )
    cases.loc[table_level, "failure_case"] = None
    cases = cases.drop_duplicates(["column", "rule", "index"])
    # A failed type coercion makes pandera report the column twice (coercion and dtype) and
    # makes later checks on the same table crash with a TypeError: report the coercion only.
    crashed = cases["index"].isna() & (cases["check"] != "column_in_dataframe")
    had_type_failure = cases["check"].astype(str).str.startswith("coerce_dtype(").any()
    cases = cases[~(crashed & had_type_failure)]
    cases = cases[~cases["check"].astype(str).str.startswith("dtype(") | ~had_type_failure]
    rows = []
    for (column, rule), group in cases.groupby(["column", "rule"], dropna=False, sort=False):
        n_rows = int(group["index"].dropna().nunique()) if group["index"].notna().any() else 0
        rows.append(
            {
                "table": table,
                "column": "" if pd.isna(column) else str(column),
                "rule": rule,
                "n_rows": n_rows,
                "examples": _examples(column, group["failure_case"]),
            }
        )
    return pd.DataFrame(rows, columns=list(FAILURE_COLUMNS))


def _one_row(table: str, column: str, rule: str, n_rows: int) -> dict[str, object]:
    return {"table": table, "column": column, "rule": rule, "n_rows": n_rows, "examples": ""}


def _unknown_citizens(table: str, frame: pd.DataFrame, known: pd.Series) -> list[dict[str, object]]:
    if "citizen_id" not in frame.columns:
        return []
    n = int((~frame["citizen_id"].isin(known)).sum())
    return (
        [_one_row(table, "citizen_id", "refers to a citizen in the citizens table", n)] if n else []
    )


def validate_tables(
    citizens: pd.DataFrame,
    activities: pd.DataFrame | None = None,
    hours: pd.DataFrame | None = None,
) -> Mapping[str, pd.DataFrame]:
    """Validate the citizens, activities and hours tables; return them with coerced types.

    Every table is checked against its schema in :mod:`activemeasures.schemas` with lazy
    validation, then records are checked to belong to a citizen of the citizens table.
    All problems are collected before anything is raised.

    Parameters
    ----------
    citizens, activities, hours : pandas.DataFrame
        Input tables (DESIGN.md §4.1). ``activities`` and ``hours`` may be ``None``.

    Returns
    -------
    dict of str to pandas.DataFrame
        The validated tables under the keys ``"citizens"``, ``"activities"``, ``"hours"``
        (``None`` where not given), dates coerced to ``datetime64`` and numbers to float.

    Raises
    ------
    ValidationError
        Listing every broken rule: table, column, rule, number of rows and, for columns that
        are not identifiers, a few example values.

    Examples
    --------
    >>> import pandas as pd
    >>> citizens = pd.DataFrame({"citizen_id": [1, 2], "municipality": ["A", "A"],
    ...                          "visitation_date": ["2016-03-01", None],
    ...                          "arm": ["treatment", "x"]})
    >>> validate_tables(citizens)
    Traceback (most recent call last):
    ...
    activemeasures.errors.ValidationError: 2 problems in the input tables:
       table          column                                          rule  n_rows examples
    citizens visitation_date                                   not missing       1
    citizens             arm one of ('treatment', 'control', 'comparison')       1        x
    """
    tables = {"citizens": citizens, "activities": activities, "hours": hours}
    schema_of = {
        "citizens": schemas.CITIZENS,
        "activities": schemas.ACTIVITIES,
        "hours": schemas.HOURS,
    }
    validated: dict[str, pd.DataFrame | None] = {}
    problems: list[pd.DataFrame] = []
    for name, frame in tables.items():
        if frame is None:
            validated[name] = None
            continue
        if not isinstance(frame, pd.DataFrame):
            problems.append(pd.DataFrame([_one_row(name, "", "is a pandas DataFrame", 0)]))
            validated[name] = None
            continue
        try:
            validated[name] = schema_of[name].validate(frame, lazy=True)
        except pa.errors.SchemaErrors as exc:
            problems.append(_translate(name, exc.failure_cases))
            validated[name] = None
    if isinstance(citizens, pd.DataFrame):
        extra = []
        if "arm" not in citizens.columns and "group" not in citizens.columns:
            extra.append(_one_row("citizens", "arm", "column arm or group present", len(citizens)))
        if "citizen_id" in citizens.columns:
            for name in ("activities", "hours"):
                frame = tables[name]
                if isinstance(frame, pd.DataFrame):
                    extra += _unknown_citizens(name, frame, citizens["citizen_id"])
        if extra:
            problems.append(pd.DataFrame(extra))
    problems = [p for p in problems if len(p)]
    if problems:
        raise ValidationError(pd.concat(problems, ignore_index=True))
    return validated
