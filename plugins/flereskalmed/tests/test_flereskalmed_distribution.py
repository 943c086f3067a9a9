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
