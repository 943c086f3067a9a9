"""Malformed input tables: valid tables (:mod:`activemeasures.testing.strategies`), then mutated.

A :class:`Case` holds the six input tables, the cut-off and horizon parameters and the text of
every identifier value in them (:attr:`Case.tokens`). Identifiers are distinctive tokens
(``"ID"`` and twelve hex digits, twelve-digit integers, CPR-like numbers) so that a leak into an
error message, a warning, a repr or a report table can be found by substring search.

:func:`malformed_cases` applies up to three mutations (:data:`MUTATIONS`) to a valid case:
wrong types, missing values, huge and negative numbers, dates in year 1 / 9999 / before 1970,
unicode, control characters and very long strings in codes, empty tables, missing, extra and
duplicated columns, one citizen, one municipality, all treated, no control, every citizen
visited after the cut-off, records ending before they start, duplicated or unknown citizens,
CPR-like and integer identifiers, time zones, unusual dtypes and indexes, tables that are not
DataFrames. Scenario mutations (one citizen, all treated, ...) are applied first, then value
mutations, then structural ones (columns, empty tables, not a DataFrame), so that each can still
find what it changes.
"""

from __future__ import annotations

import contextlib
import dataclasses
import datetime as dt
import decimal
import warnings
from collections.abc import Callable

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from activemeasures.testing import strategies as ams
from activemeasures.testing.simulate import EVENT_CODES, ROUNDS, SURVEY_ITEMS

__all__ = [
    "EVALUATION_MUTATIONS",
    "MUTATIONS",
    "TABLES",
    "Case",
    "evaluation_cases",
    "identifier_texts",
    "malformed_cases",
    "valid_cases",
]

TABLES = ("citizens", "activities", "hours", "events", "survey", "visitations")
RECORD_TABLES = TABLES[1:]
CITIZEN_RECORD_TABLES = ("activities", "hours", "events", "visitations")

#: Columns by kind, written out here (not read from the library's schemas).
DATE_COLUMNS = {
    "citizens": ("visitation_date",),
    "activities": ("start", "end"),
    "hours": ("period_start", "period_end"),
    "events": ("date",),
    "visitations": ("start", "end"),
}
NUMBER_COLUMNS = {"activities": ("hours_per_week",), "hours": ("hours",), "survey": ("value",)}
ID_COLUMNS = {
    "citizens": ("citizen_id",),
    "activities": ("citizen_id", "workplace_id"),
    "hours": ("citizen_id", "workplace_id"),
    "events": ("citizen_id",),
    "survey": ("respondent_id",),
    "visitations": ("citizen_id",),
}
CODE_COLUMNS = {
    "citizens": ("municipality", "arm", "group"),
    "activities": ("activity",),
    "events": ("event", "participants"),
    "survey": ("municipality", "respondent", "round", "item"),
    "visitations": ("group",),
}
ID_NAMES = frozenset({"citizen_id", "respondent_id", "workplace_id"})
#: Identifier texts shorter than this are not searched for (they are not distinctive).
MIN_TOKEN_LENGTH = 8

# ------------------------------------------------------------------------------ identifiers


def tokens() -> st.SearchStrategy[str]:
    """``"ID"`` and twelve hex digits: never a substring of anything the library writes."""
    return st.integers(0, 16**12 - 1).map(lambda v: f"ID{v:012x}")


def int_tokens() -> st.SearchStrategy[int]:
    """Twelve-digit integers: not CPR-like (ten digits) and never a count of tiny data."""
    return st.integers(10**11, 10**12 - 1)


def cpr_like() -> st.SearchStrategy[str]:
    """``DDMMYYSSSS`` or ``DDMMYY-SSSS`` with a plausible day and month."""
    return st.builds(
        lambda d, m, y, s, dash: f"{d:02d}{m:02d}{y:02d}{'-' if dash else ''}{s:04d}",
        st.integers(1, 31),
        st.integers(1, 12),
        st.integers(0, 99),
        st.integers(0, 9999),
        st.booleans(),
    )


def _texts(value: object) -> list[str]:
    """The text of an identifier value, and of the values inside a container."""
    if isinstance(value, dict):
        return [t for pair in value.items() for v in pair for t in _texts(v)]
    if isinstance(value, list | tuple | set | frozenset | np.ndarray):
        return [t for v in value for t in _texts(v)]
    if isinstance(value, bytes):
        return [value.decode("utf-8", "replace")]
    if value is None or value is pd.NA or (isinstance(value, float) and np.isnan(value)):
        return []
    return [str(value)]


def identifier_texts(table: object) -> set[str]:
    """Texts of every value of the identifier columns of a table (any object)."""
    found: set[str] = set()
    if isinstance(table, pd.DataFrame):
        for j, name in enumerate(table.columns):
            if isinstance(name, str) and name in ID_NAMES:
                for value in table.iloc[:, j].to_numpy(dtype=object):
                    found.update(_texts(value))
    return {t for t in found if len(t) >= MIN_TOKEN_LENGTH}


# ------------------------------------------------------------------------------------ case


def _show(table: object) -> str:
    if isinstance(table, pd.DataFrame):
        return f"pd.DataFrame({table.to_dict('list')!r}, index={list(table.index)!r})"
    return repr(table)


@dataclasses.dataclass
class Case:
    """Input tables and parameters of one call, with what was done to them."""

    tables: dict[str, object]
    cutoff: object
    horizon: int
    allow_cpr: bool = False
    mutations: list[str] = dataclasses.field(default_factory=list)
    tokens: frozenset[str] = frozenset()
    hidden_tokens: set[str] = dataclasses.field(default_factory=set)

    def finish(self) -> Case:
        found = set(self.hidden_tokens)
        for table in self.tables.values():
            found |= identifier_texts(table)
        self.tokens = frozenset(found)
        return self

    def frames(self) -> dict[str, pd.DataFrame]:
        """The tables that are DataFrames."""
        return {k: v for k, v in self.tables.items() if isinstance(v, pd.DataFrame)}

    def __repr__(self) -> str:
        tables = "\n".join(f"    {name}={_show(t)}," for name, t in self.tables.items())
        return (
            f"Case(mutations={self.mutations!r}, cutoff={self.cutoff!r}, "
            f"horizon={self.horizon}, allow_cpr={self.allow_cpr},\n{tables}\n)"
        )


def _remap(values: pd.Series, mapping: dict) -> pd.Series:
    return pd.Series([mapping.get(v, v) for v in values], index=values.index, dtype=object)


@st.composite
def valid_cases(
    draw: st.DrawFn,
    *,
    min_citizens: int = 1,
    max_citizens: int = 8,
    municipalities: tuple[str, ...] = ams.MUNICIPALITIES,
    max_records: int = 8,
    event_codes: tuple[str, ...] = EVENT_CODES,
    survey_items: tuple[str, ...] = SURVEY_ITEMS,
    rounds: tuple[str, ...] = ROUNDS,
) -> Case:
    """Valid tables of a few citizens (identifiers are tokens), a cut-off and a horizon."""
    arms = draw(st.sampled_from([("treatment", "control"), ("treatment", "control", "comparison")]))
    groups = ("1", "2") if draw(st.booleans()) else None
    people = draw(
        ams.citizens(
            min_citizens,
            max_citizens,
            municipalities=municipalities,
            arms=arms,
            groups=groups,
            covariates=draw(st.booleans()),
        )
    )
    # Tokens instead of the strategy's ids (its ``ids=`` argument warns: bool of a strategy).
    ids = draw(st.lists(tokens(), min_size=len(people), max_size=len(people), unique=True))
    people["citizen_id"] = pd.Series(ids, index=people.index, dtype=object)
    present = draw(st.sets(st.sampled_from(RECORD_TABLES)))
    workplaces = draw(st.lists(tokens(), min_size=5, max_size=5, unique=True))
    to_workplace = {f"W{k}": w for k, w in enumerate(workplaces)}
    tables: dict[str, object] = dict.fromkeys(TABLES)
    tables["citizens"] = people
    if "activities" in present:
        frame = draw(ams.activities(people, max_size=max_records))
        tables["activities"] = frame.assign(
            workplace_id=_remap(frame["workplace_id"], to_workplace)
        )
    if "hours" in present:
        frame = draw(ams.hours(people, max_size=max_records))
        tables["hours"] = frame.assign(workplace_id=_remap(frame["workplace_id"], to_workplace))
    if "events" in present:
        tables["events"] = draw(
            ams.events(people, codes=event_codes, max_size=max_records, participants=True)
        )
    if "survey" in present:
        frame = draw(
            ams.survey(
                tuple(people["municipality"].unique()),
                items=survey_items,
                rounds=rounds,
                max_respondents=3,
            )
        )
        ids = frame["respondent_id"].unique()
        new = draw(st.lists(tokens(), min_size=len(ids), max_size=len(ids), unique=True))
        tables["survey"] = frame.assign(
            respondent_id=_remap(frame["respondent_id"], dict(zip(ids, new, strict=True)))
        )
    if "visitations" in present:
        tables["visitations"] = draw(ams.visitations(people, max_size=max_records))
    visits = pd.to_datetime(people["visitation_date"])
    span = (visits.max() - visits.min()).days + 14 + 364
    cutoff = visits.min() - pd.Timedelta(days=14) + pd.Timedelta(days=draw(st.integers(0, span)))
    horizon = draw(st.integers(1, 60))
    return Case(tables=tables, cutoff=cutoff, horizon=horizon)


# ------------------------------------------------------------------------------- helpers


def _table(draw: st.DrawFn, case: Case, names=TABLES, *, rows: bool = False):
    """A table of the case that is a DataFrame (with rows, if asked), or (None, None)."""
    names = [
        n
        for n in names
        if isinstance(case.tables.get(n), pd.DataFrame) and (len(case.tables[n]) or not rows)
    ]
    if not names:
        return None, None
    name = draw(st.sampled_from(names))
    return name, case.tables[name].copy()


def _column(draw: st.DrawFn, frame: pd.DataFrame, wanted) -> int | None:
    """Position of a column of *frame* named one of *wanted*, or None."""
    positions = [j for j, c in enumerate(frame.columns) if isinstance(c, str) and c in wanted]
    return draw(st.sampled_from(positions)) if positions else None


def _rows(draw: st.DrawFn, frame: pd.DataFrame) -> list[int]:
    n = len(frame)
    return draw(st.lists(st.integers(0, n - 1), min_size=1, max_size=n, unique=True))


def _set_cells(frame: pd.DataFrame, j: int, rows: list[int], values: list) -> None:
    column = frame.iloc[:, j].to_numpy(dtype=object, copy=True)
    for row, value in zip(rows, values, strict=True):
        column[row] = value
    frame.isetitem(j, pd.Series(column, index=frame.index, dtype=object))


def _columns_of(kind: dict[str, tuple[str, ...]]) -> tuple[str, ...]:
    return tuple(sorted({c for cs in kind.values() for c in cs}))


def _citizen_ids(case: Case) -> list:
    people = case.tables["citizens"]
    if isinstance(people, pd.DataFrame) and "citizen_id" in people.columns:
        column = people["citizen_id"]
        if isinstance(column, pd.Series):
            return list(column)
    return []


def _map_citizens(case: Case, mapping: dict) -> None:
    """Replace citizen ids everywhere (citizens and record tables) through *mapping*."""
    for name in ("citizens", *CITIZEN_RECORD_TABLES):
        frame = case.tables[name]
        if isinstance(frame, pd.DataFrame) and isinstance(frame.get("citizen_id"), pd.Series):
            frame = frame.copy()
            column = frame["citizen_id"].to_numpy(dtype=object)
            mapped = [mapping.get(v, v) if _hashable(v) else v for v in column]
            frame["citizen_id"] = pd.Series(mapped, index=frame.index, dtype=object)
            case.tables[name] = frame


def _is_id(name: object) -> bool:
    return isinstance(name, str) and name in ID_NAMES


def _hashable(value: object) -> bool:
    try:
        hash(value)
    except TypeError:
        return False
    return True


def _keep_citizens(case: Case, keep: set) -> None:
    for name in CITIZEN_RECORD_TABLES:
        frame = case.tables[name]
        if isinstance(frame, pd.DataFrame) and isinstance(frame.get("citizen_id"), pd.Series):
            mask = [v in keep if _hashable(v) else False for v in frame["citizen_id"]]
            case.tables[name] = frame[np.asarray(mask, dtype=bool)]


# ---------------------------------------------------------------------------- value pools

_BAD_DATES = [
    "",
    " ",
    "abc",
    "01/03/2016",
    "2016-13-45",
    "2016-02-30",
    "2016-03-01T12:00:00+05:00",
    "2016-03-01 23:59:59",
    "２０１６-03-01",
    "\x00",
    20160301,
    5,
    -1,
    1.5,
    1e300,
    2**63,
    True,
    False,
    b"2016-03-01",
    pd.Timedelta(days=1),
    [1],
    {"a": 1},
    1 + 2j,
]
_EXTREME_DATES = [
    "0001-01-01",
    "9999-12-31",
    "1677-09-21",
    "1677-09-22",
    "2262-04-11",
    "2262-04-12",
    "1699-12-31",
    "1700-01-01",
    "2199-12-31",
    "2200-01-01",
    "1900-01-01",
    "1969-12-31",
    "1970-01-01",
    np.datetime64("0001-01-01", "s"),
    np.datetime64("9999-12-31", "D"),
    dt.date(1, 1, 1),
    dt.datetime(9999, 12, 31, 23, 59),
    pd.Timestamp("1677-09-22"),
    pd.Timestamp.min,
    pd.Timestamp.max,
    pd.Timestamp("1950-06-01", tz="Europe/Copenhagen"),
]
_BAD_NUMBERS = [
    "",
    "abc",
    "1,5",
    "1.5",
    "inf",
    "-inf",
    "nan",
    "٣",
    True,
    False,
    1 + 2j,
    decimal.Decimal("1.5"),
    decimal.Decimal("NaN"),
    pd.Timestamp("2016-01-01"),
    [1],
    {"a": 1},
]
_EXTREME_NUMBERS = [
    1e300,
    -1e300,
    2**63,
    -(2**63) - 1,
    2**64,
    10**400,
    3.5e38,
    1e-300,
    5e-324,
    -0.0,
    -1,
    -1e-9,
    float("inf"),
    float("-inf"),
    np.float32(3e38),
    np.int64(-(2**63)),
    np.uint64(2**64 - 1),
]
_MISSING = [None, np.nan, pd.NA, pd.NaT, float("nan")]


def _odd_text() -> st.SearchStrategy:
    return st.one_of(
        st.text(max_size=12),
        st.text(st.characters(categories=("Cc", "Cf", "Zs", "Zl", "Zp", "Mn")), max_size=6),
        st.sampled_from(
            [
                "x" * 10_000,
                "ø" * 3000 + "\u202e",
                "",
                " ",
                "\t",
                "treatment ",
                "TREATMENT",
                "Control",
                "internship",
                "ORDINARY_HOURS",
                "ENTERPRISE_DIRECTED",
                "INTERNSHIP|MENTOR",
                "staff ",
                "🙂",
                "Århus",
                "\ud7ff",
            ]
        ),
        st.sampled_from([1, 1.5, True, -0.0, float("nan"), b"abc", (1, 2), [1], {"a": 1}]),
    )


def _odd_identifier(draw: st.DrawFn, existing: list) -> object:
    token = draw(tokens())
    choices = [
        token,
        draw(int_tokens()),
        float(draw(int_tokens())),
        draw(cpr_like()),
        [token],
        (token,),
        {token: 1},
        token.encode(),
        "",
        " ",
        *_MISSING,
    ]
    if existing:
        choices.append(draw(st.sampled_from(existing)))
    return draw(st.sampled_from(choices))


# ------------------------------------------------------------------------------ mutations

Mutation = Callable[[st.DrawFn, Case], None]

# Scenario mutations: change what the data say, keep them well-formed.


def one_citizen(draw: st.DrawFn, case: Case) -> None:
    people = case.tables["citizens"]
    if not isinstance(people, pd.DataFrame) or not len(people):
        return
    row = draw(st.integers(0, len(people) - 1))
    case.tables["citizens"] = people.iloc[[row]].copy()
    _keep_citizens(case, {people["citizen_id"].iloc[row]})
    case.mutations.append("one citizen")


def one_municipality(draw: st.DrawFn, case: Case) -> None:
    people = case.tables["citizens"]
    if isinstance(people, pd.DataFrame) and len(people):
        case.tables["citizens"] = people.assign(municipality=people["municipality"].iloc[0])
        case.mutations.append("one municipality")


def same_arm(draw: st.DrawFn, case: Case) -> None:
    people = case.tables["citizens"]
    if isinstance(people, pd.DataFrame) and "arm" in people.columns:
        arm = draw(st.sampled_from(["treatment", "control", "comparison", None]))
        case.tables["citizens"] = people.assign(
            arm=pd.Series(arm, index=people.index, dtype=object)
        )
        case.mutations.append(f"every arm {arm!r}")


def arm_to_group(draw: st.DrawFn, case: Case) -> None:
    people = case.tables["citizens"]
    if isinstance(people, pd.DataFrame) and "arm" in people.columns:
        codes = st.sampled_from(["1", "2", "3", "6", "x", None])
        group = [draw(codes) for _ in range(len(people))]
        people = people.drop(columns="arm").assign(group=pd.Series(group, dtype=object).values)
        case.tables["citizens"] = people
        case.mutations.append("group column instead of arm")


def visited_after_cutoff(draw: st.DrawFn, case: Case) -> None:
    people = case.tables["citizens"]
    if isinstance(people, pd.DataFrame) and len(people):
        first = pd.to_datetime(people["visitation_date"]).min()
        case.cutoff = first - pd.Timedelta(days=draw(st.integers(1, 400)))
        case.mutations.append("every citizen visited after the cut-off")


def extreme_parameters(draw: st.DrawFn, case: Case) -> None:
    case.cutoff = draw(
        st.sampled_from(
            [
                "1700-01-01",
                "2199-12-31",
                "1970-01-01",
                "1969-12-31",
                dt.date(2017, 6, 30),
                "20170630",
                np.datetime64("2017-06-30"),
                pd.Timestamp("2017-06-30 23:59:59"),
                case.cutoff,
            ]
        )
    )
    case.horizon = draw(st.sampled_from([1, 2, 13, 52, 53, 78, 79, 300]))
    case.mutations.append(f"cut-off {case.cutoff!r}, horizon {case.horizon}")


def duplicate_citizens(draw: st.DrawFn, case: Case) -> None:
    people = case.tables["citizens"]
    if isinstance(people, pd.DataFrame) and len(people) >= 2:
        people = people.copy()
        a, b = draw(st.lists(st.integers(0, len(people) - 1), min_size=2, max_size=2, unique=True))
        j = people.columns.get_loc("citizen_id")
        _set_cells(people, j, [a], [people.iat[b, j]])
        case.tables["citizens"] = people
        case.mutations.append("duplicated citizen id")


def unknown_citizens(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case, CITIZEN_RECORD_TABLES, rows=True)
    if frame is None or "citizen_id" not in frame.columns:
        return
    rows = _rows(draw, frame)
    _set_cells(frame, frame.columns.get_loc("citizen_id"), rows, [draw(tokens()) for _ in rows])
    case.tables[name] = frame
    case.mutations.append(f"{len(rows)} records of unknown citizens in {name}")


def cpr_identifiers(draw: st.DrawFn, case: Case) -> None:
    ids = _citizen_ids(case)
    if not ids:
        return
    chosen = draw(st.lists(st.sampled_from(ids), min_size=1, max_size=len(ids), unique_by=str))
    as_number = draw(st.booleans())
    mapping = {}
    for old in chosen:
        new = draw(cpr_like())
        mapping[old] = int(new.replace("-", "")) if as_number else new
    _map_citizens(case, mapping)
    case.allow_cpr = draw(st.booleans())
    case.mutations.append(
        f"{len(chosen)} CPR-like citizen ids ({'numbers' if as_number else 'text'}), "
        f"allow_cpr={case.allow_cpr}"
    )


def integer_identifiers(draw: st.DrawFn, case: Case) -> None:
    ids = [v for v in _citizen_ids(case) if _hashable(v)]
    new = draw(st.lists(int_tokens(), min_size=len(ids), max_size=len(ids), unique=True))
    _map_citizens(case, dict(zip(ids, new, strict=True)))
    people = case.tables["citizens"]
    if draw(st.booleans()) and isinstance(people, pd.DataFrame):
        # Integer dtype, not objects (a citizens table read from a file).
        with contextlib.suppress(TypeError, ValueError):
            case.tables["citizens"] = people.assign(citizen_id=people["citizen_id"].astype("int64"))
    case.mutations.append("integer citizen ids")


def end_before_start(draw: st.DrawFn, case: Case) -> None:
    pairs = {"activities": ("start", "end"), "hours": ("period_start", "period_end")}
    pairs["visitations"] = ("start", "end")
    name, frame = _table(draw, case, tuple(pairs), rows=True)
    if frame is None:
        return
    start, end = pairs[name]
    rows = _rows(draw, frame)
    frame.iloc[rows, [frame.columns.get_loc(start), frame.columns.get_loc(end)]] = frame.iloc[
        rows, [frame.columns.get_loc(end), frame.columns.get_loc(start)]
    ].to_numpy()
    case.tables[name] = frame
    case.mutations.append(f"{len(rows)} records of {name} with start and end swapped")


def shuffle_rows(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case, rows=True)
    if frame is not None:
        order = draw(st.permutations(range(len(frame))))
        case.tables[name] = frame.iloc[list(order)]
        case.mutations.append(f"{name} rows shuffled (index kept)")


SCENARIOS: tuple[Mutation, ...] = (
    one_citizen,
    one_municipality,
    same_arm,
    arm_to_group,
    visited_after_cutoff,
    extreme_parameters,
    duplicate_citizens,
    unknown_citizens,
    cpr_identifiers,
    integer_identifiers,
    end_before_start,
    shuffle_rows,
)

# Value mutations: odd values in some cells of one column.


def _cells(draw: st.DrawFn, case: Case, kinds: dict, pool: Callable, label: str) -> None:
    name, frame = _table(draw, case, tuple(kinds), rows=True)
    if frame is None:
        return
    j = _column(draw, frame, kinds[name])
    if j is None:
        return
    rows = _rows(draw, frame)
    values = [pool(draw) for _ in rows]
    _set_cells(frame, j, rows, values)
    case.tables[name] = frame
    shown = [v if len(repr(v)) < 60 else f"<{type(v).__name__}: {repr(v)[:20]}...>" for v in values]
    case.mutations.append(f"{label} in {name}.{frame.columns[j]}: {shown!r}")


def missing_values(draw: st.DrawFn, case: Case) -> None:
    columns = {
        t: ID_COLUMNS.get(t, ())
        + DATE_COLUMNS.get(t, ())
        + NUMBER_COLUMNS.get(t, ())
        + CODE_COLUMNS.get(t, ())
        for t in TABLES
    }
    _cells(draw, case, columns, lambda d: d(st.sampled_from(_MISSING)), "missing values")


def wrong_dates(draw: st.DrawFn, case: Case) -> None:
    _cells(draw, case, DATE_COLUMNS, lambda d: d(st.sampled_from(_BAD_DATES)), "wrong dates")


def extreme_dates(draw: st.DrawFn, case: Case) -> None:
    _cells(draw, case, DATE_COLUMNS, lambda d: d(st.sampled_from(_EXTREME_DATES)), "odd dates")


def wrong_numbers(draw: st.DrawFn, case: Case) -> None:
    _cells(draw, case, NUMBER_COLUMNS, lambda d: d(st.sampled_from(_BAD_NUMBERS)), "wrong numbers")


def extreme_numbers(draw: st.DrawFn, case: Case) -> None:
    pool = st.one_of(st.sampled_from(_EXTREME_NUMBERS), st.floats(allow_nan=True))
    _cells(draw, case, NUMBER_COLUMNS, lambda d: d(pool), "extreme numbers")


def huge_valid_numbers(draw: st.DrawFn, case: Case) -> None:
    """Finite, non-negative, but absurd: hours far beyond the days of the period."""
    pool = st.sampled_from([1e300, 1.7e308, 2**63, 3.5e38, 1e6, 5e-324, 1e-300])
    _cells(draw, case, NUMBER_COLUMNS, lambda d: d(pool), "huge numbers")


def odd_codes(draw: st.DrawFn, case: Case) -> None:
    _cells(draw, case, CODE_COLUMNS, lambda d: d(_odd_text()), "odd codes")


def unicode_codes(draw: st.DrawFn, case: Case) -> None:
    """Unicode in free codes (municipality, event, round, item): legal, must just work."""
    free = {
        "citizens": ("municipality",),
        "events": ("event",),
        "survey": ("municipality", "round", "item"),
    }
    pool = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), min_size=1, max_size=8)
    _cells(draw, case, free, lambda d: d(pool), "unicode codes")


def odd_identifiers(draw: st.DrawFn, case: Case) -> None:
    ids = _citizen_ids(case)
    _cells(draw, case, ID_COLUMNS, lambda d: _odd_identifier(d, ids), "odd identifiers")


VALUES: tuple[Mutation, ...] = (
    missing_values,
    wrong_dates,
    extreme_dates,
    wrong_numbers,
    extreme_numbers,
    huge_valid_numbers,
    odd_codes,
    unicode_codes,
    odd_identifiers,
)

# Structural mutations: columns, dtypes, indexes, whole tables.


def timezone_dates(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case, tuple(DATE_COLUMNS))
    if frame is None:
        return
    j = _column(draw, frame, DATE_COLUMNS[name])
    if j is None:
        return
    zone = draw(st.sampled_from(["UTC", "Europe/Copenhagen", "America/Los_Angeles", "Asia/Tokyo"]))
    try:
        values = pd.to_datetime(frame.iloc[:, j]).dt.tz_localize(zone)
    except (TypeError, ValueError, OverflowError, AttributeError):
        return
    frame.isetitem(j, values)
    case.tables[name] = frame
    case.mutations.append(f"{name}.{frame.columns[j]} in time zone {zone}")


def odd_dtypes(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case)
    if frame is None:
        return
    how = draw(
        st.sampled_from(
            [
                "convert_dtypes",
                "pyarrow",
                "category",
                "string",
                "string[pyarrow]",
                "object",
                "dates as text",
                "dates as %Y%m%d",
                "dates as %d/%m/%Y",
                "dates as datetime64[ms]",
                "numbers as Int64",
                "numbers as float32",
                "numbers as text",
            ]
        )
    )
    try:
        if how == "convert_dtypes":
            frame = frame.convert_dtypes()
        elif how == "pyarrow":
            frame = frame.convert_dtypes(dtype_backend="pyarrow")
        elif how in ("category", "string", "string[pyarrow]", "object"):
            j = _column(draw, frame, _columns_of(CODE_COLUMNS) + _columns_of(ID_COLUMNS))
            if j is None:
                return
            frame.isetitem(j, frame.iloc[:, j].astype(how))
        elif how.startswith("dates"):
            j = _column(draw, frame, _columns_of(DATE_COLUMNS))
            if j is None:
                return
            values = pd.to_datetime(frame.iloc[:, j])
            if how == "dates as datetime64[ms]":
                frame.isetitem(j, values.astype("datetime64[ms]"))
            else:
                fmt = "%Y-%m-%d" if how == "dates as text" else how.split(" as ")[1]
                frame.isetitem(j, values.dt.strftime(fmt).astype(object))
        else:
            j = _column(draw, frame, _columns_of(NUMBER_COLUMNS))
            if j is None:
                return
            target = {"numbers as Int64": "Int64", "numbers as float32": "float32"}
            if how == "numbers as text":
                frame.isetitem(j, frame.iloc[:, j].astype(str).astype(object))
            else:
                frame.isetitem(j, frame.iloc[:, j].astype(target[how]))
    except (TypeError, ValueError, OverflowError, AttributeError):
        return
    case.tables[name] = frame
    case.mutations.append(f"{name}: {how}")


def odd_index(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case, rows=True)
    if frame is None:
        return
    how = draw(st.sampled_from(["duplicated", "multi", "text", "reversed"]))
    n = len(frame)
    if how == "duplicated":
        frame.index = [0] * n
    elif how == "multi":
        frame.index = pd.MultiIndex.from_arrays([range(n), ["a"] * n])
    elif how == "text":
        frame.index = [f"row{i}" for i in range(n)]
    else:
        frame.index = range(n - 1, -1, -1)
    case.tables[name] = frame
    case.mutations.append(f"{name} with a {how} index")


def drop_column(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case)
    if frame is None or not len(frame.columns):
        return
    j = draw(st.integers(0, len(frame.columns) - 1))
    column = frame.columns[j]
    case.tables[name] = frame.iloc[:, [k for k in range(len(frame.columns)) if k != j]]
    case.mutations.append(f"{name} without column {column!r}")


def duplicate_column(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case)
    if frame is None or not len(frame.columns):
        return
    j = draw(st.integers(0, len(frame.columns) - 1))
    # The same values or another column's of the same kind: identifier values only ever in
    # identifier columns and the other way round (the library cannot know otherwise).
    sources = [k for k, c in enumerate(frame.columns) if _is_id(c) == _is_id(frame.columns[j])]
    source = draw(st.sampled_from(sources))
    copy = frame.iloc[:, [source]].set_axis([frame.columns[j]], axis=1)
    case.tables[name] = pd.concat([frame, copy], axis=1)
    case.mutations.append(f"{name} with column {frame.columns[j]!r} twice")


def extra_columns(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case)
    if frame is None:
        return
    label = draw(
        st.sampled_from(
            [5, None, "", " citizen_id", "Citizen_ID", "ØÆÅ\u202e", ("a", "b"), 1.5, True, "age"]
        )
    )
    values = draw(
        st.sampled_from(
            [
                [1.0, np.inf, -np.inf, np.nan],
                ["a", "b", None, 1],
                [True, False, None, True],
                [1e300, -1e300, 0, 2**63],
                [pd.Timestamp("2016-01-01"), None, "x", 3],
            ]
        )
    )
    n = len(frame)
    column = pd.Series([values[i % len(values)] for i in range(n)], index=frame.index, dtype=object)
    if draw(st.booleans()):
        column = column.infer_objects()
    frame = frame.copy()
    frame.insert(len(frame.columns), label, column, allow_duplicates=True)
    case.tables[name] = frame
    case.mutations.append(f"{name} with an extra column {label!r}")


def empty_table(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case)
    if frame is None:
        return
    how = draw(st.sampled_from(["no rows", "no rows, object columns", "nothing"]))
    case.hidden_tokens |= identifier_texts(frame)
    if how == "no rows":
        frame = frame.iloc[:0]
    elif how == "no rows, object columns":
        frame = pd.DataFrame(columns=frame.columns)
    else:
        frame = pd.DataFrame()
    if name == "citizens":
        _keep_citizens(case, set())
    case.tables[name] = frame
    case.mutations.append(f"{name}: empty ({how})")


def not_a_frame(draw: st.DrawFn, case: Case) -> None:
    name, frame = _table(draw, case)
    if frame is None:
        return
    how = draw(st.sampled_from(["dict", "records", "series", "array", "text", "none", "number"]))
    case.hidden_tokens |= identifier_texts(frame)
    case.tables[name] = {
        "dict": lambda: frame.to_dict("list"),
        "records": lambda: frame.to_dict("records"),
        "series": lambda: frame.iloc[:, 0] if len(frame.columns) else pd.Series(dtype=object),
        "array": lambda: frame.to_numpy(),
        "text": lambda: frame.to_csv(),
        "none": lambda: None,
        "number": lambda: 0,
    }[how]()
    case.mutations.append(f"{name} is a {how}, not a DataFrame")


STRUCTURE: tuple[Mutation, ...] = (
    timezone_dates,
    odd_dtypes,
    odd_index,
    drop_column,
    duplicate_column,
    extra_columns,
    empty_table,
    not_a_frame,
)

#: Every mutation, simplest first (hypothesis shrinks towards the first).
MUTATIONS: tuple[Mutation, ...] = SCENARIOS + VALUES + STRUCTURE

#: Mutations that mostly keep the tables valid, so that evaluation gets past validation.
EVALUATION_MUTATIONS: tuple[Mutation, ...] = (
    *SCENARIOS,
    huge_valid_numbers,
    unicode_codes,
    extreme_dates,
    timezone_dates,
    odd_dtypes,
    odd_index,
    extra_columns,
    empty_table,
)

_RANK = dict.fromkeys(SCENARIOS, 0) | dict.fromkeys(VALUES, 1) | dict.fromkeys(STRUCTURE, 2)


@st.composite
def malformed_cases(
    draw: st.DrawFn,
    mutations: tuple[Mutation, ...] = MUTATIONS,
    *,
    min_mutations: int = 1,
    max_mutations: int = 3,
    **valid: object,
) -> Case:
    """A valid case (:func:`valid_cases`) with *min_mutations* to *max_mutations* mutations."""
    case = draw(valid_cases(**valid))
    chosen = draw(
        st.lists(st.sampled_from(mutations), min_size=min_mutations, max_size=max_mutations)
    )
    with warnings.catch_warnings():
        # The mutations' own conversions (pd.to_datetime of odd values) may warn; the library's
        # calls are not made here.
        warnings.simplefilter("ignore")
        for mutation in sorted(chosen, key=_RANK.__getitem__):
            mutation(draw, case)
    return case.finish()


def evaluation_cases() -> st.SearchStrategy[Case]:
    """Cases for :func:`activemeasures.evaluate`: 8 to 20 citizens in two municipalities (so
    that the blocked design often has enough citizens), up to two mostly valid mutations."""
    return malformed_cases(
        EVALUATION_MUTATIONS,
        min_mutations=0,
        max_mutations=2,
        min_citizens=8,
        max_citizens=20,
        municipalities=("Aarhus", "Odense"),
    )
