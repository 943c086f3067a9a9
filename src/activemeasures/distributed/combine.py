"""Adding up the partitions' sufficient statistics.

Every function here takes one statistic from each partition and returns the statistic of
all citizens together: counts and sums are added, weekly moments are merged with the update
of Chan, Golub and LeVeque (the same code :func:`~activemeasures.estimators.weekly_effects`
merges its blocks of rows with), data-quality counts are added per table and rule.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

from activemeasures.quality import DataQualityReport, QualityEntry

__all__ = ["add_arrays", "merge_moments", "merge_quality", "merge_sample"]


def merge_quality(reports: Sequence[DataQualityReport]) -> DataQualityReport:
    """One report whose counts are the sums of the reports' counts per table, rule and action.

    Entries keep the order in which the reports list them: an entry first seen in a later
    report is placed after the entry that precedes it there.

    Examples
    --------
    >>> from activemeasures.distributed.combine import merge_quality
    >>> from activemeasures.quality import DataQualityReport, QualityEntry
    >>> a = DataQualityReport([QualityEntry(table="t", rule="read", action="read", n_records=2)])
    >>> b = DataQualityReport([
    ...     QualityEntry(table="t", rule="read", action="read", n_records=3),
    ...     QualityEntry(table="t", rule="late", action="excluded", n_records=1)])
    >>> merge_quality([a, b]).to_frame()
      table  rule    action  n_records
    0     t  read      read          5
    1     t  late  excluded          1
    """
    order: list[tuple[str, str, str]] = []
    counts: dict[tuple[str, str, str], int] = {}
    for report in reports:
        previous = None
        for entry in report.entries:
            key = (entry.table, entry.rule, entry.action)
            if key not in counts:
                at = 0 if previous is None else order.index(previous) + 1
                order.insert(at, key)
                counts[key] = 0
            counts[key] += int(entry.n_records)
            previous = key
    return DataQualityReport(
        [QualityEntry(table=t, rule=r, action=a, n_records=counts[(t, r, a)]) for t, r, a in order]
    )


def merge_sample(frames: Sequence[pd.DataFrame], by: str) -> pd.DataFrame:
    """Citizens and citizens with full follow-up per group, added over partitions."""
    stacked = pd.concat(frames, ignore_index=True)
    summed = (
        stacked.groupby("value", sort=True)[["n_citizens", "n_full_follow_up"]].sum().reset_index()
    )
    summed.insert(0, "by", by)
    return summed.astype({"n_citizens": "int64", "n_full_follow_up": "int64"})


def merge_moments(parts: Sequence) -> object:
    """Weekly moments per group of all partitions (Chan et al.'s pairwise update)."""
    from activemeasures.estimators.curves import _combine_moments

    return _combine_moments(list(parts))


def add_arrays(parts: Sequence) -> object:
    """Element-wise sum of arrays, or of tuples / dicts of arrays (and ints)."""
    first = parts[0]
    if isinstance(first, dict):
        return {key: add_arrays([p[key] for p in parts]) for key in first}
    if isinstance(first, tuple):
        return tuple(add_arrays([p[i] for p in parts]) for i in range(len(first)))
    total = np.array(first, copy=True)
    for part in parts[1:]:
        total = total + part
    return total
