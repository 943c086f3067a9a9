"""The 'Flere skal med' plugin installs as its own distribution and declares its entry point."""

from importlib.metadata import distribution, entry_points

import activemeasures_flereskalmed as fsm


def test_distribution_declares_the_activemeasures_entry_point():
    names = {ep.name: ep.value for ep in entry_points(group="activemeasures")}
    assert names.get("flereskalmed") == "activemeasures_flereskalmed"
    assert distribution("activemeasures-flereskalmed").version


def test_visitation_groups_are_1_2_3_and_6():
    """003, L75, L3987, L4001: groups 1, 2, 3 and 6 (postponed)."""
    assert sorted(fsm.VISITATION_GROUPS) == [1, 2, 3, 6]
    assert fsm.VISITATION_GROUPS[6] == "postponed"


def test_flereskalmed_declares_its_four_visitation_groups_in_preference_order():
    import activemeasures as am

    registry = am.Registry()
    registry.discover()
    programme = registry.programme("flereskalmed")
    assert programme.design == "visitation"
    assert [(g.code, g.key) for g in programme.visitation_groups] == [
        ("1", "intervention"),
        ("2", "rehabilitation"),
        ("3", "uncontactable"),
        ("6", "postponed"),
    ]
    assert [g.intervention for g in programme.visitation_groups] == [True, False, False, False]
    assert programme.participants == am.Population(groups=("1",))
