"""Validate input tables against their schemas and against each other, reporting every problem.

Validation runs in four steps, all problems collected before anything is raised:

1. **Types.** Date and number columns are converted first, so that one unreadable value
   neither hides the other rules of its table nor makes a check crash. Date strings must be
   ISO 8601 (``2016-03-01``, or ``20160301``): ``01/03/2016`` is ambiguous (day or month
   first) and is reported, never guessed. Dates are days: a time of day is dropped, and a
   date with a time zone counts as the day it shows there. Values that are not single values
   (lists, sets, mappings) are reported too. A column name used twice is reported and only
   its first column is checked.
2. **Schemas.** pandera checks every table lazily (:mod:`activemeasures.schemas`); its failure
   cases are summarised as the library's :class:`~activemeasures.errors.ValidationError`
   table (table, column, rule, number of rows, examples), with every identifier value removed.
3. **Across tables.** Records must belong to a citizen of the citizens table.
4. **Personal identifiers.** Identifier columns (:data:`activemeasures.schemas.IDENTIFIER_COLUMNS`)
   whose values look like Danish CPR numbers are refused unless the caller passes
   ``allow_cpr=True`` (:func:`activemeasures.identifiers.looks_like_cpr`).

:func:`rules` lists every rule, by table and column, under the name the ``rule`` column of
:attr:`ValidationError.failures <activemeasures.errors.ValidationError.failures>` uses.
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd
import pandera.pandas as pa

from activemeasures import schemas
from activemeasures.errors import FAILURE_COLUMNS, ValidationError
from activemeasures.identifiers import CPR_RULE, looks_like_cpr

__all__ = ["rules", "validate_tables"]

_MAX_EXAMPLES = 3
_MAX_EXAMPLE_CHARS = 40

#: Rules checked here rather than by a pandera schema (names as users read them).
TABLE_GIVEN = "table given"
IS_A_DATAFRAME = "is a pandas DataFrame"
COLUMN_PRESENT = "column present"
COLUMN_ONCE = "column name used once"
NOT_MISSING = "not missing"
UNIQUE = "unique"
IS_A_DATE = "is a date (ISO 8601, e.g. 2016-03-01)"
IS_A_NUMBER = "is a number"
#: First and last day of the dates the tables may hold: anything outside is a data error (an
#: open end written as 9999-12-31 is a missing value), and the range stays well inside that of
#: ``datetime64[ns]`` (1677-09-21 to 2262-04-11), whose ends numpy does not convert reliably.
FIRST_DAY, LAST_DAY = pd.Timestamp("1700-01-01"), pd.Timestamp("2199-12-31")
DATE_IN_RANGE = f"a date from {FIRST_DAY.date()} to {LAST_DAY.date()}"
SINGLE_VALUE = "a single value (not a list, set or mapping)"
ARM_OR_GROUP = "column arm or group present"
KNOWN_CITIZEN = "refers to a citizen in the citizens table"

# pandera's check names -> the rule names users read.
_RULE_NAMES = {
    "not_nullable": NOT_MISSING,
    "field_uniqueness": UNIQUE,
    "column_in_dataframe": COLUMN_PRESENT,
    "multiple_fields_uniqueness": UNIQUE,
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
# ISO 8601 calendar dates start with the whole date: 2016-03-01 or 20160301.
_CALENDAR_DATE = r"[0-9]{4}(?:-[0-9]{2}-[0-9]{2}|[0-9]{4})(?![0-9])"
# A time zone written after a time of day (``T12:00+05:00``, ``12:00Z``): the day is read as
# written, so the zone is dropped before parsing (a column may mix zones).
_TIME_ZONE = r"((?:T|\s)\d{1,2}:\d{2}(?::\d{2}(?:[.,]\d+)?)?)\s*(?:Z|[+-]\d{2}(?::?\d{2})?)$"
_FRACTION = r"(:\d{2}:\d{2})[.,]\d+$"


def _rule_name(check: str) -> str:
    if check in _RULE_NAMES:
        return _RULE_NAMES[check]
    if check.startswith("isin("):
        return "one of " + check[len("isin(") : -1]
    if check.startswith("greater_than_or_equal_to("):
        return ">= " + check[len("greater_than_or_equal_to(") : -1]
    if check.startswith("less_than_or_equal_to("):
        return "<= " + check[len("less_than_or_equal_to(") : -1]
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


def _kind(column: pa.Column) -> str:
    """``"date"``, ``"number"`` or ``"value"`` (a code or an identifier: any single value)."""
    if column.dtype is None:
        return "value"
    return "date" if str(column.dtype).startswith("datetime64") else "number"


def rules() -> pd.DataFrame:
    """Every rule :func:`validate_tables` applies, by table and column.

    Returns
    -------
    pandas.DataFrame
        Columns ``table``, ``column`` (empty for rules about a whole table; several columns
        joined by ``+`` for a key; the later date's column for a rule comparing two dates,
        as ``end`` for ``end on or after start``) and
        ``rule``: the exact text of the ``rule`` column of
        :attr:`ValidationError.failures <activemeasures.errors.ValidationError.failures>`.
        Collected from the schemas of :mod:`activemeasures.schemas` and the rules of this
        module, so the list cannot drift from what is checked.

    Examples
    --------
    >>> from activemeasures.validation import rules
    >>> table = rules()
    >>> print(table[table["column"] == "hours"].to_string(index=False))
    table column           rule
    hours  hours column present
    hours  hours    not missing
    hours  hours    is a number
    hours  hours           >= 0
    hours  hours         finite
    hours  hours     <= 1000000
    """
    rows = [("citizens", "", TABLE_GIVEN)]
    for table, schema in _SCHEMAS.items():
        rows += [(table, "", IS_A_DATAFRAME), (table, "", COLUMN_ONCE)]
        for name, column in schema.columns.items():
            if column.required:
                rows.append((table, name, COLUMN_PRESENT))
            if not column.nullable:
                rows.append((table, name, NOT_MISSING))
            if column.unique:
                rows.append((table, name, UNIQUE))
            kind = _kind(column)
            if kind == "date":
                rows += [(table, name, IS_A_DATE), (table, name, DATE_IN_RANGE)]
            elif kind == "number":
                rows.append((table, name, IS_A_NUMBER))
            else:
                rows.append((table, name, SINGLE_VALUE))
            rows += [(table, name, _rule_name(c.error or c.name)) for c in column.checks]
            if table in _CITIZEN_RECORD_TABLES and name == "citizen_id":
                rows.append((table, name, KNOWN_CITIZEN))
            if name in schemas.IDENTIFIER_COLUMNS:
                rows.append((table, name, CPR_RULE))
        if schema.unique:
            rows.append((table, "+".join(schema.unique), UNIQUE))
        rows += [(table, c.name.split()[0], c.name) for c in schema.checks]
        if table == "citizens":
            rows.append((table, "arm", ARM_OR_GROUP))
    return pd.DataFrame(rows, columns=["table", "column", "rule"])


# ---------------------------------------------------------------------------------- step 1


def _parse_dates(values: pd.Series) -> tuple[pd.Series, np.ndarray]:
    """Days as ``datetime64[ns]`` (NaT where unreadable or out of range) and the out-of-range
    mask."""
    if pd.api.types.is_datetime64_any_dtype(values):
        parsed = values.dt.tz_localize(None) if values.dt.tz is not None else values
    else:
        text = values.astype("string").str.strip()
        # A whole calendar date first (not "2016-03", not a signed year), then pandas' parser.
        text = text.where(text.str.match(_CALENDAR_DATE).fillna(False).astype(bool))
        # The day is what counts: drop the zone (a column may mix zones) and fractions of a
        # second (nanoseconds would make pandas refuse every date outside 1677-2262).
        text = text.str.replace(_TIME_ZONE, r"\1", regex=True)
        text = text.str.replace(_FRACTION, r"\1", regex=True)
        parsed = pd.to_datetime(text, errors="coerce", format="ISO8601")
    after_last = LAST_DAY + pd.Timedelta(days=1)
    outside = parsed.notna() & ((parsed < FIRST_DAY) | (parsed >= after_last))
    outside = outside.to_numpy(dtype=bool)
    days = parsed.where(~outside).dt.floor("D").astype("datetime64[ns]")
    return pd.Series(days.to_numpy(), index=values.index, name=values.name), outside


def _parse_numbers(values: pd.Series) -> pd.Series:
    """Numbers as float64; NaN where unreadable. Booleans and complex numbers are unreadable;
    values of other columns are read from their text (``"12.5"``, ``1e3``, ``"inf"``)."""
    if pd.api.types.is_bool_dtype(values):
        return pd.Series(np.nan, index=values.index, name=values.name)
    if pd.api.types.is_numeric_dtype(values) and not pd.api.types.is_complex_dtype(values):
        numbers = values.to_numpy(dtype=np.float64, na_value=np.nan)
    else:
        parsed = pd.to_numeric(values.astype("string").str.strip(), errors="coerce")
        numbers = parsed.to_numpy(dtype=np.float64, na_value=np.nan)
    return pd.Series(numbers, index=values.index, name=values.name)


def _is_hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _not_single(values: pd.Series) -> np.ndarray:
    """Which values are not single values (lists, sets, mappings: anything unhashable)."""
    if values.dtype != object:
        return np.zeros(len(values), dtype=bool)
    try:
        pd.factorize(values)  # vectorised; fails only when some value is unhashable
    except TypeError:
        # The slow path runs on bad input only.
        return np.fromiter((not _is_hashable(v) for v in values), dtype=bool, count=len(values))
    return np.zeros(len(values), dtype=bool)


def _convert_types(table: str, frame: pd.DataFrame, schema: pa.DataFrameSchema):
    """Convert date and number columns; unreadable values become missing and are reported."""
    problems: list[dict] = []
    unreadable: dict[str, np.ndarray] = {}
    converted = {}
    for name, column in schema.columns.items():
        if name not in frame.columns:
            continue
        values = frame[name]
        kind = _kind(column)
        if kind == "date":
            parsed, outside = _parse_dates(values)
            bad = (parsed.isna() & values.notna()).to_numpy() & ~outside
            if outside.any():
                examples = _examples(name, values[outside])
                problems.append(_row(table, name, DATE_IN_RANGE, outside.sum(), examples))
            rule = IS_A_DATE
        elif kind == "number":
            parsed = _parse_numbers(values)
            outside = np.zeros(len(values), dtype=bool)
            bad = (parsed.isna() & values.notna()).to_numpy()
            rule = IS_A_NUMBER
        else:
            outside = bad = _not_single(values)
            if not bad.any():
                continue
            parsed = values.where(~bad, None)
            rule = SINGLE_VALUE
        if bad.any():
            problems.append(_row(table, name, rule, bad.sum(), _examples(name, values[bad])))
        if (bad | outside).any():
            unreadable[name] = bad | outside
        converted[name] = parsed
    return frame.assign(**converted), unreadable, problems


def _duplicated_columns(table: str, frame: pd.DataFrame) -> tuple[pd.DataFrame, list[dict]]:
    """Report column names used more than once and keep the first column of each."""
    twice = frame.columns.duplicated()
    if not twice.any():
        return frame, []
    names = pd.unique(np.asarray(frame.columns[twice], dtype=object))
    problems = [_row(table, str(name), COLUMN_ONCE, 0) for name in names]
    return frame.loc[:, ~twice], problems


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
    key = check == "multiple_fields_uniqueness"
    cases.loc[key, "column"] = "+".join(unique)
    # A check that could not run because a column it needs is missing has no row: the missing
    # column is reported. Any other check that could not run is reported, never skipped.
    crashed = cases["index"].isna() & ~missing_column
    if missing_column.any():
        # pandera checks a key on the key columns present; without all of them there is no key.
        absent = set(cases.loc[missing_column, "column"])
        cases = cases[~crashed & ~(key & bool(absent & set(unique)))]
    cases["rule"] = cases["check"].astype(str).map(_rule_name)
    rows = []
    for (column, rule), group in cases.groupby(["column", "rule"], dropna=False, sort=False):
        column = "" if pd.isna(column) else str(column)
        positions = group["index"].dropna().astype(np.int64).unique()
        if rule == NOT_MISSING and column in unreadable:
            # Values that could not be read are already reported as such.
            positions = positions[~unreadable[column][positions]]
            if positions.size == 0:
                continue
        n_rows = 0 if rule == COLUMN_PRESENT else positions.size
        rows.append(_row(table, column, rule, n_rows, _examples(column, group["failure_case"])))
    return rows


def _validate_one(
    table: str, frame: object
) -> tuple[pd.DataFrame | None, pd.DataFrame | None, list[dict]]:
    """The validated table (None if it breaks a rule), the table with converted types (for the
    checks across tables; None if not a DataFrame) and the problems found."""
    if not isinstance(frame, pd.DataFrame):
        return None, None, [_row(table, "", IS_A_DATAFRAME, 0)]
    schema = _SCHEMAS[table]
    # Rows are counted by position, whatever the index (it may have duplicates).
    frame, problems = _duplicated_columns(table, frame.reset_index(drop=True))
    frame, unreadable, found = _convert_types(table, frame, schema)
    problems += found
    try:
        validated = schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as exc:
        summary = _summarise(table, exc.failure_cases, unreadable, list(schema.unique or []))
        return None, frame, problems + summary
    return (None if problems else validated), frame, problems


# ---------------------------------------------------------------------------------- step 3


def _unknown_citizens(table: str, frame: object, citizens: object) -> list[dict]:
    """Records whose (present) citizen_id is not in the citizens table."""
    if not (isinstance(frame, pd.DataFrame) and isinstance(citizens, pd.DataFrame)):
        return []
    if "citizen_id" not in frame.columns or "citizen_id" not in citizens.columns:
        return []
    ids = frame["citizen_id"]
    n = int((ids.notna() & ~ids.isin(citizens["citizen_id"].dropna())).sum())
    return [_row(table, "citizen_id", KNOWN_CITIZEN, n)] if n else []


# ---------------------------------------------------------------------------------- step 4


def _cpr_identifiers(table: str, frame: object) -> list[dict]:
    """Identifier columns with values that look like CPR numbers (counted, never shown)."""
    if not isinstance(frame, pd.DataFrame):
        return []
    rows = []
    for column in sorted(schemas.IDENTIFIER_COLUMNS & set(frame.columns)):
        n = int(looks_like_cpr(frame[column]).sum())
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
    raised. :func:`rules` lists every rule (and the documentation's page "Validation rules"
    explains each).

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
        ``RangeIndex``, dates as ``datetime64[ns]`` days (a time of day dropped, a time zone
        removed keeping the day it shows) and numbers as float.

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
    converted: dict[str, pd.DataFrame | None] = dict.fromkeys(given)
    problems: list[dict] = []
    if citizens is None:
        problems.append(_row("citizens", "", TABLE_GIVEN, 0))
    for table, frame in given.items():
        if frame is not None:
            validated[table], converted[table], found = _validate_one(table, frame)
            problems += found
    people = converted["citizens"]
    if people is not None and not {"arm", "group"} & set(people.columns):
        problems.append(_row("citizens", "arm", ARM_OR_GROUP, len(people)))
    for table in _CITIZEN_RECORD_TABLES:
        problems += _unknown_citizens(table, converted[table], people)
    if not allow_cpr:
        for table, frame in converted.items():
            problems += _cpr_identifiers(table, frame)
    if problems:
        raise ValidationError(pd.DataFrame(problems, columns=list(FAILURE_COLUMNS)))
    return validated
