"""Weekly outcome definitions (SPEC.md §4.2, §4.3, §5.1) on panels built from tables."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from activemeasures import Panel, SpellRule, State
from activemeasures.outcomes import (
    AnyHours,
    CumulativeCriterion,
    HoursAtLeast,
    MeanHours,
    Outcome,
    ShareInState,
    as_outcome,
)


@pytest.fixture(scope="module")
def panel() -> Panel:
    """Three citizens over 8 weeks; citizen c is observed for 5 weeks only."""
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b", "c"],
            "municipality": ["X", "X", "Y"],
            "visitation_date": ["2016-01-04", "2016-01-04", "2016-01-25"],
            "arm": ["treatment", "control", "treatment"],
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": ["a", "a", "b", "c"],
            "activity": ["INTERNSHIP", "WAGE_SUBSIDY", "MENTOR", "INTERNSHIP"],
            "start": ["2016-01-04", "2016-01-25", "2016-01-04", "2016-01-25"],
            "end": ["2016-01-24", "2016-02-14", "2016-02-28", "2016-02-07"],
            "workplace_id": ["bakery", "garage", None, "bakery"],
        }
    )
    hours = pd.DataFrame(
        {
            "citizen_id": ["b", "b", "c"],
            "period_start": ["2016-01-11", "2016-02-08", "2016-02-08"],
            "period_end": ["2016-01-17", "2016-02-14", "2016-02-14"],
            "hours": [4.0, 37.0, 30.0],
            "workplace_id": ["shop", "shop", "bakery"],
        }
    )
    return Panel.from_frames(citizens, activities, hours, cutoff="2016-02-28", horizon=8)


def test_share_in_state_is_the_state_indicator(panel):
    outcome = ShareInState(State.INTERNSHIP | State.WAGE_SUBSIDY)
    values = outcome.values(panel)
    assert values.dtype == np.float64 and values.shape == (3, 8)
    np.testing.assert_array_equal(values, panel.active(State.INTERNSHIP | State.WAGE_SUBSIDY))
    assert values[0].tolist() == [1, 1, 1, 1, 1, 1, 0, 0]
    assert outcome.values(panel, compact=True).dtype == np.bool_
    assert outcome.name == "share_internship_or_wage_subsidy"
    assert outcome.label == "Share in internship or wage subsidy"
    assert ShareInState("wage_subsidy") == ShareInState(State.WAGE_SUBSIDY)


def test_mean_hours_keeps_zeros_and_any_hours_is_positive_hours(panel):
    hours = MeanHours().values(panel)
    assert hours.dtype == np.float64
    assert hours[1].tolist() == [0, 4, 0, 0, 0, 37, 0, 0]
    assert hours[2].tolist() == [0, 0, 30, 0, 0, 0, 0, 0]  # zeros included (SPEC §4.2.1)
    assert MeanHours().values(panel, compact=True).dtype == np.float32
    np.testing.assert_array_equal(AnyHours().values(panel), hours > 0)
    np.testing.assert_array_equal(AnyHours().values(panel), panel.active(State.ORDINARY_HOURS))
    np.testing.assert_array_equal(HoursAtLeast(30).values(panel), hours >= 30)
    assert HoursAtLeast(37).values(panel).sum() == 1
    assert (HoursAtLeast(30).name, HoursAtLeast(30).label) == (
        "hours_at_least_30",
        "Share with at least 30 ordinary hours",
    )
    with pytest.raises(ValueError, match="threshold"):
        HoursAtLeast(-1)


def test_cumulative_criterion_is_one_from_the_week_met(panel):
    rule = SpellRule(min_weeks=4, max_gap=1)
    outcome = CumulativeCriterion(rule)
    met = panel.first_met_week(rule)
    values = outcome.values(panel)
    weeks = np.arange(1, 9)
    np.testing.assert_array_equal(values, (met[:, None] > 0) & (weeks >= met[:, None]))
    assert met.tolist() == [4, 0, 0]  # a: internship 3 weeks, then wage subsidy
    assert np.all(np.diff(values, axis=1) >= 0)
    assert outcome.name == "criterion_4w_gap1"
    same = CumulativeCriterion(rule, same_workplace=True)
    assert same.name == "criterion_4w_gap1_same_workplace"
    assert "same workplace" in same.label
    expected = panel.first_met_week(rule, same_workplace=True)
    np.testing.assert_array_equal(same.met_week(panel), expected)
    assert same.met_week(panel).tolist() == [0, 0, 0]  # bakery 3 weeks, garage 3 weeks


def test_default_criterion_is_the_jobfirst_rule():
    outcome = CumulativeCriterion()
    assert outcome.rule == SpellRule(min_weeks=13, max_gap=4, count_gap_weeks=False)
    assert outcome.states == State.ENTERPRISE_DIRECTED
    assert outcome.name == "criterion_13w_gap4"
    assert outcome.label == "Share meeting the 13-week criterion"


def test_outcomes_are_frozen_hashable_values():
    outcomes = [
        ShareInState(State.INTERNSHIP),
        MeanHours(),
        AnyHours(),
        HoursAtLeast(30),
        CumulativeCriterion(),
    ]
    assert len(set(outcomes)) == 5
    for outcome in outcomes:
        assert isinstance(outcome, Outcome)
    with pytest.raises(AttributeError):
        outcomes[0].states = State.WAGE_SUBSIDY


def test_as_outcome_resolves_names_states_and_objects():
    assert as_outcome("hours") == MeanHours()
    assert as_outcome("any_hours") == AnyHours()
    assert as_outcome(State.WAGE_SUBSIDY) == ShareInState(State.WAGE_SUBSIDY)
    assert as_outcome("internship|wage_subsidy") == ShareInState("INTERNSHIP | WAGE_SUBSIDY")
    criterion = CumulativeCriterion()
    assert as_outcome(criterion) is criterion
    with pytest.raises(ValueError, match="unknown outcome 'wages'"):
        as_outcome("wages")
    with pytest.raises(TypeError, match="cannot use float"):
        as_outcome(1.5)


def test_values_need_a_panel():
    with pytest.raises(TypeError, match="needs a Panel"):
        MeanHours().values(np.zeros((2, 2)))
