"""EventWithin and Cadence against slow day-by-day references and hand-computed examples."""

from __future__ import annotations

import datetime as dt
import math
from fractions import Fraction

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, MissingTableError, ValidationError
from activemeasures.fidelity import Cadence, EventWithin, Population

from ._kinds_data import assert_table, in_population, reference_table, tables

populations = st.sampled_from([None, ("treatment",), ("control",)])
codes = st.sampled_from([("conversation",), ("conversation", "cv_update"), ("job_goal",)])


def _population(arms):
    return Population(arms=arms)


# ---------------------------------------------------------------------------- EventWithin


def event_within_reference(t, codes, days, require_full_window, arms):
    """For each citizen, list the days 0..days after the draw and look for an event on one."""
    members = []
    for c in t.citizens:
        if not in_population(c, arms):
            continue
        window = {c.visit + dt.timedelta(days=k) for k in range(days + 1)}
        met = any(
            who == c.citizen_id and code in codes and date in window and date <= t.cutoff
            for who, date, code in t.events
        )
        observed = c.visit + dt.timedelta(days=days) <= t.cutoff
        members.append((c.municipality, float(met), observed or not require_full_window))
    return reference_table(members)


def _one_municipality(visits, events, cutoff="2016-12-31", arms=None):
    n = len(visits)
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"p{i}" for i in range(n)],
            "municipality": ["M"] * n,
            "visitation_date": visits,
            "arm": arms or ["treatment"] * n,
        }
    )
    frame = pd.DataFrame(events, columns=["citizen_id", "date", "event"])
    return Dataset.from_frames(citizens, events=frame, cutoff=cutoff)


def test_day_35_counts_and_day_36_does_not():
    # Draw 1 March 2016; 5 April is day 35, 6 April day 36.
    data = _one_municipality(
        ["2016-03-01", "2016-03-01"],
        [("p0", "2016-04-05", "conversation"), ("p1", "2016-04-06", "conversation")],
    )
    got = EventWithin(event="conversation", days=35).compute(data, Population())
    # p0 meets it, p1 does not: 1 / 2 in M and nationally.
    assert_table(got, [("M", 1.0, 2, 0.5), ("national", 1.0, 2, 0.5)])
    # The mid-term window of four weeks (28 days) misses both.
    got = EventWithin(event="conversation", days=28).compute(data, Population())
    assert got["value"].tolist() == [0.0, 0.0]


def test_events_before_the_draw_and_other_codes_do_not_count():
    data = _one_municipality(
        ["2016-03-01", "2016-03-01"],
        [
            ("p0", "2016-02-29", "conversation"),  # one day before the draw
            ("p1", "2016-03-01", "cv_update"),  # another code, on the draw date
        ],
    )
    got = EventWithin(event="conversation").compute(data, Population())
    assert got["numerator"].tolist() == [0.0, 0.0]
    # The draw date itself is day 0 and counts.
    assert EventWithin(event="cv_update").compute(data, Population())["value"].tolist() == [
        0.5,
        0.5,
    ]


def test_require_full_window_leaves_out_citizens_drawn_too_late():
    # Cut-off 30 April: p0 (drawn 1 March, window ends 5 April) is observed; p1 (drawn
    # 1 April, window ends 6 May) is not, although it already had its conversation.
    data = _one_municipality(
        ["2016-03-01", "2016-04-01"],
        [("p1", "2016-04-02", "conversation")],
        cutoff="2016-04-30",
    )
    full = EventWithin(event="conversation").compute(data, Population())
    assert_table(full, [("M", 0.0, 1, 0.0), ("national", 0.0, 1, 0.0)])
    open_ = EventWithin(event="conversation", require_full_window=False)
    assert_table(open_.compute(data, Population()), [("M", 1.0, 2, 0.5), ("national", 1.0, 2, 0.5)])


def test_a_municipality_whose_citizens_are_all_excluded_keeps_its_row_with_no_data():
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b", "c"],
            "municipality": ["Early", "Late", "Late"],
            "visitation_date": ["2016-01-01", "2016-04-20", "2016-04-25"],
            "arm": ["treatment"] * 3,
        }
    )
    events = pd.DataFrame({"citizen_id": ["a"], "date": ["2016-01-05"], "event": ["job_goal"]})
    data = Dataset.from_frames(citizens, events=events, cutoff="2016-04-30")
    got = EventWithin(event="job_goal").compute(data, Population())
    # Late: both windows run past the cut-off -> denominator 0, value NaN ("no data").
    assert_table(
        got, [("Early", 1.0, 1, 1.0), ("Late", 0.0, 0, math.nan), ("national", 1.0, 1, 1.0)]
    )


def test_an_empty_population_gives_only_a_national_row_without_data():
    data = _one_municipality(["2016-03-01"], [], arms=["control"])
    got = EventWithin(event="conversation").compute(data, Population(arms="treatment"))
    assert_table(got, [("national", 0.0, 0, math.nan)])


def test_event_within_needs_the_events_table():
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "municipality": ["M"],
            "visitation_date": ["2016-03-01"],
            "arm": "treatment",
        }
    )
    data = Dataset.from_frames(citizens, cutoff="2016-12-31")
    kind = EventWithin(event="conversation")
    with pytest.raises(MissingTableError, match="events table") as info:
        kind.compute(data, Population())
    assert kind.describe() in str(info.value)


def test_event_within_parameters_are_checked():
    with pytest.raises(ValueError, match="days"):
        EventWithin(event="conversation", days=-1)
    with pytest.raises(ValueError, match="event"):
        EventWithin(event=())
    with pytest.raises(ValueError):
        EventWithin(event="conversation", days=3.5)
    assert EventWithin(event=["a", "b"]).event == ("a", "b")
    assert EventWithin(event="x").codes == {"events": ("x",)}


def test_describe_names_the_codes_and_the_window():
    text = EventWithin(event=("conversation", "cv_update"), days=28).describe()
    assert "'conversation' or 'cv_update'" in text and "28 days" in text


# ---------------------------------------------------------------------------- Cadence


def cadence_reference(t, kind: Cadence, arms):
    """Per citizen: walk the enrolled days one by one, checking the cadence on the way."""
    every = Fraction(kind.every_days)
    minimum = Fraction(
        kind.every_days if kind.min_enrolled_days is None else kind.min_enrolled_days
    )
    members = []
    for c in t.citizens:
        if not in_population(c, arms):
            continue
        end = t.cutoff
        if kind.enrolment_days is not None:
            end = min(end, c.visit + dt.timedelta(days=kind.enrolment_days))
        if kind.end_column is not None and c.exit is not None:
            end = min(end, c.exit)
        enrolled = (end - c.visit).days
        in_den = enrolled > 0 and enrolled >= minimum
        event_days = sorted(
            date
            for who, date, code in t.events
            if who == c.citizen_id and code in kind.event and c.visit <= date <= end
        )
        if kind.mode == "rate":
            ok = enrolled > 0 and Fraction(len(event_days)) / (Fraction(enrolled) / every) >= 1
        else:
            ok = True
            last = c.visit  # the draw opens the first interval
            current = c.visit
            while current <= end:
                for _ in range(event_days.count(current)):
                    ok &= (current - last).days <= every
                    last = current
                current += dt.timedelta(days=1)
            if kind.include_trailing or not event_days:
                ok &= (end - last).days <= every
        members.append((c.municipality, float(ok), in_den))
    return reference_table(members)


cadences = st.builds(
    Cadence,
    event=codes,
    every_days=st.sampled_from([7.0, 10.5, 30.4375, 45.0, 91.0]),
    mode=st.sampled_from(["max_gap", "rate"]),
    enrolment_days=st.none() | st.integers(0, 120),
    end_column=st.sampled_from([None, "exit_date"]),
    min_enrolled_days=st.none() | st.sampled_from([0.0, 1.0, 20.0, 60.5]),
    include_trailing=st.booleans(),
)


event_withins = st.builds(
    EventWithin, event=codes, days=st.integers(0, 60), require_full_window=st.booleans()
)


@settings(max_examples=40)
@given(t=tables(), within=event_withins, cadence=cadences, arms=populations)
def test_event_kinds_match_the_day_by_day_references(t, within, cadence, arms):
    # One dataset per example for both kinds: building it is the expensive part.
    data = t.dataset(activities=False)
    expected = event_within_reference(
        t, within.event, within.days, within.require_full_window, arms
    )
    assert_table(within.compute(data, _population(arms)), expected)
    assert_table(cadence.compute(data, _population(arms)), cadence_reference(t, cadence, arms))


def _cadence_data():
    # One citizen drawn 1 March 2016 (day 0), cut-off 30 June = day 121 (121 enrolled days).
    # Conversations on days 10, 40, 70 and 100: intervals 10, 30, 30, 30 and 21 to the end.
    dates = ["2016-03-11", "2016-04-10", "2016-05-10", "2016-06-09"]
    return _one_municipality(
        ["2016-03-01"], [("p0", d, "conversation") for d in dates], cutoff="2016-06-30"
    )


def test_cadence_rate_versus_max_gap_on_a_worked_example():
    data = _cadence_data()
    everyone = Population()

    def value(**options):
        return Cadence(event="conversation", **options).compute(data, everyone)["value"].iloc[-1]

    # max_gap: the largest interval is 30 days -> met for 30, not for 29.
    assert value(every_days=30) == 1.0
    assert value(every_days=29) == 0.0
    # rate: 4 conversations in 121 days; per month (30.4375 days) that is 4 / (121 / 30.4375)
    # = 1.006 >= 1 -> met.  Per 30 days: 4 / (121 / 30) = 0.99 < 1 -> not met, although no
    # interval exceeds 30 days.
    assert value(every_days=30.4375, mode="rate") == 1.0
    assert value(every_days=30, mode="rate") == 0.0
    # Enrolment cut at 100 days (the day-100 conversation is its last day): rate per 25 days
    # is 4 / (100 / 25) = 1 -> met; the largest interval is still 30 -> max_gap 29 fails.
    assert value(every_days=25, mode="rate", enrolment_days=100) == 1.0
    assert value(every_days=29, enrolment_days=100) == 0.0


def test_cadence_trailing_interval_and_short_enrolment():
    # Events on days 10 and 40, cut-off day 121: the trailing interval is 81 days.
    data = _one_municipality(
        ["2016-03-01"],
        [("p0", "2016-03-11", "progression_tool"), ("p0", "2016-04-10", "progression_tool")],
        cutoff="2016-06-30",
    )
    kind = Cadence(event="progression_tool", every_days=60)
    assert kind.compute(data, Population())["value"].tolist() == [0.0, 0.0]
    lenient = Cadence(event="progression_tool", every_days=60, include_trailing=False)
    assert lenient.compute(data, Population())["value"].tolist() == [1.0, 1.0]
    # Enrolled 121 days < 150 (min_enrolled_days defaults to every_days): left out.
    short = Cadence(event="progression_tool", every_days=150)
    assert_table(
        short.compute(data, Population()), [("M", 0.0, 0, math.nan), ("national", 0.0, 0, math.nan)]
    )


def test_cadence_without_any_event():
    # No event in 121 days: never compliant in rate mode; in max_gap mode only when the whole
    # enrolment (121 days) is within every_days, with or without the trailing interval.
    data = _one_municipality(["2016-03-01"], [], cutoff="2016-06-30")
    for trailing in (True, False):
        kind = Cadence(event="x", every_days=91, include_trailing=trailing)
        assert kind.compute(data, Population())["value"].iloc[-1] == 0.0
    kind = Cadence(event="x", every_days=121, include_trailing=False)
    assert kind.compute(data, Population())["value"].iloc[-1] == 1.0


def test_cadence_end_column_must_be_present_and_dates():
    data = _cadence_data()
    with pytest.raises(ValidationError, match="exit_date"):
        Cadence(event="conversation", end_column="exit_date").compute(data, Population())
    citizens = data.citizens.assign(exit_date=["not a date"])
    bad = Dataset.from_frames(citizens, events=data.events, cutoff="2016-06-30")
    with pytest.raises(ValidationError, match="is a date"):
        Cadence(event="conversation", end_column="exit_date").compute(bad, Population())


def test_cadence_end_column_ends_enrolment_and_missing_means_still_enrolled():
    data = _cadence_data()
    # Exit on day 35: only the day-10 conversation lies in the enrolment (35 days); the
    # intervals are 10 and 25 to the exit -> max_gap 30 met.
    citizens = data.citizens.assign(exit_date=["2016-04-05"])
    exited = Dataset.from_frames(citizens, events=data.events, cutoff="2016-06-30")
    kind = Cadence(event="conversation", every_days=30, end_column="exit_date")
    assert kind.compute(exited, Population())["value"].iloc[-1] == 1.0
    still = Dataset.from_frames(
        data.citizens.assign(exit_date=[None]), events=data.events, cutoff="2016-06-30"
    )
    # Missing exit: enrolled to the cut-off (121 days), as without the column: intervals
    # 10, 30, 30, 30, 21 -> met; but 4 conversations per 121 days is under one per 30 days
    # (4 x 30 = 120 < 121).
    assert kind.compute(still, Population())["value"].iloc[-1] == 1.0
    rate = Cadence(event="conversation", every_days=30, mode="rate", end_column="exit_date")
    assert rate.compute(still, Population())["value"].iloc[-1] == 0.0


def test_cadence_parameters_are_checked():
    with pytest.raises(ValueError, match="every_days"):
        Cadence(event="x", every_days=0)
    with pytest.raises(ValueError, match="mode"):
        Cadence(event="x", mode="often")
    with pytest.raises(ValueError, match="min_enrolled_days"):
        Cadence(event="x", min_enrolled_days=-1)
    with pytest.raises(ValueError, match="enrolment_days"):
        Cadence(event="x", enrolment_days=-3)


def test_cadence_describe_states_the_rule():
    text = Cadence(event="progression_tool").describe()
    assert "91 days" in text and "'progression_tool'" in text
    text = Cadence(event="conversation", every_days=30.4375, mode="rate").describe()
    assert "on average" in text and "30.4375" in text
