"""The declarative fidelity objects: what a plugin may build, and what it may not."""

from __future__ import annotations

import attrs
import pandas as pd
import pytest

import activemeasures as am
from activemeasures.fidelity import IndicatorKind, Population


@attrs.frozen
class HalfKind:
    tables: tuple[str, ...] = ("citizens",)

    def compute(self, dataset, population, *, round=None):
        return pd.DataFrame(
            {"unit": ["national"], "numerator": [1.0], "denominator": [2.0], "value": [0.5]}
        )

    def describe(self):
        return "half"


def test_a_kind_is_anything_with_tables_compute_and_describe():
    assert isinstance(HalfKind(), IndicatorKind)
    assert not isinstance(object(), IndicatorKind)


def test_indicator_refuses_what_is_not_a_kind_or_has_no_key():
    with pytest.raises(TypeError, match="indicator kind"):
        am.Indicator(key="1.1", label="x", kind="share of something")
    with pytest.raises(ValueError, match="key"):
        am.Indicator(key=" ", label="x", kind=HalfKind())
    with pytest.raises(ValueError):
        am.Indicator(key="1.1", label="x", kind=HalfKind(), source="gossip")


def test_indicator_defaults_take_the_programme_thresholds_and_are_rated():
    indicator = am.Indicator(key="1.1", label="x", kind=HalfKind(), source="staff survey")
    assert indicator.thresholds is None and indicator.rated
    assert indicator.source is am.DataSource.STAFF_SURVEY
    with pytest.raises(TypeError):
        am.Indicator(key="1.1", label="x", kind=HalfKind(), thresholds=0.75)


def test_containers_hold_only_their_own_kind_and_are_immutable():
    with pytest.raises(TypeError, match="SubComponent"):
        am.CoreElement(key="e", label="E", sub_components=[HalfKind()])
    with pytest.raises(TypeError, match="Indicator"):
        am.SubComponent(key="s", label="S", indicators=["1.1"])
    element = am.CoreElement(
        key="e",
        label="E",
        sub_components=[
            am.SubComponent(
                key="s",
                label="S",
                indicators=[
                    am.Indicator(key="a", label="A", kind=HalfKind()),
                    am.Indicator(key="b", label="B", kind=HalfKind()),
                ],
            )
        ],
    )
    assert [i.key for i in element.indicators] == ["a", "b"]
    assert isinstance(element.sub_components, tuple)
    with pytest.raises(attrs.exceptions.FrozenInstanceError):
        element.key = "f"


def test_population_selects_arms_and_groups_as_text():
    citizens = pd.DataFrame(
        {"arm": ["treatment", "control", None, "treatment"], "group": [1, 1, 2, "2"]}
    )
    assert Population().select(citizens).tolist() == [True] * 4
    assert Population(arms="treatment").select(citizens).tolist() == [True, False, False, True]
    assert Population(groups=[2]).select(citizens).tolist() == [False, False, True, True]
    both = Population(arms=("treatment",), groups=("2",))
    assert both.select(citizens).tolist() == [False, False, False, True]
    assert both.describe() == "arm treatment, group 2"
    with pytest.raises(KeyError, match="group"):
        Population(groups=[1]).select(citizens.drop(columns="group"))
