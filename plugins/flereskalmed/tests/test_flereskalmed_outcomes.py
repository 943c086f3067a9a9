"""'Flere skal med' weekly outcomes and their monthly aggregation, against loop references."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Panel, State
from activemeasures.outcomes import Outcome
from activemeasures.panel import WorkplaceWeeks
from activemeasures.testing import example_dataset
from activemeasures_flereskalmed.outcomes import (
    Clarified,
    EmploymentWithoutBenefit,
    EnterpriseCourseEtc,
    EnterpriseDirected,
    OrdinaryHoursFSM,
    enterprise_course_etc,
    month_of_week,
    monthly_outcomes,
    outcomes,
    weeks_for_months,
)

S = State
BITS = [
    S.INTERNSHIP,
    S.WAGE_SUBSIDY,
    S.FLEX_JOB,
    S.EDUCATION,
    S.ORDINARY_EMPLOYMENT,
    S.RESOURCE_COURSE,
    S.DISABILITY_PENSION,
    S.PUBLIC_BENEFIT,
    S.MENTOR,
]


def make_panel(states, hours, observed, groups) -> Panel:
    """A panel straight from matrices (unobserved weeks zero, as the builder leaves them)."""
    states = np.asarray(states, dtype=np.uint16).copy()
    hours = np.asarray(hours, dtype=np.float32).copy()
    n, horizon = states.shape
    unobserved = np.arange(horizon) >= np.asarray(observed)[:, None]
    states[unobserved], hours[unobserved] = 0, 0
    states[hours > 0] |= np.uint16(S.ORDINARY_HOURS)
    citizens = pd.DataFrame(
        {
            "citizen_id": [f"P{i:09d}" for i in range(n)],
            "municipality": ["A"] * n,
            "visitation_date": pd.Timestamp("2018-01-01"),
            "group": pd.Series(groups, dtype=object),
        }
    )
    return Panel(
        citizens=citizens,
        states=states,
        hours=hours,
        observed_weeks=np.asarray(observed),
        cutoff=pd.Timestamp("2020-01-01"),
        horizon=horizon,
        workplace_weeks=WorkplaceWeeks.concat([], pd.Index([])),
    )


@st.composite
def panels(draw, months=None):
    months = draw(st.integers(1, 4)) if months is None else months
    horizon = int(weeks_for_months(months)[1][-1]) + draw(st.integers(0, 3))
    n = draw(st.integers(1, 8))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))
    chosen = np.array([int(b) for b in BITS], dtype=np.uint16)
    on = rng.random((n, horizon, len(BITS))) < draw(st.sampled_from([0.05, 0.2, 0.5]))
    states = (on * chosen).sum(axis=2).astype(np.uint16)
    hours = np.where(rng.random((n, horizon)) < 0.3, rng.integers(1, 40, (n, horizon)), 0)
    observed = rng.integers(0, horizon + 1, n)
    groups = rng.choice(np.array(["1", "2", None], dtype=object), n)
    return make_panel(states, hours, observed, groups), months


# ------------------------------------------------------------------ weekly definitions


def ref_week(outcome, s: State, h: float) -> float:
    """One citizen-week, written out from SPEC.md §4.7."""
    hours_week = h > 0
    employed_no_benefit = (bool(s & S.ORDINARY_EMPLOYMENT) or hours_week) and not (
        s & S.PUBLIC_BENEFIT
    )
    internship_or_subsidy = bool(s & S.INTERNSHIP) or bool(s & S.WAGE_SUBSIDY)
    flex, education = bool(s & S.FLEX_JOB), bool(s & S.EDUCATION)
    if isinstance(outcome, EnterpriseCourseEtc):
        version_a = internship_or_subsidy or hours_week or flex or education
        version_b = (
            internship_or_subsidy
            or flex
            or employed_no_benefit
            or (hours_week and bool(s & S.PUBLIC_BENEFIT))
        )
        return float(
            {"with_education": version_a, "with_transition": version_b}.get(
                outcome.variant, version_a or version_b
            )
        )
    if isinstance(outcome, EnterpriseDirected):
        return float(internship_or_subsidy)
    if isinstance(outcome, OrdinaryHoursFSM):
        kept = 0.0 if (s & S.WAGE_SUBSIDY or s & S.FLEX_JOB) else h
        return kept if outcome.measure == "hours" else float(kept > 0)
    if isinstance(outcome, EmploymentWithoutBenefit):
        return float(employed_no_benefit)
    raise AssertionError(outcome)


WEEKLY = [
    EnterpriseCourseEtc(),
    EnterpriseCourseEtc("with_education"),
    EnterpriseCourseEtc("with_transition"),
    EnterpriseDirected(),
    OrdinaryHoursFSM(),
    OrdinaryHoursFSM("any"),
    EmploymentWithoutBenefit(),
]


@settings(max_examples=40, deadline=None)
@given(drawn=panels())
def test_weekly_outcomes_equal_the_cell_by_cell_reference(drawn):
    panel, _ = drawn
    for outcome in WEEKLY:
        values = outcome.values(panel)
        assert values.dtype == np.float64 and values.shape == (panel.n_citizens, panel.horizon)
        expected = np.array(
            [
                [
                    ref_week(outcome, S(int(panel.states[i, w])), float(panel.hours[i, w]))
                    for w in range(panel.horizon)
                ]
                for i in range(panel.n_citizens)
            ]
        )
        np.testing.assert_array_equal(values, expected, err_msg=outcome.name)


@settings(max_examples=40, deadline=None)
@given(drawn=panels())
def test_clarified_is_one_from_the_first_week_in_a_destination(drawn):
    panel, _ = drawn
    values = Clarified().values(panel)
    current = Clarified(cumulative=False).values(panel)
    for i in range(panel.n_citizens):
        seen = False
        for w in range(panel.horizon):
            s = S(int(panel.states[i, w]))
            here = bool(s & (S.FLEX_JOB | S.DISABILITY_PENSION | S.RESOURCE_COURSE))
            seen = seen or here
            assert values[i, w] == float(seen)
            assert current[i, w] == float(here)


def test_the_variants_differ_where_the_two_published_lists_differ():
    # Week 1: education only (list A); week 2: ordinary employment, no benefit (list B);
    # week 3: internship (both); week 4: nothing.
    states = [[int(S.EDUCATION), int(S.ORDINARY_EMPLOYMENT), int(S.INTERNSHIP), 0]]
    panel = make_panel(states, [[0, 0, 0, 0]], [4], ["1"])
    assert enterprise_course_etc("with_education").values(panel).tolist() == [[1, 0, 1, 0]]
    assert enterprise_course_etc("with_transition").values(panel).tolist() == [[0, 1, 1, 0]]
    assert enterprise_course_etc().values(panel).tolist() == [[1, 1, 1, 0]]
    with pytest.raises(ValueError, match="variant"):
        EnterpriseCourseEtc("other")


def test_hours_in_wage_subsidy_and_flex_job_weeks_are_left_out():
    states = [[int(S.WAGE_SUBSIDY), int(S.FLEX_JOB), 0, int(S.PUBLIC_BENEFIT)]]
    panel = make_panel(states, [[10, 20, 30, 5]], [4], ["1"])
    assert OrdinaryHoursFSM().values(panel).tolist() == [[0, 0, 30, 5]]
    # Hours count as employment (whatever the activity) unless a benefit is paid that week.
    assert EmploymentWithoutBenefit().values(panel).tolist() == [[1, 1, 1, 0]]


def test_registered_outcomes_follow_the_protocol_with_unique_names():
    found = outcomes()
    assert all(isinstance(o, Outcome) for o in found)
    names = [o.name for o in found]
    assert len(set(names)) == len(names)
    assert all(o.label for o in found)


# ------------------------------------------------------------------ monthly axis


def ref_month(week: int) -> int:
    """Month of a week by floating-point days (independent of the integer formula)."""
    return int((7 * (week - 1)) // 30.4375) + 1


def test_week_to_month_mapping():
    weeks = np.arange(1, 400)
    assert month_of_week(weeks).tolist() == [ref_month(int(w)) for w in weeks]
    first, last = weeks_for_months(29)
    for m in range(1, 30):
        inside = [w for w in weeks if ref_month(int(w)) == m]
        assert (first[m - 1], last[m - 1]) == (inside[0], inside[-1])
    # Hand check: week 5 starts on day 28 < 30.4375 (month 1); week 6 on day 35 (month 2).
    assert month_of_week([5, 6]).tolist() == [1, 2]


def ref_monthly(panel, outcome, months):
    rows = []
    values = outcome.values(panel, compact=True)
    indicator = values.dtype == bool
    labels = [None if pd.isna(g) else str(g) for g in panel.citizens["group"]]
    groups = sorted({g for g in labels if g is not None}) + ([None] if None in labels else [])
    for g in groups:
        members = [i for i in range(panel.n_citizens) if labels[i] == g]
        for m in range(1, months + 1):
            weeks = [w for w in range(1, panel.horizon + 1) if ref_month(w) == m]
            n_obs = n_in = 0
            total = 0.0
            for i in members:
                if panel.observed_weeks[i] < max(weeks):
                    continue  # a month is observed only when all its weeks are
                n_obs += 1
                weekly = [float(values[i, w - 1]) for w in weeks]
                value = float(any(weekly)) if indicator else sum(weekly) / len(weekly)
                n_in += value > 0
                total += value
            rows.append(
                (
                    g,
                    m,
                    n_obs,
                    n_in,
                    n_in / n_obs if n_obs else np.nan,
                    total / n_obs if n_obs else np.nan,
                )
            )
    return rows


@settings(max_examples=40, deadline=None)
@given(drawn=panels())
def test_monthly_aggregation_equals_the_loop_reference(drawn):
    panel, months = drawn
    chosen = [EnterpriseCourseEtc(), OrdinaryHoursFSM(), Clarified()]
    result = monthly_outcomes(panel, chosen, months=months)
    assert tuple(result.columns) == (
        "outcome",
        "group",
        "month",
        "n_observed",
        "n_in_state",
        "share",
        "mean",
    )
    for outcome in chosen:
        got = result[result["outcome"] == outcome.name]
        expected = ref_monthly(panel, outcome, months)
        assert len(got) == len(expected)
        for row, exp in zip(got.itertuples(), expected, strict=True):
            assert (pd.isna(row.group) and exp[0] is None) or row.group == exp[0]
            assert (row.month, row.n_observed, row.n_in_state) == exp[1:4]
            np.testing.assert_allclose([row.share, row.mean], exp[4:], rtol=1e-6)


def test_censoring_a_partly_observed_month_is_left_out():
    # Months 1 and 2 are weeks 1-5 and 6-9. Citizen 0 observed 9 weeks, citizen 1 only 8:
    # citizen 1 is in state in week 7 but month 2 is not observed for them.
    states = np.zeros((2, 9), dtype=np.uint16)
    states[1, 6] = S.INTERNSHIP
    panel = make_panel(states, np.zeros((2, 9)), [9, 8], ["1", "1"])
    result = monthly_outcomes(panel, [EnterpriseDirected()], months=2)
    counts = result[["month", "n_observed", "n_in_state"]].to_numpy().tolist()
    assert counts == [[1, 2, 0], [2, 1, 0]]
    assert result["share"].tolist() == [0.0, 0.0]


def test_total_rows_and_no_grouping():
    states = np.zeros((3, 5), dtype=np.uint16)
    states[0, 0] = S.INTERNSHIP
    panel = make_panel(states, np.zeros((3, 5)), [5, 5, 5], ["1", "2", "2"])
    result = monthly_outcomes(panel, ["internship"], months=1, total=True)
    assert result["group"].tolist() == ["1", "2", "all"]
    assert result["share"].tolist() == pytest.approx([1.0, 0.0, 1 / 3])
    alone = monthly_outcomes(panel, ["internship"], months=1, groups=None)
    assert alone["group"].tolist() == ["all"] and alone["n_observed"].tolist() == [3]


def test_a_short_panel_or_bad_arguments_are_refused():
    panel = make_panel(np.zeros((1, 10), dtype=np.uint16), np.zeros((1, 10)), [10], ["1"])
    with pytest.raises(ValueError, match="at least 14 weeks"):
        monthly_outcomes(panel, [EnterpriseDirected()], months=3)
    with pytest.raises(ValueError, match="months"):
        monthly_outcomes(panel, [EnterpriseDirected()], months=0)
    with pytest.raises(KeyError, match="arm"):
        monthly_outcomes(panel, [EnterpriseDirected()], months=1, groups="arm")
    with pytest.raises(ValueError, match="unique"):
        monthly_outcomes(panel, [EnterpriseDirected(), EnterpriseDirected()], months=1)
    with pytest.raises(TypeError):
        monthly_outcomes(panel.states, [EnterpriseDirected()], months=1)


def test_monthly_outcomes_on_example_data_for_29_months():
    data = example_dataset(n_citizens=60, n_municipalities=2, seed=3, cutoff="2019-12-31")
    data.citizens["group"] = np.resize(["1", "2", "3", "6"], data.n_citizens)
    panel = Panel.from_frames(
        data.citizens, data.activities, data.hours, cutoff=data.cutoff, horizon=127
    )
    result = monthly_outcomes(panel, outcomes())
    assert set(result["month"]) == set(range(1, 30))
    assert result["n_in_state"].le(result["n_observed"]).all()
    shares = result["share"].dropna()
    assert shares.between(0, 1).all()
    assert "P" not in "".join(result["group"].astype(str))  # no identifier leaks into labels
