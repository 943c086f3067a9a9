"""Partitioning citizens by key: every record of a citizen lands in the same partition.

A citizen's partition is a keyed hash of the text of its ``citizen_id`` modulo the number of
partitions (:func:`partition_of`). The hash is SipHash-2-4 with a fixed key
(:func:`pandas.util.hash_array`), so it is the same in every process, on every machine and in
every run (unlike Python's randomised ``hash``), and ``101`` and ``"101"`` go together.
Splitting a table into its partitions keeps the rows' order within each partition.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

import numpy as np
import pandas as pd

__all__ = ["CITIZEN_TABLES", "HASH_KEY", "partition_of", "split_frame", "split_frames"]

#: Tables keyed by ``citizen_id``: partitioned with their citizens. The ``survey`` table is
#: keyed by respondent and is never partitioned.
CITIZEN_TABLES: tuple[str, ...] = ("citizens", "activities", "hours", "events", "visitations")

#: The 16-byte SipHash key of :func:`partition_of` (fixed: partitions are stable across runs).
HASH_KEY = "activemeasures-1"


def partition_of(citizen_id: object, npartitions: int) -> np.ndarray:
    """The partition (0 to ``npartitions - 1``) of each citizen key.

    Parameters
    ----------
    citizen_id : array_like
        Citizen keys (any type; compared as text).
    npartitions : int
        Number of partitions, at least 1.

    Returns
    -------
    numpy.ndarray of int64

    Notes
    -----
    :math:`p(i) = \\operatorname{SipHash}_k(\\operatorname{str}(\\text{id}_i)) \\bmod P` with
    the fixed key :data:`HASH_KEY`. The same key gives the same partition in every process
    and run, whatever table it appears in.

    Examples
    --------
    >>> from activemeasures.distributed import partition_of
    >>> partition_of(["a", "b", "a", 101, "101"], 4).tolist()
    [3, 1, 3, 2, 2]
    """
    npartitions = int(npartitions)
    if npartitions < 1:
        raise ValueError(f"npartitions must be at least 1, got {npartitions}")
    text = pd.Series(np.asarray(citizen_id, dtype=object)).astype(str).to_numpy(dtype=object)
    hashed = pd.util.hash_array(text, hash_key=HASH_KEY, categorize=True)
    return (hashed % np.uint64(npartitions)).astype(np.int64)


def split_frame(frame: pd.DataFrame, npartitions: int) -> list[pd.DataFrame]:
    """The rows of a citizen-keyed table, by partition of their ``citizen_id`` (order kept).

    Examples
    --------
    >>> import pandas as pd
    >>> from activemeasures.distributed.partitioning import split_frame
    >>> frame = pd.DataFrame({"citizen_id": ["a", "b", "a"], "x": [1, 2, 3]})
    >>> [part["x"].tolist() for part in split_frame(frame, 4)]
    [[], [2], [], [1, 3]]
    """
    part = partition_of(frame["citizen_id"].to_numpy(), npartitions)
    order = np.argsort(part, kind="stable")
    bounds = np.searchsorted(part[order], np.arange(npartitions + 1))
    return [
        frame.iloc[order[begin:end]].reset_index(drop=True)
        for begin, end in itertools.pairwise(bounds)
    ]


def split_frames(
    frames: Sequence[pd.DataFrame | None], npartitions: int
) -> list[list[pd.DataFrame | None]]:
    """:func:`split_frame` of several tables at once: ``result[p][t]`` is table ``t``'s part."""
    split = [
        [None] * npartitions if frame is None else split_frame(frame, npartitions)
        for frame in frames
    ]
    return [[pieces[p] for pieces in split] for p in range(npartitions)]
