"""State: weekly states as bit flags (DESIGN.md §4.3)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from activemeasures import State
from activemeasures.states import ACTIVITY_STATES, DERIVED_STATES
from reference import STATE_BITS

SINGLE_STATES = list(State)


def test_every_state_is_a_single_distinct_bit():
    """Single bits, so that one uint16 per citizen-week holds every combination."""
    values = [int(s) for s in SINGLE_STATES]
    assert all(v > 0 and v & (v - 1) == 0 for v in values)
    assert len(set(values)) == len(values)
    assert max(values) < 2**16


def test_states_are_the_ones_the_reference_implementation_spells_out():
    """The reference panel builds bits by name; names and bits must agree with the library."""
    assert {s.name: int(s) for s in SINGLE_STATES} == STATE_BITS


def test_enterprise_directed_is_internship_or_wage_subsidy_or_ordinary_hours():
    """The composite of the JobFirst 13-week criterion (SPEC.md §4.3)."""
    composite = State.ENTERPRISE_DIRECTED
    assert composite == State.INTERNSHIP | State.WAGE_SUBSIDY | State.ORDINARY_HOURS
    for state in SINGLE_STATES:
        expected = state in {State.INTERNSHIP, State.WAGE_SUBSIDY, State.ORDINARY_HOURS}
        assert (state in composite) is expected, state


def test_enterprise_directed_is_not_iterated_as_a_state_of_its_own():
    """Iterating State gives the single states only (to_frame makes one column per state)."""
    assert State.ENTERPRISE_DIRECTED not in SINGLE_STATES
    assert len(SINGLE_STATES) == 11


def test_flags_combine_with_or_and_test_membership_with_in():
    mask = State.INTERNSHIP | State.WAGE_SUBSIDY
    assert State.WAGE_SUBSIDY in mask
    assert State.MENTOR not in mask
    assert mask & State.INTERNSHIP == State.INTERNSHIP


def test_activity_states_exclude_the_derived_ordinary_hours():
    """ORDINARY_HOURS comes from the hours table and cannot be registered as an activity."""
    assert "ORDINARY_HOURS" not in ACTIVITY_STATES
    assert State.ORDINARY_HOURS in DERIVED_STATES
    assert set(ACTIVITY_STATES) == {s.name for s in SINGLE_STATES} - {"ORDINARY_HOURS"}
    assert "ENTERPRISE_DIRECTED" not in ACTIVITY_STATES


@pytest.mark.parametrize("state", SINGLE_STATES, ids=lambda s: s.name)
def test_parse_accepts_a_member_its_name_in_any_case_and_its_bit_value(state):
    assert State.parse(state) is state
    assert State.parse(state.name) == state
    assert State.parse(state.name.lower()) == state
    assert State.parse(f"  {state.name.title()} ") == state
    assert State.parse(int(state)) == state


def test_parse_combines_names_separated_by_a_bar():
    assert State.parse("internship | wage_subsidy") == State.INTERNSHIP | State.WAGE_SUBSIDY
    assert State.parse("ENTERPRISE_DIRECTED") == State.ENTERPRISE_DIRECTED
    assert State.parse("INTERNSHIP|WAGE_SUBSIDY|ORDINARY_HOURS") == State.ENTERPRISE_DIRECTED


@given(st.sets(st.sampled_from(SINGLE_STATES), min_size=1))
def test_parse_of_joined_names_is_the_union_of_the_states(states):
    expected = State(0)
    for state in states:
        expected |= state
    assert State.parse(" | ".join(s.name for s in states)) == expected
    assert State.parse(int(expected)) == expected


def test_parse_refuses_an_unknown_name_and_lists_the_known_ones():
    with pytest.raises(ValueError, match="unknown state 'HOLIDAY'") as info:
        State.parse("internship|holiday")
    assert "INTERNSHIP" in str(info.value)
    assert "PUBLIC_BENEFIT" in str(info.value)


def test_parse_refuses_an_empty_name():
    with pytest.raises(ValueError, match="unknown state"):
        State.parse("")
