"""Continuous spells with tolerated gaps: the JobFirst "13 weeks" rule and its relatives.

The rule (SPEC.md §4.3; 001, L319-326; 000, L518-524): a citizen meets "13 weeks of continuous
enterprise-directed activity" when 13 *counted* weeks have accumulated in one spell; gaps of up
to four inactive weeks are tolerated but not counted; a fifth consecutive inactive week ends
the spell, and the next active week starts a new count from one.

The engine here is whole-matrix NumPy. No maintained library computes gap-tolerant spells, so
it is written for this purpose: every step is an element-wise operation or a parallel prefix
scan (Hillis and Steele, 1986) over all rows of a cache-sized block at once, in 8-bit or 16-bit
integers, without any Python loop over rows or weeks.
"""

from __future__ import annotations

import attrs
import numpy as np
import pandas as pd

__all__ = ["SpellRule"]

#: Rows processed together; a block's working set (a few arrays of rows × weeks bytes) stays
#: in the processor's cache, which makes the element-wise passes several times faster.
_BLOCK_ROWS = 4096

#: Columns of :meth:`SpellRule.spells`.
SPELL_COLUMNS = ("row", "first_week", "last_week", "counted_weeks", "gap_weeks", "week_met")


def _non_negative(instance: object, attribute: attrs.Attribute, value: int | None) -> None:
    if value is not None and value < 0:
        raise ValueError(f"{attribute.name} must be >= 0, got {value}")


def _positive(instance: object, attribute: attrs.Attribute, value: int) -> None:
    if value < 1:
        raise ValueError(f"{attribute.name} must be >= 1, got {value}")


@attrs.frozen(kw_only=True)
class SpellRule:
    r"""The rule "``min_weeks`` counted weeks in one spell, gaps up to ``max_gap`` tolerated".

    Parameters
    ----------
    min_weeks : int, default 13
        Counted weeks needed to meet the rule. JobFirst: 13 (001, L319-326; 000, L518-524;
        SPEC.md §4.3).
    max_gap : int, default 4
        Longest run of inactive weeks that keeps a spell alive. JobFirst: "gaps of up to four
        weeks are allowed" (001, L323); the fifth consecutive inactive week ends the spell
        (SPEC.md §11 A-2). ``max_gap=0`` demands strictly consecutive weeks, as the grant
        criterion does (004, L103-111; SPEC.md §11 A-7).
    count_gap_weeks : bool, default False
        Whether tolerated gap weeks count. JobFirst: they do not count (001, L323; SPEC.md §11
        A-2). With ``True`` a gap counts once the next active week bridges it, so a spell's
        count is its length from its first week to the current active week.
    max_total_gap : int or None, default None
        Optional cap on the total number of gap weeks inside one spell; when the gap weeks of a
        spell exceed it, the spell ends and the next active week starts a new one. The sources
        state only a per-gap limit (SPEC.md §11 A-3, an **interpretation**): ``None`` means no
        cap.

    Notes
    -----
    Let :math:`a_{w} \in \{0, 1\}` say whether week :math:`w = 1, \dots, T_i` of row :math:`i`
    is active, where :math:`T_i` is the row's number of observed weeks (weeks beyond it do not
    exist for that row; they are censored, not inactive). A **spell** starts at an active week
    preceded by more than ``max_gap`` inactive weeks, or by no active week at all. Its count at
    an active week :math:`w` is

    .. math::

        c_w = \sum_{v=s}^{w} a_v \quad\text{(gap weeks not counted)}
        \qquad\text{or}\qquad c_w = w - s + 1 \quad\text{(``count_gap_weeks=True``)},

    where :math:`s` is the spell's first week. The rule is **met** in the first active week
    with :math:`c_w \ge` ``min_weeks``. The earliest possible week is therefore ``min_weeks``
    (001, L361: the effect on the criterion is significant from week 14).

    Activity before visitation is not in the matrix: a spell running at visitation starts
    counting at week 1 (SPEC.md §4.3, interpretation).

    Examples
    --------
    >>> import numpy as np
    >>> from activemeasures import SpellRule
    >>> rule = SpellRule(min_weeks=3, max_gap=1)
    >>> active = np.array([[1, 0, 1, 1, 0, 0, 1],    # gap of one tolerated: met in week 4
    ...                    [1, 1, 0, 0, 1, 0, 0],    # gap of two ends the spell: never met
    ...                    [1, 1, 0, 1, 0, 0, 0]],   # met in week 4, but only 3 weeks observed
    ...                   dtype=bool)
    >>> rule.first_met_week(active)
    array([4, 0, 4], dtype=int32)
    >>> rule.first_met_week(active, observed_weeks=[7, 7, 3])
    array([4, 0, 0], dtype=int32)
    """

    min_weeks: int = attrs.field(default=13, validator=_positive, converter=int)
    max_gap: int = attrs.field(default=4, validator=_non_negative, converter=int)
    count_gap_weeks: bool = attrs.field(default=False, converter=bool)
    max_total_gap: int | None = attrs.field(
        default=None,
        validator=_non_negative,
        converter=attrs.converters.optional(int),
    )

    # ------------------------------------------------------------------ public API

    def first_met_week(
        self, active: np.ndarray, observed_weeks: np.ndarray | None = None
    ) -> np.ndarray:
        """Return, per row, the 1-based week in which the rule is first met, 0 if never.

        Parameters
        ----------
        active : array_like of bool, shape (rows, weeks)
            Whether each week of each row is active (in any of the qualifying states).
        observed_weeks : array_like of int, shape (rows,), optional
            Number of observed weeks per row; later weeks are ignored (censored). ``None``
            means every week is observed.

        Returns
        -------
        numpy.ndarray of int32, shape (rows,)
        """
        matrix, observed = _check_inputs(active, observed_weeks)
        n_rows, n_weeks = matrix.shape
        result = np.zeros(n_rows, dtype=np.int32)
        if n_rows == 0 or n_weeks == 0:
            return result
        engine = _BlockEngine(self, n_weeks, min(n_rows, _BLOCK_ROWS))
        for begin in range(0, n_rows, _BLOCK_ROWS):  # blocks of rows, not single rows
            stop = min(begin + _BLOCK_ROWS, n_rows)
            obs = None if observed is None else observed[begin:stop]
            result[begin:stop] = engine.first_met(matrix[begin:stop], obs)
        return result

    def spells(self, active: np.ndarray, observed_weeks: np.ndarray | None = None) -> pd.DataFrame:
        """Return one row per spell.

        Parameters
        ----------
        active, observed_weeks
            As in :meth:`first_met_week`.

        Returns
        -------
        pandas.DataFrame
            Columns ``row`` (0-based row of ``active``), ``first_week`` and ``last_week``
            (1-based, first and last *active* week of the spell), ``counted_weeks`` (the
            spell's count at its last week), ``gap_weeks`` (tolerated inactive weeks inside
            the spell), ``week_met`` (week in which the count reached ``min_weeks``, 0 if it
            did not), sorted by row and first week.

        Examples
        --------
        >>> import numpy as np
        >>> from activemeasures import SpellRule
        >>> active = np.array([[1, 0, 1, 1, 0, 0, 1]], dtype=bool)
        >>> SpellRule(min_weeks=3, max_gap=1).spells(active)
           row  first_week  last_week  counted_weeks  gap_weeks  week_met
        0    0           1          4              3          1         4
        1    0           7          7              1          0         0
        """
        matrix, observed = _check_inputs(active, observed_weeks)
        matrix = _mask_unobserved(matrix, observed)
        rows, weeks = np.nonzero(matrix)
        weeks = weeks.astype(np.int64) + 1
        starts = self._cell_starts(rows, weeks)
        first_index = np.flatnonzero(starts)
        spell_of_cell = np.cumsum(starts) - 1
        spell_first_week = weeks[first_index]
        span = weeks - spell_first_week[spell_of_cell] + 1
        active_count = np.arange(len(weeks)) - first_index[spell_of_cell] + 1
        count = span if self.count_gap_weeks else active_count
        last_index = (np.append(first_index[1:], len(weeks)) - 1)[: len(first_index)]
        met_week = np.where(count >= self.min_weeks, weeks, np.iinfo(np.int64).max)
        week_met = np.minimum.reduceat(met_week, first_index) if len(first_index) else met_week
        week_met[week_met == np.iinfo(np.int64).max] = 0
        length = weeks[last_index] - spell_first_week + 1
        n_active = last_index - first_index + 1
        return pd.DataFrame(
            {
                "row": rows[first_index].astype(np.int64),
                "first_week": spell_first_week,
                "last_week": weeks[last_index],
                "counted_weeks": length if self.count_gap_weeks else n_active,
                "gap_weeks": length - n_active,
                "week_met": week_met,
            },
            columns=list(SPELL_COLUMNS),
        )

    # ------------------------------------------------------------------ spell starts on cells

    def _cell_starts(self, rows: np.ndarray, weeks: np.ndarray) -> np.ndarray:
        """Spell starts among active cells given in row-major order."""
        n = len(weeks)
        starts = np.ones(n, dtype=bool)
        if n > 1:
            same_row = rows[1:] == rows[:-1]
            gap_before = weeks[1:] - weeks[:-1] - 1
            starts[1:] = ~same_row | (gap_before > self.max_gap)
        if self.max_total_gap is None:
            return starts
        # A total-gap break depends on where the previous spell started, so resolve breaks in
        # rounds: in each round the first violation of every spell is a true start.
        while True:
            first_index = np.flatnonzero(starts)
            spell_of_cell = np.cumsum(starts) - 1
            span = weeks - weeks[first_index][spell_of_cell] + 1
            total_gap = span - (np.arange(n) - first_index[spell_of_cell] + 1)
            violation = (total_gap > self.max_total_gap) & ~starts
            if not violation.any():
                return starts
            violating_spells = spell_of_cell[violation]
            is_first = np.ones(len(violating_spells), dtype=bool)
            is_first[1:] = violating_spells[1:] != violating_spells[:-1]
            starts[np.flatnonzero(violation)[is_first]] = True


def _check_inputs(
    active: np.ndarray, observed_weeks: np.ndarray | None
) -> tuple[np.ndarray, np.ndarray | None]:
    matrix = np.asarray(active)
    if matrix.ndim != 2:
        raise ValueError(f"active must be a 2-dimensional rows × weeks array, got {matrix.ndim}")
    if matrix.dtype != np.bool_:
        if not (np.issubdtype(matrix.dtype, np.integer) or np.issubdtype(matrix.dtype, np.bool_)):
            raise TypeError(f"active must be a boolean array, got dtype {matrix.dtype}")
        matrix = matrix != 0
    matrix = np.ascontiguousarray(matrix)
    if observed_weeks is None:
        return matrix, None
    observed = np.asarray(observed_weeks)
    if observed.shape != (matrix.shape[0],):
        raise ValueError(
            f"observed_weeks must have one entry per row ({matrix.shape[0]}), "
            f"got shape {observed.shape}"
        )
    if observed.size and not np.issubdtype(observed.dtype, np.integer):
        raise TypeError(f"observed_weeks must be integers, got dtype {observed.dtype}")
    if observed.size and observed.min() < 0:
        raise ValueError(f"observed_weeks must be >= 0 ({int((observed < 0).sum())} rows are not)")
    return matrix, np.minimum(observed, matrix.shape[1]).astype(np.int64)


def _mask_unobserved(matrix: np.ndarray, observed: np.ndarray | None) -> np.ndarray:
    if observed is None:
        return matrix
    return matrix & (np.arange(matrix.shape[1]) < observed[:, None])


class _BlockEngine:
    """Spell computations on a block of rows flattened to one contiguous array.

    Flattening makes every step a single contiguous element-wise operation (vectorised by
    NumPy's SIMD loops); shifts along weeks are made row-safe with precomputed masks that zero
    the cells a shift would carry across a row boundary.
    """

    def __init__(self, rule: SpellRule, n_weeks: int, block_rows: int) -> None:
        self.rule = rule
        self.n_weeks = n_weeks
        # Counts, positions and differences never exceed n_weeks + 1.
        self.dtype = np.dtype(
            np.uint8 if n_weeks < 255 else np.uint16 if n_weeks < 65535 else np.uint32
        )
        self.ones = np.iinfo(self.dtype).max
        size = block_rows * n_weeks
        self.week_of_cell = np.tile(np.arange(n_weeks, dtype=self.dtype), block_rows)
        self.position = self.week_of_cell + self.dtype.type(1)  # 1-based week
        self._masks: dict[int, np.ndarray] = {}
        self._scratch = np.empty(size, dtype=self.dtype)

    def _mask(self, k: int) -> np.ndarray:
        mask = self._masks.get(k)
        if mask is None:
            mask = np.where(self.week_of_cell >= k, self.ones, 0).astype(self.dtype)
            self._masks[k] = mask
        return mask

    def _shift(self, x: np.ndarray, k: int, out: np.ndarray) -> np.ndarray:
        """``out[w] = x[w - k]`` within each row, 0 for the first ``k`` weeks."""
        if k >= self.n_weeks:
            out[:] = 0
            return out
        np.bitwise_and(x[:-k], self._mask(k)[k : x.size], out=out[k:])
        out[:k] = 0
        return out

    def _scan(self, x: np.ndarray, op: np.ufunc) -> np.ndarray:
        """In-place inclusive prefix scan of ``op`` along weeks (Hillis-Steele, log2 steps)."""
        shifted = self._scratch[: x.size]
        k = 1
        while k < self.n_weeks:
            op(x, self._shift(x, k, shifted), out=x)
            k *= 2
        return x

    def _any_before(self, x: np.ndarray, length: int) -> np.ndarray:
        """1 where any of the ``length`` weeks before a cell is active (0/1 input)."""
        window = self._shift(x, 1, np.empty_like(x))
        shifted = self._scratch[: x.size]
        span = 1  # `window` covers weeks w-span .. w-1
        while span * 2 <= length:
            window |= self._shift(window, span, shifted)
            span *= 2
        if span < length:
            window |= self._shift(window, length - span, shifted)
        return window

    def _starts(self, active: np.ndarray) -> np.ndarray:
        starts = self._any_before(active, self.rule.max_gap + 1)
        np.bitwise_xor(starts, 1, out=starts)
        starts &= active
        return starts

    def _active_counts(self, active: np.ndarray, starts: np.ndarray) -> np.ndarray:
        """Per active cell: active weeks so far in its spell (prefix sum minus the spell's base)."""
        counts = self._scan(active.copy(), np.add)
        base = counts - 1  # wraps where counts == 0, but those cells are never starts
        base *= starts
        counts -= self._scan(base, np.maximum)
        return counts

    def _spans(self, starts: np.ndarray) -> np.ndarray:
        """Per active cell: weeks from its spell's first week to the cell, both included."""
        position = self.position[: starts.size]
        first_week = self._scan(starts * position, np.maximum)
        span = position - first_week
        span += 1
        return span

    def first_met(self, block: np.ndarray, observed: np.ndarray | None) -> np.ndarray:
        n_rows = block.shape[0]
        if observed is not None:
            block = _mask_unobserved(block, observed)
        active = block.reshape(-1).view(np.uint8).astype(self.dtype)
        starts = self._starts(active)
        if self.rule.max_total_gap is not None:
            self._split_on_total_gap(active, starts, n_rows)
        if self.rule.count_gap_weeks:
            counts = self._spans(starts)
        else:
            counts = self._active_counts(active, starts)
        met = (counts >= self.rule.min_weeks).reshape(n_rows, self.n_weeks)
        met &= block
        first = met.argmax(axis=1)
        return np.where(met[np.arange(n_rows), first], first + 1, 0)

    def _split_on_total_gap(self, active: np.ndarray, starts: np.ndarray, n_rows: int) -> None:
        """Add the starts caused by ``max_total_gap``, a round per break (as ``_cell_starts``)."""
        while True:
            gap_weeks = self._spans(starts) - self._active_counts(active, starts)
            violation = (gap_weeks > self.rule.max_total_gap) & (active > starts)
            violation = violation.reshape(n_rows, self.n_weeks)
            rows = np.flatnonzero(violation.any(axis=1))
            if rows.size == 0:
                return
            # The first violation of each row is a true start: earlier cells are settled.
            weeks = violation[rows].argmax(axis=1)
            starts[rows * self.n_weeks + weeks] = 1
