"""Read-only NumPy arrays for the library's frozen result and data objects."""

from __future__ import annotations

import numpy as np


def read_only(values: object, dtype: type | np.dtype, *, copy: bool = True) -> np.ndarray:
    """A C-contiguous array of ``dtype`` that cannot be written to.

    ``copy=False`` reuses ``values`` when it already has the layout and type, which matters for
    the panel's large matrices; the caller then hands over the array.
    """
    array = (
        np.array(values, dtype=dtype, order="C")
        if copy
        else np.ascontiguousarray(values, dtype=dtype)
    )
    array.flags.writeable = False
    return array


def float_array(values: object) -> np.ndarray:
    """Read-only float64 copy (an attrs converter)."""
    return read_only(values, np.float64)


def int_array(values: object) -> np.ndarray:
    """Read-only int64 copy (an attrs converter)."""
    return read_only(values, np.int64)
