"""``lexsort_ints`` sorts integer keys exactly as ``np.lexsort`` does (stable, last key first)."""

from __future__ import annotations

import numpy as np
from hypothesis import given
from hypothesis import strategies as st

from activemeasures._arrays import lexsort_ints


@given(
    n=st.integers(0, 60),
    n_keys=st.integers(1, 3),
    low=st.integers(-(10**6), 10**6),
    span=st.sampled_from([1, 3, 1000, 2**40]),
    seed=st.integers(0, 2**32 - 1),
)
def test_lexsort_ints_gives_the_order_of_numpy_lexsort(n, n_keys, low, span, seed):
    """Small spans are packed into one key; spans whose product passes 2**62 fall back."""
    rng = np.random.default_rng(seed)
    keys = tuple(rng.integers(low, low + span, n) for _ in range(n_keys))
    np.testing.assert_array_equal(lexsort_ints(keys), np.lexsort(keys))
