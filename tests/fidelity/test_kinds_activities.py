"""Passivity (JobFirst 3.2) against a day-by-day reference and hand-computed boundaries."""

from __future__ import annotations

import datetime as dt
import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, MissingTableError
from activemeasures.fidelity import Passivity, Population
from activemeasures.fidelity.kinds.activities import _longest_passive

from ._kinds_data import assert_table, in_population, reference_table, tables


def longest_uncovered_run(records: list[tuple[dt.date, dt.date]]) -> int:
    """Longest run of days between the first start and the last end that no record covers."""
    covered = set()
    for start, end in records:
        d = start
        while d <= end:
            covered.add(d)
            d += dt.timedelta(days=1)
    first, last = min(s for s, _ in records), max(e for _, e in records)
    longest = run = 0
    d = first
    while d <= last:
        run = 0 if d in covered else run + 1
        longest = max(longest, run)
        d += dt.timedelta(days=1)
    return longest


def passivity_reference(t, kind: Passivity, arms):
    members = []
    for c in t.citizens:
        if not in_population(c, arms):
            continue
        records = [
            (start, end)
            for who, name, start, end in t.activities
            if who == c.citizen_id
            and name == kind.activity
            and end >= c.visit
            and start <= t.cutoff
        ]
        if len(records) < kind.min_activities:
            members.append((c.municipality, 1.0, kind.few == "compliant"))
            continue
        longest = longest_uncovered_run(records) if records else 0
        members.append((c.municipality, float(longest < kind.max_days), True))
    return reference_table(members)


passivities = st.builds(
    Passivity,
    activity=st.sampled_from(["SNIFFING", "INTERNSHIP"]),
    max_days=st.integers(0, 40),
    min_activities=st.integers(0, 3),
    few=st.sampled_from(["exclude", "compliant"]),
)


@settings(max_examples=30)
@given(
    t=tables(max_events=0, max_activities=50),
    kind=passivities,
    arms=st.sampled_from([None, ("treatment",)]),
)
def test_passivity_matches_the_day_by_day_reference(t, kind, arms):
    got = kind.compute(t.dataset(events=False), Population(arms=arms))
    assert_table(got, passivity_reference(t, kind, arms))


@settings(max_examples=100)
@given(
    st.lists(st.tuples(st.integers(0, 4), st.integers(-50, 50), st.integers(0, 20)), max_size=40)
)
def test_longest_passive_matches_the_day_set_reference(records):
    # Citizens 0-4; the vectorised running maximum must never leak across citizens.
    row = np.array([r for r, _, _ in records], dtype=np.int64)
    start = np.array([s for _, s, _ in records], dtype=np.int64)
    end = start + np.array([n for _, _, n in records], dtype=np.int64)
    got = _longest_passive(row, start, end, 5)
    base = dt.date(2020, 1, 1)
    for citizen in range(5):
        mine = [
            (base + dt.timedelta(days=int(s)), base + dt.timedelta(days=int(e)))
            for r, s, e in zip(row, start, end, strict=True)
            if r == citizen
        ]
        expected = longest_uncovered_run(mine) if len(mine) >= 2 else 0
        assert got[citizen] == expected


def _sniffing(records, visits=None, municipalities=None):
    ids = sorted({who for who, _, _ in records} | set(visits or {}))
    visits = visits or {}
    citizens = pd.DataFrame(
        {
            "citizen_id": ids,
            "municipality": [(municipalities or {}).get(i, "M") for i in ids],
            "visitation_date": [visits.get(i, "2016-03-01") for i in ids],
            "arm": "treatment",
        }
    )
    activities = pd.DataFrame(
        [(who, "SNIFFING", s, e) for who, s, e in records],
        columns=["citizen_id", "activity", "start", "end"],
    )
    return Dataset.from_frames(citizens, activities, cutoff="2016-12-31")


def test_a_stretch_of_exactly_35_passive_days_breaks_the_limit_and_34_keeps_it():
    data = _sniffing(
        [
            # 35 passive days: 11 March to 14 April.
            ("a", "2016-03-01", "2016-03-10"),
            ("a", "2016-04-15", "2016-04-20"),
            # 34 passive days: 11 March to 13 April.
            ("b", "2016-03-01", "2016-03-10"),
            ("b", "2016-04-14", "2016-04-20"),
        ]
    )
    got = Passivity().compute(data, Population())
    assert_table(got, [("M", 1.0, 2, 0.5), ("national", 1.0, 2, 0.5)])
    # The mid-term limit of 28 days fails both.
    assert Passivity(max_days=28).compute(data, Population())["value"].tolist() == [0.0, 0.0]


def test_overlapping_adjacent_and_nested_records_are_not_passive():
    data = _sniffing(
        [
            ("a", "2016-03-01", "2016-03-31"),
            ("a", "2016-03-10", "2016-03-15"),  # nested: the running maximum stays 31 March
            ("a", "2016-04-01", "2016-04-10"),  # adjacent: 0 passive days
            ("a", "2016-04-05", "2016-05-01"),  # overlapping
            ("a", "2016-05-20", "2016-05-25"),  # 18 passive days (2-19 May)
        ]
    )
    assert Passivity(max_days=19).compute(data, Population())["value"].iloc[-1] == 1.0
    assert Passivity(max_days=18).compute(data, Population())["value"].iloc[-1] == 0.0


def test_activities_ending_before_the_draw_are_ignored_and_few_activities_are_configurable():
    data = _sniffing(
        [
            ("a", "2015-12-01", "2016-02-28"),  # ends before the draw on 1 March: ignored
            ("a", "2016-06-01", "2016-06-10"),
            ("b", "2016-02-01", "2016-03-01"),  # ends on the draw date: counts
            ("b", "2016-03-05", "2016-03-10"),
        ],
        municipalities={"a": "X", "b": "Y"},
    )
    got = Passivity().compute(data, Population())
    # a has one activity left: excluded, but X keeps its row without data.
    assert_table(got, [("X", 0.0, 0, math.nan), ("Y", 1.0, 1, 1.0), ("national", 1.0, 1, 1.0)])
    counted = Passivity(few="compliant").compute(data, Population())
    assert_table(counted, [("X", 1.0, 1, 1.0), ("Y", 1.0, 1, 1.0), ("national", 2.0, 2, 1.0)])


def test_passivity_needs_the_activities_table_and_checks_its_parameters():
    citizens = pd.DataFrame(
        {"citizen_id": ["a"], "municipality": ["M"], "visitation_date": ["2016-03-01"]}
    ).assign(arm="treatment")
    with pytest.raises(MissingTableError, match="activities table"):
        Passivity().compute(Dataset.from_frames(citizens, cutoff="2016-12-31"), Population())
    with pytest.raises(ValueError, match="activity"):
        Passivity(activity="ORDINARY_HOURS")
    with pytest.raises(ValueError, match="few"):
        Passivity(few="ignore")
    with pytest.raises(ValueError):
        Passivity(activity="NAPPING")
    assert Passivity(activity="sniffing").codes == {"activities": ("SNIFFING",)}
    assert "under 35 days" in Passivity().describe()
