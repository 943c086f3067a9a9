"""The JobFirst indicator kinds (GE6 6.1, GE7 7.1, GE8 8.1/8.2) against day-by-day references.

The references below loop over citizens, weeks and days with dates, and find spells with a
plain loop: nothing is shared with the implementation except the input tables.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, SpellRule, State
from activemeasures.fidelity import INDICATOR_VALUE_COLUMNS, NATIONAL, Population
from activemeasures.testing import example_dataset
from activemeasures.testing import strategies as ams
from activemeasures_jobfirst.kinds import (
    EventAfterCourse,
    HoursDuringCourse,
    StateDuring,
    first_courses,
)

CUTOFF = dt.date(2018, 3, 31)
HORIZON = 24
RULE = SpellRule(min_weeks=3, max_gap=1)
COURSE_STATES = ("INTERNSHIP", "WAGE_SUBSIDY")
PARTICIPANTS = Population(arms=("treatment",))


# ============================================================================ references


def _date(value) -> dt.date:
    return pd.Timestamp(value).date()


def _observed(visit: dt.date) -> int:
    """Weeks whose last day is on or before the cut-off, at most HORIZON."""
    weeks = 0
    while weeks < HORIZON and visit + dt.timedelta(days=7 * (weeks + 1) - 1) <= CUTOFF:
        weeks += 1
    return weeks


def _covers(start: dt.date, end: dt.date, visit: dt.date, week: int) -> bool:
    first = visit + dt.timedelta(days=7 * (week - 1))
    last = first + dt.timedelta(days=6)
    return start <= last and end >= first


def _spells(active: list[bool]) -> list[dict]:
    """Spells of RULE by a plain loop: count active weeks, a gap over max_gap ends a spell."""
    spells: list[dict] = []
    current, gap = None, 0
    for week, is_active in enumerate(active, start=1):
        if is_active:
            if current is None or gap > RULE.max_gap:
                current = {"first": week, "count": 0, "met": 0}
                spells.append(current)
            current["count"] += 1
            current["last"] = week
            gap = 0
            if not current["met"] and current["count"] >= RULE.min_weeks:
                current["met"] = week
        elif current is not None:
            gap += 1
    return spells


def _timelines(data: Dataset) -> dict:
    """Per citizen: visit, observed weeks, week -> states, week -> {workplace: active}."""
    out = {}
    activities = data.activities
    hours = data.hours
    for citizen in data.citizens.itertuples(index=False):
        visit = _date(citizen.visitation_date)
        observed = _observed(visit)
        states = defaultdict(set)
        at_place = defaultdict(lambda: defaultdict(set))  # place -> week -> {"course", "hours"}
        for record in activities[activities["citizen_id"] == citizen.citizen_id].itertuples():
            start, end = _date(record.start), _date(record.end)
            for week in range(1, observed + 1):
                if _covers(start, end, visit, week):
                    states[week].add(record.activity)
                    place = record.workplace_id
                    if record.activity in COURSE_STATES and isinstance(place, str):
                        at_place[place][week].add("course")
        for record in hours[hours["citizen_id"] == citizen.citizen_id].itertuples():
            start, end = _date(record.period_start), _date(record.period_end)
            if record.hours <= 0:
                continue
            for week in range(1, observed + 1):
                if _covers(start, end, visit, week):
                    states[week].add("ORDINARY_HOURS")
                    if isinstance(record.workplace_id, str):
                        at_place[record.workplace_id][week].add("hours")
        out[citizen.citizen_id] = (visit, observed, states, at_place)
    return out


def _first_course(observed: int, at_place: dict) -> tuple | None:
    """(met, first, last, place) of the first same-workplace course, ties by place as text."""
    candidates = []
    for place, weeks in at_place.items():
        active = [bool(weeks.get(week)) for week in range(1, observed + 1)]
        for spell in _spells(active):
            if spell["met"]:
                candidates.append((spell["met"], spell["first"], str(place), spell["last"]))
    if not candidates:
        return None
    met, first, place, last = min(candidates)
    return met, first, last, place


def _grouped(data: Dataset, per_citizen: dict) -> pd.DataFrame:
    """Numerator, denominator and value per municipality (sorted) and national, by loops."""
    sums = defaultdict(lambda: [0.0, 0])
    for citizen in data.citizens.itertuples(index=False):
        if citizen.arm != "treatment":
            continue
        counted, met = per_citizen[citizen.citizen_id]
        for unit in (str(citizen.municipality), NATIONAL):
            sums[unit][1] += int(counted)
            sums[unit][0] += float(counted and met)
    units = sorted(u for u in sums if u != NATIONAL) + ([NATIONAL] if sums else [])
    rows = [
        (u, sums[u][0], sums[u][1], sums[u][0] / sums[u][1] if sums[u][1] else np.nan)
        for u in units
    ]
    if not rows:
        rows = [(NATIONAL, 0.0, 0, np.nan)]
    return pd.DataFrame(rows, columns=list(INDICATOR_VALUE_COLUMNS))


def state_during_reference(data: Dataset, timelines: dict) -> pd.DataFrame:
    per = {}
    for citizen, (_, observed, states, _) in timelines.items():
        course = [w for w in range(1, observed + 1) if states[w] & set(COURSE_STATES)]
        per[citizen] = (bool(course), any("MENTOR" in states[w] for w in course))
    return _grouped(data, per)


def hours_during_course_reference(
    data: Dataset, timelines: dict, anywhere: bool = False
) -> pd.DataFrame:
    per = {}
    for citizen, (_, observed, states, at_place) in timelines.items():
        course = _first_course(observed, at_place)
        if course is None:
            per[citizen] = (False, False)
            continue
        met, first, _, place = course
        weeks = range(first, met + 1)
        if anywhere:
            had = any("ORDINARY_HOURS" in states[w] for w in weeks)
        else:
            had = any("hours" in at_place[place].get(w, set()) for w in weeks)
        per[citizen] = (True, had)
    return _grouped(data, per)


def event_after_course_reference(
    data: Dataset, timelines: dict, code: str, days: int
) -> pd.DataFrame:
    events = data.events
    per = {}
    for citizen, (visit, observed, _, at_place) in timelines.items():
        course = _first_course(observed, at_place)
        if course is None:
            per[citizen] = (False, False)
            continue
        met = course[0]
        low = visit + dt.timedelta(days=7 * (met - 1))
        high = visit + dt.timedelta(days=7 * met - 1 + days)
        mine = events[(events["citizen_id"] == citizen) & (events["event"] == code)]
        dates = [_date(d) for d in mine["date"]]
        hit = any(low <= d <= min(high, CUTOFF) for d in dates)
        per[citizen] = (high <= CUTOFF, hit)
    return _grouped(data, per)


# ============================================================================ data


@st.composite
def jobfirst_data(draw) -> Dataset:
    """A few citizens with records near their draw date, so that courses happen."""
    citizens = draw(ams.citizens(min_size=2, max_size=6, municipalities=("A", "B")))
    ids = citizens["citizen_id"].tolist()
    visit = dict(zip(ids, (_date(d) for d in citizens["visitation_date"]), strict=True))

    def day(who, offset):
        return visit[who] + dt.timedelta(days=offset)

    place = st.sampled_from([None, "W1", "W2"])
    activity_rows = [
        (who, name, day(who, first), day(who, first + length), wp)
        for who, name, first, length, wp in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids),
                    st.sampled_from(["INTERNSHIP", "WAGE_SUBSIDY", "MENTOR", "SNIFFING"]),
                    st.integers(-10, 120),
                    st.integers(0, 60),
                    place,
                ),
                max_size=20,
            )
        )
    ]
    hours_rows = [
        (who, day(who, first), day(who, first + length), amount, wp)
        for who, first, length, amount, wp in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids),
                    st.integers(-10, 120),
                    st.integers(0, 30),
                    st.sampled_from([0.0, 2.5, 20.0]),
                    place,
                ),
                max_size=8,
            )
        )
    ]
    event_rows = [
        (who, day(who, offset), code)
        for who, offset, code in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids),
                    st.integers(-10, 150),
                    st.sampled_from(["plan_update", "cv_update"]),
                ),
                max_size=25,
            )
        )
    ]
    return Dataset.from_frames(
        citizens,
        pd.DataFrame(
            activity_rows, columns=["citizen_id", "activity", "start", "end", "workplace_id"]
        ),
        pd.DataFrame(
            hours_rows,
            columns=["citizen_id", "period_start", "period_end", "hours", "workplace_id"],
        ),
        events=pd.DataFrame(event_rows, columns=["citizen_id", "date", "event"]),
        cutoff=CUTOFF,
    )


def _assert_same(result: pd.DataFrame, expected: pd.DataFrame) -> None:
    assert list(result.columns) == list(INDICATOR_VALUE_COLUMNS)
    assert result["unit"].tolist() == expected["unit"].tolist()
    np.testing.assert_array_equal(result["denominator"], expected["denominator"])
    np.testing.assert_allclose(result["numerator"], expected["numerator"])
    np.testing.assert_allclose(result["value"], expected["value"])


def _check_all_kinds(data: Dataset) -> dict[str, float]:
    """Compare every kind with its reference; return the national numerators."""
    numerators = {}
    timelines = _timelines(data)
    checks = {
        "6.1": (StateDuring(horizon=HORIZON), state_during_reference(data, timelines)),
        "7.1": (
            HoursDuringCourse(rule=RULE, horizon=HORIZON),
            hours_during_course_reference(data, timelines),
        ),
        "7.1 anywhere": (
            HoursDuringCourse(rule=RULE, horizon=HORIZON, hours_at="anywhere"),
            hours_during_course_reference(data, timelines, anywhere=True),
        ),
    }
    for code, days in (("plan_update", 35), ("cv_update", 10)):
        checks[code] = (
            EventAfterCourse(event=code, days=days, rule=RULE, horizon=HORIZON),
            event_after_course_reference(data, timelines, code, days),
        )
    for name, (kind, expected) in checks.items():
        result = kind.compute(data, PARTICIPANTS)
        _assert_same(result, expected)
        numerators[name] = float(result["numerator"].iloc[-1])
    return numerators


def test_kinds_match_the_references_on_example_data():
    data = example_dataset(n_citizens=40, n_municipalities=3, seed=5, cutoff=CUTOFF)
    numerators = _check_all_kinds(data)
    # Not a vacuous comparison: every kind finds citizens who meet it.
    assert all(value > 0 for value in numerators.values()), numerators


@settings(max_examples=15, deadline=None)
@given(jobfirst_data())
def test_kinds_match_the_day_by_day_references(data):
    _check_all_kinds(data)


@settings(max_examples=15, deadline=None)
@given(jobfirst_data(), st.booleans())
def test_first_course_is_met_when_the_panel_says_the_rule_is_first_met(data, same_workplace):
    panel = data.panel(HORIZON)
    courses = first_courses(panel, rule=RULE, same_workplace=same_workplace)
    expected = panel.first_met_week(RULE, same_workplace=same_workplace)
    np.testing.assert_array_equal(courses["met_week"], expected)
    has = courses["met_week"].to_numpy() > 0
    first, met, last = (courses[c].to_numpy() for c in ("first_week", "met_week", "last_week"))
    assert (first[has] <= met[has] - RULE.min_weeks + 1).all()
    assert (met[has] <= last[has]).all()
    assert (first[~has] == 0).all() and (last[~has] == 0).all()
    assert ((courses["workplace"].to_numpy() >= 0) == (has & same_workplace)).all()


# ============================================================================ hand-computed


def _one_municipality(activities, hours=None, events=None, n=2) -> Dataset:
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(n)],
            "municipality": "X",
            "visitation_date": "2016-03-01",
            "arm": "treatment",
        }
    )
    return Dataset.from_frames(
        citizens,
        pd.DataFrame(
            activities, columns=["citizen_id", "activity", "start", "end", "workplace_id"]
        ),
        None
        if hours is None
        else pd.DataFrame(
            hours, columns=["citizen_id", "period_start", "period_end", "hours", "workplace_id"]
        ),
        events=None
        if events is None
        else pd.DataFrame(events, columns=["citizen_id", "date", "event"]),
        cutoff="2016-12-31",
    )


def test_hours_count_only_at_the_course_workplace_and_within_the_course():
    # Weeks: 1 = 1-7 March, 2 = 8-14, 3 = 15-21, 4 = 22-28, 5 = 29 Mar-4 Apr.
    # c0: internship at W weeks 1-3 (3-week course, met in week 3), hours at W in week 5:
    #     after the course (through="met") but in the spell if the internship runs to week 5.
    # c1: internship at W weeks 1-5, hours at W in week 5: counted with through="spell_end".
    data = _one_municipality(
        [
            ("c0", "INTERNSHIP", "2016-03-01", "2016-03-21", "W"),
            ("c1", "INTERNSHIP", "2016-03-01", "2016-04-04", "W"),
        ],
        [
            ("c0", "2016-03-29", "2016-04-04", 10.0, "W"),
            ("c1", "2016-03-29", "2016-04-04", 10.0, "W"),
        ],
    )
    rule = SpellRule(min_weeks=3, max_gap=0)
    met = HoursDuringCourse(rule=rule, horizon=10).compute(data, Population())
    # c0's hours week (5) directly follows week 3 with gap 1 > max_gap 0? No: week 4 is
    # inactive, so the hours at W in week 5 start a new spell; c1's course is weeks 1-3.
    assert met["value"].tolist() == [0.0, 0.0]  # neither has hours in weeks 1-3
    spell_end = HoursDuringCourse(rule=rule, horizon=10, through="spell_end")
    # c1's spell at W runs weeks 1-5 (internship and hours): counted; c0's ends in week 3.
    assert spell_end.compute(data, Population())["value"].tolist() == [0.5, 0.5]


def test_mentor_must_fall_in_a_course_week():
    # c0: internship weeks 1-2, mentor weeks 4-5 (no overlap); c1: wage subsidy week 1 with a
    # mentor in week 1: 1 of 2.
    data = _one_municipality(
        [
            ("c0", "INTERNSHIP", "2016-03-01", "2016-03-14", None),
            ("c0", "MENTOR", "2016-03-22", "2016-04-04", None),
            ("c1", "WAGE_SUBSIDY", "2016-03-01", "2016-03-07", None),
            ("c1", "MENTOR", "2016-03-05", "2016-03-06", None),
        ]
    )
    assert StateDuring(horizon=10).compute(data, Population())["value"].tolist() == [0.5, 0.5]


def test_event_window_runs_from_the_completing_week_to_days_after_it():
    # 3-week course at W, met in week 3 (15-21 March). Window: 15 March to 21 March + 35 days
    # = 25 April. c0 updates on 15 March (counts), c1 on 14 March (before: does not).
    data = _one_municipality(
        [
            ("c0", "INTERNSHIP", "2016-03-01", "2016-03-21", "W"),
            ("c1", "INTERNSHIP", "2016-03-01", "2016-03-21", "W"),
        ],
        events=[("c0", "2016-03-15", "plan_update"), ("c1", "2016-03-14", "plan_update")],
    )
    kind = EventAfterCourse(event="plan_update", rule=SpellRule(min_weeks=3, max_gap=0), horizon=10)
    assert kind.compute(data, Population())["value"].tolist() == [0.5, 0.5]


def test_parameters_are_checked_and_described():
    with pytest.raises(ValueError, match="same_workplace=True"):
        HoursDuringCourse(same_workplace=False)
    with pytest.raises(ValueError, match="through"):
        EventAfterCourse(event="plan_update", through="end")
    with pytest.raises(ValueError, match="at least one"):
        EventAfterCourse(event=())
    with pytest.raises(ValueError, match="horizon"):
        StateDuring(horizon=0)
    assert "mentor" in StateDuring().describe()
    assert StateDuring().codes == {"activities": ("INTERNSHIP", "WAGE_SUBSIDY", "MENTOR")}
    assert EventAfterCourse(event="cv_update").codes["events"] == ("cv_update",)
    assert "at the course's workplace" in HoursDuringCourse().describe()
    assert HoursDuringCourse(same_workplace=False, hours_at="anywhere").codes == {
        "activities": ("INTERNSHIP", "WAGE_SUBSIDY")
    }


def test_kinds_need_their_tables():
    from activemeasures.errors import MissingTableError

    data = _one_municipality([("c0", "INTERNSHIP", "2016-03-01", "2016-03-21", "W")])
    with pytest.raises(MissingTableError, match="events"):
        EventAfterCourse(event="plan_update").compute(data, Population())
    assert State.MENTOR in StateDuring().state
