"""The JobFirst plugin installs as its own distribution and declares its entry point."""

from importlib.metadata import distribution, entry_points

import numpy as np

import activemeasures_jobfirst as jobfirst
from activemeasures import State


def test_distribution_declares_the_activemeasures_entry_point():
    names = {ep.name: ep.value for ep in entry_points(group="activemeasures")}
    assert names.get("jobfirst") == "activemeasures_jobfirst"
    assert distribution("activemeasures-jobfirst").version


def test_criterion_13w_is_13_counted_weeks_with_gaps_of_up_to_four_not_counted():
    """001, L319-326: the 13th counted week meets it; gap weeks do not count."""
    weeks = np.zeros((2, 30), dtype=bool)
    weeks[0, :6] = True
    weeks[0, 10:17] = True  # gap of 4 tolerated; 6 + 7 = 13 counted in week 17
    weeks[1, :6] = True
    weeks[1, 11:18] = True  # gap of 5 breaks the spell
    assert jobfirst.CRITERION_13W.first_met_week(weeks).tolist() == [17, 0]


def test_criterion_states_are_the_enterprise_directed_states():
    assert jobfirst.CRITERION_13W_STATES == State.ENTERPRISE_DIRECTED


def test_jobfirst_is_discovered_as_a_randomised_programme_measured_on_participants():
    import activemeasures as am

    registry = am.Registry()
    registry.discover()
    programme = registry.programme("jobfirst")
    assert programme.design == "randomised"
    assert programme.participants == am.Population(arms=("treatment",))
    assert programme.plugins[0] == "jobfirst"
