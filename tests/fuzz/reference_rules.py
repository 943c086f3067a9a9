"""A slow reference validator, written from the rules page (docs/reference/validation-rules.rst).

Value by value, in plain Python: what each column must hold, which (table, column, rule)
problems a case has, and which dates and numbers the validated tables must contain. It does not
import the library's validation or schemas; the rule names are spelled out as the page gives
them.
"""

from __future__ import annotations

import datetime as dt
import math
import re

import numpy as np
import pandas as pd

from .strategies import Case, _hashable

__all__ = ["expected_problems", "reference_dates", "reference_numbers"]

ARMS = ("treatment", "control", "comparison")
RESPONDENTS = ("staff", "citizen")
STATE_NAMES = {
    "INTERNSHIP",
    "WAGE_SUBSIDY",
    "ORDINARY_HOURS",
    "FLEX_JOB",
    "EDUCATION",
    "SNIFFING",
    "MENTOR",
    "ORDINARY_EMPLOYMENT",
    "RESOURCE_COURSE",
    "DISABILITY_PENSION",
    "PUBLIC_BENEFIT",
}
FIRST_DAY, LAST_DAY = dt.date(1700, 1, 1), dt.date(2199, 12, 31)
MAX_HOURS = 1_000_000

TABLE_GIVEN = "table given"
IS_A_DATAFRAME = "is a pandas DataFrame"
COLUMN_PRESENT = "column present"
COLUMN_ONCE = "column name used once"
NOT_MISSING = "not missing"
UNIQUE = "unique"
IS_A_DATE = "is a date (ISO 8601, e.g. 2016-03-01)"
DATE_IN_RANGE = "a date from 1700-01-01 to 2199-12-31"
IS_A_NUMBER = "is a number"
SINGLE_VALUE = "a single value (not a list, set or mapping)"
ARM_OR_GROUP = "column arm or group present"
KNOWN_CITIZEN = "refers to a citizen in the citizens table"
CPR = "looks like a Danish CPR number (pass allow_cpr=True to accept)"
ONE_OF_ARMS = "one of ('treatment', 'control', 'comparison')"
ONE_OF_RESPONDENTS = "one of ('staff', 'citizen')"
STATE_NAME = "a State name (see activemeasures.State)"
NOT_DERIVED = "not a derived state (ORDINARY_HOURS comes from the hours table)"


# (column, kind, required, nullable); kinds: "value", "date", "number".
COLUMNS = {
    "citizens": [
        ("citizen_id", "value", True, False),
        ("municipality", "value", True, False),
        ("visitation_date", "date", True, False),
        ("arm", "value", False, True),
        ("group", "value", False, True),
    ],
    "activities": [
        ("citizen_id", "value", True, False),
        ("activity", "value", True, False),
        ("start", "date", True, False),
        ("end", "date", True, False),
        ("workplace_id", "value", False, True),
        ("hours_per_week", "number", False, True),
    ],
    "hours": [
        ("citizen_id", "value", True, False),
        ("period_start", "date", True, False),
        ("period_end", "date", True, False),
        ("hours", "number", True, False),
        ("workplace_id", "value", False, True),
    ],
    "events": [
        ("citizen_id", "value", True, False),
        ("date", "date", True, False),
        ("event", "value", True, False),
        ("participants", "value", False, True),
    ],
    "survey": [
        ("respondent_id", "value", True, False),
        ("municipality", "value", True, False),
        ("respondent", "value", True, False),
        ("round", "value", True, False),
        ("item", "value", True, False),
        ("value", "number", True, False),
    ],
    "visitations": [
        ("citizen_id", "value", True, False),
        ("group", "value", True, False),
        ("start", "date", True, False),
        ("end", "date", True, True),
    ],
}
#: (start, end) columns whose end must not come before the start, per table.
ORDERED = {"activities": ("start", "end"), "hours": ("period_start", "period_end")}
IDENTIFIERS = ("citizen_id", "respondent_id")
RECORD_TABLES = ("activities", "hours", "events", "visitations")


# ------------------------------------------------------------------------------- values


def _missing(value: object) -> bool:
    return pd.api.types.is_scalar(value) and bool(pd.isna(value))


def _text(value: object) -> str:
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _date(value: object) -> dt.date | None:
    """The day a value shows, or None when it is not a date (ISO 8601 text, or a date)."""
    if isinstance(value, pd.Timestamp | dt.datetime):
        return value.date()  # the day it shows, in its own time zone
    if isinstance(value, dt.date):
        return value
    if isinstance(value, np.datetime64):
        return np.datetime64(value, "D").astype(object)
    text = _text(value).strip()
    if not re.match(r"[0-9]{4}(-[0-9]{2}-[0-9]{2}|[0-9]{4})(?![0-9])", text):
        return None  # a whole calendar date first: 2016-03-01 or 20160301
    try:
        return dt.datetime.fromisoformat(text).date()
    except ValueError:
        return None


_NUMBER = re.compile(
    r"[+-]?(?:(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?|inf|infinity)", re.I
)


def _number(value: object, dtype: object) -> float | None:
    """The number a value holds, or None when it is not a number."""
    if pd.api.types.is_bool_dtype(dtype):
        return None
    if pd.api.types.is_numeric_dtype(dtype) and not pd.api.types.is_complex_dtype(dtype):
        return float(value)
    text = _text(value).strip()
    if not _NUMBER.fullmatch(text):
        return None
    return float(text)


def _looks_like_cpr(value: object, dtype: object) -> bool:
    if pd.api.types.is_bool_dtype(dtype):
        return False
    if pd.api.types.is_integer_dtype(dtype) or pd.api.types.is_float_dtype(dtype):
        number = float(value)
        if not (math.isfinite(number) and number == int(number) and 0 <= number < 1e10):
            return False
        text = f"{int(number):010d}"
    else:
        text = _text(value).strip()
    match = re.fullmatch(r"([0-9]{2})([0-9]{2})[0-9]{2}-?[0-9]{4}", text)
    return bool(match) and 1 <= int(match[1]) <= 31 and 1 <= int(match[2]) <= 12


# -------------------------------------------------------------------------------- tables


def _first_columns(frame: pd.DataFrame) -> tuple[dict[object, pd.Series], list[str]]:
    """The first column of every name, and the names used more than once."""
    first: dict = {}
    twice: list[str] = []
    for j, name in enumerate(frame.columns):
        key = "<nan>" if _missing(name) else name
        if key in first:
            if str(name) not in twice:
                twice.append(str(name))
        else:
            first[key] = frame.iloc[:, j]
    return first, twice


class _Column:
    """One column, value by value: present values, what each holds, the rule each breaks."""

    def __init__(self, series: pd.Series, kind: str) -> None:
        self.dtype = series.dtype
        self.raw = series.tolist()
        self.kind = kind
        self.broken: dict[str, int] = {}
        self.values: list[object] = []  # None where missing or unreadable
        for value in self.raw:
            if _missing(value):
                self.values.append(None)
                self._count(NOT_MISSING)
            elif kind == "date":
                day = _date(value)
                if day is None:
                    self._count(IS_A_DATE)
                elif not FIRST_DAY <= day <= LAST_DAY:
                    self._count(DATE_IN_RANGE)
                    day = None
                self.values.append(day)
            elif kind == "number":
                number = _number(value, self.dtype)
                if number is None or math.isnan(number):
                    self._count(IS_A_NUMBER)
                    number = None
                self.values.append(number)
            elif not _hashable(value):
                self._count(SINGLE_VALUE)
                self.values.append(None)
            else:
                self.values.append(value)

    def _count(self, rule: str) -> None:
        self.broken[rule] = self.broken.get(rule, 0) + 1

    def present(self) -> list[object]:
        return [v for v in self.values if v is not None]


def _table_problems(name: str, frame: pd.DataFrame, columns: dict) -> set[tuple[str, str]]:
    """(column, rule) problems of one DataFrame; fills *columns* with its checked columns."""
    found: set[tuple[str, str]] = set()
    first, twice = _first_columns(frame)
    found |= {(c, COLUMN_ONCE) for c in twice}
    for column, kind, required, nullable in COLUMNS[name]:
        if column not in first:
            if required:
                found.add((column, COLUMN_PRESENT))
            continue
        checked = columns[column] = _Column(first[column], kind)
        rules = set(checked.broken)
        if nullable:
            rules.discard(NOT_MISSING)
        found |= {(column, rule) for rule in rules}
        values = checked.present()
        if column == "arm" and any(v not in ARMS for v in values):
            found.add((column, ONE_OF_ARMS))
        if column == "respondent" and any(v not in RESPONDENTS for v in values):
            found.add((column, ONE_OF_RESPONDENTS))
        if column == "activity":
            if any(not (isinstance(v, str) and v in STATE_NAMES) for v in values):
                found.add((column, STATE_NAME))
            if any(v == "ORDINARY_HOURS" for v in values):
                found.add((column, NOT_DERIVED))
        if column == "event" and any(not str(v).strip() for v in values):
            found.add((column, "not empty"))
        if kind == "number":
            if column in ("hours", "hours_per_week") and any(v < 0 for v in values):
                found.add((column, ">= 0"))
            if any(not math.isfinite(v) for v in values):
                found.add((column, "finite"))
            if column == "hours" and any(math.isfinite(v) and v > MAX_HOURS for v in values):
                found.add((column, f"<= {MAX_HOURS}"))
        if name == "citizens" and column == "citizen_id":
            counts: dict = {}
            for v in values:
                counts[v] = counts.get(v, 0) + 1
            if any(k > 1 for k in counts.values()):
                found.add((column, UNIQUE))
    if name in ORDERED and set(ORDERED[name]) <= set(columns):
        start, end = (columns[c].values for c in ORDERED[name])
        if any(s is not None and e is not None and e < s for s, e in zip(start, end, strict=False)):
            found.add((ORDERED[name][1], f"{ORDERED[name][1]} on or after {ORDERED[name][0]}"))
    key = ("respondent_id", "round", "item")
    if name == "survey" and set(key) <= set(columns):
        seen, repeated = set(), False
        for row in zip(*(columns[c].values for c in key), strict=False):
            repeated |= row in seen
            seen.add(row)
        if repeated:
            found.add(("+".join(key), UNIQUE))
    if name == "citizens" and not {"arm", "group"} & set(first):
        found.add(("arm", ARM_OR_GROUP))
    return found


def expected_problems(case: Case, tables: tuple[str, ...]) -> set[tuple[str, str, str]]:
    """Every (table, column, rule) the tables of *case* named in *tables* break."""
    found: set[tuple[str, str, str]] = set()
    checked: dict[str, dict] = {}
    if "citizens" in tables and case.tables["citizens"] is None:
        found.add(("citizens", "", TABLE_GIVEN))
    for name in tables:
        frame = case.tables[name]
        if frame is None:
            continue
        if not isinstance(frame, pd.DataFrame):
            found.add((name, "", IS_A_DATAFRAME))
            continue
        checked[name] = {}
        found |= {(name, c, r) for c, r in _table_problems(name, frame, checked[name])}
    people = checked.get("citizens", {}).get("citizen_id")
    if people is not None:
        known = set(people.present())
        for name in RECORD_TABLES:
            ids = checked.get(name, {}).get("citizen_id")
            if ids is not None and any(v not in known for v in ids.present()):
                found.add((name, "citizen_id", KNOWN_CITIZEN))
    if not case.allow_cpr:
        for name, columns in checked.items():
            for column in IDENTIFIERS:
                if column in columns and any(
                    _looks_like_cpr(v, columns[column].dtype) for v in columns[column].present()
                ):
                    found.add((name, column, CPR))
    return found


def reference_dates(name: str, frame: pd.DataFrame) -> dict[str, list[dt.date | None]]:
    """The day of every value of every date column (None where missing)."""
    first, _ = _first_columns(frame)
    return {
        column: _Column(first[column], "date").values
        for column, kind, _, _ in COLUMNS[name]
        if kind == "date" and column in first
    }


def reference_numbers(name: str, frame: pd.DataFrame) -> dict[str, list[float]]:
    """The number of every value of every number column (NaN where missing)."""
    first, _ = _first_columns(frame)
    return {
        column: [np.nan if v is None else v for v in _Column(first[column], "number").values]
        for column, kind, _, _ in COLUMNS[name]
        if kind == "number" and column in first
    }
