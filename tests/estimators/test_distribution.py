"""Distribution of positive ordinary hours in bands (SPEC.md §4.2.4; 001, L351-353)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Panel
from activemeasures.estimators.distribution import (
    DEFAULT_BANDS,
    DISTRIBUTION_COLUMNS,
    hours_distribution,
)
from activemeasures.panel import WorkplaceWeeks

LABELS = [
    "(0, 5]",
    "(5, 10]",
    "(10, 15]",
    "(15, 20]",
    "(20, 25]",
    "(25, 30]",
    "(30, 37)",
    "[37, ∞)",
]


def panel_with_hours(hours: np.ndarray, observed: np.ndarray, arm: np.ndarray) -> Panel:
    n, horizon = hours.shape
    citizens = pd.DataFrame(
        {
            "citizen_id": np.arange(n),
            "municipality": "X",
            "visitation_date": pd.Timestamp("2016-03-01"),
            "arm": arm,
        }
    )
    return Panel(
        citizens=citizens,
        states=np.zeros((n, horizon), dtype=np.uint16),
        hours=hours.astype(np.float32),
        observed_weeks=observed,
        cutoff=pd.Timestamp("2017-12-31"),
        horizon=horizon,
        workplace_weeks=WorkplaceWeeks.concat([], pd.Index([])),
    )


def band_reference(value: float) -> str:
    """The default bands spelled out as a chain of comparisons."""
    if value <= 0:
        raise ValueError
    for upper, label in zip([5, 10, 15, 20, 25, 30], LABELS, strict=False):
        if value <= upper:
            return label
    return "(30, 37)" if value < 37 else "[37, ∞)"


def test_band_edges_follow_the_specification():
    hours = np.array([[5.0], [5.0001], [30.0], [36.99], [37.0], [60.0], [0.0], [0.2]])
    arm = np.array(["treatment"] * 8)
    table = hours_distribution(panel_with_hours(hours, np.ones(8, dtype=int), arm), week=1)
    assert tuple(table.columns) == DISTRIBUTION_COLUMNS
    assert table["band"].cat.categories.tolist() == LABELS
    assert table["band"].cat.ordered
    counts = dict(zip(table["band"], table["n"], strict=True))
    assert counts == {
        "(0, 5]": 2,
        "(5, 10]": 1,
        "(10, 15]": 0,
        "(15, 20]": 0,
        "(20, 25]": 0,
        "(25, 30]": 1,
        "(30, 37)": 1,
        "[37, ∞)": 2,
    }
    assert table["share"].sum() == pytest.approx(1.0)  # the zero-hour citizen is not counted


@settings(max_examples=50)
@given(seed=st.integers(0, 2**32 - 1), n=st.integers(1, 60), week=st.integers(1, 4))
def test_counts_and_shares_equal_a_loop_over_citizens(seed, n, week):
    rng = np.random.default_rng(seed)
    hours = rng.choice([0.0, 2.5, 5.0, 7.5, 30.0, 36.5, 37.0, 45.0], size=(n, 4))
    observed = rng.integers(0, 5, n)
    arm = rng.choice(["treatment", "control", "comparison"], n)
    table = hours_distribution(panel_with_hours(hours, observed, arm), week=week)
    counts: dict[tuple[str, str], int] = {}
    totals: dict[str, int] = {}
    for i in range(n):
        value = float(np.float32(hours[i, week - 1]))
        if observed[i] >= week and value > 0:
            key = (arm[i], band_reference(value))
            counts[key] = counts.get(key, 0) + 1
            totals[arm[i]] = totals.get(arm[i], 0) + 1
    assert table["arm"].unique().tolist() == sorted(set(arm))
    for row in table.itertuples():
        assert row.n == counts.get((row.arm, row.band), 0)
        if totals.get(row.arm):
            assert row.share == pytest.approx(row.n / totals[row.arm], abs=1e-15)
        else:
            assert np.isnan(row.share)


def test_custom_bands_and_treatment_column():
    hours = np.array([[3.0], [12.0], [20.0], [40.0]])
    panel = panel_with_hours(hours, np.ones(4, dtype=int), np.array(["t", "t", "c", "c"]))
    panel.citizens["group"] = ["g1", "g2", "g1", "g2"]
    bands = [pd.Interval(0, 15, closed="right"), pd.Interval(15, np.inf, closed="right")]
    table = hours_distribution(panel, 1, bands, treatment="group")
    assert table["band"].tolist() == ["(0, 15]", "(15, ∞]"] * 2
    assert table["n"].tolist() == [1, 1, 1, 1]
    assert table["share"].tolist() == [0.5, 0.5, 0.5, 0.5]


def test_default_bands_cover_the_positive_line_once():
    values = np.array([1e-9, 5, 10, 29.999, 30, 30.5, 37, 1e6])
    hits = np.zeros(len(values), dtype=int)
    for band in DEFAULT_BANDS:
        hits += [v in band for v in values]
    assert hits.tolist() == [1] * len(values)


def test_bad_arguments_are_refused():
    panel = panel_with_hours(
        np.array([[3.0], [12.0]]), np.ones(2, dtype=int), np.array(["treatment", "control"])
    )
    with pytest.raises(ValueError, match="week must be 1 to 1"):
        hours_distribution(panel, 2)
    with pytest.raises(ValueError, match="'group' is not in"):
        hours_distribution(panel, 1, treatment="group")
    with pytest.raises(ValueError, match="1 positive hour values fall in no band"):
        hours_distribution(panel, 1, [pd.Interval(0, 5, closed="right")])
    with pytest.raises(ValueError, match="bands overlap"):
        hours_distribution(panel, 1, [pd.Interval(0, 15), pd.Interval(10, 20)])
    with pytest.raises(TypeError, match=r"pandas\.Interval"):
        hours_distribution(panel, 1, [(0, 5)])
    with pytest.raises(TypeError, match="must be a Panel"):
        hours_distribution(pd.DataFrame(), 1)
