"""Combining partitions' statistics equals computing them on all citizens at once."""

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.distributed.combine import add_arrays, merge_moments, merge_quality
from activemeasures.distributed.kinds import sum_tables
from activemeasures.estimators.curves import _Moments
from activemeasures.fidelity.kinds._grouped import grouped_values
from activemeasures.quality import DataQualityReport, QualityEntry

values = st.lists(st.floats(-100, 100, allow_nan=False), min_size=0, max_size=12)


def _moments_of(x):
    """Reference: count, mean and sum of squared deviations of one group and week."""
    x = np.asarray(x, dtype=float)
    if len(x) == 0:
        return 0.0, 0.0, 0.0
    return float(len(x)), x.mean(), ((x - x.mean()) ** 2).sum()


@settings(max_examples=30)
@given(st.lists(values, min_size=1, max_size=5))
def test_merged_moments_equal_those_of_all_values(parts):
    moments = [_Moments(*(np.array([[v]]) for v in _moments_of(p))) for p in parts]
    merged = merge_moments(moments)
    n, mean, m2 = _moments_of([v for p in parts for v in p])
    assert merged.n[0, 0] == n
    assert merged.mean[0, 0] == pytest.approx(mean, rel=1e-9, abs=1e-9)
    assert merged.m2[0, 0] == pytest.approx(m2, rel=1e-9, abs=1e-6)


@settings(max_examples=30)
@given(
    st.lists(
        st.lists(
            st.tuples(st.sampled_from(["A", "B", "C"]), st.booleans(), st.booleans()),
            max_size=15,
        ),
        min_size=1,
        max_size=4,
    )
)
def test_summed_indicator_tables_equal_the_table_of_all_citizens(parts):
    tables = [
        grouped_values([m for m, _, _ in p], [float(y) for _, y, _ in p], [d for _, _, d in p])
        for p in parts
    ]
    everyone = [row for p in parts for row in p]
    expected = grouped_values(
        [m for m, _, _ in everyone], [float(y) for _, y, _ in everyone], [d for _, _, d in everyone]
    )
    pd.testing.assert_frame_equal(sum_tables(tables), expected, check_dtype=False)


def test_merged_quality_adds_counts_and_keeps_the_order_of_first_appearance():
    def entry(rule, n, action="excluded"):
        return QualityEntry(table="t", rule=rule, action=action, n_records=n)

    a = DataQualityReport([entry("read", 4, "read"), entry("late", 1)])
    # "early" appears only in the second report, between "read" and "late".
    b = DataQualityReport([entry("read", 6, "read"), entry("early", 2), entry("late", 0)])
    merged = merge_quality([a, b]).to_frame()
    assert merged["rule"].tolist() == ["read", "early", "late"]
    assert merged["n_records"].tolist() == [10, 2, 1]


def test_add_arrays_adds_nested_statistics():
    parts = [{"n": np.array([1, 2]), "s": (np.array([0.5]), 3)} for _ in range(3)]
    total = add_arrays(parts)
    assert total["n"].tolist() == [3, 6]
    assert total["s"][0].tolist() == [1.5] and total["s"][1] == 9
