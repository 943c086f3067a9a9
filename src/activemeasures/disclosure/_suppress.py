"""Cell suppression on flat arrays: primary masks come in, secondary suppression goes out.

A *cell* is one count of persons (one entry of a count column). A *line* is a set of cells
whose sum is published as a total: in a two-way table a row or a column. Lines are given as
group ids per cell (one array per summed-over key); a negative id means "in no line" (e.g.
the row that is itself the total).
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pandas as pd

#: Reasons listed in :attr:`ProtectedTable.exposed_totals`.
REVEALS = "reveals a suppressed cell"
TOO_FEW = "rests on fewer than min_cell persons"


def line_groups(
    keys: pd.DataFrame, by: Sequence[str], in_lines: np.ndarray | None = None
) -> list[tuple[str, np.ndarray]]:
    """For each key of *by*, the group id of every cell in the lines summed along that key."""
    lines = []
    for along in by:
        others = [k for k in by if k != along]
        if others:
            ids = keys.groupby(others, sort=False, dropna=False).ngroup().to_numpy(np.int64)
        else:
            ids = np.zeros(len(keys), dtype=np.int64)
        if in_lines is not None:
            ids = np.where(in_lines, ids, -1)
        lines.append((along, ids))
    return lines


def _suppressed_per_line(ids: np.ndarray, suppressed: np.ndarray) -> np.ndarray:
    member = ids >= 0
    n_lines = int(ids.max()) + 1 if member.any() else 0
    return np.bincount(ids[member], weights=suppressed[member], minlength=n_lines)


def secondary(
    counts: np.ndarray,
    suppressed: np.ndarray,
    lines: Sequence[tuple[str, np.ndarray]],
    eligible: np.ndarray | None = None,
) -> np.ndarray:
    """Suppress more cells until no line has exactly one suppressed cell, where possible.

    In every pass, for each line (dimension by dimension, in the order of *lines*) with exactly
    one suppressed cell, the eligible unsuppressed cell with the smallest count is suppressed
    too (ties: the first in row order). Eligible cells are those with a positive count (a zero
    protects nothing: the hidden sum would equal the hidden cell) and *eligible*. Passes repeat
    until nothing changes; each pass adds a cell, so it ends.
    """
    suppressed = suppressed.copy()
    usable = counts > 0
    if eligible is not None:
        usable &= eligible
    changed = True
    while changed:
        changed = False
        for _, ids in lines:
            alone = _suppressed_per_line(ids, suppressed) == 1
            member = ids >= 0
            wanted = np.zeros(len(counts), dtype=bool)
            wanted[member] = alone[ids[member]]
            candidates = np.flatnonzero(wanted & ~suppressed & usable)
            if candidates.size == 0:
                continue
            order = np.lexsort((candidates, counts[candidates], ids[candidates]))
            candidates = candidates[order]
            first = np.r_[True, ids[candidates][1:] != ids[candidates][:-1]]
            suppressed[candidates[first]] = True
            changed = True
    return suppressed


def exposed_lines(
    counts: np.ndarray,
    suppressed: np.ndarray,
    lines: Sequence[tuple[str, np.ndarray]],
    min_cell: int,
) -> list[tuple[str, int, str]]:
    """Lines whose published total would still disclose: ``(along, first cell, reason)``."""
    found = []
    for along, ids in lines:
        member = ids >= 0
        if not member.any():
            continue
        n_lines = int(ids.max()) + 1
        totals = np.bincount(ids[member], weights=counts[member], minlength=n_lines)
        alone = _suppressed_per_line(ids, suppressed) == 1
        first = np.full(n_lines, -1)
        positions = np.flatnonzero(member)[::-1]
        first[ids[positions]] = positions  # reversed: the first cell of each line wins
        for line in np.flatnonzero((totals > 0) & (totals < min_cell)):
            found.append((along, int(first[line]), TOO_FEW))
        for line in np.flatnonzero(alone & ~((totals > 0) & (totals < min_cell))):
            found.append((along, int(first[line]), REVEALS))
    return found


def exposed_frame(
    keys: pd.DataFrame, by: Sequence[str], found: list[tuple[str, int, str]], count: str
) -> pd.DataFrame:
    """The exposed lines as a tidy frame: count column, key summed along, the line's keys."""
    columns = ["count", "along", *by, "reason"]
    if not found:
        return pd.DataFrame({name: pd.Series(dtype=object) for name in columns})
    rows = []
    for along, position, reason in found:
        row = {"count": count, "along": along}
        for key in by:
            row[key] = None if key == along else keys[key].iloc[position]
        row["reason"] = reason
        rows.append(row)
    return pd.DataFrame(rows, columns=columns)
