"""Traffic lights (SPEC.md §6.1, A-21) and the inferred element rating rule (A-25)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from activemeasures.fidelity import Level, RatingRule, Thresholds, TrafficLight

G, Y, R, N, U = (
    TrafficLight.GREEN,
    TrafficLight.YELLOW,
    TrafficLight.RED,
    TrafficLight.NO_DATA,
    TrafficLight.NOT_RATED,
)


@pytest.mark.parametrize(
    ("value", "light"),
    [
        # The published observations of SPEC.md §6.1 land in their published zones.
        (0.64, R),
        (0.53, R),
        (0.74, R),
        (0.58, R),
        (0.69, R),
        (0.60, R),
        (0.61, R),
        (0.76, Y),
        (0.86, Y),
        (0.79, Y),
        (0.88, Y),
        (0.90, G),
        # Boundaries: red strictly below 75 %, green from 90 % on.
        (0.75, Y),
        (0.7499999, R),
        (0.8999999, Y),
        (1.0, G),
        (0.0, R),
        (float("nan"), N),
        (None, N),
    ],
)
def test_default_thresholds_reproduce_the_published_zones(value, light):
    assert Thresholds().light(value) is light


def light_reference(value, red_below, green_from):
    if value is None or math.isnan(value):
        return N
    return R if value < red_below else G if value >= green_from else Y


@given(
    st.lists(st.one_of(st.floats(-1, 2), st.just(float("nan"))), max_size=30),
    st.floats(0, 1),
    st.floats(0, 1),
)
def test_vectorised_lights_equal_one_at_a_time(values, a, b):
    thresholds = Thresholds(red_below=min(a, b), green_from=max(a, b))
    expected = [light_reference(v, thresholds.red_below, thresholds.green_from) for v in values]
    assert list(thresholds.lights(np.array(values, dtype=float))) == expected
    assert [thresholds.light(v) for v in values] == expected


def test_thresholds_refuse_green_below_red_and_non_numbers():
    with pytest.raises(ValueError, match="green_from"):
        Thresholds(red_below=0.9, green_from=0.75)
    with pytest.raises(ValueError, match="finite"):
        Thresholds(red_below=float("nan"))


@pytest.mark.parametrize(
    ("lights", "level"),
    [
        ([G, G, Y], Level.HIGH),
        ([G, R, Y], Level.MEDIUM),
        ([R, R], Level.LOW),
        ([R], Level.LOW),
        ([G, N], Level.HIGH),  # no data does not count against the element
        ([R, U], Level.LOW),  # nor does an indicator without a target
        ([N, U], None),  # nothing rated: no rating
    ],
)
def test_inferred_rating_rule(lights, level):
    assert RatingRule().rate(lights) is level


def test_published_jobfirst_ratings_follow_from_the_sub_component_lights():
    # GE1 final (SPEC.md §6.2): 1.1 high (green), 1.2 88 % / 72 % (worst: red), 1.3 76 %
    # (yellow), 1.4 "unclear" (counted red): MEDIUM, as published (000, L43-57).
    rule = RatingRule()
    ge1 = [G, rule.combine([Thresholds().light(0.88), Thresholds().light(0.72)]), Y, R]
    assert rule.rate(ge1) is Level.MEDIUM
    # GE3 final: 3.1 100 %, 3.2 86 % (yellow), 3.3 74 % > half (judged met): HIGH (000, L423-429).
    half = Thresholds(red_below=0.5, green_from=0.5)
    assert rule.rate([G, Y, half.light(0.74)]) is Level.HIGH
    # GE7: 38 % is red, but D > K on ordinary hours lifts it to MEDIUM (000, L147-154).
    ge7 = RatingRule(floor="medium", floor_if_positive="7.1-vs-control")
    assert ge7.rate([R], values={"7.1-vs-control": 0.05}) is Level.MEDIUM
    assert ge7.rate([R], values={"7.1-vs-control": -0.01}) is Level.LOW
    assert ge7.rate([R], values={"7.1-vs-control": float("nan")}) is Level.LOW
    assert ge7.rate([R], values={}) is Level.LOW
    # A floor never lowers a rating.
    assert RatingRule(floor="low", floor_if_positive="x").rate([G], {"x": 1}) is Level.HIGH


def test_combine_takes_the_worst_or_best_rated_light():
    assert RatingRule().combine([G, R, Y]) is R
    assert RatingRule(sub_component="best").combine([G, R, Y]) is G
    assert RatingRule().combine([N, G]) is G
    assert RatingRule().combine([N, U]) is N
    assert RatingRule().combine([U]) is U


def test_rating_rule_options_are_checked():
    with pytest.raises(ValueError, match="go together"):
        RatingRule(floor="medium")
    with pytest.raises(ValueError):
        RatingRule(sub_component="average")
    with pytest.raises(ValueError):
        RatingRule(floor="excellent", floor_if_positive="x")
    assert RatingRule(high_max_red=1).rate([G, R, G]) is Level.HIGH
    assert RatingRule(low_when_all_red=False).rate([R, R]) is Level.MEDIUM


def test_lights_and_levels_print_as_words():
    assert [str(x) for x in (G, Y, R, N, U)] == ["green", "yellow", "red", "no data", "not rated"]
    assert [str(x) for x in Level] == ["low", "medium", "high"]
