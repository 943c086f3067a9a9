"""Panel: citizens × weeks since visitation (DESIGN.md §4.2-4.3; SPEC.md §3.3, §4.3).

Property tests build small random tables, build the panel and compare it with the day-by-day
reference of ``tests/reference.py``; example tests spell out the week semantics by hand.
"""

from __future__ import annotations

import datetime as dt
from typing import NamedTuple

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from activemeasures import Panel, SpellRule, State
from activemeasures import panel as panel_module
from activemeasures._intervals import cell_chunks
from activemeasures.states import ACTIVITY_STATES
from reference import (
    ENTERPRISE_DIRECTED,
    first_met_week_reference,
    panel_reference,
    quality_reference,
    same_workplace_reference,
    state_bits,
)

BASE = dt.date(2016, 1, 4)
WORKPLACES = [None, "W1", "W2", "W3"]
QUALIFYING = ["INTERNSHIP", "WAGE_SUBSIDY"]


def day(offset: int) -> dt.date:
    return BASE + dt.timedelta(days=offset)


# ---------------------------------------------------------------------------------- strategies


class Tables(NamedTuple):
    """Random input tables, both as plain tuples (for the reference) and as DataFrames."""

    citizens: list[tuple[str, dt.date]]
    activities: list[tuple[str, str, dt.date, dt.date, str | None]]
    hours: list[tuple[str, dt.date, dt.date, float, str | None]]
    cutoff: dt.date
    horizon: int
    citizens_frame: pd.DataFrame
    activities_frame: pd.DataFrame | None
    hours_frame: pd.DataFrame | None


def _dates(values: list[dt.date], as_text: bool) -> list[object]:
    return [v.isoformat() if as_text else pd.Timestamp(v) for v in values]


def _index(draw: st.DrawFn, n: int) -> pd.Index:
    """The table's index: default, shuffled, or with duplicates (as after ``pd.concat``)."""
    kind = draw(st.sampled_from(["default", "shuffled", "duplicated"]))
    if kind == "default":
        return pd.RangeIndex(n)
    if kind == "shuffled":
        return pd.Index(draw(st.permutations(list(range(n)))))
    return pd.Index([i // 2 for i in range(n)])


@st.composite
def tables(
    draw: st.DrawFn,
    max_citizens: int = 4,
    max_records: int = 10,
    max_horizon: int = 16,
    states: st.SearchStrategy[str] | None = None,
) -> Tables:
    """Citizens visited over six weeks; records before visitation, after the cut-off,
    overlapping and spanning many weeks; hours over periods of up to ten weeks."""
    n = draw(st.integers(1, max_citizens))
    ids = draw(
        st.lists(st.from_regex(r"C[0-9]{6}", fullmatch=True), min_size=n, max_size=n, unique=True)
    )
    visits = [day(draw(st.integers(0, 42))) for _ in range(n)]
    citizens = list(zip(ids, visits, strict=True))
    cutoff = day(draw(st.integers(-7, 42 + 7 * max_horizon)))
    horizon = draw(st.integers(1, max_horizon))
    state = states if states is not None else st.sampled_from(ACTIVITY_STATES)
    citizen = st.sampled_from(ids)
    start = st.integers(-40, 42 + 7 * max_horizon + 10)
    activities = [
        (who, name, day(first), day(first + length), workplace)
        for who, name, first, length, workplace in draw(
            st.lists(
                st.tuples(citizen, state, start, st.integers(0, 70), st.sampled_from(WORKPLACES)),
                max_size=max_records,
            )
        )
    ]
    hours_amount = st.just(0.0) | st.floats(0.5, 300.0, allow_nan=False)
    hours = [
        (who, day(first), day(first + length), amount, workplace)
        for who, first, length, amount, workplace in draw(
            st.lists(
                st.tuples(
                    citizen, start, st.integers(0, 70), hours_amount, st.sampled_from(WORKPLACES)
                ),
                max_size=max_records,
            )
        )
    ]
    as_text = draw(st.booleans())
    citizens_frame = pd.DataFrame(
        {
            "citizen_id": ids,
            "municipality": "M1",
            "visitation_date": _dates(visits, as_text),
            "arm": draw(
                st.lists(st.sampled_from(["treatment", "control"]), min_size=n, max_size=n)
            ),
        },
        index=_index(draw, n),
    )
    activities_frame = None
    if activities or draw(st.booleans()):
        activities_frame = pd.DataFrame(
            {
                "citizen_id": [r[0] for r in activities],
                "activity": [r[1] for r in activities],
                "start": _dates([r[2] for r in activities], as_text),
                "end": _dates([r[3] for r in activities], as_text),
                "workplace_id": [r[4] for r in activities],
            },
            index=_index(draw, len(activities)),
        )
    hours_frame = None
    if hours or draw(st.booleans()):
        hours_frame = pd.DataFrame(
            {
                "citizen_id": [r[0] for r in hours],
                "period_start": _dates([r[1] for r in hours], as_text),
                "period_end": _dates([r[2] for r in hours], as_text),
                "hours": [r[3] for r in hours],
                "workplace_id": [r[4] for r in hours],
            },
            index=_index(draw, len(hours)),
        )
    return Tables(
        citizens, activities, hours, cutoff, horizon, citizens_frame, activities_frame, hours_frame
    )


def build(t: Tables) -> Panel:
    return Panel.from_frames(
        t.citizens_frame,
        t.activities_frame,
        t.hours_frame,
        cutoff=t.cutoff.isoformat(),
        horizon=t.horizon,
    )


def reference_of(t: Tables):
    return panel_reference(
        t.citizens,
        [(c, name, s, e) for c, name, s, e, _ in t.activities],
        [(c, s, e, h) for c, s, e, h, _ in t.hours],
        t.cutoff,
        t.horizon,
    )


def quality_counts(panel: Panel, table: str) -> dict[str, int]:
    frame = panel.quality.to_frame()
    frame = frame[frame["table"] == table]
    by_action = frame.groupby("action")["n_records"].sum()
    by_rule = frame.set_index("rule")["n_records"]
    return {
        "read": int(by_action.get("read", 0)),
        "excluded": int(by_action.get("excluded", 0)),
        "truncated": int(by_action.get("truncated", 0)),
        "before": int(by_rule.get("ends before visitation", 0)),
        "after": int(by_rule.get("starts after the last observed week (cut-off or horizon)", 0)),
    }


# ---------------------------------------------------------------------------------- properties


@settings(max_examples=100)
@given(t=tables())
def test_panel_agrees_with_the_day_by_day_reference(t):
    """States, hours and observed weeks are those of the day-by-day reading of the records."""
    panel = build(t)
    ref = reference_of(t)
    assert panel.states.dtype == np.uint16
    assert panel.hours.dtype == np.float32
    assert panel.states.shape == panel.hours.shape == (len(t.citizens), t.horizon)
    assert panel.observed_weeks.tolist() == ref.observed_weeks
    expected_states = np.array([[state_bits(week) for week in row] for row in ref.states])
    np.testing.assert_array_equal(panel.states, expected_states.reshape(panel.states.shape))
    expected_hours = np.array(ref.hours, dtype=np.float64).reshape(panel.hours.shape)
    np.testing.assert_allclose(panel.hours, expected_hours, rtol=1e-5, atol=1e-9)


@settings(max_examples=60)
@given(t=tables(), chunk_cells=st.integers(1, 12))
def test_writing_records_in_chunks_of_cells_gives_the_same_panel(t, chunk_cells):
    """Records are expanded to week cells a bounded number at a time (memory); any chunk size
    gives the same states, hours (same order of additions) and workplace intervals."""
    whole = build(t)
    original = panel_module._CHUNK_CELLS
    panel_module._CHUNK_CELLS = chunk_cells
    try:
        chunked = build(t)
    finally:
        panel_module._CHUNK_CELLS = original
    np.testing.assert_array_equal(chunked.states, whole.states)
    np.testing.assert_array_equal(chunked.hours, whole.hours)
    for field in ("row", "workplace", "first_week", "last_week", "state"):
        np.testing.assert_array_equal(
            getattr(chunked.workplace_weeks, field), getattr(whole.workplace_weeks, field)
        )


@given(
    lengths=st.lists(st.integers(1, 20), max_size=30),
    start=st.integers(-5, 5),
    max_cells=st.integers(1, 40),
)
def test_cell_chunks_cover_every_record_once_in_order_within_the_cell_budget(
    lengths, start, max_cells
):
    first = np.full(len(lengths), start, dtype=np.int64)
    last = first + np.array(lengths, dtype=np.int64) - 1
    chunks = cell_chunks(first, last, max_cells)
    assert [i for part in chunks for i in range(part.start, part.stop)] == list(range(len(lengths)))
    for part in chunks:
        cells = sum(lengths[part])
        assert cells <= max_cells or part.stop - part.start == 1


@settings(max_examples=40)
@given(t=tables(), min_weeks=st.integers(1, 5), max_gap=st.integers(0, 2))
def test_panel_first_met_week_is_the_rule_on_the_reference_weeks(t, min_weeks, max_gap):
    """``first_met_week`` reads enterprise-directed weeks and censors unobserved ones."""
    panel = build(t)
    ref = reference_of(t)
    rule = SpellRule(min_weeks=min_weeks, max_gap=max_gap)
    expected = [
        first_met_week_reference(
            [bool(week & ENTERPRISE_DIRECTED) for week in row], observed, min_weeks, max_gap
        )
        for row, observed in zip(ref.states, ref.observed_weeks, strict=True)
    ]
    assert panel.first_met_week(rule).tolist() == expected
    internship_only = [
        first_met_week_reference(
            ["INTERNSHIP" in week for week in row], observed, min_weeks, max_gap
        )
        for row, observed in zip(ref.states, ref.observed_weeks, strict=True)
    ]
    assert panel.first_met_week(rule, states="internship").tolist() == internship_only


@settings(max_examples=100)
@given(
    t=tables(max_records=12, states=st.sampled_from(QUALIFYING) | st.sampled_from(ACTIVITY_STATES)),
    min_weeks=st.integers(1, 6),
    max_gap=st.integers(0, 3),
    count_gap_weeks=st.booleans(),
)
def test_same_workplace_first_met_week_agrees_with_the_per_workplace_reference(
    t, min_weeks, max_gap, count_gap_weeks
):
    """Each workplace on its own, weeks elsewhere are gaps, the earliest workplace decides;
    hours with a workplace count as ORDINARY_HOURS there, records without one never count."""
    panel = build(t)
    rule = SpellRule(min_weeks=min_weeks, max_gap=max_gap, count_gap_weeks=count_gap_weeks)
    activities = t.activities if t.activities_frame is not None else []
    hours = t.hours if t.hours_frame is not None else []
    for states, names in [
        (State.ENTERPRISE_DIRECTED, ENTERPRISE_DIRECTED),
        (State.INTERNSHIP | State.ORDINARY_HOURS, {"INTERNSHIP", "ORDINARY_HOURS"}),
    ]:
        expected = same_workplace_reference(
            t.citizens,
            activities,
            hours,
            t.cutoff,
            t.horizon,
            names,
            min_weeks,
            max_gap,
            count_gap_weeks,
        )
        result = panel.first_met_week(rule, states=states, same_workplace=True)
        assert result.tolist() == expected


@settings(max_examples=40)
@given(t=tables(), min_weeks=st.integers(1, 6), max_gap=st.integers(0, 3))
def test_same_workplace_is_never_met_before_the_pooled_rule(t, min_weeks, max_gap):
    """Weeks at one workplace are a subset of all enterprise-directed weeks."""
    panel = build(t)
    rule = SpellRule(min_weeks=min_weeks, max_gap=max_gap)
    pooled = panel.first_met_week(rule).astype(np.int64)
    same = panel.first_met_week(rule, same_workplace=True).astype(np.int64)
    assert ((same == 0) | ((pooled > 0) & (same >= pooled))).all()


@settings(max_examples=40)
@given(t=tables())
def test_quality_report_accounts_for_every_record(t):
    """Records read = excluded + kept, per table; exclusions and truncations by rule."""
    panel = build(t)
    citizens = quality_counts(panel, "citizens")
    assert citizens["read"] == len(t.citizens)
    for name, frame, records in [
        ("activities", t.activities_frame, [(c, s, e) for c, _, s, e, _ in t.activities]),
        ("hours", t.hours_frame, [(c, s, e) for c, s, e, _, _ in t.hours]),
    ]:
        counts = quality_counts(panel, name)
        if frame is None:
            assert counts["read"] == 0
            continue
        expected = quality_reference(t.citizens, records, t.cutoff, t.horizon)
        assert counts["read"] == len(frame) == expected["read"]
        assert counts["before"] == expected["before"]
        assert counts["after"] == expected["after"]
        assert counts["excluded"] == expected["before"] + expected["after"]
        assert counts["read"] - counts["excluded"] == expected["kept"]
        assert counts["truncated"] == expected["truncated"]
    assert panel.quality.excluded() == sum(
        quality_counts(panel, name)["excluded"] for name in ("activities", "hours")
    )


@settings(max_examples=40)
@given(t=tables())
def test_to_frame_is_one_row_per_observed_citizen_week_and_agrees_with_the_matrices(t):
    panel = build(t)
    frame = panel.to_frame()
    state_columns = [s.name.lower() for s in State]
    assert list(frame.columns) == ["citizen_id", "week", *state_columns, "hours"]
    assert len(frame) == int(panel.observed_weeks.sum())
    assert not frame.duplicated(["citizen_id", "week"]).any()
    ids = [c for c, _ in t.citizens]
    expected_keys = [
        (cid, w)
        for cid, obs in zip(ids, panel.observed_weeks, strict=True)
        for w in range(1, obs + 1)
    ]
    assert list(zip(frame["citizen_id"], frame["week"], strict=True)) == expected_keys
    rows = np.array([ids.index(c) for c in frame["citizen_id"]], dtype=np.int64)
    weeks = frame["week"].to_numpy() - 1
    for state in State:
        expected = (panel.states[rows, weeks] & int(state)) != 0
        column = frame[state.name.lower()]
        assert column.dtype == bool
        np.testing.assert_array_equal(column.to_numpy(), expected)
    np.testing.assert_allclose(frame["hours"].to_numpy(), panel.hours[rows, weeks], rtol=0)


ids_strategy = st.one_of(
    st.from_regex(r"ID[0-9A-Za-z]{8}", fullmatch=True),
    st.integers(10**9, 10**10 - 1),
)


@settings(max_examples=50)
@given(
    ids=st.lists(ids_strategy, min_size=1, max_size=4, unique_by=str),
    late=st.booleans(),
)
def test_printing_a_panel_never_shows_a_citizen_id(ids, late):
    """repr/str of the panel, its workplace structure and its quality report show counts only."""
    citizens = pd.DataFrame(
        {
            "citizen_id": ids,
            "municipality": "M1",
            "visitation_date": "2016-03-01",
            "arm": "treatment",
        }
    )
    activities = pd.DataFrame(
        {
            "citizen_id": ids,
            "activity": "INTERNSHIP",
            "start": "2016-02-01",
            "end": "2016-05-01" if late else "2016-02-10",
            "workplace_id": "W1",
        }
    )
    # The ids are random 10-digit numbers, some CPR-like: accepted explicitly, since what is
    # tested here is that no id is ever printed.
    panel = Panel.from_frames(citizens, activities, cutoff="2016-04-01", horizon=8, allow_cpr=True)
    texts = [
        repr(panel),
        str(panel),
        repr(panel.workplace_weeks),
        str(panel.quality),
        repr(panel.quality),
        panel.quality.to_frame().to_string(),
    ]
    for text in texts:
        for cid in ids:
            assert str(cid) not in text


# ---------------------------------------------------------------------------------- examples

CITIZENS = pd.DataFrame(
    {
        "citizen_id": ["a", "b"],
        "municipality": ["X", "X"],
        "visitation_date": ["2016-03-01", "2016-03-08"],
        "arm": ["treatment", "control"],
    }
)


def activities(*records: tuple[str, str, str, str]) -> pd.DataFrame:
    return pd.DataFrame(records, columns=["citizen_id", "activity", "start", "end"])


def test_week_one_is_the_visitation_day_and_the_six_days_after_it():
    """Visitation 1 March: week 1 is 1-7 March, week 2 starts on 8 March."""
    panel = Panel.from_frames(
        CITIZENS,
        activities(
            ("a", "MENTOR", "2016-03-01", "2016-03-01"),  # visitation day: week 1
            ("a", "EDUCATION", "2016-03-07", "2016-03-07"),  # last day of week 1
            ("a", "FLEX_JOB", "2016-03-08", "2016-03-08"),  # first day of week 2
            ("a", "SNIFFING", "2016-02-29", "2016-02-29"),  # day before visitation: excluded
        ),
        cutoff="2016-12-31",
        horizon=3,
    )
    assert panel.states[0].tolist() == [
        State.MENTOR | State.EDUCATION,
        State.FLEX_JOB,
        0,
    ]
    assert panel.quality.excluded("activities") == 1


def test_a_record_covers_every_week_it_has_a_day_in():
    """10-20 March after a 1 March visitation touches weeks 2 and 3 (8-14, 15-21 March)."""
    panel = Panel.from_frames(
        CITIZENS,
        activities(("a", "INTERNSHIP", "2016-03-10", "2016-03-22")),
        cutoff="2016-12-31",
        horizon=5,
    )
    assert panel.active(State.INTERNSHIP)[0].tolist() == [False, True, True, True, False]


def test_a_week_is_observed_only_when_its_last_day_is_on_or_before_the_cutoff():
    """Visitation 8 March, cut-off 31 March: weeks end 14, 21, 28 March and 4 April."""
    panel = Panel.from_frames(CITIZENS, cutoff="2016-03-31", horizon=10)
    assert panel.observed_weeks.tolist() == [4, 3]  # a: weeks end 7, 14, 21, 28 March
    panel = Panel.from_frames(CITIZENS, cutoff="2016-03-28", horizon=10)
    assert panel.observed_weeks.tolist() == [4, 3]
    panel = Panel.from_frames(CITIZENS, cutoff="2016-03-27", horizon=10)
    assert panel.observed_weeks.tolist() == [3, 2]
    panel = Panel.from_frames(CITIZENS, cutoff="2020-01-01", horizon=10)
    assert panel.observed_weeks.tolist() == [10, 10]


def test_censored_weeks_are_empty_and_records_are_cut_there():
    """Activity after the cut-off sets nothing; the record is counted as truncated."""
    panel = Panel.from_frames(
        CITIZENS,
        activities(("b", "WAGE_SUBSIDY", "2016-03-08", "2016-06-30")),
        cutoff="2016-03-31",
        horizon=6,
    )
    assert panel.active(State.WAGE_SUBSIDY)[1].tolist() == [True] * 3 + [False] * 3
    assert not panel.observed[1, 3:].any()
    frame = panel.quality.to_frame()
    truncated = frame[(frame["table"] == "activities") & (frame["action"] == "truncated")]
    assert truncated["n_records"].sum() == 1


def test_hours_are_spread_evenly_over_their_days_and_summed_per_week():
    """31 hours over 1-31 March = 1 hour a day; citizen b (visited 8 March) gets 7 a week and
    3 in week 4 (29 March - 4 April); a second overlapping record adds 14 hours over 8-21 March."""
    hours = pd.DataFrame(
        {
            "citizen_id": ["b", "b"],
            "period_start": ["2016-03-01", "2016-03-08"],
            "period_end": ["2016-03-31", "2016-03-21"],
            "hours": [31.0, 14.0],
        }
    )
    panel = Panel.from_frames(CITIZENS, hours=hours, cutoff="2016-04-30", horizon=5)
    np.testing.assert_allclose(panel.hours[1], [14.0, 14.0, 7.0, 3.0, 0.0], rtol=1e-6)
    assert panel.active(State.ORDINARY_HOURS)[1].tolist() == [True] * 4 + [False]
    assert panel.hours[0].tolist() == [0.0] * 5


def test_zero_hours_do_not_set_ordinary_hours():
    hours = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "period_start": ["2016-03-01"],
            "period_end": ["2016-03-31"],
            "hours": [0.0],
        }
    )
    panel = Panel.from_frames(CITIZENS, hours=hours, cutoff="2016-04-30", horizon=5)
    assert not panel.active(State.ORDINARY_HOURS).any()


def test_overlapping_records_put_a_week_in_several_states():
    """An internship combined with ordinary hours is the heart of the JobFirst model."""
    hours = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "period_start": ["2016-03-01"],
            "period_end": ["2016-03-07"],
            "hours": [10.0],
        }
    )
    panel = Panel.from_frames(
        CITIZENS,
        activities(
            ("a", "INTERNSHIP", "2016-03-01", "2016-03-07"),
            ("a", "INTERNSHIP", "2016-03-03", "2016-03-05"),
            ("a", "WAGE_SUBSIDY", "2016-03-05", "2016-03-05"),
        ),
        hours,
        cutoff="2016-04-30",
        horizon=2,
    )
    assert panel.states[0, 0] == State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_HOURS
    assert panel.active("enterprise_directed")[0].tolist() == [True, False]
    assert panel.quality.excluded() == 0


def test_same_workplace_switching_workplaces_restarts_the_count():
    """Six weeks at W1 then seven at W2: 13 enterprise-directed weeks, but not at one place."""
    citizens = CITIZENS.iloc[:1]
    acts = pd.DataFrame(
        {
            "citizen_id": ["a", "a"],
            "activity": ["INTERNSHIP", "WAGE_SUBSIDY"],
            "start": ["2016-03-01", "2016-04-12"],  # weeks 1-6, then weeks 7-13
            "end": ["2016-04-11", "2016-05-30"],
            "workplace_id": ["W1", "W2"],
        }
    )
    panel = Panel.from_frames(citizens, acts, cutoff="2016-12-31", horizon=20)
    rule = SpellRule(min_weeks=13, max_gap=4)
    assert panel.first_met_week(rule).tolist() == [13]
    assert panel.first_met_week(rule, same_workplace=True).tolist() == [0]
    shorter = SpellRule(min_weeks=7, max_gap=4)
    assert panel.first_met_week(shorter, same_workplace=True).tolist() == [13]


def test_same_workplace_counts_hours_at_the_workplace_and_ignores_records_without_one():
    """Internship at W1 in weeks 1-3, hours at W1 in weeks 4-5, an internship without a
    workplace in weeks 6-9: met for min_weeks=5 in week 5 at W1; never for 6."""
    citizens = CITIZENS.iloc[:1]
    acts = pd.DataFrame(
        {
            "citizen_id": ["a", "a"],
            "activity": ["INTERNSHIP", "INTERNSHIP"],
            "start": ["2016-03-01", "2016-04-05"],
            "end": ["2016-03-21", "2016-05-02"],
            "workplace_id": ["W1", None],
        }
    )
    hours = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "period_start": ["2016-03-22"],
            "period_end": ["2016-04-04"],
            "hours": [20.0],
            "workplace_id": ["W1"],
        }
    )
    panel = Panel.from_frames(citizens, acts, hours, cutoff="2016-12-31", horizon=12)
    assert panel.first_met_week(SpellRule(min_weeks=5, max_gap=0), same_workplace=True) == [5]
    assert panel.first_met_week(SpellRule(min_weeks=6, max_gap=4), same_workplace=True) == [0]
    assert panel.first_met_week(SpellRule(min_weeks=9, max_gap=0)).tolist() == [9]


def test_a_citizen_visited_after_the_cutoff_has_no_observed_week_and_is_noted():
    panel = Panel.from_frames(
        CITIZENS,
        activities(("b", "INTERNSHIP", "2016-03-08", "2016-03-20")),
        cutoff="2016-03-10",
        horizon=4,
    )
    assert panel.observed_weeks.tolist() == [1, 0]
    assert not panel.states[1].any()
    notes = panel.quality.to_frame().query("action == 'note'")
    assert notes["n_records"].tolist() == [1]


def test_horizon_must_be_at_least_one_week():
    with pytest.raises(ValueError, match="horizon"):
        Panel.from_frames(CITIZENS, cutoff="2016-12-31", horizon=0)


def test_a_record_that_covers_no_observed_week_is_counted_as_excluded():
    """Citizen b is visited 8 March, cut-off 10 March: no week observed. A record spanning the
    visitation day contributes to no week, so it must be reported as excluded, not as kept."""
    panel = Panel.from_frames(
        CITIZENS,
        activities(("b", "INTERNSHIP", "2016-03-01", "2016-03-20")),
        cutoff="2016-03-10",
        horizon=4,
    )
    assert not panel.states.any()
    assert panel.quality.excluded("activities") == 1


# ---------------------------------------------------------------------------------- contract


def test_arrays_are_read_only():
    panel = Panel.from_frames(
        CITIZENS,
        pd.DataFrame(
            {
                "citizen_id": ["a"],
                "activity": ["INTERNSHIP"],
                "start": ["2016-03-01"],
                "end": ["2016-03-20"],
                "workplace_id": ["W1"],
            }
        ),
        cutoff="2016-12-31",
        horizon=4,
    )
    ww = panel.workplace_weeks
    arrays = [
        panel.states,
        panel.hours,
        panel.observed_weeks,
        ww.row,
        ww.workplace,
        ww.first_week,
        ww.last_week,
        ww.state,
    ]
    for array in arrays:
        assert not array.flags.writeable
        with pytest.raises(ValueError, match="read-only"):
            array[..., 0] = 1
    with pytest.raises(AttributeError):
        panel.horizon = 5  # type: ignore[misc]


def test_repr_shows_counts_and_cutoff():
    panel = Panel.from_frames(CITIZENS, cutoff="2016-03-31", horizon=4)
    assert repr(panel) == "<Panel: 2 citizens × 4 weeks, cut-off 2016-03-31>"


@pytest.mark.parametrize("horizon", [44, 78])
def test_panel_fits_in_eight_bytes_per_citizen_week(horizon):
    """DESIGN.md §4.3: <= 8 bytes per citizen-week, all included; 2,000 citizens with five
    records each, all with a workplace, at the mid-term (44) and final (78) horizons."""
    rng = np.random.default_rng(20160301)
    n, per_citizen = 2000, 5
    ids = [f"C{i:06d}" for i in range(n)]
    visits = pd.Timestamp("2016-03-01") + pd.to_timedelta(rng.integers(0, 120, n), unit="D")
    citizens = pd.DataFrame(
        {"citizen_id": ids, "municipality": "M1", "visitation_date": visits, "arm": "treatment"}
    )
    who = np.repeat(np.arange(n), per_citizen)
    start = visits[who] + pd.to_timedelta(rng.integers(0, 7 * horizon, len(who)), unit="D")
    length = pd.to_timedelta(rng.integers(0, 120, len(who)), unit="D")
    activities = pd.DataFrame(
        {
            "citizen_id": np.array(ids)[who],
            "activity": rng.choice(["INTERNSHIP", "WAGE_SUBSIDY", "MENTOR"], len(who)),
            "start": start,
            "end": start + length,
            "workplace_id": rng.choice([f"W{i}" for i in range(300)], len(who)),
        }
    )
    panel = Panel.from_frames(citizens, activities, cutoff="2018-12-31", horizon=horizon)
    assert panel.quality.excluded() < len(activities) // 2  # most records are in the panel
    assert panel.nbytes / (n * horizon) <= 8


def test_hours_too_small_for_the_hours_matrix_count_nowhere():
    """An amount that rounds to 0 in float32 sets no ORDINARY_HOURS week, pooled or at its
    workplace (found by the JobFirst plugin's property tests)."""
    citizens = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "municipality": ["X"],
            "visitation_date": ["2016-03-01"],
            "arm": ["treatment"],
        }
    )
    hours = pd.DataFrame(
        {
            "citizen_id": ["a"],
            "period_start": ["2016-03-01"],
            "period_end": ["2016-06-30"],
            "hours": [1e-118],
            "workplace_id": ["w1"],
        }
    )
    panel = Panel.from_frames(citizens, hours=hours, cutoff="2016-12-31", horizon=20)
    assert not panel.active(State.ORDINARY_HOURS).any()
    rule = SpellRule(min_weeks=1, max_gap=0)
    assert panel.first_met_week(rule, states=State.ORDINARY_HOURS, same_workplace=True)[0] == 0


# ------------------------------------------------ bugs found by fuzzing (tests/fuzz, issue 9)


def test_a_cutoff_given_as_a_number_is_refused_not_read_as_nanoseconds():
    """Was: cutoff=20161231 became 1970-01-01 00:00:00.020161231 and every week was censored,
    without a word."""
    for number in (20161231, 20161231.0, np.int64(20161231), True):
        with pytest.raises(ValueError, match="got the number"):
            Panel.from_frames(CITIZENS, cutoff=number, horizon=4)
    text = Panel.from_frames(CITIZENS, cutoff="20161231", horizon=4)  # its digits as text: fine
    assert text.cutoff == pd.Timestamp("2016-12-31")


def test_a_cutoff_with_a_time_zone_or_a_time_is_the_day_it_shows():
    """Was: a time-zone-aware cut-off was kept aware and evaluate() failed subtracting the
    naive visitation dates from it."""
    aware = pd.Timestamp("2016-03-31 23:30", tz="America/Los_Angeles")  # 1 April in UTC
    panel = Panel.from_frames(CITIZENS, cutoff=aware, horizon=4)
    assert panel.cutoff == pd.Timestamp("2016-03-31") and panel.cutoff.tz is None
    naive = Panel.from_frames(CITIZENS, cutoff="2016-03-31", horizon=4)
    np.testing.assert_array_equal(panel.observed_weeks, naive.observed_weeks)


def test_a_cutoff_outside_the_dates_of_the_tables_is_refused():
    for far in ("0001-01-01", "1699-12-31", "2200-01-01", "9999-12-31"):
        with pytest.raises(ValueError, match="1700-01-01 to 2199-12-31"):
            Panel.from_frames(CITIZENS, cutoff=far, horizon=4)
