"""JobFirst weekly outcomes (SPEC.md §4.2, §4.3, §8) against citizen-by-citizen references."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import activemeasures as am
from activemeasures import Dataset, Panel, Population, SpellRule, State
from activemeasures.outcomes import AnyHours, CumulativeCriterion, Outcome
from activemeasures.testing import strategies as ams
from activemeasures_jobfirst.outcomes import (
    HOUR_BANDS,
    CriterionByWeek,
    HoursInBand,
    Labelled,
    hour_bands,
    outcomes,
    within_26_weeks,
)


def hours_panel(weekly_hours, *, horizon=None):
    """One citizen per row of *weekly_hours*, each week's hours reported for its 7 days."""
    weekly_hours = np.asarray(weekly_hours, dtype=float)
    n, weeks = weekly_hours.shape
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in range(n)],
            "municipality": "A",
            "visitation_date": pd.Timestamp("2016-03-07"),
            "arm": "treatment",
        }
    )
    row, week = np.nonzero(weekly_hours > 0)
    start = pd.Timestamp("2016-03-07") + pd.to_timedelta(7 * week, unit="D")
    hours = pd.DataFrame(
        {
            "citizen_id": [f"c{i}" for i in row],
            "period_start": start,
            "period_end": start + pd.Timedelta(days=6),
            "hours": weekly_hours[row, week],
        }
    )
    return Panel.from_frames(citizens, hours=hours, cutoff="2018-12-31", horizon=horizon or weeks)


# ------------------------------------------------------------------ hours bands


def test_band_edges_exactly():
    # Weekly hours at the edges: 5 is in (0, 5] not (5, 10]; 37 is full time [37, inf), not
    # (30, 37); 0 is in no band (SPEC.md §4.2.4, A-45).
    weekly = [[0.0, 5.0, 5.5, 10.0, 30.0, 36.5, 37.0, 60.0]]
    panel = hours_panel(weekly)
    by_name = {band.name: band.values(panel)[0] for band in HOUR_BANDS}
    assert by_name["hours_band_0_5"].tolist() == [0, 1, 0, 0, 0, 0, 0, 0]
    assert by_name["hours_band_5_10"].tolist() == [0, 0, 1, 1, 0, 0, 0, 0]
    assert by_name["hours_band_25_30"].tolist() == [0, 0, 0, 0, 1, 0, 0, 0]
    assert by_name["hours_band_30_37"].tolist() == [0, 0, 0, 0, 0, 1, 0, 0]
    assert by_name["hours_band_37_inf"].tolist() == [0, 0, 0, 0, 0, 0, 1, 1]


def test_default_bands_are_the_spec_bands():
    spec = [(0, 5), (5, 10), (10, 15), (15, 20), (20, 25), (25, 30), (30, 37), (37, math.inf)]
    assert [(b.lower, b.upper) for b in HOUR_BANDS] == spec
    assert HOUR_BANDS[-2].include_upper is False
    assert HOUR_BANDS[-1].include_lower is True
    assert all(b.include_upper for b in HOUR_BANDS[:-2])


@settings(max_examples=25, deadline=None)
@given(
    st.lists(
        st.lists(
            st.sampled_from([0.0, 0.5, 5.0, 7.0, 10.0, 30.0, 36.0, 37.0, 50.0]),
            min_size=6,
            max_size=6,
        ),
        min_size=1,
        max_size=6,
    ),
    st.lists(st.floats(0.5, 40, allow_nan=False), min_size=1, max_size=4, unique=True),
    st.booleans(),
)
def test_bands_match_a_loop_and_partition_positive_hours(weekly, cut, has_full_time):
    edges = [0.0, *sorted(cut)]
    full_time = 45.0 if has_full_time else None
    bands = hour_bands(edges, full_time=full_time)
    panel = hours_panel(weekly)
    total = sum(band.values(panel) for band in bands)
    # Every positive week is in exactly one band; zero weeks in none.
    np.testing.assert_array_equal(total, AnyHours().values(panel))
    for band in bands:
        values = band.values(panel)
        for i in range(panel.n_citizens):  # slow reference
            for w in range(panel.horizon):
                h = float(panel.hours[i, w])
                low_ok = h >= band.lower if band.include_lower else h > band.lower
                high_ok = h <= band.upper if band.include_upper else h < band.upper
                assert values[i, w] == float(low_ok and high_ok)
        assert band.values(panel, compact=True).dtype == bool


def test_band_names_labels_and_validation():
    assert HoursInBand(0, 5).label == "Share with more than 0 and at most 5 ordinary hours"
    assert HoursInBand(30, 37, include_upper=False).label == (
        "Share with more than 30 and less than 37 ordinary hours"
    )
    assert HoursInBand(37, math.inf, include_lower=True).name == "hours_band_37_inf"
    assert HoursInBand(2.5, 7.5).name == "hours_band_2.5_7.5"
    for lower, upper in [(5, 5), (6, 5), (-1, 5), (math.inf, math.inf), (float("nan"), 3)]:
        with pytest.raises(ValueError):
            HoursInBand(lower, upper)
    with pytest.raises(ValueError):
        hour_bands([0, 10, 5])
    with pytest.raises(ValueError):
        hour_bands([0, 40], full_time=37)
    with pytest.raises(ValueError):
        hour_bands([])


# ------------------------------------------------------------------ criteria by week 26


def meets_13w(active, observed, *, min_weeks=13, max_gap=4):
    """SPEC.md §4.3 pseudo-code, one citizen: 1-based week met, 0 if never."""
    counted = gap = 0
    for w in range(observed):
        if active[w]:
            counted += 1
            gap = 0
            if counted == min_weeks:
                return w + 1
        elif counted > 0:
            gap += 1
            if gap > max_gap:
                counted = gap = 0
    return 0


@settings(max_examples=12, deadline=None)
@given(
    ams.datasets(min_citizens=1, max_citizens=12, tables=("activities", "hours")),
    st.integers(1, 30),
    st.integers(2, 6),
)
def test_criterion_by_week_matches_a_loop(data, by_week, min_weeks):
    panel = data.panel(32)
    rule = SpellRule(min_weeks=min_weeks, max_gap=1)
    outcome = CriterionByWeek(
        criterion=CumulativeCriterion(rule, State.ENTERPRISE_DIRECTED),
        by_week=by_week,
        name="x",
        label="x",
    )
    values = outcome.values(panel)
    active = panel.active(State.ENTERPRISE_DIRECTED)
    for i in range(panel.n_citizens):  # slow reference
        met = meets_13w(active[i], panel.observed_weeks[i], min_weeks=min_weeks, max_gap=1)
        for w in range(1, panel.horizon + 1):
            expected = 1.0 if 0 < met <= min(w, by_week) else 0.0
            assert values[i, w - 1] == expected


def test_phase12_counts_only_the_same_workplace_by_week_26():
    # Citizen a: 13 weeks at W1 from week 1 (met week 13). b: 7 weeks at W1 then 6 at W2: the
    # any-workplace criterion is met in week 13, the same-workplace one never. c: 13 weeks at
    # W1 from week 20: met in week 32, after the deadline.
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b", "c"],
            "municipality": "A",
            "visitation_date": pd.Timestamp("2016-03-07"),
            "arm": "treatment",
        }
    )
    day0 = pd.Timestamp("2016-03-07")
    activities = pd.DataFrame(
        {
            "citizen_id": ["a", "b", "b", "c"],
            "activity": "INTERNSHIP",
            "start": [day0, day0, day0 + pd.Timedelta(days=49), day0 + pd.Timedelta(days=133)],
            "end": [
                day0 + pd.Timedelta(days=90),
                day0 + pd.Timedelta(days=48),
                day0 + pd.Timedelta(days=90),
                day0 + pd.Timedelta(days=223),
            ],
            "workplace_id": ["W1", "W1", "W2", "W1"],
        }
    )
    data = Dataset.from_frames(citizens, activities, cutoff="2018-12-31")
    panel = data.panel(40)
    phase12 = {o.name: o for o in outcomes()}["phase12_within_26w"]
    assert phase12.met_week(panel).tolist() == [13, 0, 0]
    assert phase12.values(panel)[:, 12:].mean(axis=1).tolist() == [1.0, 0.0, 0.0]
    # The scalar: 1/3 same workplace; 2/3 any workplace (SPEC.md §8, A-11).
    same = within_26_weeks().compute(data, Population())
    any_place = within_26_weeks(same_workplace=False).compute(data, Population())
    assert same["value"].tolist() == pytest.approx([1 / 3, 1 / 3])
    assert any_place["value"].tolist() == pytest.approx([2 / 3, 2 / 3])


# ------------------------------------------------------------------ the list


def test_outcomes_are_unique_outcome_objects_with_figure_labels():
    listed = outcomes()
    names = [o.name for o in listed]
    assert len(names) == len(set(names)) == 15
    assert all(isinstance(o, Outcome) for o in listed)
    labels = {o.name: o.label for o in listed}
    assert labels["share_internship"] == "Share in company internship"
    assert labels["share_wage_subsidy"] == "Share in wage subsidy"
    assert names[4:12] == [b.name for b in HOUR_BANDS]
    assert "criterion_13w_gap4" in names and "criterion_13w_gap4_same_workplace" in names


def test_outcomes_compute_on_example_data():
    panel = am.testing.example_dataset(n_citizens=60).panel(52)
    for outcome in outcomes():
        values = outcome.values(panel)
        assert values.shape == (60, 52) and values.dtype == np.float64
        assert np.isin(values, [0.0, 1.0]).all() or outcome.name == "hours"


def test_outcomes_with_custom_bands_and_duplicates():
    custom = outcomes(bands=hour_bands((0, 20), full_time=None))
    assert [o.name for o in custom][4:6] == ["hours_band_0_20", "hours_band_20_inf"]
    with pytest.raises(ValueError, match="hours_band_0_5"):
        outcomes(bands=[HoursInBand(0, 5), HoursInBand(0, 5)])
    with pytest.raises(TypeError):
        outcomes(bands=[AnyHours()])


def test_labelled_delegates_and_validates():
    outcome = Labelled(outcome=AnyHours(), label="Any", name="any")
    panel = hours_panel([[0.0, 3.0]])
    np.testing.assert_array_equal(outcome.values(panel), [[0.0, 1.0]])
    with pytest.raises(TypeError):
        Labelled(outcome="hours", label="x")
    with pytest.raises(ValueError):
        Labelled(outcome=AnyHours(), label=" ")
    with pytest.raises(TypeError):
        HOUR_BANDS[0].values("not a panel")
