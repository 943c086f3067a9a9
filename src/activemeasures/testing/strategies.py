"""Hypothesis strategies for valid input tables and whole datasets.

Every strategy here produces tables that pass :func:`activemeasures.validate_tables` and
:meth:`activemeasures.Dataset.from_frames`: use them to test code that reads a Dataset
(indicator kinds, outcomes, estimators) over a large input space. Frames are small (tens of
rows) and built column by column from drawn lists, so examples are cheap and shrink well.

Dates lie around 2016-2018: visitation dates from 2016-01-01 to 2017-12-30; records of a
citizen from 60 days before to about 450 days after the citizen's visitation.

Needs `hypothesis <https://hypothesis.readthedocs.io>`_ (the ``testing`` extra).

Examples
--------
>>> from hypothesis import given, settings
>>> from activemeasures import validate_tables
>>> from activemeasures.testing import strategies as ams
>>> @settings(max_examples=5, deadline=None)
... @given(ams.citizens(max_size=5).flatmap(ams.activities))
... def test_activities_are_valid(activities):
...     assert set(activities.columns) >= {"citizen_id", "activity", "start", "end"}
>>> test_activities_are_valid()
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd
from hypothesis import strategies as st

from activemeasures.dataset import Dataset
from activemeasures.schemas import RESPONDENTS
from activemeasures.states import ACTIVITY_STATES
from activemeasures.testing.simulate import EVENT_CODES, GROUP_CODES, ROUNDS, SURVEY_ITEMS

__all__ = [
    "MUNICIPALITIES",
    "RECORD_TABLES",
    "activities",
    "citizen_ids",
    "citizens",
    "datasets",
    "events",
    "hours",
    "survey",
    "visitations",
]

#: Default municipality names.
MUNICIPALITIES: tuple[str, ...] = ("Aarhus", "Odense", "Vejle")

#: The tables :func:`datasets` can add besides ``citizens``.
RECORD_TABLES: tuple[str, ...] = ("activities", "hours", "events", "survey", "visitations")

_FIRST_DAY = np.datetime64("2016-01-01", "D")
_VISITATION_DAYS = 729  # 2016-01-01 to 2017-12-30
_BEFORE, _AFTER = 60, 450  # records from 60 days before to 450 days after visitation
_WORKPLACES = 5


def citizen_ids() -> st.SearchStrategy[str]:
    """Opaque identifiers such as ``"P000123456"``: a letter and nine digits.

    Nine digits, never ten: ten-digit keys look like Danish CPR numbers (DESIGN.md §10).

    Returns
    -------
    SearchStrategy of str

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=3, deadline=None)
    ... @given(citizen_ids())
    ... def test(key):
    ...     assert key[0] == "P" and len(key) == 10
    >>> test()
    """
    return st.integers(0, 10**9 - 1).map(lambda v: f"P{v:09d}")


def _column(draw: st.DrawFn, n: int, elements: st.SearchStrategy) -> list:
    return draw(st.lists(elements, min_size=n, max_size=n))


def _days(days: Sequence[int] | np.ndarray) -> pd.DatetimeIndex:
    return pd.DatetimeIndex(np.asarray(days, dtype="datetime64[D]").astype("datetime64[s]"))


def _visit_days(citizens: pd.DataFrame) -> np.ndarray:
    return pd.to_datetime(citizens["visitation_date"]).to_numpy().astype("datetime64[D]")


def _records(draw: st.DrawFn, citizens: pd.DataFrame, min_size: int, max_size: int):
    """Size, owner rows and start days (relative to each owner's visitation) of records."""
    if len(citizens) == 0:
        return 0, np.zeros(0, dtype=np.int64), np.zeros(0, dtype="datetime64[D]")
    n = draw(st.integers(min_size, max_size))
    owner = np.asarray(_column(draw, n, st.integers(0, len(citizens) - 1)), dtype=np.int64)
    offset = np.asarray(_column(draw, n, st.integers(-_BEFORE, _AFTER)), dtype=np.int64)
    return n, owner, _visit_days(citizens)[owner] + offset


def _check_sizes(min_size: int, max_size: int) -> None:
    if not 0 <= min_size <= max_size:
        raise ValueError(f"need 0 <= min_size <= max_size, got {min_size} and {max_size}")


def _non_empty(name: str, values: Sequence) -> tuple:
    values = (values,) if isinstance(values, str) else tuple(values)
    if not values:
        raise ValueError(f"{name} must name at least one value")
    return values


def _workplaces(draw: st.DrawFn, n: int) -> list:
    wanted = st.one_of(st.none(), st.integers(0, _WORKPLACES - 1).map(lambda k: f"W{k}"))
    return _column(draw, n, wanted)


@st.composite
def citizens(
    draw: st.DrawFn,
    min_size: int = 1,
    max_size: int = 30,
    *,
    municipalities: Sequence[str] = MUNICIPALITIES,
    arms: Sequence[str] | None = ("treatment", "control"),
    groups: Sequence[str] | None = None,
    ids: st.SearchStrategy | None = None,
    covariates: bool = False,
) -> pd.DataFrame:
    """Citizens tables: unique ids, municipality, visitation date, arm and/or group.

    Parameters
    ----------
    min_size, max_size : int
        Number of citizens.
    municipalities : sequence of str
        Municipality names to draw from.
    arms : sequence of str or None
        Values of the ``arm`` column (a subset of ``treatment``/``control``/``comparison``);
        ``None`` leaves the column out (then give *groups*).
    groups : sequence of str, optional
        Values of a ``group`` column (visitation group codes); not added by default.
    ids : SearchStrategy, optional
        Identifier values (default :func:`citizen_ids`); drawn unique.
    covariates : bool, default False
        Add ``age`` (18-64) and ``sex`` (``F``/``M``) columns.

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        Visitation dates from 2016-01-01 to 2017-12-30.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=5, deadline=None)
    ... @given(citizens(max_size=4, arms=None, groups=("1", "2")))
    ... def test(frame):
    ...     assert list(frame.columns) == ["citizen_id", "municipality", "visitation_date",
    ...                                    "group"]
    >>> test()
    """
    _check_sizes(min_size, max_size)
    municipalities = _non_empty("municipalities", municipalities)
    if arms is None and groups is None:
        raise ValueError("give arms or groups: the citizens table needs an arm or group column")
    n = draw(st.integers(min_size, max_size))
    key = draw(st.lists(ids or citizen_ids(), min_size=n, max_size=n, unique_by=str))
    where = _column(draw, n, st.sampled_from(municipalities))
    frame = pd.DataFrame(
        {
            "citizen_id": pd.Series(key, dtype=object),
            "municipality": pd.Series(where, dtype=object),
            "visitation_date": _days(
                _FIRST_DAY + np.asarray(_column(draw, n, st.integers(0, _VISITATION_DAYS)), int)
            ),
        }
    )
    if arms is not None:
        frame["arm"] = _column(draw, n, st.sampled_from(_non_empty("arms", arms)))
    if groups is not None:
        frame["group"] = _column(draw, n, st.sampled_from(_non_empty("groups", groups)))
    if covariates:
        frame["age"] = _column(draw, n, st.integers(18, 64))
        frame["sex"] = _column(draw, n, st.sampled_from(("F", "M")))
    return frame


@st.composite
def activities(
    draw: st.DrawFn,
    citizens: pd.DataFrame,
    *,
    min_size: int = 0,
    max_size: int = 40,
    states: Sequence[str] = ACTIVITY_STATES,
    workplaces: bool = True,
    hours_per_week: bool = True,
) -> pd.DataFrame:
    """Activity records of the given citizens.

    Parameters
    ----------
    citizens : pandas.DataFrame
        A citizens table (e.g. drawn from :func:`citizens`); records belong to its citizens.
    min_size, max_size : int
        Number of records (0 when there are no citizens).
    states : sequence of str
        Activity names to draw from (default every
        :data:`~activemeasures.states.ACTIVITY_STATES` name).
    workplaces, hours_per_week : bool, default True
        Add a ``workplace_id`` column (five workplaces, some missing) and an
        ``hours_per_week`` column (0-37, some missing).

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        Records start 60 days before to 450 days after the citizen's visitation and last 0
        to 180 days (inclusive end on or after start); overlaps are frequent.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=3, deadline=None)
    ... @given(citizens(max_size=3).flatmap(lambda c: activities(c, states=("MENTOR",))))
    ... def test(frame):
    ...     assert set(frame["activity"]) <= {"MENTOR"}
    ...     assert (frame["end"] >= frame["start"]).all()
    >>> test()
    """
    _check_sizes(min_size, max_size)
    states = _non_empty("states", states)
    n, owner, start = _records(draw, citizens, min_size, max_size)
    length = np.asarray(_column(draw, n, st.integers(0, 180)), dtype=np.int64)
    frame = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[owner],
            "activity": pd.Series(_column(draw, n, st.sampled_from(states)), dtype=object),
            "start": _days(start),
            "end": _days(start + length),
        }
    )
    if workplaces:
        frame["workplace_id"] = pd.Series(_workplaces(draw, n), dtype=object)
    if hours_per_week:
        amount = st.one_of(st.none(), st.integers(0, 37 * 4).map(lambda q: q / 4))
        frame["hours_per_week"] = pd.Series(_column(draw, n, amount), dtype=float)
    return frame


@st.composite
def hours(
    draw: st.DrawFn,
    citizens: pd.DataFrame,
    *,
    min_size: int = 0,
    max_size: int = 40,
    max_hours: float = 200.0,
    workplaces: bool = True,
) -> pd.DataFrame:
    """Ordinary-hours records of the given citizens.

    Parameters
    ----------
    citizens : pandas.DataFrame
        A citizens table; records belong to its citizens.
    min_size, max_size : int
        Number of records (0 when there are no citizens).
    max_hours : float, default 200
        Largest number of hours in one period (0 occurs too).
    workplaces : bool, default True
        Add a ``workplace_id`` column (five workplaces, some missing).

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        Periods of 1 to 62 days (inclusive ends), starting 60 days before to 450 days after
        the citizen's visitation; finite hours from 0 to *max_hours*.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=3, deadline=None)
    ... @given(citizens(max_size=3).flatmap(lambda c: hours(c, max_hours=37)))
    ... def test(frame):
    ...     assert frame["hours"].between(0, 37).all()
    >>> test()
    """
    _check_sizes(min_size, max_size)
    if not (np.isfinite(max_hours) and max_hours >= 0):
        raise ValueError(f"max_hours must be a finite number >= 0, got {max_hours}")
    n, owner, start = _records(draw, citizens, min_size, max_size)
    length = np.asarray(_column(draw, n, st.integers(0, 61)), dtype=np.int64)
    amount = st.floats(0, max_hours, allow_nan=False, allow_infinity=False)
    frame = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[owner],
            "period_start": _days(start),
            "period_end": _days(start + length),
            "hours": np.asarray(_column(draw, n, amount), dtype=float),
        }
    )
    if workplaces:
        frame["workplace_id"] = pd.Series(_workplaces(draw, n), dtype=object)
    return frame


@st.composite
def events(
    draw: st.DrawFn,
    citizens: pd.DataFrame,
    *,
    codes: Sequence[str] = EVENT_CODES,
    min_size: int = 0,
    max_size: int = 40,
    participants: bool = False,
) -> pd.DataFrame:
    """Register events of the given citizens.

    Parameters
    ----------
    citizens : pandas.DataFrame
        A citizens table; events belong to its citizens.
    codes : sequence of str
        Event codes to draw from (default
        :data:`activemeasures.testing.simulate.EVENT_CODES`).
    min_size, max_size : int
        Number of events (0 when there are no citizens).
    participants : bool, default False
        Add a ``participants`` column (e.g. ``"KS,VK"``, some missing).

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        Dates from 60 days before to 450 days after the citizen's visitation; several events
        of one citizen may fall on the same day.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=3, deadline=None)
    ... @given(citizens(max_size=3).flatmap(lambda c: events(c, codes=("cv_update",))))
    ... def test(frame):
    ...     assert set(frame["event"]) <= {"cv_update"}
    >>> test()
    """
    _check_sizes(min_size, max_size)
    codes = _non_empty("codes", codes)
    n, owner, date = _records(draw, citizens, min_size, max_size)
    frame = pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[owner],
            "date": _days(date),
            "event": pd.Series(_column(draw, n, st.sampled_from(codes)), dtype=object),
        }
    )
    if participants:
        who = st.one_of(st.none(), st.sampled_from(("KS", "KS,VK", "KS,VK,mentor")))
        frame["participants"] = pd.Series(_column(draw, n, who), dtype=object)
    return frame


@st.composite
def survey(
    draw: st.DrawFn,
    municipalities: Sequence[str] = MUNICIPALITIES,
    *,
    items: Sequence[str] = SURVEY_ITEMS,
    rounds: Sequence[str] = ROUNDS,
    respondent: str | Sequence[str] = RESPONDENTS,
    values: tuple[int, int] = (1, 5),
    min_respondents: int = 0,
    max_respondents: int = 10,
) -> pd.DataFrame:
    """Survey answers of respondents in the given municipalities.

    Parameters
    ----------
    municipalities : sequence of str
        Municipality names to draw from.
    items, rounds : sequence of str
        Question codes and measurement rounds.
    respondent : str or sequence of str
        Respondent types to draw from (``staff``, ``citizen``).
    values : (int, int), default (1, 5)
        Smallest and largest answer (whole numbers).
    min_respondents, max_respondents : int
        Number of respondents; each answers any subset of the rounds × items grid, so the
        table has at most one answer per respondent, round and item.

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        Respondent ids ``S`` and six digits (never citizen ids).

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=3, deadline=None)
    ... @given(survey(["Aarhus"], items=("q1",), respondent="staff"))
    ... def test(frame):
    ...     assert not frame.duplicated(["respondent_id", "round", "item"]).any()
    >>> test()
    """
    _check_sizes(min_respondents, max_respondents)
    municipalities = _non_empty("municipalities", municipalities)
    items, rounds = _non_empty("items", items), _non_empty("rounds", rounds)
    respondent = _non_empty("respondent", respondent)
    low, high = values
    if low > high:
        raise ValueError(f"values must be (smallest, largest), got {values}")
    k = draw(st.integers(min_respondents, max_respondents))
    ids = draw(st.lists(st.integers(0, 999_999), min_size=k, max_size=k, unique=True))
    where = np.asarray(_column(draw, k, st.sampled_from(municipalities)), dtype=object)
    kind = np.asarray(_column(draw, k, st.sampled_from(respondent)), dtype=object)
    cells = len(rounds) * len(items)
    answered = np.asarray(_column(draw, k * cells, st.booleans()), dtype=bool)
    row = np.repeat(np.arange(k), cells)[answered]
    cell = np.tile(np.arange(cells), k)[answered]
    return pd.DataFrame(
        {
            "respondent_id": np.char.mod("S%06d", np.asarray(ids, dtype=np.int64))[row],
            "municipality": where[row],
            "respondent": kind[row],
            "round": np.asarray(rounds, dtype=object)[cell // len(items)],
            "item": np.asarray(items, dtype=object)[cell % len(items)],
            "value": np.asarray(_column(draw, len(row), st.integers(low, high)), dtype=float),
        }
    )


@st.composite
def visitations(
    draw: st.DrawFn,
    citizens: pd.DataFrame,
    *,
    groups: Sequence[str] | None = None,
    min_size: int = 0,
    max_size: int = 40,
    open_ends: bool = True,
    reversed_ends: bool = True,
) -> pd.DataFrame:
    """Visitation records of the given citizens, several per citizen possible.

    Parameters
    ----------
    citizens : pandas.DataFrame
        A citizens table; records belong to its citizens.
    groups : sequence of str, optional
        Group codes to draw from; default the citizens' ``group`` values when the table has
        that column, else ``"1"``, ``"2"``, ``"3"``, ``"6"`` (SPEC.md §7.1).
    min_size, max_size : int
        Number of records (0 when there are no citizens).
    open_ends : bool, default True
        Let some records have no end (``NaT``): an open record.
    reversed_ends : bool, default True
        Let some records end before they start: legal in the table, dropped by the
        de-duplication rules (SPEC.md §7.2 step 0).

    Returns
    -------
    SearchStrategy of pandas.DataFrame
        Starts from 60 days before to 450 days after the citizen's visitation.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=3, deadline=None)
    ... @given(citizens(max_size=3).flatmap(lambda c: visitations(c, groups=("1", "2"))))
    ... def test(frame):
    ...     assert set(frame["group"]) <= {"1", "2"}
    >>> test()
    """
    _check_sizes(min_size, max_size)
    if groups is None:
        has_groups = "group" in citizens and citizens["group"].notna().any()
        groups = tuple(citizens["group"].dropna().unique()) if has_groups else GROUP_CODES
    groups = _non_empty("groups", [str(g) for g in groups])
    n, owner, start = _records(draw, citizens, min_size, max_size)
    shortest = -60 if reversed_ends else 0
    length = np.asarray(_column(draw, n, st.integers(shortest, 400)), dtype=np.int64)
    end_dates = _days(start + length).to_numpy().copy()
    if open_ends:
        end_dates[np.asarray(_column(draw, n, st.booleans()), dtype=bool)] = np.datetime64("NaT")
    return pd.DataFrame(
        {
            "citizen_id": citizens["citizen_id"].to_numpy()[owner],
            "group": pd.Series(_column(draw, n, st.sampled_from(groups)), dtype=object),
            "start": _days(start),
            "end": end_dates,
        }
    )


@st.composite
def datasets(
    draw: st.DrawFn,
    *,
    min_citizens: int = 1,
    max_citizens: int = 30,
    municipalities: Sequence[str] = MUNICIPALITIES,
    arms: Sequence[str] | None = ("treatment", "control"),
    groups: Sequence[str] | None = None,
    tables: Sequence[str] = RECORD_TABLES,
    event_codes: Sequence[str] = EVENT_CODES,
    survey_items: Sequence[str] = SURVEY_ITEMS,
    rounds: Sequence[str] = ROUNDS,
) -> Dataset:
    """Whole validated :class:`~activemeasures.Dataset` objects.

    Parameters
    ----------
    min_citizens, max_citizens : int
        Number of citizens.
    municipalities, arms, groups
        As for :func:`citizens`.
    tables : sequence of str
        Which of :data:`RECORD_TABLES` to include (all by default).
    event_codes, survey_items, rounds : sequence of str
        Codes of the events and survey tables.

    Returns
    -------
    SearchStrategy of Dataset
        Built with :meth:`~activemeasures.Dataset.from_frames`.

    Notes
    -----
    The cut-off is drawn between 14 days before the first visitation and 364 days after the
    last one. The citizen visited last is therefore observed for at most 52 weeks: at any
    horizon of 53 weeks or more some citizens are censored, and at times some citizens have
    no observed week at all.

    Examples
    --------
    >>> from hypothesis import given, settings
    >>> from activemeasures.testing.strategies import *
    >>> @settings(max_examples=5, deadline=None)
    ... @given(datasets(max_citizens=5, tables=("events",)))
    ... def test(data):
    ...     assert (data.panel(horizon=53).observed_weeks < 53).any()
    ...     assert data.activities is None and data.events is not None
    >>> test()
    """
    unknown = sorted(set(tables) - set(RECORD_TABLES))
    if unknown:
        raise ValueError(f"unknown tables {unknown}; choose from {', '.join(RECORD_TABLES)}")
    people = draw(
        citizens(
            min_citizens,
            max_citizens,
            municipalities=municipalities,
            arms=arms,
            groups=groups,
            covariates=True,
        )
    )
    frames: dict[str, pd.DataFrame | None] = dict.fromkeys(RECORD_TABLES)
    if "activities" in tables:
        frames["activities"] = draw(activities(people))
    if "hours" in tables:
        frames["hours"] = draw(hours(people))
    if "events" in tables:
        frames["events"] = draw(events(people, codes=event_codes, participants=True))
    if "survey" in tables:
        frames["survey"] = draw(survey(tuple(municipalities), items=survey_items, rounds=rounds))
    if "visitations" in tables:
        frames["visitations"] = draw(visitations(people, groups=groups))
    visit = _visit_days(people)
    first, last = (visit.min(), visit.max()) if len(visit) else (_FIRST_DAY, _FIRST_DAY)
    span = int((last - first).astype(int)) + 14 + 364
    cutoff = first - 14 + draw(st.integers(0, span))
    return Dataset.from_frames(
        people,
        frames["activities"],
        frames["hours"],
        events=frames["events"],
        survey=frames["survey"],
        visitations=frames["visitations"],
        cutoff=pd.Timestamp(cutoff),
    )
