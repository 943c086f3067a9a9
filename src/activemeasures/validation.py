"""Validate input tables against their schemas and against each other, reporting every problem.

Validation runs in three steps, all problems collected before anything is raised:

1. **Types.** Date and number columns are converted first, so that one unreadable value
   neither hides the other rules of its table nor makes a check crash. Date strings must be
   ISO 8601 (``2016-03-01``, or ``20160301``): ``01/03/2016`` is ambiguous (day or month
   first) and is reported, never guessed.
2. **Schemas.** pandera checks every table lazily (:mod:`activemeasures.schemas`); its failure
   cases are summarised as the library's :class:`~activemeasures.errors.ValidationError`
   table (table, column, rule, number of rows, examples), with every identifier value removed.
3. **Across tables.** Records must belong to a citizen of the citizens table.
4. **Personal identifiers.** Identifier columns (:data:`activemeasures.schemas.IDENTIFIER_COLUMNS`)
   whose values look like Danish CPR numbers are refused unless the caller passes
   ``allow_cpr=True`` (:func:`activemeasures.identifiers.looks_like_cpr`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from activemeasures import schemas
from activemeasures.errors import FAILURE_COLUMNS, ValidationError
from activemeasures.identifiers import CPR_RULE, looks_like_cpr

__all__ = ["validate_tables"]

_MAX_EXAMPLES = 3
_MAX_EXAMPLE_CHARS = 40

# pandera's check names -> the rule names users read.
_RULE_NAMES = {
    "not_nullable": "not missing",
    "field_uniqueness": "unique",
    "column_in_dataframe": "column present",
    "multiple_fields_uniqueness": "unique",
}
_SCHEMAS = {
    "citizens": schemas.CITIZENS,
    "activities": schemas.ACTIVITIES,
    "hours": schemas.HOURS,
    "events": schemas.EVENTS,
    "survey": schemas.SURVEY,
    "visitations": schemas.VISITATIONS,
}
#: Tables whose records must belong to a citizen of the citizens table.
_CITIZEN_RECORD_TABLES = ("activities", "hours", "events", "visitations")


def _rule_name(check: str) -> str:
    if check in _RULE_NAMES:
        return _RULE_NAMES[check]
    if check.startswith("isin("):
        return "one of " + check[len("isin(") : -1]
    if check.startswith("greater_than_or_equal_to("):
        return ">= " + check[len("greater_than_or_equal_to(") : -1]
    return check


def _examples(column: object, values: pd.Series) -> str:
    """A few distinct offending values, never for identifier columns."""
    if not column or schemas.is_identifier_column(column):
        return ""
    shown = values.dropna().astype(str).drop_duplicates().head(_MAX_EXAMPLES)
    return ", ".join(v[:_MAX_EXAMPLE_CHARS] for v in shown)


def _row(table: str, column: str, rule: str, n_rows: int, examples: str = "") -> dict:
    return {
        "table": table,
        "column": column,
        "rule": rule,
        "n_rows": int(n_rows),
        "examples": examples,
    }


# ---------------------------------------------------------------------------------- step 1


def _parse_dates(values: pd.Series) -> pd.Series:
    if pd.api.types.is_datetime64_any_dtype(values):
        return values
    return pd.to_datetime(values.astype("string"), errors="coerce", format="ISO8601")


def _parse_numbers(values: pd.Series) -> pd.Series:
    if pd.api.types.is_float_dtype(values):
        return values
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index)
    return pd.to_numeric(values, errors="coerce").astype(float)


def _convert_types(table: str, frame: pd.DataFrame, schema: pa.DataFrameSchema):
    """Convert date and number columns; unreadable values become missing and are reported."""
    problems: list[dict] = []
    unreadable: dict[str, np.ndarray] = {}
    converted = {}
    for name, column in schema.columns.items():
        if name not in frame.columns or column.dtype is None:
            continue
        kind = str(column.dtype)
        parse, rule = (
            (_parse_dates, "is a date (ISO 8601, e.g. 2016-03-01)")
            if kind.startswith("datetime64")
            else (_parse_numbers, "is a number")
        )
        values = frame[name]
        parsed = parse(values)
        bad = (parsed.isna() & values.notna()).to_numpy()
        if bad.any():
            problems.append(_row(table, name, rule, bad.sum(), _examples(name, values[bad])))
            unreadable[name] = bad
        converted[name] = parsed
    return frame.assign(**converted), unreadable, problems


# ---------------------------------------------------------------------------------- step 2


def _summarise(
    table: str, cases: pd.DataFrame, unreadable: dict[str, np.ndarray], unique: list[str]
) -> list[dict]:
    """One row per (column, rule) from pandera's failure cases, without identifier values."""
    cases = cases.copy()
    check = cases["check"].astype(str)
    missing_column = check == "column_in_dataframe"
    # A missing column is named by its failure case; table-level checks are reported under the
    # column their name starts with, and their failure cases (whole rows, identifiers
    # included) are never shown.
    cases.loc[missing_column, "column"] = cases.loc[missing_column, "failure_case"].astype(str)
    table_level = (cases["schema_context"] == "DataFrameSchema") & ~missing_column
    cases.loc[table_level, "column"] = check[table_level].str.split().str[0]
    cases.loc[table_level, "failure_case"] = None
    # A key of several columns is reported under their names joined.
    cases.loc[check == "multiple_fields_uniqueness", "column"] = "+".join(unique)
    # A check that could not run (a needed column is missing) has no row: not a broken rule.
    crashed = cases["index"].isna() & ~missing_column
    cases = cases[~crashed]
    cases["rule"] = cases["check"].astype(str).map(_rule_name)
    rows = []
    for (column, rule), group in cases.groupby(["column", "rule"], dropna=False, sort=False):
        column = "" if pd.isna(column) else str(column)
        positions = group["index"].dropna().astype(np.int64).unique()
        if rule == "not missing" and column in unreadable:
            # Values that could not be read are already reported as such.
            positions = positions[~unreadable[column][positions]]
            if positions.size == 0:
                continue
        n_rows = 0 if rule == "column present" else positions.size
        rows.append(_row(table, column, rule, n_rows, _examples(column, group["failure_case"])))
    return rows


def _validate_one(table: str, frame: object) -> tuple[pd.DataFrame | None, list[dict]]:
    if not isinstance(frame, pd.DataFrame):
        return None, [_row(table, "", "is a pandas DataFrame", 0)]
    schema = _SCHEMAS[table]
    # Rows are counted by position, whatever the index (it may have duplicates).
    frame = frame.reset_index(drop=True)
    frame, unreadable, problems = _convert_types(table, frame, schema)
    try:
        validated = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        return None, problems + _summarise(
            table, exc.failure_cases, unreadable, list(schema.unique or [])
        )
    return (None if problems else validated), problems


# ---------------------------------------------------------------------------------- step 3


def _unknown_citizens(table: str, frame: object, citizens: object) -> list[dict]:
    if not (isinstance(frame, pd.DataFrame) and isinstance(citizens, pd.DataFrame)):
        return []
    if "citizen_id" not in frame.columns or "citizen_id" not in citizens.columns:
        return []
    n = int((~frame["citizen_id"].isin(citizens["citizen_id"])).sum())
    return [_row(table, "citizen_id", "refers to a citizen in the citizens table", n)] if n else []


# ---------------------------------------------------------------------------------- step 4


def _cpr_identifiers(table: str, frame: object) -> list[dict]:
    """Identifier columns with values that look like CPR numbers (counted, never shown)."""
    if not isinstance(frame, pd.DataFrame):
        return []
    rows = []
    for column in sorted(schemas.IDENTIFIER_COLUMNS & set(frame.columns)):
        values = frame[column]
        if isinstance(values, pd.DataFrame):  # duplicated column names: checked by pandera
            continue
        n = int(looks_like_cpr(values).sum())
        if n:
            rows.append(_row(table, column, CPR_RULE, n))
    return rows


def validate_tables(
    citizens: pd.DataFrame,
    activities: pd.DataFrame | None = None,
    hours: pd.DataFrame | None = None,
    *,
    events: pd.DataFrame | None = None,
    survey: pd.DataFrame | None = None,
    visitations: pd.DataFrame | None = None,
    allow_cpr: bool = False,
) -> Mapping[str, pd.DataFrame | None]:
    """Validate the input tables; return them with converted types.

    Every table is checked completely against its schema in :mod:`activemeasures.schemas`,
    then records are checked to belong to a citizen of the citizens table, and identifier
    columns are checked not to hold CPR numbers. All problems are collected before anything is
    raised.

    Parameters
    ----------
    citizens : pandas.DataFrame
        One row per citizen (required).
    activities, hours, events, survey, visitations : pandas.DataFrame, optional
        The other tables of DESIGN.md §4.1 (schemas in :mod:`activemeasures.schemas`);
        ``None`` when not available.
    allow_cpr : bool, default False
        Accept identifier columns (``citizen_id``, ``respondent_id``) whose values look like
        Danish CPR numbers. By default any such value is refused (rule "looks like a Danish
        CPR number"): pseudonymise them first (:func:`activemeasures.pseudonymise`).

    Returns
    -------
    dict of str to pandas.DataFrame
        The validated tables under the keys ``"citizens"``, ``"activities"``, ``"hours"``,
        ``"events"``, ``"survey"``, ``"visitations"`` (``None`` where not given), with a fresh
        ``RangeIndex``, dates as ``datetime64`` and numbers as float.

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
    given = {
        "citizens": citizens,
        "activities": activities,
        "hours": hours,
        "events": events,
        "survey": survey,
        "visitations": visitations,
    }
    validated: dict[str, pd.DataFrame | None] = dict.fromkeys(given)
    problems: list[dict] = []
    if citizens is None:
        problems.append(_row("citizens", "", "table given", 0))
    for table, frame in given.items():
        if frame is not None:
            validated[table], found = _validate_one(table, frame)
            problems += found
    if isinstance(citizens, pd.DataFrame) and not {"arm", "group"} & set(citizens.columns):
        problems.append(_row("citizens", "arm", "column arm or group present", len(citizens)))
    for table in _CITIZEN_RECORD_TABLES:
        problems += _unknown_citizens(table, given[table], citizens)
    if not allow_cpr:
        for table, frame in given.items():
            problems += _cpr_identifiers(table, frame)
    if problems:
        raise ValidationError(pd.DataFrame(problems, columns=list(FAILURE_COLUMNS)))
    return validated
