"""The shared per-municipality + national grouping of every indicator kind."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures.fidelity import NATIONAL
from activemeasures.fidelity.kinds._grouped import (
    grouped_values,
    indicator_frame,
    municipality_codes,
)

from ._kinds_data import assert_table, reference_table

labels = st.sampled_from(["Aarhus", "aalborg", "Ærø", 101, "101", 53, 2.5])


@settings(max_examples=100)
@given(
    st.lists(st.tuples(labels, st.sampled_from([0.0, 1.0, 0.5, 3.0]), st.booleans()), max_size=30)
)
def test_grouped_values_match_the_plain_sums(members):
    got = grouped_values(
        [m for m, _, _ in members],
        np.array([y for _, y, _ in members], dtype=float),
        np.array([d for _, _, d in members], dtype=bool),
    )
    assert_table(got, reference_table(members))


def test_units_are_sorted_as_text_and_equal_text_is_one_unit():
    codes, units = municipality_codes([101, "53", 2, "101"])
    assert units == ["101", "2", "53"]
    assert codes.tolist() == [0, 2, 1, 0]


def test_a_municipality_called_national_is_refused():
    with pytest.raises(ValueError, match="national"):
        grouped_values([NATIONAL], [1.0], [True])


def test_an_empty_denominator_is_no_data_not_zero():
    got = grouped_values(["A", "A"], [1.0, 1.0], [False, False])
    # Numerators of excluded citizens do not count; 0 / 0 is NaN.
    assert_table(got, [("A", 0.0, 0, math.nan), ("national", 0.0, 0, math.nan)])
    frame = indicator_frame(["national"], [5.0], [0], [2.0])
    assert math.isnan(frame["value"].iloc[0])


def test_nothing_at_all_gives_a_national_row_only():
    got = grouped_values([], np.zeros(0), np.zeros(0, dtype=bool))
    assert_table(got, [("national", 0.0, 0, math.nan)])
    assert got["denominator"].dtype == np.int64
