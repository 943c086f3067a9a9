"""'Flere skal med' eligibility (SPEC.md §2.2, §11 A-24) against a per-citizen reference."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import activemeasures as am
from activemeasures_flereskalmed.eligibility import (
    CASH_LIKE_BENEFITS,
    comparison_group,
    eligibility,
)

READY = st.sampled_from([True, False, 1, 0, "yes", "no", "TRUE", None])
BENEFIT = st.sampled_from(
    [
        "CASH_BENEFIT",
        "cash_benefit",
        "EDUCATION_BENEFIT",
        "INTEGRATION_BENEFIT",
        "SICKNESS_BENEFIT",
        "RESOURCE_COURSE_BENEFIT",
        None,
    ]
)
YEARS = st.one_of(st.none(), st.sampled_from([0.0, 2.99, 3.0, 4.99, 5.0, 5.01, 6.0, 20.0]))


def _ready(value):
    if value is None:
        return None
    return str(value).strip().lower() in {"true", "1", "yes"}


def reference(rows, *, low, high, benefits, strict):
    """Per citizen: (eligible, failed-by-condition counts, missing counts), plain Python."""
    eligible, failed, missing, remaining = [], [0, 0, 0], [0, 0, 0], [0, 0, 0]
    for ready, benefit, years in rows:
        ok_ready = _ready(ready) is True
        ok_benefit = benefit is not None and benefit.upper() in benefits
        if years is None:
            ok_years = False
        elif high is None:
            ok_years = years > low if strict else years >= low
        else:
            ok_years = low <= years < high
        oks = [ok_ready, ok_benefit, ok_years]
        nones = [ready is None, benefit is None, years is None]
        for i in range(3):
            failed[i] += not oks[i]
            missing[i] += (not oks[i]) and nones[i]
            remaining[i] += all(oks[: i + 1])
        eligible.append(all(oks))
    return eligible, failed, missing, remaining


def frame(rows):
    return pd.DataFrame(
        {
            "activity_ready": pd.Series([r[0] for r in rows], dtype=object),
            "benefit": pd.Series([r[1] for r in rows], dtype=object),
            "seniority_years": pd.Series([r[2] for r in rows], dtype="float64"),
        }
    )


@settings(max_examples=50, deadline=None)
@given(rows=st.lists(st.tuples(READY, BENEFIT, YEARS), max_size=30), strict=st.booleans())
def test_target_group_matches_the_reference(rows, strict):
    expected, failed, missing, remaining = reference(
        rows, low=5, high=None, benefits=CASH_LIKE_BENEFITS, strict=strict
    )
    result = eligibility(frame(rows), strict=strict)
    assert result.mask.tolist() == expected
    counts = result.to_frame()
    assert counts["n_failed"].tolist() == failed
    assert counts["n_missing"].tolist() == missing
    assert counts["n_remaining"].tolist() == remaining
    assert result.n_eligible == sum(expected) == remaining[-1]


@settings(max_examples=40, deadline=None)
@given(rows=st.lists(st.tuples(READY, BENEFIT, YEARS), max_size=30))
def test_comparison_group_matches_the_reference(rows):
    expected, failed, _, _ = reference(
        rows, low=3, high=5, benefits=("CASH_BENEFIT",), strict=False
    )
    result = comparison_group(frame(rows))
    assert result.mask.tolist() == expected
    assert result.to_frame()["n_failed"].tolist() == failed
    # Disjoint from the target group (default boundary >= 5).
    assert not (result.mask & eligibility(frame(rows)).mask).any()


def test_boundary_five_years_in_by_default_out_when_strict():
    """A-24: 'more than five years', yet the published band starts at '5-6 years'."""
    rows = [(True, "CASH_BENEFIT", 5.0)]
    assert eligibility(frame(rows)).mask.tolist() == [True]
    assert eligibility(frame(rows), strict=True).mask.tolist() == [False]


def test_seniority_in_days_is_converted_at_365_25_days_a_year():
    citizens = pd.DataFrame(
        {
            "readiness": ["activity_ready", "ACTIVITY_READY", "job_ready"],
            "benefit": ["CASH_BENEFIT"] * 3,
            "seniority_days": [1826, 1827, 4000],
        }
    )
    # 5 × 365.25 = 1826.25 days: 1826 is short of five years, 1827 is not.
    assert eligibility(citizens).mask.tolist() == [False, True, False]
    assert comparison_group(citizens).mask.tolist() == [True, False, False]


def test_missing_columns_and_bad_values_raise_one_validation_error():
    citizens = pd.DataFrame({"activity_ready": ["maybe", True], "seniority_years": [-1, "x"]})
    with pytest.raises(am.ValidationError) as err:
        eligibility(citizens)
    failures = err.value.failures
    assert sorted(zip(failures["column"], failures["rule"], failures["n_rows"], strict=True)) == [
        ("activity_ready", "true/false (or 1/0, yes/no)", 1),
        ("benefit", "column present", 0),
        ("seniority_years", "a finite number >= 0", 1),
        ("seniority_years", "is a number", 1),
    ]
    with pytest.raises(am.ValidationError, match="seniority_years or seniority_days"):
        eligibility(pd.DataFrame({"activity_ready": [True], "benefit": ["CASH_BENEFIT"]}))


def test_bad_parameters():
    citizens = frame([(True, "CASH_BENEFIT", 6.0)])
    with pytest.raises(ValueError, match="min_years"):
        eligibility(citizens, min_years=math.nan)
    with pytest.raises(ValueError, match="years"):
        comparison_group(citizens, years=(5, 3))
    with pytest.raises(ValueError, match="benefits"):
        eligibility(citizens, benefits=())
    with pytest.raises(TypeError):
        eligibility([1, 2])


def test_the_result_holds_counts_only_and_is_read_only():
    citizens = frame([(True, "CASH_BENEFIT", 6.0), (False, "CASH_BENEFIT", 9.0)])
    citizens.insert(0, "citizen_id", ["secret-1", "secret-2"])
    result = eligibility(citizens)
    assert "secret" not in str(result) + repr(result)
    with pytest.raises(ValueError):
        result.mask[0] = False
    assert isinstance(result.mask, np.ndarray)
