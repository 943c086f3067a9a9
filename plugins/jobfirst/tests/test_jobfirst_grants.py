"""JobFirst grant rules (SPEC.md §4.4, §9; 004, L101-111)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Panel, Population, State
from activemeasures.testing import strategies as ams
from activemeasures_jobfirst.grants import (
    GRANT_PERIOD_COLUMNS,
    GrantCriterion13w,
    activity_grant,
    fixed_grant,
)

# ------------------------------------------------------------------ amounts


def test_worked_example_of_the_announcement():
    # 004, L109: target 100 -> at most 0.9 x 100 x 16,000 = 1,440,000.
    grant = activity_grant(target_participants=100, n_started=100, n_completed_13w=100)
    assert grant.cap == 1_440_000
    # Earned 100 x 8,000 + 100 x 8,000 = 1,600,000; the cap holds it back to 1,440,000.
    assert grant.earned == 1_600_000
    assert grant.paid == 1_440_000
    assert grant.capped
    assert grant.to_frame()["limited_by"].tolist() == ["cap"]


def test_split_is_configurable():
    # 60 started x 4,000 + 20 completed x 12,000 = 240,000 + 240,000 = 480,000 (< cap 1.44 m).
    grant = activity_grant(
        target_participants=100, n_started=60, n_completed_13w=20, rate_start=4_000
    )
    row = grant.to_frame().iloc[0]
    assert (row["earned_start"], row["earned_13w"], row["paid"]) == (240_000, 240_000, 480_000)
    assert grant.rate_13w == 12_000 and not grant.capped


def test_cap_is_cumulative_over_years():
    # Target 10: cap 0.9 x 10 x 16,000 = 144,000. 2016: 10 x 8,000 = 80,000 paid;
    # 2017: 5 x 8,000 + 10 x 8,000 = 120,000 earned, room 64,000; 2018: nothing left.
    grant = activity_grant(
        target_participants=10,
        n_started={2016: 10, 2017: 5},
        n_completed_13w={2017: 10, 2018: 3},
    )
    frame = grant.to_frame()
    assert list(frame.columns) == list(GRANT_PERIOD_COLUMNS)
    assert frame["period"].tolist() == [2016, 2017, 2018]
    assert frame["paid"].tolist() == [80_000, 64_000, 0]
    assert frame["limited_by"].tolist() == ["earned", "cap", "cap"]
    assert grant.paid == 144_000


def test_expenses_limit_a_period():
    grant = activity_grant(
        target_participants=100,
        n_started={2016: 10, 2017: 10},
        n_completed_13w={2017: 5},
        expenses={2016: 50_000},
    )
    frame = grant.to_frame()
    assert frame["paid"].tolist() == [50_000, 120_000]
    assert frame["limited_by"].tolist() == ["expenses", "earned"]
    total = activity_grant(target_participants=100, n_started=10, n_completed_13w=0, expenses=1)
    assert total.paid == 1.0


def reference(target, started, completed, rate_total, rate_start, cap_share):
    """Loop over years: pay what was earned while the project's cap lasts."""
    cap = cap_share * target * rate_total
    paid, left = [], cap
    for year in sorted(set(started) | set(completed)):
        earned = rate_start * started.get(year, 0)
        earned += (rate_total - rate_start) * completed.get(year, 0)
        pay = min(earned, left)
        left -= pay
        paid.append(pay)
    return paid


@settings(max_examples=60, deadline=None)
@given(
    st.integers(0, 200),
    st.dictionaries(st.integers(2016, 2018), st.integers(0, 150), min_size=1),
    st.integers(0, 16_000),
    st.floats(0, 1),
    st.data(),
)
def test_matches_a_year_by_year_reference(target, started, rate_start, cap_share, data):
    years = sorted(started)
    # Completions never outrun starts: draw each year's completions within what is left.
    completed, room = {}, 0
    for year in years:
        room += started[year]
        completed[year] = data.draw(st.integers(0, room))
        room -= completed[year]
    grant = activity_grant(
        target_participants=target,
        n_started=started,
        n_completed_13w=completed,
        rate_start=rate_start,
        cap_share=cap_share,
    )
    expected = reference(target, started, completed, 16_000, rate_start, cap_share)
    np.testing.assert_allclose(grant.to_frame()["paid"], expected)
    assert grant.paid == pytest.approx(min(grant.earned, grant.cap))
    assert grant.paid <= grant.cap + 1e-6


@pytest.mark.parametrize(
    "bad",
    [
        {"n_started": -1},
        {"n_completed_13w": -1},
        {"target_participants": -5},
        {"rate_start": 20_000},
        {"rate_total": -1},
        {"cap_share": 1.5},
        {"n_started": 2, "n_completed_13w": 3},  # more completions than starts
        {"n_started": {2016: 1, 2017: 5}, "n_completed_13w": {2016: 2}},
        {"expenses": {2019: 10}},  # a period without counts
        {"expenses": -1},
    ],
)
def test_bad_input_raises_value_error(bad):
    arguments = {"target_participants": 10, "n_started": 5, "n_completed_13w": 1} | bad
    with pytest.raises(ValueError):
        activity_grant(**arguments)


@pytest.mark.parametrize("bad", [{"n_started": 2.5}, {"n_started": True}, {"rate_start": "x"}])
def test_bad_types_raise_type_error(bad):
    arguments = {"target_participants": 10, "n_started": 5, "n_completed_13w": 1} | bad
    with pytest.raises(TypeError):
        activity_grant(**arguments)


def test_whole_floats_are_counts_and_str_shows_the_breakdown():
    grant = activity_grant(target_participants=100.0, n_started=3.0, n_completed_13w=0)
    assert grant.paid == 24_000
    text = str(grant)
    assert "cap 1,440,000 = 0.9 x 100 x 16,000" in text and "24,000" in text


def test_fixed_grant():
    # 004, L101: up to 850,000 for the project leader's salary.
    assert fixed_grant(900_000).paid == 850_000
    assert fixed_grant(300_000).paid == 300_000
    assert fixed_grant(100, maximum=50).paid == 50
    with pytest.raises(ValueError):
        fixed_grant(-1)
    with pytest.raises(TypeError):
        fixed_grant("a lot")


# ------------------------------------------------------------------ the 13-week milestone

DAY0 = pd.Timestamp("2016-11-06")


def panel_of(records, *, arms=None, horizon=40, hours=None):
    ids = sorted({r[0] for r in records} | {r[0] for r in hours or []})
    citizens = pd.DataFrame(
        {
            "citizen_id": ids,
            "municipality": "A",
            "visitation_date": DAY0,
            "arm": arms or ["treatment"] * len(ids),
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": [r[0] for r in records],
            "activity": [r[1] for r in records],
            # (first week, last week), 1-based, whole weeks
            "start": [DAY0 + pd.Timedelta(days=7 * (r[2] - 1)) for r in records],
            "end": [DAY0 + pd.Timedelta(days=7 * r[3] - 1) for r in records],
            "workplace_id": [r[4] for r in records],
        }
    )
    hours_frame = None
    if hours:
        hours_frame = pd.DataFrame(
            {
                "citizen_id": [h[0] for h in hours],
                "period_start": [DAY0 + pd.Timedelta(days=7 * (h[1] - 1)) for h in hours],
                "period_end": [DAY0 + pd.Timedelta(days=7 * h[2] - 1) for h in hours],
                "hours": [h[3] for h in hours],
                "workplace_id": [h[4] for h in hours],
            }
        )
    return Panel.from_frames(
        citizens, activities, hours_frame, cutoff="2019-12-31", horizon=horizon
    )


def test_grant_milestone_by_hand():
    panel = panel_of(
        [
            ("a", "INTERNSHIP", 1, 13, "W1"),  # 13 weeks at W1: completed in week 13
            ("b", "INTERNSHIP", 1, 12, "W1"),  # 12 weeks, a gap, 1 more: no gap tolerated
            ("b", "INTERNSHIP", 14, 14, "W1"),
            ("c", "INTERNSHIP", 1, 7, "W1"),  # 7 weeks at W1 and 6 at W2: not one company
            ("c", "WAGE_SUBSIDY", 8, 13, "W2"),
            ("d", "ORDINARY_EMPLOYMENT", 3, 15, "W3"),  # ordinary employment counts
            ("e", "SNIFFING", 1, 20, "W4"),  # not a course type
        ],
        hours=[("f", 1, 20, 200.0, "W5")],  # ordinary hours are not ordinary employment
    )
    criterion = GrantCriterion13w()
    assert criterion.completed_week(panel).tolist() == [13, 0, 0, 15, 0, 0]
    assert criterion.started_week(panel).tolist() == [1, 1, 1, 3, 0, 0]
    assert GrantCriterion13w(max_gap=1).completed_week(panel).tolist() == [13, 14, 0, 15, 0, 0]
    assert GrantCriterion13w(same_workplace=False).completed_week(panel).tolist() == [
        13,
        0,
        13,
        15,
        0,
        0,
    ]
    with_hours = GrantCriterion13w(states=State.ORDINARY_HOURS)
    assert with_hours.completed_week(panel).tolist() == [0, 0, 0, 0, 0, 13]


def test_counts_by_calendar_year_of_the_milestone_week():
    # Visitation 2016-11-06: week 8 ends 2016-11-06 + 55 days = 2016-12-31, week 9 2017-01-07.
    panel = panel_of(
        [
            ("a", "INTERNSHIP", 8, 20, "W1"),  # starts in week 8 (2016), completes week 20
            ("b", "INTERNSHIP", 9, 21, "W1"),  # starts in week 9 (2017)
            ("c", "INTERNSHIP", 1, 13, "W1"),  # a control: never counted
        ],
        arms=["treatment", "treatment", "control"],
    )
    counts = GrantCriterion13w().counts(panel)
    assert counts.to_dict("list") == {
        "municipality": ["A", "A"],
        "year": [2016, 2017],
        "n_started": [1, 1],
        "n_completed_13w": [0, 2],
    }
    nobody = GrantCriterion13w(population=Population(arms=("nobody",))).counts(panel)
    assert nobody.empty and list(nobody.columns) == list(counts.columns)
    with pytest.raises(TypeError):
        GrantCriterion13w().counts("panel")


@settings(max_examples=12, deadline=None)
@given(ams.datasets(min_citizens=1, max_citizens=10, tables=("activities",)))
def test_started_week_matches_a_loop(data):
    panel = data.panel(30)
    criterion = GrantCriterion13w()
    started = criterion.started_week(panel)
    bits = int(criterion.states)
    for i in range(panel.n_citizens):  # slow reference over citizens and weeks
        first = 0
        for w in range(panel.observed_weeks[i]):
            if int(panel.states[i, w]) & bits:
                first = w + 1
                break
        assert started[i] == first
    completed = criterion.completed_week(panel)
    assert ((completed == 0) | ((started > 0) & (started <= completed))).all()


def test_criterion_parameters():
    criterion = GrantCriterion13w()
    assert criterion.rule.min_weeks == 13 and criterion.rule.max_gap == 0
    assert criterion.states == State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_EMPLOYMENT
    with pytest.raises(ValueError):
        GrantCriterion13w(states=0)
