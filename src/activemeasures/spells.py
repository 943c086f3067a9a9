"""Continuous spells with tolerated gaps: the JobFirst "13 weeks" rule and its relatives.

The rule (SPEC.md §4.3; 001, L319-326; 000, L518-524): a citizen meets "13 weeks of continuous
enterprise-directed activity" when 13 *counted* weeks have accumulated in one spell; gaps of up
to four inactive weeks are tolerated but not counted; a fifth consecutive inactive week ends
the spell, and the next active week starts a new count from one.

The engine here is whole-matrix NumPy. No maintained library computes gap-tolerant spells, so
it is written for this purpose: rows are processed in cache-sized blocks laid out week-major,
and every step is an element-wise operation or a parallel prefix scan (Hillis and Steele,
1986) over all rows of the block at once, in 8-bit (or 16-bit) integers, without any Python
loop over rows or weeks. :meth:`SpellRule.spells` works on the list of active cells instead.
"""

from __future__ import annotations

import os
import threading
from concurrent.futures import ThreadPoolExecutor

import attrs
import numpy as np
import pandas as pd

__all__ = ["SpellRule"]

#: Rows processed together: a block's working set (six arrays of weeks × rows bytes, about 8 MB
#: for 156 weeks) stays in the processor's caches, and each NumPy call covers enough rows for
#: its overhead not to matter.
_BLOCK_ROWS = 8192

#: Environment variable that caps the threads of the spell engine (default: every CPU the
#: process may use).
THREADS_VARIABLE = "ACTIVEMEASURES_THREADS"


def _threads() -> int:
    """Threads for the spell engine: ``ACTIVEMEASURES_THREADS`` or the usable CPUs."""
    setting = os.environ.get(THREADS_VARIABLE)
    if setting:
        return max(1, int(setting))
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


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

        Notes
        -----
        Blocks of 8,192 rows are processed in parallel threads, one per usable CPU; set the
        environment variable ``ACTIVEMEASURES_THREADS`` to cap them (``1`` for none). The
        result does not depend on it.
        """
        matrix, observed = _check_inputs(active, observed_weeks)
        n_rows, n_weeks = matrix.shape
        result = np.zeros(n_rows, dtype=np.int32)
        if n_rows == 0 or n_weeks == 0:
            return result
        starts = range(0, n_rows, _BLOCK_ROWS)  # blocks of rows, not single rows
        n_threads = min(_threads(), len(starts))
        # NumPy releases the GIL inside each whole-block operation, so blocks run in parallel
        # threads; each thread has its own engine (work buffers). Results do not depend on it.
        local = threading.local()

        def run(begin: int) -> None:
            engine = getattr(local, "engine", None)
            if engine is None:
                engine = local.engine = _BlockEngine(self, n_weeks, min(n_rows, _BLOCK_ROWS))
            stop = min(begin + _BLOCK_ROWS, n_rows)
            obs = None if observed is None else observed[begin:stop]
            result[begin:stop] = engine.first_met(matrix[begin:stop], obs)

        if n_threads == 1:
            for begin in starts:
                run(begin)
        else:
            with ThreadPoolExecutor(max_workers=n_threads) as pool:
                list(pool.map(run, starts))
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


def _compare(op: np.ufunc, x: np.ndarray, y: object, out: np.ndarray) -> np.ndarray:
    """``op(x, y)`` as 0/1 into the unsigned integer buffer ``out`` (returned).

    A comparison writes booleans; into a ``uint8`` buffer they go through its boolean view
    (same bytes, 0 or 1), which avoids NumPy's much slower casting loop.
    """
    if out.dtype == np.uint8:
        op(x, y, out=out.view(np.bool_))
    else:
        op(x, y, out=out, casting="unsafe")
    return out


class _BlockEngine:
    """Spell computations on a block of rows, laid out week-major.

    A block of ``rows × weeks`` is loaded transposed, as ``weeks × rows`` bytes (through a bit
    packing, which is much cheaper than NumPy's element-wise transpose). In that layout
    "the same citizen ``k`` weeks earlier" is the array ``k`` rows up, so every shift along
    weeks is a contiguous slice and every step of the algorithm is one element-wise operation
    over all citizens of the block, run by NumPy's SIMD loops. Work buffers are allocated once.

    The rule needs two prefix scans along weeks (a running count of active weeks and the
    latest spell start). They run in place as Brent and Kung's (1982) work-efficient scan: an
    up-sweep and a down-sweep of ``log2(weeks)`` steps each, step ``k`` touching every
    ``2^k``-th week only, so a scan costs about two element-wise passes over the block.
    """

    def __init__(self, rule: SpellRule, n_weeks: int, block_rows: int) -> None:
        self.rule = rule
        self.n_weeks = n_weeks
        self.padded_weeks = -(-n_weeks // 8) * 8  # whole bytes for the bit packing
        # Counts and week positions never exceed the padded number of weeks.
        self.dtype = np.dtype(
            np.uint8
            if self.padded_weeks < 255
            else np.uint16
            if self.padded_weeks < 65535
            else np.uint32
        )
        shape = (self.padded_weeks, block_rows)
        self._buffers = [np.zeros(shape, dtype=self.dtype) for _ in range(6)]
        self._padded = np.zeros((block_rows, self.padded_weeks), dtype=bool)
        self._position = np.arange(1, self.padded_weeks + 1, dtype=self.dtype)[:, None]
        self._reverse = self._position[::-1].copy()  # padded_weeks, ..., 1

    # -------------------------------------------------------------- layout

    def _load(self, block: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Write ``block`` (rows × weeks, bool) transposed into ``out`` (weeks × rows, 0/1)."""
        n_rows = block.shape[0]
        padded = self._padded[:n_rows]
        padded[:, : self.n_weeks] = block
        packed = np.packbits(padded.reshape(-1)).reshape(n_rows, self.padded_weeks // 8)
        packed = np.ascontiguousarray(packed.T)  # byte j of every row: weeks 8j .. 8j+7
        by_byte = out.reshape(self.padded_weeks // 8, 8, n_rows)
        for bit in range(8):  # bit b of byte j is week 8j + b
            np.right_shift(packed, 7 - bit, out=by_byte[:, bit], casting="unsafe")
        return np.bitwise_and(out, 1, out=out)

    @staticmethod
    def _scan(x: np.ndarray, op: np.ufunc) -> np.ndarray:
        """Inclusive prefix scan of ``op`` along axis 0 (weeks), in place (Brent-Kung).

        Up-sweep: for ``s = 1, 2, 4, ...`` week ``i`` with ``i + 1`` a multiple of ``2s``
        takes in week ``i - s``; afterwards week ``2^k - 1`` holds the scan of weeks
        ``0 .. 2^k - 1``. Down-sweep: for the same ``s`` in reverse, week ``i`` with
        ``i + 1`` an odd multiple of ``s`` (above ``2s``) takes in week ``i - s``, which is
        complete by then. The target and source weeks of a step never overlap.
        """
        n = x.shape[0]
        s = 1
        while 2 * s <= n:
            target = x[2 * s - 1 :: 2 * s]
            op(target, x[s - 1 :: 2 * s][: len(target)], out=target)
            s *= 2
        while s > 1:
            s //= 2
            target = x[3 * s - 1 :: 2 * s]
            if len(target):
                op(target, x[2 * s - 1 :: 2 * s][: len(target)], out=target)
        return x

    # -------------------------------------------------------------- the rule

    def _starts(self, active: np.ndarray, running: np.ndarray, out: np.ndarray) -> np.ndarray:
        """1 at active weeks with no active week among the ``max_gap + 1`` weeks before them.

        The active weeks among weeks ``w - 1 - max_gap .. w - 1`` are the difference of the
        running count ``running[w - 1] - running[w - 2 - max_gap]``; ``active > that`` is
        "active and none before".
        """
        length = self.rule.max_gap + 1
        out[0] = 0
        if length < self.padded_weeks:
            out[1 : length + 1] = running[:length]
            np.subtract(running[length:-1], running[: -length - 1], out=out[length + 1 :])
        else:
            out[1:] = running[:-1]
        return _compare(np.greater, active, out, out)

    def _spans_minus_one(self, starts: np.ndarray, out: np.ndarray) -> np.ndarray:
        """Per active week: weeks since its spell's first week (the last start so far)."""
        first_week = self._scan(np.multiply(starts, self._position, out=out), np.maximum)
        return np.subtract(self._position, first_week, out=first_week)

    def _counts_minus_one(
        self, running: np.ndarray, starts: np.ndarray, out: np.ndarray
    ) -> np.ndarray:
        """Per active week: active weeks of its spell up to it, minus one.

        The running count minus its value at the spell's first week (a prefix maximum of the
        running counts at starts, since running counts never decrease).
        """
        base = self._scan(np.multiply(running, starts, out=out), np.maximum)
        return np.subtract(running, base, out=base)

    def first_met(self, block: np.ndarray, observed: np.ndarray | None) -> np.ndarray:
        """First week met per row of ``block`` (1-based, 0 if never, then 0 beyond observed).

        The rule is causal (whether it is met in week ``w`` depends on weeks ``1 .. w`` only),
        so censoring is applied to the result: a week met after the observed weeks is 0.
        """
        n_rows = block.shape[0]
        views = [b[:, :n_rows] for b in self._buffers]
        active = self._load(block, views[0])
        np.copyto(views[1], active)
        running = self._scan(views[1], np.add)
        starts = self._starts(active, running, views[2])
        if self.rule.max_total_gap is not None:
            self._split_on_total_gap(active, running, starts, views[3:])
        if self.rule.count_gap_weeks:
            counts = self._spans_minus_one(starts, views[3])
        else:
            counts = self._counts_minus_one(running, starts, views[3])
        met = _compare(np.greater_equal, counts, self.rule.min_weeks - 1, counts)
        if self.rule.count_gap_weeks or self.rule.min_weeks < 2:
            # Spans also grow in gap weeks. Active counts grow only in active weeks, so the
            # first week they reach a threshold above 0 is an active week already.
            met &= active
        # The first met week is the one with the most weeks after it.
        latest_first = np.multiply(met, self._reverse, out=met).max(axis=0).astype(np.int64)
        week = np.where(latest_first > 0, self.padded_weeks - latest_first + 1, 0)
        if observed is not None:
            week[week > observed] = 0
        return week

    def _split_on_total_gap(
        self, active: np.ndarray, running: np.ndarray, starts: np.ndarray, work: list[np.ndarray]
    ) -> None:
        """Add the starts caused by ``max_total_gap``, a round per break (as ``_cell_starts``)."""
        columns = np.arange(active.shape[1])
        while True:
            spans = self._spans_minus_one(starts, work[0])
            counts = self._counts_minus_one(running, starts, work[1])
            gap_weeks = np.subtract(spans, counts, out=counts)
            violation = (gap_weeks > self.rule.max_total_gap) & (active > starts)
            if not violation.any():
                return
            # The first violation of each row is a true start: earlier weeks are settled.
            latest = (violation * self._reverse).max(axis=0).astype(np.int64)
            has = latest > 0
            starts[self.padded_weeks - latest[has], columns[has]] = 1
