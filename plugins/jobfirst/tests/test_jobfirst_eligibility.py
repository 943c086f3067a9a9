"""Target groups JF_TG1 / JF_TG2 (SPEC.md §2.1; 004, L26-31) against a row-by-row reference."""

from __future__ import annotations

import math

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import ValidationError
from activemeasures_jobfirst.eligibility import eligibility

BENEFITS = ("resource_course_benefit", "cash_benefit", "integration_benefit", "sickness_benefit")


def frame(**columns):
    base = {
        "age": [40],
        "benefit": ["cash_benefit"],
        "activity_ready": [True],
        "public_support_days": [400],
        "integration_programme": [False],
    }
    n = max(len(v) for v in columns.values()) if columns else 1
    base = {k: v * n for k, v in base.items()}
    base.update(columns)
    return pd.DataFrame(base)


def missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def reference(rows, *, min_age=30, min_days=365, strict=False):
    """Plain Python over citizens: (target group or None, list of failed conditions)."""
    out = []
    for r in rows:
        age, benefit = r["age"], r["benefit"]
        ready, days, programme = r["activity_ready"], r["public_support_days"], r["integration"]
        old = not missing(age) and age >= min_age
        enough = not missing(days) and (days > min_days if strict else days >= min_days)
        if old and benefit == "resource_course_benefit":
            out.append(("JF_TG1", []))
            continue
        tg2_benefit = benefit in ("cash_benefit", "integration_benefit")
        if old and tg2_benefit and ready is True and enough and programme is False:
            out.append(("JF_TG2", []))
            continue
        failed = []
        if missing(age):
            failed.append("age missing")
        elif age < min_age:
            failed.append("age")
        if benefit is None:
            failed.append("benefit missing")
        elif benefit not in ("resource_course_benefit", "cash_benefit", "integration_benefit"):
            failed.append("benefit")
        if tg2_benefit:
            if ready is None:
                failed.append("ready missing")
            elif ready is False:
                failed.append("ready")
            if missing(days):
                failed.append("days missing")
            elif not enough:
                failed.append("days")
            if programme is None:
                failed.append("programme missing")
            elif programme is True:
                failed.append("programme")
        out.append((None, failed))
    return out


# Order of the conditions in Eligibility.failures.
CONDITION_KEYS = [
    "age missing",
    "age",
    "benefit missing",
    "benefit",
    "ready missing",
    "ready",
    "days missing",
    "days",
    "programme missing",
    "programme",
]

rows = st.fixed_dictionaries(
    {
        "age": st.one_of(st.none(), st.integers(27, 33)),
        "benefit": st.one_of(st.none(), st.sampled_from(BENEFITS)),
        "activity_ready": st.one_of(st.none(), st.booleans()),
        "public_support_days": st.one_of(st.none(), st.integers(362, 368)),
        "integration": st.one_of(st.none(), st.booleans()),
    }
)


@settings(max_examples=50, deadline=None)
@given(st.lists(rows, min_size=1, max_size=25), st.booleans(), st.integers(28, 32))
def test_matches_row_by_row_reference(drawn, strict, min_age):
    citizens = pd.DataFrame(
        {
            "age": pd.array([r["age"] for r in drawn], dtype="Int64"),
            "benefit": [r["benefit"] for r in drawn],
            "activity_ready": pd.array([r["activity_ready"] for r in drawn], dtype="boolean"),
            "public_support_days": pd.array(
                [r["public_support_days"] for r in drawn], dtype="Int64"
            ),
            "integration_programme": pd.array([r["integration"] for r in drawn], dtype="boolean"),
        },
        index=pd.RangeIndex(100, 100 + len(drawn)),
    )
    result = eligibility(citizens, strict_support=strict, min_age=min_age)
    expected = reference(drawn, strict=strict, min_age=min_age)
    assert result.target_group.index.equals(citizens.index)
    assert result.eligible.index.equals(citizens.index)
    assert [None if pd.isna(g) else g for g in result.target_group] == [g for g, _ in expected]
    assert result.eligible.tolist() == [g is not None for g, _ in expected]
    counts = [sum(key in failed for _, failed in expected) for key in CONDITION_KEYS]
    assert result.failures["n_citizens"].tolist() == counts
    assert result.counts()["n_citizens"].sum() == len(drawn)


def test_age_boundary_29_and_30():
    # "fyldt 30 år" (004, L28): 30 qualifies, 29 does not.
    result = eligibility(frame(age=[29, 30], benefit=["resource_course_benefit"] * 2))
    assert result.eligible.tolist() == [False, True]
    assert result.failures.set_index("condition").loc["age below 30", "n_citizens"] == 1


@pytest.mark.parametrize(
    ("strict", "expected"),
    [(False, [False, True, True]), (True, [False, False, True])],
)
def test_support_days_boundary_364_365_366(strict, expected):
    # "at least one year" >= 365 days; strict "more than one year" > 365 days.
    result = eligibility(frame(public_support_days=[364, 365, 366]), strict_support=strict)
    assert result.eligible.tolist() == expected
    assert result.target_group.tolist()[2] == "JF_TG2"


def test_tg2_conditions_each_exclude():
    citizens = frame(
        activity_ready=[True, False, True, True],
        integration_programme=[False, False, True, False],
        benefit=["cash_benefit", "cash_benefit", "integration_benefit", "education_benefit"],
    )
    result = eligibility(citizens)
    assert result.eligible.tolist() == [True, False, False, False]
    failed = result.failures.set_index("condition")["n_citizens"]
    assert failed["not activity-ready (cash or integration benefit)"] == 1
    assert failed["in the integration programme (cash or integration benefit)"] == 1
    assert failed["benefit is not resource-course, cash or integration benefit"] == 1
    assert failed.sum() == 3


def test_tg1_needs_neither_activity_readiness_nor_support():
    citizens = frame(
        benefit=["RESOURCE_COURSE_BENEFIT "],
        activity_ready=[False],
        public_support_days=[0],
        integration_programme=[True],
    )
    assert eligibility(citizens).target_group.tolist() == ["JF_TG1"]


def test_flags_accept_words_and_numbers():
    citizens = frame(activity_ready=["yes", "1", 0, "False"])
    assert eligibility(citizens).eligible.tolist() == [True, True, False, False]


def test_age_and_support_from_dates_at_the_reference_date():
    # measured at the draw date. Born 1986-03-01: turns 30 on 2016-03-01.
    # Support since 2015-03-01: 2016-02-29 is 365 days later (2016 is a leap year).
    citizens = pd.DataFrame(
        {
            "birth_date": ["1986-03-01", "1986-03-01", "1984-02-29", "1984-02-29"],
            "visitation_date": ["2016-02-29", "2016-03-01", "2014-02-28", "2014-03-01"],
            "benefit": "cash_benefit",
            "activity_ready": True,
            "public_support_since": ["2015-03-01", "2015-03-01", "2013-01-01", "2013-01-01"],
            "integration_programme": False,
        }
    )
    result = eligibility(citizens)
    # 29, 30, 29 (turns 30 on 1 March in a common year), 30.
    assert result.eligible.tolist() == [False, True, False, True]
    draw = citizens.assign(draw=citizens["visitation_date"], visitation_date="2000-01-01")
    assert eligibility(draw, reference="draw").eligible.tolist() == [False, True, False, True]
    # 2015-03-01 to 2016-02-29 is 365 days: enough, but not "more than one year".
    only_first = citizens.assign(birth_date="1950-01-01")
    assert eligibility(only_first, strict_support=True).eligible.tolist()[:2] == [False, True]


def test_missing_columns_are_named_in_one_error():
    citizens = frame().drop(columns=["age", "activity_ready"])
    with pytest.raises(ValidationError) as info:
        eligibility(citizens)
    failures = info.value.failures
    assert failures["column"].tolist() == ["age", "activity_ready"]
    assert set(failures["rule"]) == {"column present (or birth_date)", "column present"}


def test_date_columns_need_the_reference_column():
    citizens = frame().drop(columns=["age"]).assign(birth_date="1980-01-01")
    with pytest.raises(ValidationError, match="visitation_date"):
        eligibility(citizens)


def test_unreadable_values_are_counted_not_shown_for_ids():
    citizens = frame(age=["forty", 40], activity_ready=["maybe", True]).assign(
        citizen_id=["P00000001", "P00000002"]
    )
    with pytest.raises(ValidationError) as info:
        eligibility(citizens)
    assert info.value.failures[["column", "n_rows"]].to_numpy().tolist() == [
        ["age", 1],
        ["activity_ready", 1],
    ]
    assert "P0000000" not in str(info.value)


def test_str_and_counts_show_counts_only():
    citizens = frame(age=[25, 40, 40]).assign(citizen_id=["P00000001", "P00000002", "P0000003"])
    result = eligibility(citizens)
    text = str(result)
    assert text.startswith("JobFirst eligibility: 2 of 3 citizens eligible (JF_TG1 0, JF_TG2 2)")
    assert "age below 30" in text
    assert "P000000" not in text
    assert result.counts()["n_citizens"].tolist() == [0, 2, 1]
    assert result.parameters["min_age"] == 30


@pytest.mark.parametrize("bad", [{"min_age": -1}, {"min_support_days": float("nan")}])
def test_bad_parameters(bad):
    with pytest.raises(ValueError):
        eligibility(frame(), **bad)


def test_needs_a_frame():
    with pytest.raises(TypeError):
        eligibility([1, 2])
