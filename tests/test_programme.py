"""Programme declarations and the objects plugins contribute to them."""

from __future__ import annotations

import pandas as pd
import pytest

import activemeasures as am


def test_programme_defaults_measure_fidelity_on_the_treatment_arm():
    programme = am.Programme(name="pilot", label="Pilot")
    assert programme.design == "randomised"
    assert programme.arms == ("treatment", "control")
    assert programme.participants == am.Population(arms=("treatment",))
    assert programme.thresholds == am.Thresholds()
    assert programme.rating_rule == am.RatingRule()
    assert programme.core_elements == ()


def test_programme_refuses_an_unknown_design_and_a_blank_name():
    with pytest.raises(ValueError):
        am.Programme(name="pilot", label="Pilot", design="quasi")
    with pytest.raises(ValueError, match="name"):
        am.Programme(name="", label="Pilot")


def test_element_lookup_names_the_known_keys():
    programme = am.Programme(
        name="p", label="P", core_elements=[am.CoreElement(key="roles", label="Roles")]
    )
    assert programme.element("roles").label == "Roles"
    with pytest.raises(KeyError, match=r"no core element 'goal' \(known: roles\)"):
        programme.element("goal")


def test_visitation_group_codes_are_text():
    group = am.VisitationGroup(code=1, key="intervention", label="Intervention", intervention=True)
    assert group.code == "1"


def test_success_criterion_target_is_a_number_or_none():
    class Kind:
        tables = ("citizens",)

        def compute(self, dataset, population, *, round=None): ...

        def describe(self):
            return "k"

    assert am.SuccessCriterion(key="c", label="C", kind=Kind(), target="0.4").target == 0.4
    assert am.SuccessCriterion(key="c", label="C", kind=Kind()).target is None
    with pytest.raises(TypeError):
        am.SuccessCriterion(key="c", label="C", kind=0.4)


def test_resolved_visitations_must_have_one_row_per_citizen():
    table = pd.DataFrame(
        {
            "citizen_id": ["a", "a"],
            "group": [1, 2],
            "start": pd.to_datetime(["2018-01-01"] * 2),
            "end": [None, None],
        }
    )
    with pytest.raises(ValueError, match="1 citizens on more than one row"):
        am.ResolvedVisitations(table=table)
    with pytest.raises(ValueError, match="lacks the columns"):
        am.ResolvedVisitations(table=table.drop(columns="end"))
    one = am.ResolvedVisitations(table=table.iloc[:1].assign(extra=1))
    assert list(one.table.columns) == ["citizen_id", "group", "start", "end"]
