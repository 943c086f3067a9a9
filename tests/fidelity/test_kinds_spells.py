"""SpellShare (JobFirst 5.2, 9.1) against the week-by-week references of tests/reference.py."""

from __future__ import annotations

import datetime as dt
import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Dataset, SpellRule, State
from activemeasures.fidelity import Population, SpellShare
from reference import first_met_week_reference, panel_reference, same_workplace_reference

from ._kinds_data import MUNICIPALITIES, assert_table, day, reference_table

STATE_CHOICES = {
    "enterprise": State.ENTERPRISE_DIRECTED,
    "internship": State.INTERNSHIP,
    "sniffing+internship": State.SNIFFING | State.INTERNSHIP,
}


@st.composite
def spell_cases(draw):
    n = draw(st.integers(0, 10))
    citizens = [
        (f"id-{i:03d}", draw(st.sampled_from(MUNICIPALITIES)), day(draw(st.integers(0, 20))))
        for i in range(n)
    ]
    ids = [c[0] for c in citizens]
    workplaces = st.sampled_from([None, "W1", "W2"])
    activities, hours = [], []
    if ids:
        for who, name, first, length, wp in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids),
                    st.sampled_from(["INTERNSHIP", "WAGE_SUBSIDY", "SNIFFING"]),
                    st.integers(-10, 70),
                    st.integers(0, 30),
                    workplaces,
                ),
                max_size=15,
            )
        ):
            activities.append((who, name, day(first), day(first + length), wp))
        for who, first, length, amount, wp in draw(
            st.lists(
                st.tuples(
                    st.sampled_from(ids),
                    st.integers(-10, 70),
                    st.integers(0, 20),
                    st.sampled_from([0.0, 5.0, 20.0]),
                    workplaces,
                ),
                max_size=8,
            )
        ):
            hours.append((who, day(first), day(first + length), amount, wp))
    horizon = draw(st.integers(3, 10))
    cutoff = day(draw(st.integers(10, 90)))
    rule = SpellRule(
        min_weeks=draw(st.integers(1, 4)),
        max_gap=draw(st.integers(0, 2)),
        count_gap_weeks=draw(st.booleans()),
        max_total_gap=draw(st.none() | st.integers(0, 3)),
    )
    states = draw(st.sampled_from(sorted(STATE_CHOICES)))
    kind = SpellShare(
        rule=rule,
        states=STATE_CHOICES[states],
        by_week=draw(st.none() | st.integers(1, horizon)),
        same_workplace=draw(st.booleans()),
        horizon=horizon,
        require_observed=draw(st.booleans()),
    )
    return citizens, activities, hours, cutoff, kind


def _dataset(citizens, activities, hours, cutoff):
    frame = pd.DataFrame(
        {
            "citizen_id": [c[0] for c in citizens],
            "municipality": [c[1] for c in citizens],
            "visitation_date": [c[2].isoformat() for c in citizens],
            "arm": "treatment",
        }
    )
    activity_frame = pd.DataFrame(
        activities or None, columns=["citizen_id", "activity", "start", "end", "workplace_id"]
    ).astype({"start": "datetime64[ns]", "end": "datetime64[ns]"})
    hours_frame = pd.DataFrame(
        hours or None, columns=["citizen_id", "period_start", "period_end", "hours", "workplace_id"]
    ).astype({"period_start": "datetime64[ns]", "period_end": "datetime64[ns]", "hours": float})
    return Dataset.from_frames(frame, activity_frame, hours_frame, cutoff=cutoff.isoformat())


def spell_share_reference(citizens, activities, hours, cutoff, kind: SpellShare):
    names = {str(m.name) for m in State if m & kind.states}
    rule = kind.rule
    visits = [(c[0], c[2]) for c in citizens]
    ref = panel_reference(
        visits,
        [a[:4] for a in activities],
        [h[:4] for h in hours],
        cutoff,
        kind.horizon,
    )
    if kind.same_workplace:
        met_weeks = same_workplace_reference(
            visits,
            activities,
            hours,
            cutoff,
            kind.horizon,
            names,
            rule.min_weeks,
            rule.max_gap,
            rule.count_gap_weeks,
            rule.max_total_gap,
        )
    else:
        met_weeks = [
            first_met_week_reference(
                [bool(week & names) for week in ref.states[i]],
                ref.observed_weeks[i],
                rule.min_weeks,
                rule.max_gap,
                rule.count_gap_weeks,
                rule.max_total_gap,
            )
            for i in range(len(citizens))
        ]
    members = []
    for i, citizen in enumerate(citizens):
        met = met_weeks[i]
        if kind.by_week is None:
            members.append((citizen[1], float(met > 0), True))
        else:
            observed = ref.observed_weeks[i] >= kind.by_week or not kind.require_observed
            members.append((citizen[1], float(0 < met <= kind.by_week), observed))
    return reference_table(members)


@settings(max_examples=25)
@given(case=spell_cases())
def test_spell_share_matches_the_week_by_week_reference(case):
    citizens, activities, hours, cutoff, kind = case
    got = kind.compute(_dataset(citizens, activities, hours, cutoff), Population())
    assert_table(got, spell_share_reference(citizens, activities, hours, cutoff, kind))


def test_by_week_and_require_observed_by_hand():
    # Drawn 4 January 2016. a: internship 4-31 January = weeks 1-4, rule 3 weeks -> met in
    # week 3. b: internship weeks 4-6 -> met in week 6. c: drawn 1 February, cut-off
    # 21 February: 3 observed weeks, internship all along -> met in week 3.
    citizens = [
        ("a", "M", dt.date(2016, 1, 4)),
        ("b", "M", dt.date(2016, 1, 4)),
        ("c", "N", dt.date(2016, 2, 1)),
    ]
    activities = [
        ("a", "INTERNSHIP", dt.date(2016, 1, 4), dt.date(2016, 1, 31), None),
        ("b", "INTERNSHIP", dt.date(2016, 1, 25), dt.date(2016, 2, 14), None),
        ("c", "INTERNSHIP", dt.date(2016, 2, 1), dt.date(2016, 2, 21), None),
    ]
    data = _dataset(citizens, activities, [], dt.date(2016, 2, 21))
    rule = SpellRule(min_weeks=3, max_gap=0)
    # Within the observed weeks: all three.
    got = SpellShare(rule=rule, horizon=10).compute(data, Population())
    assert_table(got, [("M", 2.0, 2, 1.0), ("N", 1.0, 1, 1.0), ("national", 3.0, 3, 1.0)])
    # By week 4: a only among a, b (both observed 7 weeks); c observed 3 < 4 weeks: left out.
    by4 = SpellShare(rule=rule, by_week=4, horizon=10).compute(data, Population())
    assert_table(by4, [("M", 1.0, 2, 0.5), ("N", 0.0, 0, math.nan), ("national", 1.0, 2, 0.5)])
    # By week 3, the boundary: a and c meet the rule in week 3 itself and count; c is
    # observed exactly 3 weeks, enough. b (week 6) does not.
    by3 = SpellShare(rule=rule, by_week=3, horizon=10).compute(data, Population())
    assert_table(by3, [("M", 1.0, 2, 0.5), ("N", 1.0, 1, 1.0), ("national", 2.0, 3, 2 / 3)])
    # Without require_observed c counts (and met by week 3 <= 4).
    loose = SpellShare(rule=rule, by_week=4, horizon=10, require_observed=False)
    assert_table(
        loose.compute(data, Population()),
        [("M", 1.0, 2, 0.5), ("N", 1.0, 1, 1.0), ("national", 2.0, 3, 2 / 3)],
    )


def test_spell_share_works_without_activities_or_hours():
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a", "b"],
            "municipality": ["M", "M"],
            "visitation_date": ["2016-01-04"] * 2,
            "arm": "treatment",
        }
    )
    data = Dataset.from_frames(citizens, cutoff="2016-12-31")
    got = SpellShare().compute(data, Population())
    assert_table(got, [("M", 0.0, 2, 0.0), ("national", 0.0, 2, 0.0)])


def test_spell_share_parameters_codes_and_description():
    with pytest.raises(ValueError, match="by_week"):
        SpellShare(by_week=30, horizon=26)
    with pytest.raises(ValueError, match="states"):
        SpellShare(states=0)
    kind = SpellShare(by_week=26, same_workplace=True)
    assert kind.codes == {"activities": ("INTERNSHIP", "WAGE_SUBSIDY")}
    assert SpellShare(states="ORDINARY_HOURS").codes == {}
    text = kind.describe()
    assert "13 weeks" in text and "by week 26" in text and "one workplace" in text
    assert kind.tables == ("citizens", "activities", "hours")
