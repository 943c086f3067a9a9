"""SpellRule: continuous spells with tolerated gaps (SPEC.md §4.3).

Property tests compare the whole-matrix engine with the week-by-week loop of the specification
(``tests/reference.py``); the example tests spell out one edge case of §4.3 each.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra import numpy as nps

from activemeasures import SpellRule
from activemeasures import spells as spells_module
from reference import first_met_week_reference, spells_reference

# ---------------------------------------------------------------------------------- strategies


@st.composite
def rules(draw: st.DrawFn, max_min_weeks: int = 16) -> SpellRule:
    """Random rule parameters, including ``max_gap=0`` and a cap on total gap weeks."""
    return SpellRule(
        min_weeks=draw(st.integers(1, max_min_weeks)),
        max_gap=draw(st.integers(0, 6)),
        count_gap_weeks=draw(st.booleans()),
        max_total_gap=draw(st.none() | st.integers(0, 10)),
    )


@st.composite
def run_rows(draw: st.DrawFn, n_weeks: int, max_run: int, max_gap_run: int) -> np.ndarray:
    """A row built from alternating runs of active and inactive weeks (long spells, real gaps)."""
    row = np.zeros(n_weeks, dtype=bool)
    week = 0
    active = draw(st.booleans())
    while week < n_weeks:
        length = draw(st.integers(1, max_run if active else max_gap_run))
        row[week : week + length] = active
        week += length
        active = not active
    return row


@st.composite
def matrices(draw: st.DrawFn, min_weeks: int = 1, max_weeks: int = 40) -> np.ndarray:
    """Boolean rows × weeks matrices: 0 rows, single weeks, noise or runs of weeks."""
    n_rows = draw(st.integers(0, 6))
    n_weeks = draw(st.integers(min_weeks, max_weeks))
    if draw(st.booleans()):
        return draw(nps.arrays(np.bool_, (n_rows, n_weeks), elements=st.booleans()))
    max_run = draw(st.sampled_from([3, 8, 20, n_weeks]))
    max_gap_run = draw(st.sampled_from([2, 5, 8, max_run]))
    rows = [draw(run_rows(n_weeks, max_run, max_gap_run)) for _ in range(n_rows)]
    return np.array(rows, dtype=bool).reshape(n_rows, n_weeks)


@st.composite
def observed_for(draw: st.DrawFn, active: np.ndarray) -> np.ndarray | None:
    """``None`` (all observed) or per-row observed weeks from 0 to beyond the matrix."""
    if draw(st.booleans()):
        return None
    n_rows, n_weeks = active.shape
    dtype = draw(st.sampled_from([np.int16, np.int32, np.int64]))
    return draw(nps.arrays(dtype, n_rows, elements=st.integers(0, n_weeks + 5)))


def reference_first_met(rule: SpellRule, active: np.ndarray, observed) -> list[int]:
    return [
        first_met_week_reference(
            list(row),
            None if observed is None else int(observed[i]),
            rule.min_weeks,
            rule.max_gap,
            rule.count_gap_weeks,
            rule.max_total_gap,
        )
        for i, row in enumerate(active)
    ]


def reference_spells(rule: SpellRule, active: np.ndarray, observed) -> list[tuple]:
    return [
        (i, *spell)
        for i, row in enumerate(active)
        for spell in spells_reference(
            list(row),
            None if observed is None else int(observed[i]),
            rule.min_weeks,
            rule.max_gap,
            rule.count_gap_weeks,
            rule.max_total_gap,
        )
    ]


def as_tuples(frame: pd.DataFrame) -> list[tuple]:
    return [tuple(int(v) for v in row) for row in frame.itertuples(index=False)]


def rows_of(text: str) -> np.ndarray:
    """``"11.1"`` -> one row ``[True, True, False, True]`` (``1`` active, ``.`` inactive)."""
    return np.array([[c == "1" for c in text]], dtype=bool)


def met(rule: SpellRule, text: str, observed: int | None = None) -> int:
    obs = None if observed is None else [observed]
    return int(rule.first_met_week(rows_of(text), obs)[0])


JOBFIRST = SpellRule(min_weeks=13, max_gap=4)

# ---------------------------------------------------------------------------------- properties


@given(data=st.data(), rule=rules())
def test_first_met_week_agrees_with_the_week_by_week_loop(data, rule):
    """The vectorised engine returns what SPEC.md §4.3's loop returns, row by row."""
    active = data.draw(matrices())
    observed = data.draw(observed_for(active))
    result = rule.first_met_week(active, observed)
    assert result.dtype == np.int32
    assert result.shape == (active.shape[0],)
    assert result.tolist() == reference_first_met(rule, active, observed)


@settings(max_examples=60)
@given(data=st.data(), rule=rules(max_min_weeks=300))
def test_first_met_week_agrees_with_the_loop_beyond_255_weeks(data, rule):
    """More than 255 weeks switches the engine to 16-bit counters; results do not change."""
    active = data.draw(matrices(min_weeks=250, max_weeks=300))
    observed = data.draw(observed_for(active))
    assert rule.first_met_week(active, observed).tolist() == reference_first_met(
        rule, active, observed
    )


@given(data=st.data(), rule=rules())
def test_spells_agree_with_the_week_by_week_loop(data, rule):
    """Every spell (first and last active week, counted weeks, gap weeks, week met) matches."""
    active = data.draw(matrices())
    observed = data.draw(observed_for(active))
    frame = rule.spells(active, observed)
    assert list(frame.columns) == [
        "row",
        "first_week",
        "last_week",
        "counted_weeks",
        "gap_weeks",
        "week_met",
    ]
    assert as_tuples(frame) == reference_spells(rule, active, observed)


@settings(max_examples=60)
@given(data=st.data(), rule=rules(max_min_weeks=300))
def test_spells_agree_with_the_loop_beyond_255_weeks(data, rule):
    """Spells of long rows (16-bit path of the engine) match the loop too."""
    active = data.draw(matrices(min_weeks=250, max_weeks=300))
    observed = data.draw(observed_for(active))
    assert as_tuples(rule.spells(active, observed)) == reference_spells(rule, active, observed)


@given(data=st.data(), rule=rules())
def test_first_met_week_is_the_earliest_week_met_among_the_spells(data, rule):
    """``first_met_week`` equals, per row, the smallest positive ``week_met`` of ``spells``."""
    active = data.draw(matrices())
    observed = data.draw(observed_for(active))
    frame = rule.spells(active, observed)
    met_weeks = frame[frame["week_met"] > 0].groupby("row")["week_met"].min()
    expected = np.zeros(active.shape[0], dtype=np.int64)
    expected[met_weeks.index.to_numpy()] = met_weeks.to_numpy()
    assert rule.first_met_week(active, observed).tolist() == expected.tolist()


@given(data=st.data(), rule=rules())
def test_rule_is_never_met_before_min_weeks_nor_after_the_observed_weeks(data, rule):
    """The earliest possible week is ``min_weeks``; censored weeks never count."""
    active = data.draw(matrices())
    observed = data.draw(observed_for(active))
    result = rule.first_met_week(active, observed)
    limit = active.shape[1] if observed is None else np.minimum(observed, active.shape[1])
    met_rows = result > 0
    assert (result[met_rows] >= rule.min_weeks).all()
    assert (result <= limit).all()
    # The week met is an active week.
    rows = np.flatnonzero(met_rows)
    assert active[rows, result[rows] - 1].all()


@given(data=st.data(), rule=rules())
def test_weeks_after_the_observed_weeks_are_ignored(data, rule):
    """Changing censored weeks changes nothing: they are neither active nor inactive."""
    active = data.draw(matrices())
    observed = data.draw(observed_for(active))
    if observed is None:
        observed = np.full(active.shape[0], active.shape[1], dtype=np.int64)
    noise = data.draw(nps.arrays(np.bool_, active.shape, elements=st.booleans()))
    censored = np.arange(active.shape[1]) >= observed[:, None]
    changed = np.where(censored, noise, active)
    assert (
        rule.first_met_week(changed, observed).tolist()
        == rule.first_met_week(active, observed).tolist()
    )
    assert as_tuples(rule.spells(changed, observed)) == as_tuples(rule.spells(active, observed))


@given(active=matrices(), rule=rules())
def test_input_layout_and_integer_dtype_do_not_matter(active, rule):
    """A Fortran-ordered array, a 0/1 integer array and a list give the same answer."""
    expected = rule.first_met_week(active).tolist()
    assert rule.first_met_week(np.asfortranarray(active)).tolist() == expected
    assert rule.first_met_week(active.astype(np.int8)).tolist() == expected
    if active.size:
        assert rule.first_met_week(active.tolist()).tolist() == expected


@given(active=matrices(), min_weeks=st.integers(1, 15), max_gap=st.integers(0, 5))
def test_a_more_tolerant_rule_is_never_met_later(active, min_weeks, max_gap):
    """Allowing longer gaps, counting gap weeks or needing fewer weeks can only help."""

    def first(**changes) -> np.ndarray:
        params = {"min_weeks": min_weeks, "max_gap": max_gap} | changes
        weeks = SpellRule(**params).first_met_week(active).astype(np.int64)
        return np.where(weeks == 0, np.iinfo(np.int64).max, weeks)

    strict = first()
    assert (first(max_gap=max_gap + 1) <= strict).all()
    assert (first(count_gap_weeks=True) <= strict).all()
    assert (first(min_weeks=max(min_weeks - 1, 1)) <= strict).all()
    assert (first(max_total_gap=3) >= strict).all()


@settings(max_examples=10)
@given(active=matrices(min_weeks=1, max_weeks=30), rule=rules(), data=st.data())
def test_rows_beyond_the_first_block_of_rows_are_computed_like_the_first(active, rule, data):
    """Rows are processed in blocks; a row's result does not depend on its block."""
    if active.shape[0] == 0:
        active = np.ones((1, active.shape[1]), dtype=bool)
    observed = data.draw(observed_for(active))
    block = spells_module._BLOCK_ROWS
    repeat = block // active.shape[0] + 2  # more than one block, the last one partial
    tiled = np.tile(active, (repeat, 1))
    tiled_observed = None if observed is None else np.tile(observed, repeat)
    expected = reference_first_met(rule, active, observed) * repeat
    assert rule.first_met_week(tiled, tiled_observed).tolist() == expected


# ---------------------------------------------------------------------------------- examples


def test_a_gap_of_exactly_max_gap_weeks_keeps_the_spell():
    """6 weeks, a gap of 4, 7 weeks: 13 counted weeks, met in week 6 + 4 + 7 = 17."""
    assert met(JOBFIRST, "111111" + "...." + "1111111") == 17


def test_a_gap_of_max_gap_plus_one_weeks_ends_the_spell():
    """The fifth inactive week ends the spell; the next active week counts from one."""
    assert met(JOBFIRST, "111111" + "....." + "1111111" + "111111") == 6 + 5 + 13
    assert met(JOBFIRST, "111111" + "....." + "1111111") == 0


def test_several_gaps_are_tolerated_and_their_weeks_do_not_count():
    """3 + 3 + 3 + 4 active weeks separated by three gaps of 4 reach 13 in week 25."""
    text = "111" + "...." + "111" + "...." + "111" + "...." + "1111"
    assert met(JOBFIRST, text) == 25
    assert met(JOBFIRST, text[:-1]) == 0


def test_inactive_weeks_before_the_first_active_week_do_not_count():
    """Leading inactive weeks are not a gap of a spell: 10 empty weeks then 13 active."""
    assert met(JOBFIRST, "." * 10 + "1" * 13) == 23
    assert met(JOBFIRST, "." * 10 + "1" * 12) == 0


def test_censoring_in_the_middle_of_a_spell_means_not_met_yet():
    """A spell cut by the end of observation is not met, however it continues."""
    text = "1" * 20
    assert met(JOBFIRST, text, observed=12) == 0
    assert met(JOBFIRST, text, observed=13) == 13
    assert met(JOBFIRST, text, observed=0) == 0
    assert met(JOBFIRST, text, observed=1000) == 13


def test_long_spells_are_counted_beyond_week_255():
    """Counts, weeks and spans beyond 8 bits (the engine switches to 16-bit integers)."""
    assert met(SpellRule(min_weeks=260, max_gap=0), "1" * 300) == 260
    assert met(SpellRule(min_weeks=10, max_gap=0), "." * 250 + "1" * 50) == 260
    assert met(SpellRule(min_weeks=256, max_gap=4), "." * 9 + "1" * 291) == 265
    assert met(SpellRule(min_weeks=254, max_gap=4), "1" * 254) == 254
    assert met(SpellRule(min_weeks=255, max_gap=4), "1" * 254) == 0
    gappy = ("1" * 20 + "....") * 12  # 288 weeks, 240 counted
    assert met(SpellRule(min_weeks=240, max_gap=4), gappy) == 284
    assert met(SpellRule(min_weeks=270, max_gap=4, count_gap_weeks=True), gappy) == 270


def test_earliest_possible_week_met_is_min_weeks():
    """Week 13 at the earliest for the JobFirst rule (001, L361: significant from week 14)."""
    assert met(JOBFIRST, "1" * 40) == 13
    assert met(SpellRule(min_weeks=1, max_gap=0), ".1") == 2
    assert met(SpellRule(min_weeks=1, max_gap=0), "1") == 1


def test_count_gap_weeks_counts_a_gap_once_the_next_active_week_bridges_it():
    """With ``count_gap_weeks`` the count is the spell's length to the current active week."""
    without = SpellRule(min_weeks=6, max_gap=2)
    with_gaps = SpellRule(min_weeks=6, max_gap=2, count_gap_weeks=True)
    assert met(without, "111..1") == 0  # 4 counted weeks
    assert met(with_gaps, "111..1") == 6  # 3 + 2 bridged + 1
    # An unbridged gap is not counted: the rule cannot be met in an inactive week.
    assert met(with_gaps, "11111..") == 0
    # A gap longer than max_gap is never counted.
    assert met(with_gaps, "111...111") == 0


def test_max_total_gap_ends_a_spell_whose_gap_weeks_exceed_it():
    """Gaps of one week each: the third gap week exceeds a cap of 2 and ends the spell."""
    text = "1.1.1.111"  # active weeks 1, 3, 5, 7, 8, 9; gap weeks 2, 4, 6
    assert met(SpellRule(min_weeks=5, max_gap=2), text) == 8
    assert met(SpellRule(min_weeks=5, max_gap=2, max_total_gap=3), text) == 8
    assert met(SpellRule(min_weeks=5, max_gap=2, max_total_gap=2), text) == 0
    # The next active week after the break starts a new count from one.
    assert met(SpellRule(min_weeks=4, max_gap=2), text + "1") == 7
    assert met(SpellRule(min_weeks=4, max_gap=2, max_total_gap=2), text + "1") == 10
    spells = SpellRule(min_weeks=5, max_gap=2, max_total_gap=2).spells(rows_of(text))
    assert as_tuples(spells) == [(0, 1, 5, 3, 2, 0), (0, 7, 9, 3, 0, 0)]


def test_max_gap_zero_demands_strictly_consecutive_weeks():
    """The grant criterion: no gap at all (SPEC.md §11 A-7)."""
    rule = SpellRule(min_weeks=3, max_gap=0)
    assert met(rule, "11.111") == 6
    assert met(rule, "11.11") == 0


def test_spells_lists_first_and_last_active_week_counts_and_gaps():
    """One hand-computed row: a spell with a tolerated gap of one and a spell after a gap of 2."""
    spells = SpellRule(min_weeks=3, max_gap=1).spells(rows_of("1.11..1"))
    assert as_tuples(spells) == [(0, 1, 4, 3, 1, 4), (0, 7, 7, 1, 0, 0)]
    counting = SpellRule(min_weeks=3, max_gap=1, count_gap_weeks=True).spells(rows_of("1.11..1"))
    assert as_tuples(counting) == [(0, 1, 4, 4, 1, 3), (0, 7, 7, 1, 0, 0)]


def test_spells_of_an_empty_matrix_is_an_empty_table_with_the_columns():
    frame = JOBFIRST.spells(np.zeros((0, 5), dtype=bool))
    assert len(frame) == 0
    assert list(frame.columns) == [
        "row",
        "first_week",
        "last_week",
        "counted_weeks",
        "gap_weeks",
        "week_met",
    ]


def test_zero_rows_or_zero_weeks_give_an_empty_or_zero_result():
    assert JOBFIRST.first_met_week(np.zeros((0, 10), dtype=bool)).shape == (0,)
    assert JOBFIRST.first_met_week(np.zeros((3, 0), dtype=bool), [0, 1, 2]).tolist() == [0, 0, 0]


# ---------------------------------------------------------------------------------- bad input


def test_a_one_dimensional_array_is_refused():
    with pytest.raises(ValueError, match="2-dimensional"):
        JOBFIRST.first_met_week(np.ones(20, dtype=bool))
    with pytest.raises(ValueError, match="2-dimensional"):
        JOBFIRST.spells(np.ones(20, dtype=bool))


def test_negative_observed_weeks_are_refused():
    with pytest.raises(ValueError, match="observed_weeks must be >= 0"):
        JOBFIRST.first_met_week(np.ones((2, 20), dtype=bool), [5, -1])


def test_non_integer_observed_weeks_are_refused():
    with pytest.raises(TypeError, match="observed_weeks must be integers"):
        JOBFIRST.first_met_week(np.ones((2, 20), dtype=bool), [5.0, 2.5])


def test_observed_weeks_of_the_wrong_length_are_refused():
    with pytest.raises(ValueError, match="one entry per row"):
        JOBFIRST.first_met_week(np.ones((2, 20), dtype=bool), [5, 5, 5])


def test_a_non_boolean_non_integer_matrix_is_refused():
    with pytest.raises(TypeError, match="boolean"):
        JOBFIRST.first_met_week(np.full((2, 20), 0.5))


@pytest.mark.parametrize(
    ("params", "message"),
    [
        ({"min_weeks": 0}, "min_weeks must be >= 1"),
        ({"min_weeks": -3}, "min_weeks must be >= 1"),
        ({"max_gap": -1}, "max_gap must be >= 0"),
        ({"max_total_gap": -1}, "max_total_gap must be >= 0"),
    ],
)
def test_invalid_rule_parameters_are_refused(params, message):
    with pytest.raises(ValueError, match=message):
        SpellRule(**params)


def test_rule_is_a_frozen_value_object():
    """Rules compare by value and cannot be changed after construction."""
    assert SpellRule(min_weeks=13, max_gap=4) == SpellRule()
    with pytest.raises(AttributeError):
        JOBFIRST.min_weeks = 3  # type: ignore[misc]


def test_results_do_not_depend_on_the_number_of_threads(monkeypatch):
    """Blocks of rows run in parallel threads; one thread or several give the same weeks."""
    rng = np.random.default_rng(7)
    active = rng.random((3 * 8192 + 17, 60)) < 0.4
    observed = rng.integers(0, 61, active.shape[0])
    rule = SpellRule(min_weeks=5, max_gap=2)
    monkeypatch.setenv("ACTIVEMEASURES_THREADS", "1")
    one = rule.first_met_week(active, observed)
    monkeypatch.setenv("ACTIVEMEASURES_THREADS", "3")
    several = rule.first_met_week(active, observed)
    np.testing.assert_array_equal(one, several)
    assert (one > 0).any()
